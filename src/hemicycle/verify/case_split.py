"""Deciding a property's queries by cases: each query split into smaller solver calls.

A query (``solving.Ask``: constraints, assumptions, the negated property) is split into cases,
each the query with a few more constraints (``Case.condition``), typically the values of a few
small integer symbols (the districts' magnitudes). The cases always end with the *rest*: the
query with every case condition negated, so the cases cover the query whatever the conditions are
(the rest of an exhaustive list is unsatisfiable, and the solver has to show it like any case).

The verdict (``decide_by_cases``) is sound by construction:

* REFUTED: some case is satisfiable; its model is a model of the query, replayed by the
  interpreter through the decider's ``confirm`` as for an unsplit query;
* PROVED: every case of every query is unsatisfiable (so is every query), and each query's
  assumptions have a model without the negated property (the non-vacuity check, as
  ``solving.decide_queries``);
* UNKNOWN otherwise: a case that timed out, or a non-vacuity check that did not answer.

The cases are asked in two rounds: first every case for ``min_slice`` seconds, so that one hard
case does not take the whole budget before an easy satisfiable one is asked; then each open case in
turn with all the time left (as ``solving.decide_queries``: no further restarts, which cost more
than they find when the cases are proofs). Each attempt builds a fresh solver (a solver asked again
after a timeout goes into Z3's incremental mode, without the preprocessing of a first check).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from hemicycle.verify.solving import Ask, Verdict, assumptions_satisfiable, check


@dataclass(frozen=True)
class Case:
    """One case of a query: its label and the constraints that select it."""

    label: str
    condition: tuple[z3.BoolRef, ...]


WHOLE = Case("", ())  # the query itself as its only case (a split made by encoding each case on its own)


def with_rest(cases: Sequence[Case]) -> list[Case]:
    """The cases and the rest (every case condition false), so that together they cover any query."""
    rest = z3.And([z3.Not(z3.And(*c.condition)) for c in cases]) if cases else z3.BoolVal(True)
    return [*cases, Case("the rest", (rest,))]


def vector_cases(names: str, xs: Sequence[z3.ArithRef], total: int, lo: int = 0) -> list[Case]:
    """One case per vector of whole numbers >= ``lo`` adding up to ``total`` for the symbols ``xs``
    (magnitudes: at least 1 each in the levels family), and the rest."""
    vecs = [v for v in itertools.product(range(lo, total + 1), repeat=len(xs)) if sum(v) == total]
    return with_rest([Case(f"{names} {list(v)}", tuple(x == k for x, k in zip(xs, v, strict=True))) for v in vecs])


@dataclass
class _Open:
    ask: Ask
    case: Case
    asked: float = 0.0  # seconds given to it so far
    why: str = ""


@dataclass
class CaseStats:
    """What the case split did (for the verdict's notes and the figures)."""

    cases: int = 0
    rounds: int = 0
    unsat: int = 0
    by_query: dict[str, int] = field(default_factory=dict)


def decide_by_cases(split: Sequence[tuple[Ask, Sequence[Case]]], confirm: Callable[[Ask, z3.ModelRef], list[Any]],
                    deadline: float, proved: Callable[[int], list[str]], *,
                    solver: Callable[[], z3.Solver] = z3.Solver, min_slice: float = 2.0) -> Verdict:
    """The verdict of the queries, each split into its cases (see the module's docstring)."""
    start = time.monotonic()
    stats = CaseStats()
    pending: list[_Open] = []
    for ask, cases in split:
        stats.by_query[ask.label] = len(cases)
        pending.extend(_Open(ask, c) for c in cases)
    stats.cases = len(pending)
    for slice_ in (min_slice, float("inf")):
        if not pending or deadline - time.monotonic() <= 0:
            break
        stats.rounds += 1
        still: list[_Open] = []
        for i, o in enumerate(pending):
            rest = deadline - time.monotonic()
            if rest <= 0:
                still.extend(pending[i:])
                break
            give = min(rest, slice_)
            s = solver()
            s.add(*o.ask.cons, *o.ask.assume, o.ask.violation, *o.case.condition)
            r, why = check(s, give)
            o.asked += give
            if r == z3.sat:
                outcomes = confirm(o.ask, s.model())
                where = ", ".join(x for x in (o.ask.label, o.case.label) if x)
                return Verdict("refuted", time.monotonic() - start, outcomes=outcomes,
                               notes=[f"found in the case: {where} (of {stats.cases} cases)"])
            if r == z3.unknown:
                o.why = why
                still.append(o)
            else:
                stats.unsat += 1
        pending = still
    seconds = time.monotonic() - start
    if pending:
        return Verdict("unknown", seconds, reason=_open_reason(pending, stats))
    unknown = []
    for ask, _cases in split:  # non-vacuity, once per query (the cases cover it)
        r2, why2 = assumptions_satisfiable(ask.cons, ask.assume, deadline)
        if r2 != z3.sat:
            unknown.append(f"{ask.label}: " + ("assumptions contradictory" if r2 == z3.unsat
                                               else f"could not show its assumptions satisfiable ({why2})"))
    seconds = time.monotonic() - start
    if unknown:
        return Verdict("unknown", seconds, reason="; ".join(unknown))
    return Verdict("proved", seconds, notes=[*proved(len(split)),
                                             f"decided by cases: {stats.cases} solver calls, every one "
                                             f"unsatisfiable, in {stats.rounds} round(s)"])


def _open_reason(pending: list[_Open], stats: CaseStats) -> str:
    shown = "; ".join(f"{', '.join(x for x in (o.ask.label, o.case.label) if x)}: {o.why or 'timeout (not asked)'}"
                      for o in pending[:3])
    more = f"; and {len(pending) - 3} more" if len(pending) > 3 else ""
    return (f"{len(pending)} of {stats.cases} cases open after {stats.rounds} round(s) "
            f"({stats.unsat} unsatisfiable): {shown}{more}")
