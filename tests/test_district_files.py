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
DISTRICTED = sorted(p.stem for p in DATA.glob("*.json") if "districts" in json.loads(p.read_text("utf-8")))


def _csv(name: str) -> str:
    vote_file = read_vote_file(DATA / f"{name}.json")
    return csv_text(long_form_rows(vote_file.election, vote_file.official_units))


def test_every_district_record_is_covered() -> None:
    assert len(DISTRICTED) == 14


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
