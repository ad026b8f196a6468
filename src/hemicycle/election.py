"""The votes of one election: what the interpreter and the verifier allocate seats for.

Vote files (``hemicycle.votes``) and the Python API build an ``Election``; it knows nothing about
rules. Figures are exact integers; a figure that is not known is absent, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# The totals a vote file may give, besides each list's votes.
TOTALS = ("valid", "invalid", "ballots_cast", "registered", "against_all")


@dataclass(frozen=True, kw_only=True)
class ListEntry:
    abbr: str
    votes: int
    name: str = ""
    registration_order: int = 0  # 1-based; lower was registered earlier
    ballot_order: int | None = None
    list_size: int | None = None  # number of candidates; None: not limited
    tags: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return self.name or self.abbr


@dataclass(frozen=True, kw_only=True)
class Election:
    lists: tuple[ListEntry, ...]
    totals: Mapping[str, int] = field(default_factory=dict)
    name: str = ""
    # Figures the data itself says to stand in for unknown ones, e.g. {"ballots_cast": "valid"}:
    # always shown in the output, never applied silently.
    substitutes: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.lists:
            if entry.abbr in seen:
                raise ValueError(f"list {entry.abbr!r} appears twice")
            seen.add(entry.abbr)
            if entry.votes < 0:
                raise ValueError(f"list {entry.abbr!r} has negative votes")
        for key, value in self.totals.items():
            if key not in TOTALS:
                raise ValueError(f"unknown total {key!r}; known: {', '.join(TOTALS)}")
            if value < 0:
                raise ValueError(f"total {key!r} is negative")

    @property
    def abbrs(self) -> tuple[str, ...]:
        return tuple(e.abbr for e in self.lists)

    @property
    def list_votes(self) -> int:
        return sum(e.votes for e in self.lists)

    @classmethod
    def from_votes(
        cls,
        votes: Mapping[str, int] | Iterable[tuple[str, int]],
        *,
        registration_order: Iterable[str] | None = None,
        **totals: int | None,
    ) -> Election:
        """Build an election from ``{abbr: votes}``; insertion order is the registration order."""
        pairs = list(votes.items() if isinstance(votes, Mapping) else votes)
        order = list(registration_order) if registration_order is not None else [a for a, _ in pairs]
        rank = {abbr: i + 1 for i, abbr in enumerate(order)}
        missing = [a for a, _ in pairs if a not in rank]
        if missing:
            raise ValueError(f"registration_order lacks {', '.join(missing)}")
        for abbr, v in pairs:
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"votes for {abbr!r} must be an int, not {type(v).__name__}")
        lists = tuple(
            ListEntry(abbr=a, votes=v, registration_order=rank[a]) for a, v in pairs
        )
        clean = {k: int(v) for k, v in totals.items() if v is not None}
        return cls(lists=lists, totals=clean)
