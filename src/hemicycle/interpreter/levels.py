"""Tiers and units: a tier allocated in each unit of a level, and the values one tier reads from
another (docs/language.md, 'Tiers in units' and 'Cross-tier references').

* ``allocate_in_units``: the tier in every unit, on that unit's view of the election and with its
  magnitude: by the level-wide steps (``unit_steps``) when the tier is of their shape, else the
  whole pipeline unit by unit; tests made nationally or across a level are made once.
* ``Ledger``: what every tier gave, in the whole election and in each unit; "the seats of tier T
  in unit u, summed below u" (``seats_in``), the seats a tier left unfilled, its remainders.
* ``remainder_view``: a tier whose votes are another tier's remainders.
* ``place``: a tier's seats placed into units by another tier's remainders there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import compress

from hemicycle import model as m
from hemicycle.election import Election
from hemicycle.interpreter.context import Applied, Context
from hemicycle.interpreter.errors import AllocationError, TieError
from hemicycle.interpreter.parallel import fill_single_seat
from hemicycle.interpreter.protocol import Recorder, Step
from hemicycle.interpreter.results import Tie, TierResult
from hemicycle.interpreter.thresholds import Across
from hemicycle.interpreter.tier import run_tier
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.unit_steps import allocate_units
from hemicycle.interpreter.view import View, level_views
from hemicycle.numbers import fmt_exact


@dataclass
class Ledger:
    """Every tier's result so far, by name, and the magnitudes of each level's units."""

    election: Election
    magnitudes: dict[str, dict[str, int]] = field(default_factory=dict)  # level -> unit -> seats
    results: dict[str, TierResult] = field(default_factory=dict)
    # placed seats: (level, unit) -> abbr -> seats given there by tiers placed into units
    placed: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    _sums: dict[str, dict[tuple[str, str], dict[str, int]]] = field(default_factory=dict, repr=False)
    calculations: set[str] = field(default_factory=set)  # tiers whose seats are not seats of the house

    def parts(self, tier: str) -> list[TierResult]:
        return self.results[tier].parts

    def seats_in(self, level: str, unit: str, tier: str | None = None) -> dict[str, int]:
        """Every list's seats in ``unit`` of ``level`` and in the units below it, from tier ``tier``
        (every tier so far when None)."""
        key = tier or ""
        table = self._sums.get(key)
        if table is None:
            table = self._sums[key] = self._sums_below(tier)
        return dict(table.get((level, unit), {}))

    def _sums_below(self, tier: str | None) -> dict[tuple[str, str], dict[str, int]]:
        """(level, unit) -> abbr -> seats of ``tier`` (every tier when None) there and below, made once."""
        tree = self.election.tree
        out: dict[tuple[str, str], dict[str, int]] = {}
        results = self.results.values() if tier is None else [self.results[tier]]
        for result in results:
            if tier is None and result.name in self.calculations:
                continue
            for part in result.parts:
                if part.level is None or part.district is None:
                    continue
                here = tree.unit(part.level, part.district)
                if here is None:
                    continue
                keys = [(here.level, here.name)] + [(a.level, a.name) for a in tree.ancestors(here)]
                for abbr, n in zip(part.abbrs, part.seat_list, strict=True):
                    if n:
                        for k in keys:
                            sums = out.setdefault(k, {})
                            sums[abbr] = sums.get(abbr, 0) + n
        return out

    def forget(self) -> None:
        """Drop the sums made by ``seats_in`` (a tier has given or changed seats)."""
        self._sums.clear()

    def national(self, tier: str) -> dict[str, int]:
        """Every list's seats in tier ``tier``, summed over its units."""
        return self.results[tier].seats

    def unfilled(self, tier: str) -> int:
        """The seats tier ``tier`` did not fill, summed over its units."""
        result = self.results[tier]
        if result.parts:
            return sum(max(0, p.size - sum(p.seat_list)) for p in result.parts)
        return max(0, result.size - sum(result.seat_list))

    def room(self, level: str, unit: str) -> int:
        """The seats of ``unit`` not yet given by any tier."""
        given = sum(self.seats_in(level, unit).values())
        return self.magnitudes[level][unit] - given


