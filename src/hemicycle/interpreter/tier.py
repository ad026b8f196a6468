"""One tier's allocation on one view of the election: the pipeline of docs/language.md ('The
allocation pipeline'), each step a function of ``hemicycle.interpreter``'s step modules."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.election import Election
from hemicycle.interpreter.admission import active_provisions, admit, corrections
from hemicycle.interpreter.alliances import allocate_alliances
from hemicycle.interpreter.bonus import coalition_shares, majority_bonus, top_up
from hemicycle.interpreter.compensation import overhang, set_aside
from hemicycle.interpreter.consolation import consolation
from hemicycle.interpreter.context import Applied, Context
from hemicycle.interpreter.continuation import continued
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.guarantees import guarantee
from hemicycle.interpreter.limits import Distribution, distribute, list_limits
from hemicycle.interpreter.methods import apply_method
from hemicycle.interpreter.protocol import Lazy, Recorder
from hemicycle.interpreter.results import Tie, TierResult
from hemicycle.interpreter.thresholds import passing
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View


def run_tier(ctx: Context) -> TierResult:
    """The tier's seats on ``ctx.view``: thresholds, admissions, seats outside the distribution,
    the method within limits, guarantees, overhang."""
    tier, view, rec = ctx.tier, ctx.view, ctx.rec
    names = view.names
    n = len(view.votes)
    passed = passing(ctx)
    active = active_provisions(ctx, sum(passed)) if tier.provisions else []
    adm = admit(ctx, active, passed)
    admitted = adm.admitted
    runner = names[adm.runner_up] if adm.runner_up is not None else None
    factors = corrections(ctx, active, admitted, runner) if active else None
    pool = [i for i in range(n) if admitted[i]]
    if rec.on:
        say_admitted(rec, names, pool)
    result = TierResult(
        name=tier.name, size=ctx.seats, abbrs=names, names=view.labels, votes=view.votes,
        passed_flags=passed, admitted_flags=admitted, admitted_by=adm.admitted_by, seat_list=[0] * n,
        factors=factors, runner_up=runner, log=rec.entries,
    )
    outside = [0] * n  # consolation seats and district seats outside the distribution
    for c in tier.consolations:
        ctx.used(c, "consolation")
        consolation(ctx, c, admitted, outside)
    district = set_aside(ctx, tier.compensation, admitted, outside) if tier.compensation is not None else None
    set_aside_seats = sum(outside) if district is not None or tier.consolations else 0
    method_seats = ctx.seats - set_aside_seats
    if method_seats < 0:
        raise AllocationError(f"the seats outside the distribution ({set_aside_seats}) exceed the tier's "
                              f"{ctx.seats} seats", tier)
    if method_seats != ctx.seats:
        rec.say("Seats for the distribution: {} - {} = {}", ctx.seats, set_aside_seats, method_seats)
    votes = view.votes
    if not any(votes[i] for i in pool):
        rec.say("No admitted list has a vote: no seats are allocated in this tier")
        ctx.notes.append(f"{ctx.label}: no admitted list has a vote; no seats allocated")
        result.vacant = method_seats
        result.seat_list = outside
        return result
    seats = _shares(ctx, result, pool, factors, method_seats)
    if active:
        guarantee(ctx, active, admitted, runner, seats)
    if tier.compensation is not None:
        assert district is not None
        result.overhang = overhang(ctx, tier.compensation, pool, district, seats)
    if set_aside_seats:
        for i in range(n):
            seats[i] += outside[i]
    result.seat_list = seats
    if rec.on:
        say_seats(rec, names, seats, result.vacant, result.overhang)
    return result


def say_admitted(rec: Recorder, names: list[str], pool: list[int]) -> None:
    rec.say("Admitted to the distribution: {}", Lazy(_names_of, names, pool))


def say_seats(rec: Recorder, names: list[str], seats: list[int], vacant: int, overhang: int) -> None:
    rec.say("Seats: {}", Lazy(_seats_text, names, seats, vacant, overhang))


def _shares(ctx: Context, result: TierResult, pool: list[int], factors: list | None,  # type: ignore[type-arg]
            method_seats: int) -> list[int]:
    """The method's seats with the tier's bonus: seats taken off the method's for the first list
    and added to it after, or (a top-up) the first list raised to its floor and the other lists
    given the rest."""
    tier, n = ctx.tier, len(ctx.view.votes)
    if tier.bonus is not None and tier.bonus.coalition:
        ctx.used(tier.method, "allocate")
        return coalition_shares(ctx, pool, factors, method_seats,
                                lambda p, s: _distribute(ctx, result, p, factors, s) if s > 0 else [0] * n)
    leader, bonus = majority_bonus(ctx, tier.bonus, pool, method_seats) if tier.bonus is not None else (None, 0)
    if leader is not None and bonus and tier.bonus is not None and tier.bonus.top_up:
        ctx.used(tier.method, "allocate")
        first = _distribute(ctx, result, pool, factors, method_seats)
        if not top_up(ctx, leader, bonus, first):
            return first
        limit = list_limits(tier, ctx).get(leader)
        if limit is not None and limit < bonus:
            raise AllocationError(f"the first list, {ctx.view.names[leader]}, is to have at least {bonus} seats, "
                                  f"but it can take only {limit}", tier.bonus)
        others = [i for i in pool if i != leader]
        rest = method_seats - bonus
        seats = _distribute(ctx, result, others, factors, rest) if rest > 0 and others else [0] * n
        seats[leader] += bonus
        return seats
    if bonus:
        method_seats -= bonus
        ctx.rec.say("Seats for the distribution: {} - {} (bonus) = {}", method_seats + bonus, bonus, method_seats)
    ctx.used(tier.method, "allocate")
    seats = _distribute(ctx, result, pool, factors, method_seats) if method_seats > 0 else [0] * n
    if leader is not None and bonus:
        seats[leader] += bonus
    return seats


def _names_of(names: list[str], pool: list[int]) -> str:
    return ", ".join(names[i] for i in pool) or "none"


def _seats_text(names: list[str], seats: list[int], vacant: int, overhang: int) -> str:
    return (", ".join(f"{names[i]} {seats[i]}" for i in range(len(names)))
            + (f"; vacant {vacant}" if vacant else "") + (f"; overhang {overhang}" if overhang else ""))


def _distribute(ctx: Context, result: TierResult, pool: list[int], factors: list | None,  # type: ignore[type-arg]
                method_seats: int) -> list[int]:
    """The method (or the alliances' units) within caps and list sizes; the protocol's figures."""
    tier = ctx.tier
    n = len(ctx.view.votes)
    if ctx.held is not None:
        assert tier.continuation is not None
        ctx.used(tier.continuation, "continue after")
        outcome = continued(tier.method, ctx.view.votes, ctx.held, [e.list_size for e in ctx.view.entries], pool,
                            method_seats, ctx.tb, ctx.view.names, ctx.rec.on, tier.continuation)
        if ctx.rec.on:
            ctx.rec.entries.extend(outcome.steps)
        result.vacant = method_seats - sum(outcome.seats)
        return outcome.seats
    limits = list_limits(tier, ctx)
    if tier.alliances is not None:
        ctx.used(tier.alliances, "alliances")
        if limits and any(i in limits for i in pool):
            raise AllocationError("alliances together with a cap or list sizes are not supported",
                                  tier.alliances)
        seats = [0] * n
        result.units = allocate_alliances(ctx, tier.alliances, pool, factors, method_seats, seats)
        return seats
    if limits or (tier.surplus is not None and tier.surplus.policy is m.SurplusPolicy.VACANT):
        dist = distribute(ctx, pool, factors, method_seats, limits)
    else:  # no limit can bind: the method once
        outcome = apply_method(tier.method, ctx.view.votes, factors, pool, method_seats, ctx.tb, ctx.view.names,
                               ctx.rec.on)
        if ctx.rec.on:
            ctx.rec.entries.extend(outcome.steps)
        dist = Distribution(outcome.seats, 0, outcome)
    first = dist.first
    result.vacant = dist.vacant
    if isinstance(tier.method, m.LargestRemainder) and tier.method.integer_parts_only:
        result.vacant = method_seats - sum(dist.seats)  # the seats left over, for another tier
    if first is not None:
        result.quota = first.quota
        if first.columns is not None:
            result.columns = (first.columns, pool)
    return dist.seats


def allocate_tier(
    tier: m.Tier, election: Election, ties: list[Tie], notes: list[str], applied: list[str],
    *, explain: bool = True,
) -> TierResult:
    """Allocate one tier on the whole election (``ties``, ``notes`` and ``applied`` are added to)."""
    view = View.national(election)
    ctx = Context(tier=tier, view=view, seats=tier.seats, notes=notes, applied=Applied(applied),
                  rec=Recorder(explain), tb=TieBreaker(tier, view.entries, ties, view.votes))
    return run_tier(ctx)
