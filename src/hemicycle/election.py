"""The votes of one election: what the interpreter and the verifier allocate seats for.

Vote files (``hemicycle.votes``) and the Python API build an ``Election``; it knows nothing about
rules. Figures are exact integers; a figure that is not known is absent, never guessed.

An election is national lists (``ListEntry``: party-level attributes and national votes) and,
optionally, a tree of units (``Unit``: districts, regions, states ...), each with its own totals,
figures (population ...), magnitude and the votes of the lists that stood there. A list's national
votes are the sum of its votes in the units of the finest level (those with no unit below them);
the ``Election`` checks that they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from hemicycle.validate import check_sum, figure
from hemicycle.validate import totals as check_totals

# The totals a vote file may give, besides each list's votes.
TOTALS = ("valid", "invalid", "ballots_cast", "registered", "against_all", "blank")
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
    # The number of parties standing together on the list (a coalition); None: not stated (one).
    coalition_size: int | None = None
    # For pictures only, never for seats (hemicycle.palette): the list's colour (#rrggbb) and its
    # position on a left-right scale (only the order counts); None: not given. Not part of a
    # list's equality: the same figures from a copy without the bundled palette are the same list.
    color: str | None = field(default=None, compare=False)
    position: Fraction | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # every figure through the one check (hemicycle.validate); NumPy integers become ints
        what = f"list {self.abbr!r}"
        object.__setattr__(self, "votes", figure(self.votes, f"the votes of {what}"))
        for key in ("district_seats", "list_size", "ballot_order", "coalition_size"):
            value = getattr(self, key)
            if value is not None:
                object.__setattr__(self, key, figure(value, f"the {key.replace('_', ' ')} of {what}"))
        if self.coalition_size is not None and self.coalition_size < 1:
            raise ValueError(f"{what}: a coalition size is at least 1")
        if self.regional_votes:
            object.__setattr__(self, "regional_votes", {
                region: figure(v, f"the votes of {what} in {region!r}") for region, v in self.regional_votes.items()})

    @property
    def label(self) -> str:
        return self.name or self.abbr


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A candidate in a single-member contest (a constituency): the list (party) it stands for, or its
    own entry for an independent, and its votes there (first votes)."""

    name: str
    party: str  # the abbr of a list of the election
    votes: int


@dataclass(frozen=True, kw_only=True)
class Winner:
    """The elected member of a single-member contest as the vote file gives it (``winners given``):
    the candidate's name and the list (party) it stands for, or its own entry for an independent."""

    name: str
    party: str  # the abbr of a list of the election


@dataclass(frozen=True, kw_only=True)
class Unit:
    """A district, region, state ...: one unit of one level of the election's tree."""

    name: str  # unique within its level
    level: str = "district"  # the level, as the vote file calls it: "district", "region", "state" ...
    parent: str | None = None  # the containing unit (of another level); None: directly under the nation
    seats: int | None = None  # the magnitude, when the vote file gives it
    totals: Mapping[str, int] = field(default_factory=dict, hash=False)  # valid, invalid, blank ... here
    figures: Mapping[str, int] = field(default_factory=dict, hash=False)  # population, citizens ...
    votes: Mapping[str, int] = field(default_factory=dict, hash=False)  # abbr -> votes; absent: did not stand
    # the candidates of a single-member contest (first votes), each for a list; a unit gives list
    # votes or candidates, not both. Their votes are not list votes: they add up to no national figure.
    candidates: tuple[Candidate, ...] = ()
    winner: Winner | None = None  # a single-member contest's winner as the file gives it (``winners given``)

    @property
    def candidate_votes(self) -> dict[str, int]:
        """abbr -> its candidate's votes here."""
        return {c.party: c.votes for c in self.candidates}

    def __post_init__(self) -> None:
        # every figure through the one check (hemicycle.validate), as a list's
        what = f"{self.level} {self.name!r}"
        if self.seats is not None:
            object.__setattr__(self, "seats", figure(self.seats, f"the magnitude of {what}"))
        object.__setattr__(self, "totals", check_totals(self.totals, TOTALS, f"{what}: "))
        object.__setattr__(self, "figures", {k: figure(v, f"the {k} of {what}") for k, v in self.figures.items()})
        object.__setattr__(self, "votes", {a: figure(v, f"the votes of {a!r} in {what}")
                                           for a, v in self.votes.items()})
        object.__setattr__(self, "candidates", tuple(
            Candidate(name=c.name, party=c.party, votes=figure(c.votes, f"the votes of {c.name!r} in {what}"))
            for c in self.candidates))


