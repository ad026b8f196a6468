"""Divisor methods (docs/language.md, 'allocate METHOD'): seats one at a time to the highest
``votes * factor / d(seats held)``, lists tied at the highest quotient all in the same round unless
fewer seats are left (a tie).

Large houses go to ``hemicycle.highest_averages`` (jump start, heap): the rounds it gives after
the jump are listed one by one. Small ones (a district: a few lists, a few dozen seats, whole
votes, a divisor sequence linear from some seat on) go round by round here, in integers, with
the same rounds and the same ties (``tests/test_districts.py`` compares the two): the protocol
records each seat as (list, seats held) and writes its quotient only when read.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from math import isqrt

from hemicycle import model as m
from hemicycle.highest_averages import Key, LinearDivisors, highest_averages, seat_rounds
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.protocol import Block, Lazy, Step
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.workload import EXPLAIN_EVERY_SEAT
from hemicycle.numbers import fmt_exact

SMALL_SEATS = 400  # round by round here up to this many seats
SMALL_LISTS = 32  # ... and this many lists with votes

# LinearDivisors.of(method) (``linear_of``), by the method object (held, so that its id is not reused); a tier
# allocated in 52 districts asks 52 times for the same method.
_LINEAR: dict[int, tuple[m.Divisor, LinearDivisors | None]] = {}


def linear_of(method: m.Divisor) -> LinearDivisors | None:
    found = _LINEAR.get(id(method))
    if found is not None and found[0] is method:
        return found[1]
    if len(_LINEAR) > 256:
        _LINEAR.clear()
    lin = LinearDivisors.of(method)
    _LINEAR[id(method)] = (method, lin)
    return lin


def divisor_method(
    method: m.Divisor, votes: Sequence[int], factors: Sequence[Fraction] | None, pool: list[int], seats: int,
    tb: TieBreaker, names: Sequence[str], explain: bool,
) -> MethodOutcome:
    """Seats for the ``pool`` lists (indices into ``votes``), one at a time to the highest
    ``votes * factor / d(seats held)``."""
    eligible = [i for i in pool if votes[i] > 0]
    lin = linear_of(method) if factors is None else None
    if lin is not None and seats <= SMALL_SEATS and len(eligible) <= SMALL_LISTS:
        return divisor_rounds(method, lin, votes, eligible, seats, tb, names, explain)
    return _highest_averages(method, votes, factors, eligible, seats, _Favour(method, tb), names, explain)


class _Favour:
    """The tie breaker's choice at a cut of the method, with the quotient said as the protocol says it."""

    def __init__(self, method: m.Divisor, tb: TieBreaker) -> None:
        self.method, self.tb = method, tb

    def shown(self, best: Key) -> str:
        return "∞" if best[0] else fmt_exact(_root_display(self.method, best[1]), 4)

    def __call__(self, tied: list[int], places: int, best: Key) -> list[int]:
        value = "a zero divisor" if best[0] else f"quotient {self.shown(best)}"
        return self.tb.favour(tied, places, f"the last {places} seat(s) by {self.method.kind.value}", value)


def divisor_rounds(method: m.Divisor, lin: LinearDivisors, votes: Sequence[int], eligible: list[int], seats: int,
                   tb: TieBreaker, names: Sequence[str], explain: bool) -> MethodOutcome:
    """The seats round by round (``highest_averages.seat_rounds``; ``divisor_method`` takes this
    way for a linear sequence, up to ``SMALL_SEATS`` seats and ``SMALL_LISTS`` lists, each of
    ``eligible`` with votes); a tie the rounds cannot give to every list tied goes to the tier's
    chain (``_Favour``). The protocol records the winner of each seat (its place in ``eligible``)."""
    got, start, order = pool_rounds(method, lin, votes, eligible, seats, tb, explain)
    out = [0] * len(votes)
    for i, g in zip(eligible, got, strict=True):
        out[i] = g
    steps = [Block(seat_lines, lin, votes, eligible, start, order, names)] if explain and seats else []
    return MethodOutcome(out, steps=steps)  # type: ignore[arg-type]


def pool_rounds(method: m.Divisor, lin: LinearDivisors, votes: Sequence[int], eligible: list[int], seats: int,
                tb: TieBreaker, explain: bool) -> tuple[list[int], list[int] | None, list[int] | None]:
    """``divisor_rounds``' step without its outcome: each ``eligible`` list's seats (in that
    order) and, when explained, the protocol's record (``seat_lines``: the seats at the rounds'
    start, the winner of each later seat)."""
    if not eligible:  # no list with a vote: cannot happen for callers, which check the votes
        raise AllocationError(f"{seats} seat(s) cannot be given: no list has a vote", method)
    order: list[int] | None = [] if explain else None
    start: list[int] | None = [] if explain else None
    got = seat_rounds(lin, votes, eligible, seats, partial(_tied, method, lin, tb, eligible), order, start)
    return got, start, order


