"""Vote files with districts in the long-form CSV (and NIST GpUnits): every bundled district record
written out and read back gives the same lists, districts, official figures and seats; what the
rules refuse names the district."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.display import csv_text
from hemicycle.district_csv import long_form_rows
from hemicycle.reproduce import cases_for
from hemicycle.votes import parse_vote_file, read_vote_file

DATA = Path(hemicycle.__file__).resolve().parent / "elections"
# The district family of issue 14 (list PR in districts, apportionments); the mixed-member records of
# issue 15 have single-member contests (candidates' votes), which the long-form CSV does not hold yet.
DISTRICTED = ("czech-2021", "finland-2019", "poland-2019", "poland-2023", "spain-1977", "spain-1982", "spain-1986",
              "spain-1989", "spain-1996", "spain-2000", "spain-2004", "spain-2011", "spain-2015", "us-house-2000")


def _csv(name: str) -> str:
    vote_file = read_vote_file(DATA / f"{name}.json")
    return csv_text(long_form_rows(vote_file.election, vote_file.official_units))


# Records with units inside units or single-member contests (issue 15): the CSV form writes their
# parent and candidate columns.
NESTED = ("denmark-2015", "germany-2025", "iceland-2021", "iceland-2021-first-count", "new-zealand-2014",
          "norway-2021", "scotland-2011", "zug-2018", "zurich-2006")


@pytest.mark.parametrize("name", NESTED)
def test_nested_units_round_trip_through_the_long_form(name: str) -> None:
    [case] = cases_for([name])
    original = read_vote_file(DATA / f"{name}.json")
    text = _csv(name)
    again = parse_vote_file(text, f"{name}.csv")
    assert again.election.units == original.election.units
    assert [(e.abbr, e.votes) for e in again.election.lists] == [(e.abbr, e.votes) for e in original.election.lists]
    assert again.official_units == original.official_units
    rules = hemicycle.load(str(case.rules_path))
    assert (rules.allocate(again.election, explain=False).seats
            == rules.allocate(original.election, explain=False).seats)
    third = parse_vote_file(json.dumps(again.to_json()), f"{name}.json")
    assert third.election.units == original.election.units


NESTED_CSV = """district,abbr,votes,seats,level,parent,candidate
R,A,30,,region,,
R,B,20,,region,,
N,A,10,1,constituency,R,Ann
N,B,12,0,constituency,R,Bob
"""


@pytest.mark.parametrize("old, new, line, field, message", [
    ("N,B,12,0,constituency,R,Bob", "N,B,12,0,constituency,Q,Bob", 5, "parent", "parent 'Q', but row 4 gives 'R'"),
    ("N,B,12,0,constituency,R,Bob", "N,A,12,0,constituency,R,Bob", 5, "abbr", "two candidates stand for A"),
    ("R,B,20,,region,,", "R,B,20,,region,,\n,A,,,region,,", 4, "level", "a national row (district empty) has no level"),
    ("N,A,10,1,constituency,R,Ann", "N,A,10,1,,R,Ann\nN,total:valid,22,,,,\nN,C,1,,district,,", 4, "level",
     "units of the levels district, constituency have this name"),
    ("N,B,12,0,constituency,R,Bob", "N,B,x,0,constituency,R,Bob", 5, "votes", "N, Bob"),
    ("N,B,12,0,constituency,R,Bob", "N,B,12,2,constituency,R,Bob", 5, "seats", "a candidate wins at most one seat"),
])
def test_bad_nested_rows_are_refused_with_line_and_field(old: str, new: str, line: int, field: str,
                                                          message: str) -> None:
    from hemicycle.reading import VoteFileError

    good = parse_vote_file(NESTED_CSV, "n.csv").election
    assert [(u.name, u.level, u.parent, len(u.candidates)) for u in good.units] == [
        ("R", "region", None, 0), ("N", "constituency", "R", 2)]
    text = NESTED_CSV.replace(old, new.replace("\\n", "\n"))
    with pytest.raises(VoteFileError) as caught:
        parse_vote_file(text, "n.csv")
    assert message in caught.value.message, caught.value
    assert (caught.value.row, caught.value.field) == (line, field)


def test_every_district_record_is_covered() -> None:
    assert all((DATA / f"{name}.json").exists() for name in DISTRICTED)


@pytest.mark.parametrize("name", DISTRICTED)
def test_json_csv_json_gives_the_same_seats(name: str) -> None:
    [case] = cases_for([name])
    original = read_vote_file(DATA / f"{name}.json")
    again = parse_vote_file(_csv(name), f"{name}.csv")
    assert again.election.units == original.election.units
    assert [(e.abbr, e.votes, e.tags, e.coalition_size) for e in again.election.lists] == [
        (e.abbr, e.votes, e.tags, e.coalition_size) for e in original.election.lists]
    assert again.official_units == original.official_units
    rules = hemicycle.load(str(case.rules_path))
    seats = rules.allocate(original.election, explain=False)
    assert rules.allocate(again.election, explain=False).seats == seats.seats
    # ... and back to JSON
    third = parse_vote_file(json.dumps(again.to_json()), f"{name}.json")
    assert rules.allocate(third.election, explain=False).seats == seats.seats


def _edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = _csv(name)
    assert old in text
    path = tmp_path / f"{name}.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_magnitude_the_rules_disagree_with_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, "spain-2015", '"Madrid","district:seats",36', '"Madrid","district:seats",37')
    r = CliRunner().invoke(app, ["allocate", "spain-1986", str(path)])
    assert r.exit_code == 2
    assert "Madrid: the vote file gives a magnitude of 37, but the rules give 36" in r.output


def test_a_district_the_rules_name_missing_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, "spain-2015", '"Ceuta"', '"Ceutta"')
    text = path.read_text("utf-8").replace('"Ceuta"', '"Ceutta"')
    path.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(app, ["allocate", "spain-1986", str(path)])
    assert r.exit_code == 2
    assert "'Ceuta'" in r.output and "did you mean 'Ceutta'?" in r.output


def test_a_csv_district_record_reproduces(tmp_path: Path) -> None:
    path = tmp_path / "poland-2023.csv"
    path.write_text(_csv("poland-2023"), encoding="utf-8")
    r = CliRunner().invoke(app, ["allocate", "poland-2019", str(path), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["total"] == 460


# --- NIST 1500-100 with counts per GpUnit ------------------------------------------------------------


def _nist(name: str, rules: str) -> dict[str, object]:
    from hemicycle.formats.nist import export_nist

    election = read_vote_file(DATA / f"{name}.json").election
    return export_nist(hemicycle.load(rules).allocate(election, explain=False), date="2021-01-10")


def _nist_error(document: object) -> str:
    from hemicycle.reading import VoteFileError

    with pytest.raises(VoteFileError) as info:
        parse_vote_file(json.dumps(document), "report.json")
    return str(info.value)


def test_nist_unit_counts_that_do_not_add_up_are_refused() -> None:
    doc = _nist("finland-2019", "finland-2019")
    selection = doc["Election"][0]["Contest"][0]["ContestSelection"][0]  # type: ignore[index]
    count = next(c for c in selection["VoteCounts"] if c["GpUnitId"].startswith("gpu-district-"))
    count["Count"] += 1
    message = _nist_error(doc)
    assert "ContestSelection[0]" in message and "its votes in the districts add up to" in message


def test_nist_bad_magnitude_and_unknown_unit_are_refused() -> None:
    doc = _nist("finland-2019", "finland-2019")
    unit = doc["GpUnit"][1]  # type: ignore[index]
    unit["ExternalIdentifier"][0]["Value"] = "3.5"
    assert 'GpUnit[@id=gpu-district-Helsinki].ExternalIdentifier[0].Value: hemicycle-seats' in _nist_error(doc)
    doc = _nist("finland-2019", "finland-2019")
    selection = doc["Election"][0]["Contest"][0]["ContestSelection"][0]  # type: ignore[index]
    next(c for c in selection["VoteCounts"] if c["GpUnitId"].startswith("gpu-district-"))["GpUnitId"] = "gpu-x"
    assert '"gpu-x" is not the @id of a GpUnit' in _nist_error(doc)


def test_nist_district_totals_are_checked(tmp_path: Path) -> None:
    doc = _nist("spain-2015", "spain-1986")
    counts = doc["Election"][0]["Contest"][0]["OtherCounts"]  # type: ignore[index]
    counts[1]["Undervotes"] += 1  # a province's blank ballots: the national blank no longer their sum
    assert "blank is" in _nist_error(doc) and "the districts' blank add up to" in _nist_error(doc)


def test_nist_magnitude_the_rules_disagree_with(tmp_path: Path) -> None:
    doc = _nist("spain-2015", "spain-1986")
    next(u for u in doc["GpUnit"] if u["@id"] == "gpu-district-Madrid")[  # type: ignore[union-attr]
        "ExternalIdentifier"][0]["Value"] = "37"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = CliRunner().invoke(app, ["allocate", "spain-1986", str(path)])
    assert r.exit_code == 2 and "Madrid: the vote file gives a magnitude of 37, but the rules give 36" in r.output
