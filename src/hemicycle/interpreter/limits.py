"""The method under caps and list sizes (docs/language.md, 'cap', 'surplus'): a list over its
limit is set to it and the method runs again for the others; vacant surplus seats stay empty."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hemicycle import model as m
from hemicycle.election import Election
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.methods import apply_method
from hemicycle.interpreter.outcome import MethodOutcome


@dataclass(slots=True)
class Distribution:
    seats: list[int]
    vacant: int
    first: MethodOutcome | None  # the method's first run (its quota and quotients for the protocol)


def has_list_sizes(election: Election) -> bool:
    """Does some list of the election give its number of candidates? (Once per election.)"""
    found = election.derived.get("sized")
    if found is None:
        found = election.derived["sized"] = any(e.list_size is not None for e in election.lists)
    return bool(found)


def list_limits(tier: m.Tier, ctx: Context) -> dict[int, int]:
    """Each list's most seats: the tier's cap, and its list size when surplus seats are redistributed."""
    limits: dict[int, int] = {}
    redistribute = tier.surplus is None or tier.surplus.policy is m.SurplusPolicy.REDISTRIBUTED
    if tier.cap is None and not (redistribute and has_list_sizes(ctx.view.election)):
        return limits
    for i, e in enumerate(ctx.view.entries):
        lim = []
        if tier.cap is not None:
            lim.append(tier.cap.seats)
        if e.list_size is not None and redistribute:
            lim.append(e.list_size)
        if lim:
            limits[i] = min(lim)
    return limits


def distribute(ctx: Context, pool: list[int], factors: list[Fraction] | None, method_seats: int,
               limits: dict[int, int]) -> Distribution:
    """``method_seats`` seats among ``pool`` by the tier's method, within ``limits``."""
    tier, view, rec = ctx.tier, ctx.view, ctx.rec
    names = view.names
    n = len(view.votes)
    seats = [0] * n
    fixed: dict[int, int] = {}
    remaining = method_seats
    first: MethodOutcome | None = None
    vacant = 0
    while True:
        live = [i for i in pool if i not in fixed]
        outcome = apply_method(tier.method, view.votes, factors, live, remaining, ctx.tb, names, ctx.explain)
        if first is None:
            first = outcome
        if rec.on:
            rec.entries.extend(outcome.steps)
        over = [i for i in live if i in limits and outcome.seats[i] > limits[i]]
        for i in live:
            seats[i] = outcome.seats[i]
        if not over:
            break
        for i in over:
            fixed[i] = limits[i]
            seats[i] = limits[i]
            clause: m.Node | None = tier.cap if tier.cap is not None and limits[i] == tier.cap.seats else tier.surplus
            if clause is not None:
                ctx.used(clause, "cap" if clause is tier.cap else "surplus")
            rec.say("{} would get {} seats but may hold at most {}; the method runs again for the others",
                    names[i], outcome.seats[i], limits[i], clause=clause)
        remaining = method_seats - sum(fixed.values())
        if not [i for i in pool if i not in fixed]:
            vacant = remaining
            rec.say("Every admitted list is full: {} seat(s) stay vacant", remaining)
            break
        if remaining <= 0:
            break
    if tier.surplus is not None and tier.surplus.policy is m.SurplusPolicy.VACANT:
        for i, e in enumerate(view.entries):
            if e.list_size is not None and seats[i] > e.list_size:
                lost = seats[i] - e.list_size
                seats[i] = e.list_size
                vacant += lost
                ctx.used(tier.surplus, "surplus")
                rec.say("{} has only {} candidates: {} seat(s) stay vacant", e.abbr, e.list_size, lost,
                        clause=tier.surplus)
    return Distribution(seats, vacant, first)
