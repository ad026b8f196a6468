"""The random search never hides the solver: on every property that the search refutes, the
solver alone (no search) must say REFUTED or UNKNOWN, never PROVED. (``scripts/search_vs_solver
.py`` does the same for every bundled rule file.)"""

from __future__ import annotations

import pytest

from hemicycle.grammar import parse_rules
from hemicycle.model import Chamber
from hemicycle.verify import CATALOGUE, Status, verify
from hemicycle.verify.agreement import RULES
from hemicycle.verify.search import SEARCHABLE
from hemicycle.verify.theory import THEOREMS, check

CASES = [("hare", 3), pytest.param("droop", 3, marks=pytest.mark.long),  # droop: ~20 s on 2 cores
         ("dhondt", 3), ("kazakh", 3), ("threshold-absolute", 3)]


def _refuted_by_search(chamber: Chamber, name: str, n: int) -> bool:
    from hemicycle.verify.engine import _search_first

    return _search_first(chamber, chamber.tiers[0], CATALOGUE[name], n, None, 2.0) is not None


@pytest.mark.parametrize(("rule", "n"), CASES)
def test_solver_alone_never_proves_what_the_search_refutes(rule: str, n: int) -> None:
    chamber = parse_rules(RULES[rule], file=f"{rule}.elect")
    refuted = [p for p in sorted(SEARCHABLE) if _refuted_by_search(chamber, p, n)]
    assert refuted  # every one of these rules breaks something the search can find
    for r in verify(chamber, refuted, parties=n, timeout=8, search=False):
        assert r.found_by == "solver"
        assert r.status in (Status.REFUTED, Status.UNKNOWN), (rule, r.property, r.status)


def test_theory_refutations_found_by_the_search_are_refuted_by_the_solver_too() -> None:
    for t in THEOREMS:
        if t.expect is Status.REFUTED and t.property in SEARCHABLE and not t.props:
            r = check(t, timeout=30, search=False)
            assert r.status is Status.REFUTED, (t.claim, r.reason)
