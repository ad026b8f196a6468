"""A majority bonus (docs/language.md, 'Majority bonus'): the seats the first list gets before the
method shares out the rest. ``majority_bonus`` reads the admitted lists and the base figure and
returns the leader and its bonus seats; the pipeline takes them off the method's seats and adds
them to the leader afterwards."""

from __future__ import annotations

from fractions import Fraction

from hemicycle import model as m
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import MissingFigure
from hemicycle.interpreter.figures import base_of
from hemicycle.numbers import fmt_percent, fmt_share


def bonus_seats(bonus: m.Bonus, votes: int, figure: int | None) -> int:
    """The bonus for a leader with ``votes`` of a base of ``figure`` (None: no share condition)."""
    if bonus.share is None:
        return bonus.seats if bonus.cap is None else min(bonus.seats, bonus.cap)
    assert figure is not None
    need = bonus.share * figure
    if votes < need or (not bonus.inclusive and votes == need):
        return 0
    seats = bonus.seats
    if bonus.step is not None and figure > 0:
        steps = (Fraction(votes, figure) - bonus.share) // bonus.step  # whole steps of share above the start
        seats += bonus.step_seats * int(steps)
    return seats if bonus.cap is None else min(seats, bonus.cap)


def majority_bonus(ctx: Context, bonus: m.Bonus, pool: list[int], seats: int) -> tuple[int | None, int]:
    """The leader among the ``pool`` lists (most votes; the tier's ties otherwise) and its bonus,
    at most the ``seats`` the method would share out. A base the vote file lacks stops the
    allocation with the figure named."""
    ctx.used(bonus, "bonus")
    view, rec = ctx.view, ctx.rec
    votes = view.votes
    live = [i for i in pool if votes[i] > 0]
    if not live:
        rec.say("Bonus: no admitted list has a vote; no bonus", clause=bonus)
        return None, 0
    top = max(votes[i] for i in live)
    tied = [i for i in live if votes[i] == top]
    leader = tied[0] if len(tied) == 1 else ctx.tb.favour(tied, 1, "the first list for the bonus",
                                                          f"{top:,} votes")[0]
    figure = None
    if bonus.base is not None:
        try:
            figure = base_of(bonus.base, view, bonus, ctx.notes)
        except MissingFigure as e:
            raise MissingFigure(f"{ctx.label}: the bonus depends on the first list's share of {bonus.base.value}, "
                                f"which the vote file does not give: {e.message}", bonus) from None
    got = min(bonus_seats(bonus, votes[leader], figure), seats)
    if bonus.top_up:
        _say_top_up(ctx, bonus, view.names[leader], votes[leader], figure, got)
        return leader, got
    if rec.on:
        name = view.names[leader]
        if figure is None:
            rec.say("Bonus: {} seat(s) to the first list, {}", got, name, clause=bonus)
        else:
            assert bonus.share is not None
            step = (f", {bonus.step_seats} more per {fmt_share(bonus.step)} above it" if bonus.step is not None
                    else "")
            cap = f", at most {bonus.cap}" if bonus.cap is not None else ""
            rec.say("Bonus: the first list, {}, has {} of {} ({:,} of {:,}); {} seat(s) from {}{}{}: {} seat(s)", name,
                    fmt_percent(votes[leader], figure), bonus.base.value, votes[leader], figure,  # type: ignore[union-attr]
                    bonus.seats, fmt_share(bonus.share), step, cap, got, clause=bonus)
    return leader, got


def _say_top_up(ctx: Context, bonus: m.Bonus, name: str, votes: int, figure: int | None, seats: int) -> None:
    rec = ctx.rec
    if not rec.on:
        return
    if figure is None:
        rec.say("Bonus: the first list, {}, is to have at least {} seat(s)", name, seats, clause=bonus)
    elif seats:
        rec.say("Bonus: the first list, {}, has {} of {} ({:,} of {:,}), at least {}: it is to have at least "
                "{} seat(s)", name, fmt_percent(votes, figure), bonus.base.value, votes, figure,  # type: ignore[union-attr]
                fmt_share(bonus.share), seats, clause=bonus)  # type: ignore[arg-type]
    else:
        rec.say("Bonus: the first list, {}, has {} of {} ({:,} of {:,}), below {}: no bonus", name,
                fmt_percent(votes, figure), bonus.base.value, votes, figure,  # type: ignore[union-attr]
                fmt_share(bonus.share), clause=bonus)  # type: ignore[arg-type]


def top_up(ctx: Context, leader: int, floor: int, first: list[int]) -> bool:
    """Whether the first list, given ``first`` by the method, must be topped up to ``floor`` seats
    (said in the protocol either way)."""
    name, got = ctx.view.names[leader], first[leader]
    if got >= floor:
        ctx.rec.say("Bonus: {} has {} seat(s) by the method, at least {}: no bonus", name, got, floor,
                    clause=ctx.tier.bonus)
        return False
    others = sum(first) - got
    ctx.rec.say("Bonus: {} has {} seat(s) by the method, fewer than {}: it gets {} ({} bonus seat(s)); the other "
                "lists share the other {} seat(s) by the method", name, got, floor, floor, floor - got,
                others + got - floor, clause=ctx.tier.bonus)
    return True
