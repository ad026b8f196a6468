"""Chambers with levels in the verifier: a national entitlement above, constituency seats below.

The family (issue 16, levels): single-member constituencies (a tier ``in each`` constituency
electing one member by a divisor method) and one **levelling tier** above them
(``levelling against tier "constituencies"``) with

* thresholds on shares of the valid votes, with alternatives ``or district_seats OP N`` (the
  seats a list holds in the constituencies), ``exempt`` (no list of the query carries a tag);
* a method: largest remainder with the Hare quota, or a divisor method with increasing rational
  divisors (D'Hondt, Sainte-Laguë, ...);
* ``overhang kept`` (the house grows) or ``overhang not seated ...`` (Zweitstimmendeckung);
* at most one placement ``place in each LEVEL by METHOD of entitlement``: each list's
  entitlement split among its Land lists by METHOD on its votes there; kept overhang is then
  decided Land by Land (the German law of 2005).

Everything else is refused with its line (``UnsupportedClause``), never dropped: ``overhang
enlarged`` / ``excluded``, ``levelling ... or tier ... in each`` (the 2013 Mindestsitzzahl),
``calculation only`` tiers, apportioned levels, ``continue after``, placements by quotients.

The encoding (one symbolic election): second votes ``v[l][p]`` per upper unit (Land) x list,
rational (every clause of the family is scale invariant); constituency seats ``w[l][p]`` per
Land x list as **symbolic winners** (integers >= 0; the Länder's numbers of constituencies are
symbolic too, at least 1 each, adding up to the level's seats): first votes are separate
ballots, so every assignment of winners is one some first votes give, and the query ranges over
all of them. The entitlement is the method with a **symbolic house** (the tier's seats less the
seats of lists not admitted that keep theirs), encoded exactly with bounded integers; each split
is the method again with the list's entitlement as its house. Elections where the method meets
a tie at its cut (equal remainders or quotients for the last seat: the rules draw a lot) are
left out of every query (``defined`` is false there); a PROVED covers the elections without a
lot. A chamber can be verified at fewer seats (``reduce``): every seat number of the rules
scaled in proportion, the same clauses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import pairwise

import z3

from hemicycle.election import Candidate, Election, ListEntry, Unit
from hemicycle.model import (
    Base,
    Chamber,
    Comparator,
    Divisor,
    DivisorKind,
    LargestRemainder,
    Level,
    LevelPlacement,
    OverhangPolicy,
    QuotaKind,
    Rounding,
    Scope,
    Threshold,
    Tier,
)
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.errors import UnsupportedClause, VerifyError, refuse_present
from hemicycle.verify.num import Num
from hemicycle.verify.symbolic import BInt, Ctx

Method = LargestRemainder | Divisor


@dataclass(frozen=True)
class LevelSystem:
    """What the verifier encodes of a chamber with levels."""

    chamber: Chamber
    lower: Tier  # the constituency tier
    upper: Tier  # the levelling tier
    constituencies: int  # single-member constituencies in all
    units: int  # upper units (Länder); 1 when the entitlement is not split
    place: LevelPlacement | None  # 'place in each LEVEL by METHOD of entitlement'
    states: Level | None = None  # the Länder as a declared level, their seats apportioned by a figure
    contingents: Tier | None = None  # 'calculation only' in each Land: 'levelling ... or tier ... in each'
    enlarge_to: int = 0  # 'overhang enlarged': elections whose house would grow beyond this are left out
    magnitude: int = 0  # additional members ('continue after'): each region's seats (0: a levelling tier)

    @property
    def policy(self) -> OverhangPolicy:
        assert self.upper.overhang_policy is not None
        return self.upper.overhang_policy.policy

    @property
    def unit_names(self) -> tuple[str, ...]:
        return tuple(f"U{k + 1}" for k in range(self.units))


def is_levels(chamber: Chamber) -> bool:
    """True when a tier of the chamber levels against another or continues after it (the family of
    this module)."""
    return any(t.levelling is not None or t.continuation is not None for t in chamber.tiers)


def reduce(chamber: Chamber, seats: int) -> Chamber:
    """The chamber with ``seats`` seats: every seat number of its tiers and levels scaled in
    proportion (rounded to the nearest, at least 1); the clauses are the same."""
    if seats < 1:
        raise VerifyError("a chamber needs at least 1 seat")
    base = chamber.seats

    def scaled(x: int) -> int:
        return max(1, int(Fraction(x * seats, base) + Fraction(1, 2)))

    tiers = tuple(replace(t, seats=scaled(t.seats)) if t.level is None else t for t in chamber.tiers)
    levels = tuple(replace(lv, seats=scaled(lv.seats)) for lv in chamber.levels)
    return replace(chamber, seats=seats, tiers=tiers, levels=levels)


def _check_method(method: object, node: object) -> None:
    if isinstance(method, LargestRemainder):
        if method.quota.kind is not QuotaKind.HARE or method.quota.rounding is not Rounding.EXACT \
                or method.integer_parts_only:
            raise UnsupportedClause(method, "largest_remainder", "only the exact Hare quota is encoded "
                                    "in a levelling tier")
        return
    if not isinstance(method, Divisor) or method.kind in (DivisorKind.HUNTINGTON_HILL, DivisorKind.ADAMS):
        raise UnsupportedClause(method, "allocate", "a divisor method with positive rational divisors, "
                                "or Hare largest remainder, is encoded in a levelling tier")
    ds = [method.divisor(k) for k in range(8)]
    if any(d is None or d <= 0 for d in ds) or any(b <= a for a, b in pairwise(ds)):  # type: ignore[operator]
        raise UnsupportedClause(method, "allocate", "the divisors must be positive and increasing")


def _check_threshold(t: Threshold) -> None:
    for test in t.tests:
        if test.applies_to is not None:
            raise UnsupportedClause(test.applies_to, str(test.applies_to), "selectors are not encoded in "
                                    "a levelling tier")
        if test.district_op is not None and test.share is None:
            continue
        if test.share is None or test.absolute is not None or test.quotas is not None:
            raise UnsupportedClause(test, "threshold", "only shares of the valid votes are encoded in a "
                                    "levelling tier")
        if test.base not in (Base.VALID_VOTES, Base.LIST_VOTES):
            raise UnsupportedClause(test, f"threshold ... of {test.base}", "only valid_votes is encoded "
                                    "in a levelling tier")
        if test.regional:
            raise UnsupportedClause(test, "threshold ... in ...", "regional thresholds are not encoded")


def _check_lower(chamber: Chamber, lower: Tier) -> None:
    level = chamber.level(lower.level or "")
    if level is None:
        raise UnsupportedClause(lower, "tier", "the levelled tier must allocate in each constituency")
    if level.fixed or level.apportion is not None or level.minimum is not None:
        node = level.apportion or level.minimum or level.fixed[0]
        raise UnsupportedClause(node, level.label, "the constituencies are single-member units of the "
                                "vote file (their seats are not fixed or apportioned)")
    if not isinstance(lower.method, Divisor) or lower.thresholds or lower.provisions or lower.uses_levels \
            or lower.cap is not None or lower.exempt is not None or lower.bonus is not None:
        raise UnsupportedClause(lower, "tier", "the levelled tier must elect one member per constituency "
                                "by a plain divisor method (the most votes)")


def _check_upper(upper: Tier) -> None:
    lev = upper.levelling
    assert lev is not None
    for th in upper.thresholds:
        for x in th.tests:
            if x.district_op is not None and x.district_tier not in (None, lev.tier):
                raise UnsupportedClause(th, "threshold ... of tier", "only the levelled tier's seats are encoded")
    pol = upper.overhang_policy
    if pol is None:
        raise UnsupportedClause(upper, "tier", "a levelling tier without an overhang policy")
    if pol.policy not in (OverhangPolicy.KEPT, OverhangPolicy.NOT_SEATED, OverhangPolicy.ENLARGED):
        raise UnsupportedClause(pol, f"overhang {pol.policy.value}", "only 'overhang kept', 'enlarged' and "
                                "'not seated' are encoded yet")
    if pol.policy is OverhangPolicy.ENLARGED and not isinstance(upper.method, Divisor):
        raise UnsupportedClause(upper.method, "allocate", "'overhang enlarged' is encoded with a divisor "
                                "method (house monotone), not largest remainder")
    refuse_present(((upper.cap, "cap"), (upper.continuation, "continue after"), (upper.alliances, "alliances"),
                    (upper.compensation, "compensate"), (upper.bonus, "bonus"), (upper.calculation, "calculation only"),
                    (upper.upper, "upper apportionment"), (upper.surplus, "surplus"),
                    (upper.seats_from, "seats unfilled in"), (upper.votes_from, "votes remainders of"),
                    (upper.provisions, "provisions"), (upper.consolations, "consolation")),
                   "not encoded in a levelling tier")
    _check_method(upper.method, upper)
    for t in upper.thresholds:
        _check_threshold(t)
    if len(upper.level_placements) > 1:
        p = upper.level_placements[1]
        raise UnsupportedClause(p, f"place in each {p.level}", "one placement is encoded")
    for p in upper.level_placements:
        if p.at_least is not None and (p.at_least != lev.tier or not isinstance(p.method, Divisor)):
            raise UnsupportedClause(p, f"place in each {p.level} ... at least", "only 'at least' the levelled "
                                    "tier, with a divisor method, is encoded")
        if not p.entitlement or p.after is not None or p.in_turn or p.within \
                or p.quotients is not None or p.per_unit is not None or p.per_unit_figure is not None \
                or p.scale.value != "none":
            raise UnsupportedClause(p, f"place in each {p.level}", "only the split of the entitlement "
                                    "('of entitlement', no other option) is encoded")
        _check_method(p.method, p)


def level_system(chamber: Chamber, *, units: int = 2) -> LevelSystem:
    """The chamber as the encoded family, or ``UnsupportedClause`` naming the first clause outside it."""
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside levels are not encoded yet")
    levelling = [t for t in chamber.tiers if t.levelling is not None]
    if not levelling:
        return _members_system(chamber, units)
    upper = levelling[0]
    lev = upper.levelling
    assert lev is not None
    lower = chamber.tier(lev.tier)
    if lower is None or lower.level is None or chamber.level(lower.level) is None:
        raise UnsupportedClause(lev, "levelling against", "the verifier encodes levelling against a tier that "
                                "elects one member in each constituency (a declared level)")
    contingents = chamber.tier(lev.other) if lev.other is not None else None
    expected = (lower, upper) if contingents is None else (lower, contingents, upper)
    if chamber.tiers != expected:
        t = next((t for t in chamber.tiers if t not in expected), chamber.tiers[-1])
        raise UnsupportedClause(t, "tier", "a constituency tier and one levelling tier after it are encoded "
                                "(with a 'calculation only' tier in each Land between them when the levelling "
                                "names it), no other tier")
    place = upper.level_placements[0] if upper.level_placements else None
    states = None
    for lv in chamber.levels:
        if lv.name == lower.level:
            continue
        if place is None or lv.name != place.level or lv.apportion is None or lv.fixed or lv.minimum is not None \
                or not isinstance(lv.apportion.method, Divisor) or lv.apportion.base is not None:
            raise UnsupportedClause(lv, lv.label, "besides the constituencies, only the Länder of the placement "
                                    "with their seats apportioned by a figure of the vote file and a divisor "
                                    "method are encoded")
        _check_method(lv.apportion.method, lv.apportion)
        states = lv
    if contingents is not None:
        _check_contingents(contingents, lev, states)
    _check_lower(chamber, lower)
    _check_upper(upper)
    level = chamber.level(lower.level)
    assert level is not None
    k = units if place is not None else 1
    if k < 1 or level.seats < k:
        raise VerifyError(f"{k} upper units need at least {k} constituencies (the level has {level.seats})")
    if upper.seats < 1:
        raise VerifyError("the levelling tier needs at least 1 seat")
    enlarge = 4 * upper.seats if upper.overhang_policy and upper.overhang_policy.policy is OverhangPolicy.ENLARGED \
        else 0
    return LevelSystem(chamber, lower, upper, level.seats, k, place, states, contingents, enlarge)


def _members_system(chamber: Chamber, units: int) -> LevelSystem:
    """Additional members (Scotland): constituencies inside regions, a tier in each region whose
    divisor method continues after the constituency seats held there."""
    upper = next(t for t in chamber.tiers if t.continuation is not None)
    cont = upper.continuation
    assert cont is not None
    lower = chamber.tier(cont.tier)
    if lower is None or lower.level is None or chamber.level(lower.level) is None or upper.level is None:
        raise UnsupportedClause(cont, "continue after", "the verifier encodes a tier in each region continuing "
                                "after a tier that elects one member in each constituency")
    if chamber.tiers != (lower, upper):
        t = next((t for t in chamber.tiers if t not in (lower, upper)), upper)
        raise UnsupportedClause(t, "tier", "a constituency tier and one tier continuing after it are encoded")
    regions = chamber.level(upper.level)
    if regions is None or regions.fixed or regions.apportion is not None or regions.minimum is not None:
        node = regions if regions is None else (regions.apportion or regions.minimum or regions)
        raise UnsupportedClause(node or upper, "districts", "the regions' seats come from the vote file, equal "
                                "for every region (the level's seats / the regions)")
    if regions.seats % units:
        raise VerifyError(f"{regions.seats} regional seats do not split equally among {units} regions")
    _check_lower(chamber, lower)
    _check_method(upper.method, upper)
    if not isinstance(upper.method, Divisor):
        raise UnsupportedClause(upper.method, "allocate", "'continue after' needs a divisor method")
    for node, what in ((upper.cap, "cap"), (upper.exempt, "exempt"), (upper.bonus, "bonus"),
                       (upper.alliances, "alliances"), (upper.compensation, "compensate")):
        if node is not None:
            raise UnsupportedClause(node, what, "not encoded beside 'continue after'")
    for th in upper.thresholds:
        raise UnsupportedClause(th, "threshold", "thresholds beside 'continue after' are not encoded yet")
    for pr in upper.provisions:
        raise UnsupportedClause(pr, "provisions", "not encoded beside 'continue after'")
    level = chamber.level(lower.level)
    assert level is not None
    if level.seats < units:
        raise VerifyError(f"{units} regions need at least {units} constituencies (the level has {level.seats})")
    return LevelSystem(chamber, lower, upper, level.seats, units, None, magnitude=regions.seats // units)


def _allocate_members(ctx: Ctx, sys: LevelSystem, e: LevelElection) -> LevelEnc:
    """In each region the method continues after the constituency seats held there: with a cut lam a
    list's seats there are the larger of its constituency seats and its quotients above lam, adding
    up to the region's seats plus the constituency seats (equal quotients that all get a seat are no
    tie)."""
    assert isinstance(sys.upper.method, Divisor)
    K, n, M = sys.units, len(e.votes[0]), sys.magnitude
    seats, defined = [], []
    for k in range(K):
        T = z3.Sum(e.votes[k])
        held = z3.Sum(e.won[k])
        house = _bint(ctx, f"region{k + 1}", M + held, M, M + sys.constituencies)
        shares, ok = _divisor_at_least(ctx, sys.upper.method, house, e.votes[k], e.won[k], T > 0)
        defined.append(z3.Or(T == 0, ok))  # no list vote in the region: its seats stay vacant
        seats.append(shares)
    national = [z3.Sum([seats[k][p] for k in range(K)]) for p in range(n)]
    return LevelEnc(e, [z3.BoolVal(True)] * n, national, seats, national, z3.Sum(national), z3.And(defined))


def _check_contingents(t: Tier, lev: object, states: Level | None) -> None:
    if states is None or t.level != states.name or getattr(lev, "level", None) != states.name \
            or t.calculation is None:
        raise UnsupportedClause(t, "tier", "the other tier of the least seats must be 'calculation only' in each "
                                "Land of the placement, whose seats are apportioned")
    if not isinstance(t.method, Divisor) or t.provisions or t.cap is not None or t.levelling is not None \
            or t.continuation is not None or t.level_placements:
        raise UnsupportedClause(t, "tier", "the calculation tier must allocate by a divisor method, with "
                                "national thresholds only")
    _check_method(t.method, t)
    for th in t.thresholds:
        _check_threshold(th)
        lower = getattr(lev, "tier", None)
        if th.scope is not Scope.NATION or any(x.district_op is not None and x.district_tier != lower
                                               for x in th.tests):
            raise UnsupportedClause(th, "threshold", "the calculation tier's thresholds must be national shares, "
                                    "or the seats of the constituency tier ('or district_seats OP N of tier ...')")


# --- the methods with a symbolic house ----------------------------------------------------------


def _mul(ctx: Ctx, k: BInt, x: z3.ArithRef) -> z3.ArithRef:
    return ctx.mul(k, Num(x)).a  # type: ignore[return-value]


def _bint(ctx: Ctx, name: str, expr: z3.ArithRef, lo: int, hi: int) -> BInt:
    b = ctx.bint(name, lo, hi)
    ctx.add(b.expr == expr)
    return b


def _lr(ctx: Ctx, house: BInt, votes: list[z3.ArithRef], active: list[z3.BoolRef]
        ) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    """Hare largest remainder of ``house`` seats among the active lists: (seats, no tie at the cut)."""
    n = len(votes)
    T = z3.Sum([z3.If(a, v, 0) for a, v in zip(active, votes, strict=True)])
    has = T > 0
    seats, rems, on_ = [], [], []
    chosen = [ctx.bool_var("rem") for _ in range(n)]
    fs = []
    for i in range(n):
        on = z3.And(has, active[i])
        f = ctx.bint("f", 0, house.hi)
        num = _mul(ctx, house, votes[i])  # house * v: the quota count times T
        fT = _mul(ctx, f, T)
        ctx.add(z3.Implies(on, z3.And(fT <= num, num < fT + T)))
        ctx.add(z3.Implies(z3.Not(on), f.expr == 0))
        ctx.add(z3.Implies(z3.Not(on), z3.Not(chosen[i])))
        rems.append(num - fT)
        on_.append(on)
        fs.append(f.expr)
        seats.append(f.expr + z3.If(chosen[i], 1, 0))
    left = house.expr - z3.Sum(fs)
    ctx.add(z3.Implies(has, z3.Sum([z3.If(c, 1, 0) for c in chosen]) == left))
    # no active vote: no seat (the seats stay vacant, or the caller's 'defined' leaves the election out)
    for i in range(n):
        for j in range(n):
            if i != j:
                ctx.add(z3.Implies(z3.And(chosen[i], on_[j], z3.Not(chosen[j])), rems[i] >= rems[j]))
    strict = [z3.Implies(z3.And(chosen[i], on_[j], z3.Not(chosen[j])), rems[i] > rems[j])
              for i in range(n) for j in range(n) if i != j]
    return seats, z3.And(strict) if strict else z3.BoolVal(True)


def _divisor(ctx: Ctx, method: Divisor, house: BInt, votes: list[z3.ArithRef], active: list[z3.BoolRef]
             ) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    """The divisor method for ``house`` seats among the active lists, by a cut lam: a list with
    s seats has v >= lam d(s-1) (s > 0) and v <= lam d(s); (seats, every inequality strict)."""
    n = len(votes)
    lam = z3.Real(ctx.name("cut"))
    ctx.add(lam > 0)
    T = z3.Sum([z3.If(a, v, 0) for a, v in zip(active, votes, strict=True)])
    has = T > 0
    seats, strict = [], []
    for i in range(n):
        s = ctx.bint("s", 0, house.hi)
        on = z3.And(has, active[i])
        hi, lo = _cut_terms(ctx, method, s, lam, house.hi)
        ctx.add(z3.Implies(on, votes[i] <= hi))
        ctx.add(z3.Implies(z3.And(on, s.expr > 0), votes[i] >= lo))
        ctx.add(z3.Implies(z3.Not(on), s.expr == 0))
        strict.append(z3.Implies(on, z3.And(votes[i] < hi, z3.Or(s.expr == 0, votes[i] > lo))))
        seats.append(s.expr)
    ctx.add(z3.Implies(has, z3.Sum(seats) == house.expr))
    return seats, z3.And(strict)


def _linear(method: Divisor) -> tuple[Fraction, Fraction] | None:
    """(a, b) when every divisor is a k + b (D'Hondt, Sainte-Laguë, Danish, Imperiali ...)."""
    d0, d1 = method.divisor(0), method.divisor(1)
    if d0 is None or d1 is None:
        return None
    a, b = d1 - d0, d0
    return (a, b) if all(method.divisor(k) == a * k + b for k in range(2, 12)) else None


def _cut_terms(ctx: Ctx, method: Divisor, s: BInt, lam: z3.ArithRef, top: int) -> tuple[z3.ArithRef, z3.ArithRef]:
    """lam * d(s) and lam * d(s - 1) (the latter only read when s > 0), linear in lam."""
    lin = _linear(method)
    if lin is not None:  # lam (a s + b): lam * s written with the bits of s
        a, b = (z3.RealVal(str(x)) for x in lin)
        ls = _mul(ctx, s, lam)
        return a * ls + b * lam, a * ls + b * lam - a * lam
    ds = [method.divisor(k) for k in range(top + 1)]

    def at(k_of: int) -> z3.ArithRef:  # lam * d(s + k_of)
        out: z3.ArithRef = lam * z3.RealVal(str(ds[top]))  # type: ignore[arg-type]
        for k in range(top - 1, -1, -1):
            j = k + k_of
            if 0 <= j <= top:
                out = z3.If(s.expr == k, lam * z3.RealVal(str(ds[j])), out)  # type: ignore[arg-type]
        return out

    return at(0), at(-1)


def _divisor_at_least(ctx: Ctx, method: Divisor, house: BInt, votes: list[z3.ArithRef],
                      least: list[z3.ArithRef], on: z3.BoolRef) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    """The divisor method's split of ``house`` among the units, each unit at least ``least``: a cut
    lam gives each unit k seats (its quotients above lam) and its share is max(least, k), the
    shares adding up to the house (the interpreter's greedy stops there); (shares, strict cut)."""
    n = len(votes)
    lam = z3.Real(ctx.name("cutm"))
    ctx.add(lam > 0)
    shares, strict = [], []
    for i in range(n):
        k = ctx.bint("k", 0, house.hi)
        hi, lo = _cut_terms(ctx, method, k, lam, house.hi)
        ctx.add(votes[i] <= hi, z3.Implies(k.expr > 0, votes[i] >= lo))
        ctx.add(z3.Implies(votes[i] == 0, k.expr == 0))
        # a tie matters only between seats that count (beyond the unit's least seats), as in the interpreter
        strict.append(z3.And(z3.Or(votes[i] < hi, k.expr + 1 <= least[i]),
                             z3.Or(k.expr == 0, votes[i] > lo, k.expr <= least[i])))
        shares.append(z3.If(least[i] >= k.expr, least[i], k.expr))
    # (a house below the least seats is an error of the interpreter: such elections are not defined)
    ok = z3.And(on, house.expr >= z3.Sum(least))
    ctx.add(z3.Implies(ok, z3.Sum(shares) == house.expr))
    return shares, z3.And(ok, *strict)


def _method(ctx: Ctx, method: Method, house: BInt, votes: list[z3.ArithRef], active: list[z3.BoolRef]
            ) -> tuple[list[z3.ArithRef], z3.BoolRef]:
    if isinstance(method, LargestRemainder):
        return _lr(ctx, house, votes, active)
    return _divisor(ctx, method, house, votes, active)


# --- one symbolic election and its allocation ----------------------------------------------------


@dataclass
class LevelElection:
    """Second votes per upper unit x list, constituency seats (symbolic winners) per unit x list,
    and each unit's population when the Länder's seats are apportioned by it."""

    votes: list[list[z3.ArithRef]]
    won: list[list[z3.ArithRef]]
    pop: list[z3.ArithRef] | None = None

    def with_votes(self, k: int, p: int, votes: z3.ArithRef) -> LevelElection:
        rows = [list(r) for r in self.votes]
        rows[k][p] = votes
        return LevelElection(rows, self.won, self.pop)


@dataclass
class LevelEnc:
    election: LevelElection
    admitted: list[z3.BoolRef]
    entitlement: list[z3.ArithRef]
    seats: list[list[z3.ArithRef]]  # unit x list: the list's seats in the chamber there
    national: list[z3.ArithRef]
    total: z3.ArithRef
    defined: z3.BoolRef


def level_election(ctx: Ctx, sys: LevelSystem, n: int, label: str, max_votes: int | None = None) -> LevelElection:
    votes, won = [], []
    for k in range(sys.units):
        # with a bound on the figures, whole votes (so that the bound holds as stated)
        row = [z3.Real(ctx.name(f"{label}.v{k + 1}_{p + 1}")) if max_votes is None
               else z3.ToReal(z3.Int(ctx.name(f"{label}.v{k + 1}_{p + 1}"))) for p in range(n)]
        ctx.add(*[x >= 0 for x in row])
        if max_votes is not None:
            ctx.add(*[x <= max_votes for x in row])
        wins = [z3.Int(ctx.name(f"{label}.w{k + 1}_{p + 1}")) for p in range(n)]
        ctx.add(*[x >= 0 for x in wins])
        ctx.add(z3.Sum(wins) >= 1)
        votes.append(row)
        won.append(wins)
    ctx.add(z3.Sum([x for r in won for x in r]) == sys.constituencies)
    pop = None
    if sys.states is not None:
        pop = [z3.Real(ctx.name(f"{label}.pop{k + 1}")) for k in range(sys.units)]
        ctx.add(*[x > 0 for x in pop])
    return LevelElection(votes, won, pop)


def _passes(t: Threshold, v: z3.ArithRef, total: z3.ArithRef, held: z3.ArithRef) -> z3.BoolRef:
    alts = []
    for test in t.tests:
        if test.share is not None:
            bar = z3.RealVal(str(test.share)) * total
            alts.append(v >= bar if test.inclusive else v > bar)
        if test.district_op is not None:
            alts.append(_compare(test.district_op, held, test.district_value))
    return z3.Or(alts)


def _compare(op: Comparator, x: z3.ArithRef, k: int) -> z3.BoolRef:
    return {"=": x == k, "!=": x != k, "<": x < k, "<=": x <= k, ">": x > k, ">=": x >= k}[op.value]


def _least(ctx: Ctx, sys: LevelSystem, e: LevelElection, V: list[z3.ArithRef], T: z3.ArithRef,
           defined: list[z3.BoolRef]) -> list[z3.ArithRef]:
    """Each list's least seats: Land by Land the larger of its constituency seats and its seats in
    the calculation tier there (the Länder's seats apportioned by population first)."""
    K, n = sys.units, len(V)
    if sys.contingents is None or sys.states is None or e.pop is None:
        return [z3.Sum([e.won[k][p] for k in range(K)]) for p in range(n)]
    ap = sys.states.apportion
    assert ap is not None
    total = sys.states.seats
    fixed = _bint(ctx, "states", z3.IntVal(total), total, total)
    mags, ok = _method(ctx, ap.method, fixed, e.pop, [z3.BoolVal(True)] * K)
    defined.append(ok)
    tier = sys.contingents
    W = [z3.Sum([e.won[k][p] for k in range(K)]) for p in range(n)]  # 'of tier' the constituencies: nationally
    passed = [z3.And(*[_passes(t, V[p], T, W[p]) for t in tier.thresholds]) for p in range(n)]
    least = [z3.IntVal(0)] * n
    for k in range(K):
        m = _bint(ctx, f"mag{k + 1}", mags[k], 0, total)
        act = [z3.And(passed[p], e.votes[k][p] > 0) for p in range(n)]
        cont, ok_k = _method(ctx, tier.method, m, e.votes[k], act)
        defined.append(ok_k)
        least = [least[p] + z3.If(cont[p] >= e.won[k][p], cont[p], e.won[k][p]) for p in range(n)]
    return least


def _entitlement(ctx: Ctx, sys: LevelSystem, house: BInt, V: list[z3.ArithRef], admitted: list[z3.BoolRef],
                 least: list[z3.ArithRef], defined: list[z3.BoolRef]) -> tuple[list[z3.ArithRef], z3.ArithRef]:
    """The entitlement, and the seats it is over: the tier's seats, or under 'overhang enlarged' the
    least house from there on that gives every admitted list its least seats."""
    if sys.policy is not OverhangPolicy.ENLARGED:
        ent, ok = _method(ctx, sys.upper.method, house, V, admitted)
        defined.append(ok)
        return ent, house.expr
    top = sys.enlarge_to
    size = ctx.bint("enlarged", house.lo, top)
    ent, ok = _method(ctx, sys.upper.method, size, V, admitted)
    below = _bint(ctx, "enlarged-1", size.expr - 1, max(0, house.lo - 1), top - 1)
    ent1, ok1 = _method(ctx, sys.upper.method, below, V, admitted)
    enough = z3.And([z3.Implies(admitted[p], ent[p] >= least[p]) for p in range(len(V))])
    short = z3.Or([z3.And(admitted[p], ent1[p] < least[p]) for p in range(len(V))])
    ctx.add(size.expr >= house.expr)
    # a result within the bound: enough at the size, not enough one seat fewer (house monotone)
    defined.extend([ok, enough, z3.Or(size.expr == house.expr, z3.And(ok1, short))])
    return ent, size.expr


def allocate_levels(ctx: Ctx, sys: LevelSystem, e: LevelElection) -> LevelEnc:
    """Encode the allocation of ``e`` under ``sys``."""
    if sys.magnitude:
        return _allocate_members(ctx, sys, e)
    upper, K, n = sys.upper, sys.units, len(e.votes[0])
    V = [z3.Sum([e.votes[k][p] for k in range(K)]) for p in range(n)]
    W = [z3.Sum([e.won[k][p] for k in range(K)]) for p in range(n)]
    T = z3.Sum(V)
    # a list takes part with a vote and every threshold passed (as the interpreter's 'passing')
    admitted = [z3.And(V[p] > 0, *[_passes(t, V[p], T, W[p]) for t in upper.thresholds]) for p in range(n)]
    not_seated = sys.policy is OverhangPolicy.NOT_SEATED
    keeps = [z3.And(z3.Not(admitted[p]), V[p] == 0) if not_seated else z3.Not(admitted[p]) for p in range(n)]
    outside = z3.Sum([z3.If(keeps[p], W[p], 0) for p in range(n)])
    N = upper.seats
    house = _bint(ctx, "house", N - outside, max(0, N - sys.constituencies), N)
    defined: list[z3.BoolRef] = [z3.Or(house.expr == 0, T > 0)]
    least = _least(ctx, sys, e, V, T, defined)
    ent, _size = _entitlement(ctx, sys, house, V, admitted, least, defined)
    top = max(N, sys.enlarge_to)
    shares = None
    if sys.place is not None:
        shares = [[z3.IntVal(0)] * n for _ in range(K)]
        for p in range(n):
            ep = _bint(ctx, f"ent{p + 1}", ent[p], 0, top)
            col = [e.votes[k][p] for k in range(K)]
            if sys.place.at_least is not None:
                assert isinstance(sys.place.method, Divisor)
                split, ok_p = _divisor_at_least(ctx, sys.place.method, ep, col, [e.won[k][p] for k in range(K)],
                                                admitted[p])
            else:
                split, ok_p = _method(ctx, sys.place.method, ep, col, [z3.BoolVal(True)] * K)
            defined.append(z3.Or(z3.Not(admitted[p]), ok_p))
            for k in range(K):
                shares[k][p] = split[k]
    seats = [[z3.IntVal(0)] * n for _ in range(K)]
    national = []
    for p in range(n):
        if shares is None:
            here = z3.If(ent[p] >= W[p], ent[p], W[p]) if sys.policy is OverhangPolicy.KEPT else ent[p]
            national.append(z3.If(admitted[p], here, z3.If(keeps[p], W[p], 0)))
            seats[0][p] = national[-1]
            continue
        for k in range(K):
            s, w = shares[k][p], e.won[k][p]
            here = z3.If(s >= w, s, w) if sys.policy is OverhangPolicy.KEPT else s
            seats[k][p] = z3.If(admitted[p], here, z3.If(keeps[p], w, 0))
        national.append(z3.Sum([seats[k][p] for k in range(K)]))
    return LevelEnc(e, admitted, ent, seats, national, z3.Sum(national), z3.And(defined))


# --- concrete elections and the interpreter ------------------------------------------------------


@dataclass
class LevelCase:
    """A concrete election: second votes and constituency winners, per upper unit x list."""

    votes: list[list[int]]
    won: list[list[int]]
    pop: list[int] | None = None  # each Land's population (Länder apportioned by it)

    def __str__(self) -> str:
        return f"votes {self.votes} won {self.won}" + (f" population {self.pop}" if self.pop else "")


@dataclass
class LevelOutcome:
    case: LevelCase
    seats: list[list[int]]  # upper unit x list (seats in the chamber there)
    national: list[int]
    total: int
    trace: str = ""
    size: int = 0  # the seats the levelling tier's entitlement was computed over, in the end

    @property
    def national_votes(self) -> list[int]:
        return [sum(r[p] for r in self.case.votes) for p in range(len(self.national))]


def election_of(sys: LevelSystem, case: LevelCase) -> Election:
    """The vote file's shape: the Länder (level of the placement) with their list votes and their
    constituencies inside, each with one candidate per list (the winner more votes than the others)."""
    n = len(case.votes[0])
    abbrs = [f"L{p + 1}" for p in range(n)]
    level = sys.lower.level or "district"
    units: list[Unit] = []
    nat = [sum(r[p] for r in case.votes) for p in range(n)]
    for k, name in enumerate(sys.unit_names):
        parent = None
        upper_level = sys.place.level if sys.place is not None else sys.upper.level if sys.magnitude else None
        if upper_level is not None:
            figures = {"population": case.pop[k]} if case.pop is not None else {}
            units.append(Unit(name=name, level=upper_level, votes=dict(zip(abbrs, case.votes[k], strict=True)),
                              totals=totals_for(case.votes[k]), figures=figures,
                              seats=sys.magnitude or None))
            parent = name
        c = 0
        for p in range(n):
            for _ in range(case.won[k][p]):
                c += 1
                # the winner 1 + c votes, the others 1: every winner's share differs (the order
                # in which 'overhang not seated' takes winners up is then never a tie)
                cands = tuple(Candidate(name=f"{a} candidate", party=a, votes=1 + c if q == p else 1)
                              for q, a in enumerate(abbrs))
                units.append(Unit(name=f"{name}-{c}", level=level, parent=parent, seats=1,
                                  totals={"valid": n + c}, candidates=cands))
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=p + 1, ballot_order=p + 1)
                  for p, (a, v) in enumerate(zip(abbrs, nat, strict=True)))
    return Election(lists=lists, totals=totals_for(nat), units=tuple(units), name="counterexample")


