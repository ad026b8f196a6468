"""Districts: magnitudes, tiers in each district, thresholds at other levels, the two scrutinies
of the Czech law, district vote files, outputs; constructed elections for every clause, and the
real records' facts at every level."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle import model as m
from hemicycle.cli import app
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.highest_averages import highest_averages
from hemicycle.interpreter import AllocationError, MissingFigure, TieError, allocate
from hemicycle.interpreter.divisors import divisor_method
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.reproduce import reproduce
from hemicycle.votes import VoteFileError, election_to_json, parse_vote_file

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src/hemicycle/elections"


def election(units: list[Unit], *lists: ListEntry, **kw: Any) -> Election:
    """An election whose national votes are the sums of the units' (lists in the order given)."""
    sums: dict[str, int] = {}
    for u in units:
        for a, v in u.votes.items():
            sums[a] = sums.get(a, 0) + v
    entries = lists or tuple(ListEntry(abbr=a, votes=0) for a in sums)
    out = tuple(ListEntry(**{**_fields(e), "votes": sums.get(e.abbr, 0), "registration_order": k + 1})
                for k, e in enumerate(entries))
    return Election(lists=out, units=tuple(units), **kw)


def _fields(e: ListEntry) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(e, f.name) for f in fields(e)}


def unit(name: str, votes: dict[str, int], seats: int | None = None, **kw: Any) -> Unit:
    return Unit(name=name, votes=votes, seats=seats, **kw)


def rules(text: str) -> m.Chamber:
    return hemicycle.loads(text, "t.elect").model


def dhondt(seats: int, body: str = "", ties: str = "ties more_votes then lot seed 1", level: str = "") -> m.Chamber:
    return rules(f'chamber "c" seats {seats}\ndistricts seats {seats} {level}\n'
                 f'tier "t" in each district {{\n{body}\nallocate dhondt\n{ties}\n}}\n')


def seats_in(result: Any) -> dict[str, dict[str, int]]:
    return {u.name: {a: n for a, n in u.seats.items() if n} for u in result.districts}


# --- tiers in each district ----------------------------------------------------------------------


def test_each_district_is_allocated_on_its_own_votes() -> None:
    e = election([unit("N", {"A": 60, "B": 40}, 3), unit("S", {"A": 10, "B": 90}, 2)])
    r = allocate(dhondt(5), e)
    assert seats_in(r) == {"N": {"A": 2, "B": 1}, "S": {"B": 2}}
    assert r.seats == {"A": 2, "B": 3} and r.total == 5
    assert [t.district for t in r.tiers[0].parts] == ["N", "S"]
    assert "N (3 seats)" in r.explain() and "Seat 3: A (quotient 30)" in r.explain("N")
    assert "S (2 seats)" not in r.explain("N") and "S (2 seats)" in r.explain("S")


def test_a_list_standing_in_some_districts_only() -> None:
    e = election([unit("N", {"A": 60, "B": 40}, 3), unit("S", {"A": 10, "C": 90}, 2)])
    r = allocate(dhondt(5), e)
    assert r.seats == {"A": 2, "B": 1, "C": 2}
    north = next(u for u in r.districts if u.name == "N")
    assert "C" not in north.seats  # C did not stand in N: it is not in N's result at all
    assert e.lists[2].votes == 90 and e.lists[0].votes == 70  # national votes are the sums


def test_tie_at_the_cut_in_a_district_is_broken_and_reported_with_the_district() -> None:
    e = election([unit("N", {"A": 50, "B": 50}, 1), unit("S", {"A": 30, "B": 20}, 1)])
    r = allocate(dhondt(2, ties="ties registration_order"), e)
    assert seats_in(r)["N"] == {"A": 1}
    (tie,) = r.ties
    assert (tie.district, tie.lists, tie.winners, tie.resolved_by) == ("N", ("A", "B"), ("A",), "registration_order")
    assert tie.to_json()["district"] == "N" and "in N" in tie.describe()
    with pytest.raises(TieError, match="tier 't' in N"):
        allocate(dhondt(2, ties="ties none"), e)


def test_lots_in_districts_continue_one_seeded_draw() -> None:
    e = election([unit("N", {"A": 50, "B": 50}, 1), unit("S", {"A": 50, "B": 50}, 1)])
    one = allocate(dhondt(2, ties="ties lot seed 3"), e)
    two = allocate(dhondt(2, ties="ties lot seed 3"), e)
    assert one.seats == two.seats and [t.district for t in one.ties] == ["N", "S"]


