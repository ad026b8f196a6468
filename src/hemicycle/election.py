"""The votes of one election: what the interpreter and the verifier allocate seats for.

Vote files (``hemicycle.votes``) and the Python API build an ``Election``; it knows nothing about
rules. Figures are exact integers; a figure that is not known is absent, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from hemicycle.validate import check_sum, figure
from hemicycle.validate import totals as check_totals

# The totals a vote file may give, besides each list's votes.
TOTALS = ("valid", "invalid", "ballots_cast", "registered", "against_all")
# Lists in one election: vote files are refused beyond it while they are read, and the
# interpreter refuses elections beyond it.
MAX_LISTS = 100_000


@dataclass(frozen=True, kw_only=True)
class ListEntry:
    abbr: str
    votes: int
    name: str = ""
    registration_order: int = 0  # 1-based; lower was registered earlier
    ballot_order: int | None = None
    list_size: int | None = None  # number of candidates; None: not limited
    tags: frozenset[str] = frozenset()
    # Seats the list won in single-member districts elected separately (mixed-member systems);
    # None: not given.
    district_seats: int | None = None
    # The list's votes in each region (region name -> votes); empty: no regional figures.
    regional_votes: Mapping[str, int] = field(default_factory=dict, hash=False)
    # Shares officially published for the list, by base name (e.g. "registered_voters" ->
    # 888/10000), for when the data lack the base figure itself. Used only then, and reported.
    reported_shares: Mapping[str, Fraction] = field(default_factory=dict, hash=False)
    # The official outcome of the regional threshold test(s) for this list, when the data lack
    # the regional figures (True: reached it in every region). None: not given.
    reported_regional: bool | None = None
    # The list combination (apparentement) the list belongs to, by its name; None: none.
    combination: str | None = None
    # For pictures only, never for seats (hemicycle.palette): the list's colour (#rrggbb) and its
    # position on a left-right scale (only the order counts); None: not given. Not part of a
    # list's equality: the same figures from a copy without the bundled palette are the same list.
    color: str | None = field(default=None, compare=False)
    position: Fraction | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # every figure through the one check (hemicycle.validate); NumPy integers become ints
        what = f"list {self.abbr!r}"
        object.__setattr__(self, "votes", figure(self.votes, f"the votes of {what}"))
        for key in ("district_seats", "list_size", "ballot_order"):
            value = getattr(self, key)
            if value is not None:
                object.__setattr__(self, key, figure(value, f"the {key.replace('_', ' ')} of {what}"))
        if self.regional_votes:
            object.__setattr__(self, "regional_votes", {
                region: figure(v, f"the votes of {what} in {region!r}") for region, v in self.regional_votes.items()})

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
    # Surplus-vote agreements: pairs (or groups) of list abbrs joined for the allocation.
    agreements: tuple[tuple[str, ...], ...] = ()
    # Totals per region (region name -> {total name -> figure}), for regional thresholds.
    regions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # What the reader of the vote file says about it, for every output (e.g. a standard format
    # read under its draft names). Not figures: never used to allocate.
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.lists:
            if entry.abbr in seen:
                raise ValueError(f"list {entry.abbr!r} appears twice")
            seen.add(entry.abbr)
            for region in entry.regional_votes:
                if region not in self.regions:
                    raise ValueError(f"list {entry.abbr!r} has votes in {region!r}, which is not a region")
        joined: set[str] = set()
        for group in self.agreements:
            if joined & set(group):
                raise ValueError(f"agreement {list(group)}: a list may be in one agreement only")
            joined |= set(group)
            if len(group) < 2 or len(set(group)) != len(group):
                raise ValueError(f"an agreement joins two or more different lists, not {list(group)}")
            for abbr in group:
                if abbr not in seen:
                    raise ValueError(f"agreement {list(group)} names {abbr!r}, which is not a list")
        regions = {name: check_totals(region_totals, TOTALS, f"region {name!r}: ")
                   for name, region_totals in self.regions.items()}
        object.__setattr__(self, "regions", regions)
        object.__setattr__(self, "totals", check_totals(self.totals, TOTALS))
        check_sum([*(e.votes for e in self.lists), *self.totals.values(),
                   *(v for e in self.lists for v in e.regional_votes.values()),
                   *(v for t in regions.values() for v in t.values())])

    @property
    def abbrs(self) -> tuple[str, ...]:
        return tuple(e.abbr for e in self.lists)

    @property
    def list_votes(self) -> int:
        return sum(e.votes for e in self.lists)

    @property
    def share_base(self) -> int:
        """What a list's share of the vote is shown against: the votes of every list, those the
        file does not itemise included (valid minus against_all, when valid is known; vote files
        check that this is the listed votes when they hold every list), else the listed votes."""
        if "valid" in self.totals:
            return self.totals["valid"] - self.totals.get("against_all", 0)
        return self.list_votes

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
        lists = tuple(
            ListEntry(abbr=a, votes=v, registration_order=rank[a]) for a, v in pairs
        )
        return cls(lists=lists, totals=check_totals(totals, TOTALS))
