"""Differential tests against independent implementations (votelib, apportionment) and the Z3
encoding: a quick slice here, the full run in ``scripts/differential.py``. Each known peer bug is
shown by a test, so that a disagreement of that kind is understood, not ignored."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

pytest.importorskip("votelib")
pytest.importorskip("apportionment")

from peerlib import (
    METHODS,
    Case,
    agrees_with_votelib,
    apportionment_seats,
    at_threshold_case,
    chamber,
    compare,
    describe,
    hemicycle_seats,
    passes,
    random_case,
    votelib_seats,
)


@pytest.mark.parametrize("method", METHODS)
def test_random_elections_agree_with_the_peers(method: str) -> None:
    rng = random.Random(f"peers-{method}")
    for _ in range(300):
        case = random_case(rng, method)
        mine, verdict = compare(case)
        assert verdict.votelib != "disagree", describe(case, mine)
        assert verdict.apportionment != "disagree", describe(case, mine)


@pytest.mark.parametrize("method", METHODS)
def test_lists_exactly_at_the_threshold_pass(method: str) -> None:
    rng = random.Random(f"at-{method}")
    for _ in range(60):
        case = at_threshold_case(rng, method, rng.choice([Fraction(5, 100), Fraction(7, 100), Fraction(1, 4)]))
        assert all(passes(case)[i] for i, v in enumerate(case.votes)
                   if v * case.share.denominator == case.share.numerator * sum(case.votes))  # type: ignore[union-attr]
        mine, verdict = compare(case)
        assert verdict.votelib in ("agree", "votelib_exact_threshold", "votelib_unfilled"), describe(case, mine)
        assert verdict.apportionment != "disagree", describe(case, mine)


@pytest.mark.parametrize("method", METHODS)
def test_exact_ties_go_to_the_earlier_list(method: str) -> None:
    # four equal lists, 2 or 6 seats: the tie at the cut goes by registration order
    for seats, expected in ((2, [1, 1, 0, 0]), (6, [2, 2, 1, 1])):
        case = Case(method, (100, 100, 100, 100), seats, None)
        mine = hemicycle_seats(case)
        assert mine == expected
        assert agrees_with_votelib(case, mine)
        theirs = apportionment_seats(case)
        assert theirs is None or theirs == mine


# --- the peers' bugs, documented ----------------------------------------------------------------

def test_votelib_rejects_a_list_exactly_at_the_threshold() -> None:
    """votelib 0.4 RelativeThreshold(accept_equal=True) compares votes with the share
    (``n_votes == self.threshold``): B has exactly 5% and is wrongly excluded."""
    from votelib.evaluate.threshold import RelativeThreshold

    votes = {"A": 95, "B": 5}
    assert RelativeThreshold(Fraction(5, 100), accept_equal=True).evaluate(votes) == ["A"]  # the bug
    case = Case("dhondt", (95, 5), 20, Fraction(5, 100))
    assert hemicycle_seats(case) == [19, 1]  # 5 votes of 100 reach 5% (inclusive): B passes
    assert votelib_seats(case)[0] == [20, 0]  # votelib as it is
    assert votelib_seats(case, fixed=True)[0] == [19, 1]  # votelib with the comparison fixed


def test_apportionment_float_mode_misbreaks_an_exact_tie() -> None:
    """apportionment 1.0 (fractions=False, its default) computes 7 * 3 / 9 in floating point: the
    three remainders, all exactly 1/3, compare unequal and the last seat goes to C instead of A."""
    case = Case("hare", (1, 1, 7), 3, None)
    assert hemicycle_seats(case) == [1, 0, 2]
    assert apportionment_seats(case, fractions=True) == [1, 0, 2]
    assert apportionment_seats(case, fractions=False) == [0, 0, 3]  # the bug


def test_apportionment_gives_tied_seats_before_larger_remainders() -> None:
    """apportionment 1.0 largest_remainder (even with fractions=True) hands remainder seats in list
    order to every list at or above the cut-off, so lists tied at the cut-off can take the seat
    of a later list with a strictly larger remainder. Quotients 7.36, 7.36, 7.36, 4.91 for 27
    seats: D (remainder 0.91) must get a seat, and one of the three tied lists the other."""
    case = Case("hare", (45, 45, 45, 30), 27, None)
    assert hemicycle_seats(case) == [8, 7, 7, 5]
    assert apportionment_seats(case) == [8, 8, 7, 4]  # the bug: D loses its seat
    assert agrees_with_votelib(case, [8, 7, 7, 5])


def test_votelib_leaves_seats_empty_when_leftover_seats_exceed_lists() -> None:
    """A small Droop quota can leave more seats than lists after the integer parts; votelib gives
    at most one remainder seat per list and leaves the rest empty. hemicycle gives every list
    floor(L / n) first (docs/language.md), so all seats are filled."""
    case = Case("droop", (66,), 39, None)  # quota floor(66/40) + 1 = 2: 33 seats, 6 left over
    assert hemicycle_seats(case) == [39]
    definite, ties = votelib_seats(case)
    assert sum(definite) == 34 and not ties


# --- the Z3 encoding with fixed votes -----------------------------------------------------------

def test_z3_encoding_gives_the_interpreters_seats() -> None:
    concrete = pytest.importorskip("hemicycle.verify.concrete")
    rng = random.Random("z3")
    for _ in range(12):
        case = random_case(rng)
        case = Case(case.method, case.votes[:4], min(case.seats, 12), case.share)
        if sum(case.votes) == 0:
            continue
        tier = chamber(case.method, case.seats, case.share).tiers[0]
        got = concrete.FixedVotes(tier, len(case.votes)).run(list(case.votes)).seats
        assert got == hemicycle_seats(case), describe(case, got)