def test_a_district_without_votes_leaves_its_seats_vacant_with_a_note() -> None:
    e = election([unit("N", {"A": 60, "B": 40}, 3), unit("S", {"A": 0, "B": 0}, 2)])
    r = allocate(dhondt(5), e)
    assert r.seats == {"A": 2, "B": 1}
    south = r.tiers[0].parts[1]
    assert south.vacant == 2 and any("in S: no admitted list has a vote" in n for n in r.notes)


def test_a_district_with_no_seats() -> None:
    e = election([unit("N", {"A": 60, "B": 40}, 3), unit("S", {"A": 5, "B": 7}, 0)])
    r = allocate(dhondt(3), e)
    assert r.seats == {"A": 2, "B": 1} and "No seats to allocate here" in r.explain()


# --- thresholds at another level ------------------------------------------------------------------


def test_district_threshold_exactly_at_the_cut() -> None:
    # 3% of 100 valid votes + 0 blank: 3 votes pass (inclusive), not (strict)
    e = election([unit("N", {"A": 97, "B": 3}, 30, totals={"valid": 100, "blank": 0})])
    inclusive = allocate(dhondt(30, "threshold 3% of valid_votes_and_blank"), e)
    strict = allocate(dhondt(30, "threshold 3% of valid_votes_and_blank strict"), e)
    assert inclusive.tiers[0].passed == ("A", "B") and strict.tiers[0].passed == ("A",)
    # blank ballots are in the base: 3 of 101 is below 3%
    blank = election([unit("N", {"A": 97, "B": 3}, 30, totals={"valid": 100, "blank": 1})])
    assert allocate(dhondt(30, "threshold 3% of valid_votes_and_blank"), blank).tiers[0].passed == ("A",)
    with pytest.raises(MissingFigure, match="blank"):
        allocate(dhondt(30, "threshold 3% of valid_votes_and_blank"), election([unit("N", {"A": 1}, 30)]))


def test_national_threshold_exactly_at_the_cut_applies_in_every_district() -> None:
    # B has 5 of 100 votes nationally (exactly 5%) but a majority in S
    units = [unit("N", {"A": 91, "B": 0}, 2), unit("S", {"A": 4, "B": 5}, 2)]
    passes = allocate(dhondt(4, "threshold 5% of valid_votes nationally"), election(units))
    fails = allocate(dhondt(4, "threshold 5% of valid_votes strict nationally"), election(units))
    assert passes.seats["B"] == 1 and fails.seats["B"] == 0
    text = fails.explain()
    assert "5% of valid_votes nationally (100)" in text and "B: 5 votes = 5.00%: does not pass" in text
    assert "Threshold nationally: passes: A; does not pass: B" in text  # the district's line


def test_alternative_thresholds_nationally_or_in_the_district() -> None:
    # the Swedish clause: 4% nationally, or 12% in the constituency
    units = [unit("N", {"A": 900, "B": 20, "C": 80}, 5), unit("S", {"A": 950, "B": 40, "C": 10}, 5)]
    r = allocate(dhondt(10, "threshold 4% of valid_votes nationally or 12% of valid_votes"), election(units))
    # B: 60/2000 = 3% nationally, 2% and 4% in the districts: fails; C: 4.5% nationally: passes
    assert [p.passed for p in r.tiers[0].parts] == [("A", "C"), ("A", "C")]
    units = [unit("N", {"A": 700, "B": 200, "C": 100}, 5), unit("S", {"A": 950, "B": 10, "C": 40}, 5)]
    r = allocate(dhondt(10, "threshold 15% of valid_votes nationally or 12% of valid_votes"), election(units))
    # B (10.5% nationally) passes in N by its 20% there, not in S; C passes nowhere
    parts = {p.district: p for p in r.tiers[0].parts}
    assert parts["N"].passed == ("A", "B") and parts["S"].passed == ("A",)
    assert "Threshold (any one test) nationally or here" in r.explain()


def test_threshold_in_every_and_in_at_least_some_districts() -> None:
    units = [unit("N", {"A": 50, "B": 50}, 2), unit("S", {"A": 99, "B": 1}, 2), unit("E", {"A": 60, "B": 40}, 2)]
    every = allocate(dhondt(6, "threshold 5% of valid_votes in every district"), election(units))
    two = allocate(dhondt(6, "threshold 30% of valid_votes in at least 2 districts"), election(units))
    three = allocate(dhondt(6, "threshold 30% of valid_votes in at least 3 districts"), election(units))
    assert every.seats["B"] == 0 and two.seats["B"] > 0 and three.seats["B"] == 0
    assert "B: passes in at least 2 districts (2 of 3)" in two.explain()