@dataclass(frozen=True)
class UnitTree:
    """The units by level, their parents and children (built once per election)."""

    by_level: Mapping[str, tuple[Unit, ...]]
    parent: Mapping[tuple[str, str], Unit | None]  # (level, name) -> containing unit
    leaves: tuple[Unit, ...]  # units with no unit below them, in file order
    index: Mapping[tuple[str, str], Unit] = field(default_factory=dict)  # (level, name) -> unit

    def unit(self, level: str, name: str) -> Unit | None:
        if self.index:
            return self.index.get((level, name))
        return next((u for u in self.by_level.get(level, ()) if u.name == name), None)

    def ancestors(self, unit: Unit) -> list[Unit]:
        """The units containing ``unit``, nearest first (a cycle raises ``ValueError``)."""
        out: list[Unit] = []
        seen = {(unit.level, unit.name)}
        up = self.parent.get((unit.level, unit.name))
        while up is not None:
            if (up.level, up.name) in seen:
                raise ValueError(f"{unit.level} {unit.name!r} is inside itself")
            seen.add((up.level, up.name))
            out.append(up)
            up = self.parent.get((up.level, up.name))
        return out


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
    # The tree of units (districts, regions ...); empty for a national-only election.
    units: tuple[Unit, ...] = ()
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
        if self.units:
            _check_units(self)

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

    @cached_property
    def tree(self) -> UnitTree:
        """The units by level, with parents and leaves."""
        return _tree(self.units)

    @cached_property
    def derived(self) -> dict[object, object]:
        """Indexes its readers compute once from this election's figures (the interpreter keeps
        its views of the units here): never a figure of its own, never changed once made."""
        return {}

    def units_of(self, level: str) -> tuple[Unit, ...]:
        """The units of ``level``, in file order."""
        return self.tree.by_level.get(level, ())

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


def _tree(units: tuple[Unit, ...]) -> UnitTree:
    by_level: dict[str, list[Unit]] = {}
    for u in units:
        by_level.setdefault(u.level, []).append(u)
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)
    parent: dict[tuple[str, str], Unit | None] = {}
    has_child: set[tuple[str, str]] = set()
    for u in units:
        up: Unit | None = None
        if u.parent is not None:
            found = [p for p in by_name.get(u.parent, []) if p.level != u.level]
            if not found:
                raise ValueError(f"{u.level} {u.name!r}: its parent {u.parent!r} is not a unit of another level")
            if len(found) > 1:
                raise ValueError(f"{u.level} {u.name!r}: its parent {u.parent!r} is a unit of several levels")
            up = found[0]
            has_child.add((up.level, up.name))
        parent[(u.level, u.name)] = up
    leaves = tuple(u for u in units if (u.level, u.name) not in has_child)
    return UnitTree({k: tuple(v) for k, v in by_level.items()}, parent, leaves, {(u.level, u.name): u for u in units})


def _check_units(election: Election) -> None:
    """The units make a tree whose finest level adds up to the national figures."""
    abbrs = {e.abbr for e in election.lists}
    seen: set[tuple[str, str]] = set()
    for u in election.units:
        where = f"{u.level} {u.name!r}"
        if not u.name or not u.level:
            raise ValueError(f"{where}: a unit needs a name and a level")
        if (u.level, u.name) in seen:
            raise ValueError(f"{where} appears twice")
        seen.add((u.level, u.name))
        for abbr in u.votes:  # the figures themselves are checked by Unit
            if abbr not in abbrs:
                raise ValueError(f"{where}: votes for {abbr!r}, which is not a list of the election")
        if u.candidates:
            _check_candidates(u, where, abbrs)
        if u.winner is not None:
            _check_winner(u, where, abbrs)
    check_sum([*(v for u in election.units for v in u.votes.values()),
               *(v for u in election.units for v in u.totals.values()),
               *(c.votes for u in election.units for c in u.candidates)], "the figures of the districts")
    tree = election.tree  # checks the parents
    for u in election.units:  # no unit is inside itself
        tree.ancestors(u)
    carrying = [u for u in election.units if u.votes]
    if not carrying:
        return
    below: dict[tuple[str, str], dict[str, int]] = {}
    top: list[Unit] = []
    for u in carrying:
        up = next((a for a in tree.ancestors(u) if a.votes), None)
        if up is None:
            top.append(u)
            continue
        sums = below.setdefault((up.level, up.name), {})
        for abbr, value in u.votes.items():
            sums[abbr] = sums.get(abbr, 0) + value
    for u in carrying:
        sums = below.get((u.level, u.name))
        if sums is None:
            continue
        for abbr in sorted(set(sums) | set(u.votes)):
            if sums.get(abbr, 0) != u.votes.get(abbr, 0):
                raise ValueError(f"{u.level} {u.name!r}: {abbr!r} has {u.votes.get(abbr, 0)} votes there, but its "
                                 f"votes in the units below add up to {sums.get(abbr, 0)}")
    national = dict.fromkeys(abbrs, 0)
    for u in top:
        for abbr, value in u.votes.items():
            national[abbr] += value
    for e in election.lists:
        if national[e.abbr] != e.votes:
            raise ValueError(f"list {e.abbr!r} has {e.votes} votes, but its votes in the districts add up to "
                             f"{national[e.abbr]}")


def _check_candidates(u: Unit, where: str, abbrs: set[str]) -> None:
    if u.votes:
        raise ValueError(f"{where}: a unit gives list votes or candidates, not both")
    parties: set[str] = set()
    for c in u.candidates:
        if c.party not in abbrs:
            raise ValueError(f"{where}: candidate {c.name!r} stands for {c.party!r}, which is not a list of the "
                             "election")
        if c.party in parties:
            raise ValueError(f"{where}: two candidates stand for {c.party!r}")
        parties.add(c.party)
        if c.votes < 0:
            raise ValueError(f"{where}: negative votes for candidate {c.name!r}")


def _check_winner(u: Unit, where: str, abbrs: set[str]) -> None:
    w = u.winner
    assert w is not None
    if w.party not in abbrs:
        raise ValueError(f"{where}: the winner {w.name!r} stands for {w.party!r}, which is not a list of the election")
    if u.candidates and not any(c.party == w.party and c.name == w.name for c in u.candidates):
        raise ValueError(f"{where}: the winner {w.name!r} ({w.party}) is not one of the candidates there")
