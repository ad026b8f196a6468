"""Two chambers of the levels encoding (verify/levels.py) whose district seats are not elected by a
tier the encoding allocates:

* **district seats as figures** (``compensate district_seats overhang added``, New Zealand 2017):
  one national tier; each list's district seats are a figure of the vote file, here a symbolic
  integer >= 0 (together at most the tier's seats: more is the interpreter's error "the seats
  outside the distribution exceed the tier's seats"). The thresholds may pass a list by them
  (``or district_seats OP N``). The semantics are the levelling encoding's with one unit and
  ``overhang kept``: lists not admitted keep their district seats, which come off the house; an
  admitted list gets the larger of its entitlement and its district seats.
* **parallel tiers** (``elected by plurality`` / ``winners given`` in each constituency beside a
  national list tier that reads none of its seats, Kazakhstan 2023): the constituency winners are
  symbolic integers per list adding up to the constituencies (every constituency is won; a list
  with no list votes that wins one is an independent); the list tier is the national encoder's
  (``encoder.encode_tier``, every clause it takes); a list's seats are the sum.

Every other clause is refused with its line.
"""

from __future__ import annotations

from hemicycle.model import Chamber, Compensation, Divisor
from hemicycle.verify.encoder import check_supported
from hemicycle.verify.errors import UnsupportedClause, VerifyError, refuse_present
from hemicycle.verify.level_family import LevelSystem, check_method, check_threshold


def is_compensation(chamber: Chamber) -> bool:
    return any(t.compensation is not None for t in chamber.tiers)


def is_parallel(chamber: Chamber) -> bool:
    return any(t.single_member is not None for t in chamber.tiers)


def compensation_system(chamber: Chamber) -> LevelSystem:
    """One national tier with ``compensate district_seats overhang added``."""
    tier = next(t for t in chamber.tiers if t.compensation is not None)
    comp = tier.compensation
    assert isinstance(comp, Compensation)
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside mixed-member compensation are not encoded")
    for lv in chamber.levels:
        raise UnsupportedClause(lv, lv.label, "the district seats of 'compensate district_seats' are figures of "
                                "the vote file: a districted chamber beside it is not encoded")
    for t in chamber.tiers:
        if t is not tier:
            raise UnsupportedClause(t, "tier", "one tier with 'compensate district_seats' is encoded, no other tier")
    refuse_present(((tier.cap, "cap"), (tier.alliances, "alliances"), (tier.exempt, "exempt"),
                    (tier.surplus, "surplus"), (tier.levelling, "levelling"), (tier.overhang_policy, "overhang"),
                    (tier.continuation, "continue after"), (tier.bonus, "bonus"), (tier.upper, "upper apportionment"),
                    (tier.calculation, "calculation only"), (tier.provisions, "provisions"),
                    (tier.consolations, "consolation"), (tier.level_placements, "place in each")),
                   "not encoded beside 'compensate district_seats'")
    check_method(tier.method, tier)
    for th in tier.thresholds:
        check_threshold(th)
        for x in th.tests:
            if x.district_op is not None and x.district_tier is not None:
                raise UnsupportedClause(th, "threshold ... of tier", "the district seats here are the vote "
                                        "file's figures, not a tier's")
    if tier.seats < 1:
        raise VerifyError("the tier needs at least 1 seat")
    return LevelSystem(chamber, None, tier, tier.seats, 1, None, figures=True)


def parallel_system(chamber: Chamber) -> LevelSystem:
    """A single-member tier in each constituency and one national list tier beside it."""
    singles = next(t for t in chamber.tiers if t.single_member is not None)
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside parallel tiers are not encoded")
    others = [t for t in chamber.tiers if t is not singles]
    if len(others) != 1:
        node = others[1] if len(others) > 1 else singles
        raise UnsupportedClause(node, "tier", "one single-member tier and one national list tier beside it are "
                                "encoded")
    lists = others[0]
    level = chamber.level(singles.level or "")
    if level is None or level.fixed or level.apportion is not None or level.minimum is not None:
        node = singles if level is None else (level.apportion or level.minimum or level.fixed[0])
        raise UnsupportedClause(node, "tier", "the single-member tier elects one member in each constituency "
                                "of the vote file")
    for lv in chamber.levels:
        if lv is not level:
            raise UnsupportedClause(lv, lv.label, "besides the constituencies no level is encoded")
    if not isinstance(singles.method, Divisor) or singles.thresholds or singles.provisions or singles.cap is not None \
            or singles.bonus is not None or singles.exempt is not None:
        raise UnsupportedClause(singles, "tier", "the single-member tier elects the most votes, with no other clause")
    if lists.level is not None:
        raise UnsupportedClause(lists, f"tier ... in each {lists.level}", "the list tier beside single-member "
                                "seats must be national")
    if not lists.scale_invariant:
        raise UnsupportedClause(lists, "tier", "the list tier must be scale invariant (the levels encoding's "
                                "votes are rational)")
    check_supported(lists)  # every clause the national encoder takes, the others refused with their line
    if level.seats < 1 or lists.seats < 1:
        raise VerifyError("a parallel chamber needs at least 1 constituency and 1 list seat")
    return LevelSystem(chamber, singles, lists, level.seats, 1, None, parallel=True)

