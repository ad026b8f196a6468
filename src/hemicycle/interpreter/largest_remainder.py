"""Largest remainder methods (docs/language.md, 'allocate largest_remainder quota KIND')."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hemicycle import model as m
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.protocol import Block, Lazy, Step
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.numbers import fmt_int


def quota_value(quota: m.Quota, total_votes: int, seats: int) -> Fraction:
    """The quota of ``docs/language.md`` for ``total_votes`` admitted votes and ``seats`` seats."""
    kind = quota.kind
    if kind is m.QuotaKind.DROOP:
        return Fraction(total_votes // (seats + 1) + 1)
    divisor = {m.QuotaKind.HARE: seats, m.QuotaKind.HAGENBACH_BISCHOFF: seats + 1,
               m.QuotaKind.IMPERIALI: seats + 2}[kind]
    q = Fraction(total_votes, divisor)
    r = quota.rounding
    if r is m.Rounding.DOWN:
        return Fraction(q.numerator // q.denominator)
    if r is m.Rounding.UP:
        return Fraction(-(-q.numerator // q.denominator))
    if r is m.Rounding.NEAREST:
        return Fraction((2 * q.numerator + q.denominator) // (2 * q.denominator))
    return q


def largest_remainder(
    method: m.LargestRemainder, votes: Sequence[int], factors: Sequence[Fraction] | None, pool: list[int],
    seats: int, tb: TieBreaker, names: Sequence[str], explain: bool, *, counted: str = "admitted votes",
) -> MethodOutcome:
    """Seats for the ``pool`` lists (indices into ``votes``): integer parts of ``votes * factor /
    quota``, then the seats left over by largest remainder (or taken back by smallest); with
    ``integer parts only``, no seat left over is given. ``counted``: what ``votes`` are, for the
    protocol."""
    n = len(votes)
    out = [0] * n
    if seats <= 0:  # every seat is outside the distribution (consolation or district seats)
        return MethodOutcome(out)
    total = sum(votes[i] for i in pool)
    quota = quota_value(method.quota, total, seats)
    steps: list[Step] = []
    if quota == 0:
        raise AllocationError(
            f"the {method.quota.kind.value} quota of {fmt_int(total)} votes for {seats} seats "
            "rounds to zero", method,
        )
    quotients, floors, rems, qn = _integer_parts(votes, factors, pool, quota)
    qd = quota.denominator
    for i in pool:
        out[i] = floors[i]
    leftover = seats - sum(floors[i] for i in pool)
    if explain:
        steps.append(Step(
            "Quota ({}{}): {:n} {} for {} seats = {:x}",
            method,
            (method.quota.kind.value,
             "" if method.quota.rounding is m.Rounding.EXACT else f", rounded {method.quota.rounding.value}",
             total, counted, seats, quota),
        ))
        steps.append(Block(_quotient_lines, pool, names, votes, factors, quota, _Columns(votes, qd, qn, quotients,
                                                                                         floors, rems)))
        steps.append(Step("Seats by integer parts: {}; left over: {}", None, (seats - leftover, leftover)))
    if leftover > 0 and method.integer_parts_only:
        if explain:
            steps.append(Step("Integer parts only: the {} seat(s) left over are not given here", method, (leftover,)))
    elif leftover > 0 and pool:
        _give_leftover(leftover, out, pool, rems, qn, tb, names, steps if explain else None)
    elif leftover < 0:
        _take_back(-leftover, out, pool, rems, qn, tb, names, method, steps if explain else None)
    if not explain:
        return MethodOutcome(out, quota, steps=steps)  # type: ignore[arg-type]
    return MethodOutcome(out, quota, steps=steps, columns=_Columns(votes, qd, qn, quotients, floors, rems))  # type: ignore[arg-type]


def _integer_parts(votes: Sequence[int], factors: Sequence[Fraction] | None, pool: list[int], quota: Fraction
                   ) -> tuple[list[Fraction] | None, list[int], list[Fraction] | list[int], int]:
    """Each pool list's quotient (only with corrections), integer part and remainder, and the
    remainders' common denominator: without corrections ``votes / quota = votes * qd / qn``, the
    remainders integers over ``qn``; with them, exact fractions (denominator 1)."""
    n = len(votes)
    floors = [0] * n
    rems: list[Fraction] | list[int] = [0] * n
    qn, qd = quota.numerator, quota.denominator
    if factors is None or all(factors[i] == 1 for i in pool):
        for i in pool:
            f, r = divmod(votes[i] * qd, qn)
            floors[i], rems[i] = f, r  # type: ignore[call-overload]
        return None, floors, rems, qn
    quotients = [Fraction(0)] * n
    for i in pool:
        q = votes[i] * factors[i] / quota
        f = q.numerator // q.denominator
        quotients[i], floors[i], rems[i] = q, f, q - f  # type: ignore[call-overload]
    return quotients, floors, rems, 1


def _give_leftover(leftover: int, out: list[int], pool: list[int], rems: Sequence[Fraction | int], qn: int,
                   tb: TieBreaker, names: Sequence[str], steps: list[Step] | None) -> None:
    """The seats left over after the integer parts: as many rounds of one seat a list as they
    allow, then the rest to the largest remainders (``steps``: the protocol, when explained)."""
    rounds, rest = divmod(leftover, len(pool))
    if rounds:
        for i in pool:
            out[i] += rounds
        if steps is not None:
            steps.append(Step("{} seats left over for {} lists: every admitted list first gets {} more", None,
                              (leftover, len(pool), rounds)))
    winners = by_remainder(pool, rems, qn, rest, tb, largest=True, stage="the remainder seats")
    for i in winners:
        out[i] += 1
    if steps is not None and winners:
        order = sorted(winners, key=lambda i: rems[i], reverse=True)
        steps.append(Step("Remainder seats to the largest remainders: {}", None,
                          (Lazy(_with_remainders, names, order, rems, qn),)))


def _take_back(need: int, out: list[int], pool: list[int], rems: Sequence[Fraction | int], qn: int,
               tb: TieBreaker, names: Sequence[str], method: m.LargestRemainder, steps: list[Step] | None) -> None:
    """When the integer parts exceed the seats (a quota below Hare): one seat back from each of
    the smallest remainders, round after round, until they fit."""
    while need > 0:
        holders = [i for i in pool if out[i] > 0]
        if not holders:
            raise AllocationError("integer parts exceed the seats and no seat can be taken back",
                                  method)
        take = min(need, len(holders))
        losers = by_remainder(holders, rems, qn, take, tb, largest=False,
                              stage="taking back seats from the smallest remainders")
        for i in losers:
            out[i] -= 1
        need -= take
        if steps is not None:
            steps.append(Step("Integer parts exceed the seats: one seat taken back from {}", None,
                              (Lazy(_with_remainders, names, losers, rems, qn),)))


class _Columns:
    """Each list's quotient, integer seats and remainder as exact fractions, made when asked (the
    method itself works on integers over the quota's numerator)."""

    def __init__(self, votes: Sequence[int], qd: int, qn: int, quotients: list[Fraction] | None, floors: list[int],
                 rems: Sequence[Fraction | int]) -> None:
        self.votes, self.qd, self.qn, self._quotients, self.floors, self.rems = votes, qd, qn, quotients, floors, rems

    def quotient(self, i: int) -> Fraction:
        if self._quotients is not None:
            return self._quotients[i]
        return Fraction(self.votes[i] * self.qd, self.qn)

    def remainder(self, i: int) -> Fraction:
        return Fraction(self.rems[i], self.qn)


