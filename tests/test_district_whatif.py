"""What-ifs on vote files with districts: swings in every district or one, and the votes a list
needs in one district to win or lose a seat (hemicycle.district_whatif through derived.derive_units
and the one Seats evaluator)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.analyses import as_election, as_rules
from hemicycle.api import locate_election
from hemicycle.cli import app
from hemicycle.derived import Seats, WhatIfError, derive_units, vote_units
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.grammar.parser import parse_rules
from hemicycle.interpreter import allocate
from hemicycle.votes import read_vote_file
from hemicycle.whatif import apply_swings, seat_margins

# (vote file, rule file) of the districted records the what-ifs are run on
RECORDS = [("spain-2015", "spain-1986"), ("poland-2019", "poland-2019"), ("czech-2021", "czech-2021"),
           ("finland-2019", "finland-2019"), ("denmark-2015", "denmark-2015")]


def official(name: str) -> dict[tuple[str, str], dict[str, int]]:
    vf = read_vote_file(locate_election(name).path)
    out: dict[tuple[str, str], dict[str, int]] = {}
    for level, unit, abbr, seats in vf.official_units:
        if abbr is not None and seats:
            out.setdefault((level, unit), {})[abbr] = seats
    return out


def per_unit(rules: object, election: Election) -> dict[tuple[str, str], dict[str, int]]:
    result = allocate(as_rules(rules).model, election, explain=False)  # type: ignore[arg-type]
    return {(u.level, u.name): {a: n for a, n in u.seats.items() if n} for u in result.districts}


def small() -> Election:
    """Two districts of 3 and 2 seats; A and B stand in both, C in North only."""
    units = (Unit(name="North", seats=3, votes={"A": 500, "B": 300, "C": 200}, totals={"valid": 1000, "blank": 10}),
             Unit(name="South", seats=2, votes={"A": 100, "B": 400}, totals={"valid": 500}))
    lists = (ListEntry(abbr="A", votes=600, registration_order=1), ListEntry(abbr="B", votes=700, registration_order=2),
             ListEntry(abbr="C", votes=200, registration_order=3))
    return Election(lists=lists, units=units, totals={"valid": 1500, "blank": 10})


RULES = """chamber "Small" seats 5
districts seats 5
tier "list" in each district {
  threshold 5% of valid_votes
  allocate dhondt
  ties registration_order
}
"""


@pytest.fixture
def small_rules(tmp_path: Path) -> str:
    path = tmp_path / "small.elect"
    path.write_text(RULES, "utf-8")
    return str(path)


# --- derive_units --------------------------------------------------------------------------------


def test_derive_units_keeps_every_figure_consistent() -> None:
    e = small()
    d = derive_units(e, {("district", "North"): {"A": 450, "B": 300, "C": 260}})
    north = d.tree.unit("district", "North")
    assert north is not None and north.votes == {"A": 450, "B": 300, "C": 260}
    assert north.totals == {"valid": 1010, "blank": 10}  # valid moves with the list votes, blank stays
    assert [x.votes for x in d.lists] == [550, 700, 260]
    assert d.totals == {"valid": 1510, "blank": 10}
    assert derive_units(e, {}) == e


def test_derive_units_refuses_a_list_that_did_not_stand() -> None:
    with pytest.raises(ValueError, match="the same lists stand there"):
        derive_units(small(), {("district", "South"): {"A": 100, "B": 400, "C": 5}})


def test_derive_units_moves_the_units_above() -> None:
    e = as_election("denmark-2015")
    leaf = vote_units(e)[0]
    assert leaf.level == "district" and leaf.parent is not None
    abbr = next(iter(leaf.votes))
    d = derive_units(e, {(leaf.level, leaf.name): {**leaf.votes, abbr: leaf.votes[abbr] + 1000}})
    up = d.tree.unit("province", leaf.parent)
    old = e.tree.unit("province", leaf.parent)
    assert up is not None and old is not None and up.votes[abbr] == old.votes[abbr] + 1000
    assert up.totals.get("valid", 0) == old.totals.get("valid", 0) + (1000 if "valid" in old.totals else 0)
    assert d.lists[e.abbrs.index(abbr)].votes == e.lists[e.abbrs.index(abbr)].votes + 1000


@pytest.mark.parametrize("votes, rules", RECORDS[:3])
def test_the_seats_evaluator_agrees_with_the_interpreter_on_changed_districts(votes: str, rules: str) -> None:
    e = as_election(votes)
    r = as_rules(rules)
    seats = Seats(r.model, e)
    units = vote_units(e)
    rng = random.Random(7)
    for _ in range(12):
        changes = {}
        for u in rng.sample(units, rng.choice([1, 2])):
            a = rng.choice(list(u.votes))
            changes[(u.level, u.name)] = {**u.votes, a: max(0, u.votes[a] + rng.randint(-u.votes[a], 50_000))}
        national, by_unit = seats.units_with(changes)
        derived = derive_units(e, changes)
        result = allocate(r.model, derived, explain=False)
        assert national == tuple(result.seats[x.abbr] for x in e.lists)
        expected = per_unit(rules, derived)
        assert by_unit == {k: v for k, v in expected.items() if k in by_unit}


# --- swings --------------------------------------------------------------------------------------


@pytest.mark.parametrize("votes, rules", RECORDS)
def test_a_zero_swing_gives_the_official_seats_in_every_district(votes: str, rules: str) -> None:
    e = as_election(votes)
    abbr = max(e.lists, key=lambda x: x.votes).abbr
    swung = apply_swings(e, [f"{abbr}=+0%"])
    assert swung.units == e.units and swung.lists == e.lists
    got = per_unit(rules, swung)
    for key, seats in official(votes).items():
        if key in got:
            assert got[key] == seats, key
    assert apply_swings(e, [f"{abbr}=+0"]).units == e.units


def test_a_uniform_swing_moves_the_share_in_every_district() -> None:
    e = small()
    d = apply_swings(e, ["C=+10%"])
    north = d.tree.unit("district", "North")
    assert north is not None and north.votes["C"] == 300 and sum(north.votes.values()) == 1000
    south = d.tree.unit("district", "South")
    assert south is not None and south.votes == {"A": 100, "B": 400}  # C did not stand there
    assert d.lists[2].votes == 300 and d.totals["valid"] == 1500


def test_a_swing_in_one_named_district() -> None:
    e = small()
    d = apply_swings(e, ["A=+100@South"])
    assert d.tree.unit("district", "North") == e.tree.unit("district", "North")
    south = d.tree.unit("district", "South")
    assert south is not None and south.votes == {"A": 200, "B": 400} and south.totals == {"valid": 600}
    assert d.lists[0].votes == 700 and d.totals["valid"] == 1600
    with pytest.raises(WhatIfError, match=r'no unit is called .Sout.; did you mean "South"'):
        apply_swings(e, ["A=+1@Sout"])
    with pytest.raises(WhatIfError, match="C did not stand in South"):
        apply_swings(e, ["C=+1%@South"])


def test_a_vote_swing_is_spread_in_proportion_and_a_share_stops_at_zero() -> None:
    e = small()
    d = apply_swings(e, ["A=-300"])  # 500 : 100 -> 250 and 50
    assert [u.votes["A"] for u in vote_units(d)] == [250, 50] and d.lists[0].votes == 300
    with pytest.raises(WhatIfError, match="A has only 600 votes"):
        apply_swings(e, ["A=-601"])
    d = apply_swings(e, ["A=-15%"])  # 50% in North -> 35%; 20% in South -> 5%
    assert [u.votes["A"] for u in vote_units(d)] == [350, 25]
    d = apply_swings(e, ["A=-30%"])
    assert [u.votes["A"] for u in vote_units(d)] == [200, 0]
    assert any("stopped at 0% in 1 district (South)" in n for n in d.notes)


def test_a_uniform_swing_on_a_real_record_keeps_each_district_total() -> None:
    e = as_election("spain-2015")
    d = apply_swings(e, ["PP=+2%"])
    for old, new in zip(vote_units(e), vote_units(d), strict=True):
        assert sum(old.votes.values()) == sum(new.votes.values()) and old.totals == new.totals
    assert allocate(as_rules("spain-1986").model, d, explain=False).seats["PP"] > 123


# --- margins -------------------------------------------------------------------------------------


def check_margins_flip(rules: str, e: Election, abbrs: list[str] | None = None) -> None:
    """Each margin, applied in its district, really changes the list's seats (interpreter), and one
    vote fewer does not."""
    r = as_rules(rules)
    now = allocate(r.model, e, explain=False).seats
    for mg in seat_margins(r, e, abbrs):
        assert mg.districts, mg.abbr
        gains = [d.gain for d in mg.districts if d.gain is not None]
        assert gains == sorted(gains) and (mg.gain == (gains[0] if gains else None))
        for dm in mg.districts[:2]:
            unit = e.tree.unit(dm.level, dm.district)
            assert unit is not None
            for amount, sign, moved in ((dm.gain, 1, lambda s, n: s > n), (dm.lose, -1, lambda s, n: s < n)):
                if amount is None:
                    continue
                for k, flips in ((amount, True), (amount - 1, False)):
                    moved_votes = {**unit.votes, mg.abbr: unit.votes[mg.abbr] + sign * k}
                    d = derive_units(e, {(dm.level, dm.district): moved_votes})
                    seats = allocate(r.model, d, explain=False).seats[mg.abbr]
                    assert moved(seats, now[mg.abbr]) is flips or k == 0, (mg.abbr, dm.district, k)


def test_margins_on_constructed_districts(small_rules: str) -> None:
    e = small()
    margins = seat_margins(as_rules(small_rules), e)
    by = {mg.abbr: mg for mg in margins}
    assert [(d.district, d.votes) for d in by["C"].districts] == [("North", 200)]
    assert by["A"].to_json()["gain_district"] == by["A"].gain_district
    check_margins_flip(small_rules, e)


@pytest.mark.parametrize("votes, rules, abbrs", [("spain-2015", "spain-1986", ["PP", "Cs", "EAJ-PNV"]),
                                                ("poland-2019", "poland-2019", ["PiS", "KO"]),
                                                ("finland-2019", "finland-2019", ["KOK", "VIHR"])])
def test_margins_on_real_records_flip_the_seat(votes: str, rules: str, abbrs: list[str] | None) -> None:
    e = as_election(votes)
    assert set(abbrs or []) <= set(e.abbrs)
    check_margins_flip(rules, e, abbrs)


SMALL_JSON = {"election": "small", "parties": [{"abbr": "A"}, {"abbr": "B"}, {"abbr": "C"}],
              "districts": [{"name": "North", "seats": 3, "totals": {"valid": 1000, "blank": 10},
                             "parties": [{"abbr": "A", "votes": 500}, {"abbr": "B", "votes": 300},
                                         {"abbr": "C", "votes": 200}]},
                            {"name": "South", "seats": 2, "totals": {"valid": 500},
                             "parties": [{"abbr": "A", "votes": 100}, {"abbr": "B", "votes": 400}]}]}


def test_margins_and_swings_on_the_command_line(small_rules: str, tmp_path: Path) -> None:
    votes = tmp_path / "small.json"
    votes.write_text(json.dumps(SMALL_JSON), "utf-8")
    run = CliRunner().invoke
    r = run(app, ["compare", small_rules, "--votes", str(votes), "--swing", "A=+1%", "--swing", "B=-50@South",
                  "--margins", "--no-properties", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    margins = next(iter(data["margins"].values()))
    a = next(mg for mg in margins if mg["abbr"] == "A")
    assert a["gain_district"] == a["districts"][0]["district"]
    assert {"district", "level", "votes", "votes_to_gain_a_seat", "votes_to_lose_a_seat"} <= set(a["districts"][0])
    r = run(app, ["compare", small_rules, "--votes", str(votes), "--margins", "--no-properties", "-q"])
    assert r.exit_code == 0 and (" in North" in r.stdout or " in South" in r.stdout), r.output
    r = run(app, ["compare", small_rules, "--votes", str(votes), "--swing", "A=+1%@Nowhere", "--no-properties", "-q"])
    assert r.exit_code == 2 and "no unit is called" in r.output


def test_margins_frame_per_district() -> None:
    pytest.importorskip("pandas")
    e = small()
    rules = as_rules(parse_rules(RULES, "small.elect"))
    df = seat_margins(rules, e).to_pandas(districts=True)
    assert list(df.columns)[:6] == ["rules", "abbr", "seats", "district", "level", "votes"]
    assert len(df) == 5  # A and B in two districts, C in one
    assert "gain_district" in seat_margins(rules, e).to_pandas().columns



# --- seat-vote curves ----------------------------------------------------------------------------


def test_a_district_curve_is_exact_on_constructed_districts() -> None:
    """The curve's seats agree with the interpreter at every breakpoint, just beside each and at
    random shares (the votes scaled in every district as DistrictCurve says)."""
    from fractions import Fraction

    from hemicycle.district_whatif import DistrictCurve
    from hemicycle.whatif import seat_vote_curve

    rules = as_rules(parse_rules(RULES, "small.elect"))
    e = small()
    for abbr in ("A", "C"):
        curve = seat_vote_curve(rules, e, abbr)
        exact = DistrictCurve(rules.model, e, abbr)
        assert curve.house == 5 and curve.at[Fraction(0)] == 0
        points = [x for x, _, _ in curve.breakpoints()]
        assert points, abbr
        rng = random.Random(3)
        probes = [*points, *(x + Fraction(1, 10**9) for x in points), *(x - Fraction(1, 10**9) for x in points),
                  *(Fraction(rng.randint(1, 10**6 - 1), 10**6) for _ in range(40))]
        for x in probes:
            seats = allocate(rules.model, exact.election_at(x), explain=False).seats[abbr]
            assert curve.seats_at(x) == seats, (abbr, x)
        now = Fraction(e.lists[e.abbrs.index(abbr)].votes, e.list_votes)
        assert curve.seats_at(now) == allocate(rules.model, e, explain=False).seats[abbr]


def test_a_district_curve_refuses_what_it_does_not_cover() -> None:
    from hemicycle.whatif import seat_vote_curve

    with pytest.raises(WhatIfError, match="apportioned by valid_votes"):
        seat_vote_curve(as_rules("czech-2021"), as_election("czech-2021"), "ANO")
    with pytest.raises(WhatIfError, match="does not allocate in each district by itself"):
        seat_vote_curve(as_rules("denmark-2015"), as_election("denmark-2015"), "A")
