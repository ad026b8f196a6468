"""Vote files as spreadsheets export them, and worse: each is refused with a message naming the
row and the field, or accepted where it is unambiguous; never a traceback, never a dropped list."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.votes import VoteFileError, check_for_rules, parse_vote_file, parse_votes

runner = CliRunner()
DHONDT = 'chamber "c" seats 10\ntier "t" seats 10 {{ {threshold} allocate dhondt ties registration_order }}\n'


def rules_file(tmp_path: Path, threshold: str = "") -> str:
    path = tmp_path / "r.elect"
    path.write_text(DHONDT.format(threshold=threshold), "utf-8")
    return str(path)


@pytest.mark.parametrize("cell, words", [
    ("-5", "is negative"), ("12.5", "decimal part"), ("1e6", "exponent notation"),
    ('"1,234"', "thousands separators"), ("1 234", "thousands separators"), ("", "missing for B"),
    ("twelve", "is not a number"), ("+5", "leading '+'"),
])
def test_bad_figures_name_row_and_field(cell: str, words: str) -> None:
    with pytest.raises(VoteFileError) as err:
        parse_votes(f"abbr,votes\nA,10\nB,{cell}\n", "v.csv")
    assert err.value.row == 3 and err.value.field == "votes"
    assert words in str(err.value)


def test_byte_order_mark_and_huge_numbers_are_accepted_exactly() -> None:
    election = parse_votes(f"\ufeffabbr,votes\nA,{10**30}\nB,{5 * 10**29}\n", "v.csv")
    seats = hemicycle.loads(DHONDT.format(threshold="")).allocate(election).seats
    assert election.lists[0].votes == 10**30
    assert seats == {"A": 7, "B": 3}


def test_duplicate_list_and_empty_file() -> None:
    with pytest.raises(VoteFileError, match=r"row 4, field abbr: \"A\" appears twice"):
        parse_votes("abbr,votes\nA,1\nB,2\nA,3\n", "v.csv")
    with pytest.raises(VoteFileError, match="empty"):
        parse_votes("", "v.csv")


def test_totals_inconsistent_with_the_votes() -> None:
    with pytest.raises(VoteFileError, match="valid is 100 but the lists' votes add up to 90"):
        parse_votes("abbr,votes\nA,60\nB,30\ntotal:valid,100\n", "v.csv")


def test_total_missing_for_the_threshold_base(tmp_path: Path) -> None:
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes\nA,60\nB,30\n", "utf-8")
    r = runner.invoke(app, ["allocate", rules_file(tmp_path, "threshold 5% of ballots_cast"), str(votes)])
    assert r.exit_code == 2
    assert "ballots_cast" in r.output and "Traceback" not in r.output


def test_incomplete_file_for_a_list_votes_threshold(tmp_path: Path) -> None:
    text = '{"parties": [{"abbr": "A", "votes": 60}, {"abbr": "B", "votes": 30}], "parties_complete": false}'
    vote_file = parse_vote_file(text, "v.json")
    with pytest.raises(VoteFileError, match=r"field parties_complete: .*list_votes"):
        check_for_rules(vote_file, hemicycle.loads(DHONDT.format(threshold="threshold 5% of list_votes")).model)
    # valid votes cannot be counted from a file that lacks some lists: refused unless the file gives them
    with pytest.raises(VoteFileError, match=r"field parties_complete: .*valid votes, which the file does not give"):
        check_for_rules(vote_file, hemicycle.loads(DHONDT.format(threshold="threshold 5% of valid_votes")).model)
    with_valid = parse_vote_file(text.replace('"parties_complete"', '"totals": {"valid": 200}, "parties_complete"'),
                                 "v.json")
    check_for_rules(with_valid, hemicycle.loads(DHONDT.format(threshold="threshold 5% of valid_votes")).model)
    votes = tmp_path / "v.json"
    votes.write_text(text, "utf-8")
    r = runner.invoke(app, ["allocate", rules_file(tmp_path, "threshold 5% of list_votes"), str(votes)])
    assert r.exit_code == 2 and "parties_complete" in r.output


def test_a_tag_the_rules_name_but_no_list_carries_is_reported() -> None:
    rules = hemicycle.loads(DHONDT.format(threshold="threshold 5% of valid_votes for lists tagged minrity"))
    election = parse_votes("abbr,votes,tags\nA,60,\nB,30,minority\n", "v.csv")
    notes = rules.allocate(election).notes
    assert any("lists tagged minrity" in n and "minority" in n for n in notes)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(st.lists(st.sampled_from(["A", "B", "abbr", "votes", "tags", "total:valid", "total:invalid",
                                          "10", "-1", "1e6", "1,000", "\ufeff", "", " ", '"', "#", "0",
                                          "9" * 30, "x;y", "name"]), max_size=5), max_size=6),
       st.sampled_from([",", ";", "\t"]))
def test_mangled_csv_never_crashes(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                   sep: str) -> None:
    folder = tmp_path_factory.mktemp("v")
    votes = folder / "v.csv"
    votes.write_text("\n".join(sep.join(r) for r in [["abbr", "votes"], *rows]), "utf-8")
    rules = folder / "r.elect"
    rules.write_text(DHONDT.format(threshold="threshold 5% of valid_votes"), "utf-8")
    r = runner.invoke(app, ["allocate", str(rules), str(votes), "--format", "json"])
    assert r.exit_code in (0, 2), r.output
    assert "Traceback" not in r.output and "internal error" not in r.output
    if r.exit_code == 0:  # accepted: every list of the file is in the result
        lines = votes.read_text("utf-8").removeprefix("\ufeff").splitlines()[1:]
        cells = [next(csv.reader([line], delimiter=sep), [""]) for line in lines if line.strip()]
        abbrs = {c[0].strip() for c in cells if c and c[0].strip() and not c[0].strip().startswith(("#", "total:"))}
        assert abbrs <= set(json.loads(r.stdout)["seats"])