def _tied(method: m.Divisor, lin: LinearDivisors, tb: TieBreaker, eligible: list[int], positions: list[int],
          places: int, w: int, d: int) -> list[int]:
    """The tier's chain on the lists tied at the quotient ``w / d`` (positions in ``eligible``)."""
    key: Key = (1, Fraction(0)) if d == 0 else (0, Fraction((w * lin.D) ** 2, d * d))
    chosen = _Favour(method, tb)([eligible[j] for j in positions], places, key)
    at = {eligible[j]: j for j in positions}
    return [at[i] for i in chosen]


def seat_lines(lin: LinearDivisors, votes: Sequence[int], eligible: list[int], start: list[int], order: list[int],
                names: Sequence[str]) -> list[Step]:
    """'Seat k: LIST (quotient q)' for each seat: first the seats of the rounds' start (the
    highest quotients, in order; equal ones in the lists' order, as a round gives them), then
    the winners of the later rounds in order (a list held its earlier seats)."""
    first = sorted(((Fraction(votes[i] * lin.D, lin.at(s)), j) for j, i in enumerate(eligible)
                    for s in range(start[j])), key=lambda q: (-q[0], q[1]))
    held = list(start)
    seats = [(j, q) for q, j in first]
    for j in order:
        d = lin.at(held[j])
        held[j] += 1
        seats.append((j, None if d == 0 else Fraction(votes[eligible[j]] * lin.D, d)))
    return [Step(f"Seat {awarded}: {names[eligible[j]]} (quotient {'∞' if q is None else fmt_exact(q, 4)})")
            for awarded, (j, q) in enumerate(seats, 1)]


def _highest_averages(method: m.Divisor, votes: Sequence[int], factors: Sequence[Fraction] | None,
                      eligible: list[int], seats: int, favour: _Favour, names: Sequence[str],
                      explain: bool) -> MethodOutcome:
    n = len(votes)
    out = [0] * n
    weights: Sequence[Fraction | int] = votes if factors is None else [votes[i] * factors[i] for i in range(n)]
    steps: list[Step] = []
    # Seat by seat in the protocol up to EXPLAIN_EVERY_SEAT seats; beyond, the jump start of
    # hemicycle.highest_averages (same seats, same ties) and a summary of the seats it gave.
    every_seat = explain and seats <= EXPLAIN_EVERY_SEAT
    run = highest_averages(method, weights, eligible, seats, favour, record=explain, jump=not every_seat)
    for i, c in run.seats.items():
        out[i] = c
    if explain and run.jumped:
        assert run.bound is not None
        later: dict[int, int] = {}
        for i, _ in run.order:
            later[i] = later.get(i, 0) + 1
        steps.append(Step(
            f"Seats 1 to {run.jumped:,}: every quotient above {fmt_exact(run.bound, 4)} "
            "(the seats below are given one by one): "
            + ", ".join(f"{names[i]} {run.seats[i] - later.get(i, 0)}" for i in sorted(run.seats)),
            method,
        ))
    for awarded, (i, best) in enumerate(run.order, run.jumped + 1):
        steps.append(Step("Seat {}: {} (quotient {})", None, (awarded, names[i], Lazy(favour.shown, best))))
    if run.left > 0:
        raise AllocationError(
            f"{run.left} seat(s) cannot be given: every list has used up the divisor sequence",
            method,
        )
    return MethodOutcome(out, steps=steps)  # type: ignore[arg-type]


def _root_display(method: m.Divisor, squared_priority: Fraction) -> Fraction:
    """The quotient to show: exact for rational divisors; for Huntington-Hill, the squared value."""
    if method.kind is m.DivisorKind.HUNTINGTON_HILL:
        return squared_priority  # shown squared: sqrt is not exact
    num, den = squared_priority.numerator, squared_priority.denominator
    rn, rd = _isqrt_exact(num), _isqrt_exact(den)
    if rn is not None and rd is not None:
        return Fraction(rn, rd)
    return squared_priority


def _isqrt_exact(x: int) -> int | None:
    r = isqrt(x)
    return r if r * r == x else None
