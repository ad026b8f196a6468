"""The batch path gives exactly the interpreter's seats, row by row."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

import hemicycle
from hemicycle.batch import allocate_batch
from hemicycle.interpreter import AllocationError
from variants import VARIANTS, load_variant, random_votes


@pytest.mark.parametrize("name", list(VARIANTS))
@pytest.mark.parametrize("lists", [1, 3, 5, 7])
def test_batch_agrees_with_interpreter(name: str, lists: int) -> None:
    rules = load_variant(name, VARIANTS[name])
    rng = random.Random(zlib.crc32(f"{name}/{lists}".encode()))
    rows, invalids, expected = [], [], []
    while len(rows) < 120:
        votes, invalid = random_votes(rng)
        votes = (votes * lists)[:lists]
        abbrs = [f"L{i + 1}" for i in range(lists)]
        try:
            seats = rules.allocate(dict(zip(abbrs, votes, strict=True)), invalid=invalid, against_all=0,
                                   explain=False).seats
        except AllocationError:
            continue
        rows.append(votes)
        invalids.append(invalid)
        expected.append([seats[a] for a in abbrs])
    got = allocate_batch(rules, np.array(rows, dtype=np.int64), invalid=np.array(invalids), against_all=0)
    assert got.tolist() == expected


def test_kazakhstan_2021_batch() -> None:
    rules = hemicycle.load("kazakhstan-2021")
    v = np.array([[659019, 5148074, 383023, 792828, 258618], [990, 6, 4, 0, 0], [990, 5, 5, 0, 0]])
    assert allocate_batch(rules, v, invalid=np.array([297718, 0, 0])).tolist() == [
        [10, 76, 0, 12, 0], [96, 2, 0, 0, 0], [96, 2, 0, 0, 0]]


def test_overflow_falls_back_to_exact_integers() -> None:
    rules = hemicycle.load("kazakhstan-2021")
    big = 10**30
    v = np.array([[big * 7, big * 2, big]], dtype=object)
    got = allocate_batch(rules, v, invalid=0)
    f = hemicycle.compile(rules)
    assert tuple(got[0]) == f([big * 7, big * 2, big], invalid=0)


def test_batch_refuses_negative_votes() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate_batch(hemicycle.load("kazakhstan-2021"), np.array([[1, -1]]), invalid=0)
