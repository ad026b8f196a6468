"""Which chambers the levels encoding covers (verify/levels.py): ``LevelSystem``, the chamber
reduced to fewer seats, and the checks that refuse every clause outside the family with its line
(``UnsupportedClause``), never dropping one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import pairwise

from hemicycle.model import (
    Base,
    Chamber,
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
from hemicycle.verify.errors import UnsupportedClause, VerifyError, refuse_present

Method = LargestRemainder | Divisor

# a placement's quotients per valid votes: each district's list votes total an integer of at most this
TOTAL_BOUND = 1000


@dataclass(frozen=True)
class LevelSystem:
    """What the verifier encodes of a chamber with levels."""

    chamber: Chamber
    lower: Tier | None  # the constituency tier (None: the district seats are figures of the vote file)
    upper: Tier  # the levelling tier (or the list tier: ``figures``, ``parallel``)
    constituencies: int  # single-member constituencies in all
    units: int  # upper units (Länder); 1 when the entitlement is not split
    place: LevelPlacement | None  # 'place in each LEVEL by METHOD of entitlement'
    states: Level | None = None  # the Länder as a declared level, their seats apportioned by a figure
    contingents: Tier | None = None  # 'calculation only' in each Land: 'levelling ... or tier ... in each'
    enlarge_to: int = 0  # 'overhang enlarged': elections whose house would grow beyond this are left out
    magnitude: int = 0  # additional members ('continue after'): each region's seats (0: a levelling tier)
    # 'compensate district_seats overhang added': each list's district seats a figure of the vote
    # file (symbolic integers adding up to at most ``constituencies``), kept beyond its entitlement
    figures: bool = False
    # a parallel chamber: the list tier (any clause the national encoder takes) reads no seat of the
    # single-member tier; the chamber's seats are the sums
    parallel: bool = False
    # the levelled tier allocates multi-member districts by its divisor method from the list votes
    # there (``units`` districts, magnitudes symbolic, adding up to ``constituencies``); the levelling
    # seats' placement in them is not encoded: a list's seats are those in all
    districted: bool = False
    # a national tier continuing after the districted lower tier (Iceland's adjustment seats)
    continued: bool = False
    # the placement of the tier's seats is encoded (verify/placement.py): "in turn" (Iceland: the
    # seats in all as placed), "provinces" (Denmark: into the units above the districts, then
    # within them); each district's seats are then an output beside each list's seats in all
    placing: str = ""
    # "provinces": the province of each district (the first provinces take the extra districts)
    parents: tuple[int, ...] = ()
    # a placement's quotients per the district's valid votes: each district's list votes add up to
    # an integer 1..total_bound (keeps the comparisons of two districts' quotients linear; a bound
    # of the verdict, named in ``shape``); 0: no such placement
    total_bound: int = 0
    # ``districted``: the magnitudes fixed (one case of the case split, verify/case_split.py); empty: symbolic
    magnitudes: tuple[int, ...] = ()

    @property
    def policy(self) -> OverhangPolicy:
        if self.figures or self.continued:
            return OverhangPolicy.KEPT
        assert self.upper.overhang_policy is not None
        return self.upper.overhang_policy.policy

    @property
    def shape(self) -> str:
        """The bounds of the symbolic elections, for a verdict."""
        seats = f"{self.chamber.seats} seats"
        if self.figures:
            return f"{seats}, each list's district seats a symbolic figure (together at most {self.constituencies})"
        if self.districted and self.placing:
            where = (f" in {len(set(self.parents))} provinces" if self.parents else "")
            bound = (f"; each district's list votes an integer total of at most {self.total_bound} (the placement's "
                     "quotients per valid votes)" if self.total_bound else "")
            return (f"{seats}, {self.constituencies} district seats in {self.units} districts{where} of symbolic "
                    "magnitudes, each allocated from the list votes there, the tier's seats placed "
                    f"({self.placing}) seat by seat{bound}")
        if self.districted:
            return (f"{seats}, {self.constituencies} district seats in {self.units} districts of symbolic "
                    "magnitudes, each allocated from the list votes there (seats in all: the levelling "
                    "seats' placement is not encoded)")
        if self.parallel:
            return f"{seats}, {self.constituencies} constituencies beside the list tier, symbolic winners"
        return f"{seats}, {self.constituencies} constituencies in {self.units} upper unit(s), symbolic winners"

    @property
    def unit_names(self) -> tuple[str, ...]:
        return tuple(f"U{k + 1}" for k in range(self.units))


def rooms(p: LevelPlacement, count: int, seats: int) -> list[int]:
    """Each unit's room in placement ``p``: 'at most N per unit'; 'at most F per unit' (a figure of
    the vote file): in the verifier's elections ``seats`` shared as evenly as the ``count`` units
    allow, the first ones taking the rest; no limit: ``seats`` each."""
    if p.per_unit is not None:
        return [p.per_unit] * count
    if p.per_unit_figure is None:
        return [seats] * count
    return [seats // count + (1 if k < seats % count else 0) for k in range(count)]


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


def check_method(method: object, node: object) -> None:
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


def check_threshold(t: Threshold, quota_level: str | None = None) -> None:
    for test in t.tests:
        if quota_level is not None and check_regional_quota(test, quota_level):
            continue
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


def check_regional_quota(test: Threshold, level: str | None) -> bool:
    """Whether ``test`` is a quota test across the units above the districts (``N quota of
    valid_votes in every`` / ``in at least K LEVEL``: each unit's valid votes / its districts'
    seats), encoded when those units are the placement's provinces (``level``)."""
    if test.quotas is None or not test.regional:
        return False
    if test.level != level or test.base is not Base.VALID_VOTES or test.applies_to is not None \
            or test.district_op is not None:
        raise UnsupportedClause(test, f"threshold ... quota of {test.base} in ... {test.level}", "a quota test across "
                                "units is encoded on valid_votes in the provinces the levelling seats are placed in")
    return True


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
    if pol.policy not in (OverhangPolicy.KEPT, OverhangPolicy.NOT_SEATED, OverhangPolicy.ENLARGED,
                          OverhangPolicy.EXCLUDED):
        raise UnsupportedClause(pol, f"overhang {pol.policy.value}", "only 'overhang kept', 'enlarged', "
                                "'excluded' and 'not seated' are encoded yet")
    if pol.policy is OverhangPolicy.ENLARGED and not isinstance(upper.method, Divisor):
        raise UnsupportedClause(upper.method, "allocate", "'overhang enlarged' is encoded with a divisor "
                                "method (house monotone), not largest remainder")
    refuse_present(((upper.cap, "cap"), (upper.continuation, "continue after"), (upper.alliances, "alliances"),
                    (upper.compensation, "compensate"), (upper.bonus, "bonus"), (upper.calculation, "calculation only"),
                    (upper.upper, "upper apportionment"), (upper.surplus, "surplus"),
                    (upper.seats_from, "seats unfilled in"), (upper.votes_from, "votes remainders of"),
                    (upper.provisions, "provisions"), (upper.consolations, "consolation")),
                   "not encoded in a levelling tier")
    check_method(upper.method, upper)
    ps = upper.level_placements
    provinces = ps[0].level if len(ps) == 2 and ps[1].within and _placed_after(upper) else None
    for t in upper.thresholds:
        check_threshold(t, provinces)
    if _placed_after(upper):  # the levelling seats placed in the lower tier's units: national seats only
        return
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
        check_method(p.method, p)


