"""Derived elections keep every figure of the original (issue 12, item 3): swings, margins, curves
and simulations are built by ``hemicycle.derived.derive`` and allocated by ``Seats``, which takes
the compiled or batch path only where it is exact. The reproducer: a zero swing on Israel 2015
changed seats (the agreements were dropped)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import hemicycle
from hemicycle.derived import Seats, derive
from hemicycle.election import Election, ListEntry
from hemicycle.reproduce import bundled_cases
from hemicycle.uncertainty import seat_distribution, simulate_votes
from hemicycle.votes import load_votes
from hemicycle.whatif import apply_swings, seat_margins, seat_vote_curve

CASES = bundled_cases()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.election)
def test_a_zero_swing_changes_nothing_on_every_bundled_election(case) -> None:  # type: ignore[no-untyped-def]
    rules = hemicycle.load(str(case.rules_path))
    election = load_votes(case.votes_path)
    if not election.lists:
        pytest.skip("an apportionment of seats to states: no list to swing")
    before = rules.allocate(election, explain=False)
    first = election.lists[0].abbr
    for swing in (f"{first}=+0", f"{first}=-0%"):
        after = apply_swings(election, [swing])
        assert dataclasses.replace(after, name=election.name) == election
        assert rules.allocate(after, explain=False).seats == before.seats
    seats = Seats(rules.model, election)
    assert seats([e.votes for e in election.lists], election.totals) == tuple(
        before.seats[e.abbr] for e in election.lists)
    row = np.array([[e.votes for e in election.lists]], dtype=object)
    assert seats.batch(row, dict(election.totals)).tolist() == [[before.seats[e.abbr] for e in election.lists]]


def test_compare_zero_swing_on_israel_2015_keeps_the_agreements() -> None:
    from typer.testing import CliRunner

    from hemicycle.cli import app

    runner = CliRunner()
    plain = runner.invoke(app, ["compare", "israel-2015", "--votes", "israel-2015", "--no-properties", "-f", "json"])
    swung = runner.invoke(app, ["compare", "israel-2015", "--votes", "israel-2015", "--no-properties", "-f", "json",
                                "--swing", "מחל=+0"])
    assert plain.exit_code == 0 and swung.exit_code == 0, swung.output
    import json

    assert json.loads(plain.stdout)["systems"][0]["seats"] == json.loads(swung.stdout)["systems"][0]["seats"]


def test_derive_keeps_every_field_and_follows_the_reported_shares() -> None:
    entry = ListEntry(abbr="A", votes=100, registration_order=2, ballot_order=5, list_size=7, tags=frozenset({"t"}),
                      district_seats=3, regional_votes={"N": 40},
                      reported_shares={"registered_voters": Fraction(1, 10)}, reported_regional=True, combination="K")
    other = ListEntry(abbr="B", votes=50, registration_order=1)
    election = Election(lists=(entry, other), totals={"invalid": 5}, name="e", substitutes={"ballots_cast": "valid"},
                        agreements=(("A", "B"),), regions={"N": {"valid": 60}}, notes=("read with a note",))
    same = derive(election, [100, 50])
    assert same == election
    swung = derive(election, [200, 50], {"invalid": 6})
    a = swung.lists[0]
    assert a.reported_shares == {"registered_voters": Fraction(1, 5)}  # twice the votes, same registered voters
    assert dataclasses.replace(a, votes=100, reported_shares=entry.reported_shares) == entry
    assert swung.totals == {"invalid": 6}
    assert dataclasses.replace(swung, lists=election.lists, totals=election.totals) == election
    scaled = derive(election, [200, 100], scale=Fraction(2))  # the electorate doubled with the votes
    assert scaled.lists[0].reported_shares == entry.reported_shares
    with pytest.raises(ValueError):
        derive(election, [1])


def _agreement_rules() -> hemicycle.Rules:
    return hemicycle.loads('chamber "c" seats 10\ntier "t" seats 10 { threshold 3% of valid_votes '
                           "allocate dhondt alliances from agreements split by dhondt ties registration_order }")


def _agreement_election() -> Election:
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=i + 1)
                  for i, (a, v) in enumerate([("A", 4600), ("B", 2600), ("C", 900), ("D", 700)]))
    return Election(lists=lists, totals={"valid": 8800, "invalid": 10}, agreements=(("C", "D"),))


def test_margins_curves_and_simulations_keep_the_agreements() -> None:
    rules, election = _agreement_rules(), _agreement_election()
    alone = dataclasses.replace(election, agreements=())
    assert rules.allocate(election).seats != rules.allocate(alone).seats  # the agreement matters here
    assert not Seats(rules.model, election).fast
    for e in (election, alone):
        seats = rules.allocate(e).seats
        margins = {mg.abbr: mg for mg in seat_margins(rules, e)}
        for abbr, mg in margins.items():
            assert mg.seats == seats[abbr]
            i = e.abbrs.index(abbr)
            if mg.gain is not None:
                votes = [x.votes for x in e.lists]
                votes[i] += mg.gain
                totals = dict(e.totals, valid=e.totals["valid"] + mg.gain)
                assert rules.allocate(derive(e, votes, totals)).seats[abbr] > seats[abbr]
        curve = seat_vote_curve(rules, e, "C")
        x = Fraction(e.lists[2].votes, e.list_votes)
        assert curve.seats_at(x) == seats["C"]
    with_agreement = seat_distribution(rules, election, 200, seed=3)
    without = seat_distribution(rules, alone, 200, seed=3)
    assert with_agreement.counts != without.counts
    votes, totals = simulate_votes(election, 200, seed=3)
    expected = [tuple(rules.allocate(derive(election, row.tolist(), {k: int(v[j]) for k, v in totals.items()}),
                                     explain=False).seats[a] for a in election.abbrs) for j, row in enumerate(votes)]
    counts: dict[str, dict[int, int]] = {a: {} for a in election.abbrs}
    for row in expected:
        for a, s in zip(election.abbrs, row, strict=True):
            counts[a][s] = counts[a].get(s, 0) + 1
    assert with_agreement.counts == counts


def test_the_fast_path_is_taken_only_where_exact_and_honours_registration_order() -> None:
    rules = hemicycle.loads('chamber "c" seats 2\ntier "t" seats 2 { allocate dhondt ties registration_order }')
    # A, B and C (its second quotient) tie for the last seat; B registered first, so B wins it, though A
    # comes first in the file
    election = Election(lists=(ListEntry(abbr="A", votes=100, registration_order=2),
                               ListEntry(abbr="B", votes=100, registration_order=1),
                               ListEntry(abbr="C", votes=200, registration_order=3)))
    seats = Seats(rules.model, election)
    assert seats.fast
    expected = rules.allocate(election).seats
    assert seats([100, 100, 200], {}) == (expected["A"], expected["B"], expected["C"]) == (0, 1, 1)
    assert seats.batch(np.array([[100, 100, 200]]), {}).tolist() == [[0, 1, 1]]


def test_simulated_totals_keep_what_else_the_ballots_count(tmp_path: Path) -> None:
    election = load_votes(Path(str(hemicycle.api.resolve_election("new-zealand-2017"))))
    votes, totals = simulate_votes(election, 50, seed=1)
    cast, valid, invalid = totals["ballots_cast"], totals["valid"], totals["invalid"]
    assert (valid == votes.sum(axis=1)).all()
    assert (cast - valid - invalid > 0).all()  # the disallowed ballots are still in ballots cast


def test_colours_and_positions_keep_the_fast_path_and_its_seats() -> None:
    """A bundled election carries its lists' colours and positions (for pictures): they never decide
    seats, so simulations of it take the batch path (they took the interpreter row by row, 75x
    slower) and give the interpreter's seats."""
    rules = hemicycle.load("kazakhstan-2021")
    election = load_votes(Path(hemicycle.__file__).parent / "elections" / "kazakhstan-2021.json")
    assert any(e.position is not None or e.color is not None for e in election.lists)
    seats = Seats(rules.model, election)
    assert seats.fast
    rng = np.random.default_rng(7)
    base = np.array([e.votes for e in election.lists])
    rows = np.maximum(base + rng.integers(-400_000, 400_000, size=(40, len(base))), 0)
    rows[0] = base
    invalid = election.totals.get("invalid", 0)
    got = seats.batch(rows, {"invalid": invalid})
    for row, row_seats in zip(rows, got, strict=True):
        derived = derive(election, row.tolist(), {"invalid": invalid})
        expected = rules.allocate(derived).seats
        assert row_seats.tolist() == [expected[e.abbr] for e in election.lists]