def interpret(sys: LevelSystem, case: LevelCase) -> LevelOutcome | str:
    """The interpreter's seats, or "tie" / "error: ..." (no result)."""
    from hemicycle.interpreter import AllocationError, TieError, allocate

    try:
        res = allocate(sys.chamber, election_of(sys, case))
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    n = len(case.votes[0])
    abbrs = [f"L{p + 1}" for p in range(n)]
    national = [res.seats.get(a, 0) for a in abbrs]
    upper_level = sys.place.level if sys.place is not None else sys.upper.level if sys.magnitude else None
    if upper_level is None:
        seats = [national]
    else:
        by = {u.name: u for u in res.districts if u.level == upper_level}
        seats = [[by[name].seats.get(a, 0) if name in by else 0 for a in abbrs] for name in sys.unit_names]
    ent = res.tiers[sys.chamber.tiers.index(sys.upper)].entitlement
    return LevelOutcome(case, seats, national, res.total, res.explain(), sum(ent.values()) if ent else 0)


def encoded(sys: LevelSystem, case: LevelCase, *, unique: bool = False) -> tuple[list[list[int]], int, bool]:
    """The encoding's seats per unit, the chamber's size, and whether the election is defined
    (no tie at a cut); ``unique``: also prove the encoding allows no other seats."""
    n = len(case.votes[0])
    ctx = Ctx(real=True, prefix="c.")
    e = level_election(ctx, sys, n, "E")
    enc = allocate_levels(ctx, sys, e)
    fix = [x == z3.RealVal(v) for row, vals in zip(e.votes, case.votes, strict=True)
           for x, v in zip(row, vals, strict=True)]
    fix += [x == v for row, vals in zip(e.won, case.won, strict=True)
            for x, v in zip(row, vals, strict=True)]
    if e.pop is not None:
        if case.pop is None:
            raise ValueError("the rules apportion the Länder by population: the case must give it")
        fix += [x == z3.RealVal(v) for x, v in zip(e.pop, case.pop, strict=True)]
    from hemicycle.verify.errors import EncodingMismatch

    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, *fix)
    s.push()
    s.add(enc.defined)  # defined: some cut has no tie (the cut itself is the solver's choice)
    defined = s.check() == z3.sat
    if not defined:
        s.pop()
        if s.check() != z3.sat:
            raise EncodingMismatch(f"the levels encoding has no allocation for {case}")
    m = s.model()
    seats = [[m.eval(x, model_completion=True).as_long() for x in row] for row in enc.seats]
    total = m.eval(enc.total, model_completion=True).as_long()
    if unique and defined:
        s.add(z3.Or([x != v for row, vals in zip(enc.seats, seats, strict=True)
                                  for x, v in zip(row, vals, strict=True)]))
        if s.check() != z3.unsat:
            raise EncodingMismatch(f"the levels encoding allows other seats for {case}")
    return seats, total, defined