def _placed_after(upper: Tier) -> bool:
    """Whether the levelling tier places its seats in units by the list votes there, after the seats
    held there (Norway: in the levelled tier's own units; Denmark: into provinces above them, then
    within each province): the units then hold list votes, from which the levelled tier allocates
    (``LevelSystem.districted``)."""
    lev = upper.levelling
    ps = upper.level_placements
    if not ps or ps[0].entitlement or lev is None or ps[0].after != lev.tier:
        return False
    if len(ps) > 2 or (len(ps) == 2 and not ps[1].within):
        p = ps[2] if len(ps) > 2 else ps[1]
        raise UnsupportedClause(p, f"place in each {p.level}", "after the levelled tier, one placement is encoded, "
                                "or a placement into units above the districts and one 'within' them")
    return True


def _provinces(lower: Tier, upper: Tier, units: int) -> tuple[str, tuple[int, ...]]:
    """How the levelling seats placed after the levelled tier are encoded: ("", ()) when placed into
    the levelled tier's own units (not encoded: the seats in all); ("provinces", parents) for a
    placement into the units above the districts by quotients and one ``within`` them (Denmark):
    the districts grouped into max(2, units // 2) provinces (the first ones taking the extra
    districts), each district's seats encoded."""
    ps = upper.level_placements
    if len(ps) == 1:
        if ps[0].level != lower.level:
            raise UnsupportedClause(ps[0], f"place in each {ps[0].level}", "the seats placed after the levelled tier "
                                    "go into its own units, or into units above them and then 'within' them")
        return "", ()
    first, second = ps
    if first.level == lower.level or second.level != lower.level or second.after != first.after:
        raise UnsupportedClause(second, f"place in each {second.level} ... within", "a placement into units above "
                                "the districts, then 'within' them into the districts, after the same tier, is "
                                "encoded")
    _check_quotients(first)
    if not isinstance(second.method, Divisor) or second.scale.value != "none" or second.per_unit is not None \
            or second.per_unit_figure is not None or second.quotients is not None or second.in_turn:
        raise UnsupportedClause(second, f"place in each {second.level} ... within", "the split within each unit "
                                "above is encoded by a divisor method alone (no scale, limit or turn)")
    check_method(second.method, second)
    if first.in_turn or first.quotients is not None:
        raise UnsupportedClause(first, f"place in each {first.level}", "'in turn' and 'N quotients per list' are "
                                "encoded for a placement into the districts only")
    if units < 2:
        raise VerifyError("a placement into provinces and then within them needs at least 2 districts")
    count = max(2, units // 2)
    sizes = [units // count + (1 if r < units % count else 0) for r in range(count)]
    return "provinces", tuple(r for r, size in enumerate(sizes) for _ in range(size))


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
    districted = _placed_after(upper)
    place = upper.level_placements[0] if upper.level_placements and not districted else None
    states = None
    for lv in chamber.levels:
        if lv.name == lower.level:
            continue
        if place is None or lv.name != place.level or lv.apportion is None or lv.fixed or lv.minimum is not None \
                or not isinstance(lv.apportion.method, Divisor) or lv.apportion.base is not None:
            raise UnsupportedClause(lv, lv.label, "besides the constituencies, only the Länder of the placement "
                                    "with their seats apportioned by a figure of the vote file and a divisor "
                                    "method are encoded")
        check_method(lv.apportion.method, lv.apportion)
        states = lv
    if contingents is not None:
        _check_contingents(contingents, lev, states)
    _check_lower(chamber, lower)
    _check_upper(upper)
    level = chamber.level(lower.level)
    assert level is not None
    k = units if place is not None or districted else 1
    if k < 1 or level.seats < k:
        raise VerifyError(f"{k} upper units need at least {k} constituencies (the level has {level.seats})")
    placing, parents = _provinces(lower, upper, k) if districted else ("", ())
    if placing and upper.seats <= level.seats:
        raise VerifyError(f"the levelling tier's {upper.seats} seats leave none to place beside the {level.seats} "
                          "district seats")
    if upper.seats < 1:
        raise VerifyError("the levelling tier needs at least 1 seat")
    enlarge = 4 * upper.seats if upper.overhang_policy and upper.overhang_policy.policy is OverhangPolicy.ENLARGED \
        else 0
    bound = TOTAL_BOUND if placing and upper.level_placements[0].scale.value == "valid_votes" else 0
    return LevelSystem(chamber, lower, upper, level.seats, k, place, states, contingents, enlarge,
                       districted=districted, placing=placing, parents=parents, total_bound=bound)


def _members_system(chamber: Chamber, units: int) -> LevelSystem:
    """Additional members (Scotland): constituencies inside regions, a tier in each region whose
    divisor method continues after the constituency seats held there."""
    upper = next(t for t in chamber.tiers if t.continuation is not None)
    cont = upper.continuation
    assert cont is not None
    lower = chamber.tier(cont.tier)
    if lower is not None and upper.level is None and upper.level_placements:
        return _continued_system(chamber, lower, upper, units)
    if lower is None or lower.level is None or chamber.level(lower.level) is None or upper.level is None:
        raise UnsupportedClause(cont, "continue after", "the verifier encodes a tier in each region continuing "
                                "after a tier that elects one member in each constituency, or a national tier "
                                "continuing after a tier in each district whose seats it places there")
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
    check_method(upper.method, upper)
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




def _check_contingents(t: Tier, lev: object, states: Level | None) -> None:
    if states is None or t.level != states.name or getattr(lev, "level", None) != states.name \
            or t.calculation is None:
        raise UnsupportedClause(t, "tier", "the other tier of the least seats must be 'calculation only' in each "
                                "Land of the placement, whose seats are apportioned")
    if not isinstance(t.method, Divisor) or t.provisions or t.cap is not None or t.levelling is not None \
            or t.continuation is not None or t.level_placements:
        raise UnsupportedClause(t, "tier", "the calculation tier must allocate by a divisor method, with "
                                "national thresholds only")
    check_method(t.method, t)
    for th in t.thresholds:
        check_threshold(th)
        lower = getattr(lev, "tier", None)
        if th.scope is not Scope.NATION or any(x.district_op is not None and x.district_tier != lower
                                               for x in th.tests):
            raise UnsupportedClause(th, "threshold", "the calculation tier's thresholds must be national shares, "
                                    "or the seats of the constituency tier ('or district_seats OP N of tier ...')")



def _continued_system(chamber: Chamber, lower: Tier, upper: Tier, units: int) -> LevelSystem:
    """Adjustment seats (Iceland): a national tier whose divisor method continues after the seats a
    tier in each district holds nationally, its seats then placed in those districts after them
    (``districted``: the districts hold list votes, from which the lower tier allocates; the
    placement is not encoded: a list's seats in all)."""
    lev_name = lower.level
    level = chamber.level(lev_name or "")
    ps = upper.level_placements
    if level is None or chamber.tiers != (lower, upper) or any(p.after != lower.name or p.level != lev_name
                                                               or p.entitlement for p in ps):
        node = next((p for p in ps if p.after != lower.name or p.level != lev_name), upper)
        raise UnsupportedClause(node, "place in each", "a national tier continuing after a tier in each district "
                                "is encoded when it places its seats in those districts after that tier's seats")
    if len(ps) > 1:
        raise UnsupportedClause(ps[1], f"place in each {ps[1].level}", "one placement is encoded")
    placing = ""
    if ps[0].in_turn:  # encoded (verify/placement.in_turn): the seats in all are those placed
        _check_quotients(ps[0])
        placing = "in turn"
    for lv in chamber.levels:
        if lv is not level:
            raise UnsupportedClause(lv, lv.label, "besides the districts no level is encoded")
    _check_lower(chamber, lower)
    if not isinstance(upper.method, Divisor):
        raise UnsupportedClause(upper.method, "allocate", "'continue after' needs a divisor method")
    check_method(upper.method, upper)
    refuse_present(((upper.cap, "cap"), (upper.exempt, "exempt"), (upper.bonus, "bonus"),
                    (upper.alliances, "alliances"), (upper.compensation, "compensate"),
                    (upper.provisions, "provisions"), (upper.consolations, "consolation"), (upper.surplus, "surplus"),
                    (upper.upper, "upper apportionment")),
                   "not encoded beside 'continue after'")
    for th in upper.thresholds:
        check_threshold(th)
        if any(x.district_op is not None for x in th.tests):
            raise UnsupportedClause(th, "threshold ... or district_seats", "not encoded beside 'continue after'")
    if level.seats < units or upper.seats < 1:
        raise VerifyError(f"{units} districts need at least {units} seats (the level has {level.seats}), and the "
                          "continuing tier at least 1")
    bound = TOTAL_BOUND if placing and ps[0].scale.value == "valid_votes" else 0
    return LevelSystem(chamber, lower, upper, level.seats, units, None, districted=True, continued=True,
                       placing=placing, total_bound=bound)


def _check_quotients(p: LevelPlacement) -> None:
    """A placement by quotients the encoding unrolls: a divisor method with positive increasing
    divisors, quotients scaled by nothing or by the unit's valid votes."""
    if not isinstance(p.method, Divisor):
        raise UnsupportedClause(p.method, f"place in each {p.level} by", "a placement by quotients needs a "
                                "divisor method")
    check_method(p.method, p)
    if p.scale.value not in ("none", "valid_votes"):
        raise UnsupportedClause(p, f"place in each {p.level} ... per {p.scale.value}", "quotients per votes per "
                                "seat (a product of a symbolic seat count, a vote and a total) are not encoded")
    if p.entitlement or p.within or p.at_least is not None:
        raise UnsupportedClause(p, f"place in each {p.level}", "'of entitlement', 'within' and 'at least' are not "
                                "encoded in a placement by quotients after a tier")
