"""The election as one allocation sees it: the lists that stand, their votes and the totals there.

The whole election is one view; each district (unit) of a tier allocated ``in each`` district is
another, made from figures the vote file has already checked: building a view validates nothing
and copies no list entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hemicycle.election import Election, ListEntry


@dataclass(slots=True)
class View:
    election: Election  # the whole election (its list entries, agreements, substitutes, units)
    entries: Sequence[ListEntry]  # the lists standing here, in the order of the election's lists
    votes: list[int]  # their votes here
    totals: Mapping[str, int]  # the totals here
    unit: object | None = None  # None: the whole election
    names: list[str] = field(default_factory=list)  # the abbreviations of ``entries``

    def __post_init__(self) -> None:
        if not self.names:
            self.names = [e.abbr for e in self.entries]

    @staticmethod
    def national(election: Election) -> View:
        return View(election, election.lists, [e.votes for e in election.lists], election.totals)

    @property
    def list_votes(self) -> int:
        return sum(self.votes)
