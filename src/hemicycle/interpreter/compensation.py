"""Mixed-member compensation (docs/language.md, 'compensate district_seats overhang added'): the
district seats of lists not admitted come off the house; admitted lists keep district seats beyond
their entitlement (overhang)."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import MissingFigure


def set_aside(ctx: Context, comp: m.Compensation, admitted: list[bool], outside: list[int]) -> list[int]:
    """Each list's district seats; those of lists not admitted are added to ``outside``."""
    view = ctx.view
    ctx.used(comp, "compensate")
    district = [0] * len(view.entries)
    for i, e in enumerate(view.entries):
        if e.district_seats is None:
            raise MissingFigure(f"mixed-member compensation needs the district seats of every list; "
                                f"the vote file gives none for {e.abbr}", comp)
        district[i] = e.district_seats
        if not admitted[i]:
            outside[i] += e.district_seats
    deducted = sum(district[i] for i in range(len(district)) if not admitted[i])
    ctx.rec.say("District seats won: {}; by lists not admitted: {}, which come off the {} seats",
                sum(district), deducted, ctx.seats, clause=comp)
    return district


def overhang(ctx: Context, comp: m.Compensation, pool: list[int], district: list[int], seats: list[int]) -> int:
    """Admitted lists keep district seats beyond their entitlement; the overhang seats."""
    names = ctx.view.names
    extra = 0
    for i in pool:
        if district[i] > seats[i]:
            extra += district[i] - seats[i]
            ctx.rec.say("{} won {} district seats, more than its entitlement of {}: it keeps them ({} overhang)",
                        names[i], district[i], seats[i], district[i] - seats[i], clause=comp)
            seats[i] = district[i]
    if extra:
        ctx.notes.append(f"{ctx.label}: {extra} overhang seat(s) enlarge the chamber")
    return extra
