"""hemicycle.batch_districts over several chunks: the figure checks folded into the pass that reads
each district's largest figures, the chunks that go the careful way (figures too large, 2**63 or
more), and the seats of every election against the interpreter's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import hemicycle
import hemicycle.batch_districts as bd
from hemicycle import model as m
from hemicycle.batch_districts import allocate_districts_batch, district_columns, row_election
from hemicycle.districted import interpreted, plan_districts
from hemicycle.election import Election, ListEntry, Unit

ABBRS = ["A", "B", "C", "D", "E"]


def chamber(method: str = "dhondt") -> m.Chamber:
    return hemicycle.loads(f'chamber "c" seats 20\ndistricts seats 20\ntier "t" in each district {{\n'
                           f'threshold 3% of valid_votes_and_blank\nallocate {method}\n'
                           'ties more_votes then lot seed 1\n}\n', "t.elect").model


def template() -> Election:
    units = (Unit(name="N", votes={a: 10 for a in ABBRS}, seats=7),
             Unit(name="S", votes={a: 10 for a in ABBRS[:3]}, seats=1),
             Unit(name="E", votes={a: 10 for a in ABBRS[1:]}, seats=12))
    lists = tuple(ListEntry(abbr=a, votes=sum(u.votes.get(a, 0) for u in units), registration_order=k + 1)
                  for k, a in enumerate(ABBRS))
    return Election(lists=lists, units=units)


def batch(n: int, seed: int = 1) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    cols = district_columns(template())
    votes = [rng.integers(0, 50_000, size=(n, len(c))) for c in cols]
    votes[0][::7, 0] = 0
    valid = np.stack([v.sum(axis=1) for v in votes], axis=1)
    blank = np.broadcast_to(np.array([100, 0, 7]), valid.shape)
    return votes, {"valid": valid, "blank": blank}


def interpreter_rows(rules: m.Chamber, votes: list[Any], totals: dict[str, Any], rows: Any) -> list[list[list[int]]]:
    """Each of these elections by the interpreter: per district, the seats of its columns."""
    e = template()
    plan = plan_districts(rules, e)
    assert plan is not None
    cols = district_columns(e)
    out = []
    for r in rows:
        won = interpreted(plan, row_election(plan, cols, votes, totals, r, len(e.lists)))
        out.append([[won.get(u, {}).get(e.lists[i].abbr, 0) for i in c] for u, c in zip(plan.units, cols, strict=True)])
    return out


def as_rows(seats: list[np.ndarray], rows: Any) -> list[list[list[int]]]:
    return [[[int(x) for x in s[r].tolist()] for s in seats] for r in rows]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bd, "_CHUNK", 64)


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague", "largest_remainder quota hare"])
def test_every_chunk_gives_the_interpreters_seats(small_chunks: None, method: str) -> None:
    rules = chamber(method)
    votes, totals = batch(300)  # chunks of 64 and a last one of 44
    got = allocate_districts_batch(rules, template(), votes, **totals)
    assert all(s.shape == v.shape and s.dtype == np.int64 for s, v in zip(got, votes, strict=True))
    rows = range(0, 300, 7)
    assert as_rows(got, rows) == interpreter_rows(rules, votes, totals, rows)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16])
def test_a_negative_figure_in_a_later_chunk_is_refused_naming_the_first_district(small_chunks: None,
                                                                                dtype: Any) -> None:
    votes, totals = batch(300)
    votes = [v.astype(dtype) if dtype != np.int16 else (v // 4).astype(dtype) for v in votes]
    votes[2][250, 1] = -1
    votes[1][200, 0] = -3  # the first district with a negative figure, in an earlier chunk than district 2's
    with pytest.raises(ValueError, match="votes of district 1 must not be negative"):
        allocate_districts_batch(chamber(), template(), votes, **totals)
    votes[1][200, 0] = 5
    with pytest.raises(ValueError, match="votes of district 2 must not be negative"):
        allocate_districts_batch(chamber(), template(), votes, **totals)


def test_a_negative_broadcast_total_is_refused() -> None:
    votes, totals = batch(10)
    totals["blank"] = np.broadcast_to(np.array([1, -1, 0]), totals["valid"].shape)
    with pytest.raises(ValueError, match="blank must not be negative"):
        allocate_districts_batch(chamber(), template(), votes, **totals)


def test_unsigned_figures_of_2_63_or_more_go_exactly(small_chunks: None) -> None:
    """An unsigned figure of 2**63 or more (which 64-bit signed integers would wrap to a negative
    one): its election goes to the exact path and gets the interpreter's seats; the others keep
    the arrays' seats."""
    rules = chamber()
    votes, totals = batch(200)
    unsigned = [v.astype(np.uint64) for v in votes]
    unsigned[0][130, 2] = 2**63 + 5
    unsigned[2][10, 0] = 2**64 - 2**20
    valid = np.stack([v.astype(object).sum(axis=1) for v in unsigned], axis=1)
    tot = {"valid": valid.astype(np.uint64) if valid.max() < 2**64 else valid, "blank": totals["blank"]}
    got = allocate_districts_batch(rules, template(), unsigned, **tot)
    objects = [v.astype(object) for v in unsigned]
    rows = [10, 130, 0, 63, 64, 199]
    exact = {k: np.asarray(t, dtype=object) for k, t in tot.items()}
    assert as_rows(got, rows) == interpreter_rows(rules, objects, exact, rows)
    assert got[0][130].tolist()[2] == 7  # the list with 2**63 votes takes every seat of its district


def test_a_chunk_with_figures_too_large_for_the_arrays_goes_the_careful_way(small_chunks: None) -> None:
    """Figures near 2**62 in one election of the third chunk: that election goes exactly, the rest
    of its chunk by the arrays, every election with the interpreter's seats."""
    rules = chamber()
    votes, totals = batch(200)
    votes[1][140] = [2**62 - 7, 2**61, 3]
    votes[0][141] = [2**40, 2**39, 2**38, 5, 0]
    totals = {"valid": np.stack([v.sum(axis=1) for v in votes], axis=1), "blank": totals["blank"]}
    got = allocate_districts_batch(rules, template(), votes, **totals)
    rows = [0, 127, 128, 139, 140, 141, 150, 191, 199]
    assert as_rows(got, rows) == interpreter_rows(rules, votes, totals, rows)


def test_a_large_result_is_an_ordinary_writable_array_of_zeros() -> None:
    """The results of large batches are fresh mappings of their own (no huge-page advice): zeros,
    int64, writable, their memory kept by the array and its views."""
    big = bd._zeros((6, 200_000))
    assert big.dtype == np.int64 and big.shape == (6, 200_000) and big.flags.writeable
    assert not big.any()
    view = big.T[5:9]
    del big
    view[:, 3] = 7
    assert int(view.sum()) == 28 and view.base is not None
    small = bd._zeros((3, 4))
    assert small.flags.owndata and not small.any()