def _quotient_lines(pool: list[int], names: list[str], votes: list[int], factors: Sequence[Fraction] | None,
                    quota: Fraction, columns: _Columns) -> list[Step]:
    lines = []
    for i in pool:
        corr = "" if factors is None or factors[i] == 1 else f" x {_exact(factors[i])} (correction)"
        lines.append(Step(f"{names[i]}: {fmt_int(votes[i])}{corr} / {_exact(quota)} = "
                          f"{_exact(columns.quotient(i), 6)}: {columns.floors[i]} seats, remainder "
                          f"{_exact(columns.remainder(i), 6)}"))
    return lines


def _with_remainders(names: list[str], order: list[int], rems: Sequence[Fraction | int], qn: int) -> str:
    return ", ".join(f"{names[i]} ({_exact(Fraction(rems[i], qn), 6)})" for i in order)


def _exact(x: Fraction, places: int = 4) -> str:
    from hemicycle.numbers import fmt_exact

    return fmt_exact(x, places)


def by_remainder(
    pool: list[int], rems: Sequence[Fraction | int], scale: int, k: int, tb: TieBreaker, *,
    largest: bool, stage: str,
) -> list[int]:
    """The ``k`` lists with the largest (or smallest) remainders; ties at the cut by the chain.

    Remainders are ``rems[i] / scale`` (integers over a common denominator on the fast path)."""
    if k <= 0:
        return []
    if k >= len(pool):
        return list(pool)
    order = sorted(pool, key=lambda i: rems[i], reverse=largest)
    cut = rems[order[k - 1]]
    if rems[order[k]] != cut:
        return order[:k]
    sure = [i for i in order if (rems[i] > cut if largest else rems[i] < cut)]
    tied = [i for i in order if rems[i] == cut]
    places = k - len(sure)
    if largest:
        picked = tb.favour(tied, places, stage, f"remainder {_exact(Fraction(cut, scale), 6)}")
    else:
        keep = tb.favour(tied, len(tied) - places, stage,
                         f"remainder {_exact(Fraction(cut, scale), 6)}")
        picked = [i for i in tied if i not in keep]
    return sure + picked
