"""Vote files that used to give wrong seats with exit 0 (issue 12, items 2, 4 and 5): misspelled keys,
clauses whose data the file does not give, duplicate keys in any JSON reader, and figures that
contradict each other. Each test starts from the reproducer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.reading import MAX_JSON_OBJECTS, KeyTable, VoteFileError, strict_json
from hemicycle.votes import JSON_KEYS, check_for_rules, parse_vote_file, parse_votes, read_vote_file

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "hemicycle" / "elections"
runner = CliRunner()


def record(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    return data


def write(tmp_path: Path, data: object, name: str = "v.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(path)


def allocate(tmp_path: Path, rules: str, data: object) -> Any:
    return runner.invoke(app, ["allocate", rules, write(tmp_path, data), "-f", "json"])


# --- item 2: unknown keys, and clauses whose data the file does not give ---------------------------


def test_misspelled_agreements_is_an_error_not_a_silent_change_of_seats(tmp_path: Path) -> None:
    data = record("israel-2015")
    right = json.loads(allocate(tmp_path, "israel-2015", data).stdout)["seats"]
    data["agreement"] = data.pop("agreements")
    r = allocate(tmp_path, "israel-2015", data)
    assert r.exit_code == 2, r.output
    assert 'unknown key "agreement" in the top level; did you mean "agreements"?' in r.output
    del data["agreement"]  # no agreements at all: the file never says whether any were made
    r = allocate(tmp_path, "israel-2015", data)
    assert r.exit_code == 2 and "field agreements: missing" in r.output and '"agreements": []' in r.output
    data["agreements"] = []  # none were made: allowed, and said in every output
    r = allocate(tmp_path, "israel-2015", data)
    assert r.exit_code == 0
    out = json.loads(r.stdout)
    assert any("gives no agreement: every list takes part alone" in n for n in out["notes"])
    assert out["seats"] != right  # the agreements decide seats in 2015 (which is why a typo mattered)


def test_misspelled_combination_is_an_error(tmp_path: Path) -> None:
    data = record("netherlands-2017")
    party = next(p for p in data["parties"] if "combination" in p)
    party["combinaton"] = party.pop("combination")
    r = allocate(tmp_path, "netherlands-2017", data)
    assert r.exit_code == 2 and 'did you mean "combination"?' in r.output
    for p in data["parties"]:
        p.pop("combinaton", None)
        p.pop("combination", None)
    r = allocate(tmp_path, "netherlands-2017", data)
    assert r.exit_code == 0
    assert any("no list of the vote file names a combination" in n for n in json.loads(r.stdout)["notes"])


@pytest.mark.parametrize(("where", "key", "hint"), [
    ("top", "parties_compete", "parties_complete"),
    ("top", "substitute", "substitutes"),
    ("party", "ballot_ordr", "ballot_order"),
    ("party", "Votes", "votes"),
    ("party", "distrct_seats", "district_seats"),
    ("totals", "invalids", "invalid"),
    ("totals", "ballots_casts", "ballots_cast"),
])
def test_every_unknown_key_is_refused_with_a_did_you_mean(where: str, key: str, hint: str) -> None:
    data: dict[str, Any] = {"election": "t", "parties": [{"abbr": "A", "votes": 6}, {"abbr": "B", "votes": 4}],
                            "totals": {"valid": 10}}
    target = {"top": data, "party": data["parties"][1], "totals": data["totals"]}[where]
    target[key] = 1
    with pytest.raises(VoteFileError) as info:
        parse_votes(json.dumps(data), "v.json")
    assert f'unknown key "{key}"' in str(info.value) and f'did you mean "{hint}"?' in str(info.value)
    if where == "party":
        assert info.value.row == 2


def test_unknown_keys_in_regions_and_reported_shares() -> None:
    base = {"election": "t", "regions": {"N": {"valid": 10, "regstered": 20}},
            "parties": [{"abbr": "A", "votes": 10, "regional_votes": {"N": 10}}]}
    with pytest.raises(VoteFileError, match=r'field regions.N.regstered: unknown key .* did you mean "registered"'):
        parse_votes(json.dumps(base), "v.json")
    shares = {"election": "t", "parties": [{"abbr": "A", "votes": 10, "reported_shares": {"valid_vote": 5}}]}
    with pytest.raises(VoteFileError, match='did you mean "valid_votes"'):
        parse_votes(json.dumps(shares), "v.json")
    lonely = {"election": "t", "parties": [{"abbr": "A", "votes": 10, "reported_percent": 5}]}
    with pytest.raises(VoteFileError, match='no "reported_percent_base"'):
        parse_votes(json.dumps(lonely), "v.json")


def test_free_data_goes_under_extra_or_x_keys() -> None:
    data = {"election": "t", "extra": {"anything": [1, {"goes": True}]}, "x-source": "me",
            "parties": [{"abbr": "A", "votes": 10, "x-colour": "#fff", "extra": None}],
            "totals": {"valid": 10, "x-turnout-note": "high"}}
    election = parse_votes(json.dumps(data), "v.json")
    assert election.list_votes == 10
    csv = parse_votes("abbr,votes,x-colour\nA,10,red\ntotal:valid,10,\n", "v.csv")
    assert csv.list_votes == 10
    with pytest.raises(VoteFileError, match='unknown column "vote"; did you mean "votes"'):
        parse_votes("abbr,vote\nA,10\n", "v.csv")


def test_key_tables_are_per_kind_and_extensible() -> None:
    assert set(JSON_KEYS) == {"top", "party", "totals", "region"}
    table = JSON_KEYS["top"].with_keys(data=("districts",))
    table.check({"districts": []}, "v.json")
    with pytest.raises(VoteFileError, match='did you mean "districts"'):
        table.check({"district": []}, "v.json")
    with pytest.raises(VoteFileError, match='unknown key "b" in a thing'):
        KeyTable("a thing", data=("a",)).check({"b": 1}, "f")


def test_a_regional_threshold_without_regional_figures_is_an_error(tmp_path: Path) -> None:
    rules = tmp_path / "r.elect"
    rules.write_text('chamber "c" seats 10\ntier "t" seats 10 { threshold 5% of valid_votes in every region '
                     "allocate dhondt ties registration_order }\n", "utf-8")
    data = {"election": "t", "parties": [{"abbr": "A", "votes": 60}, {"abbr": "B", "votes": 40}]}
    r = runner.invoke(app, ["allocate", str(rules), write(tmp_path, data)])
    assert r.exit_code == 2 and "field regions: missing: the rules test a threshold in every region" in r.output


def test_a_tag_no_list_carries_is_a_note_in_every_output(tmp_path: Path) -> None:
    rules = tmp_path / "r.elect"
    rules.write_text('chamber "c" seats 10\ntier "t" seats 10 { threshold 5% of valid_votes for lists tagged '
                     "minrity allocate dhondt ties registration_order }\n", "utf-8")
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes,tags\nA,60,\nB,30,minority\n", "utf-8")
    for fmt in ("table", "json", "csv"):
        r = runner.invoke(app, ["allocate", str(rules), str(votes), "-f", fmt])
        assert r.exit_code == 0 and "lists tagged minrity" in r.output, (fmt, r.output)
    r = runner.invoke(app, ["export", str(rules), str(votes), "--to", "nist", "--election-date", "2021-01-01"])
    assert r.exit_code == 0 and "lists tagged minrity" in json.loads(r.stdout)["Notes"]
    r = runner.invoke(app, ["export", str(rules), str(votes), "--to", "eml"])
    assert r.exit_code == 0 and "lists tagged minrity" in r.stdout


def test_an_incomplete_file_cannot_count_a_base_from_its_lists() -> None:
    text = json.dumps({"election": "t", "parties_complete": False,
                       "parties": [{"abbr": "A", "votes": 60}, {"abbr": "B", "votes": 30}]})
    vote_file = parse_vote_file(text, "v.json")
    for base in ("valid_votes", "list_votes", "votes_and_against_all"):
        rules = hemicycle.loads(f'chamber "c" seats 10\ntier "t" seats 10 {{ threshold 5% of {base} '
                                "allocate dhondt ties registration_order }")
        with pytest.raises(VoteFileError, match="field parties_complete: false: the file lacks some lists"):
            check_for_rules(vote_file, rules.model)


# --- item 4: no JSON reader accepts a duplicate key ---------------------------------------------------


def test_nist_duplicate_count_is_refused(tmp_path: Path) -> None:
    r = runner.invoke(app, ["export", "kazakhstan-2021", "kazakhstan-2021", "--to", "nist"])
    assert r.exit_code == 0
    text = r.stdout.replace('"Count": 659019', '"Count": 659019, "Count": 9999999', 1)
    assert text != r.stdout
    path = tmp_path / "report.json"
    path.write_text(text, "utf-8")
    r = runner.invoke(app, ["allocate", "kazakhstan-2021", str(path)])
    assert r.exit_code == 2 and 'the key "Count" appears twice' in r.output, r.output
    assert "VoteCounts" in r.output  # the path of the object is named


@pytest.mark.parametrize("text, where", [
    ('{"parties": [{"abbr": "A", "votes": 1}], "totals": {"valid": 1, "valid": 2}}', "field totals"),
    ('{"parties": [{"abbr": "A", "votes": 1, "regional_votes": {"N": 1, "N": 2}}], "regions": {"N": {}}}',
     "row 1, field regional_votes"),
    ('{"parties": [{"abbr": "A", "votes": 1}], "regions": {"N": {"valid": 1}, "N": {"valid": 2}}}',
     "field regions"),
    ('{"parties": [{"abbr": "A", "votes": 1}], "rule": {"notes": "a", "notes": "b"}}', "field rule"),
    ('{"parties": [{"abbr": "A", "votes": 1}], "extra": {"x": {"y": 1, "y": 1}}}', "field extra.x"),
    ('{"election": "a", "election": "b", "parties": [{"abbr": "A", "votes": 1}]}', "the key"),
])
def test_duplicate_keys_are_refused_at_any_depth(text: str, where: str) -> None:
    with pytest.raises(VoteFileError, match="appears twice") as info:
        parse_votes(text, "v.json")
    assert where in str(info.value)


def test_reproduce_and_dates_read_json_strictly(tmp_path: Path) -> None:
    data = record("kazakhstan-2021")
    text = json.dumps(data).replace('"seats": 76', '"seats": 76, "seats": 77', 1)
    path = tmp_path / "kz.json"
    path.write_text(text, "utf-8")
    r = runner.invoke(app, ["reproduce", f"kazakhstan-2021={path}"])
    assert r.exit_code == 2 and "appears twice" in r.output


def test_the_json_object_limit_is_checked_while_parsing() -> None:
    text = "[" + ",".join(["{}"] * (MAX_JSON_OBJECTS + 1)) + "]"
    with pytest.raises(VoteFileError, match="more than 500,000 JSON objects"):
        strict_json(text, "big.json")


# --- item 5: redundant figures against each other ------------------------------------------------------


def regional(parties: list[dict[str, Any]], regions: dict[str, dict[str, int]], **totals: int) -> str:
    return json.dumps({"election": "t", "parties": parties, "regions": regions, "totals": totals})


@pytest.mark.parametrize("text, message", [
    # regional votes adding up to more than the national votes
    (regional([{"abbr": "A", "votes": 600, "regional_votes": {"N": 400, "S": 300}},
               {"abbr": "B", "votes": 400, "regional_votes": {"N": 200, "S": 200}}], {"N": {}, "S": {}}),
     "row 1, field regional_votes: A has 600 votes in all, but 700 in the regions"),
    # a region with fewer registered voters than one list's votes there
    (regional([{"abbr": "A", "votes": 600, "regional_votes": {"N": 400, "S": 200}},
               {"abbr": "B", "votes": 400, "regional_votes": {"N": 200, "S": 200}}],
              {"N": {"registered": 300}, "S": {"registered": 1000}}),
     "field regions.N.registered: registered in N is 300, fewer than the votes of A in N (400)"),
    # a region whose valid votes are not its lists' votes
    (regional([{"abbr": "A", "votes": 600, "regional_votes": {"N": 400, "S": 200}},
               {"abbr": "B", "votes": 400, "regional_votes": {"N": 200, "S": 200}}],
              {"N": {"valid": 500}, "S": {"valid": 400}}),
     "field regions.N.valid: valid in N is 500 but the lists' votes in N add up to 600"),
    # regions' totals above the national ones
    (regional([{"abbr": "A", "votes": 600}], {"N": {"registered": 700}, "S": {"registered": 700}},
              registered=1000),
     "field totals.registered: registered is 1000, but the regions' registered add up to 1400"),
    # a list with votes in some regions only (the error names that list, not another one)
    (regional([{"abbr": "A", "votes": 600, "regional_votes": {"N": 400, "S": 200}},
               {"abbr": "B", "votes": 400, "regional_votes": {"N": 200}}], {"N": {}, "S": {}}),
     "row 2, field regional_votes.S: B gives votes in 1 of the 2 regions but none in S"),
])
def test_regional_figures_against_the_national_ones(text: str, message: str) -> None:
    with pytest.raises(VoteFileError) as info:
        parse_votes(text, "v.json")
    assert message in str(info.value)


@pytest.mark.parametrize("totals, message", [
    ({"registered": 50}, "field totals.registered: registered is 50, fewer than the votes of A (60)"),
    ({"registered": 95, "ballots_cast": 100}, "registered is 95, fewer than ballots_cast (100)"),
    ({"ballots_cast": 80}, "ballots_cast is 80, fewer than the lists' votes (100)"),
    ({"ballots_cast": 50}, "ballots_cast is 50, fewer than the votes of A (60)"),
    ({"valid": 100, "ballots_cast": 90}, "ballots_cast is 90, fewer than valid (100)"),
    ({"invalid": 200, "ballots_cast": 150}, "ballots_cast is 150, fewer than invalid (200)"),
    ({"ballots_cast": 100, "ballots_issued": 99}, "ballots_issued is 99, fewer than ballots_cast (100)"),
    ({"ballots_issued": 120, "registered": 110}, "registered is 110, fewer than ballots_issued (120)"),
])
def test_national_counts_nest(totals: dict[str, int], message: str) -> None:
    text = json.dumps({"election": "t", "parties": [{"abbr": "A", "votes": 60}, {"abbr": "B", "votes": 40}],
                       "totals": totals})
    with pytest.raises(VoteFileError) as info:
        parse_votes(text, "v.json")
    assert message in str(info.value)


def test_reported_shares_agree_with_the_figures() -> None:
    parties = [{"abbr": "A", "votes": 600, "reported_shares": {"valid_votes": 60.0}},
               {"abbr": "B", "votes": 400, "reported_shares": {"valid_votes": 4.0}}]
    with pytest.raises(VoteFileError, match=r"row 2, field reported_shares.valid_votes: B: 4.0% of valid_votes, "
                                            r"but the figures give 40.000%"):
        parse_votes(json.dumps({"election": "t", "parties": parties, "totals": {"valid": 1000}}), "v.json")
    parties[1]["reported_shares"] = {"valid_votes": 40.0}
    parse_votes(json.dumps({"election": "t", "parties": parties, "totals": {"valid": 1000}}), "v.json")
    # the base unknown: the shares must agree with one figure of it (here 1000 and 10,000 cannot both be)
    parties = [{"abbr": "A", "votes": 600, "reported_shares": {"registered_voters": 60}},
               {"abbr": "B", "votes": 400, "reported_shares": {"registered_voters": 4}}]
    with pytest.raises(VoteFileError, match="cannot both hold: no single figure of registered_voters"):
        parse_votes(json.dumps({"election": "t", "parties": parties}), "v.json")
    turnout = {"election": "t", "parties": [{"abbr": "A", "votes": 60}],
               "totals": {"ballots_cast": 60, "registered": 100, "turnout_percent_reported": 65.0}}
    with pytest.raises(VoteFileError, match=r"the turnout: 65\.0% of registered_voters, but the figures give 60"):
        parse_votes(json.dumps(turnout), "v.json")


def test_bundled_records_pass_every_check() -> None:
    for path in sorted(DATA.glob("*.json")):
        assert read_vote_file(path).election.lists


def test_share_column_uses_the_valid_total_of_a_file_with_some_lists(tmp_path: Path) -> None:
    """Ak Jol's 61.73 % of the valid votes, not 69.10 % of the two listed lists' votes."""
    data = {"election": "t", "parties_complete": False, "totals": {"valid": 1000},
            "parties": [{"abbr": "AkJol", "votes": 6173}, {"abbr": "B", "votes": 2760}]}
    data["totals"]["valid"] = 10000
    rules = tmp_path / "r.elect"
    rules.write_text('chamber "c" seats 10\ntier "t" seats 10 { threshold 5% of valid_votes allocate dhondt '
                     "ties registration_order }\n", "utf-8")
    r = runner.invoke(app, ["allocate", str(rules), write(tmp_path, data)])
    assert r.exit_code == 0, r.output
    assert "61.73%" in r.output and "69.10%" not in r.output
    r = runner.invoke(app, ["compare", str(rules), "--votes", write(tmp_path, data), "--no-properties"])
    assert r.exit_code == 0 and "61.73%" in r.output, r.output