# --- a tier in each unit ------------------------------------------------------------------------


def allocate_in_units(tier: m.Tier, ledger: Ledger, ties: list[Tie], notes: list[str], applied: Applied,
                      explain: bool, election: Election | None = None) -> TierResult:
    """The tier in each unit of its level; the result's columns are the national sums, its parts
    the result in each unit. ``election``: the election as the tier sees it (default: the ledger's)."""
    assert tier.level is not None
    election = election if election is not None else ledger.election
    magnitudes = ledger.magnitudes[tier.level]
    rec = Recorder(explain)
    across = Across(tier.seats, election, notes, rec)
    views = level_views(election, tier.level)
    parts: list[TierResult] = []
    # one context for the tier, moved from unit to unit (the draw of lots goes on from unit to unit)
    ctx = Context(tier=tier, view=View.national(election), seats=0, notes=notes, applied=applied, rec=rec,
                  tb=TieBreaker(tier, (), ties, ()), across=across)
    fast = (allocate_units(ctx, views, magnitudes, explain, _in_unit)
            if tier.continuation is None and tier.single_member is None else None)
    if fast is not None:  # its parts and national sums
        return fast
    for view in views:
        assert view.unit is not None
        seats = magnitudes[view.unit.name]
        if tier.continuation is not None:
            here = ledger.seats_in(tier.level, view.unit.name, tier.continuation.tier)
            ctx.held = [here.get(a, 0) for a in view.names]
        part = _in_unit(ctx, view, seats)
        part.level, part.district = tier.level, view.unit.name
        part.index = part.index or view.index
        parts.append(part)
    return _summary(tier, election, parts, rec, tier.level)


def _in_unit(ctx: Context, view: View, seats: int) -> TierResult:
    """The tier's pipeline in one unit (``view``, ``seats``: its magnitude)."""
    assert view.unit is not None
    ctx.view, ctx.seats, ctx.rec, ctx.exempted = view, seats, Recorder(ctx.rec.on), frozenset()
    ctx.tb.rebind(view.entries, view.votes, view.unit.name)
    if ctx.tier.single_member is not None:
        return fill_single_seat(ctx, seats)
    if seats == 1 and _plain(ctx.tier):
        return _single_seat(ctx)
    return run_tier(ctx) if seats > 0 else _no_seats(ctx)


def _plain(tier: m.Tier) -> bool:
    """A tier whose one seat in a unit simply goes to the most votes: a divisor method (the same
    first divisor for every list), and nothing else that could change who takes part."""
    method = tier.method
    return (isinstance(method, m.Divisor) and method.kind not in (m.DivisorKind.ADAMS, m.DivisorKind.HUNTINGTON_HILL)
            and (method.kind is not m.DivisorKind.SEQUENCE or (bool(method.sequence) and method.sequence[0] > 0))
            and not tier.thresholds and not tier.provisions and not tier.consolations and tier.alliances is None
            and tier.compensation is None and tier.cap is None and tier.exempt is None and tier.continuation is None
            and not tier.uses_levels)


def _single_seat(ctx: Context) -> TierResult:
    """One seat: the list (candidate) with the most votes; equal most votes by the tier's tie chain."""
    view = ctx.view
    votes = view.votes
    n = len(votes)
    seats = [0] * n
    top = max(votes, default=0)
    ctx.used(ctx.tier.method, "allocate")
    if top > 0:
        tied = [i for i in range(n) if votes[i] == top]
        if len(tied) > 1:
            tied = ctx.tb.favour(tied, 1, "the one seat", f"{top:,} votes")
        seats[tied[0]] = 1
        ctx.rec.say("One seat: {} with the most votes ({:n})", view.names[tied[0]], top)
    else:
        ctx.rec.say("No list has a vote: the seat is not filled")
    return TierResult(name=ctx.tier.name, size=1, abbrs=view.names, names=view.labels, votes=votes,
                      passed_flags=[True] * n, admitted_flags=[True] * n, admitted_by=["threshold"] * n,
                      seat_list=seats, vacant=0 if top > 0 else 1, log=ctx.rec.entries)