def test_thresholds_by_number_of_parties_and_exemption() -> None:
    lists = (ListEntry(abbr="P", votes=0), ListEntry(abbr="C2", votes=0, coalition_size=2),
             ListEntry(abbr="C3", votes=0, coalition_size=3),
             ListEntry(abbr="M", votes=0, tags=frozenset({"minority"})))
    units = [unit("N", {"P": 600, "C2": 70, "C3": 100, "M": 10}, 20), unit("S", {"P": 100, "C2": 10, "C3": 100,
                                                                                 "M": 10}, 20)]
    e = election(units, *lists)  # 1000 votes: P 70%, C2 8%, C3 20%, M 2%
    body = ("threshold 5% of valid_votes nationally for lists of 1 party\n"
            "threshold 8% of valid_votes nationally for lists of 2 parties\n"
            "threshold 21% of valid_votes nationally for lists of 3 or more parties\n"
            "exempt lists tagged minority from thresholds")
    r = allocate(dhondt(40, body), e)
    passed = set(r.tiers[0].passed)
    assert passed == {"P", "C2", "M"}  # C3 below 21%; M below 5% but exempt; C2 exactly at 8%
    assert r.tiers[0].lists[3].admitted_by == "exempt"
    assert str(m.Selector(kind=m.SelectorKind.MEMBERS, members=1)) == "lists of 1 party"


# --- magnitudes ------------------------------------------------------------------------------------


def test_magnitudes_fixed_minimum_and_largest_remainder_by_population() -> None:
    text = ('chamber "c" seats 10\ndistricts seats 10 {\n fixed "X" 1\n minimum 2\n'
            ' apportion by population largest_remainder quota hare\n}\n'
            'tier "t" in each district { allocate dhondt ties more_votes }\n')
    units = [unit("X", {"A": 5}, figures={"population": 10**9}), unit("P", {"A": 5}, figures={"population": 300}),
             unit("Q", {"A": 5}, figures={"population": 100})]
    r = allocate(rules(text), election(units))
    # 1 fixed, 2 + 2 minimum, 5 by population 3:1 -> 3.75 and 1.25 -> 4 and 1 (remainders .75 > .25)
    assert r.levels[0].magnitudes == {"X": 1, "P": 6, "Q": 3}
    assert [u.magnitude for u in r.districts] == [1, 6, 3]


def test_divisor_apportionment_with_a_minimum_continues_from_it() -> None:
    text = ('chamber "c" seats 8\ndistricts seats 8 {\n minimum 2\n apportion by population dhondt\n}\n'
            'tier "t" in each district { allocate dhondt ties more_votes }\n')
    units = [unit("P", {"A": 1}, figures={"population": 900}), unit("Q", {"A": 1}, figures={"population": 100})]
    # 2 + 2, then 4 by D'Hondt continued from 2 seats: 900/3, 900/4, 900/5, 900/6 all beat 100/3
    assert allocate(rules(text), election(units)).levels[0].magnitudes == {"P": 6, "Q": 2}


def test_huntington_hill_gives_every_unit_its_first_seat() -> None:
    text = ('chamber "c" seats 5\ndistricts "state" seats 5 {\n minimum 1\n apportion by population '
            'huntington_hill\n}\n')
    units = [Unit(name=n, level="state", figures={"population": p}) for n, p in (("A", 1000), ("B", 10), ("C", 1))]
    r = allocate(rules(text), Election(lists=(), units=tuple(units)))
    assert r.levels[0].magnitudes == {"A": 3, "B": 1, "C": 1} and r.total == 5 and r.seats == {}


def test_magnitudes_from_valid_votes_with_a_rounded_quota() -> None:
    text = ('chamber "c" seats 3\ndistricts seats 3 {\n apportion by valid_votes largest_remainder quota hare '
            'rounded nearest\n ties lot seed 1\n}\ntier "t" in each district { allocate dhondt ties more_votes }\n')
    e = election([unit("P", {"A": 50}), unit("Q", {"A": 25}), unit("R", {"A": 26})])
    # quota 101/3 rounded = 34: 1.47, 0.74, 0.76 -> 1, 0, 0, then R and Q by the largest remainders
    assert allocate(rules(text), e).levels[0].magnitudes == {"P": 1, "Q": 1, "R": 1}