def agree(sys: LevelSystem, case: LevelCase, *, unique: bool = False) -> str | None:
    """None when the encoding and the interpreter agree on ``case``, else what differs. An
    election the encoding leaves out (a tie at a cut) agrees when the interpreter meets a tie."""
    from hemicycle.verify.errors import EncodingMismatch

    want = interpret(sys, case)
    try:
        got, total, defined = encoded(sys, case, unique=unique)
    except EncodingMismatch as exc:
        return str(exc)
    if isinstance(want, str):
        return None if not defined else f"{case}: interpreter {want}, encoding {got}"
    if not defined:
        return None if left_out(sys, case, want) else f"{case}: interpreter {want.seats}, encoding says a tie"
    if got != want.seats or total != want.total:
        return f"{case}: interpreter {want.seats} (total {want.total}), encoding {got} (total {total})"
    return None


def left_out(sys: LevelSystem, case: LevelCase, outcome: LevelOutcome | None = None) -> bool:
    """Whether the encoding leaves ``case`` out by design: a tie at a cut (the interpreter, with no
    tie rule, meets a tie) or a house enlarged beyond the encoding's bound."""
    if sys.enlarge_to:
        o = outcome if outcome is not None else interpret(sys, case)
        if not isinstance(o, str) and o.size > sys.enlarge_to:
            return True
    return _tied(sys, case)


def _tied(sys: LevelSystem, case: LevelCase) -> bool:
    """An exact check, on the interpreter's side, that some method of ``sys`` meets a tie at its
    cut for ``case`` (what the encoding leaves out)."""
    from hemicycle.interpreter import TieError, allocate

    chamber = replace(sys.chamber, tiers=tuple(replace(t, ties=None) for t in sys.chamber.tiers),
                      levels=tuple(replace(lv, ties=None) for lv in sys.chamber.levels))
    try:
        allocate(chamber, election_of(sys, case))
    except TieError:  # no criterion: every tie the lot would break stops the allocation
        return True
    return False
