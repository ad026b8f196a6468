"""Asking Z3 against a deadline, shared by the district, level and apportionment deciders.

``check_by`` gives a solver what is left of the wall-clock deadline (``unknown``, "timeout", when
nothing is left); ``assumptions_satisfiable`` is the non-vacuity check of a PROVED: the query's
constraints and assumptions, without the negated property, must have a model."""

from __future__ import annotations

import time
from collections.abc import Iterable

import z3


def check_by(s: z3.Solver, deadline: float) -> tuple[z3.CheckSatResult, str]:
    """``s.check()`` with the time left until ``deadline`` (time.monotonic); the reason when unknown."""
    left = deadline - time.monotonic()
    if left <= 0:
        return z3.unknown, "timeout"
    s.set(timeout=max(1, int(left * 1000)))
    r = s.check()
    return r, (s.reason_unknown() if r == z3.unknown else "")


def assumptions_satisfiable(cons: Iterable[z3.BoolRef], assume: Iterable[z3.BoolRef],
                            deadline: float) -> tuple[z3.CheckSatResult, str]:
    """Whether the constraints and assumptions alone have a model (``sat``: the PROVED is not vacuous)."""
    w = z3.Solver()
    w.add(*cons, *assume)
    return check_by(w, deadline)
