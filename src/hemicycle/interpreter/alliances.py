"""Alliances (docs/language.md, 'alliances'): admitted lists joined by the vote file take part in
the method as one, and their seats are split among them."""

from __future__ import annotations

from fractions import Fraction

from hemicycle import model as m
from hemicycle.election import ListEntry
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.methods import apply_method
from hemicycle.interpreter.protocol import Step
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View


def alliance_groups(alliances: m.Alliances, view: View) -> list[list[int]]:
    """The vote file's alliances, as indices of the view's lists."""
    index = {e.abbr: i for i, e in enumerate(view.entries)}
    if alliances.source is m.AllianceSource.AGREEMENTS:
        return [[index[a] for a in group if a in index] for group in view.election.agreements]
    named: dict[str, list[int]] = {}
    for i, e in enumerate(view.entries):
        if e.combination is not None:
            named.setdefault(e.combination, []).append(i)
    return list(named.values())


def allocate_alliances(ctx: Context, alliances: m.Alliances, pool: list[int], factors: list[Fraction] | None,
                       seats_total: int, seats: list[int]) -> tuple[tuple[str, ...], ...]:
    """The method among units (alliances of admitted lists, and the other admitted lists), then
    each alliance's seats split among its lists. Writes ``seats``; returns the alliances formed."""
    tier, view, rec = ctx.tier, ctx.view, ctx.rec
    entries, votes = view.entries, view.votes
    names = view.names
    in_pool = set(pool)
    units: list[list[int]] = []
    joined: set[int] = set()
    for group in alliance_groups(alliances, view):
        members = [i for i in group if i in in_pool]
        label = " + ".join(names[i] for i in group)
        if len(members) >= 2:
            units.append(members)
            joined.update(members)
            if rec.on:
                void = [names[i] for i in group if i not in in_pool]
                rec.say("Alliance " + " + ".join(names[i] for i in members) + " takes part as one list"
                        + (f" ({', '.join(void)} not admitted)" if void else ""), clause=alliances)
        else:
            rec.say("Alliance " + label + " is void: fewer than two of its lists are admitted", clause=alliances)
    units += [[i] for i in pool if i not in joined]
    units.sort(key=min)
    unit_entries = []
    for u in units:
        orders = [entries[i].ballot_order for i in u]
        unit_entries.append(ListEntry(
            abbr="+".join(names[i] for i in u), votes=sum(votes[i] for i in u),
            registration_order=min(entries[i].registration_order for i in u),
            ballot_order=None if None in orders else min(o for o in orders if o is not None),
        ))
    unit_votes = [e.votes for e in unit_entries]
    factor = factors or [Fraction(1)] * len(votes)
    unit_factors = [
        (sum(votes[i] * factor[i] for i in u) / total) if (total := sum(votes[i] for i in u)) else Fraction(1)
        for u in units
    ]
    unit_tb = TieBreaker(tier, unit_entries, ctx.tb.record)
    unit_names = [e.abbr for e in unit_entries]
    outcome = apply_method(tier.method, unit_votes, unit_factors, list(range(len(units))), seats_total,
                           unit_tb, unit_names, ctx.explain)
    if rec.on:
        rec.entries.extend(outcome.steps)
    for k, u in enumerate(units):
        got = outcome.seats[k]
        if len(u) == 1:
            seats[u[0]] = got
            continue
        if got == 0:
            continue
        if rec.on:
            rec.entries.append(Step("Alliance " + unit_names[k] + f": its {got} seat(s) are split among its lists",
                                    alliances))
        split = apply_method(alliances.split, votes, factors, u, got, ctx.tb, names, ctx.explain)
        if rec.on:
            rec.entries.extend(split.steps)
        for i in u:
            seats[i] = split.seats[i]
    return tuple(tuple(names[i] for i in u) for u in units if len(u) > 1)
