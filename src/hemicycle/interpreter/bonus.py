"""A majority bonus (docs/language.md, 'Majority bonus'): the seats the first list gets before the
method shares out the rest. ``majority_bonus`` reads the admitted lists and the base figure and
returns the leader and its bonus seats; the pipeline takes them off the method's seats and adds
them to the leader afterwards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from hemicycle import model as m
from hemicycle.election import ListEntry
from hemicycle.interpreter.alliances import alliance_groups
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import MissingFigure
from hemicycle.interpreter.figures import base_of
from hemicycle.interpreter.methods import apply_method
from hemicycle.interpreter.protocol import Step
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View
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


# --- a bonus to the first coalition ('bonus ... to first coalition') ------------------------------

Distribute = Callable[[list[int], int], list[int]]  # (pool, seats) -> seats per list, by the tier's method


def coalition_shares(ctx: Context, pool: list[int], factors: Sequence[Fraction] | None, seats: int,
                     distribute: Distribute) -> list[int]:
    """The seats of a tier whose bonus goes to the first coalition: the alliances of the tier (each
    of at least two admitted lists; a list alone is a coalition of one) ranked by their votes, the
    first one's bonus (fixed, or a top-up to at least N seats), its seats split among its lists by
    the alliances' method and the other seats shared out by the tier's method among the others."""
    bonus, alliances = ctx.tier.bonus, ctx.tier.alliances
    assert bonus is not None and alliances is not None
    ctx.used(bonus, "bonus")
    view, rec = ctx.view, ctx.rec
    votes, names = view.votes, view.names
    groups = _coalitions(alliances, pool, view)
    live = [g for g in groups if sum(votes[i] for i in g) > 0]
    if not live:
        rec.say("Bonus: no admitted list has a vote; no bonus", clause=bonus)
        return distribute(pool, seats)
    first = _first(ctx, live)
    label = " + ".join(names[i] for i in first)
    total = sum(votes[i] for i in first)
    figure = _figure(ctx, bonus)
    got = min(bonus_seats(bonus, total, figure), seats)
    _say_coalition(ctx, bonus, label, total, figure, got)
    if not got:
        return distribute(pool, seats)
    others = [i for i in pool if i not in first]
    if bonus.top_up:
        method = distribute(pool, seats)
        have = sum(method[i] for i in first)
        if have >= got:
            rec.say("Bonus: {} has {} seat(s) by the method, at least {}: no bonus", label, have, got, clause=bonus)
            return method
        rec.say("Bonus: {} has {} seat(s) by the method, fewer than {}: it gets {} ({} bonus seat(s)); the other "
                "lists share the other {} seat(s) by the method", label, have, got, got, got - have, seats - got,
                clause=bonus)
        out = distribute(others, seats - got) if others and seats > got else [0] * len(votes)
        ours = got
    else:
        rec.say("Seats for the distribution: {} - {} (bonus) = {}", seats, got, seats - got)
        out = distribute(pool, seats - got) if seats > got else [0] * len(votes)
        ours = sum(out[i] for i in first) + got
        rec.say("Bonus: {} has {} seat(s) by the method and {} bonus seat(s): {} in all", label, ours - got, got,
                ours, clause=bonus)
    split = _split(ctx, alliances, factors, first, ours)
    for i in first:
        out[i] = split[i]
    return out


def _coalitions(alliances: m.Alliances, pool: list[int], view: View) -> list[list[int]]:
    in_pool = set(pool)
    groups = [[i for i in g if i in in_pool] for g in alliance_groups(alliances, view)]
    groups = [g for g in groups if len(g) >= 2]
    joined = {i for g in groups for i in g}
    return sorted(groups + [[i] for i in pool if i not in joined], key=min)


def _first(ctx: Context, groups: list[list[int]]) -> list[int]:
    """The coalition with the most votes; equal votes by the tier's ties, applied to the coalitions
    as one list each (the registration order of their first list)."""
    votes, entries = ctx.view.votes, ctx.view.entries
    sums = [sum(votes[i] for i in g) for g in groups]
    top = max(sums)
    tied = [k for k, s in enumerate(sums) if s == top]
    if len(tied) == 1:
        return groups[tied[0]]
    units = [ListEntry(abbr="+".join(ctx.view.names[i] for i in g), votes=sums[k],
                       registration_order=min(entries[i].registration_order for i in g))
             for k, g in enumerate(groups)]
    tb = TieBreaker(ctx.tier, units, ctx.tb.record, sums)
    return groups[tb.favour(tied, 1, "the first coalition for the bonus", f"{top:,} votes")[0]]


def _figure(ctx: Context, bonus: m.Bonus) -> int | None:
    if bonus.base is None:
        return None
    try:
        return base_of(bonus.base, ctx.view, bonus, ctx.notes)
    except MissingFigure as e:
        raise MissingFigure(f"{ctx.label}: the bonus depends on the first coalition's share of {bonus.base.value}, "
                            f"which the vote file does not give: {e.message}", bonus) from None


def _say_coalition(ctx: Context, bonus: m.Bonus, label: str, votes: int, figure: int | None, got: int) -> None:
    rec = ctx.rec
    if not rec.on:
        return
    what = f"at least {got} seat(s) in all" if bonus.top_up else f"{got} bonus seat(s)"
    if figure is None:
        rec.say("Bonus: the first coalition, {}, with {:,} votes: {}", label, votes, what, clause=bonus)
    elif got:
        rec.say("Bonus: the first coalition, {}, has {} of {} ({:,} of {:,}), at least {}: {}", label,
                fmt_percent(votes, figure), bonus.base.value, votes, figure,  # type: ignore[union-attr]
                fmt_share(bonus.share), what, clause=bonus)  # type: ignore[arg-type]
    else:
        rec.say("Bonus: the first coalition, {}, has {} of {} ({:,} of {:,}), below {}: no bonus", label,
                fmt_percent(votes, figure), bonus.base.value, votes, figure,  # type: ignore[union-attr]
                fmt_share(bonus.share), clause=bonus)  # type: ignore[arg-type]


def _split(ctx: Context, alliances: m.Alliances, factors: Sequence[Fraction] | None, members: list[int],
           seats: int) -> list[int]:
    """The coalition's ``seats`` split among its lists by the alliances' method."""
    n = len(ctx.view.votes)
    if len(members) == 1:
        out = [0] * n
        out[members[0]] = seats
        return out
    if ctx.rec.on:
        ctx.rec.entries.append(Step("Coalition " + " + ".join(ctx.view.names[i] for i in members)
                                    + f": its {seats} seat(s) are split among its lists", alliances))
    split = apply_method(alliances.split, ctx.view.votes, factors, members, seats, ctx.tb, ctx.view.names,
                         ctx.explain)
    if ctx.rec.on:
        ctx.rec.entries.extend(split.steps)
    return list(split.seats)