def _no_seats(ctx: Context) -> TierResult:
    n = len(ctx.view.entries)
    ctx.rec.say("No seats to allocate here")
    return TierResult(name=ctx.tier.name, size=0, abbrs=ctx.view.names, names=[e.name for e in ctx.view.entries],
                      votes=ctx.view.votes, passed_flags=[False] * n, admitted_flags=[False] * n,
                      admitted_by=[""] * n, seat_list=[0] * n, log=ctx.rec.entries)


def _summary(tier: m.Tier, election: Election, parts: list[TierResult], rec: Recorder, level: str) -> TierResult:
    """The national sums of a tier's parts (a list passed or was admitted if it was in some unit)."""
    entries = election.lists
    n = len(entries)
    seats = [0] * n
    passed = [False] * n
    admitted = [False] * n
    by = [""] * n
    for part in parts:  # only the lists that won, passed or were admitted there (compress: in C)
        index, got = part.index, part.seat_list
        for i, k in compress(zip(index, got, strict=True), got):
            seats[i] += k
        for i in compress(index, part.passed_flags):
            passed[i] = True
        for i, why in compress(zip(index, part.admitted_by, strict=True), part.admitted_flags):
            admitted[i] = True
            by[i] = by[i] or why
    size = sum(p.size for p in parts)
    return TierResult(name=tier.name, size=size, abbrs=[e.abbr for e in entries], names=[e.name for e in entries],
                      votes=[e.votes for e in entries], passed_flags=passed, admitted_flags=admitted,
                      admitted_by=by, seat_list=seats, vacant=sum(p.vacant for p in parts), log=rec.entries,
                      level=level, parts=parts)


# --- values read from another tier ------------------------------------------------------------------


def remainders(part: TierResult, where: m.Node) -> dict[str, Fraction]:
    """Each admitted list's remainder in one unit of an 'integer parts only' tier: its votes less
    its seats times the unit's quota."""
    if part.quota is None:
        return {}
    q = part.quota
    return {a: part.votes[k] - part.seat_list[k] * q for k, a in enumerate(part.abbrs) if part.admitted_flags[k]}


def remainder_view(tier: m.Tier, ledger: Ledger, rec: Recorder) -> View:
    """The election with each list's votes the sum of its remainders in ``tier.votes_from``'s units
    (0 for a list admitted in none of them, which so takes no part)."""
    assert tier.votes_from is not None
    election = ledger.election
    sums: dict[str, Fraction] = {}
    for part in ledger.parts(tier.votes_from.tier) or [ledger.results[tier.votes_from.tier]]:
        for abbr, r in remainders(part, tier.votes_from).items():
            sums[abbr] = sums.get(abbr, Fraction(0)) + r
    votes = []
    for e in election.lists:
        r = sums.get(e.abbr, Fraction(0))
        if r.denominator != 1:
            raise AllocationError(f"the remainders of {e.abbr} in tier {tier.votes_from.tier!r} are not whole votes "
                                  f"({fmt_exact(r)})", tier.votes_from)
        votes.append(int(r))
    rec.say("Votes: the remainders of tier {!r}: {}", tier.votes_from.tier,
            ", ".join(f"{e.abbr} {v:,}" for e, v in zip(election.lists, votes, strict=True) if e.abbr in sums),
            clause=tier.votes_from)
    return View(election, election.lists, votes, election.totals)


# --- placing a tier's seats into units ----------------------------------------------------------------


