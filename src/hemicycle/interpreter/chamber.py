"""The whole chamber: the magnitudes of each declared level, every tier in order (nationally, in
each unit of a level, or on another tier's unfilled seats and remainders), the appointed seats."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from hemicycle import clause_data
from hemicycle import model as m
from hemicycle.election import Election
from hemicycle.interpreter.biproportional import allocate_biproportional
from hemicycle.interpreter.context import Applied, Context
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.levelling import run_levelling, with_held
from hemicycle.interpreter.levels import Ledger, allocate_in_units, place, remainder_view
from hemicycle.interpreter.magnitudes import level_magnitudes
from hemicycle.interpreter.placing import place_by_quotients
from hemicycle.interpreter.protocol import Recorder
from hemicycle.interpreter.results import AllocationResult, LevelResult, Tie, TierResult, UnitResult
from hemicycle.interpreter.tier import run_tier
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View
from hemicycle.interpreter.workload import check_limits


def allocate(chamber: m.Chamber, election: Election, *, explain: bool = True) -> AllocationResult:
    """Allocate every tier of ``chamber`` for ``election``; appointed seats are added as given."""
    check_limits(chamber, election)
    ties: list[Tie] = []
    notes: list[str] = [*election.notes, *clause_data.notes(chamber, election)]
    applied = Applied()
    ledger = Ledger(election)
    levels: list[LevelResult] = []
    for level in chamber.levels:
        result = level_magnitudes(level, election, ties, notes, explain)
        ledger.magnitudes[level.name] = result.magnitudes
        levels.append(result)
        applied.add(level, "districts")
    tiers = [_tier(t, ledger, ties, notes, applied, explain) for t in chamber.tiers]
    seats = {e.abbr: 0 for e in election.lists}
    for t, spec in zip(tiers, chamber.tiers, strict=True):
        if spec.calculation is not None:  # figures for other tiers, not seats of the house
            applied.add(spec.calculation, "calculation only")
            continue
        for abbr, n in zip(t.abbrs, t.seat_list, strict=True):
            seats[abbr] += n
    total = sum(seats.values())
    if not chamber.tiers:  # an apportionment: the units' seats are the result
        total = sum(levels[0].magnitudes.values()) if levels else 0
    appointed: dict[str, int] = {}
    appointed_names: dict[str, str] = {}
    for a in chamber.appointed:
        if a.key in seats:
            raise AllocationError(
                f"the vote file has a list {a.key!r}, which is also the key of appointed seats", a
            )
        appointed[a.key] = appointed.get(a.key, 0) + a.seats
        appointed_names[a.key] = a.by
        applied.labels.append(f"appointed ({a.where})")
    seats.update(appointed)
    total += sum(appointed.values())
    if election.units and not chamber.levels and not any(t.in_units for t in chamber.tiers) and not any(
            th.regional for t in chamber.tiers for th in t.thresholds):
        notes.append(f"the vote file's {len(election.units)} districts are not used by these rules: the seats are "
                     "allocated on the national figures (each list's votes summed over the districts)")
    return AllocationResult(
        chamber=chamber.name, seats=seats, total=total, tiers=tiers,
        appointed=appointed, ties=ties, clauses_applied=applied.labels, notes=notes, election=election,
        appointed_names=appointed_names, levels=levels,
        units_of=lambda: _units(ledger, [t for t, s in zip(tiers, chamber.tiers, strict=True) if s.calculation is None],
                                levels),
    )


def _tier(tier: m.Tier, ledger: Ledger, ties: list[Tie], notes: list[str], applied: Applied,
          explain: bool) -> TierResult:
    """One tier: in each unit of its level, or once on the whole election (its seats and votes
    possibly another tier's), its seats then placed into units if the rules say so."""
    ledger.forget()
    election = _district_seats_of(tier, ledger)
    if tier.lower is not None:
        result = allocate_biproportional(tier, ledger, ties, notes, applied, explain)
    elif tier.level is not None:
        result = allocate_in_units(tier, ledger, ties, notes, applied, explain, election)
    else:
        rec = Recorder(explain)
        seats = tier.seats
        if tier.seats_from is not None:
            seats = ledger.unfilled(tier.seats_from.tier)
            applied.add(tier.seats_from, "seats unfilled")
            rec.say("Seats: the {} seat(s) tier {!r} left unfilled", seats, tier.seats_from.tier,
                    clause=tier.seats_from)
        if tier.votes_from is not None:
            view = remainder_view(tier, ledger, rec)
            applied.add(tier.votes_from, "votes remainders")
        else:
            view = View.national(election)
        held: list[int] | None = None
        floor: list[int] | None = None
        if tier.levelling is not None:
            held = [ledger.national(tier.levelling.tier).get(a, 0) for a in view.names]
            view = with_held(view, held)
            if tier.levelling.other is not None:
                floor = _floor(tier.levelling, ledger, view.names)
        ctx = Context(tier=tier, view=view, seats=seats, notes=notes, applied=applied, rec=rec,
                      tb=TieBreaker(tier, view.entries, ties, view.votes))
        if tier.continuation is not None:
            national = ledger.national(tier.continuation.tier)
            ctx.held = [national.get(a, 0) for a in view.names]
        if held is not None:
            result = run_levelling(ctx, held, floor)
        elif seats > 0:
            result = run_tier(ctx)
        else:
            rec.say("No seats to allocate")
            result = _empty(ctx)
        if tier.placement is not None:
            applied.add(tier.placement, "place")
            place(tier, result, ledger, ties, explain)
        if tier.level_placements:
            for p in tier.level_placements:
                applied.add(p, "place by quotients")
            held_national = ledger.national(tier.continuation.tier) if tier.continuation is not None else {}
            lower = ledger.results[tier.levelling.tier] if tier.levelling is not None else None
            place_by_quotients(tier, result, ledger.election, ledger.seats_in, held_national, ties, explain, lower)
    ledger.results[tier.name] = result
    if tier.calculation is not None:
        ledger.calculations.add(tier.name)
    ledger.forget()
    return result


def _district_seats_of(tier: m.Tier, ledger: Ledger) -> Election:
    """The election as the tier's thresholds see it: with 'or district_seats ... of tier "X"',
    every list's district seats are the seats tier X gave it (summed over its units)."""
    named = next((th.district_tier for th in tier.thresholds if th.district_tier is not None), None)
    if named is None:
        return ledger.election
    held = ledger.national(named)
    lists = tuple(dataclasses.replace(e, district_seats=held.get(e.abbr, 0)) for e in ledger.election.lists)
    return dataclasses.replace(ledger.election, lists=lists)


def _floor(lev: m.Levelling, ledger: Ledger, names: list[str]) -> list[int]:
    """Each list's least seats: over the units of the levelling's level, the larger of its seats in the
    two tiers there, summed."""
    assert lev.other is not None and lev.level is not None
    out = dict.fromkeys(names, 0)
    for u in ledger.election.units_of(lev.level):
        a, b = ledger.seats_in(lev.level, u.name, lev.tier), ledger.seats_in(lev.level, u.name, lev.other)
        for abbr in set(a) | set(b):
            if abbr in out:
                out[abbr] += max(a.get(abbr, 0), b.get(abbr, 0))
    return [out[a] for a in names]


def _empty(ctx: Context) -> TierResult:
    n = len(ctx.view.entries)
    return TierResult(name=ctx.tier.name, size=0, abbrs=ctx.view.names, names=[e.name for e in ctx.view.entries],
                      votes=ctx.view.votes, passed_flags=[False] * n, admitted_flags=[False] * n,
                      admitted_by=[""] * n, seat_list=[0] * n, log=ctx.rec.entries)


def _units(ledger: Ledger, tiers: list[TierResult], levels: list[LevelResult]) -> list[UnitResult]:
    """The seats in each unit of every level the rules declare or allocate in (a unit's seats: those
    of every tier in it and in the units below it)."""
    election = ledger.election
    tree = election.tree
    names = [lv.name for lv in levels]
    for t in tiers:
        if t.level is not None and t.level not in names:
            names.append(t.level)
    parts: dict[tuple[str, str], list[TierResult]] = {}
    sums: dict[tuple[str, str], dict[str, int]] = {}
    for t in tiers:
        for p in t.parts:
            if p.level is None or p.district is None:
                continue
            parts.setdefault((p.level, p.district), []).append(p)
            here = tree.unit(p.level, p.district)
            keys = [(p.level, p.district)] + ([(a.level, a.name) for a in tree.ancestors(here)] if here else [])
            for key in keys:
                seats = sums.setdefault(key, {})
                for abbr, n in zip(p.abbrs, p.seat_list, strict=True):
                    seats[abbr] = seats.get(abbr, 0) + n
    for level, _ in sums:  # the levels above the units where tiers allocate (a region above its constituencies)
        if level not in names:
            names.append(level)
    out: list[UnitResult] = []
    for level in names:
        magnitudes = ledger.magnitudes.get(level, {})
        for u in election.units_of(level):
            key = (level, u.name)
            out.append(UnitResult(name=u.name, level=level, magnitude=magnitudes.get(u.name, u.seats),
                                  seats=sums.get(key, {}), tiers=parts.get(key, [])))
    return out


def seats_only(chamber: m.Chamber, election: Election) -> dict[str, int]:
    """Seats without the protocol (faster)."""
    return allocate(chamber, election, explain=False).seats


Allocator = Callable[[m.Chamber, Election], AllocationResult]
