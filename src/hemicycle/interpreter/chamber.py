"""The whole chamber: every tier allocated on the election, the appointed seats added."""

from __future__ import annotations

from collections.abc import Callable

from hemicycle import model as m
from hemicycle.election import Election
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.results import AllocationResult, Tie
from hemicycle.interpreter.tier import allocate_tier
from hemicycle.interpreter.workload import check_limits, tag_notes


def allocate(chamber: m.Chamber, election: Election, *, explain: bool = True) -> AllocationResult:
    """Allocate every tier of ``chamber`` for ``election``; appointed seats are added as given."""
    check_limits(chamber, election)
    ties: list[Tie] = []
    notes: list[str] = list(tag_notes(chamber, election))
    applied: list[str] = []
    tiers = [allocate_tier(t, election, ties, notes, applied, explain=explain) for t in chamber.tiers]
    seats = {e.abbr: 0 for e in election.lists}
    for t in tiers:
        for abbr, n in zip(t.abbrs, t.seat_list, strict=True):
            seats[abbr] += n
    appointed: dict[str, int] = {}
    appointed_names: dict[str, str] = {}
    for a in chamber.appointed:
        if a.key in seats:
            raise AllocationError(
                f"the vote file has a list {a.key!r}, which is also the key of appointed seats", a
            )
        appointed[a.key] = appointed.get(a.key, 0) + a.seats
        appointed_names[a.key] = a.by
        applied.append(f"appointed ({a.where})")
    seats.update(appointed)
    return AllocationResult(
        chamber=chamber.name, seats=seats, total=sum(seats.values()), tiers=tiers,
        appointed=appointed, ties=ties, clauses_applied=applied, notes=notes, election=election,
        appointed_names=appointed_names,
    )


def seats_only(chamber: m.Chamber, election: Election) -> dict[str, int]:
    """Seats without the protocol (faster)."""
    return allocate(chamber, election, explain=False).seats


Allocator = Callable[[m.Chamber, Election], AllocationResult]
