"""An encoding built once and asked again and again with its free figures pinned: the agreement
harnesses' way to check many concrete elections against one symbolic encoding.

``Pinned(cons)`` holds an encoding's constraints; ``ask(pins, *also)`` solves them with the pins
(``figure == value``) and ``also``: as **assumptions** of one solver's check (nothing is added for
good, and what Z3 learns carries over from one election to the next), or, with
``substitute=True`` (what the levels and district harnesses use), the pins substituted into the
constraints built once and solved by a fresh solver through ``lia2card`` (every figure a number:
the seats are bounded integers); with ``in_z3=True`` the constraints and the pins go to that fresh
solver as they are and its ``propagate-values`` / ``solve-eqs`` substitute the pins (measured on
the levels encodings: 11.7 against 14.5 ms a single election of germany-2005, the Python side's
``substitute`` and ``simplify`` skipped). Either way the seats are read from Z3's model. Building an
encoding (the Python side) costs about as much as solving it on fixed figures: it is paid once
per shape here.

``pin(variables, values)`` writes the pins; ``seats(model, rows)`` reads seats back."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from fractions import Fraction

import z3

from hemicycle.verify.errors import EncodingMismatch


def pin(variables: Iterable[z3.ExprRef], values: Iterable[int | Fraction]) -> list[z3.BoolRef]:
    """``x == value`` for each variable (a real variable gets a real value, an integer one an integer)."""
    out = []
    for x, v in zip(variables, values, strict=True):
        if isinstance(x, z3.ArithRef) and x.is_real():
            out.append(x == z3.RealVal(v))
        else:
            out.append(x == v)
    return out


def seats(m: z3.ModelRef, rows: Sequence[Sequence[z3.ArithRef]]) -> list[list[int]]:
    return [[m.eval(x, model_completion=True).as_long() for x in row] for row in rows]


_FRESH = z3.Then("simplify", "propagate-values", "solve-eqs", "smt")
# with every figure a number, the seats are bounded integers: lia2card makes them cardinality
# constraints, measured 5 times faster on the levels step pairs (0.02 s instead of 0.11 s)
_CARD = z3.Then("simplify", "propagate-values", "solve-eqs", "purify-arith", "lia2card", "smt")
TACTICS = {"fresh": _FRESH, "card": _CARD}


class Pinned:
    """An encoding's constraints, asked with pinned figures. ``substitute=False``: one solver,
    the pins as assumptions of its check (what Z3 learns carries over); ``substitute=True``: the
    pins substituted into the constraints (conjoined once), simplified, and solved by a fresh
    solver after Z3's cheap preprocessing: much faster where the encoding multiplies figures
    (products of two free figures become linear once one is a number), as the levels encoding
    does. ``substitute=None`` (auto): the first ``2 * trial`` asks alternate between the two
    ways, timed in CPU seconds, and the cheaper one answers the rest (measured: the district
    encodings of 2 districts 2.7x faster by assumptions, those of 3 districts and the levels
    encodings faster substituted). Both ways answer the same query: the way does not change
    what is checked, only its cost."""

    def __init__(self, cons: Iterable[z3.BoolRef], timeout: float = 60.0, *, substitute: bool | None = None,
                 tactic: str = "card", trial: int = 8, in_z3: bool = False, retry: float | None = 900.0) -> None:
        self.cons = list(cons)
        self.tactic = TACTICS[tactic]
        self.timeout = int(timeout * 1000)
        # Z3's timeout is wall-clock time: at nice 19 on a loaded machine 60 s can be 8 CPU s, so
        # an ask that times out is asked once more with ``retry`` seconds before it is reported
        # as unsettled (an iceland-2021 step pair: unknown at 60 s wall, settled in 8.8 CPU s)
        self.retry = None if retry is None else int(retry * 1000)
        self.substitute = substitute
        self.trial = trial
        self.in_z3 = in_z3
        self.spent = {True: 0.0, False: 0.0}  # CPU seconds of the trial asks, by way
        self.solver = z3.Solver()
        self.solver.set(timeout=self.timeout)
        self.conj = z3.And(*self.cons)  # built once: z3.And over thousands of constraints is dear
        self.solver.add(self.conj)
        self.asked = 0
        self.retried = 0  # asks that timed out once and were asked again with ``retry``

    def _way(self) -> bool:
        """True: substitute. In auto mode, alternate during the trial, then keep the cheaper."""
        if self.substitute is not None:
            return self.substitute
        if self.asked <= 2 * self.trial:
            return self.asked % 2 == 0
        self.substitute = self.spent[True] < self.spent[False]
        return self.substitute

    def ask(self, pins: Sequence[z3.BoolRef], *also: z3.BoolRef) -> z3.ModelRef | None:
        """The model under ``pins`` and ``also``, None when there is none; ``unknown`` (a
        timeout, after the retry with the longer timeout) raises: the election could not be checked."""
        self.asked += 1
        way = self._way()
        try:
            return self._ask(way, self.timeout, pins, also)
        except EncodingMismatch:
            if self.retry is None or self.retry <= self.timeout:
                raise
            self.retried += 1
            return self._ask(way, self.retry, pins, also)

    def _ask(self, way: bool, timeout: int, pins: Sequence[z3.BoolRef], also: Sequence[z3.BoolRef]
             ) -> z3.ModelRef | None:
        start = time.process_time()
        s = self.solver
        if way:
            s = self.tactic.solver()
            s.set(timeout=timeout)
            if self.in_z3:
                s.add(self.conj, *also, *pins)
            else:
                pairs = [(f.arg(0), f.arg(1)) for f in pins]
                s.add(*(z3.simplify(z3.substitute(c, *pairs)) for c in (self.conj, *also)), *pins)
            r = s.check()
        else:
            s.set(timeout=timeout)
            r = s.check(*pins, *also)
        self.spent[way] += time.process_time() - start
        if r == z3.sat:
            return s.model()
        if r == z3.unsat:
            return None
        raise EncodingMismatch(f"the solver could not settle the pinned encoding ({s.reason_unknown()})")

    def only(self, pins: Sequence[z3.BoolRef], rows: Sequence[Sequence[z3.ArithRef]], got: list[list[int]],
             *also: z3.BoolRef) -> bool:
        """Whether ``got`` are the only seats the encoding allows under ``pins`` and ``also``."""
        other = z3.Or([x != v for row, vals in zip(rows, got, strict=True) for x, v in zip(row, vals, strict=True)])
        return self.ask(pins, *also, other) is None
