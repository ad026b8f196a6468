"""Every allocation path on random inputs: divisor sequences against their definition, and random
rule files with random elections, each path against the protocol path.

Used by ``tests/test_path_fuzz.py`` (a seeded quick slice) and ``scripts/fuzz_paths.py`` (at scale).

The paths: the interpreter with the protocol (``explain=True``, the reference) and without it
(``explain=False``: ``export``, ``compare``, the what-ifs), the function of ``hemicycle.compile``
and ``hemicycle.allocate_batch`` (every election of a rule set in one call). Each must give the
same seats or raise the same error (type and message). A path that takes longer than the hang
guard's ``bound`` is a hang, reported as such (``Hang``), never waited for.

* **Divisor sequences** (``divisor_case``): ``divisors A, B, ... [step S]`` with zeros, equal
  and tiny or huge divisors, steps far smaller or larger than the divisors, decreasing sequences
  and non-positive steps (which the language refuses: the parser's error is checked), and
  ``modified_sainte_lague first X`` (the language's first divisor above the second). Seats are
  also compared with the seat-by-seat definition of ``docs/language.md`` in exact fractions
  (``definition``), with the divisors computed here from the numbers written, not by the model.
* **Rule files** (``rule_case``): generated from the grammar and mutated from the bundled files
  (``tests/rulegen.py``); those that parse are allocated for random elections (``random_votes``:
  ties, lists exactly at 5% and 7% of the votes, zero votes, figures up to 10^30 and around the
  batch path's 64-bit limits).
"""

from __future__ import annotations

import itertools
import random
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

import hemicycle
from hemicycle.diagnostics import RuleError
from hemicycle.election import Election
from hemicycle.interpreter import AllocationError
from rulegen import Chooser, bundled_sources, generate, mutate


class Hang(BaseException):
    """A path took longer than the guard's bound (a BaseException: no ``except Exception`` in
    the code under test can swallow it)."""


