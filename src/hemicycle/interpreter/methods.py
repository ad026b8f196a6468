"""One entry to every method of the language: largest remainder or a divisor method."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hemicycle import model as m
from hemicycle.interpreter.divisors import divisor_method
from hemicycle.interpreter.largest_remainder import largest_remainder
from hemicycle.interpreter.outcome import MethodOutcome
from hemicycle.interpreter.ties import TieBreaker


def apply_method(
    method: m.Method, votes: Sequence[int], factors: Sequence[Fraction] | None, pool: list[int], seats: int,
    tb: TieBreaker, names: Sequence[str], explain: bool,
) -> MethodOutcome:
    """``seats`` seats among the ``pool`` lists (indices into ``votes``) by ``method``."""
    if isinstance(method, m.LargestRemainder):
        return largest_remainder(method, votes, factors, pool, seats, tb, names, explain)
    return divisor_method(method, votes, factors, pool, seats, tb, names, explain)
