"""Agreement of the districted encoding with the interpreter, on random and constructed elections.

``RULES``: one small rule text per district clause family the verifier encodes (divisor methods
and largest remainder in each district, district and national thresholds, both, strict, absolute,
ballots cast, tie chains, 2 and 3 districts, lots in districts, blank ballots, magnitudes from the
vote file). ``random_case`` draws elections that stress the
edges: zero votes, a district where nobody votes, equal votes, a list exactly at a threshold
(national or district, made exact through 'against all' votes). ``agree`` (one election) and
``agree_step`` (the two elections of a step query: one list gains votes in one district, encoded
as the properties encode it) return a disagreement message or ``None``. Used by
``tests/test_verify_districts.py`` (a quick slice) and ``scripts/agreement.py --districts`` (the
figure in docs/figures/). Each builds its encoding anew; ``PinnedDistricts`` builds the single
election's and each step query's encoding once per shape (lists x districts x magnitudes) and
checks every election against it with the figures pinned (verify/pinned.py): what ``run_rule``
uses, the same checks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from fractions import Fraction

import z3

from hemicycle.model import Scope
from hemicycle.verify.districts import (
    DISTRICT_EXTRAS,
    DistrictCase,
    DistrictEnc,
    DistrictOutcome,
    DistrictSystem,
    agree,
    allocate_districts,
    district_elections,
    fix_case,
    interpret,
)
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.num import Num
from hemicycle.verify.pinned import Pinned, pin, seats
from hemicycle.verify.symbolic import Ctx, SymElection, needed_extras, needed_tags
from hemicycle.verify.ties import lot_reached

__all__ = ["FAMILIES", "RULES", "PinnedDistricts", "agree", "agree_step", "b_draws_for", "random_case"]


def _rule(body: str, fixed: str = '"D1" 3, "D2" 4') -> str:
    if not fixed:  # magnitudes from the vote file (the chamber's seats are the replay's sum)
        return f'chamber "Test" seats 7\ndistricts seats 7\ntier "t" in each district {{\n{body}\n}}\n'
    seats = sum(int(x.split()[-1]) for x in fixed.split(","))
    return (f'chamber "Test" seats {seats}\ndistricts seats {seats} {{\n  fixed {fixed}\n}}\n'
            f'tier "t" in each district {{\n{body}\n}}\n')


THREE = '"D1" 2, "D2" 3, "D3" 5'
RULES: dict[str, str] = {
    "dhondt": _rule("allocate dhondt\nties more_votes then registration_order"),
    "sainte_lague": _rule("allocate sainte_lague\nties registration_order"),
    "hare": _rule("allocate largest_remainder quota hare\nties registration_order"),
    "droop": _rule("allocate largest_remainder quota droop\nties more_votes then registration_order"),
    "hagenbach": _rule("allocate largest_remainder quota hagenbach_bischoff\nties registration_order"),
    "dhondt-district-3pct": _rule("threshold 3% of valid_votes\nallocate dhondt\n"
                                  "ties more_votes then registration_order"),
    "dhondt-national-5pct": _rule("threshold 5% of valid_votes nationally\nallocate dhondt\n"
                                  "ties more_votes then registration_order"),
    "dhondt-both": _rule("threshold 5% of valid_votes nationally\nthreshold 10% of valid_votes\n"
                         "allocate dhondt\nties registration_order"),
    "hare-national-strict": _rule("threshold 5% of valid_votes strict nationally\n"
                                  "allocate largest_remainder quota hare\nties registration_order"),
    "hare-district": _rule("threshold 10% of valid_votes\nallocate largest_remainder quota hare\n"
                           "ties fewer_votes then registration_order"),
    "sainte_lague-ballots": _rule("threshold 5% of ballots_cast nationally\nallocate sainte_lague\n"
                                  "ties registration_order"),
    "dhondt-absolute": _rule("threshold 20 votes\nallocate dhondt\nties registration_order"),
    "dhondt-ties-votes": _rule("threshold 5% of valid_votes nationally\nallocate dhondt\nties more_votes"),
    "dhondt-3-districts": _rule("threshold 5% of valid_votes nationally\nallocate dhondt\n"
                                "ties more_votes then registration_order", THREE),
    "hare-3-districts": _rule("threshold 3% of valid_votes\nallocate largest_remainder quota hare\n"
                              "ties registration_order", THREE),
    # lots in districts (a draw per district allocation), blank ballots in the base (Spain),
    # magnitudes from the vote file (1..3 per district)
    "dhondt-lot": _rule("allocate dhondt\nties more_votes then lot seed 1"),
    "hare-lot-3-districts": _rule("allocate largest_remainder quota hare\nties lot seed 1", THREE),
    "spain-blank-lot": _rule("threshold 3% of valid_votes_and_blank\nallocate dhondt\n"
                             "ties more_votes then lot seed 1", THREE),
    "dhondt-free-magnitudes": _rule("threshold 5% of valid_votes nationally\nallocate dhondt\n"
                                    "ties more_votes then lot seed 1", ""),
    # Poland: thresholds by kind (tagged lists), an exemption (minority lists)
    "poland-kinds": _rule("threshold 5% of valid_votes nationally for lists not tagged coalition\n"
                          "threshold 8% of valid_votes nationally for lists tagged coalition\n"
                          "exempt lists tagged minority from thresholds\nallocate dhondt\n"
                          "ties more_votes then lot seed 1", THREE),
    "hare-exempt-district": _rule("threshold 10% of valid_votes\nexempt lists tagged minority from thresholds\n"
                                  "allocate largest_remainder quota hare\nties registration_order"),
    # Zurich (without the biproportional apportionment): a test in at least 1 district; a test
    # in every district; alternatives (any one test passing is enough)
    "dhondt-at-least-1": _rule("threshold 5% of list_votes inclusive in at least 1 district\nallocate dhondt\n"
                               "ties more_votes then registration_order", ""),
    "hare-at-least-2-of-3": _rule("threshold 10% of valid_votes in at least 2 district\n"
                                  "allocate largest_remainder quota hare\nties registration_order", THREE),
    "dhondt-every-or-national": _rule("threshold 20% of valid_votes in every district or 30% of valid_votes "
                                      "nationally\nallocate dhondt\nties more_votes then lot seed 1"),
    "hare-free-magnitudes": _rule("threshold 3% of valid_votes_and_blank\n"
                                  "allocate largest_remainder quota hare\nties registration_order", ""),
}


# the clause families of RULES, each to be checked on >= 10,000 elections in all (issue 16, trust)
FAMILIES: dict[str, tuple[str, ...]] = {
    "divisor methods": ("dhondt", "sainte_lague", "dhondt-3-districts"),
    "largest remainder": ("hare", "droop", "hagenbach", "hare-3-districts"),
    "thresholds": ("dhondt-district-3pct", "dhondt-national-5pct", "dhondt-both", "hare-national-strict",
                   "hare-district", "sainte_lague-ballots", "dhondt-absolute"),
    "tie chains that can run out": ("dhondt-ties-votes",),
    "lots": ("dhondt-lot", "hare-lot-3-districts", "spain-blank-lot"),
    "magnitudes from the vote file": ("dhondt-free-magnitudes", "hare-free-magnitudes"),
    "kinds and exemptions": ("poland-kinds", "hare-exempt-district"),
    "tests in several districts": ("dhondt-at-least-1", "hare-at-least-2-of-3", "dhondt-every-or-national"),
}

def _figure(rng: random.Random) -> int:
    return rng.choice([0, 1, 2, 3, 5, 10, 20, rng.randint(0, 60), rng.randint(0, 1000),
                       rng.randint(0, 10**6)])


def random_case(rng: random.Random, sys: DistrictSystem, n: int) -> DistrictCase:
    """A random election, often with an edge: zeros, equal votes, a list exactly at a threshold."""
    D = len(sys.names)
    votes = [[_figure(rng) for _ in range(n)] for _ in range(D)]
    if rng.random() < 0.2:  # equal votes somewhere
        k, i, j = rng.randrange(D), rng.randrange(n), rng.randrange(n)
        votes[k][j] = votes[k][i]
    if rng.random() < 0.1:  # a district where nobody votes
        votes[rng.randrange(D)] = [0] * n
    if rng.random() < 0.2:  # every district proportional: ties between districts' remainders
        base = [rng.randint(0, 30) for _ in range(n)]
        votes = [[b * rng.randint(1, 3) for b in base] for _ in range(D)]
    bases = needed_extras([sys.tier]) - {"nonvoters"}
    extras = [{x: (rng.choice([0, 0, 0, rng.randint(0, 50)]) if x in bases else 0) for x in DISTRICT_EXTRAS}
              for _ in range(D)]
    shares = [t for t in sys.tier.thresholds if t.share is not None and t.base is not None
              and t.base.value == "valid_votes"]
    if shares and rng.random() < 0.4:  # a list exactly at a threshold, through 'against all'
        t = rng.choice(shares)
        i = rng.randrange(n)
        if t.scope is Scope.NATION:
            v, listed = sum(d[i] for d in votes), sum(map(sum, votes))
            k = rng.randrange(D)
            others = listed + sum(x["against_all"] for j, x in enumerate(extras) if j != k)
        else:
            k = rng.randrange(D)
            v, others = votes[k][i], sum(votes[k])
        valid = Fraction(v) / t.share
        if valid.denominator == 1 and valid >= others and "against_all" in bases:
            extras[k]["against_all"] = int(valid) - others
    draws: list[tuple[str, ...] | None] = []
    if lot_reached(sys.tier.ties):  # a random draw per district (the encoding's is free)
        for _ in range(D):
            order = [f"L{i + 1}" for i in range(n)]
            rng.shuffle(order)
            draws.append(tuple(order))
    mags = [rng.randint(1, sys.max_magnitude) for _ in range(D)] if sys.max_magnitude else []
    tags = {t: [rng.random() < 0.4 for _ in range(n)] for t in sorted(needed_tags([sys.tier]))}
    return DistrictCase(votes, extras, draws, mags, tags)


def step_encoding(ctx: Ctx, sys: DistrictSystem, n: int, k: int, p: int
                  ) -> tuple[list[SymElection], list[SymElection], DistrictEnc, DistrictEnc, z3.ArithRef]:
    """The step query's two elections: B is A with list p's votes in district k raised by a free
    ``gain``; their districts, allocations and the gain."""
    a_ds = district_elections(ctx, sys, n, "A")
    d = ctx.num_var("gain")
    b_ds = []
    for j, e in enumerate(a_ds):
        votes = list(e.votes)
        if j == k:
            votes[p] = votes[p] + Num(d)
        b_ds.append(e.with_votes(votes))
    return a_ds, b_ds, allocate_districts(ctx, sys, a_ds, "A"), allocate_districts(ctx, sys, b_ds, "B"), d


def _moved(case: DistrictCase, k: int, p: int, gain: int,
           b_draws: list[tuple[str, ...] | None] | None) -> DistrictCase:
    """B of a step: A with list p's votes in district k raised by ``gain``; B's own draws of the
    lots (``b_draws``; None: the same as A's). The verifier's step queries (docs/verify.md,
    "draws by lot in districts") let the two elections draw independently, so the harness pins
    each election to its own draw: equal or not, each is an outcome of the lot."""
    moved = replace(case, votes=[list(row) for row in case.votes],  # its tags, members, lots too
                    draws=list(case.draws) if b_draws is None else list(b_draws))
    moved.votes[k][p] += gain
    return moved


def b_draws_for(rng: random.Random, case: DistrictCase) -> list[tuple[str, ...] | None] | None:
    """B's draws for a step from ``case``: half the time A's own (None), else a fresh random draw
    in every district (which may still equal A's there)."""
    if not case.draws or rng.random() < 0.5:
        return None
    out: list[tuple[str, ...] | None] = []
    for d in case.draws:
        order = list(d) if d is not None else None
        if order is not None:
            rng.shuffle(order)
        out.append(tuple(order) if order is not None else None)
    return out


def agree_step(sys: DistrictSystem, case: DistrictCase, k: int, p: int, gain: int,
               b_draws: list[tuple[str, ...] | None] | None = None) -> str | None:
    """The step query's encoding (B = A with list p's votes in district k raised by ``gain``),
    A's figures and the gain fixed, B drawing ``b_draws`` (None: A's draws), against the
    interpreter on both elections."""
    n = len(case.votes[0])
    ctx = Ctx(real=sys.real, prefix="s.")
    a_ds, b_ds, a, b, d = step_encoding(ctx, sys, n, k, p)
    val = z3.RealVal if sys.real else z3.IntVal
    moved = _moved(case, k, p, gain, b_draws)
    fix = [d == val(gain), *fix_case(sys, a_ds, a, case), *fix_case(sys, b_ds, b, moved)]
    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, *fix)
    if s.check() != z3.sat:
        return f"step {case} +{gain} L{p + 1} in {sys.names[k]}: no allocation"
    m = s.model()
    for label, enc, c in (("A", a, case), ("B", b, moved)):
        got = [[m.eval(x, model_completion=True).as_long() for x in row] for row in enc.seats]
        defined = z3.is_true(m.eval(enc.defined, model_completion=True))
        want = interpret(sys, c)
        if isinstance(want, str):
            if defined:
                return f"step {label} {c}: interpreter {want}, encoding {got}"
        elif not defined or got != want.seats:
            return f"step {label} {c}: interpreter {want.seats}, encoding {got} (defined={defined})"
    return None


@dataclass
class _Step:
    solver: Pinned
    a_ds: list[SymElection]
    b_ds: list[SymElection]
    a: DistrictEnc
    b: DistrictEnc
    gain: z3.ArithRef


class PinnedDistricts:
    """The districted encodings of one system for ``n`` lists, built once: the single election
    and each step query (list p gains votes in district k, built when first asked)."""

    def __init__(self, sys: DistrictSystem, n: int, *, substitute: bool | None = None,
                 step_substitute: bool | None = None) -> None:
        """``substitute``: how the single election's encoding is asked (``Pinned``); the step
        encodings' way is ``step_substitute``, by default the same."""
        self.sys, self.n = sys, n
        self.substitute = substitute if step_substitute is None else step_substitute
        ctx = Ctx(real=sys.real, prefix="c.")
        self.elections = district_elections(ctx, sys, n, "E")
        self.enc = allocate_districts(ctx, sys, self.elections, "E")
        self.single = Pinned(ctx.cons, substitute=substitute)
        self.steps: dict[tuple[int, int], _Step] = {}

    def agree(self, case: DistrictCase, *, unique: bool = False,
              want: DistrictOutcome | str | None = None) -> str | None:
        """``districts.agree`` on the pinned encoding: the same checks, the same messages."""
        want = interpret(self.sys, case, explain=False) if want is None else want
        pins = fix_case(self.sys, self.elections, self.enc, case)
        try:
            m = self.single.ask(pins)
            if m is None:
                return f"the districted encoding has no allocation for {case}"
            got = seats(m, self.enc.seats)
            defined = z3.is_true(m.eval(self.enc.defined, model_completion=True))
            if unique and not self.single.only(pins, self.enc.seats, got):
                return f"the districted encoding allows other seats for {case}"
        except EncodingMismatch as exc:
            return f"{case}: {exc}"
        if isinstance(want, str):
            return None if not defined else f"{case}: interpreter {want}, encoding {got}"
        if not defined:
            return f"{case}: interpreter {want.seats}, encoding says no result"
        if got != want.seats:
            return f"{case}: interpreter {want.seats}, encoding {got}"
        return None

    def _step(self, k: int, p: int) -> _Step:
        if (k, p) not in self.steps:
            ctx = Ctx(real=self.sys.real, prefix=f"s{k}_{p}.")
            a_ds, b_ds, a, b, d = step_encoding(ctx, self.sys, self.n, k, p)
            self.steps[k, p] = _Step(Pinned(ctx.cons, substitute=self.substitute), a_ds, b_ds, a, b, d)
        return self.steps[k, p]

    def agree_step(self, case: DistrictCase, k: int, p: int, gain: int,
                   b_draws: list[tuple[str, ...] | None] | None = None) -> str | None:
        """``agree_step`` on the pinned step encoding."""
        st = self._step(k, p)
        moved = _moved(case, k, p, gain, b_draws)
        pins = [*pin([st.gain], [gain]), *fix_case(self.sys, st.a_ds, st.a, case),
                *fix_case(self.sys, st.b_ds, st.b, moved)]
        try:
            m = st.solver.ask(pins)
        except EncodingMismatch as exc:
            return f"step {case} +{gain} L{p + 1} in {self.sys.names[k]}: {exc}"
        if m is None:
            return f"step {case} +{gain} L{p + 1} in {self.sys.names[k]}: no allocation"
        for label, enc, c in (("A", st.a, case), ("B", st.b, moved)):
            got = seats(m, enc.seats)
            defined = z3.is_true(m.eval(enc.defined, model_completion=True))
            want = interpret(self.sys, c, explain=False)
            if isinstance(want, str):
                if defined:
                    return f"step {label} {c}: interpreter {want}, encoding {got}"
            elif not defined or got != want.seats:
                return f"step {label} {c}: interpreter {want.seats}, encoding {got} (defined={defined})"
        return None


def system(name: str) -> DistrictSystem:
    from hemicycle.grammar import parse_rules
    from hemicycle.verify.districts import district_system

    return district_system(parse_rules(RULES[name], f"<district agreement {name}>"))


def run_rule(name: str, count: int, *, seed: str = "ci", n: int = 3, unique_every: int = 25,
             step_every: int = 2, pinned: bool = True, substitute: bool | None = None,
             tally: dict[str, int] | None = None) -> tuple[int, int, int, list[str]]:
    """``count`` random elections of rule ``name``: (single elections, step pairs, ties or no
    result, disagreements). Every ``step_every``-th election is also checked as the first
    election of a step query (a random list gains votes in a random district); under lots, half
    the steps' B draws its own lots (``b_draws_for``), counted in ``tally["own_draws"]``.
    ``pinned=False``: each election through an encoding built for it (the old harness);
    ``substitute``: how the pinned encodings are asked (``Pinned``; None: the cheaper, measured)."""
    sys = system(name)
    fast = PinnedDistricts(sys, n, substitute=substitute) if pinned else None
    rng = random.Random(f"{seed}:{name}")
    bad: list[str] = []
    steps = noresult = own = 0
    for c in range(count):
        case = random_case(rng, sys, n)
        want = interpret(sys, case, explain=False)
        if isinstance(want, str):
            noresult += 1
        unique = c % unique_every == 0
        msg = fast.agree(case, unique=unique, want=want) if fast is not None else agree(sys, case, unique=unique)
        if msg is not None:
            bad.append(msg)
        if c % step_every == 0:
            steps += 1
            k, p = rng.randrange(len(sys.names)), rng.randrange(n)
            gain = rng.choice([1, 2, rng.randint(1, 1000)])
            bd = b_draws_for(rng, case)
            if bd is not None:
                own += 1
            msg = (fast.agree_step(case, k, p, gain, bd) if fast is not None
                   else agree_step(sys, case, k, p, gain, bd))
            if msg is not None:
                bad.append(msg)
    if tally is not None:
        tally["own_draws"] = tally.get("own_draws", 0) + own
    return count, steps, noresult, bad
