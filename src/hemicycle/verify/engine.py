"""Running properties: solving, reading counterexamples back, replaying them, minimising."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from math import lcm
from pathlib import Path
from typing import Any

import z3

from hemicycle.election import Election, ListEntry
from hemicycle.model import Chamber, Tier
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.encoder import TierEnc, check_supported, refuse_levels2
from hemicycle.verify.errors import EncodingMismatch, PropertyError, UnsupportedClause, VerifyError
from hemicycle.verify.problem import Outcome, Problem, Query
from hemicycle.verify.properties import CATALOGUE, Property


class Status(str, Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


@dataclass
class CounterElection:
    votes: dict[str, int]
    totals: dict[str, int]
    seats: dict[str, int]
    house: int
    tags: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"votes": self.votes, "totals": self.totals, "seats": self.seats,
                               "house": self.house}
        if self.tags:
            out["tags"] = self.tags
        return out


@dataclass
class PropertyResult:
    property: str
    status: Status
    parties: int
    seconds: float
    tier: str = ""
    bounds: str = ""
    counterexample: list[CounterElection] | None = None
    reason: str | None = None
    clause: str | None = None
    trace: str | None = None
    encoding: str = ""
    minimal: bool | None = None  # minimize=True: whether the fewest total votes was reached
    definition: str = ""
    citation: str = ""
    notes: list[str] = field(default_factory=list)
    found_by: str = "solver"  # "solver" or "search" (a refutation found by verify.search)

    def to_json(self) -> dict[str, Any]:
        ce = None
        if self.counterexample is not None:
            ce = {"elections": [e.to_json() for e in self.counterexample]}
        return {
            "property": self.property,
            "status": self.status.value,
            "parties": self.parties,
            "seconds": round(self.seconds, 3),
            "counterexample": ce,
            "reason": self.reason,
            "tier": self.tier,
            "bounds": self.bounds,
            "encoding": self.encoding,
            "found_by": self.found_by,
            "clause": self.clause,
            "minimal": self.minimal,
            "trace": self.trace,
            "definition": self.definition,
            "citation": self.citation,
            "notes": self.notes,
        }

    def _repr_html_(self) -> str:
        """The verdict, its bounds and its reason or counterexample, for notebooks."""
        from hemicycle.notebook import property_html

        return property_html(self.to_json())


# --- solving ---------------------------------------------------------------------------------


class _Guard:
    """A wall-clock guard: interrupts Z3 if its own timeout is not honoured."""

    def __init__(self, seconds: float) -> None:
        self.timer = threading.Timer(max(0.5, seconds) + 2.0, self._fire)
        self.fired = False

    def _fire(self) -> None:
        self.fired = True
        z3.main_ctx().interrupt()

    def __enter__(self) -> _Guard:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def _check(solver: z3.Solver | z3.Optimize, seconds: float) -> tuple[z3.CheckSatResult, str]:
    solver.set(timeout=max(1, int(seconds * 1000)))
    with _Guard(seconds) as g:
        try:
            r = solver.check()
        except z3.Z3Exception as exc:  # interrupted
            return z3.unknown, f"interrupted ({exc})"
    if r == z3.unknown:
        reason = solver.reason_unknown()
        if g.fired or reason in ("timeout", "canceled", "interrupted from keyboard"):
            reason = f"timeout ({reason})"
        return r, reason
    return r, ""


@dataclass
class _Model:
    query: Query
    model: z3.ModelRef


def _solve(queries: Iterable[Query], deadline: float) -> tuple[Status, _Model | None, str]:
    reasons: list[str] = []
    for q in queries:
        if time.monotonic() >= deadline:
            reasons.append(f"{q.label}: timeout (time budget used up)")
            break
        parts = q.cubes or [("", z3.BoolVal(True))]
        solver = z3.Solver()
        solver.add(*q.ctx.cons, q.goal)
        for lemma in q.lemmas:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            solver.push()
            solver.add(z3.Not(lemma))
            r, _ = _check(solver, min(left, 10.0))
            solver.pop()
            if r == z3.unsat:  # proved: entailed by the constraints and the goal
                solver.add(lemma)
        for label, cube in parts:
            left = deadline - time.monotonic()
            if left <= 0:
                reasons.append(f"{q.label}: timeout (time budget used up)")
                continue
            solver.push()
            solver.add(cube)
            r, why = _check(solver, left)
            if r == z3.sat:
                m = solver.model()
                solver.pop()
                return Status.REFUTED, _Model(q, m), ""
            solver.pop()
            if r == z3.unknown:
                reasons.append(f"{q.label}{' ' + label if label else ''}: {why}")
    if reasons:
        return Status.UNKNOWN, None, "; ".join(reasons)
    return Status.PROVED, None, ""


# --- reading models back ---------------------------------------------------------------------


def _val(m: z3.ModelRef, x: object) -> Fraction:
    if isinstance(x, int):
        return Fraction(x)
    v = m.eval(x, model_completion=True)  # type: ignore[arg-type]
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    if z3.is_algebraic_value(v):
        raise EncodingMismatch(f"irrational value {v} in a model")
    raise EncodingMismatch(f"cannot read {v} from a model")


@dataclass
class _RawElection:
    votes: list[Fraction]
    extras: dict[str, Fraction]
    tags: dict[str, list[bool]]
    seats: list[int]
    house: int


def _read(m: z3.ModelRef, enc: TierEnc) -> _RawElection:
    e = enc.election
    return _RawElection(
        votes=[_val(m, x.a) for x in e.votes],
        extras={"against_all": _val(m, e.against_all.a), "invalid": _val(m, e.invalid.a),
                "nonvoters": _val(m, e.nonvoters.a)},
        tags={t: [z3.is_true(m.eval(b, model_completion=True)) for b in vs]
              for t, vs in e.tags.items()},
        seats=[m.eval(s, model_completion=True).as_long() for s in enc.seats],
        house=enc.house,
    )


@dataclass
class _Concrete:
    votes: list[int]
    extras: dict[str, int]
    tags: dict[str, list[bool]]
    house: int
    model_seats: list[int]


def _scale(raws: list[_RawElection], factor: int = 1) -> list[_Concrete]:
    den = 1
    for r in raws:
        for x in [*r.votes, *r.extras.values()]:
            den = lcm(den, x.denominator)
    out = []
    for r in raws:
        out.append(_Concrete(
            votes=[int(x * den * factor) for x in r.votes],
            extras={k: int(x * den * factor) for k, x in r.extras.items()},
            tags=r.tags, house=r.house, model_seats=r.seats,
        ))
    return out


# --- replay ----------------------------------------------------------------------------------


def _election(c: _Concrete) -> Election:
    entries = tuple(
        ListEntry(abbr=f"L{i + 1}", votes=v, registration_order=i + 1, ballot_order=i + 1,
                  tags=frozenset(t for t, flags in c.tags.items() if flags[i]))
        for i, v in enumerate(c.votes)
    )
    return Election(lists=entries, totals=totals_for(c.votes, **c.extras), name="counterexample")


def _tier_chamber(chamber: Chamber, tier: Tier, house: int) -> Chamber:
    t = tier if house == tier.seats else dataclasses.replace(tier, seats=house)
    return dataclasses.replace(chamber, seats=house, appointed=(), tiers=(t,))


def _replay(chamber: Chamber, tier: Tier, c: _Concrete) -> Outcome:
    from hemicycle.interpreter import AllocationError, allocate

    ch = _tier_chamber(chamber, tier, c.house)
    try:
        res = allocate(ch, _election(c))
    except AllocationError as exc:
        raise EncodingMismatch(
            f"the interpreter refuses counterexample votes {c.votes} {c.extras}: {exc}"
        ) from exc
    t = res.tiers[0]
    abbrs = [f"L{i + 1}" for i in range(len(c.votes))]
    ru = abbrs.index(t.runner_up) if t.runner_up in abbrs else None
    return Outcome(
        votes=c.votes, extras=c.extras, tags=c.tags, house=c.house,
        seats=[t.seats[a] for a in abbrs],
        passed=[a in t.passed for a in abbrs],
        admitted=[a in t.admitted for a in abbrs],
        runner_up=ru, ties=len(res.ties), trace=res.explain(), clauses=list(res.clauses_applied),
    )


def _confirm(chamber: Chamber, tier: Tier, prop: Property, cs: list[_Concrete],
             strict: bool = True) -> list[Outcome] | None:
    outs = [_replay(chamber, tier, c) for c in cs]
    for c, o in zip(cs, outs, strict=True):
        if o.seats != c.model_seats:
            if not strict:
                return None
            raise EncodingMismatch(
                f"{prop.name}: for votes {c.votes} {c.extras} (house {c.house}) the encoding "
                f"gives {c.model_seats} but the interpreter {o.seats}"
            )
    if not prop.violated(outs):
        if not strict:
            return None
        raise EncodingMismatch(
            f"{prop.name}: the interpreter's seats {[o.seats for o in outs]} for "
            f"{[c.votes for c in cs]} do not break the property"
        )
    return outs


def _concretise_step(chamber: Chamber, tier: Tier, prop: Property, raws: list[_RawElection],
                     step: tuple[int, int]) -> tuple[list[_Concrete], list[Outcome]]:
    """Turn an infinitesimal-step counterexample into two integer elections."""
    q, sign = step
    # the standard parts are the same; raws = [low, high]; the base is the one without eps
    base_raw = raws[0] if sign > 0 else raws[1]
    factor = 1
    for _ in range(64):
        base = _scale([base_raw], factor)[0]
        other = dataclasses.replace(base, votes=list(base.votes))
        other.votes[q] += sign
        if other.votes[q] >= 0:
            pair = [base, other] if sign > 0 else [other, base]
            pair[0].model_seats, pair[1].model_seats = raws[0].seats, raws[1].seats
            outs = _confirm(chamber, tier, prop, pair, strict=False)
            if outs is not None:
                return pair, outs
        factor *= 2
    raise EncodingMismatch(
        f"{prop.name}: no integer election confirms the infinitesimal counterexample "
        f"{[r.votes for r in raws]} (step L{q + 1} {'+' if sign > 0 else '-'}eps)"
    )


def _clause(tier: Tier, outs: list[Outcome]) -> str | None:
    """Best effort: the clause most likely responsible for the violation."""
    pri = ["correction", "guarantee", "admit runner_up", "cap", "threshold", "when", "allocate"]
    seen = [c for o in outs for c in o.clauses]
    if len(outs) > 1 and any(o.passed != outs[0].passed for o in outs) and tier.thresholds:
        return f"threshold ({tier.thresholds[0].where})"
    if len(outs) > 1:
        differ = [c for o in outs for c in o.clauses if not all(c in x.clauses for x in outs)]
        seen = differ + seen
    for key in pri:
        for c in seen:
            if c.startswith(key):
                return c
    return None


def _counter(outs: list[Outcome]) -> list[CounterElection]:
    res = []
    for o in outs:
        abbrs = [f"L{i + 1}" for i in range(len(o.votes))]
        tags = {t: [abbrs[i] for i, f in enumerate(flags) if f] for t, flags in o.tags.items()}
        res.append(CounterElection(
            votes=dict(zip(abbrs, o.votes, strict=True)),
            totals=totals_for(o.votes, **o.extras),
            seats=dict(zip(abbrs, o.seats, strict=True)),
            house=o.house,
            tags=tags,
        ))
    return res


# --- the entry point -------------------------------------------------------------------------


def _bounds(n: int, real: bool, max_votes: int | None) -> str:
    if max_votes is not None:
        return f"{n} lists, every vote figure <= {max_votes}"
    if real:
        return f"{n} lists, votes unbounded (rational encoding: covers every integer election)"
    return f"{n} lists, votes unbounded (integer encoding)"


def run_property(
    chamber: Chamber,
    tier: Tier,
    prop: Property,
    *,
    parties: int = 5,
    max_votes: int | None = None,
    timeout: float = 60.0,
    minimize: bool = False,
) -> PropertyResult:
    start = time.monotonic()
    deadline = start + timeout
    real = tier.scale_invariant and max_votes is None
    check_supported(tier)
    quick = _search_first(chamber, tier, prop, parties, max_votes, timeout)
    if quick is not None:
        result = PropertyResult(
            property=prop.name, status=Status.REFUTED, parties=parties, seconds=0.0, tier=tier.name,
            encoding="rational" if real else "integer", found_by="search",
            definition=prop.definition, citation=prop.citation,
            notes=["found by a random search before any solver was asked, and replayed by the "
                   "interpreter"],
        )
        result.counterexample = _counter(quick)
        result.trace = "\n\n".join(o.trace for o in quick)
        result.clause = _clause(tier, quick)
        if minimize:
            problem = Problem(tier, parties, real=False, max_votes=max_votes)
            _minimize(chamber, tier, prop, problem, result, deadline, parties, max_votes)
        result.seconds = time.monotonic() - start
        return result
    problem = Problem(tier, parties, real=real, max_votes=max_votes)
    queries = prop.build(problem)
    status, found, reason = _solve(queries, deadline)
    result = PropertyResult(
        property=prop.name, status=status, parties=parties, seconds=0.0, tier=tier.name,
        bounds=_bounds(parties, real, max_votes),
        encoding="rational" if real else "integer",
        definition=prop.definition, citation=prop.citation,
        notes=["elections where the interpreter gives no result (unbroken tie, zero quota) "
               "are not considered"],
    )
    if status is Status.UNKNOWN:
        result.reason = reason
    if found is not None:
        raws = [_read(found.model, enc) for enc in found.query.elections]
        if found.query.step is not None and real:
            cs, outs = _concretise_step(chamber, tier, prop, raws, found.query.step)
        else:
            cs = _scale(raws)
            outs = _confirm(chamber, tier, prop, cs)  # type: ignore[assignment]
            assert outs is not None
        result.counterexample = _counter(outs)
        result.trace = "\n\n".join(o.trace for o in outs)
        result.clause = _clause(tier, outs)
        result.bounds = ""
        if minimize:
            _minimize(chamber, tier, prop, problem, result, deadline, parties, max_votes)
    if status is not Status.PROVED:
        result.bounds = "" if status is Status.REFUTED else result.bounds
    result.seconds = time.monotonic() - start
    return result


def _search_first(chamber: Chamber, tier: Tier, prop: Property, parties: int,
                  max_votes: int | None, timeout: float) -> list[Outcome] | None:
    """A short random search (``verify.search``) for the properties where refutations are easy to
    stumble upon and slow to construct; its candidates are replayed and checked here."""
    from hemicycle.verify.search import HOUSE, SEARCHABLE, search

    if prop.name not in SEARCHABLE or CATALOGUE.get(prop.name) is not prop:
        return None
    # the Alabama paradox is common and slow for the solver; the others get a brief look only
    budget = min(3.0, timeout / 4) if prop.name in HOUSE else min(0.3, timeout / 10)
    found: list[list[Outcome]] = []

    def confirm(candidate: list[tuple[list[int], dict[str, int], int]]) -> bool:
        cs = [_Concrete(votes=list(v), extras=dict(ex), tags={}, house=h, model_seats=[])
              for v, ex, h in candidate]
        try:
            outs = [_replay(chamber, tier, c) for c in cs]
        except EncodingMismatch:  # the interpreter gives no result for these votes
            return False
        if prop.violated(outs):
            found.append(outs)
            return True
        return False

    search(chamber, tier, prop.name, parties, max_votes, budget, confirm)
    return found[0] if found else None


def _minimize(chamber: Chamber, tier: Tier, prop: Property, problem: Problem,
              result: PropertyResult, deadline: float, parties: int,
              max_votes: int | None) -> None:
    """Replace the counterexample by one with the fewest total votes (integer encoding)."""
    ip = Problem(tier, parties, real=False, max_votes=max_votes)
    queries = prop.build(ip)
    best: tuple[int, list[Outcome]] | None = None
    optimal = True
    for q in queries:
        left = deadline - time.monotonic()
        if left <= 0 or q.objective is None:
            optimal = False
            continue
        opt = z3.Optimize()
        opt.add(*q.ctx.cons, q.goal)
        if best is not None:
            opt.add(q.objective < best[0])
        opt.minimize(q.objective)
        r, _ = _check(opt, left)
        if r == z3.unsat:
            continue
        try:
            m = opt.model()
        except z3.Z3Exception:
            m = None
        if r != z3.sat:
            optimal = False
        if m is None or len(m) == 0:
            continue
        raws = [_read(m, enc) for enc in q.elections]
        cs = _scale(raws)
        outs = _confirm(chamber, tier, prop, cs)
        assert outs is not None
        total = int(m.eval(q.objective, model_completion=True).as_long())
        if best is None or total < best[0]:
            best = (total, outs)
    if best is not None:
        result.counterexample = _counter(best[1])
        result.trace = "\n\n".join(o.trace for o in best[1])
        result.clause = _clause(tier, best[1])
    result.minimal = optimal and best is not None
    if not result.minimal:
        result.notes.append("minimize: the fewest total votes was not reached in time"
                            if best is not None or not optimal else
                            "minimize: no integer counterexample found")


def verify(
    chamber: Chamber,
    properties: list[str] | None = None,
    *,
    parties: int = 5,
    max_votes: int | None = None,
    timeout: float = 60.0,
    minimize: bool = False,
    tier: str | None = None,
    property_file: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[PropertyResult]:
    """Check catalogue properties (all when ``properties`` is None) and those of a ``.props``
    file, for every tier of ``chamber`` (or the one named ``tier``). ``progress(done, total,
    step)`` is called before each property (step: its name, and the tier's when there are
    several) and once at the end."""
    props: list[Property] = []
    if property_file is not None:
        from hemicycle.verify.proplang import load_properties

        user = load_properties(property_file)
        props.extend(user)
    if properties is None:
        if property_file is None:
            props = list(CATALOGUE.values())
    else:
        user_names = {p.name: p for p in props}
        chosen: list[Property] = []
        for name in properties:
            if name in CATALOGUE:
                chosen.append(CATALOGUE[name])
            elif name in user_names:
                chosen.append(user_names[name])
            else:
                raise PropertyError(
                    f"unknown property {name!r}; known: {', '.join([*CATALOGUE, *user_names])}"
                )
        props = chosen
    if parties < 1:
        raise PropertyError("parties must be at least 1")
    for t in chamber.tiers:  # the clauses of the levels issue first: the message names the clause itself
        refuse_levels2(t)
    for level in getattr(chamber, "levels", ()):
        raise UnsupportedClause(level, level.label, "districts are not encoded by the verifier yet")
    tiers = list(chamber.tiers)
    if tier is not None:
        tiers = [t for t in tiers if t.name == tier]
        if not tiers:
            raise PropertyError(f"no tier named {tier!r}; tiers: "
                                + ", ".join(t.name for t in chamber.tiers))
    results = []
    total = len(tiers) * len(props)
    for t in tiers:
        for p in props:
            if progress is not None:
                progress(len(results), total, p.name + (f" ({t.name})" if len(tiers) > 1 else ""))
            results.append(run_bounded(chamber, t, p, parties=parties, max_votes=max_votes,
                                       timeout=timeout, minimize=minimize))
    if progress is not None:
        progress(total, total, "")
    return results


GRACE = 0.25  # seconds a property may run past its timeout before its process is ended


def run_bounded(
    chamber: Chamber, tier: Tier, prop: Property, *, parties: int, max_votes: int | None,
    timeout: float, minimize: bool,
) -> PropertyResult:
    """``run_property`` in a child process that is ended when the timeout is over.

    Z3's own timeout only covers solving; building a large encoding (a house of thousands of
    seats) can take longer than the whole budget. The child is forked, so it needs nothing
    pickled but its answer; an answer that does not come in time is UNKNOWN, never PROVED.
    Where fork is not available the property runs in this process."""
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:
        return run_property(chamber, tier, prop, parties=parties, max_votes=max_votes,
                            timeout=timeout, minimize=minimize)
    start = time.monotonic()
    receiver, sender = ctx.Pipe(duplex=False)

    def child() -> None:
        import pickle

        try:
            answer: tuple[str, object] = ("ok", run_property(
                chamber, tier, prop, parties=parties, max_votes=max_votes, timeout=timeout,
                minimize=minimize))
        except BaseException as e:  # sent to the parent, which raises it there
            try:
                pickle.loads(pickle.dumps(e))
                answer = ("error", e)
            except Exception:  # an exception that does not survive pickling: keep its words
                kind = EncodingMismatch if isinstance(e, EncodingMismatch) else VerifyError
                answer = ("error", kind(f"{type(e).__name__}: {e}"))
        sender.send(answer)
        sender.close()

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    sender.close()
    answer = None
    if receiver.poll(timeout + GRACE):
        try:
            answer = receiver.recv()
        except EOFError:
            answer = None
    proc.join(0.1)
    if proc.is_alive():
        proc.kill()
        proc.join()
    receiver.close()
    if answer is None:
        return PropertyResult(
            property=prop.name, status=Status.UNKNOWN, parties=parties,
            seconds=time.monotonic() - start, tier=tier.name,
            bounds=_bounds(parties, tier.scale_invariant and max_votes is None, max_votes),
            encoding="rational" if tier.scale_invariant and max_votes is None else "integer",
            definition=prop.definition, citation=prop.citation,
            reason=(f"timeout: no answer within {timeout:g} s (building the encoding or solving); "
                    + ("the process ended with code " + str(proc.exitcode)
                       if proc.exitcode not in (None, -9) else "the process was stopped")),
        )
    kind, value = answer
    if kind == "error":
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]
