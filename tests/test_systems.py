"""Real electoral systems: every bundled election reproduced from its rule file, and the clauses
those laws need (admission until a condition, consolation seats, alliances, 'not tagged',
thresholds in quotas / in every region / with a district-seat alternative, mixed-member
compensation, reported shares and lower bounds for unknown figures)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.diagnostics import RuleError
from hemicycle.election import Election, ListEntry
from hemicycle.interpreter import AllocationError, MissingFigure
from hemicycle.reproduce import InputError, bundled_cases, reproduce
from hemicycle.votes import election_to_json, parse_votes_json

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "src/hemicycle/rules"
runner = CliRunner()


def rules(body: str, seats: int = 10) -> hemicycle.Rules:
    return hemicycle.loads(f'chamber "c" seats {seats}\ntier "t" seats {seats} {{\n{body}\n}}\n')


def election(*entries: ListEntry, **kw) -> Election:  # type: ignore[no-untyped-def]
    return Election(lists=tuple(entries), **kw)


def entry(abbr: str, votes: int, order: int, **kw) -> ListEntry:  # type: ignore[no-untyped-def]
    return ListEntry(abbr=abbr, votes=votes, registration_order=order, **kw)


# --- the bundled elections -------------------------------------------------------------------------

RESULTS = {r.election: r for r in reproduce()}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_bundled_election_is_reproduced(name: str) -> None:
    r = RESULTS[name]
    assert r.error is None, r.error
    assert r.match, f"{name}: first difference {r.first_difference}: official " \
                    f"{r.official.get(r.first_difference or '')}, computed {r.computed.get(r.first_difference or '')}"


def test_every_record_has_a_rule_file() -> None:
    cases = bundled_cases()
    assert len(cases) == len(list((ROOT / "src/hemicycle/elections").glob("*.json"))) == 45
    used = {c.rules_path.stem for c in cases}
    assert used == {
        "israel-2015", "kazakhstan-2007", "kazakhstan-2021", "kazakhstan-2023", "kyrgyzstan-2010",
        "netherlands-2017", "netherlands-2021", "new-zealand-2017", "russia-2016", "serbia-2020",
        "slovakia-2016", "ukraine-2006", "ukraine-2012",
        "spain-1977", "spain-1986", "spain-1986-decree", "poland-2019", "czech-2021", "finland-2019",
        "us-house-2000", "norway-2021", "scotland-2011", "new-zealand-2014", "germany-2025", "iceland-2021",
        "denmark-2015", "zurich-2006", "zug-2018",
    }
    assert all(c.rules_path.is_file() and c.votes_path.is_file() for c in cases)


def test_rule_files_cite_every_clause() -> None:
    for path in RULES.glob("*.elect"):
        model = hemicycle.load(path).model
        for tier in model.tiers:
            clauses = [*tier.thresholds, tier.method, *tier.consolations]
            clauses += [c for c in (tier.cap, tier.alliances, tier.compensation, tier.exempt, tier.votes_from,
                                    tier.placement) if c is not None]
            clauses += [p for p in tier.provisions if p.condition is not None]
            clauses += [a for p in tier.provisions for a in p.actions if p.condition is None]
            for clause in clauses:
                assert clause.citation, f"{path.name}:{clause.span.line} has no citation"
        for level in model.levels:
            for clause in (level, *level.fixed, level.minimum, level.apportion):
                assert clause is None or clause.citation, f"{path.name}:{clause.span.line} has no citation"


def test_reported_figures_are_visible() -> None:
    notes = " ".join(RESULTS["kyrgyzstan-2010"].notes)
    assert "officially reported shares" in notes and "reported outcome" in notes
    assert "fails whatever the figure" in notes
    assert "officially reported shares" in " ".join(RESULTS["ukraine-2019"].notes)
    assert "use valid" in " ".join(RESULTS["kazakhstan-2012"].notes)
    assert RESULTS["russia-2021"].notes == []


DHONDT_98 = 'chamber "c" seats 98\ntier "t" seats 98 {\n threshold 7% of valid_votes [x]\n allocate dhondt [x]\n}\n'


def test_a_mismatch_names_the_first_differing_list(tmp_path: Path) -> None:
    wrong = tmp_path / "dhondt.elect"  # the wrong method on purpose
    wrong.write_text(DHONDT_98, "utf-8")
    [r] = reproduce([f"{wrong}=kazakhstan-2021"])
    assert not r.match and r.error is None
    assert r.first_difference == "QHP"
    assert (r.official["QHP"], r.computed["QHP"]) == (10, 9)


def test_an_allocation_error_is_a_failed_reproduction() -> None:
    [r] = reproduce(["kazakhstan-2023=kazakhstan-2021"])  # 'against all' is not in the 2021 record
    assert r.status == "error" and not r.match and "against_all" in (r.error or "")


def test_unknown_target_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a bundled election"):
        reproduce(["atlantis-2024"])


def test_cli_reproduce_table_json_and_exit_codes(tmp_path: Path) -> None:
    r = runner.invoke(app, ["reproduce"])
    assert r.exit_code == 0, r.output
    assert "45 of 45 reproduced" in r.stdout
    r = runner.invoke(app, ["reproduce", "russia-2021", "israel-2020", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [(e["election"], e["rules"], e["match"]) for e in data["elections"]] == [
        ("russia-2021", "russia-2016", True), ("israel-2020", "israel-2015", True)]
    wrong = tmp_path / "dhondt.elect"
    wrong.write_text(DHONDT_98, "utf-8")
    r = runner.invoke(app, ["reproduce", f"{wrong}=kazakhstan-2021"])
    assert r.exit_code == 1
    assert "QHP: official 10, computed 9" in r.stdout
    assert runner.invoke(app, ["reproduce", "atlantis-2024"]).exit_code == 2
    index = tmp_path / "index.toml"
    votes = json.loads((ROOT / "src/hemicycle/elections/kazakhstan-2021.json").read_text("utf-8"))
    (tmp_path / "kz.json").write_text(json.dumps(votes), "utf-8")
    index.write_text('[kz]\nrules = "kazakhstan-2021"\nvotes = "kz.json"\n', "utf-8")
    r = runner.invoke(app, ["reproduce", str(index), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["elections"][0]["match"] is True


# --- admission until a condition (Russia) ----------------------------------------------------------

RUSSIA = ("threshold 5% of ballots_cast\n"
          "admit next until admitted_votes > 50% of ballots_cast [p.8]\n"
          "admit next until admitted >= 2 [p.9]\n"
          "allocate largest_remainder quota hare\nties more_votes")


def test_admit_next_until_half_the_votes() -> None:
    # A 30, B 15 pass (45% of 100 ballots); C (4) then D (3) are admitted: 45 -> 49 -> 52 > 50.
    res = rules(RUSSIA, 10).allocate({"A": 30, "B": 15, "C": 4, "D": 3, "E": 2}, ballots_cast=100)
    assert res.tiers[0].passed == ("A", "B")
    assert res.tiers[0].admitted == ("A", "B", "C", "D")
    assert [lr.admitted_by for lr in res.tiers[0].lists][:4] == ["threshold", "threshold", "next", "next"]
    assert res.seats["E"] == 0 and sum(res.seats.values()) == 10


def test_admit_next_until_two_lists() -> None:
    res = rules(RUSSIA, 10).allocate({"A": 80, "B": 4, "C": 3}, ballots_cast=100)
    assert res.tiers[0].admitted == ("A", "B")  # B takes part (its 0.476 remainder loses to A's 0.524)
    assert res.seats == {"A": 10, "B": 0, "C": 0}
    assert "admit next until admitted >= 2" in " ".join(res.clauses_applied)


def test_admit_next_holds_already() -> None:
    res = rules(RUSSIA, 10).allocate({"A": 40, "B": 30, "C": 4}, ballots_cast=100)
    assert res.tiers[0].admitted == ("A", "B")
    assert "nobody else is admitted" in res.explain()


def test_admit_next_ties_use_the_chain() -> None:
    res = rules(RUSSIA.replace("ties more_votes", "ties registration_order"), 10).allocate(
        {"A": 40, "B": 4, "C": 4}, ballots_cast=100)
    # 40 + 4 = 44, +4 = 48: never above 50 with every list admitted; B before C by registration
    assert res.tiers[0].admitted == ("A", "B", "C")
    assert any("no list left" in n for n in res.notes)


# --- consolation seats (Russia 2011) ---------------------------------------------------------------


def test_russia_2011_consolation_seats() -> None:
    r = hemicycle.load("russia-2011")
    votes = {"ER": 4900, "KPRF": 1900, "LDPR": 1200, "SR": 1300, "Y": 340, "PR": 590, "RP": 5, "Z": 65}
    res = r.allocate(votes, ballots_cast=10_300)
    # 7% of 10,300 = 721: ER, KPRF, LDPR, SR pass with 9,300 votes (> 60%). Yabloko 3.3%: nothing;
    # PR 5.73%: 1 seat. 449 seats go by Hare among the four.
    assert res.seats["PR"] == 1 and res.seats["Y"] == 0
    assert sum(res.seats.values()) == 450
    assert res.tiers[0].admitted == ("ER", "KPRF", "LDPR", "SR")
    res = r.allocate({"A": 8000, "B": 1300, "C": 650, "D": 50}, ballots_cast=10_000)
    assert res.seats["C"] == 2  # 6.5%: two seats; B (13%) passes
    assert sum(res.seats.values()) == 450


def test_consolation_band_must_not_be_empty() -> None:
    with pytest.raises(RuleError, match="empty"):
        rules("consolation 1 seat from 6% to 5% of valid_votes\nallocate dhondt")


# --- thresholds by kind of list (Slovakia), exemptions (Serbia) ------------------------------------


def test_not_tagged_selector_and_coalition_thresholds() -> None:
    r = hemicycle.load("slovakia-2016")
    e = election(entry("P", 600, 1), entry("C2", 650, 2, tags=frozenset({"coalition", "coalition_2_3"})),
                 entry("C4", 900, 3, tags=frozenset({"coalition", "coalition_4_plus"})),
                 entry("Big", 7850, 4), totals={"valid": 10_000})
    res = r.allocate(e)
    # P 6% >= 5% passes; C2 6.5% < 7% fails; C4 9% < 10% fails
    assert res.tiers[0].passed == ("P", "Big")


def test_minority_lists_exempt_and_corrected() -> None:
    r = rules("threshold 3% of valid_votes for lists not tagged minority\n"
              "correct lists tagged minority quotient by 1.35\nallocate dhondt\nties none", 10)
    e = election(entry("A", 7000, 1), entry("B", 2800, 2), entry("M", 200, 3, tags=frozenset({"minority"})),
                 entry("X", 200, 4))
    res = r.allocate(e)
    assert res.tiers[0].passed == ("A", "B", "M")
    assert res.seats["X"] == 0


# --- thresholds in quotas, alliances (Netherlands, Israel) -----------------------------------------


def test_threshold_of_one_quota() -> None:
    r = rules("threshold 1 quota of valid_votes\nallocate dhondt\nties none", 10)
    res = r.allocate({"A": 500, "B": 400, "C": 100, "D": 99}, valid=1000)
    assert res.tiers[0].passed == ("A", "B", "C")  # quota 100: C reaches it exactly


def test_combination_split_by_largest_surplus() -> None:
    r = rules("alliances from combinations split by largest_remainder quota hare\n"
              "allocate dhondt\nties registration_order", 10)
    e = election(entry("A", 450, 1), entry("B1", 170, 2, combination="K"), entry("B2", 130, 3, combination="K"),
                 entry("C", 250, 4))
    res = r.allocate(e)
    # D'Hondt among A 450, K 300, C 250 for 10 seats: A 5, K 3, C 2; K's 3 split on quota 100:
    # B1 1 + .7, B2 1 + .3 -> B1 2, B2 1.
    assert res.seats == {"A": 5, "B1": 2, "B2": 1, "C": 2}
    assert res.tiers[0].units == (("B1", "B2"),)


def test_agreement_void_unless_both_pass() -> None:
    r = rules("threshold 10% of valid_votes\nalliances from agreements split by dhondt\n"
              "allocate dhondt\nties registration_order", 10)
    e = election(entry("A", 500, 1), entry("B", 300, 2), entry("C", 150, 3), entry("D", 50, 4),
                 agreements=(("A", "D"), ("B", "C")))
    res = r.allocate(e)
    assert res.tiers[0].units == (("B", "C"),)  # A-D is void: D is below 10%
    assert sum(res.seats.values()) == 10
    assert res.seats["D"] == 0


def test_agreement_changes_the_result() -> None:
    body = "allocate dhondt\nties registration_order"
    votes = [entry("A", 600, 1), entry("B", 250, 2), entry("C", 90, 3), entry("D", 70, 4)]
    alone = rules(body, 5).allocate(election(*votes))
    paired = rules("alliances from agreements split by dhondt\n" + body, 5).allocate(
        election(*votes, agreements=(("C", "D"),)))
    # alone: 600, 300, 250, 200, 150 -> A 4, B 1; paired C+D = 160 beats A's fourth quotient (150)
    assert alone.seats == {"A": 4, "B": 1, "C": 0, "D": 0}
    assert paired.seats == {"A": 3, "B": 1, "C": 1, "D": 0}


def test_bad_agreements_are_refused() -> None:
    with pytest.raises(ValueError, match="one agreement only"):
        election(entry("A", 1, 1), entry("B", 1, 2), entry("C", 1, 3), agreements=(("A", "B"), ("B", "C")))
    with pytest.raises(ValueError, match="not a list"):
        election(entry("A", 1, 1), agreements=(("A", "Z"),))


def test_alliances_with_a_cap_are_refused() -> None:
    r = rules("alliances from agreements split by dhondt\ncap 3 seats per list\nallocate dhondt", 10)
    e = election(entry("A", 5, 1), entry("B", 5, 2), agreements=(("A", "B"),))
    with pytest.raises(AllocationError, match="not supported"):
        r.allocate(e)


# --- mixed-member compensation (New Zealand) -------------------------------------------------------

NZ = ("threshold 5% of valid_votes or district_seats >= 1\ncompensate district_seats overhang added\n"
      "allocate sainte_lague\nties none")


def test_overhang_enlarges_the_house() -> None:
    e = election(entry("A", 6000, 1, district_seats=3), entry("B", 3000, 2, district_seats=0),
                 entry("C", 300, 3, district_seats=2), entry("D", 700, 4, district_seats=0))
    res = rules(NZ, 10).allocate(e)
    # C qualifies by its districts (3%); everyone qualifies: SL over 10 among 6000/3000/300/700:
    # A 6, B 3, D 1, C 0 -> C keeps its 2 district seats: overhang 2, house of 12.
    assert res.seats == {"A": 6, "B": 3, "C": 2, "D": 1}
    assert res.tiers[0].overhang == 2 and res.total == 12


def test_district_seats_of_non_qualifying_lists_come_off() -> None:
    r = rules("threshold 5% of valid_votes\ncompensate district_seats overhang added\n"
              "allocate sainte_lague\nties none", 10)
    e = election(entry("A", 6000, 1, district_seats=2), entry("B", 3700, 2, district_seats=0),
                 entry("I", 300, 3, district_seats=1))
    res = r.allocate(e)
    assert res.seats["I"] == 1 and res.seats["A"] + res.seats["B"] == 9 and res.total == 10


def test_compensation_needs_district_seats() -> None:
    with pytest.raises(MissingFigure, match="district seats"):
        rules(NZ, 10).allocate({"A": 10, "B": 5}, valid=15)


# --- regional thresholds, reported shares, lower bounds (Kyrgyzstan, Ukraine) ----------------------

REGIONAL = ("threshold 5% of valid_votes\nthreshold 10% of valid_votes in every region\n"
            "allocate largest_remainder quota hare\nties registration_order")


def test_threshold_in_every_region_with_regional_votes() -> None:
    e = Election(
        lists=(entry("A", 600, 1, regional_votes={"N": 500, "S": 100}),
               entry("B", 300, 2, regional_votes={"N": 290, "S": 10}),
               entry("C", 100, 3, regional_votes={"N": 50, "S": 50})),
        regions={"N": {"valid": 840}, "S": {"valid": 160}}, totals={"valid": 1000})
    res = rules(REGIONAL, 10).allocate(e)
    # B has 10/160 = 6.25% in S: fails there; C 50/840 = 5.95% in N: fails
    assert res.tiers[0].passed == ("A",)


def test_regional_threshold_without_figures_needs_a_reported_outcome() -> None:
    e = election(entry("A", 600, 1, reported_regional=True), entry("B", 400, 2), totals={"valid": 1000})
    with pytest.raises(MissingFigure, match="B"):
        rules(REGIONAL, 10).allocate(e)
    e = election(entry("A", 600, 1, reported_regional=True), entry("B", 400, 2, reported_regional=False),
                 totals={"valid": 1000})
    res = rules(REGIONAL, 10).allocate(e)
    assert res.tiers[0].passed == ("A",)
    assert any("reported outcome" in n for n in res.notes)


def test_reported_share_stands_in_for_an_unknown_base_and_is_reported() -> None:
    r = rules("threshold 5% of registered_voters\nallocate largest_remainder quota hare\nties none", 10)
    e = election(entry("A", 700, 1, reported_shares={"registered_voters": Fraction(7, 100)}),
                 entry("B", 260, 2, reported_shares={"registered_voters": Fraction(26, 1000)}),
                 entry("C", 40, 3), totals={"ballots_cast": 1000})
    res = r.allocate(e)
    assert res.tiers[0].passed == ("A",)
    # C: 40 < 5% of the 1,000 ballots cast, so below 5% of registered voters whatever they are
    assert any("fails whatever the figure" in n and n.startswith("C") for n in res.notes)
    assert any("officially reported shares" in n for n in res.notes)


def test_unknown_base_without_a_reported_share_is_an_error() -> None:
    r = rules("threshold 5% of registered_voters\nallocate largest_remainder quota hare\nties none", 10)
    with pytest.raises(MissingFigure, match="registered"):
        r.allocate({"A": 700, "B": 300}, ballots_cast=1000)


def test_the_known_base_wins_over_a_reported_share() -> None:
    r = rules("threshold 5% of ballots_cast\nallocate largest_remainder quota hare\nties none", 10)
    e = election(entry("A", 900, 1), entry("B", 100, 2, reported_shares={"ballots_cast": Fraction(1, 100)}),
                 totals={"ballots_cast": 1000})
    assert r.allocate(e).tiers[0].passed == ("A", "B")


# --- vote files carry the new fields ---------------------------------------------------------------


def test_vote_file_fields_round_trip() -> None:
    text = json.dumps({
        "election": "t", "totals": {"valid": 100},
        "regions": {"N": {"valid": 60}, "S": {"valid": 40}},
        "agreements": [["A", "B"]],
        "parties": [
            {"abbr": "A", "votes": 60, "district_seats": 2, "regional_votes": {"N": 40, "S": 20},
             "reported_shares": {"registered_voters": 12.5}, "reported_regional_threshold": True},
            {"abbr": "B", "votes": 40, "combination": "K", "regional_votes": {"N": 20, "S": 20},
             "reported_percent_of_registered": 8.3},
        ],
    })
    e = parse_votes_json(text, "t.json")
    a, b = e.lists
    assert a.district_seats == 2 and a.regional_votes == {"N": 40, "S": 20}
    assert a.reported_shares == {"registered_voters": Fraction(1, 8)} and a.reported_regional is True
    assert b.combination == "K" and b.reported_shares == {"registered_voters": Fraction(83, 1000)}
    assert e.agreements == (("A", "B"),) and e.regions == {"N": {"valid": 60}, "S": {"valid": 40}}
    assert parse_votes_json(json.dumps(election_to_json(e)), "t.json") == e


def test_vote_file_refuses_bad_new_fields() -> None:
    from hemicycle.votes import VoteFileError

    base = {"election": "t", "parties": [{"abbr": "A", "votes": 1}, {"abbr": "B", "votes": 1}]}
    for extra, needle in (
        ({"agreements": [["A", "Z"]]}, "not a list"),
        ({"agreements": [["A", "B"], ["B", "A"]]}, "already in agreement"),
        ({"reported_percent_base": "turnout"}, "unknown base"),
    ):
        with pytest.raises(VoteFileError, match=needle):
            parse_votes_json(json.dumps(base | extra), "t.json")
    bad_party = {"election": "t", "parties": [{"abbr": "A", "votes": 1, "reported_shares": {"valid_votes": 120}}]}
    with pytest.raises(VoteFileError, match="between 0 and 100"):
        parse_votes_json(json.dumps(bad_party), "t.json")
    bad_region = {"election": "t", "parties": [{"abbr": "A", "votes": 1, "regional_votes": {"X": 1}}]}
    with pytest.raises(VoteFileError, match="regions"):
        parse_votes_json(json.dumps(bad_region), "t.json")


def test_compiled_path_hands_extended_rules_to_the_interpreter() -> None:
    r = hemicycle.load("russia-2016")
    f = hemicycle.compile(r)
    votes = [30, 15, 4, 3, 2]
    expected = r.allocate(Election.from_votes({f"L{i + 1}": v for i, v in enumerate(votes)}, ballots_cast=100))
    assert f(votes, ballots_cast=100) == tuple(expected.seats[f"L{i + 1}"] for i in range(5))


# --- the parser on the new clauses -----------------------------------------------------------------


@pytest.mark.parametrize(("body", "needle"), [
    ("alliances from agreements split by dhondt\nalliances from combinations split by dhondt\nallocate dhondt",
     "second 'alliances'"),
    ("compensate district_seats overhang added\ncompensate district_seats overhang added\nallocate dhondt",
     "second 'compensate'"),
    ("admit next until admitted_votes > 150% of valid_votes\nallocate dhondt", "more than 100%"),
    ("threshold 0 quota of valid_votes\nallocate dhondt", "at least 1"),
    ("threshold 5 votes in every region\nallocate dhondt", "unexpected 'in'"),
])
def test_new_clauses_refuse_nonsense(body: str, needle: str) -> None:
    with pytest.raises(RuleError) as info:
        rules(body)
    assert needle in info.value.render()


def test_new_clauses_keep_their_citations() -> None:
    r = rules("threshold 1 quota of valid_votes [P 7]\nadmit next until admitted >= 2 [p.9]\n"
              "consolation 1 seat from 5% to 6% of valid_votes [82.1]\n"
              "alliances from agreements split by dhondt [81A]\ncompensate district_seats overhang added [192]\n"
              "allocate dhondt")
    tier = r.model.tiers[0]
    assert tier.thresholds[0].citation == "P 7"
    assert tier.provisions[0].actions[0].citation == "p.9"
    assert tier.consolations[0].citation == "82.1"
    assert tier.alliances is not None and tier.alliances.citation == "81A"
    assert tier.compensation is not None and tier.compensation.citation == "192"
    assert tier.uses_extensions
