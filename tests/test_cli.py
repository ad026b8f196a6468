"""The command line: outputs, JSON shape, exit codes, errors on stderr without tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_allocate_kazakhstan_2021_table() -> None:
    r = run("allocate", str(ROOT / "rules/kazakhstan-2021.elect"), str(ROOT / "elections/kazakhstan-2021.json"))
    assert r.exit_code == 0, r.output
    for needle in ("Nur Otan", "76", "Ak Zhol", "12", "People's Party", "10", "Auyl", "Adal",
                   "Assembly of People", "9", "107"):
        assert needle in r.stdout


def test_allocate_json_contract() -> None:
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["seats"] == {"QHP": 10, "NurOtan": 76, "Auyl": 0, "AkZhol": 12, "Adal": 0, "APK": 9}
    assert data["total"] == 107
    assert isinstance(data["tiers"], list) and data["tiers"][0]["seats"]["NurOtan"] == 76
    assert data["ties"] == []


def test_allocate_csv_and_explain() -> None:
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "--format", "csv")
    assert r.exit_code == 0
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["abbr", "name", "votes", "seats"]
    assert ["NurOtan", "Партия «Nur Otan»", "5148074", "76"] in rows
    assert ["APK", "Assembly of People of Kazakhstan", "", "9"] in rows
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "--explain")
    assert "Quota (hare)" in r.stdout and "Remainder seats" in r.stdout


def test_csv_votes_with_total_option(tmp_path: Path) -> None:
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes\nA,990\nB,6\nC,4\n")
    r = run("allocate", "kazakhstan-2021", str(votes), "--invalid", "0", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["seats"] == {"A": 96, "B": 2, "C": 0, "APK": 9}


def test_missing_figure_is_an_input_error(tmp_path: Path) -> None:
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes\nA,990\nB,6\n")
    r = run("allocate", "kazakhstan-2021", str(votes))
    assert r.exit_code == 2
    assert "ballots_cast" in r.stderr and "Traceback" not in r.output


def test_bad_rule_file_exit_2_with_caret() -> None:
    r = run("allocate", str(ROOT / "tests/bad_rules/misspelled_quota.elect"), "kazakhstan-2021")
    assert r.exit_code == 2
    assert "3:36: error: unexpected 'hair'" in r.stderr and "^^^^" in r.stderr
    assert "did you mean 'hare'?" in r.stderr


def test_bad_vote_file_exit_2(tmp_path: Path) -> None:
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes\nA,-5\n")
    r = run("allocate", "kazakhstan-2021", str(votes))
    assert r.exit_code == 2 and "row 2" in r.stderr and "votes" in r.stderr


def test_missing_files_exit_2() -> None:
    assert run("allocate", "no-such-rules", "kazakhstan-2021").exit_code == 2
    assert run("allocate", "kazakhstan-2021", "no-such-votes.json").exit_code == 2


def test_check_ok_and_failing(tmp_path: Path) -> None:
    assert run("check", "kazakhstan-2021", "kazakhstan-2021-correction").exit_code == 0
    bad = tmp_path / "bad.elect"
    bad.write_text('chamber "C" seats 11 tier "t" seats 10 { allocate dhondt ties none }')
    r = run("check", str(bad))
    assert r.exit_code == 1 and "do not add up" in r.stderr
    warn = tmp_path / "warn.elect"
    warn.write_text('chamber "C" seats 10 tier "t" seats 10 { allocate dhondt }')
    assert run("check", str(warn)).exit_code == 0
    assert run("check", "--strict", str(warn)).exit_code == 1


def test_unresolved_tie_is_reported(tmp_path: Path) -> None:
    rules = tmp_path / "r.elect"
    rules.write_text('chamber "C" seats 1 tier "t" seats 1 { allocate dhondt ties none }')
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes\nA,5\nB,5\n")
    r = run("allocate", str(rules), str(votes))
    assert r.exit_code == 2 and "A, B" in r.stderr


def test_version_and_list() -> None:
    r = run("--version")
    assert r.exit_code == 0 and r.stdout.startswith("hemicycle ")
    r = run("list")
    assert "kazakhstan-2021" in r.stdout


def test_outputs_never_overwrite_their_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 12, item 11: export -o and compare --html refuse their own inputs (by any path or link)."""
    monkeypatch.chdir(tmp_path)
    votes = tmp_path / "votes.json"
    votes.write_text((ROOT / "elections/kazakhstan-2021.json").read_text("utf-8"), "utf-8")
    rules = tmp_path / "r.elect"
    rules.write_text((ROOT / "rules/kazakhstan-2021.elect").read_text("utf-8"), "utf-8")
    (tmp_path / "link.json").symlink_to(votes)
    os.link(rules, tmp_path / "hard.elect")
    before = votes.read_bytes(), rules.read_bytes()
    for args in (["export", "r.elect", "votes.json", "--to", "eml", "-o", "votes.json"],
                 ["export", "r.elect", "votes.json", "--to", "nist", "-o", "r.elect"],
                 ["export", "r.elect", str(votes), "--to", "eml", "-o", "link.json"],
                 ["compare", "r.elect", "kazakhstan-2021-dhondt", "--votes", "votes.json", "--no-properties",
                  "--html", "hard.elect"],
                 ["compare", "kazakhstan-2021", "--votes", "link.json", "--no-properties", "--html", "votes.json"]):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "is an input of this command" in r.stderr
    assert (votes.read_bytes(), rules.read_bytes()) == before
    r = run("export", "r.elect", "votes.json", "--to", "eml", "-o", "out.xml")
    assert r.exit_code == 0 and (tmp_path / "out.xml").read_text("utf-8").startswith("<?xml")


