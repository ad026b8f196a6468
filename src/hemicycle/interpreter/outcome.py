"""What a method gives back: seats per list, and the figures the protocol shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hemicycle.interpreter.protocol import Entry


@dataclass(slots=True)
class MethodOutcome:
    seats: list[int]
    quota: Fraction | None = None
    steps: list[Entry] = field(default_factory=list)
    # largest remainder, with the protocol: quotient(i), floors[i], remainder(i) of each list
    columns: Any = None