def test_magnitude_errors_name_the_district_and_the_figure() -> None:
    chamber = dhondt(5)
    with pytest.raises(MissingFigure, match="S: the vote file gives no magnitude"):
        allocate(chamber, election([unit("N", {"A": 1}, 5), unit("S", {"A": 1})]))
    with pytest.raises(AllocationError, match="add up to 6, but the rules give the level 5 seats"):
        allocate(chamber, election([unit("N", {"A": 1}, 5), unit("S", {"A": 1}, 1)]))
    text = ('chamber "c" seats 4\ndistricts seats 4 {\n fixed "Soth" 1\n minimum 1\n apportion by population dhondt\n}'
            '\ntier "t" in each district { allocate dhondt ties none }\n')
    units = [unit("N", {"A": 1}, figures={"population": 5}), unit("S", {"A": 1}, figures={"population": 5})]
    units = [Unit(name="North", votes={"A": 1}, figures={"population": 5}),
             Unit(name="South", votes={"A": 1}, figures={"population": 5})]
    with pytest.raises(AllocationError, match="did you mean 'South'"):
        allocate(rules(text), election(units))
    text = text.replace('fixed "Soth" 1', 'fixed "South" 1')
    with pytest.raises(AllocationError, match="North: the vote file gives a magnitude of 1, but the rules give 3"):
        allocate(rules(text), election([Unit(name="North", votes={"A": 1}, seats=1, figures={"population": 5}),
                                        units[1]]))
    with pytest.raises(MissingFigure, match="no population for North"):
        allocate(rules(text), election([Unit(name="North", votes={"A": 1}), units[1]]))
    with pytest.raises(MissingFigure, match="vote file gives none"):
        allocate(chamber, Election.from_votes({"A": 1}))


# --- the two scrutinies: integer parts, seats left over, remainders, placement -------------------------


CZECH_LIKE = '''chamber "c" seats {seats}
districts seats {seats}
tier "first" in each district {{
  allocate largest_remainder quota imperiali rounded nearest integer parts only
  ties more_votes then lot seed 1
}}
tier "second" seats unfilled in tier "first" {{
  votes remainders of tier "first"
  allocate largest_remainder quota hagenbach_bischoff rounded nearest
  place in each district by remainders of tier "first"
  ties more_votes then lot seed 1
}}
'''


def test_integer_parts_take_back_over_allocation() -> None:
    # N, 3 seats: quota 100 / 5 = 20: A 3, B 1, C 1 = 5 > 3; all remainders 0: two seats taken back,
    # A (more votes) keeps its own. S, 3 seats: B 2, C 2 = 4 > 3: one back from B or C (equal
    # remainders and votes: lot). Every seat is filled: the second scrutiny has none.
    units = [unit("N", {"A": 60, "B": 20, "C": 20}, 3), unit("S", {"A": 10, "B": 45, "C": 45}, 3)]
    r = allocate(rules(CZECH_LIKE.format(seats=6)), election(units))
    first = {p.district: {a: n for a, n in p.seats.items() if n} for p in r.tiers[0].parts}
    assert first["N"] == {"A": 3} and sorted(first["S"].values()) == [1, 2]
    assert r.tiers[1].size == 0 and r.total == 6
    assert "Integer parts exceed the seats: one seat taken back from" in r.explain("N")


def test_second_scrutiny_on_the_remainders_placed_where_they_are_largest_skipping_full_districts() -> None:
    # N, 3 seats: quota 20: only A gets 1 (remainder 4; B-E keep 19 each): 2 seats left over.
    # S, 2 seats: quota 25: A 2, B 1 = 3 > 2: A (remainder 10 < 15) gives one back (now 35); full.
    # Second scrutiny, 2 seats on the remainders A 39, B 34, C-E 19: quota 130 / 3 = 43 (rounded):
    # A and B by the largest remainders. Placement: A's best (35, S) is full, so A goes where it
    # has 4 (N); B's best is 19 in N.
    units = [unit("N", {"A": 24, "B": 19, "C": 19, "D": 19, "E": 19}, 3), unit("S", {"A": 60, "B": 40}, 2)]
    r = allocate(rules(CZECH_LIKE.format(seats=5)), election(units))
    second = r.tiers[1]
    assert second.size == 2 and second.votes[:5] == [39, 34, 19, 19, 19] and second.quota == 43
    placed = {p.district: {a: n for a, n in p.seats.items() if n} for p in second.parts}
    assert placed == {"N": {"A": 1, "B": 1}, "S": {}}
    assert {u.name: u.seats for u in r.districts} == {"N": {"A": 2, "B": 1, "C": 0, "D": 0, "E": 0},
                                                     "S": {"A": 1, "B": 1}}
    assert "A: a seat in N (remainder 4)" in r.explain()


