"""The election as one allocation sees it: the lists that stand, their votes and the totals there.

The whole election is one view; each district (unit) of a tier allocated ``in each`` district is
another, made from figures the vote file has already checked: building a view validates nothing
and copies no list entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hemicycle.election import Election, ListEntry, Unit


@dataclass(slots=True)
class View:
    election: Election  # the whole election (its list entries, agreements, substitutes, units)
    entries: Sequence[ListEntry]  # the lists standing here, in the order of the election's lists
    votes: list[int]  # their votes here
    totals: Mapping[str, int]  # the totals here
    unit: Unit | None = None  # None: the whole election
    names: list[str] = field(default_factory=list)  # the abbreviations of ``entries``
    index: Sequence[int] = ()  # the position of each entry among the election's lists
    labels: list[str] = field(default_factory=list)  # the names of ``entries``

    def __post_init__(self) -> None:
        if not self.names:
            self.names = [e.abbr for e in self.entries]
        if not self.index:
            self.index = range(len(self.entries))
        if not self.labels:
            self.labels = [e.name for e in self.entries]

    @staticmethod
    def national(election: Election) -> View:
        return View(election, election.lists, [e.votes for e in election.lists], election.totals)

    @property
    def list_votes(self) -> int:
        return sum(self.votes)

    @property
    def label(self) -> str:
        """Where this view is, for messages: '' for the whole election, ' in NAME' for a unit."""
        return "" if self.unit is None else f" in {self.unit.name}"


def unit_views(election: Election, units: Sequence[Unit]) -> list[View]:
    """A view of each unit: the lists that stood there (in the election's order), their votes there
    and the unit's totals. Nothing is validated again: the election was checked when it was made."""
    position = {e.abbr: i for i, e in enumerate(election.lists)}
    entries = election.lists
    views = []
    for u in units:
        votes = u.votes if u.votes or not u.candidates else u.candidate_votes
        idx = sorted(position[a] for a in votes)
        listed = [entries[i] for i in idx]
        views.append(View(election, listed, [votes[e.abbr] for e in listed], u.totals, u, [e.abbr for e in listed],
                          idx, [e.name for e in listed]))
    return views

    @property
    def list_votes(self) -> int:
        return sum(self.votes)


def level_views(election: Election, level: str) -> list[View]:
    """The views of the units of ``level``, made once per election."""
    key = ("views", level)
    views = election.derived.get(key)
    if views is None:
        views = election.derived[key] = unit_views(election, election.units_of(level))
    return views  # type: ignore[return-value]
