"""The verifier honours its timeout whatever takes the time (encoding a huge house included)."""

from __future__ import annotations

import time

import hemicycle
from hemicycle.verify import verify

BIG = """
chamber "c" seats 100000
tier "t" seats 100000 {
  threshold 5% of valid_votes
  allocate sainte_lague
  ties registration_order
}
"""


def test_a_huge_house_answers_unknown_within_the_timeout() -> None:
    rules = hemicycle.loads(BIG)
    start = time.monotonic()
    (result,) = verify(rules.model, ["seat-total"], parties=3, timeout=2.0)
    elapsed = time.monotonic() - start
    assert result.status.value == "unknown"
    assert result.reason is not None and "timeout" in result.reason
    assert elapsed < 2.0 + 1.5


def test_answers_inside_the_timeout_are_kept() -> None:
    rules = hemicycle.load("kazakhstan-2021")
    (result,) = verify(rules.model, ["runner-up-guarantee"], parties=3, timeout=30.0)
    assert result.status.value == "proved"


def test_alabama_paradox_found_by_search_and_replayed() -> None:
    """The random search refutes house monotonicity at 6 lists at once (the solver alone took
    over 60 s); its counterexample is checked by the interpreter like any other."""
    rules = hemicycle.load("kazakhstan-2021")
    (result,) = verify(rules.model, ["house-monotonicity"], parties=6, timeout=60.0)
    assert result.status.value == "refuted" and result.found_by == "search"
    a, b = result.counterexample  # type: ignore[misc]
    assert b.house == a.house + 1 and a.votes == b.votes
    assert any(b.seats[k] < a.seats[k] for k in a.seats)


def test_proofs_still_come_from_the_solver() -> None:
    rules = hemicycle.load("kazakhstan-2021")
    (result,) = verify(rules.model, ["concordance"], parties=3, timeout=60.0)
    assert result.status.value == "proved" and result.found_by == "solver"
