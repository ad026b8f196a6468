"""An encoding built once and asked again and again with its free figures pinned: the agreement
harnesses' way to check many concrete elections against one symbolic encoding.

``Pinned(cons)`` holds an encoding's constraints; ``ask(pins, *also)`` solves them with the pins
(``figure == value``) and ``also``: as **assumptions** of one solver's check (nothing is added for
good, and what Z3 learns carries over from one election to the next), or, with
``substitute=True`` (what the levels and district harnesses use), the pins substituted into the
constraints built once and solved by a fresh solver through ``lia2card`` (every figure a number:
the seats are bounded integers). Either way the seats are read from Z3's model. Building an
encoding (the Python side) costs about as much as solving it on fixed figures: it is paid once
per shape here.

``pin(variables, values)`` writes the pins; ``seats(model, rows)`` reads seats back."""

from __future__ import annotations

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
    the pins as assumptions of its check; ``substitute=True``: the pins substituted into the
    constraints (built once), simplified, and solved by a fresh solver after Z3's cheap
    preprocessing: much faster where the encoding multiplies figures (products of two free
    figures become linear once one is a number), as the levels encoding does."""

    def __init__(self, cons: Iterable[z3.BoolRef], timeout: float = 60.0, *, substitute: bool = False,
                 tactic: str = "card") -> None:
        self.cons = list(cons)
        self.tactic = TACTICS[tactic]
        self.timeout = int(timeout * 1000)
        self.substitute = substitute
        self.solver = z3.Solver()
        self.solver.set(timeout=self.timeout)
        if not substitute:
            self.solver.add(*self.cons)
        self.asked = 0

    def ask(self, pins: Sequence[z3.BoolRef], *also: z3.BoolRef) -> z3.ModelRef | None:
        """The model under ``pins`` and ``also``, None when there is none; ``unknown`` (a
        timeout) raises: the election could not be checked."""
        self.asked += 1
        s = self.solver
        if self.substitute:
            s = self.tactic.solver()
            s.set(timeout=self.timeout)
            pairs = [(f.arg(0), f.arg(1)) for f in pins]
            s.add(z3.simplify(z3.substitute(z3.And(*self.cons, *also), *pairs)), *pins)
            r = s.check()
        else:
            r = s.check(*pins, *also)
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