def test_a_file_named_like_a_bundled_one_never_shadows_it_silently(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A name (no folder, no extension) is the bundled file; a path is that file; either way, when
    the other reading exists too, stderr says which file was read."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kazakhstan-2021").write_text('{"parties": [{"abbr": "X", "votes": 1}]}', "utf-8")
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "-f", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["seats"]["NurOtan"] == 76  # the bundled election, not ./kazakhstan-2021
    assert "reading the bundled election kazakhstan-2021, not the file kazakhstan-2021 in this folder" in r.stderr
    r = run("allocate", "kazakhstan-2021", "./kazakhstan-2021", "--invalid", "0", "-f", "json")
    assert r.exit_code == 0, r.output
    assert "X" in json.loads(r.stdout)["seats"]
    assert "reading ./kazakhstan-2021 in this folder, not the bundled election" in r.stderr
    (tmp_path / "kazakhstan-2021.elect").write_text('chamber "C" seats 1\ntier "t" seats 1 {\n  allocate dhondt\n'
                                                    '  ties registration_order\n}\n', "utf-8")
    r = run("allocate", "kazakhstan-2021.elect", "kazakhstan-2021", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] == 1
    assert "reading kazakhstan-2021.elect in this folder, not the bundled rule file kazakhstan-2021" in r.stderr
    # the README's main job works from any folder, and says where its files came from
    r = run("allocate", "rules/kazakhstan-2021.elect", "elections/kazakhstan-2021.json", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] == 107
    assert "rules/kazakhstan-2021.elect does not exist: reading the bundled rule file kazakhstan-2021" in r.stderr
    # no note when nothing is ambiguous
    r = run("allocate", str(ROOT / "rules/kazakhstan-2021.elect"), str(ROOT / "elections/kazakhstan-2021.json"))
    assert r.exit_code == 0 and "note:" not in r.stderr


def test_totals_on_the_command_line_are_ascii_whole_numbers() -> None:
    for value in ("²", "٣", "1.5", "-3", "9" * 5000):
        r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "--total", f"invalid={value}")
        assert r.exit_code == 2, (value, r.output)
        assert r.stderr.startswith("error: --total")


def test_a_swing_far_outside_the_shares_is_an_input_error() -> None:
    for swing in ("QHP=+1e400%", "QHP=-1e400%", "QHP=+95%"):
        r = run("compare", "kazakhstan-2021", "--votes", "kazakhstan-2021", "--no-properties", "--swing", swing)
        assert r.exit_code == 2 and "the share would be" in r.stderr, (swing, r.output)
