"""One check of votes and totals for every entry point (hemicycle.validate): the API refuses what
the command line refuses, and accepts NumPy integers wherever it accepts ints (issue 12, items 7
and 8)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.election import Election, ListEntry
from hemicycle.uncertainty import simulate_votes
from hemicycle.validate import MAX_DIGITS, figure, parse_figure

KZ = [659019, 5148074, 383023, 792828, 258618]
KZ_SEATS = (10, 76, 0, 12, 0)
ABBRS = ["QHP", "NurOtan", "Auyl", "AkZhol", "Adal"]


@pytest.fixture(scope="module")
def rules() -> hemicycle.Rules:
    return hemicycle.load("kazakhstan-2021")


def _entry_points(rules: hemicycle.Rules):  # type: ignore[no-untyped-def]
    """Every way to allocate votes with totals, each a function (votes, **totals) -> seats."""
    f = hemicycle.compile(rules)

    def allocate(votes, **totals):  # type: ignore[no-untyped-def]
        seats = rules.allocate(dict(zip(ABBRS, votes, strict=True)), explain=False, **totals).seats
        return tuple(seats[a] for a in ABBRS)

    def from_votes(votes, **totals):  # type: ignore[no-untyped-def]
        seats = rules.allocate(Election.from_votes(dict(zip(ABBRS, votes, strict=True)), **totals)).seats
        return tuple(seats[a] for a in ABBRS)

    def batch(votes, **totals):  # type: ignore[no-untyped-def]
        return tuple(hemicycle.allocate_batch(rules, np.array([votes], dtype=object), **totals)[0].tolist())

    return {"allocate": allocate, "from_votes": from_votes, "compiled": f, "batch": batch}


@pytest.mark.parametrize("path", ["allocate", "from_votes", "compiled", "batch"])
@pytest.mark.parametrize(("bad", "error"), [
    (0.99, TypeError), ("0", TypeError), (True, TypeError), (np.float64(297718.0), TypeError),
    (-1, ValueError), (np.int64(-1), ValueError), (np.timedelta64(5), TypeError),
    pytest.param(10**MAX_DIGITS, ValueError, id="4301-digits"),
])
def test_a_bad_total_is_refused_on_every_path(rules: hemicycle.Rules, path: str, bad: object,
                                              error: type[Exception]) -> None:
    with pytest.raises(error, match="invalid"):
        _entry_points(rules)[path](KZ, invalid=bad)


@pytest.mark.parametrize("path", ["allocate", "from_votes", "compiled", "batch"])
@pytest.mark.parametrize(("bad", "error"), [
    (-5, ValueError), (True, TypeError), (False, TypeError), (5.0, TypeError), ("5", TypeError),
    (np.bool_(True), TypeError), pytest.param(10**MAX_DIGITS, ValueError, id="4301-digits"),
])
def test_a_bad_vote_is_refused_on_every_path(rules: hemicycle.Rules, path: str, bad: object,
                                             error: type[Exception]) -> None:
    votes = [*KZ[:4], bad]
    with pytest.raises(error):
        _entry_points(rules)[path](votes, invalid=297718)


@pytest.mark.parametrize("path", ["allocate", "from_votes", "compiled", "batch"])
def test_numpy_integers_are_accepted_on_every_path(rules: hemicycle.Rules, path: str) -> None:
    votes = [np.int64(v) for v in KZ[:3]] + [np.uint32(KZ[3]), np.int32(KZ[4])]
    assert _entry_points(rules)[path](votes, invalid=np.int64(297718)) == KZ_SEATS


def test_the_compiled_function_takes_a_numpy_row(rules: hemicycle.Rules) -> None:
    f = hemicycle.compile(rules)
    assert f(np.array(KZ, dtype=np.int64), invalid=np.int32(297718)) == KZ_SEATS
    assert f(np.array(KZ, dtype=np.uint64), invalid=297718) == KZ_SEATS


def test_the_compiled_function_refuses_unknown_totals(rules: hemicycle.Rules) -> None:
    with pytest.raises(ValueError, match="unknown total 'invalids'"):
        hemicycle.compile(rules)(KZ, invalids=3)


def test_an_election_with_totals_given_twice_is_refused(rules: hemicycle.Rules) -> None:
    election = Election.from_votes(dict(zip(ABBRS, KZ, strict=True)), invalid=297718)
    with pytest.raises(TypeError, match="given an Election and invalid"):
        rules.allocate(election, invalid=0)


def test_list_entries_take_numpy_integers_as_ints() -> None:
    entry = ListEntry(abbr="A", votes=np.int64(5), district_seats=np.uint8(2))
    assert type(entry.votes) is int and type(entry.district_seats) is int
    with pytest.raises(TypeError, match="votes of list 'A'"):
        ListEntry(abbr="A", votes=5.0)  # type: ignore[arg-type]


def test_figures_whose_sum_has_too_many_digits_are_refused() -> None:
    big = 10**MAX_DIGITS - 1  # the largest figure
    with pytest.raises(ValueError, match="add up to more than 4,300 digits"):
        Election.from_votes({"A": big, "B": big})
    with pytest.raises(ValueError, match="add up to more than 4,300 digits"):
        Election.from_votes({"A": big}, invalid=1)
    Election.from_votes({"A": big})  # on its own, it is a figure


# --- batch arrays -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("votes", "message"), [
    (np.array([KZ], dtype="m8[s]"), "time spans"),
    (np.array([KZ], dtype="M8[D]"), "dates"),
    (np.array([KZ], dtype=bool), "booleans"),
    (np.array([KZ], dtype=np.float64), "floating point"),
    (np.array([[np.timedelta64(v) for v in KZ]], dtype=object), "row 0, column 0"),
    (np.array([[*KZ[:4], "5"]], dtype=object), "row 0, column 4"),
])
def test_batch_refuses_arrays_of_other_things(rules: hemicycle.Rules, votes: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        hemicycle.allocate_batch(rules, votes, invalid=297718)


def test_batch_refuses_masked_votes_and_reads_unmasked_ones(rules: hemicycle.Rules) -> None:
    masked = np.ma.masked_array([KZ, KZ], mask=[[0, 0, 0, 0, 0], [0, 0, 1, 0, 0]])
    with pytest.raises(ValueError, match="masked entry at row 1, column 2"):
        hemicycle.allocate_batch(rules, masked, invalid=297718)
    clear = np.ma.masked_array([KZ], mask=False)
    assert tuple(hemicycle.allocate_batch(rules, clear, invalid=297718)[0]) == KZ_SEATS
    with pytest.raises(ValueError, match="invalid has a masked entry"):
        hemicycle.allocate_batch(rules, np.array([KZ]), invalid=np.ma.masked_array([1], mask=[1]))


# --- the command line ---------------------------------------------------------------------------

def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(("value", "message"), [
    ("²", "write a whole number with the digits 0-9"),
    ("٣", "write a whole number with the digits 0-9"),
    ("1" * 5000, "a figure of 5,000 digits is too long (at most 4,300)"),
    ("-3", "write a whole number"),
    ("0.99", "write a whole number"),
])
def test_cli_totals_are_refused_with_exit_2(value: str, message: str) -> None:
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "--total", f"invalid={value}")
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output


def test_cli_figures_at_the_digit_limit_whose_sum_exceeds_it(tmp_path: Path) -> None:
    big = "9" * MAX_DIGITS
    votes = tmp_path / "big.json"
    parties = [f'{{"abbr": "{a}", "name": "{a}", "votes": {big}}}' for a in "AB"]
    votes.write_text(f'{{"election": "x", "parties": [{", ".join(parties)}]}}', "utf-8")
    r = run("allocate", "kazakhstan-2021-dhondt", str(votes))
    assert r.exit_code == 2, r.output
    assert "add up to more than 4,300 digits" in r.stderr
    votes.write_text(f'{{"election": "x", "parties": [{parties[0]}]}}', "utf-8")
    assert run("allocate", "kazakhstan-2021-dhondt", str(votes), "--total", "invalid=0").exit_code == 0
    r = run("allocate", "kazakhstan-2021-dhondt", str(votes), "--total", f"invalid={big}")
    assert r.exit_code == 2 and "add up to more than 4,300 digits" in r.stderr, r.output


@pytest.mark.parametrize(("item", "message"), [
    ("NurOtan=nan", "finite number"), ("NurOtan=inf", "finite number"), ("NurOtan=-0.01", "not negative"),
    ("NurOtan=x", "write a number"), ("Nobody=0.01", "'Nobody', which is not a list"), ("NurOtan", "ABBR=SE"),
])
def test_cli_standard_errors_are_refused_with_exit_2(item: str, message: str) -> None:
    r = run("compare", "kazakhstan-2021", "--votes", "kazakhstan-2021", "--no-properties", "--simulate", "10",
            "--model", "normal", "--se", item)
    assert r.exit_code == 2, r.output
    assert message in r.stderr


def test_standard_errors_are_checked_in_the_api() -> None:
    election = Election.from_votes({"A": 60, "B": 40})
    with pytest.raises(ValueError, match="finite"):
        simulate_votes(election, 5, model="normal", standard_errors={"A": float("nan")})
    counts, _ = simulate_votes(election, 5, model="normal", standard_errors={"A": 0.01, "B": np.float32(0)})
    assert counts.shape == (5, 2)


def test_figure_and_parse_figure() -> None:
    assert figure(np.uint64(2**64 - 1), "x") == 2**64 - 1
    assert parse_figure(" 007 ", "invalid") == 7
    with pytest.raises(ValueError, match="digits 0-9"):
        parse_figure("１２", "invalid")  # fullwidth digits
    assert json.dumps(figure(np.int64(3), "x")) == "3"
