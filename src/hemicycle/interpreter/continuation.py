"""A divisor method continued from seats already held (docs/language.md, 'continue after tier'):
a list holding k seats of another tier in the unit competes with votes / d(k), votes / d(k + 1) ...;
a list whose candidates are all elected (its list size counts the seats it holds) takes no more."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hemicycle import model as m
from hemicycle.interpreter.errors import AllocationError
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.protocol import Step
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.numbers import fmt_exact


def continued(method: m.Method, votes: Sequence[int], held: Sequence[int], sizes: Sequence[int | None],
              pool: list[int], seats: int, tb: TieBreaker, names: Sequence[str], explain: bool,
              clause: m.Node) -> MethodOutcome:
    """``seats`` seats among ``pool`` one round at a time to the highest votes / d(held + got);
    lists tied at the top all in one round unless fewer seats are left (the tie chain decides)."""
    if not isinstance(method, m.Divisor) or method.kind is m.DivisorKind.HUNTINGTON_HILL:
        raise AllocationError("'continue after tier' needs a divisor method with rational divisors", clause)
    got = [0] * len(votes)
    steps: list[Step] = []
    if explain:
        steps.append(Step("Seats held before this tier: " + (", ".join(
            f"{names[i]} {held[i]}" for i in pool if held[i]) or "none"), clause))
    left = seats
    while left > 0:
        best: Fraction | None = None
        tied: list[int] = []
        for i in pool:
            size = sizes[i]
            if votes[i] <= 0 or (size is not None and held[i] + got[i] >= size):
                continue
            d = method.divisor(held[i] + got[i])
            if d is None:
                continue
            q = Fraction(votes[i]) / d if d else Fraction(1 << 200)
            if best is None or q > best:
                best, tied = q, [i]
            elif q == best:
                tied.append(i)
        if best is None:
            break  # no list can take a seat: the rest stay vacant
        if len(tied) > left:
            tied = tb.favour(tied, left, f"the last {left} seat(s) by {method.kind.value}",
                             f"quotient {fmt_exact(best, 4)}")
        for i in tied:
            got[i] += 1
            left -= 1
            if explain:
                d = method.divisor(held[i] + got[i] - 1)
                assert d is not None
                steps.append(Step(f"Seat {seats - left}: {names[i]}, {votes[i]:,} / {fmt_exact(d)} = "
                                  f"{fmt_exact(best, 4)} (holding {held[i] + got[i] - 1})"))
    return MethodOutcome(seats=got, steps=list(steps))