def test_remainders_need_an_integer_parts_tier_with_a_rounded_quota() -> None:
    bad = CZECH_LIKE.format(seats=6).replace(" integer parts only", "")
    with pytest.raises(hemicycle.diagnostics.RuleError, match="leaves no remainders"):
        rules(bad)
    bad = CZECH_LIKE.format(seats=6).replace("imperiali rounded nearest", "imperiali")
    with pytest.raises(hemicycle.diagnostics.RuleError, match="whole number"):
        rules(bad)


# --- the real records ---------------------------------------------------------------------------------


RECORDS = ["spain-1977", "spain-1982", "spain-1986", "spain-1989", "spain-1996", "spain-2000", "spain-2004",
           "spain-2011", "spain-2015", "poland-2019", "poland-2023", "czech-2021", "finland-2019", "us-house-2000"]


@pytest.mark.parametrize("name", RECORDS)
def test_record_is_reproduced_at_every_stored_level(name: str) -> None:
    (r,) = reproduce([name])
    assert r.error is None and r.match, (r.first_difference, r.district_difference)
    record = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    official = sum(1 for d in record["districts"] for p in d.get("parties", []) if p.get("seats") is not None)
    official += sum(1 for d in record["districts"] if not d.get("parties") and d.get("seats") is not None)
    assert r.districts_checked == official


def _result(rules_name: str, votes: str) -> Any:
    return hemicycle.load(rules_name).allocate(hemicycle.votes.load_votes(DATA / f"{votes}.json"))


def test_poland_2019_minority_exemption_wins_a_seat_in_opole() -> None:
    r = _result("poland-2019", "poland-2019")
    opole = next(u for u in r.districts if u.name == "21 Opole")
    assert opole.seats["MN"] == 1 and r.seats["MN"] == 1
    assert r.seats == {"PiS": 235, "KO": 134, "SLD": 49, "PSL": 30, "Konf": 11, "BS": 0, "MN": 1, "Skuteczni": 0,
                       "AZER": 0, "Prawica": 0}


def test_czech_2021_two_scrutinies() -> None:
    r = _result("czech-2021", "czech-2021")
    assert {a: n for a, n in r.seats.items() if n} == {"ANO": 72, "SPOLU": 71, "Piráti+STAN": 37, "SPD": 20}
    second = r.tiers[1]
    assert second.size == 1 and second.quota == 268_017 and second.seats["SPOLU"] == 1
    takebacks = [p.district for p in r.tiers[0].parts if "taken back" in "\n".join(s.text for s in p.steps)]
    assert takebacks == ["Pardubický kraj", "Kraj Vysočina", "Olomoucký kraj"]
    praha = next(u for u in r.districts if u.name == "Hlavní město Praha")
    assert {a: n for a, n in praha.seats.items() if n} == {"SPOLU": 11, "Piráti+STAN": 6, "ANO": 5, "SPD": 1}


def test_us_house_2000_the_last_seat_to_north_carolina() -> None:
    r = hemicycle.load("us-house-2000").allocate(hemicycle.votes.load_votes(DATA / "us-house-2000.json"))
    magnitudes = r.levels[0].magnitudes
    assert magnitudes["North Carolina"] == 13 and magnitudes["Utah"] == 3 and magnitudes["California"] == 53
    assert sum(magnitudes.values()) == 435 and r.total == 435


def test_what_ifs_on_the_same_votes() -> None:
    spain = hemicycle.votes.load_votes(DATA / "spain-2015.json")
    law = hemicycle.load("spain-1986").allocate(spain, explain=False).seats
    national = hemicycle.load("spain-one-district").allocate(spain, explain=False)
    sainte = hemicycle.load("spain-sainte-lague").allocate(spain, explain=False).seats
    assert law["PP"] == 123 and national.seats["PP"] < 123 and sainte["PP"] < 123
    assert any("not used by these rules" in n for n in national.notes)
    poland = hemicycle.votes.load_votes(DATA / "poland-2023.json")
    for name in ("poland-2019", "poland-no-coalition-threshold", "poland-sainte-lague"):
        assert sum(hemicycle.load(name).allocate(poland, explain=False).seats.values()) == 460


# --- vote files with districts ------------------------------------------------------------------------


def parse(data: dict[str, Any]) -> Election:
    return parse_vote_file(json.dumps(data), "d.json").election


