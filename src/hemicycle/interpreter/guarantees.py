"""Guarantees (docs/language.md, 'guarantee'): a selected list with fewer seats than guaranteed
takes them, one at a time, from the list holding the most."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.selectors import selects
from hemicycle.interpreter.workload import check_guarantee_work


def guarantee(ctx: Context, active: list[m.Provision], admitted: list[bool], runner_up: str | None,
              seats: list[int]) -> None:
    """Apply the guarantees of the active blocks to ``seats`` (in place)."""
    entries, names, rec = ctx.view.entries, ctx.view.names, ctx.rec
    n = len(entries)
    moves, held = 0, sum(seats)  # moves keep the sum
    for prov in active:
        for action in prov.actions:
            if not isinstance(action, m.Guarantee):
                continue
            for i, e in enumerate(entries):
                if not (admitted[i] and selects(action.who, e, runner_up)):
                    continue
                ctx.used(action, "guarantee")
                if seats[i] >= action.seats:
                    rec.say("Guarantee: {} already has {} >= {} seats", e.abbr, seats[i], action.seats, clause=action)
                    continue
                moves += max(0, min(action.seats, held) - seats[i])  # until no other list holds one
                check_guarantee_work(moves, n, action)
                while seats[i] < action.seats:
                    donors = [j for j in range(n) if j != i and seats[j] > 0]
                    if not donors:
                        rec.say("Guarantee: no other list holds a seat; {} stays at {}", e.abbr, seats[i],
                                clause=action)
                        break
                    most = max(seats[j] for j in donors)
                    tied = [j for j in donors if seats[j] == most]
                    if len(tied) > 1:
                        keep = ctx.tb.favour(tied, len(tied) - 1, "taking a guaranteed seat from the largest list",
                                             f"{most} seats")
                        tied = [j for j in tied if j not in keep]
                    donor = tied[0]
                    seats[donor] -= 1
                    seats[i] += 1
                    rec.say("Guarantee: one seat moves from {} to {} (now {} and {})", names[donor], e.abbr,
                            seats[donor], seats[i], clause=action)