def place(tier: m.Tier, result: TierResult, ledger: Ledger, ties: list[Tie], explain: bool) -> None:
    """Place each list's seats of ``result`` into the units of ``tier.placement.level`` by its
    remainders in ``tier.placement.tier`` there: all (list, unit) pairs, largest remainder first,
    one seat per pair while the list has seats to place and the unit has seats not yet given.
    Writes ``result.parts``; seats that cannot be placed stop the allocation."""
    placement = tier.placement
    assert placement is not None
    election = ledger.election
    level = placement.level
    need = {a: n for a, n in zip(result.abbrs, result.seat_list, strict=True) if n > 0}
    rec = Recorder(explain)
    units = election.units_of(level)
    sources = {p.district: p for p in ledger.parts(placement.tier)}
    room = {u.name: ledger.room(level, u.name) for u in units}
    pairs: list[tuple[Fraction, str, str]] = []
    for u in units:
        part = sources.get(u.name)
        if part is None:
            continue
        for abbr, r in remainders(part, placement).items():
            if abbr in need:
                pairs.append((r, abbr, u.name))
    pairs.sort(key=lambda p: -p[0])
    placed: dict[str, dict[str, int]] = {u.name: {} for u in units}
    lines: list[Step] = []
    k = 0
    while k < len(pairs) and need:
        j = k
        while j < len(pairs) and pairs[j][0] == pairs[k][0]:
            j += 1
        group = [p for p in pairs[k:j] if p[1] in need and room[p[2]] > 0]
        for r, abbr, unit in _settle(group, need, room, tier, election, ties):
            placed[unit][abbr] = placed[unit].get(abbr, 0) + 1
            room[unit] -= 1
            need[abbr] -= 1
            if need[abbr] == 0:
                del need[abbr]
            if explain:
                lines.append(Step(f"{abbr}: a seat in {unit} (remainder {fmt_exact(r, 6)})"))
        k = j
    if need:
        abbr, n = next(iter(need.items()))
        raise AllocationError(f"{n} seat(s) of {abbr} in tier {tier.name!r} cannot be placed: no unit of level "
                              f"{level!r} where it has a remainder has seats left", placement)
    rec.say("Seats placed into the units by the remainders of tier {!r}", placement.tier, clause=placement)
    rec.entries.extend(lines)
    result.log.extend(rec.entries)
    result.level = level
    views = {v.unit.name: v for v in level_views(election, level)}  # type: ignore[union-attr]
    for u in units:
        view = views[u.name]
        got = placed[u.name]
        n = len(view.entries)
        seats = [got.get(a, 0) for a in view.names]
        part_log: list[Step] = [Step(f"{a}: {s} seat(s) placed here") for a, s in zip(view.names, seats, strict=True)
                                if s] if explain else []
        passed, admitted = set(result.passed), set(result.admitted)
        result.parts.append(TierResult(
            name=tier.name, size=sum(seats), abbrs=view.names, names=[e.name for e in view.entries], votes=view.votes,
            passed_flags=[a in passed for a in view.names], admitted_flags=[a in admitted for a in view.names],
            admitted_by=[""] * n, seat_list=seats, log=list(part_log), level=level, district=u.name))


def _settle(group: list[tuple[Fraction, str, str]], need: dict[str, int], room: dict[str, int], tier: m.Tier,
            election: Election, ties: list[Tie]) -> list[tuple[Fraction, str, str]]:
    """The pairs of one remainder that get a seat: all of them when every list and unit can take
    them; otherwise the tier's tie chain decides among the lists (a list tied with itself in two
    units cannot be decided)."""
    by_list: dict[str, int] = {}
    by_unit: dict[str, int] = {}
    for _, abbr, unit in group:
        by_list[abbr] = by_list.get(abbr, 0) + 1
        by_unit[unit] = by_unit.get(unit, 0) + 1
    if all(need[a] >= c for a, c in by_list.items()) and all(room[u] >= c for u, c in by_unit.items()):
        return group
    if any(c > 1 for c in by_list.values()):
        lists = sorted(by_list)
        raise TieError(f"tier {tier.name!r}: {', '.join(lists)} have equal remainders in several units and "
                       "not all can get a seat; the rules do not say where to place it", lists, tier.placement)
    entries = [e for e in election.lists if e.abbr in by_list]
    tb = TieBreaker(tier, entries, ties)
    places = min(sum(need[a] for a in by_list), min(room[u] for u in by_unit))
    chosen = tb.favour(list(range(len(entries))), places, "placing seats by remainder", f"remainder {group[0][0]}")
    keep = {entries[i].abbr for i in chosen}
    return [p for p in group if p[1] in keep]
