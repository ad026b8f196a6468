"""Districted chambers in the verifier: the family it encodes, its encoding, its replay.

The family (issue 16, first slice): one level of units whose magnitudes are all **fixed** in the
rule file (``districts seats N { fixed "A" 3, "B" 4 }``, the fixed seats adding up to N), and one
tier ``in each district`` with a divisor method or largest remainder, thresholds on the
district's own figures and/or ``nationally``, and the tier's ``ties``. Every list stands in every
district (0 votes is allowed). Everything else about districts is refused with its line
(``UnsupportedClause``), never dropped.

The encoding: symbolic votes per district x list (and the other figures a base needs, per
district); the national figures are their sums; each district is the single-tier encoding
(``encode_tier``) with the district's magnitude as its house and the national election for the
thresholds ``nationally``; a list's seats in the chamber are the sum of its district seats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import z3

from hemicycle.election import Election, ListEntry, Unit
from hemicycle.model import Chamber, Scope, SelectorKind, Tier
from hemicycle.verify.apportionment import DEFAULT_UNITS, Apportioned, apportioned
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.encoder import TierEnc, encode_tier
from hemicycle.verify.errors import EncodingMismatch, UnsupportedClause
from hemicycle.verify.num import total
from hemicycle.verify.symbolic import EXTRAS, Ctx, SymElection, make_election, needed_extras


@dataclass(frozen=True)
class DistrictSystem:
    """What the verifier encodes of a districted chamber."""

    chamber: Chamber
    tier: Tier
    names: tuple[str, ...]
    magnitudes: tuple[int, ...]
    integer: bool = False  # integer votes even when scale invariant (a bound on the figures)
    # magnitudes apportioned by a figure of the vote file: each vector of magnitudes is a case
    # (``magnitudes`` is then one case's, or () for the whole system)
    apportioned: Apportioned | None = None
    figures: tuple[int, ...] = ()  # the apportioned units' figures that give ``magnitudes`` (replay)

    @property
    def real(self) -> bool:
        """Rational votes: the seats do not change when every figure is scaled."""
        return not self.integer and self.tier.scale_invariant and all(t.absolute is None for t in self.tier.thresholds)


def district_system(chamber: Chamber, units: int = DEFAULT_UNITS) -> DistrictSystem:
    """The chamber as the encoded family, or ``UnsupportedClause`` naming the first clause outside
    it. ``units``: how many units an apportioned level has (the rule file does not name them)."""
    if len(chamber.levels) != 1:
        lv = chamber.levels[1]
        raise UnsupportedClause(lv, lv.label, "one level of districts is encoded, not several")
    level = chamber.levels[0]
    app = None
    if level.apportion is not None:
        if level.apportion.base is not None:
            raise UnsupportedClause(level.apportion, "apportion by " + level.apportion.figure,
                                    "magnitudes apportioned by the votes themselves are not encoded for the "
                                    "vote properties (only by a figure of the vote file, such as population)")
        app = apportioned(level, units)
    elif level.minimum is not None:
        raise UnsupportedClause(level.minimum, "minimum", "a minimum without `apportion by` is not encoded")
    if app is None and (not level.fixed or sum(f.seats for f in level.fixed) != level.seats):
        raise UnsupportedClause(level, level.label, "magnitudes from the vote file are not encoded: "
                                "fix every district's seats in the rules (fixed \"A\" N, ...)")
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside districts are not encoded yet")
    if len(chamber.tiers) != 1:
        t = chamber.tiers[1] if chamber.tiers else level
        raise UnsupportedClause(t, "tier", "a districted chamber with one tier is encoded, not several")
    tier = chamber.tiers[0]
    if tier.level != level.name:
        raise UnsupportedClause(tier, "tier", "the one tier must allocate `in each` district")
    if tier.cap is not None:
        raise UnsupportedClause(tier.cap, "cap", "caps in districts are not encoded yet")
    if tier.surplus is not None:
        raise UnsupportedClause(tier.surplus, "surplus", "list sizes are not modelled")
    for p in tier.provisions:
        raise UnsupportedClause(p, "when ... / provisions", "provisions in districts are not encoded yet")
    for t in tier.thresholds:
        if t.scope not in (Scope.UNIT, Scope.NATION):
            raise UnsupportedClause(t, f"threshold ... {t.scope.value}", "only district and national "
                                    "thresholds are encoded")
        if t.quotas is not None and t.scope is Scope.NATION:
            raise UnsupportedClause(t, "threshold ... quota nationally", "not encoded yet")
        if t.applies_to is not None and t.applies_to.kind is not SelectorKind.EVERY_LIST:
            raise UnsupportedClause(t.applies_to, str(t.applies_to), "selectors in districts are not encoded yet")
    if app is not None:
        return DistrictSystem(chamber, tier, app.names, (), apportioned=app)
    return DistrictSystem(chamber, tier, tuple(f.unit for f in level.fixed), tuple(f.seats for f in level.fixed))


# --- encoding --------------------------------------------------------------------------------


@dataclass
class DistrictEnc:
    """One symbolic districted election and its allocation."""

    districts: list[SymElection]
    national: SymElection
    units: list[TierEnc | None]  # None: a district of 0 seats
    seats: list[list[z3.ArithRef]]  # district x list
    national_seats: list[z3.ArithRef]
    defined: z3.BoolRef


def national_of(ds: list[SymElection]) -> SymElection:
    n = ds[0].n
    return SymElection([total([d.votes[i] for d in ds]) for i in range(n)],
                       total([d.against_all for d in ds]), total([d.invalid for d in ds]),
                       total([d.nonvoters for d in ds]))


def allocate_districts(ctx: Ctx, sys: DistrictSystem, ds: list[SymElection], label: str) -> DistrictEnc:
    """Encode the allocation of the districted election ``ds`` (one SymElection per district)."""
    nat = national_of(ds)
    n = nat.n
    units: list[TierEnc | None] = []
    seats: list[list[z3.ArithRef]] = []
    for name, m, e in zip(sys.names, sys.magnitudes, ds, strict=True):
        if m == 0:
            units.append(None)
            seats.append([z3.IntVal(0)] * n)
            continue
        enc = encode_tier(ctx, sys.tier, e, house=m, label=f"{label} {name}", national=nat)
        units.append(enc)
        seats.append(list(enc.seats))
    nat_seats = [z3.Sum([s[i] for s in seats]) for i in range(n)]
    defined = z3.And([u.defined for u in units if u is not None] or [z3.BoolVal(True)])
    return DistrictEnc(ds, nat, units, seats, nat_seats, defined)


def district_elections(ctx: Ctx, sys: DistrictSystem, n: int, label: str,
                       max_votes: int | None = None) -> list[SymElection]:
    extras = needed_extras([sys.tier])
    return [make_election(ctx, n, f"{label}.{name}", extras, set(), max_votes) for name in sys.names]


# --- concrete elections and the interpreter --------------------------------------------------


@dataclass
class DistrictCase:
    """A concrete districted election: votes[district][list] and per district the extras."""

    votes: list[list[int]]
    extras: list[dict[str, int]]

    def __str__(self) -> str:
        return f"votes {self.votes}" + (f" extras {self.extras}" if any(any(x.values()) for x in self.extras)
                                        else "")


@dataclass
class DistrictOutcome:
    case: DistrictCase
    seats: list[list[int]]  # district x list
    national: list[int]
    trace: str = ""
    names: tuple[str, ...] = ()  # the districts, in the rule file's order
    house: int = 0  # the chamber's seats
    magnitudes: tuple[int, ...] = ()
    figures: dict[str, int] = field(default_factory=dict)  # apportioned units: the figure apportioned by

    @property
    def national_votes(self) -> list[int]:
        return [sum(d[i] for d in self.case.votes) for i in range(len(self.national))]


def _figures(sys: DistrictSystem) -> dict[str, int]:
    if not sys.figures:
        return {}
    assert sys.apportioned is not None
    return dict(zip(sys.apportioned.pool, sys.figures, strict=True))


def election_of(sys: DistrictSystem, case: DistrictCase) -> Election:
    n = len(case.votes[0])
    figs = _figures(sys)
    fig_name = sys.apportioned.apportion.figure if sys.apportioned is not None else ""
    level = sys.chamber.levels[0].name
    lists = tuple(ListEntry(abbr=f"L{i + 1}", votes=sum(d[i] for d in case.votes), registration_order=i + 1,
                            ballot_order=i + 1) for i in range(n))
    units = tuple(Unit(name=name, level=level, votes={f"L{i + 1}": d[i] for i in range(n)},
                       totals=totals_for(d, **x), figures={fig_name: figs[name]} if name in figs else {})
                  for name, d, x in zip(sys.names, case.votes, case.extras, strict=True))
    nat_extras = {k: sum(x.get(k, 0) for x in case.extras) for k in ("against_all", "invalid", "nonvoters")}
    return Election(lists=lists, totals=totals_for([sum(d[i] for d in case.votes) for i in range(n)],
                                                   **nat_extras), units=units, name="counterexample")


def interpret(sys: DistrictSystem, case: DistrictCase) -> DistrictOutcome | str:
    """The interpreter's seats, or "tie" (an unbroken tie) / "error: ..." (no result)."""
    from hemicycle.interpreter import AllocationError, TieError, allocate

    try:
        res = allocate(sys.chamber, election_of(sys, case))
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    t = res.tiers[0]
    n = len(case.votes[0])
    abbrs = [f"L{i + 1}" for i in range(n)]
    by_unit = {p.district: p for p in t.parts}
    seats = [[by_unit[name].seats.get(a, 0) if name in by_unit else 0 for a in abbrs] for name in sys.names]
    return DistrictOutcome(case, seats, [t.seats.get(a, 0) for a in abbrs], res.explain(), sys.names,
                           sys.chamber.seats, sys.magnitudes, _figures(sys))


