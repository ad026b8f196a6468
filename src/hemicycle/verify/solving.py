"""Asking Z3: one timeout policy for every query of the verifier, and one decision loop for the
district, level, bonus and apportionment deciders.

The policy (``check``): Z3 gets its own timeout, and a wall-clock guard thread interrupts it if it
does not honour it; a timeout or an interruption always comes back as ``unknown`` with its reason
("timeout (...)", "interrupted (...)"), so it can only ever make a verdict UNKNOWN, never PROVED.

The loop (``decide_queries``): for each query, the violation is asked; a model is handed to the
decider's ``confirm`` (it replays the model through the interpreter and returns the outcomes, or
raises ``EncodingMismatch``) and is a REFUTED; an unsatisfiable query needs its assumptions
satisfiable without the negated property (the non-vacuity check of a PROVED); ``unknown`` makes
the verdict UNKNOWN with the reason."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import z3

from hemicycle.verify.errors import EncodingMismatch


class _Guard:
    """A wall-clock guard: interrupts Z3 if its own timeout is not honoured."""

    def __init__(self, seconds: float) -> None:
        self.timer = threading.Timer(max(0.5, seconds) + 2.0, self._fire)
        self.fired = False

    def _fire(self) -> None:
        self.fired = True
        z3.main_ctx().interrupt()

    def __enter__(self) -> _Guard:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def check(solver: z3.Solver | z3.Optimize, seconds: float) -> tuple[z3.CheckSatResult, str]:
    """``solver.check()`` within ``seconds`` (guarded); the reason when unknown."""
    solver.set(timeout=max(1, int(seconds * 1000)))
    with _Guard(seconds) as g:
        try:
            r = solver.check()
        except z3.Z3Exception as exc:  # interrupted
            return z3.unknown, f"interrupted ({exc})"
    if r == z3.unknown:
        reason = solver.reason_unknown()
        if g.fired or reason in ("timeout", "canceled", "interrupted from keyboard"):
            reason = f"timeout ({reason})"
        return r, reason
    return r, ""


def left(deadline: float, cap: float | None = None) -> float:
    """Seconds until ``deadline`` (time.monotonic), at most ``cap``."""
    rest = max(0.0, deadline - time.monotonic())
    return rest if cap is None else min(rest, cap)


def check_by(s: z3.Solver, deadline: float) -> tuple[z3.CheckSatResult, str]:
    """``check`` with the time left until ``deadline``; nothing left: unknown, a timeout."""
    if deadline - time.monotonic() <= 0:
        return z3.unknown, "timeout (time budget used up)"
    return check(s, left(deadline))


def assumptions_satisfiable(cons: Iterable[z3.BoolRef], assume: Iterable[z3.BoolRef],
                            deadline: float) -> tuple[z3.CheckSatResult, str]:
    """Whether the constraints and assumptions alone have a model (``sat``: the PROVED is not vacuous)."""
    w = z3.Solver()
    w.add(*cons, *assume)
    return check_by(w, deadline)


@dataclass
class Ask:
    """One query of a decider: a model of ``cons``, ``assume`` and ``violation`` is a counterexample.
    ``label`` names it in reasons and notes ("" for a decider's only query)."""

    label: str
    cons: Sequence[z3.BoolRef]
    assume: Sequence[z3.BoolRef]
    violation: z3.BoolRef
    data: Any = None  # what ``confirm`` needs to read the model (the encoded elections)


@dataclass
class Verdict:
    """A decider's verdict: ``outcomes`` are the interpreter's replays of a counterexample."""

    status: str  # "proved" | "refuted" | "unknown"
    seconds: float
    reason: str | None = None
    outcomes: list[Any] | None = None
    notes: list[str] = field(default_factory=list)


def _at(label: str, text: str) -> str:
    return f"{label}: {text}" if label else text


def decide_queries(asks: Iterable[Ask], confirm: Callable[[Ask, z3.ModelRef], list[Any]], deadline: float,
                   proved: Callable[[int], list[str]], *,
                   solver: Callable[[], z3.Solver] = z3.Solver) -> Verdict:
    """The verdict of a property decided by ``asks`` (see the module's docstring). ``confirm``
    replays a model (raising ``EncodingMismatch`` when the interpreter does not confirm it);
    ``proved(count)`` gives the notes of a PROVED over ``count`` queries; ``solver`` makes the
    solver of each query (an encoding known to be linear integer arithmetic can ask for QF_LIA)."""
    start = time.monotonic()
    unknown: list[str] = []
    count = 0
    for q in asks:
        count += 1
        s = solver()
        s.add(*q.cons, *q.assume, q.violation)
        r, why = check_by(s, deadline)
        if r == z3.sat:
            outcomes = confirm(q, s.model())
            return Verdict("refuted", time.monotonic() - start, outcomes=outcomes,
                           notes=[f"found in the query: {q.label}"] if q.label else [])
        if r == z3.unknown:
            unknown.append(_at(q.label, why))
            continue
        r2, why2 = assumptions_satisfiable(q.cons, q.assume, deadline)
        if r2 != z3.sat:
            unknown.append(_at(q.label, "assumptions contradictory" if r2 == z3.unsat
                               else f"could not show its assumptions satisfiable ({why2})"))
    seconds = time.monotonic() - start
    if unknown:
        return Verdict("unknown", seconds, reason="; ".join(unknown))
    return Verdict("proved", seconds, notes=proved(count))


def replayed(name: str, cases: Sequence[Any], model_seats: Sequence[Any], interpret: Callable[[Any], Any],
             breaks: Callable[[list[Any]], bool]) -> list[Any]:
    """The interpreter's outcomes of a counterexample's elections (``interpret`` gives an outcome
    with ``seats``, or a reason text when it has no result): each must have the encoding's seats,
    and together they must break the property ``name``; else ``EncodingMismatch``."""
    outs = []
    for c, ms in zip(cases, model_seats, strict=True):
        o = interpret(c)
        if isinstance(o, str):
            raise EncodingMismatch(f"{name}: the interpreter gives no result ({o}) for {c}")
        if o.seats != ms:
            raise EncodingMismatch(f"{name}: for {c} the encoding gives {ms}, the interpreter {o.seats}")
        outs.append(o)
    if not breaks(outs):
        raise EncodingMismatch(f"{name}: the interpreter's seats {[o.seats for o in outs]} do not break it")
    return outs


def model_fraction(m: z3.ModelRef, x: object) -> Fraction:
    """The model's value of ``x`` exactly: a Z3 term (any value model completion gives it), or a
    constant (an int or a Fraction, as a ``Num`` may hold). A value that is no rational number (an
    irrational root of a non-linear model) is an ``EncodingMismatch``: no election has it."""
    if not isinstance(x, z3.ExprRef):
        return Fraction(x)  # type: ignore[arg-type]
    v = m.eval(x, model_completion=True)
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())  # type: ignore[attr-defined]
    if z3.is_algebraic_value(v):
        raise EncodingMismatch(f"irrational value {v} in a model")
    raise EncodingMismatch(f"cannot read {v} from a model")
