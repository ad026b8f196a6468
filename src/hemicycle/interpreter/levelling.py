"""Levelling: an entitlement computed over a tier's seats, less the seats each list already holds in
a lower tier (docs/language.md, 'levelling against tier', 'overhang').

* ``held_seats``: each list's seats in the levelled tier, summed over its units;
* ``run_levelling``: thresholds and admissions as in any tier, then the entitlement by the tier's
  method, repeated as the overhang policy says (lists excluded, the seats enlarged), and each
  list's seats in the tier = its entitlement less what it holds.

The lists not admitted keep their seats below, which come off the tier's seats first (under
``overhang not seated``: only the lists without list votes, such as independent candidates; an
admitted list's seats beyond its entitlement are then not taken up).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from hemicycle import model as m
from hemicycle.interpreter.admission import active_provisions, admit
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.methods import apply_method
from hemicycle.interpreter.protocol import Lazy
from hemicycle.interpreter.results import TierResult
from hemicycle.interpreter.thresholds import passing
from hemicycle.interpreter.view import View

MAX_ENLARGEMENT = 100_000  # 'overhang enlarged': seats added at most (each round is an allocation)


def held_seats(view: View, seats: dict[str, int]) -> list[int]:
    """Each list of ``view``'s seats in ``seats`` (abbr -> seats), 0 if it holds none."""
    return [seats.get(a, 0) for a in view.names]


def with_held(view: View, held: Sequence[int]) -> View:
    """The view with each entry's ``district_seats`` the seats it holds below, so that a threshold's
    'or district_seats OP N' reads the levelled tier."""
    entries = [dataclasses.replace(e, district_seats=h) for e, h in zip(view.entries, held, strict=True)]
    return View(view.election, entries, view.votes, view.totals, view.unit, list(view.names), view.index,
                list(view.labels))


def _unsupported(tier: m.Tier) -> None:
    clauses: list[tuple[object, str]] = [(tier.alliances, "alliances"), (tier.compensation, "compensate"),
                                         (tier.cap, "cap"), (tier.continuation, "continue after")]
    for node, label in clauses:
        if node is not None:
            assert isinstance(node, m.Node)
            raise AllocationError(f"a levelling tier with '{label}' is not supported", node)
    if tier.consolations:
        raise AllocationError("a levelling tier with consolation seats is not supported", tier.consolations[0])
    for prov in tier.provisions:
        for action in prov.actions:
            if isinstance(action, m.Guarantee | m.Correction):
                raise AllocationError("a levelling tier with guarantees or corrections is not supported", action)


def run_levelling(ctx: Context, held: list[int], floor: list[int] | None = None) -> TierResult:
    """The tier's seats on ``ctx.view`` (the whole election), levelled against ``held`` (each list's
    seats below); ``floor``: the seats each list must get at least, when not ``held``."""
    tier, view, rec = ctx.tier, ctx.view, ctx.rec
    lev = tier.levelling
    assert lev is not None
    _unsupported(tier)
    ctx.used(lev, "levelling")
    policy = tier.overhang_policy.policy if tier.overhang_policy is not None else None
    names, votes = view.names, view.votes
    n = len(votes)
    passed = passing(ctx)
    active = active_provisions(ctx, sum(passed)) if tier.provisions else []
    adm = admit(ctx, active, passed)
    admitted = adm.admitted
    pool = [i for i in range(n) if admitted[i]]
    result = TierResult(name=tier.name, size=ctx.seats, abbrs=names, names=view.labels, votes=votes,
                        passed_flags=passed, admitted_flags=admitted, admitted_by=adm.admitted_by,
                        seat_list=[0] * n, log=rec.entries)
    keeps = [i for i in range(n) if not admitted[i] and held[i]
             and (policy is not m.OverhangPolicy.NOT_SEATED or votes[i] == 0)]
    lost = [i for i in range(n) if not admitted[i] and held[i] and i not in keeps]
    outside = sum(held[i] for i in keeps)
    rec.say("Seats held in tier {!r}: {}", lev.tier, Lazy(_pairs, names, held, range(n)), clause=lev)
    if keeps:
        rec.say("Lists not admitted keep their {} seat(s) there, which come off the {} seats: {}", outside,
                ctx.seats, Lazy(_pairs, names, held, keeps))
    if lost:
        assert tier.overhang_policy is not None
        rec.say("Lists not admitted that have list votes take up none of their seats there: {}",
                Lazy(_pairs, names, held, lost), clause=tier.overhang_policy)
    least = floor if floor is not None else held
    if floor is not None:
        rec.say("Least seats (in each {}, the larger of the seats in tier {!r} and in tier {!r}, summed): {}",
                lev.level, lev.tier, lev.other, Lazy(_pairs, names, floor, pool), clause=lev)
    ctx.used(tier.method, "allocate")
    entitlement, pool, excluded, extra = _rounds(ctx, least, pool, ctx.seats - outside, policy)
    seats = [0] * n
    over = 0
    for i in pool:
        if least[i] > entitlement[i]:
            over += least[i] - entitlement[i]
            if policy is m.OverhangPolicy.KEPT:
                assert tier.overhang_policy is not None
                rec.say("{} holds {} seat(s), more than its entitlement of {}: it keeps them ({} overhang, the "
                        "house grows)", names[i], held[i], entitlement[i], held[i] - entitlement[i],
                        clause=tier.overhang_policy)
            elif policy is m.OverhangPolicy.NOT_SEATED:
                assert tier.overhang_policy is not None
                rec.say("{} holds {} seat(s), more than its entitlement of {}: {} of them are not taken up",
                        names[i], held[i], entitlement[i], held[i] - entitlement[i], clause=tier.overhang_policy)
        seats[i] = max(0, entitlement[i] - held[i])
    if policy is m.OverhangPolicy.KEPT:
        result.overhang = over
        if over:
            ctx.notes.append(f"{ctx.label}: {over} overhang seat(s) enlarge the chamber")
    elif policy is m.OverhangPolicy.NOT_SEATED:
        result.overhang = -over  # seats held below that are not taken up
    result.size = sum(seats)
    if extra:
        rec.say("The tier's seats were enlarged by {} to {}", extra, ctx.seats + extra, clause=tier.overhang_policy)
    result.entitlement = {names[i]: entitlement[i] for i in pool}
    result.excluded = tuple(names[i] for i in excluded)
    result.seat_list = seats
    if rec.on:
        rec.say("Seats of this tier (entitlement less seats held): {}", Lazy(_pairs, names, seats, pool))
    return result


