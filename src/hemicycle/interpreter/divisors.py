"""Divisor methods (docs/language.md, 'allocate METHOD'): the protocol's glue to
``hemicycle.highest_averages``, which awards the seats."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import isqrt

from hemicycle import model as m
from hemicycle.highest_averages import Key, highest_averages
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.protocol import Step
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.workload import EXPLAIN_EVERY_SEAT


def divisor_method(
    method: m.Divisor, votes: Sequence[int], factors: Sequence[Fraction] | None, pool: list[int], seats: int,
    tb: TieBreaker, names: Sequence[str], explain: bool,
) -> MethodOutcome:
    """Seats for the ``pool`` lists (indices into ``votes``), one at a time to the highest
    ``votes * factor / d(seats held)``."""
    n = len(votes)
    out = [0] * n
    weights: Sequence[Fraction | int] = votes if factors is None else [votes[i] * factors[i] for i in range(n)]
    eligible = [i for i in pool if votes[i] > 0]
    steps: list[Step] = []

    def shown(best: Key) -> str:
        return "∞" if best[0] else _exact(_root_display(method, best[1]), 4)

    def favour(tied: list[int], places: int, best: Key) -> list[int]:
        value = "a zero divisor" if best[0] else f"quotient {shown(best)}"
        return tb.favour(tied, places, f"the last {places} seat(s) by {method.kind.value}", value)

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
            f"Seats 1 to {run.jumped:,}: every quotient above {_exact(run.bound, 4)} "
            "(the seats below are given one by one): "
            + ", ".join(f"{names[i]} {run.seats[i] - later.get(i, 0)}" for i in sorted(run.seats)),
            method,
        ))
    for awarded, (i, best) in enumerate(run.order, run.jumped + 1):
        steps.append(Step(f"Seat {awarded}: {names[i]} (quotient {shown(best)})"))
    if run.left > 0:
        raise AllocationError(
            f"{run.left} seat(s) cannot be given: every list has used up the divisor sequence",
            method,
        )
    return MethodOutcome(out, steps=steps)  # type: ignore[arg-type]


def _exact(x: Fraction, places: int) -> str:
    from hemicycle.numbers import fmt_exact

    return fmt_exact(x, places)


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
