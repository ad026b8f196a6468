"""What one allocation may be asked to do, checked before any work is done (``MAX_LISTS``, lists in
one election, is ``hemicycle.election``'s: vote files are refused beyond it while they are read).

Far above any real election; hostile or mistaken input (a house of 10^12 seats, a million lists)
is refused with a message instead of running for hours (SECURITY.md). A house of 10^6 seats and
10^4 lists allocates in seconds.
"""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.election import MAX_LISTS, Election
from hemicycle.interpreter.errors import LimitError
from hemicycle.numbers import fmt_int

MAX_SEATS = 10_000_000  # seats of a chamber, a tier or an appointed group
MAX_TIERS = 1_000  # tiers in one chamber
MAX_LIST_TIERS = 200_000  # lists x tiers
MAX_UNITS = 100_000  # units (districts, regions, states ...) of one election
MAX_UNIT_LISTS = 2_000_000  # lists standing in units x tiers allocated in units
MAX_WORK = 2_000_000  # guarantee moves x lists (each move looks at every list, and may break a tie)
EXPLAIN_EVERY_SEAT = 1_000  # divisor seats are listed one by one in the protocol up to this many


def check_limits(chamber: m.Chamber, election: Election) -> None:
    """Refuse, with a message, an allocation beyond the limits (before any work is done)."""
    check_sizes(chamber, len(election.lists))
    _check_units(chamber, election)


def check_sizes(chamber: m.Chamber, n: int) -> None:
    """``check_limits`` for ``n`` lists (the compiled and batch paths call it too)."""
    for node, what, seats in (
        (chamber, "the chamber", chamber.seats),
        *((t, f"tier {t.name!r}", t.seats) for t in chamber.tiers),
        *((a, f"the appointed group {a.key!r}", a.seats) for a in chamber.appointed),
        *((lv, f"the {lv.label}", lv.seats) for lv in chamber.levels),
    ):
        if seats > MAX_SEATS:
            raise LimitError(f"{what} has {fmt_int(seats)} seats; hemicycle allocates at most "
                             f"{fmt_int(MAX_SEATS)}", node)
    if len(chamber.tiers) > MAX_TIERS:
        raise LimitError(f"the rules have {fmt_int(len(chamber.tiers))} tiers; hemicycle allocates at "
                         f"most {fmt_int(MAX_TIERS)}", chamber)
    if n > MAX_LISTS:
        raise LimitError(f"the vote file has {fmt_int(n)} lists; hemicycle allocates at most "
                         f"{fmt_int(MAX_LISTS)}")
    if n * len(chamber.tiers) > MAX_LIST_TIERS:
        raise LimitError(f"{fmt_int(len(chamber.tiers))} tiers for {fmt_int(n)} lists is more than hemicycle "
                         f"allocates at once (lists x tiers at most {fmt_int(MAX_LIST_TIERS)})", chamber)


def _check_units(chamber: m.Chamber, election: Election) -> None:
    units = election.units
    if len(units) > MAX_UNITS:
        raise LimitError(f"the vote file has {fmt_int(len(units))} districts; hemicycle allocates in at most "
                         f"{fmt_int(MAX_UNITS)}")
    in_units = sum(1 for t in chamber.tiers if t.level is not None)
    if in_units:
        entries = sum(len(u.votes) for u in units)
        if entries * in_units > MAX_UNIT_LISTS:
            raise LimitError(f"{fmt_int(in_units)} tiers in each district for {fmt_int(entries)} lists standing in "
                             f"districts is more than hemicycle allocates at once (at most "
                             f"{fmt_int(MAX_UNIT_LISTS)})", chamber)


def check_guarantee_work(moves: int, n: int, node: m.Node | None) -> None:
    """Refuse guarantees that move ``moves`` seats among ``n`` lists, if that is beyond MAX_WORK
    (each move looks at every list); the caller counts the moves before making any."""
    if moves * n > MAX_WORK:
        raise LimitError(f"the guarantee moves more than {fmt_int(MAX_WORK // n)} seats among "
                         f"{fmt_int(n)} lists, more work than hemicycle does in one "
                         f"allocation ({fmt_int(MAX_WORK)} list-steps)", node)
