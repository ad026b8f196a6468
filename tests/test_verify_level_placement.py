"""The placements of levelling and adjustment seats encoded seat by seat (verify/placement.py):
Iceland's placement in turn, Denmark's placement into provinces and within them, and Denmark's
province quota threshold, each against the interpreter on constructed and random elections."""

from __future__ import annotations

import random
from functools import cache

import pytest

import hemicycle
from hemicycle.verify.level_agreement import PinnedLevels, family, random_case
from hemicycle.verify.levels import LevelCase, encoded, interpret, level_system, reduce


@cache
def _pinned(name: str) -> PinnedLevels:
    """Each family's encodings built once for the module (the checks are ``levels.agree``'s)."""
    return PinnedLevels(family(name), 3)


# Iceland at 21 seats (18 district seats, 3 adjustment seats, rooms 2 and 1, 2 quotients per list and
# district): a list whose turn comes with no quotient left in a district with room loses its turns,
# and its seat goes to the next list in the national order
_TURNS_LOST = [
    LevelCase([[4, 5, 5], [2, 0, 2]], [], mags=[6, 12]),
    LevelCase([[0, 1045, 950], [1520, 380, 1520]], [], mags=[9, 9]),
    LevelCase([[0, 0, 190], [380, 380, 380]], [], mags=[3, 15]),
    LevelCase([[0, 0, 78], [78, 78, 78]], [], mags=[8, 10]),
]


@pytest.mark.parametrize("case", _TURNS_LOST)
def test_a_list_with_no_quotient_left_loses_its_turns(case: LevelCase) -> None:
    sys = family("iceland-2021")
    o = interpret(sys, case)
    assert not isinstance(o, str) and "loses its remaining turns" in o.trace
    assert _pinned("iceland-2021").agree(case, unique=True, want=o) is None


def test_in_turn_gives_other_seats_than_the_national_continuation() -> None:
    sys, plain = family("iceland-2021"), family("iceland-2021-not-in-turn")
    case = LevelCase([[0, 0, 78], [78, 78, 78]], [], mags=[8, 10])
    o = interpret(sys, case)
    assert not isinstance(o, str) and o.national == [4, 4, 13] and o.seats == [[0, 0, 10], [4, 4, 3]]
    assert plain.placing == "" and sys.placing == "in turn" and sys.total_bound >= 2**20


def test_a_placement_with_no_province_open_leaves_the_election_out() -> None:
    sys = family("denmark-2015")  # 12 seats: 9 district seats in 2 provinces of one district, 3 levelling
    case = LevelCase([[4, 0, 8], [0, 8, 8]], [], mags=[5, 4])
    o = interpret(sys, case)
    assert isinstance(o, str) and "seats cannot be placed" in o
    _, _, defined = encoded(sys, case)
    assert not defined  # the encoding leaves it out too (``agree`` then holds)


@pytest.mark.parametrize("case,national", [
    # L3 has 26% (under 30%) but a quota in both provinces: admitted, and levelled
    (LevelCase([[12, 0, 10], [0, 19, 9], [16, 12, 16]], [], mags=[1, 4, 4]), [4, 4, 4]),
    (LevelCase([[16, 4, 12], [20, 5, 6], [10, 16, 2]], [], mags=[3, 4, 2]), [6, 4, 2]),
])
def test_the_province_quota_test_admits_a_list(case: LevelCase, national: list[int]) -> None:
    sys = family("denmark-quota")  # 3 districts in provinces of 2 and 1
    o = interpret(sys, case)
    assert not isinstance(o, str) and o.national == national and "(2 of 2)" in o.trace
    assert _pinned("denmark-quota").agree(case, unique=True, want=o) is None


def test_each_district_gets_its_placed_seats() -> None:
    sys = family("denmark-2015-3-districts")
    case = LevelCase([[0, 579960, 868500], [50850, 708120, 357930], [596070, 610920, 255060]], [], mags=[2, 3, 6])
    o = interpret(sys, case)
    assert not isinstance(o, str) and o.seats == [[0, 2, 2], [0, 2, 1], [2, 3, 2]]
    assert _pinned("denmark-2015-3-districts").agree(case, unique=True, want=o) is None


@pytest.mark.slow  # the CI slice (~10 s each): the pinned harness on random elections and step pairs of every
# new family; scripts/level_placement_chunks.py runs the hundreds (docs/figures/agreement-levels-placements-*)
@pytest.mark.parametrize("name", ["iceland-2021", "denmark-2015-3-districts", "denmark-quota"])
def test_random_elections_and_steps_agree(name: str) -> None:
    sys = family(name)
    fast = _pinned(name)
    rng = random.Random(f"placement-{name}")
    for j in range(4):
        case = random_case(sys, 3, rng)
        o = interpret(sys, case)
        assert fast.agree(case, unique=j == 0, want=o) is None
        if not isinstance(o, str):
            k, p = rng.randrange(sys.units), rng.randrange(3)
            assert fast.agree_step(case, k, p, rng.randint(1, 50), o) is None


def test_the_chambers_are_encoded_with_their_placements() -> None:
    for name, units, placing in (("iceland-2021", 2, "in turn"), ("denmark-2015", 3, "provinces")):
        sys = level_system(reduce(hemicycle.load(name).model, 14), units=units)
        assert sys.placing == placing and sys.districted
    assert "seat by seat" in level_system(reduce(hemicycle.load("denmark-2015").model, 14), units=3).shape
