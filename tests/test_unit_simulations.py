"""Simulations of elections whose rules allocate at several levels or whose vote file has units
above the districts (hemicycle.uncertainty._unit_seats): each simulated election through the
interpreter gives the batch path's seats where both apply, and the bundled levelling and two-vote
files simulate instead of failing."""

from __future__ import annotations

import pytest

import hemicycle
from hemicycle.analyses import as_election, as_rules
from hemicycle.uncertainty import _district_seats, _unit_seats, seat_distribution, simulate_district_votes


def test_the_row_by_row_path_gives_the_batch_paths_seats_on_the_same_draws() -> None:
    rules, election = as_rules("spain-1986"), as_election("spain-2015")
    votes, totals = simulate_district_votes(election, 4, seed=4, level="district")
    batch = _district_seats(rules, election)(votes, totals)
    rows = _unit_seats(rules, election, "district")(votes, totals)
    assert (batch == rows).all()


@pytest.mark.parametrize(("rules", "votes"), [("denmark-2015", "denmark-2015"), ("germany-2005", "germany-2025"),
                                              ("scotland-2011", "scotland-2011")])
def test_levelling_and_two_vote_files_simulate(rules: str, votes: str) -> None:
    found = seat_distribution(as_rules(rules), as_election(votes), 3, seed=2)
    house = hemicycle.load(rules).model.seats
    for a in found.abbrs:
        assert sum(found.counts[a].values()) == 3
    # every simulated parliament has at least the house (overhang may enlarge it)
    assert sum(found.mean(a) for a in found.abbrs) >= house


def test_votes_given_only_nationally_cannot_be_drawn_in_districts() -> None:
    with pytest.raises(ValueError, match="no unit of the vote file gives the lists' votes"):
        seat_distribution(as_rules("new-zealand-2014"), as_election("new-zealand-2014"), 3)


def test_a_draw_the_rules_cannot_allocate_is_counted_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """A simulated election with a gap of the law (here: every other draw) is left out of the
    figures and counted, its reason kept, instead of failing the whole distribution."""
    from hemicycle import derived
    from hemicycle.interpreter.errors import AllocationError

    real = derived.Seats.units
    calls = {"n": 0}

    def sometimes(self: derived.Seats, election: object) -> object:
        calls["n"] += 1
        if calls["n"] % 2 == 0:
            raise AllocationError("a seat no district can take")
        return real(self, election)  # type: ignore[arg-type]

    monkeypatch.setattr(derived.Seats, "units", sometimes)
    found = seat_distribution(as_rules("scotland-2011"), as_election("scotland-2011"), 4, seed=2)
    assert (found.simulations, found.undecided, found.undecided_reason) == (2, 2, "a seat no district can take")
    assert all(sum(c.values()) == 2 for c in found.counts.values())
    data = found.to_json()
    assert data["undecided"] == 2 and data["simulations"] == 2