@contextmanager
def guard(seconds: float) -> Iterator[None]:
    """Raise ``Hang`` in the block after ``seconds`` (a timer signal: main thread, POSIX)."""
    def ring(signum: int, frame: object) -> None:
        raise Hang(f"more than {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


Outcome = tuple[int, ...] | tuple[str, str]  # seats, or (error type, message)
PATHS = ("explain", "plain", "compiled", "batch")


@dataclass
class Tally:
    """What a run found: counts by kind, and a description of every disagreement and escape."""

    rules: int = 0  # rule texts tried
    refused: int = 0  # rule texts the language refused (with a RuleError)
    elections: int = 0  # elections allocated by every path
    errors: int = 0  # elections every path refused with the same AllocationError
    disagreements: list[str] = field(default_factory=list)
    escaped: list[str] = field(default_factory=list)  # exceptions that are not the language's own
    hangs: list[str] = field(default_factory=list)
    slowest: float = 0.0

    def add(self, other: Tally) -> None:
        for name in ("rules", "refused", "elections", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.disagreements += other.disagreements
        self.escaped += other.escaped
        self.hangs += other.hangs
        self.slowest = max(self.slowest, other.slowest)

    @property
    def clean(self) -> bool:
        return not (self.disagreements or self.escaped or self.hangs)

    def summary(self) -> str:
        return (f"rule texts {self.rules:,} (refused by the language {self.refused:,}), elections "
                f"{self.elections:,} (refused alike by every path {self.errors:,}); disagreements "
                f"{len(self.disagreements)}, escaped exceptions {len(self.escaped)}, hangs {len(self.hangs)}; "
                f"slowest rule set {self.slowest:.2f} s")


# --- random elections -----------------------------------------------------------------------------

TOTAL_NAMES = ("invalid", "against_all", "registered")
Election_ = tuple[list[int], dict[str, int]]  # votes in registration order, totals


def random_votes(rng: random.Random, n: int) -> tuple[list[int], dict[str, int]]:
    """Votes for ``n`` lists and totals: ties, exact thresholds, zeros, huge figures."""
    kind = rng.random()
    if kind < 0.25:  # small figures: ties everywhere
        votes = [rng.randint(0, 12) for _ in range(n)]
    elif kind < 0.4:  # equal and proportional figures
        unit = rng.randint(1, 999)
        votes = [unit * rng.choice([0, 1, 1, 2, 3, 7]) for _ in range(n)]
    elif kind < 0.55:  # lists exactly at 5% or 7% of the votes
        votes = [rng.randint(0, 10**5) for _ in range(n)]
        if n > 1:
            share = rng.choice([Fraction(5, 100), Fraction(7, 100), Fraction(1, 10)])
            # v = share * (v + rest)  <=>  v = share * rest / (1 - share), made whole
            unit = (share / (1 - share)).denominator
            votes = [v * unit for v in votes]
            votes[0] = int(share * sum(votes[1:]) / (1 - share))
    elif kind < 0.7:  # one dominant list (runner-up clauses, guarantees)
        votes = [rng.randint(0, 50) for _ in range(n)]
        votes[rng.randrange(n)] = rng.randint(10**3, 10**6)
    elif kind < 0.8:  # huge figures, beyond 64 bits
        votes = [rng.choice([0, rng.randint(1, 10**30), 10**30]) for _ in range(n)]
    elif kind < 0.88:  # around the batch path's limits
        edge = rng.choice([2**31, 2**53, 2**61, 2**62 // 7, 2**63 - 1])
        votes = [max(0, edge - rng.randint(0, 3)) for _ in range(n)]
    else:
        votes = [rng.randint(0, 10**7) for _ in range(n)]
    list_votes = sum(votes)
    totals = {"invalid": rng.choice([0, 0, rng.randint(0, 100), list_votes // 20]),
              "against_all": rng.choice([0, 0, rng.randint(0, 1000)])}
    totals["registered"] = 2 * (list_votes + totals["invalid"] + totals["against_all"]) + rng.randint(0, 5)
    return votes, totals


# --- running every path ---------------------------------------------------------------------------

def _error(e: Exception) -> tuple[str, str]:
    return (type(e).__name__, str(e))


def run_paths(rules: hemicycle.Rules, elections: Sequence[tuple[list[int], dict[str, int]]],
              bound: float) -> tuple[list[dict[str, Outcome]], list[str], list[str]]:
    """Every path's outcome for every election (which all have the same number of lists); also
    the exceptions that escaped (not ``AllocationError``) and the hangs, described."""
    escaped: list[str] = []
    hangs: list[str] = []
    outcomes: list[dict[str, Outcome]] = []
    f = hemicycle.compile(rules)

    hung: set[str] = set()  # a path that hung once is not run again for these rules

    def attempt(label: str, call: Callable[[], Any]) -> Outcome:
        path = label.rsplit(" ", 1)[-1]
        if path in hung:
            return ("Hang", "not run again")
        try:
            with guard(bound):
                return tuple(int(x) for x in call())
        except AllocationError as e:
            return _error(e)
        except Hang:
            hangs.append(f"{label}: more than {bound} s")
            hung.add(path)
            return ("Hang", "")
        except Exception as e:  # every other exception is a finding
            escaped.append(f"{label}: {type(e).__name__}: {e}")
            return _error(e)

    for k, (votes, totals) in enumerate(elections):
        abbrs = [f"L{i + 1}" for i in range(len(votes))]
        election = Election.from_votes(dict(zip(abbrs, votes, strict=True)), **totals)

        def interpreted(explain: bool, election: Election = election, abbrs: list[str] = abbrs) -> list[int]:
            seats = rules.allocate(election, explain=explain).seats
            return [seats[a] for a in abbrs]

        got = {
            "explain": attempt(f"election {k} explain", lambda: interpreted(True)),
            "plain": attempt(f"election {k} plain", lambda: interpreted(False)),
            "compiled": attempt(f"election {k} compiled", lambda v=votes, t=totals: f(v, **t)),
        }
        outcomes.append(got)
    # the batch path: the elections the protocol path allocates, in one call; the others one by one
    ok = [k for k, got in enumerate(outcomes) if isinstance(got["explain"][0], int)]
    if ok and not hung:
        rows = _array([elections[k][0] for k in ok])
        figures = {name: np.array([elections[k][1][name] for k in ok], dtype=object) for name in TOTAL_NAMES}
        try:
            with guard(bound * max(1, len(ok) // 20)):
                seats = hemicycle.allocate_batch(rules, rows, **figures)
            for k, row in zip(ok, seats.tolist(), strict=True):
                outcomes[k]["batch"] = tuple(row)
        except Hang:
            hangs.append(f"batch of {len(ok)} elections: more than {bound * max(1, len(ok) // 20)} s")
        except Exception:  # each election on its own, below, says which and why
            pass
    for k, got in enumerate(outcomes):
        if "batch" not in got:
            votes, totals = elections[k]
            got["batch"] = attempt(f"election {k} batch", lambda v=votes, t=totals: hemicycle.allocate_batch(
                rules, _array([v]), **{name: t[name] for name in TOTAL_NAMES})[0])
    return outcomes, escaped, hangs


def _tallied_paths(rules: hemicycle.Rules, elections: Sequence[tuple[list[int], dict[str, int]]], bound: float,
                   label: str, tally: Tally) -> list[dict[str, Outcome]]:
    """``run_paths``, its time, escaped exceptions and hangs (named by ``label``) counted in ``tally``."""
    started = time.perf_counter()
    outcomes, escaped, hangs = run_paths(rules, elections, bound)
    tally.slowest = max(tally.slowest, time.perf_counter() - started)
    tally.escaped += [f"{label}: {x}" for x in escaped]
    tally.hangs += [f"{label}: {x}" for x in hangs]
    return outcomes


def _array(rows: list[list[int]]) -> Any:
    """int64 when every figure fits, else Python integers (the batch path's exact rows)."""
    if all(abs(x) < 2**63 for row in rows for x in row):
        return np.array(rows, dtype=np.int64)
    return np.array(rows, dtype=object)


def compare(label: str, outcomes: list[dict[str, Outcome]], elections: Sequence[tuple[list[int], dict[str, int]]],
            tally: Tally, expected: Callable[[int], Outcome | None] | None = None) -> None:
    """Count agreements; describe every election where some path (or the definition) differs."""
    for k, got in enumerate(outcomes):
        want = got["explain"]
        if want[0] == "Hang":
            continue
        ref = expected(k) if expected is not None else None
        differ = [p for p in PATHS if p in got and got[p] != want and got[p][0] != "Hang"]
        if ref is not None and not _same(ref, want):
            differ.append("explain vs the definition")
        if "batch" not in got:
            differ.append("batch (no result)")
        if differ:
            tally.disagreements.append(f"{label}; votes {elections[k][0]} totals {elections[k][1]}: "
                                       f"{', '.join(differ)}: {got}" + (f"; definition {ref}" if ref else ""))
        elif isinstance(want[0], int):
            tally.elections += 1
        else:
            tally.elections += 1
            tally.errors += 1


def _same(ref: Outcome, got: Outcome) -> bool:
    """The definition's outcome against a path's: seats equal, or both the used-up error for the
    same number of seats."""
    if isinstance(ref[0], int) or isinstance(got[0], int):
        return ref == got
    return got[0] == "AllocationError" and str(ref[1]) in got[1]


# --- divisor sequences ----------------------------------------------------------------------------

def _number(rng: random.Random) -> Fraction:
    kind = rng.random()
    if kind < 0.15:
        return Fraction(0)
    if kind < 0.5:
        return Fraction(rng.randint(1, 20))
    if kind < 0.75:
        return Fraction(rng.randint(1, 60), rng.choice([2, 3, 4, 7, 10, 100]))
    if kind < 0.85:
        return Fraction(1, rng.choice([10**3, 10**6, 10**12]))
    return Fraction(rng.choice([10**3, 10**6, 10**12])) * rng.randint(1, 9)


def _written(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@dataclass(frozen=True)
class DivisorCase:
    clause: str  # the method as written in the rule file
    divisor: Callable[[int], Fraction | None] | None  # d(k) from the numbers written; None: refused
    refusal: str = ""  # what the language's error says, when it must refuse the clause


def divisor_case(rng: random.Random) -> DivisorCase:
    """A random divisor clause, the divisors it means (computed here, not by the model), and
    whether the language must refuse it."""
    if rng.random() < 0.15:
        first = _number(rng) if rng.random() < 0.5 else Fraction(rng.randint(1, 40), rng.choice([1, 2, 10]))
        if first <= 0:
            return DivisorCase(f"modified_sainte_lague first {_written(first)}", None, "must be positive")
        return DivisorCase(f"modified_sainte_lague first {_written(first)}",
                           lambda k, x=first: x if k == 0 else Fraction(2 * k + 1))
    values = [_number(rng) for _ in range(rng.randint(1, 6))]
    shape = rng.random()
    if shape < 0.7:
        values.sort()
    elif shape < 0.85 and len(values) > 1:  # the first divisor above the second
        values.sort()
        values[0], values[1] = values[1] + rng.randint(1, 5), values[0]
    step: Fraction | None = None
    if rng.random() < 0.7:
        step = rng.choice([_number(rng), Fraction(rng.randint(1, 9), rng.choice([1, 2, 100, 10**6]))])
    clause = "divisors " + ", ".join(_written(v) for v in values)
    if step is not None:
        clause += f" step {_written(step) if rng.random() < 0.97 else '-' + _written(step)}"
        if clause.endswith(f"step -{_written(step)}"):
            return DivisorCase(clause, None, "")  # a syntax error or a refusal: any RuleError
    if any(b < a for a, b in itertools.pairwise(values)):
        return DivisorCase(clause, None, "divisors must not decrease")
    if step is not None and step <= 0:
        return DivisorCase(clause, None, "a divisor step must be positive")

    def d(k: int, values: list[Fraction] = values, step: Fraction | None = step) -> Fraction | None:
        if k < len(values):
            return values[k]
        return None if step is None else values[-1] + step * (k - len(values) + 1)

    return DivisorCase(clause, d)


def definition(d: Callable[[int], Fraction | None], votes: Sequence[int], seats: int) -> Outcome:
    """docs/language.md, seat by seat in exact fractions: the seat goes to the highest
    votes / d(s) (a zero divisor above every finite quotient); lists tied at the top all get one
    if enough seats are left, else the earliest (``ties registration_order``); a list with no
    votes gets none; no list with votes has a divisor left: the used-up error."""
    counts = [0] * len(votes)
    if not any(votes):
        return tuple(counts)  # no admitted list has a vote: no seats
    left = seats
    while left > 0:
        best: tuple[int, Fraction] | None = None
        tied: list[int] = []
        for i, v in enumerate(votes):
            if v == 0:
                continue
            dk = d(counts[i])
            if dk is None:
                continue
            key = (1, Fraction(0)) if dk == 0 else (0, Fraction(v) / dk)
            if best is None or key > best:
                best, tied = key, [i]
            elif key == best:
                tied.append(i)
        if not tied:
            return ("AllocationError", f"{left} seat(s) cannot be given")
        for i in tied[:left]:
            counts[i] += 1
        left -= min(left, len(tied))
    return tuple(counts)


SEATS = [1, 2, 3, 5, 7, 12, 25, 60, 150, 400, 1001, 1500]  # beyond 1,000: the protocol jumps too


def run_divisor_cases(rng: random.Random, count: int, *, per_case: int = 6, bound: float = 10.0) -> Tally:
    tally = Tally()
    for _ in range(count):
        case = divisor_case(rng)
        seats = rng.choice(SEATS)
        text = (f'chamber "c" seats {seats}\ntier "t" seats {seats} {{\n'
                f"allocate {case.clause}\nties registration_order\n}}\n")
        tally.rules += 1
        try:
            rules = hemicycle.loads(text)
        except RuleError as e:
            tally.refused += 1
            if case.divisor is not None or case.refusal not in e.render():
                tally.disagreements.append(f"{case.clause}: the parser says {e.render()!r}, expected "
                                           + ("acceptance" if case.divisor is not None else repr(case.refusal)))
            continue
        if case.divisor is None:
            tally.disagreements.append(f"{case.clause}: accepted, but the language must refuse it ({case.refusal})")
            continue
        n = rng.randint(1, 6)
        elections = [random_votes(rng, n) for _ in range(per_case)]
        outcomes = _tallied_paths(rules, elections, bound, f"{case.clause} ({seats} seats)", tally)
        d = case.divisor

        def expected(k: int, d: Callable[[int], Fraction | None] = d, elections: list[Election_] = elections,
                     seats: int = seats) -> Outcome:
            return definition(d, elections[k][0], seats)

        compare(f"{case.clause} ({seats} seats)", outcomes, elections, tally, expected)
    return tally


# --- random rule files ----------------------------------------------------------------------------

_METHODS = ["dhondt", "sainte_lague", "danish", "imperiali", "huntington_hill", "adams",
            "modified_sainte_lague first 1.4", "modified_sainte_lague first 4", "divisors 1, 2, 3",
            "divisors 1, 2 step 5", "divisors 0, 1 step 1/3", "divisors 7, 12, 25/2, 14 step 15/2",
            "largest_remainder quota hare", "largest_remainder quota droop",
            "largest_remainder quota hagenbach_bischoff", "largest_remainder quota imperiali",
            "largest_remainder quota hare rounded down", "largest_remainder quota imperiali rounded nearest",
            "largest_remainder quota hagenbach_bischoff rounded up"]
_BASES = ["valid_votes", "ballots_cast", "list_votes", "votes_and_against_all", "registered_voters"]
_TIES = ["registration_order", "more_votes then registration_order", "fewer_votes then registration_order",
         "more_votes", "none", "lot seed 7"]


def _clauses(rng: random.Random, seats: int) -> str:
    """A tier's clauses, drawn from those the fast paths cover and a few they hand over."""
    out = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        share = rng.choice(["5%", "7%", "3.25%", "1/10", "100%"])
        kind = rng.random()
        if kind < 0.7:
            out.append(f"threshold {share} of {rng.choice(_BASES)} {rng.choice(['', 'inclusive', 'strict'])}")
        elif kind < 0.85:
            out.append(f"threshold {rng.choice([0, 1, 10, 1000])} votes {rng.choice(['', 'strict'])}")
        else:
            out.append(f"threshold 1 quota of {rng.choice(_BASES)}")
    if rng.random() < 0.4:
        actions = []
        for _ in range(rng.randint(1, 3)):
            who = rng.choice(["runner_up", "runner_up", "every list"])
            action = rng.random()
            if action < 0.4:
                actions.append("admit runner_up")
            elif action < 0.7:
                actions.append(f"guarantee {who} at least {rng.choice([1, 2, 3, seats, seats + 5])} seats "
                               "from largest")
            else:
                actions.append(f"correct {who} quotient by {rng.choice(['0.7', '1/2', '3', '7/5'])}")
        op = rng.choice(["=", "!=", "<", "<=", ">", ">="])
        out.append(f"when passed {op} {rng.randint(0, 3)} {{ " + " ".join(actions) + " }")
    out.append(f"allocate {rng.choice(_METHODS)}")
    if rng.random() < 0.15:
        out.append(f"cap {rng.randint(1, max(1, seats // 2))} seats per list")
    out.append(f"ties {rng.choice(_TIES)}")
    return "\n".join(out)


def clause_text(rng: random.Random) -> str:
    """A rule file of one to three tiers built from the clauses of ``_clauses``."""
    sizes = [rng.choice([1, 2, 3, 5, 7, 12, 25, 98, 150, 1001, 1500]) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    tiers = "".join(f'tier "t{i}" seats {h} {{\n{_clauses(rng, h)}\n}}\n' for i, h in enumerate(sizes))
    return f'chamber "c" seats {sum(sizes)}\n{tiers}'


def rule_text(rng: random.Random, k: int) -> str:
    """A third built from clauses the fast paths cover, a third from the grammar, a third
    mutations of the bundled rule files."""
    ch = Chooser.from_random(rng)
    if k % 3 == 0:
        return clause_text(rng)
    if k % 3 == 1:
        return generate(ch, max_depth=10, max_tokens=200)
    return mutate(rng.choice(bundled_sources()), ch, rounds=rng.choice([1, 1, 2, 3]))


def run_rule_cases(rng: random.Random, count: int, *, per_case: int = 6, bound: float = 10.0) -> Tally:
    tally = Tally()
    for k in range(count):
        text = rule_text(rng, k)
        tally.rules += 1
        try:
            rules = hemicycle.loads(text)
        except RuleError:
            tally.refused += 1
            continue
        n = rng.randint(1, 7)
        elections = [random_votes(rng, n) for _ in range(per_case)]
        label = f"rule text {k} {text[:200]!r}"
        outcomes = _tallied_paths(rules, elections, bound, label, tally)
        compare(label, outcomes, elections, tally)
    return tally


# --- districted rules: interpreter, compiled (hemicycle.districted), batch (hemicycle.batch_districts) ---

DISTRICT_METHODS = ["dhondt", "sainte_lague", "modified_sainte_lague", "danish", "imperiali", "adams",
                    "largest_remainder quota hare", "largest_remainder quota droop",
                    "largest_remainder quota imperiali", "divisors 1, 2 step 5"]
DISTRICT_THRESHOLDS = ["", "threshold 5% of valid_votes", "threshold 3% of valid_votes_and_blank strict",
                       "threshold 10% of list_votes nationally",
                       "threshold 4% of valid_votes nationally\nthreshold 8% of list_votes"]
DISTRICT_TIES = ["ties more_votes then lot seed 1", "ties registration_order",
                 "ties fewer_votes then registration_order", "ties lot seed 2", ""]


def district_case(rng: random.Random) -> tuple[Any, Any]:
    """Random districted rules (one tier in each district: a method, thresholds in the district or
    nationally, a tie chain) and a random election for them: 1-6 districts of 0-12 seats given in
    the vote file, 1-7 lists standing in some of them, equal votes often, figures from 0 to 10^6."""
    from hemicycle.election import ListEntry, Unit

    abbrs = [f"L{i}" for i in range(rng.randint(1, 7))]
    units = []
    for k in range(rng.randint(1, 6)):
        scale = rng.choice([3, 10, 1000, 10**6])
        standing = rng.sample(abbrs, rng.randint(1, len(abbrs)))
        votes = {a: rng.randint(0, scale) for a in standing}
        if rng.random() < 0.3 and len(standing) > 1:  # equal votes: ties
            votes[standing[1]] = votes[standing[0]]
        units.append(Unit(name=f"D{k}", votes=votes, seats=rng.randint(0 if k else 1, 12),
                          totals={"valid": sum(votes.values()), "blank": rng.randint(0, scale // 10 + 1)}))
    seats = sum(u.seats or 0 for u in units)
    text = (f'chamber "c" seats {seats}\ndistricts seats {seats}\ntier "t" in each district {{\n'
            f"{rng.choice(DISTRICT_THRESHOLDS)}\nallocate {rng.choice(DISTRICT_METHODS)}\n"
            f"{rng.choice(DISTRICT_TIES)}\n}}\n")
    sums = {a: sum(u.votes.get(a, 0) for u in units) for a in abbrs}
    lists = tuple(ListEntry(abbr=a, votes=sums[a], registration_order=k + 1) for k, a in enumerate(abbrs))
    totals = {"valid": sum(u.totals["valid"] for u in units), "blank": sum(u.totals["blank"] for u in units)}
    return hemicycle.loads(text, "fuzz.elect").model, Election(lists=lists, units=tuple(units), totals=totals)


def district_outcomes(chamber: Any, e: Any) -> dict[str, Any]:
    """Seats per district (or the error's type) by the interpreter, the compiled and the batch path."""
    from hemicycle.batch_districts import allocate_districts_batch, district_columns
    from hemicycle.districted import compile_districts
    from hemicycle.interpreter import allocate

    def guarded(run: Callable[[], Any]) -> Any:
        try:
            return run()
        except (AllocationError, ValueError) as exc:
            return type(exc).__name__

    def interpreter() -> Any:
        result = allocate(chamber, e, explain=False)
        return {u.name: {a: n for a, n in u.seats.items() if n} for u in result.districts}

    def batch() -> Any:
        units = e.units_of("district")
        cols = district_columns(e)
        votes = [np.array([[u.votes.get(e.lists[i].abbr, 0) for i in c]], dtype=np.int64)
                 for u, c in zip(units, cols, strict=True)]
        totals = {k: np.array([[u.totals[k] for u in units]]) for k in ("valid", "blank")}
        out = allocate_districts_batch(chamber, e, votes, **totals)
        return {u.name: {e.lists[i].abbr: int(s) for i, s in zip(c, out[d][0].tolist(), strict=True) if s}
                for d, (u, c) in enumerate(zip(units, cols, strict=True))}

    f = compile_districts(chamber, e)
    return {"interpreter": guarded(interpreter), "compiled": guarded(lambda: f(e)) if f else "declined",
            "batch": guarded(batch)}


def run_district_cases(rng: random.Random, count: int, *, per_case: int = 1, bound: float = 10.0) -> Tally:
    """``count`` random districted cases through the three paths (``per_case`` is not used: each
    case is one rule text and one election)."""
    tally = Tally()
    for k in range(count):
        chamber, e = district_case(rng)
        tally.rules += 1
        started = time.perf_counter()
        try:
            with guard(bound):
                got = district_outcomes(chamber, e)
        except Hang:
            tally.hangs.append(f"district case {k}")
            continue
        except Exception as exc:
            tally.escaped.append(f"district case {k}: {type(exc).__name__}: {exc}")
            continue
        tally.slowest = max(tally.slowest, time.perf_counter() - started)
        ref = got["interpreter"]
        if isinstance(ref, str):
            tally.errors += 1
        else:
            tally.elections += 1
        for path in ("compiled", "batch"):
            if got[path] != "declined" and got[path] != ref:
                tally.disagreements.append(f"district case {k} ({path}): {got[path]!r} != interpreter {ref!r}")
    return tally


def district_batch(rng: random.Random, e: Any, rows: int) -> tuple[list[Any], dict[str, Any]]:
    """``rows`` elections shaped like ``e`` for the batch path: the first ``e`` itself, the others
    its figures moved (by a vote or two: ties kept and broken; or anywhere from 0 to twice)."""
    from hemicycle.batch_districts import district_columns

    units = e.units_of("district")
    cols = district_columns(e)
    votes = []
    for u, c in zip(units, cols, strict=True):
        base = [u.votes.get(e.lists[i].abbr, 0) for i in c]
        grid = [base]
        for _ in range(rows - 1):
            how = rng.random()
            if how < 0.4:
                grid.append([max(0, v + rng.randint(-2, 2)) for v in base])
            elif how < 0.8:
                grid.append([rng.randint(0, 2 * v + 2) for v in base])
            else:
                grid.append([rng.choice(base) for _ in base])  # equal votes
        votes.append(np.array(grid, dtype=np.int64))
    others = np.array([[u.totals["valid"] - sum(u.votes.values()) for u in units]], dtype=np.int64)
    valid = np.stack([v.sum(axis=1) for v in votes], axis=1) + others
    blank = np.broadcast_to(np.array([[u.totals["blank"] for u in units]], dtype=np.int64), valid.shape)
    return votes, {"valid": valid, "blank": np.ascontiguousarray(blank)}


def run_district_batches(rng: random.Random, count: int, *, per_case: int = 48, bound: float = 60.0) -> Tally:
    """``count`` random districted cases, each with a batch of ``per_case`` elections through the
    batch path at once, every election compared with the interpreter's seats (an error of the
    batch must be the error of one of its elections)."""
    from hemicycle.batch_districts import allocate_districts_batch, district_columns, row_election
    from hemicycle.districted import interpreted, plan_districts

    tally = Tally()
    for k in range(count):
        chamber, e = district_case(rng)
        plan = plan_districts(chamber, e)
        tally.rules += 1
        if plan is None:
            continue
        votes, totals = district_batch(rng, e, per_case)
        cols = district_columns(e)
        n = len(e.lists)
        started = time.perf_counter()
        try:
            with guard(bound):
                try:
                    out: Any = allocate_districts_batch(chamber, e, votes, **totals)
                except (AllocationError, ValueError) as exc:
                    out = type(exc).__name__
                wanted = []
                for r in range(per_case):
                    one = row_election(plan, cols, votes, totals, r, n)
                    try:
                        wanted.append(interpreted(plan, one))
                    except (AllocationError, ValueError) as exc:
                        wanted.append(type(exc).__name__)
        except Hang:
            tally.hangs.append(f"district batch {k}")
            continue
        except Exception as exc:
            tally.escaped.append(f"district batch {k}: {type(exc).__name__}: {exc}")
            continue
        tally.slowest = max(tally.slowest, time.perf_counter() - started)
        if isinstance(out, str):
            tally.errors += 1
            if out not in wanted:
                tally.disagreements.append(f"district batch {k}: the batch raised {out}, no election does")
            continue
        for r, want in enumerate(wanted):
            if isinstance(want, str):
                tally.disagreements.append(f"district batch {k} row {r}: the interpreter raised {want}, "
                                           "the batch did not")
                continue
            tally.elections += 1
            got = {u: {e.lists[i].abbr: int(s) for i, s in zip(c, out[d][r].tolist(), strict=True) if s}
                   for d, (u, c) in enumerate(zip(plan.units, cols, strict=True))}
            if got != want:
                tally.disagreements.append(f"district batch {k} row {r}: {got!r} != interpreter {want!r}")
    return tally
