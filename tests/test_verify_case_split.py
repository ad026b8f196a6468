"""Deciding by cases (verify/case_split.py) and the exclusion rounds of 'overhang excluded'
(verify/level_encoding._excluded): a refutation found in a case and replayed, a proof over every
case with its non-vacuity check, a vacuous or open case never PROVED, the rest of a case list,
the magnitude split of the levels family, and the n-th exclusion round shown to be the fixed point."""

from __future__ import annotations

import time
from math import comb

import pytest
import z3

import hemicycle
from hemicycle.verify import level_encoding
from hemicycle.verify.case_split import Case, decide_by_cases, vector_cases, with_rest
from hemicycle.verify.level_encoding import allocate_levels, level_election
from hemicycle.verify.level_properties import LEVEL_CATALOGUE, decide, magnitude_vectors
from hemicycle.verify.levels import level_system, reduce
from hemicycle.verify.solving import Ask
from hemicycle.verify.symbolic import Ctx


def _norway(seats: int, units: int = 2) -> object:
    return level_system(reduce(hemicycle.load("norway-2021").model, seats), units=units)


# --- the decision loop on a small query --------------------------------------------------------------

X, Y = z3.Ints("x y")
DOMAIN = [X >= 0, Y >= 0, X + Y == 4]


def _ask(violation: z3.BoolRef, assume: list[z3.BoolRef] | None = None) -> Ask:
    return Ask("q", DOMAIN, assume or [], violation)


def _confirm(a: Ask, m: z3.ModelRef) -> list[tuple[int, int]]:
    x, y = m.eval(X).as_long(), m.eval(Y).as_long()  # the "interpreter": the violation checked on the figures
    assert x + y == 4 and x * y == 3
    return [(x, y)]


def test_a_satisfiable_case_refutes_and_is_confirmed() -> None:
    cases = vector_cases("xy", [X, Y], 4)
    assert len(cases) == 6 and cases[-1].label == "the rest"  # 5 vectors and the rest
    v = decide_by_cases([(_ask(X * Y == 3), cases)], _confirm, time.monotonic() + 10, lambda n: [])
    assert v.status == "refuted" and v.outcomes in ([(1, 3)], [(3, 1)])
    assert "xy [1, 3]" in v.notes[0] or "xy [3, 1]" in v.notes[0]


def test_a_proof_needs_every_case_and_the_non_vacuity_check() -> None:
    v = decide_by_cases([(_ask(X * Y > 4), vector_cases("xy", [X, Y], 4))], _confirm, time.monotonic() + 10,
                        lambda n: [f"{n} queries"])
    assert v.status == "proved" and v.notes[0] == "1 queries" and "6 solver calls" in v.notes[-1]
    # contradictory assumptions: every case is unsatisfiable, but the proof would be vacuous
    v = decide_by_cases([(_ask(X * Y > 4, [X > 4]), vector_cases("xy", [X, Y], 4))], _confirm,
                        time.monotonic() + 10, lambda n: [])
    assert v.status == "unknown" and "assumptions contradictory" in (v.reason or "")


def test_the_rest_covers_what_the_cases_leave_out() -> None:
    # the cases miss x = 0 and x = 4: only the rest holds the counterexample x * y == 0
    cases = with_rest([Case(f"x {k}", (k == X,)) for k in (1, 2, 3)])
    v = decide_by_cases([(_ask(X * Y == 0), cases)], lambda a, m: [m.eval(X).as_long()], time.monotonic() + 10,
                        lambda n: [])
    assert v.status == "refuted" and v.outcomes in ([0], [4]) and "the rest" in v.notes[0]


def test_an_open_case_makes_the_verdict_unknown() -> None:
    v = decide_by_cases([(_ask(X * Y > 4), vector_cases("xy", [X, Y], 4))], _confirm, time.monotonic() - 1,
                        lambda n: [])
    assert v.status == "unknown" and "6 of 6 cases open" in (v.reason or "")


# --- the magnitude split of the levels family ----------------------------------------------------------


def test_the_magnitude_vectors_are_every_composition_of_the_district_seats() -> None:
    sys = _norway(12, units=3)
    vecs = magnitude_vectors(sys)
    C = sys.constituencies
    assert len(vecs) == len(set(vecs)) == comb(C - 1, 2)  # compositions of C into 3 parts >= 1
    assert all(len(v) == 3 and min(v) >= 1 and sum(v) == C for v in vecs)


def test_a_split_refutation_is_replayed_with_its_magnitudes() -> None:
    sys = _norway(4)
    v = decide(sys, LEVEL_CATALOGUE["majority-reversal"], 2, timeout=60, split=True)
    assert v.status == "refuted" and v.outcomes
    o = v.outcomes[0]
    assert o.case.mags in [list(m) for m in magnitude_vectors(sys)]
    assert f"magnitudes {o.case.mags}" in v.notes[0]
    votes = o.national_votes
    assert any(votes[p] > votes[q] and o.national[p] < o.national[q] for p in range(2) for q in range(2))


@pytest.mark.slow  # 3-6 CPU s (20-40 s wall under load): the one split proof of a level property in CI
def test_a_split_proof_covers_every_magnitude_vector() -> None:
    sys = _norway(3)
    v = decide(sys, LEVEL_CATALOGUE["negative-vote-weight"], 2, timeout=120, split=True)
    assert v.status == "proved", v.reason
    assert any(n.startswith("non-vacuity") for n in v.notes)
    assert f"{2 * 2 * len(magnitude_vectors(sys))} solver calls" in v.notes[-1]  # 2 lists x 2 districts each


# --- n exclusion rounds ------------------------------------------------------------------------------


@pytest.mark.slow  # ~10 s under load: the soundness of the shorter exclusion encoding (Norway, Denmark)
@pytest.mark.parametrize("n", [2, pytest.param(3, marks=pytest.mark.long)])  # 3 lists: minutes under load
def test_the_nth_exclusion_round_is_the_fixed_point(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoding with n rounds and the one with an (n + 1)-th round, each with its own cut
    variables, give the same seats on every election both leave in (unsatisfiable that they differ):
    a list excluded only in an (n + 1)-th round would change the seats. ('defined' is not compared:
    it depends on each encoding's free cut, so it is a relation, not a function of the election; the
    n-round encoding has a subset of the other's constraints, so it leaves out no more elections.)"""
    sys = _norway(5)
    ctx = Ctx(real=True, prefix="fp.")
    e = level_election(ctx, sys, n, "A")
    short = allocate_levels(ctx, sys, e)
    monkeypatch.setattr(level_encoding, "EXCLUSION_ROUNDS_EXTRA", 1)
    longer = allocate_levels(ctx, sys, e)
    s = z3.Solver()
    s.set(timeout=600_000)
    s.add(*ctx.cons, short.defined, longer.defined)
    s.add(z3.Or([a != b for a, b in zip(short.national, longer.national, strict=True)]))
    assert s.check() == z3.unsat
    s = z3.Solver()  # not vacuous: an election both leave in, with a list excluded in a round
    s.set(timeout=600_000)
    s.add(*ctx.cons, short.defined, longer.defined, z3.Or([x > 0 for x in short.national]))
    assert s.check() == z3.sat
