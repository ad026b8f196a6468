"""hemicycle.highest_averages against the definition, seat by seat with exact fractions.

The module jumps over most seats (an integer cut for every divisor sequence that is linear from
some seat on, a checked float estimate for Huntington-Hill) and gives the rest round by round
(an integer scan up to 32 lists, a heap beyond). Whatever the path, the seats, the seats left and
the order of the seats given one by one must be those of the plain process.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from hemicycle import model as m
from hemicycle.highest_averages import LinearDivisors, highest_averages
from variants import one_tier

METHODS = {
    "dhondt": "dhondt",
    "sainte-lague": "sainte_lague",
    "modified-1.4": "modified_sainte_lague first 1.4",
    "modified-4": "modified_sainte_lague first 4",  # the first divisor above the second
    "danish": "danish",
    "imperiali": "imperiali",
    "adams": "adams",
    "huntington-hill": "huntington_hill",
    "sequence-step": "divisors 1.5, 2, 3.25 step 0.5",
    "sequence-finite": "divisors 1, 2, 3",
    # steps whose line goes below zero before the tail (issue 12: wrong seats, hangs)
    "sequence-step-below-zero": "divisors 1, 2 step 5",
    "sequence-step-issue-12": "divisors 7, 12, 25/2, 14 step 15/2",
    "sequence-zeros-step": "divisors 0, 0 step 2",
    "sequence-long-head": "divisors 1, 1, 1, 1, 1, 1, 1, 1 step 1",  # the cut is searched
    "sequence-tiny-step": "divisors 1/1000, 1000 step 1/1000",
    "sequence-finite-zeros": "divisors 0, 0, 5",
}


def method_of(text: str) -> m.Divisor:
    rules = one_tier(f"allocate {text}\nties registration_order", 5)
    method = rules.model.tiers[0].method
    assert isinstance(method, m.Divisor)
    return method


def plain(method: m.Divisor, weights: dict[int, Fraction], seats: int) -> tuple[dict[int, int], int, list[int]]:
    """The definition: one seat at a time to the highest weight / d(s); lists tied at the top all
    get a seat in the same round if enough seats are left, else the first in index order."""
    counts = dict.fromkeys(weights, 0)
    order: list[int] = []
    left = seats
    while left > 0:
        best: tuple[int, Fraction] | None = None
        tied: list[int] = []
        for i in sorted(weights):
            d = method.divisor(counts[i]) if method.kind is not m.DivisorKind.HUNTINGTON_HILL else None
            d2 = method.squared(counts[i])
            if d2 is None:
                continue
            key = (1, Fraction(0)) if d2 == 0 else (0, weights[i] ** 2 / d2)
            assert d is None or d * d == d2
            if best is None or key > best:
                best, tied = key, [i]
            elif key == best:
                tied.append(i)
        if not tied:
            break
        for i in tied[:left]:
            counts[i] += 1
            order.append(i)
        left -= min(left, len(tied))
    return counts, left, order


def first(tied: list[int], places: int, _key: object) -> list[int]:
    return tied[:places]


def random_weights(rng: random.Random, n: int) -> dict[int, Fraction]:
    kind = rng.random()
    if kind < 0.3:  # equal and proportional weights: ties at every level
        unit = rng.randint(1, 50)
        return {i: Fraction(unit * rng.choice([1, 1, 2, 3, 4])) for i in range(n)}
    if kind < 0.5:  # fractions (correction factors)
        return {i: Fraction(rng.randint(1, 10**5), rng.choice([1, 3, 7, 10])) for i in range(n)}
    return {i: Fraction(rng.randint(1, 10**6)) for i in range(n)}


@pytest.mark.parametrize("name", list(METHODS))
def test_highest_averages_gives_the_seats_of_the_plain_process(name: str) -> None:
    method = method_of(METHODS[name])
    rng = random.Random(name)
    for trial in range(40 if name.startswith("sequence-") else 100):  # (seven sequences: CI time)
        n = rng.choice([1, 2, 3, 5, 8, 13, 40])  # 40: beyond the integer scan, the heap
        seats = rng.choice([1, 2, 7, 25, 98, 301])
        weights = random_weights(rng, n)
        want, want_left, want_order = plain(method, weights, seats)
        for jump in (True, False):
            run = highest_averages(method, weights, list(weights), seats, first, record=True, jump=jump)
            assert (run.seats, run.left) == (want, want_left), (name, trial, jump, weights, seats)
            assert [i for i, _ in run.order] == want_order[run.jumped:], (name, trial, jump)
            if not jump:
                assert run.jumped == 0


def test_the_jump_cut_is_below_every_jumped_quotient_and_above_none_left() -> None:
    method = method_of("dhondt")
    weights = {0: Fraction(5148074), 1: Fraction(792828), 2: Fraction(659019)}
    run = highest_averages(method, weights, [0, 1, 2], 98, first, record=True)
    assert run.bound is not None and run.jumped > 0
    for i, w in weights.items():
        jumped = run.seats[i] - len([j for j, _ in run.order if j == i])
        assert all(w / (k + 1) > run.bound for k in range(jumped))
        assert w / (jumped + 1) <= run.bound


@pytest.mark.parametrize("name", [k for k in METHODS if k != "huntington-hill" and not k.startswith("sequence-finite")])
def test_every_infinite_rational_sequence_has_a_linear_form(name: str) -> None:
    method = method_of(METHODS[name])
    lin = LinearDivisors.of(method)
    assert lin is not None
    for k in range(200):
        assert Fraction(lin.at(k), lin.D) == method.divisor(k)


def test_a_million_seats_are_quick_and_exact() -> None:
    method = method_of("sainte_lague")
    weights = {i: Fraction(w) for i, w in enumerate([10**9 + 7, 3 * 10**8, 123_456_789, 5])}
    run = highest_averages(method, weights, list(weights), 10**6, first)
    assert sum(run.seats.values()) == 10**6 and run.left == 0
    # Sainte-Lague: every list's quotient for its last seat beats every list's next quotient
    last = min(weights[i] / (2 * run.seats[i] - 1) for i in weights if run.seats[i])
    nxt = max(weights[i] / (2 * run.seats[i] + 1) for i in weights)
    assert last >= nxt


@pytest.mark.parametrize("name", [k for k in METHODS if k.startswith("sequence-") and "finite" not in k])
def test_the_jump_leaves_few_seats_to_the_rounds(name: str) -> None:
    """Where the cut that holds for any weights is loose, it is searched for the weights at hand:
    the seats given one by one stay a few per list, whatever the sequence (no hour-long rounds)."""
    method = method_of(METHODS[name])
    rng = random.Random(name)
    for seats in (1000, 10**5):
        weights = {i: Fraction(rng.randint(1, 10**6)) for i in range(5)}
        run = highest_averages(method, weights, list(weights), seats, first)
        assert run.left == 0 and seats - run.jumped <= 2 * 5 + 2, (seats, run.jumped)


def test_a_sequence_the_parser_would_refuse_goes_seat_by_seat() -> None:
    """A model built without the parser (decreasing from the second divisor): no jump start
    assumes what it does not hold (the prefixes are counted one divisor at a time, a finite
    sequence is not jumped); the seats are those of the definition."""
    method = m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=(Fraction(1), Fraction(5), Fraction(2), Fraction(3)),
                       step=Fraction(1))
    assert LinearDivisors.of(method) is not None and not LinearDivisors.of(method).ordered
    finite = m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=(Fraction(1), Fraction(5), Fraction(2)))
    rng = random.Random(3)
    for method_ in (method, finite):
        for _ in range(30):
            weights = random_weights(rng, 4)
            seats = rng.choice([9, 40, 200])
            want, left, _ = plain(method_, weights, seats)
            run = highest_averages(method_, weights, list(weights), seats, first)
            assert (run.seats, run.left) == (want, left)
