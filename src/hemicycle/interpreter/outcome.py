"""What a method gives back: seats per list, and the figures the protocol shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from hemicycle.interpreter.protocol import Entry


@dataclass(slots=True)
class MethodOutcome:
    seats: list[int]
    quota: Fraction | None = None
    quotients: list[Fraction] | None = None  # largest remainder, with the protocol
    integer_seats: list[int] | None = None
    remainders: list[Fraction] | None = None
    steps: list[Entry] = field(default_factory=list)