BASE: dict[str, Any] = {"election": "t", "parties": [{"abbr": "A"}, {"abbr": "B", "tags": ["x"]}],
                        "districts": [{"name": "N", "seats": 2, "totals": {"valid": 10, "blank": 1},
                                       "parties": [{"abbr": "A", "votes": 6, "seats": 1}, {"abbr": "B", "votes": 4}]},
                                      {"name": "S", "seats": 1, "parties": [{"abbr": "A", "votes": 3}]}]}


def test_district_file_national_figures_are_the_sums() -> None:
    e = parse(BASE)
    assert [(x.abbr, x.votes) for x in e.lists] == [("A", 9), ("B", 4)]
    assert [u.name for u in e.units] == ["N", "S"] and e.units[1].votes == {"A": 3}
    assert e.totals == {}  # S gives no totals: no national total is derived
    again = parse_vote_file(json.dumps(election_to_json(e)), "d.json").election
    assert again.units == e.units and again.lists == e.lists


def test_district_file_nested_units_and_parents() -> None:
    data = {"election": "t", "districts": [
        {"name": "R", "level": "region", "districts": [{"name": "N", "parties": [{"abbr": "A", "votes": 1}]},
                                                       {"name": "S", "parties": [{"abbr": "A", "votes": 2}]}]},
        {"name": "E", "parent": "R", "parties": [{"abbr": "B", "votes": 5}]}]}
    e = parse(data)
    assert [(u.name, u.level, u.parent) for u in e.units] == [("R", "region", None), ("N", "district", "R"),
                                                            ("S", "district", "R"), ("E", "district", "R")]
    assert [(x.abbr, x.votes) for x in e.lists] == [("A", 3), ("B", 5)]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["parties"][0].update(votes=8), "A has 8 votes, but its votes in the districts add up to 9"),
    (lambda d: d["districts"][0]["parties"].append({"abbr": "Z", "votes": 1}), "N: Z is not one of the file's"),
    (lambda d: d["districts"][0]["parties"].append({"abbr": "A", "votes": 1}), "N: A appears twice"),
    (lambda d: d["districts"].append({"name": "N"}), "N: a second unit of level 'district'"),
    (lambda d: d["districts"][0].update(colour="red"), 'unknown key "colour"'),
    (lambda d: d["districts"][0].update(parents="R"), 'unknown key "parents" in a district; did you mean "parent"?'),
    (lambda d: d["districts"][0]["parties"][0].update(vote=1), 'N: unknown key "vote" in a district\'s list; did '
                                                              'you mean "votes"?'),
    (lambda d: d["districts"][0].update({"x-colour": "red", "extra": {"a": 1}}), None),  # free data
    (lambda d: d["districts"][0]["parties"][0].update(votes=6.5), "N, A: 6.5 has a decimal part"),
    (lambda d: d["districts"][0]["parties"][0].update(votes=-1), "N, A"),
    (lambda d: d["districts"][0]["totals"].update(valid=11), "valid in N is 11 but the lists' votes in N add up to 10"),
    (lambda d: d["districts"][0]["totals"].update(spoilt=1), 'N: unknown total "spoilt"'),
    (lambda d: d["districts"][1].update(parent="Nowhere"), "its parent 'Nowhere' is not a unit"),
    (lambda d: d.update(totals={"valid": 99}), "valid is 99 but the lists' votes add up to 13"),
    (lambda d: d["districts"][1].update(totals={"valid": 3}) or d.update(totals={"valid": 12}),
     "valid is 12, but the districts' valid add up to 13"),
])
def test_district_file_errors_name_the_district_and_field(change: Any, message: str | None) -> None:
    data = json.loads(json.dumps(BASE))
    change(data)
    if message is None:
        parse(data)
        return
    with pytest.raises(VoteFileError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        parse(data)
    assert err.value.field is not None


# --- the divisor rounds against hemicycle.highest_averages ---------------------------------------------


@pytest.mark.parametrize("kind", ["dhondt", "sainte_lague", "modified_sainte_lague", "danish", "imperiali", "adams"])
def test_small_divisor_rounds_agree_with_highest_averages(kind: str) -> None:
    method = m.Divisor(kind=m.DivisorKind(kind), first=Fraction(7, 5) if kind == "modified_sainte_lague" else None)
    tier = m.Tier(name="t", seats=1, method=method, ties=m.Ties(criteria=(m.TieCriterion.LOT,), seed=5))
    rng = random.Random(kind)
    for _ in range(300):
        n = rng.randint(1, 7)
        votes = [rng.choice([0, 1, 2, 3, 6, 12, rng.randint(0, 200)]) for _ in range(n)]  # many ties
        seats = rng.randint(1, 30)
        entries = [ListEntry(abbr=f"L{i}", votes=v, registration_order=i + 1) for i, v in enumerate(votes)]
        eligible = [i for i in range(n) if votes[i] > 0]
        if not eligible:
            continue
        mine_ties: list[Any] = []
        theirs_ties: list[Any] = []
        mine = divisor_method(method, votes, None, list(range(n)), seats, TieBreaker(tier, entries, mine_ties),
                              [e.abbr for e in entries], True)
        tb = TieBreaker(tier, entries, theirs_ties)
        run = highest_averages(method, votes, eligible, seats,
                               lambda t, p, k, tb=tb: tb.favour(t, p, "x", "y"))
        assert {i: s for i, s in enumerate(mine.seats) if s} == {i: s for i, s in run.seats.items() if s}
        assert [t.lists for t in mine_ties] == [t.lists for t in theirs_ties]


# --- outputs -------------------------------------------------------------------------------------------


def test_cli_districts_table_csv_json_and_explain_one_district() -> None:
    r = runner.invoke(app, ["allocate", "poland-2019", "poland-2023", "--districts"])
    assert r.exit_code == 0 and "41 Szczecin" in r.stdout
    r = runner.invoke(app, ["allocate", "poland-2019", "poland-2023", "--districts", "-f", "csv"])
    import csv

    rows = list(csv.reader(r.stdout.splitlines()))
    assert rows[0] == ["district", "level", "magnitude", "abbr", "votes", "seats"]
    assert rows[1][:3] == ["1 Legnica", "district", "12"] and len(rows) == 1 + 303
    r = runner.invoke(app, ["allocate", "poland-2019", "poland-2023", "-f", "json"])
    data = json.loads(r.stdout)
    assert len(data["districts"]) == 41 and data["districts"][0]["magnitude"] == 12
    assert data["tiers"][0]["level"] == "district" and data["districts"][0]["tiers"][0]["district"] == "1 Legnica"
    r = runner.invoke(app, ["allocate", "poland-2019", "poland-2023", "--explain", "--district", "21 Opole"])
    assert "21 Opole (12 seats)" in r.stdout and "1 Legnica (12 seats)" not in r.stdout
    r = runner.invoke(app, ["allocate", "poland-2019", "poland-2023", "--explain", "--district", "Atlantis"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["allocate", "us-house-2000", "us-house-2000"])
    assert r.exit_code == 0 and "North Carolina" in r.stdout and "435" in r.stdout


def test_compare_districted_rules_on_the_same_votes() -> None:
    r = runner.invoke(app, ["compare", "spain-1986", "spain-one-district", "--votes", "spain-2015",
                            "--no-properties", "-f", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [s["seats"]["PP"] for s in data["systems"]] == [123, 119]
    # a swing in one province moves the votes there only (tests/test_district_whatif.py: the rest)
    r = runner.invoke(app, ["compare", "spain-1986", "--votes", "spain-2015", "--no-properties", "-f", "json",
                            "--swing", "PSOE=+5%@Sevilla"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["systems"][0]["seats"]["PSOE"] > 90


# --- the verifier refuses what it does not encode ---------------------------------------------------


@pytest.mark.parametrize(("name", "match"), [
    ("us-house-2000", r"no tier"),  # czech-2021 is encoded now (tests/test_verify_czech.py)
])
def test_the_verifier_refuses_districts_with_the_clause_named(name: str, match: str) -> None:
    from hemicycle import verify as v

    with pytest.raises(v.UnsupportedClause, match=match):
        v.verify(hemicycle.load(name).model, ["monotonicity"], parties=2, timeout=5)


@pytest.mark.parametrize("name", ["spain-1986", "poland-2019", "finland-2019", "czech-2021"])
def test_spain_poland_finland_are_encoded(name: str) -> None:
    """Spain apportions its magnitudes by population, Poland and Finland read them from the vote
    file; their tiers draw lots: all encoded (tests/test_verify_district_clauses.py has verdicts);
    the single-tier catalogue is not theirs."""
    from hemicycle import verify as v
    from hemicycle.verify.districts import district_system

    with pytest.raises(v.PropertyError, match="not a property of districted chambers"):
        v.verify(hemicycle.load(name).model, ["monotonicity"], parties=2, timeout=5)
    assert district_system(hemicycle.load(name).model).names


@pytest.mark.parametrize("clause", [
    "threshold 5% of valid_votes or 3% of ballots_cast",
    "threshold 5% of valid_votes for lists of 2 parties",
    "exempt lists tagged minority from thresholds",  # encoded in districts, not in a national tier
])
def test_the_verifier_refuses_each_new_national_clause(clause: str) -> None:
    from hemicycle import verify as v

    chamber = rules(f'chamber "c" seats 10\ntier "t" seats 10 {{\n{clause}\nallocate dhondt\n'
                    "ties registration_order\n}")
    with pytest.raises(v.UnsupportedClause):
        v.verify(chamber, ["monotonicity"], parties=2, timeout=5)


def test_limits_on_districts(monkeypatch: pytest.MonkeyPatch) -> None:
    import hemicycle.interpreter.workload as workload
    from hemicycle.interpreter import LimitError

    e = election([unit(f"u{i}", {"A": 1}, 1) for i in range(4)])
    monkeypatch.setattr(workload, "MAX_UNITS", 3)
    with pytest.raises(LimitError, match="4 districts"):
        allocate(dhondt(4), e)
    monkeypatch.setattr(workload, "MAX_UNITS", 100)
    monkeypatch.setattr(workload, "MAX_UNIT_LISTS", 3)
    with pytest.raises(LimitError, match="lists standing in districts"):
        allocate(dhondt(4), e)
    with pytest.raises(LimitError, match="has 20,000,000 seats; hemicycle allocates at most"):
        allocate(dhondt(20_000_000), e)


def test_ledger_seats_of_a_tier_in_a_unit_summed_below_it() -> None:
    from hemicycle.interpreter.context import Applied
    from hemicycle.interpreter.levels import Ledger, allocate_in_units

    units = [Unit(name="R", level="region"), Unit(name="N", parent="R", votes={"A": 60, "B": 40}, seats=3),
             Unit(name="S", parent="R", votes={"A": 10, "B": 90}, seats=2), Unit(name="E", votes={"A": 5}, seats=1)]
    e = election(units)
    chamber = dhondt(6)
    ledger = Ledger(e)
    ledger.magnitudes["district"] = {"N": 3, "S": 2, "E": 1}
    ledger.results["t"] = allocate_in_units(chamber.tiers[0], ledger, [], [], Applied(), False)
    assert ledger.seats_in("region", "R", "t") == {"A": 2, "B": 3}
    assert ledger.seats_in("district", "E") == {"A": 1}
    assert ledger.unfilled("t") == 0 and ledger.room("district", "N") == 0


# --- parameters in districted rules; the fast paths hand districts over ---------------------------------


def test_a_family_over_spains_threshold_and_method() -> None:
    spain = hemicycle.votes.load_votes(DATA / "spain-2015.json")
    family = hemicycle.load_family("spain-family")
    check = family.check()
    assert family.size() == 80 and check.combinations == 80 and not check.found
    law = hemicycle.load("spain-1986").allocate(spain, explain=False).seats
    assert hemicycle.load("spain-family").allocate(spain, explain=False).seats == law
    sainte = hemicycle.load("spain-family", params={"method": "sainte_lague"})
    assert sainte.model.bindings == (("threshold", "3%"), ("method", "sainte_lague"))
    assert sainte.allocate(spain, explain=False).seats == hemicycle.load("spain-sainte-lague").allocate(
        spain, explain=False).seats != law
    high = hemicycle.load("spain-family", params={"threshold": "10%"}).allocate(spain, explain=False).seats
    assert sum(high.values()) == 350 and high != law
    assert all(n == 0 for a, n in high.items() if law[a] == 0)  # a higher threshold admits no one new


def test_compiled_and_batch_hand_districted_rules_to_the_interpreter() -> None:
    chamber = dhondt(4)
    with pytest.raises(MissingFigure, match="units of level 'district'"):
        hemicycle.compile(chamber)([10, 20])
    with pytest.raises(MissingFigure, match="units of level 'district'"):
        hemicycle.allocate_batch(chamber, [[10, 20]])
    apportionment = rules('chamber "c" seats 4\ndistricts seats 4 {\napportion by population dhondt\n}\n')
    with pytest.raises(MissingFigure):
        hemicycle.compile(apportionment)([10, 20])


def test_notebook_frame_and_html_of_a_real_districted_result() -> None:
    pytest.importorskip("pandas")
    r = _result("spain-1986", "spain-2015")
    df = r.to_pandas()
    units = df[df["district"].notna()]
    assert units["district"].nunique() == 52 and int(units["seats"].sum()) == 350
    madrid = units[units["district"] == "Madrid"].set_index("abbr")
    assert int(madrid.loc["PP", "seats"]) == 13 and int(madrid.loc["PP", "votes"]) == 1_210_219
    assert "Seats in 52 units" in r._repr_html_()
