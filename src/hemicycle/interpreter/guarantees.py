"""Guarantees (docs/language.md, 'guarantee'): a selected list with fewer seats than guaranteed
takes them, one at a time, from the list holding the most."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import LimitError
from hemicycle.interpreter.selectors import selects
from hemicycle.interpreter.workload import MAX_WORK
from hemicycle.numbers import fmt_int


def guarantee(ctx: Context, active: list[m.Provision], admitted: list[bool], runner_up: str | None,
              seats: list[int]) -> None:
    """Apply the guarantees of the active blocks to ``seats`` (in place)."""
    entries, names, rec = ctx.view.entries, ctx.view.names, ctx.rec
    n = len(entries)
    moves = 0
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
                while seats[i] < action.seats:
                    moves += 1
                    if moves * n > MAX_WORK:
                        raise LimitError(f"the guarantee moves more than {fmt_int(moves - 1)} seats among "
                                         f"{fmt_int(n)} lists, more work than hemicycle does in one "
                                         f"allocation ({fmt_int(MAX_WORK)} list-steps)", action)
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
