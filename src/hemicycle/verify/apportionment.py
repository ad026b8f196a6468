"""Apportioned district magnitudes in the verifier: ``districts seats N { fixed ..., minimum M,
apportion by FIGURE METHOD }`` (docs/verify.md, "Districts", "Apportioned magnitudes").

The encoded family: one level whose units not fixed in the rules (``K`` of them, named ``D1`` ..
``DK``: the rule file does not name them) get ``minimum`` seats each and share the seats left by
a largest-remainder quota or a divisor method of the language on a **symbolic figure** per unit
(a population the vote file gives, or a base of the unit's votes: any positive number; a unit
of figure 0 is outside the family, as the interpreter gives it the seats a quota method spreads
over every unit), with the level's ``ties``. The apportionment is encoded exactly as a tier of the
single-tier encoding (``encode_tier``) whose "lists" are the units and whose house is the seats
left: the interpreter runs the same method steps (``interpreter/magnitudes.py``). A divisor
method after a minimum continues its sequence from the minimum (d'(k) = d(M + k)), as the
interpreter does.

The two properties (Balinski & Young 1982) compare two apportionments:

* ``apportionment-house-monotonicity`` (the Alabama paradox): the same figures, the level's
  seats N and N + 1: no unit has fewer seats in the larger house;
* ``apportionment-population-monotonicity`` (the population paradox): figures p and p' with
  p'_i >= p_i and p'_j <= p_j (unit i grows, unit j shrinks, the others free): never i loses a
  seat while j gains one. Since p'_i / p'_j >= p_i / p_j, a counterexample also breaks Balinski
  and Young's ratio form of population monotonicity, which every divisor method satisfies.

A counterexample's figures are made integral (the lcm of their denominators: the methods
encoded with rational figures are scale invariant) and replayed by the interpreter's
``level_magnitudes``; it is accepted only if the interpreter gives the encoding's magnitudes and
they break the property. A PROVED needs the query unsatisfiable and its assumptions (both
apportionments have a result) satisfiable. A timeout is UNKNOWN.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from fractions import Fraction
from math import lcm

import z3

from hemicycle import model as m
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.verify.encoder import encode_tier
from hemicycle.verify.errors import EncodingMismatch, UnsupportedClause
from hemicycle.verify.num import ZERO, Num, total
from hemicycle.verify.solving import Ask, Verdict, check, decide_queries, model_fraction
from hemicycle.verify.symbolic import Ctx, SymElection

DEFAULT_UNITS = 3  # units apportioned when the caller does not say


@dataclass(frozen=True)
class Apportioned:
    """What the verifier encodes of a level with apportioned magnitudes."""

    level: m.Level
    apportion: m.Apportion
    fixed: tuple[tuple[str, int], ...]
    pool: tuple[str, ...]  # the apportioned units: D1 .. DK
    minimum: int

    def rest(self, seats: int) -> int:
        """The seats apportioned by the method when the level has ``seats`` seats."""
        return seats - sum(s for _, s in self.fixed) - self.minimum * len(self.pool)

    @property
    def real(self) -> bool:
        """Rational figures: the method does not change when every figure is scaled."""
        meth = self.apportion.method
        return not isinstance(meth, m.LargestRemainder) or meth.quota.scale_invariant

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.fixed) + self.pool


def apportioned(level: m.Level, units: int = DEFAULT_UNITS) -> Apportioned:
    """The level as the encoded family, or ``UnsupportedClause`` naming what is outside it."""
    a = level.apportion
    if a is None:
        raise UnsupportedClause(level, level.label, "the magnitudes are not apportioned (`apportion by ...`)")
    if units < 1:
        raise UnsupportedClause(level, level.label, "at least one unit must be apportioned")
    minimum = level.minimum.seats if level.minimum is not None else 0
    meth = a.method
    if isinstance(meth, m.LargestRemainder) and meth.integer_parts_only:
        raise UnsupportedClause(meth, "integer parts only", "not encoded in an apportionment")
    if isinstance(meth, m.Divisor):
        if meth.kind is m.DivisorKind.HUNTINGTON_HILL:
            if minimum != 1:
                raise UnsupportedClause(meth, "huntington_hill", "Huntington-Hill apportionment is encoded with "
                                        "a minimum of 1 seat (its first divisor is 0), not "
                                        f"{minimum}")
            if level.ties is not None and level.ties.criteria:
                raise UnsupportedClause(level.ties, "ties", "a tie chain beside Huntington-Hill is not encoded "
                                        "(`ties none`: an equal priority at the cut has no result)")
        elif minimum and any(meth.divisor(k) in (None, 0) for k in range(minimum + 1)):
            raise UnsupportedClause(meth, "divisors", "a minimum with zero or missing first divisors is not "
                                    "encoded in an apportionment")
    if level.ties is not None and m.TieCriterion.LOT in level.ties.criteria:
        crit = level.ties.criteria
        if crit.index(m.TieCriterion.LOT) < min((crit.index(c) for c in (m.TieCriterion.REGISTRATION_ORDER,
                                                 m.TieCriterion.BALLOT_ORDER) if c in crit), default=len(crit)):
            raise UnsupportedClause(level.ties, "ties ... lot", "a seeded draw cannot be encoded")
    fixed = tuple((f.unit, f.seats) for f in level.fixed)
    return Apportioned(level, a, fixed, tuple(f"D{k + 1}" for k in range(units)), minimum)


def _continued(meth: m.Divisor, minimum: int) -> m.Divisor:
    """The divisor method continued from ``minimum`` seats (d'(k) = d(minimum + k)), as the
    interpreter continues it; ``UnsupportedClause`` when the sequence is not linear there."""
    if minimum == 0:
        return meth
    if meth.kind is m.DivisorKind.SEQUENCE and meth.step is None:
        return m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=meth.sequence[minimum:], span=meth.span)
    first, second = meth.divisor(minimum), meth.divisor(minimum + 1)
    assert first is not None and second is not None
    step = second - first
    for k in range(minimum + 2, minimum + 6):
        if meth.divisor(k) != first + step * (k - minimum):
            raise UnsupportedClause(meth, "divisors", "this divisor sequence cannot be continued after a minimum")
    return m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=(first,), step=step, span=meth.span)


def method_tier(app: Apportioned, seats: int) -> m.Tier:
    """The apportionment as a tier whose lists are the units (no thresholds, the level's ties)."""
    meth = app.apportion.method
    if isinstance(meth, m.Divisor):
        meth = _continued(meth, app.minimum)
    ties = app.level.ties if app.level.ties is not None else m.Ties(criteria=())
    return m.Tier(name="apportionment", seats=app.rest(seats), method=meth, ties=ties, span=app.apportion.span)


# --- encoding --------------------------------------------------------------------------------


@dataclass
class MagnitudeEnc:
    """The magnitudes of the apportioned units (``app.pool`` order) and whether they are defined."""

    figures: list[Num]
    magnitudes: list[z3.ArithRef]
    defined: z3.BoolRef
    seats: int
    squared: bool = False  # Huntington-Hill: the symbolic figures stand for the squares of the figures


def figures(ctx: Ctx, app: Apportioned, label: str) -> list[Num]:
    out = []
    for name in app.pool:
        v = ctx.num_var(f"{label}.{name}")
        ctx.add(v > 0)  # every unit has a positive figure (a population, votes cast)
        out.append(Num(v))
    return out


def encode_magnitudes(ctx: Ctx, app: Apportioned, figs: list[Num], seats: int, label: str) -> MagnitudeEnc:
    rest = app.rest(seats)
    if rest < 0:
        raise UnsupportedClause(app.level, app.level.label, f"{seats} seats are too few for the fixed seats and "
                                f"the minimum of {len(app.pool)} units")
    if rest == 0:
        return MagnitudeEnc(figs, [z3.IntVal(app.minimum)] * len(figs), z3.BoolVal(True), seats)
    meth = app.apportion.method
    if isinstance(meth, m.Divisor) and meth.kind is m.DivisorKind.HUNTINGTON_HILL:
        return _huntington_hill(ctx, figs, rest, seats, label)
    e = SymElection(figs, ZERO, ZERO, ZERO)
    enc = encode_tier(ctx, method_tier(app, seats), e, house=rest, label=f"{label} apportionment {seats}")
    mags = [s + app.minimum for s in enc.seats]
    return MagnitudeEnc(figs, mags, z3.And(enc.defined, enc.has_votes), seats)


def _huntington_hill(ctx: Ctx, figs: list[Num], rest: int, seats: int, label: str) -> MagnitudeEnc:
    """Huntington-Hill after every unit's first seat (its divisor 0: the interpreter gives each
    unit of a positive figure one seat, then ``rest`` more by priorities p / sqrt(s (s + 1)) for a
    unit holding s seats). Compared squared, exactly: unit i's last seat beats unit j's next one
    when p_i^2 * D(s_j) >= p_j^2 * D(s_i - 1), D(s) = s (s + 1). The symbolic figures ``figs``
    stand for the **squares** p^2 (linear arithmetic; a property compares figures only by order
    and ratio, which squaring keeps); a counterexample's figures are their square roots, made
    integral (``_confirm``). An equal priority at the cut has no result (``ties none``)."""
    k = len(figs)
    extra = [ctx.int_var(f"{label}.hh{i}") for i in range(k)]
    ctx.add(*[z3.And(x >= 0, x <= rest) for x in extra], z3.Sum(extra) == rest)
    held = [x + 1 for x in extra]

    def times_d(x: z3.ArithRef, s: z3.ArithRef) -> z3.ArithRef:  # x * s (s + 1), s in 1..rest + 1: linear
        out: z3.ArithRef = x * ((rest + 1) * (rest + 2))
        for v in range(rest, 0, -1):
            out = z3.If(s == v, x * (v * (v + 1)), out)
        return out

    sq = [f.a for f in figs]
    strict = []
    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            last_i, next_j = times_d(sq[i], held[j]), times_d(sq[j], held[i] - 1)
            ctx.add(z3.Implies(extra[i] >= 1, last_i >= next_j))
            strict.append(z3.Implies(extra[i] >= 1, last_i > next_j))
    return MagnitudeEnc(figs, held, z3.And(strict), seats, squared=True)


# --- the properties --------------------------------------------------------------------------


@dataclass
class AQuery:
    ctx: Ctx
    assume: list[z3.BoolRef]
    violation: z3.BoolRef
    encs: list[MagnitudeEnc]


def _house_query(app: Apportioned) -> AQuery:
    ctx = Ctx(real=app.real, prefix="alabama.")
    p = figures(ctx, app, "A")
    if app.real:
        ctx.add(total(p).a == 1)  # one scale: the figures are shares
    n0 = app.level.seats
    a = encode_magnitudes(ctx, app, p, n0, "A")
    b = encode_magnitudes(ctx, app, p, n0 + 1, "B")
    bad = z3.Or([y < x for x, y in zip(a.magnitudes, b.magnitudes, strict=True)])
    return AQuery(ctx, [a.defined, b.defined], bad, [a, b])


def _population_query(app: Apportioned) -> AQuery:
    ctx = Ctx(real=app.real, prefix="population.")
    p = figures(ctx, app, "A")
    q = figures(ctx, app, "B")
    if app.real:
        ctx.add(total(p).a == 1)  # election A carries the scale; B's figures are free
    a = encode_magnitudes(ctx, app, p, app.level.seats, "A")
    b = encode_magnitudes(ctx, app, q, app.level.seats, "B")
    k = len(p)
    bad = z3.Or([z3.And(q[i].a >= p[i].a, q[j].a <= p[j].a, b.magnitudes[i] < a.magnitudes[i],
                        b.magnitudes[j] > a.magnitudes[j])
                 for i in range(k) for j in range(k) if i != j] or [z3.BoolVal(False)])
    return AQuery(ctx, [a.defined, b.defined], bad, [a, b])


def _house_bad(app: Apportioned, figs: list[list[int]], mags: list[list[int]]) -> bool:
    return figs[0] == figs[1] and any(y < x for x, y in zip(mags[0], mags[1], strict=True))


def _population_bad(app: Apportioned, figs: list[list[int]], mags: list[list[int]]) -> bool:
    (p, q), (a, b) = figs, mags
    k = len(p)
    return any(q[i] * p[j] >= p[i] * q[j] and b[i] < a[i] and b[j] > a[j]
               for i in range(k) for j in range(k) if i != j)


@dataclass(frozen=True)
class ApportionmentProperty:
    name: str
    definition: str
    citation: str
    query: object  # Callable[[Apportioned], AQuery]
    violated: object  # Callable[[Apportioned, figures, magnitudes], bool]
    houses: tuple[int, int]  # the second apportionment's seats, relative to the level's


APPORTIONMENT_CATALOGUE: dict[str, ApportionmentProperty] = {
    p.name: p for p in (
        ApportionmentProperty(
            "apportionment-house-monotonicity",
            "With the same figures (population ...) of the units, one seat more for the level never "
            "gives a unit fewer seats (no Alabama paradox of district magnitudes).",
            "Balinski & Young 1982, ch. 5 and Appendix A, Theorem 4.3 (the Alabama paradox; every "
            "divisor method is house monotone); Balinski & Young 1975 (the quota method)",
            _house_query, _house_bad, (0, 1)),
        ApportionmentProperty(
            "apportionment-population-monotonicity",
            "A unit whose figure does not fall never loses a seat while a unit whose figure does not "
            "rise gains one, the level's seats unchanged (no population paradox of district magnitudes).",
            "Balinski & Young 1982, ch. 6 and Appendix A, Theorem 4.3 (population monotonicity: "
            "exactly the divisor methods); Balinski & Young 1980, 'The Webster method of apportionment'",
            _population_query, _population_bad, (0, 0)),
    )
}


# --- deciding and replaying ------------------------------------------------------------------


@dataclass
class Replay:
    """One apportionment the interpreter made: the figures and seats of every unit of the level."""

    seats: int  # the level's seats
    figures: dict[str, int]  # the apportioned units
    magnitudes: dict[str, int]  # every unit, fixed ones first
    trace: str


def election_for(app: Apportioned, figs: list[int]) -> Election:
    """A vote file for the level: each apportioned unit with its figure (as ``figures`` when the
    rules apportion by a figure of the vote file, else as the votes of one list, which every base
    then equals); fixed units with one vote."""
    by_base = app.apportion.base is not None
    units = []
    for name, _ in app.fixed:
        units.append(Unit(name=name, level=app.level.name, votes={"L1": 1}, totals={"valid": 1}))
    for name, f in zip(app.pool, figs, strict=True):
        v = f if by_base else 1
        units.append(Unit(name=name, level=app.level.name, votes={"L1": v},
                          totals={"valid": v, "invalid": 0, "ballots_cast": v, "registered": v},
                          figures={} if by_base else {app.apportion.figure: f}))
    vote_sum = sum(u.votes["L1"] for u in units)
    return Election(lists=(ListEntry(abbr="L1", votes=vote_sum, registration_order=1, ballot_order=1),),
                    totals={"valid": vote_sum}, units=tuple(units), name="counterexample")


def replay(app: Apportioned, figs: list[int], seats: int) -> Replay | str:
    """The interpreter's magnitudes (``interpreter.magnitudes.level_magnitudes``), or "tie" / "error: ..."."""
    from hemicycle.interpreter import AllocationError, TieError
    from hemicycle.interpreter.magnitudes import level_magnitudes

    level = replace(app.level, seats=seats)
    try:
        res = level_magnitudes(level, election_for(app, figs), [], [], True)
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    trace = "\n".join(step.render() for step in res.steps)
    return Replay(seats, dict(zip(app.pool, figs, strict=True)), dict(res.magnitudes), trace)


def _integral(raw: list[list[Fraction]], squared: bool, digits: int) -> list[list[int]]:
    """The model's figures as integers (one common factor); ``squared``: the figures are their
    square roots, to ``digits`` digits past a common denominator (monotone: equal squares give
    equal figures, a larger square never a smaller one)."""
    den = lcm(*(x.denominator for row in raw for x in row))
    ints = [[int(x * den) for x in row] for row in raw]
    if not squared:
        return ints
    from math import isqrt

    scale = 10 ** digits
    return [[isqrt(a * den * scale * scale) for a in row] for row in ints]


def _confirm(app: Apportioned, prop: ApportionmentProperty, q: AQuery, mdl: z3.ModelRef) -> list[Replay]:
    raw = [[model_fraction(mdl, f.a) for f in e.figures] for e in q.encs]
    if not any(e.squared for e in q.encs):
        return _replayed(app, prop, q, mdl, _integral(raw, False, 0))
    # Huntington-Hill: the square roots, closer and closer, until the interpreter's priorities
    # order the seats as the squares did (the model's inequalities at the cut are strict)
    for digits in (3, 6, 9, 12, 18):
        try:
            return _replayed(app, prop, q, mdl, _integral(raw, True, digits))
        except EncodingMismatch:
            if digits == 18:
                raise
    raise AssertionError("unreachable")


def _replayed(app: Apportioned, prop: ApportionmentProperty, q: AQuery, mdl: z3.ModelRef,
              figs: list[list[int]]) -> list[Replay]:
    model_mags = [[mdl.eval(x, model_completion=True).as_long() for x in e.magnitudes] for e in q.encs]
    replays = []
    for f, want, e in zip(figs, model_mags, q.encs, strict=True):
        r = replay(app, f, e.seats)
        if isinstance(r, str):
            raise EncodingMismatch(f"{prop.name}: the interpreter gives no magnitudes ({r}) for figures {f}")
        got = [r.magnitudes[u] for u in app.pool]
        if got != want:
            raise EncodingMismatch(f"{prop.name}: for figures {f} at {e.seats} seats the encoding gives {want}, "
                                   f"the interpreter {got}")
        replays.append(r)
    if not prop.violated(app, figs, [[r.magnitudes[u] for u in app.pool] for r in replays]):  # type: ignore[operator]
        raise EncodingMismatch(f"{prop.name}: the interpreter's magnitudes do not break the property")
    return replays


def decide(app: Apportioned, prop: ApportionmentProperty, *, timeout: float = 60.0) -> Verdict:
    """The verdict; a counterexample's outcomes are the interpreter's apportionments (``Replay``)."""
    q: AQuery = prop.query(app)  # type: ignore[operator]
    return decide_queries([Ask("", q.ctx.cons, q.assume, q.violation)],
                          lambda _, mdl: _confirm(app, prop, q, mdl), time.monotonic() + timeout, lambda _: [
        "non-vacuity: both apportionments have a result on some figures without the negated property"])


def agree(app: Apportioned, figs: list[int], seats: int) -> str | None:
    """None when the encoding with ``figs`` fixed has exactly the interpreter's magnitudes (or,
    where the interpreter has no result, says it has none), else what differs."""
    ctx = Ctx(real=app.real, prefix="agree.")
    p = figures(ctx, app, "F")
    enc = encode_magnitudes(ctx, app, p, seats, "F")
    val = z3.RealVal if app.real else z3.IntVal
    s = z3.Solver()
    s.set(timeout=60_000)
    # Huntington-Hill: the symbolic figures are the squares
    s.add(*ctx.cons, *[x.a == val(f * f if enc.squared else f) for x, f in zip(p, figs, strict=True)])
    want = replay(app, figs, seats)
    if s.check() != z3.sat:
        return f"figures {figs}, {seats} seats: the encoding has no apportionment"
    mdl = s.model()
    got = [mdl.eval(x, model_completion=True).as_long() for x in enc.magnitudes]
    defined = z3.is_true(mdl.eval(enc.defined, model_completion=True))
    if isinstance(want, str):
        return None if not defined else f"figures {figs}, {seats} seats: interpreter {want}, encoding {got}"
    exp = [want.magnitudes[u] for u in app.pool]
    if not defined:
        return f"figures {figs}, {seats} seats: interpreter {exp}, encoding says no result"
    s.add(z3.Or([x != v for x, v in zip(enc.magnitudes, got, strict=True)]))
    if got != exp:
        return f"figures {figs}, {seats} seats: interpreter {exp}, encoding {got}"
    if s.check() != z3.unsat:
        return f"figures {figs}, {seats} seats: the encoding allows other magnitudes than {got}"
    return None


def magnitude_vectors(app: Apportioned, seats: int | None = None) -> list[tuple[int, ...]]:
    """Every vector of magnitudes of the apportioned units: each at least the minimum, adding up
    to the seats the level leaves them (a superset of the reachable ones)."""
    rest = app.rest(app.level.seats if seats is None else seats)
    k = len(app.pool)
    out: list[tuple[int, ...]] = []

    def rec(prefix: tuple[int, ...], left: int) -> None:
        if len(prefix) == k - 1:
            out.append((*prefix, left))
            return
        for x in range(left, -1, -1):
            rec((*prefix, x), left - x)

    rec((), rest)
    return [tuple(x + app.minimum for x in v) for v in out]


def figures_for(app: Apportioned, mags: tuple[int, ...], timeout: float = 30.0
                ) -> tuple[str, list[int] | None]:
    """("sat", positive integer figures on which the interpreter apportions exactly ``mags``,
    checked), ("unsat", None) when the solver shows no figures give them, or (a reason, None)."""
    ctx = Ctx(real=app.real, prefix="reach.")
    p = figures(ctx, app, "R")
    if app.real:
        ctx.add(total(p).a == 1)
    enc = encode_magnitudes(ctx, app, p, app.level.seats, "R")
    s = z3.Solver()
    s.add(*ctx.cons, enc.defined, *[x == v for x, v in zip(enc.magnitudes, mags, strict=True)])
    r, why = check(s, timeout)
    if r == z3.unsat:
        return "unsat", None
    if r != z3.sat:
        return why or "unknown", None
    raw = [model_fraction(s.model(), f.a) for f in p]
    for digits in ((3, 6, 9, 12, 18) if enc.squared else (0,)):  # Huntington-Hill: square roots, closer and closer
        figs = _integral([raw], enc.squared, digits)[0]
        r = replay(app, figs, app.level.seats)
        if not isinstance(r, str) and tuple(r.magnitudes[u] for u in app.pool) == mags:
            return "sat", figs
    raise EncodingMismatch(f"figures {figs}: the encoding apportions {mags}, the interpreter {r}")
