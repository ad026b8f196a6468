"""Consolation seats (docs/language.md, 'consolation'): lists not admitted whose votes fall in a
band of the base get seats outside the distribution."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.figures import base_of


def consolation(ctx: Context, c: m.Consolation, admitted: list[bool], outside: list[int]) -> None:
    """Give ``c.seats`` to each list not admitted (and not yet consoled) in the band; writes ``outside``."""
    view, rec = ctx.view, ctx.rec
    figure = base_of(c.base, view, c, ctx.notes)
    low, high = c.low * figure, c.high * figure
    rec.say("Consolation: lists not admitted with at least {:s} and less than {:s} of {} ({:x2} to {:x2} votes) "
            "get {} seat(s)", c.low, c.high, c.base.value, low, high, c.seats, clause=c)
    for i, e in enumerate(view.entries):
        v = view.votes[i]
        if not admitted[i] and outside[i] == 0 and v > 0 and low <= v < high:
            outside[i] = c.seats
            rec.say("{}: {:n} votes = {:p}: {} consolation seat(s)", e.abbr, v, (v, figure), c.seats, clause=c)
