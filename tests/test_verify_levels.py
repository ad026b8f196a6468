"""The verifier on chambers with levels (verify/levels.py, level_properties.py): the German 2005
negative vote weight found and replayed, the 2023 law and New Zealand decided, refusals with
their line, and a slice of the agreement of the encoding with the interpreter."""

from __future__ import annotations

import random

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle import verify as v
from hemicycle.cli import app
from hemicycle.verify.level_agreement import FAMILIES, agree_step, family, random_case
from hemicycle.verify.levels import LevelCase, agree, interpret, level_system, reduce


def _system(name: str, seats: int = 10, units: int = 2) -> object:
    return level_system(reduce(hemicycle.load(name).model, seats), units=units)


def test_the_documented_german_2005_counterexample_is_replayed_by_the_interpreter() -> None:
    sys = _system("germany-2005")
    a = interpret(sys, LevelCase([[2, 8], [5, 0]], [[4, 0], [1, 0]]))
    b = interpret(sys, LevelCase([[15, 8], [5, 0]], [[4, 0], [1, 0]]))
    assert not isinstance(a, str) and not isinstance(b, str)
    assert a.seats == [[4, 5], [4, 0]] and a.national == [8, 5] and a.total == 13
    assert b.seats == [[5, 3], [2, 0]] and b.national == [7, 3] and b.total == 10  # 13 more votes, 1 seat fewer


def test_german_2005_negative_vote_weight_is_found_and_replayed() -> None:
    [r] = v.verify(hemicycle.load("germany-2005").model, ["negative-vote-weight"], parties=2, seats=10, units=2,
                   max_votes=100, timeout=60)
    assert r.status is v.Status.REFUTED, r.reason
    a, b = r.counterexample or []
    gained = [k for k in a.votes if b.votes[k] > a.votes[k]]
    assert len(gained) == 1 and b.seats[gained[0]] < a.seats[gained[0]]
    assert all(d["won"] == e["won"] for d, e in zip(a.districts, b.districts, strict=True))


def test_the_cli_reports_the_refutation_with_exit_1() -> None:
    r = CliRunner().invoke(app, ["verify", "germany-2005", "-p", "negative-vote-weight", "-n", "2", "--seats", "10",
                                 "--max-votes", "100", "--format", "json"])
    assert r.exit_code == 1, r.output
    assert '"status": "refuted"' in r.output and '"won"' in r.output


@pytest.mark.parametrize("name,prop,status", [
    ("germany-2025", "house-size", v.Status.PROVED),
    ("new-zealand-2014", "overhang-free", v.Status.REFUTED),
    ("germany-2005", "house-size:10", v.Status.PROVED),  # at 10 seats 5 constituencies add at most 5
])
def test_house_size(name: str, prop: str, status: v.Status) -> None:
    [r] = v.verify(hemicycle.load(name).model, [prop], parties=2, seats=10, timeout=60)
    assert r.status is status, r.reason


def test_the_2013_law_is_refused_with_the_line_of_the_clause_not_encoded() -> None:
    with pytest.raises(v.UnsupportedClause) as info:
        v.verify(hemicycle.load("germany-2013").model, ["negative-vote-weight"], parties=2, seats=10)
    assert "germany-2013.elect:25:" in str(info.value)


def test_unknown_level_property_and_seats_without_levels_are_usage_errors() -> None:
    with pytest.raises(v.PropertyError, match="not a property of chambers with levels"):
        v.verify(hemicycle.load("germany-2005").model, ["monotonicity"], parties=2, seats=10)
    with pytest.raises(v.PropertyError, match="--seats"):
        v.verify(hemicycle.load("kazakhstan-2021").model, ["monotonicity"], parties=2, seats=10)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_encoding_agrees_with_the_interpreter_on_a_slice(name: str) -> None:
    sys = family(name)
    rng = random.Random(name)
    for j in range(3):
        case = random_case(sys, 3, rng)
        assert agree(sys, case, unique=j == 0) is None
        assert agree_step(sys, case, rng.randrange(sys.units), rng.randrange(3), rng.randint(1, 20)) is None
