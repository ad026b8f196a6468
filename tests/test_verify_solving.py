"""The deciders' one query loop and timeout policy (verify/solving.py): a model is replayed and
refutes, an unsatisfiable query proves only with satisfiable assumptions, and a timeout is always
UNKNOWN with its reason, never PROVED."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
import z3

from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.solving import Ask, check, check_by, decide_queries, model_fraction


def _notes(count: int) -> list[str]:
    return [f"{count} queries"]


def test_a_model_is_replayed_and_refutes() -> None:
    x = z3.Int("x")
    seen: list[int] = []

    def confirm(a: Ask, m: z3.ModelRef) -> list[int]:
        seen.append(m.eval(x).as_long())
        return [seen[-1]]

    v = decide_queries([Ask("x small", [x >= 0], [x <= 5], x > 3)], confirm, time.monotonic() + 30, _notes)
    assert v.status == "refuted" and v.outcomes == seen and seen[0] in (4, 5)
    assert v.notes == ["found in the query: x small"]


def test_unsatisfiable_queries_prove_with_the_notes() -> None:
    x = z3.Int("x")
    asks = [Ask("a", [x >= 0], [x <= 5], x > 7), Ask("b", [x >= 0], [], x < 0)]
    v = decide_queries(asks, lambda a, m: [], time.monotonic() + 30, _notes)
    assert (v.status, v.reason, v.notes, v.outcomes) == ("proved", None, ["2 queries"], None)


def test_contradictory_assumptions_are_unknown() -> None:
    x = z3.Int("x")
    v = decide_queries([Ask("q", [x >= 0], [x < 0], x > 1), Ask("", [], [x != x], x > 1)],
                       lambda a, m: [], time.monotonic() + 30, _notes)
    assert v.status == "unknown" and v.reason == "q: assumptions contradictory; assumptions contradictory"


def test_a_mismatch_is_raised_to_the_caller() -> None:
    x = z3.Int("x")

    def confirm(a: Ask, m: z3.ModelRef) -> list[int]:
        raise EncodingMismatch("the interpreter says otherwise")

    with pytest.raises(EncodingMismatch):
        decide_queries([Ask("", [], [], x > 1)], confirm, time.monotonic() + 30, _notes)


def _hard() -> z3.Solver:
    """A query Z3 cannot settle in a millisecond (x^3 + y^3 = z^3 over positive integers)."""
    x, y, z = z3.Ints("x y z")
    s = z3.Solver()
    s.add(x > 0, y > 0, z > 0, x * x * x + y * y * y == z * z * z)
    return s


def test_a_timeout_is_unknown_with_its_reason() -> None:
    r, why = check(_hard(), 0.001)
    assert r == z3.unknown and why.startswith(("timeout", "interrupted"))
    r, why = check_by(_hard(), time.monotonic() - 1)
    assert (r, why) == (z3.unknown, "timeout (time budget used up)")


def test_a_spent_budget_never_proves() -> None:
    x = z3.Int("x")
    v = decide_queries([Ask("q", [x >= 0], [], x < 0)], lambda a, m: [], time.monotonic() - 1, _notes)
    assert v.status == "unknown" and v.reason == "q: timeout (time budget used up)"


def test_model_fraction_reads_terms_and_constants_exactly() -> None:
    x, y = z3.Int("mf.x"), z3.Real("mf.y")
    s = z3.Solver()
    s.add(x == 7, 3 * y == 2)
    assert s.check() == z3.sat
    m = s.model()
    assert model_fraction(m, x) == 7
    assert model_fraction(m, y) == Fraction(2, 3)
    assert model_fraction(m, z3.Int("mf.free")) == 0  # model completion
    assert model_fraction(m, 5) == 5
    assert model_fraction(m, Fraction(1, 3)) == Fraction(1, 3)  # a Num's constant: not truncated


def test_model_fraction_refuses_an_irrational_value() -> None:
    r = z3.Real("mf.root")
    s = z3.Solver()
    s.add(r * r == 2, r > 0)
    assert s.check() == z3.sat
    with pytest.raises(EncodingMismatch, match="irrational"):
        model_fraction(s.model(), r)