def encoded(sys: DistrictSystem, case: DistrictCase, *, unique: bool = False) -> tuple[list[list[int]], bool]:
    """The encoding's district seats for a concrete election, and whether it is defined;
    ``unique``: also prove no other seats satisfy the encoding."""
    n = len(case.votes[0])
    ctx = Ctx(real=sys.real, prefix="c.")
    ds = district_elections(ctx, sys, n, "E")
    enc = allocate_districts(ctx, sys, ds, "E")
    val = z3.RealVal if sys.real else z3.IntVal
    fix = []
    for e, vs, x in zip(ds, case.votes, case.extras, strict=True):
        fix += [f.a == val(v) for f, v in zip(e.votes, vs, strict=True)]
        for name in EXTRAS:
            fig = getattr(e, name)
            if isinstance(fig.a, z3.ExprRef):
                fix.append(fig.a == val(x.get(name, 0)))
            elif x.get(name, 0):
                raise ValueError(f"the rules do not see {name}; leave it 0")
    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, *fix)
    if s.check() != z3.sat:
        raise EncodingMismatch(f"the districted encoding has no allocation for {case}")
    m = s.model()
    seats = [[m.eval(x, model_completion=True).as_long() for x in row] for row in enc.seats]
    defined = z3.is_true(m.eval(enc.defined, model_completion=True))
    if unique:
        s.add(z3.Or([x != v for row, vals in zip(enc.seats, seats, strict=True)
                     for x, v in zip(row, vals, strict=True)]))
        if s.check() != z3.unsat:
            raise EncodingMismatch(f"the districted encoding allows other seats for {case}")
    return seats, defined


def agree(sys: DistrictSystem, case: DistrictCase, *, unique: bool = False) -> str | None:
    """None when the encoding and the interpreter agree on ``case``, else what differs."""
    want = interpret(sys, case)
    try:
        got, defined = encoded(sys, case, unique=unique)
    except EncodingMismatch as exc:
        return str(exc)
    if isinstance(want, str):
        if not defined:
            return None
        return f"{case}: interpreter {want}, encoding {got}"
    if not defined:
        return f"{case}: interpreter {want.seats}, encoding says no result"
    if got != want.seats:
        return f"{case}: interpreter {want.seats}, encoding {got}"
    return None


def scale_to_integers(rows: list[list[Fraction]]) -> list[list[int]]:
    from math import lcm

    den = 1
    for row in rows:
        for x in row:
            den = lcm(den, x.denominator)
    return [[int(x * den) for x in row] for row in rows]
