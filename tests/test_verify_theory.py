"""The theory suite: every entry of ``hemicycle.verify.theory.THEOREMS`` (what Balinski and
Young, and Pukelsheim, establish about Hamilton, Jefferson, Webster and Adams) is what the
verifier finds on a small house."""

from __future__ import annotations

import pytest

from hemicycle.verify import CATALOGUE, Status
from hemicycle.verify.theory import METHODS, THEOREMS, Theorem, check


@pytest.mark.parametrize("t", THEOREMS, ids=lambda t: f"{t.method}-{t.property}-{t.parties}")
def test_theorem(t: Theorem) -> None:
    r = check(t, timeout=60)
    assert r.status is t.expect, (t.claim, r.reason)
    if t.expect is Status.REFUTED:
        assert r.counterexample  # replayed by the interpreter
    else:
        assert any("non-vacuity" in n for n in r.notes)


def test_every_entry_is_sourced_and_well_formed() -> None:
    for t in THEOREMS:
        assert t.source and t.claim and t.method in METHODS
        assert t.property in CATALOGUE or f"property {t.property} " in t.props
        assert t.expect in (Status.PROVED, Status.REFUTED)
    # both sides of each quota result are in the table
    methods = {t.method for t in THEOREMS}
    assert len(methods) == 4 and len(THEOREMS) >= 20