def _rounds(ctx: Context, held: list[int], pool: list[int], seats: int,
            policy: m.OverhangPolicy | None) -> tuple[list[int], list[int], list[int], int]:
    """The entitlement, repeated as the overhang policy says: (entitlement, the lists it is for,
    the lists excluded, the seats added)."""
    tier, rec, names = ctx.tier, ctx.rec, ctx.view.names
    excluded: list[int] = []
    extra = 0
    round_no = 0
    while True:
        round_no += 1
        now = seats - sum(held[i] for i in excluded) + extra
        if now < 0:
            raise AllocationError(f"the seats held by the excluded lists exceed the {seats} seats", tier.levelling)
        if rec.on:
            rec.say("Round {}: {} seat(s) among {}", round_no, now, Lazy(_names, names, pool))
        outcome = apply_method(tier.method, ctx.view.votes, None, pool, now, ctx.tb, names, rec.on)
        if rec.on:
            rec.entries.extend(outcome.steps)
            rec.say("Entitlement: {}", Lazy(_pairs, names, outcome.seats, pool))
        over = [i for i in pool if held[i] > outcome.seats[i]]
        if not over or policy in (None, m.OverhangPolicy.KEPT, m.OverhangPolicy.NOT_SEATED):
            if over and policy is None:
                i = over[0]
                raise AllocationError(
                    f"{names[i]} holds {held[i]} seats in tier {tier.levelling.tier!r}, more than its entitlement "  # type: ignore[union-attr]
                    f"of {outcome.seats[i]}, and the rules do not say what happens to overhang "
                    "(add 'overhang kept', 'overhang excluded', 'overhang enlarged' or 'overhang not seated ...')",
                    tier.levelling)
            return outcome.seats, pool, excluded, extra
        clause = tier.overhang_policy
        if policy is m.OverhangPolicy.ENLARGED:
            extra += 1
            if extra > MAX_ENLARGEMENT:
                raise AllocationError(f"the seats were enlarged by {MAX_ENLARGEMENT} and some list still holds "
                                      "more than its entitlement", clause)
            if rec.on:
                rec.say("{} hold(s) more seats than the entitlement: the seats grow to {}",
                        ", ".join(f"{names[i]} ({held[i]} > {outcome.seats[i]})" for i in over), now + 1,
                        clause=clause)
            continue
        if policy is m.OverhangPolicy.EXCLUDED_ONE and len(over) > 1:
            worst = max(held[i] - outcome.seats[i] for i in over)
            tied = [i for i in over if held[i] - outcome.seats[i] == worst]
            over = ctx.tb.favour(tied, 1, "excluding the list furthest over its entitlement", f"{worst} seat(s) over")
        for i in over:
            rec.say("{} holds {} seat(s), more than its entitlement of {}: it is excluded with its seats and the "
                    "calculation is repeated", names[i], held[i], outcome.seats[i], clause=clause)
        excluded.extend(over)
        pool = [i for i in pool if i not in over]


def _names(names: list[str], pool: list[int]) -> str:
    return ", ".join(names[i] for i in pool) or "none"


def _pairs(names: list[str], values: Sequence[int], which: Sequence[int] | range) -> str:
    return ", ".join(f"{names[i]} {values[i]}" for i in which if values[i]) or "none"
