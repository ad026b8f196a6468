"""Single-member seats (docs/language.md, 'Single-member seats'): a tier that fills one seat in each
unit of its level, ``elected by plurality`` from the votes there or with the ``winners given`` by
the vote file. Beside a list tier that reads none of its seats it makes a parallel system
(Kazakhstan 2023); the chamber's result is the sum of the tiers, per party and independent."""

from __future__ import annotations

from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.results import TierResult
from hemicycle.numbers import fmt_percent


def fill_single_seat(ctx: Context, magnitude: int) -> TierResult:
    """The one seat of the unit ``ctx.view`` is for, by the tier's ``single_member`` clause. No
    threshold is tested there: no list is marked as having passed one (the 'Passed' column is
    the list tier's)."""
    clause = ctx.tier.single_member
    assert clause is not None and ctx.view.unit is not None
    unit = ctx.view.unit
    if magnitude != 1:
        raise AllocationError(f"{unit.level} {unit.name!r} has {magnitude} seats, but tier {ctx.tier.name!r} fills "
                              "one seat in each (single-member seats)", clause)
    ctx.used(clause, "winners given" if clause.given else "elected by plurality")
    return _given(ctx) if clause.given else _plurality(ctx)


def _candidate(ctx: Context, abbr: str) -> str:
    """The candidate's name and list, for the protocol ('NAME (ABBR)'; the abbr alone for list votes)."""
    unit = ctx.view.unit
    assert unit is not None
    name = next((c.name for c in unit.candidates if c.party == abbr), None)
    return abbr if name is None or name == abbr else f"{name} ({abbr})"


def _plurality(ctx: Context) -> TierResult:
    """The most votes take the seat; equal most votes by the tier's tie chain; no vote: not filled."""
    view = ctx.view
    votes = view.votes
    n = len(votes)
    seats = [0] * n
    top = max(votes, default=0)
    if top > 0:
        tied = [i for i in range(n) if votes[i] == top]
        if len(tied) > 1:
            tied = ctx.tb.favour(tied, 1, "the one seat", f"{top:,} votes")
        k = tied[0]
        seats[k] = 1
        if ctx.rec.on:
            _say_plurality(ctx, k)
    else:
        ctx.rec.say("No candidate has a vote: the seat is not filled", clause=ctx.tier.single_member)
    return TierResult(name=ctx.tier.name, size=1, abbrs=view.names, names=view.labels, votes=votes,
                      passed_flags=[False] * n, admitted_flags=[False] * n, admitted_by=[""] * n,
                      seat_list=seats, vacant=0 if top > 0 else 1, log=ctx.rec.entries)


def _say_plurality(ctx: Context, k: int) -> None:
    votes = ctx.view.votes
    total = sum(votes)
    others = sorted((v for i, v in enumerate(votes) if i != k), reverse=True)
    margin = (f", {votes[k] - others[0]:,} ahead of the runner-up ({others[0]:,})" if others
              else ", the only candidate")
    ctx.rec.say("Elected by plurality: {} with {:,} of {:,} votes ({}){}", _candidate(ctx, ctx.view.names[k]),
                votes[k], total, fmt_percent(votes[k], total), margin, clause=ctx.tier.single_member)


def _given(ctx: Context) -> TierResult:
    """The winner the vote file gives for the unit (an error, naming the unit, when it gives none)."""
    view = ctx.view
    unit = view.unit
    assert unit is not None
    winner = unit.winner
    if winner is None:
        raise AllocationError(f"tier {ctx.tier.name!r} takes the winners the vote file gives, but {unit.level} "
                              f"{unit.name!r} gives no \"winner\"", ctx.tier.single_member)
    ctx.rec.say("Winner given by the vote file: {} ({})", winner.name, winner.party, clause=ctx.tier.single_member)
    if winner.party in view.names:  # the unit's candidates (or lists) are known: the usual columns
        k = view.names.index(winner.party)
        n = len(view.names)
        seats = [int(i == k) for i in range(n)]
        return TierResult(name=ctx.tier.name, size=1, abbrs=view.names, names=view.labels, votes=view.votes,
                          passed_flags=[False] * n, admitted_flags=[False] * n, admitted_by=[""] * n,
                          seat_list=seats, log=ctx.rec.entries)
    lists = view.election.lists
    position = next(i for i, e in enumerate(lists) if e.abbr == winner.party)
    return TierResult(name=ctx.tier.name, size=1, abbrs=[winner.party], names=[lists[position].name], votes=[0],
                      passed_flags=[False], admitted_flags=[False], admitted_by=[""], seat_list=[1],
                      log=ctx.rec.entries, index=[position])
