"""Vote files: the bundled data loads exactly, CSV variants parse, bad files give exact messages.

Golden files: every ``tests/bad_votes/NAME.csv`` / ``NAME.json`` must fail with exactly the text
of ``NAME.expected``. To rewrite the expected files after a deliberate change of wording::

    HEMICYCLE_UPDATE_GOLDEN=1 pytest tests/test_votes.py

and review the diff.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemicycle.election import Election, ListEntry
from hemicycle.votes import (
    VoteFileError,
    election_to_json,
    load_votes,
    parse_vote_file,
    parse_votes,
    parse_votes_csv,
    parse_votes_json,
    read_vote_file,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "hemicycle" / "elections"
BAD = Path(__file__).resolve().parent / "bad_votes"
UPDATE_GOLDEN = os.environ.get("HEMICYCLE_UPDATE_GOLDEN") == "1"

DATA_FILES = sorted(DATA.glob("*.json"))
BAD_FILES = sorted(p for p in BAD.iterdir() if p.suffix in (".csv", ".json"))


# --- bundled data --------------------------------------------------------------------------------


def test_bundled_data_present() -> None:
    assert len(DATA_FILES) >= 20


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_bundled_file_loads_exactly(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    election = load_votes(path)
    assert election.name == record["election"]
    assert election.source == str(path)
    assert len(election.lists) == len(record["parties"])
    assert [e.abbr for e in election.lists] == [p["abbr"] for p in record["parties"]]
    assert [e.votes for e in election.lists] == [p["votes"] for p in record["parties"]]
    assert [e.registration_order for e in election.lists] == list(
        range(1, len(election.lists) + 1)
    )
    for key, value in election.totals.items():
        assert record["totals"][key] == value


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_bundled_file_round_trips(path: Path) -> None:
    vote_file = read_vote_file(path)
    text = json.dumps(vote_file.to_json(), ensure_ascii=False, indent=1)
    again = parse_vote_file(text, str(path))
    assert again == vote_file


def test_bundled_tags() -> None:
    serbia = {e.abbr: e.tags for e in load_votes(DATA / "serbia-2020.json").lists}
    assert serbia["SVM"] == {"minority"}
    assert serbia["SNS"] == frozenset()
    assert serbia["RS"] == frozenset()  # "minority": null
    slovakia = {e.abbr: e.tags for e in load_votes(DATA / "slovakia-2020.json").lists}
    assert slovakia["PS-SPOLU"] == {"coalition", "coalition_2_3"}
    assert slovakia["OĽaNO"] == frozenset()


def test_bundled_check_figures() -> None:
    nl = read_vote_file(DATA / "netherlands-2021.json")
    assert nl.check_figures == {} and nl.election.totals["blank"] == 17173  # blank is a total (a base)
    assert read_vote_file(DATA / "ukraine-2006.json").parties_complete is False
    kz = load_votes(DATA / "kazakhstan-2023.json")
    assert kz.totals["against_all"] == 248291


# --- JSON ----------------------------------------------------------------------------------------


def test_json_full_record() -> None:
    text = json.dumps(
        {
            "election": "Test",
            "parties": [
                {"abbr": "A", "name": "Alpha", "votes": 10**30, "ballot_order": 2,
                 "registration_order": 2, "list_size": 40, "tags": ["x", "y"], "seats": 3},
                {"abbr": "B", "votes": 5, "ballot_order": None, "registration_order": 1,
                 "coalition_size": 4, "minority": True},
            ],
            "totals": {"registered": 10**31, "invalid": None, "notes": "ignored"},
            "substitutes": {"ballots_cast": "registered"},
        }
    )
    election = parse_votes_json(text, "t.json")
    assert election == Election(
        lists=(
            ListEntry(abbr="A", name="Alpha", votes=10**30, ballot_order=2,
                      registration_order=2, list_size=40, tags=frozenset({"x", "y"})),
            ListEntry(abbr="B", votes=5, registration_order=1, coalition_size=4,
                      tags=frozenset({"coalition", "coalition_4_plus", "minority"})),
        ),
        totals={"registered": 10**31},
        name="Test",
        substitutes={"ballots_cast": "registered"},
        source="t.json",
    )
    assert parse_votes_json(json.dumps(election_to_json(election)), "t.json") == election


def test_json_with_bom_and_spaces() -> None:
    text = '\ufeff  \n{"parties": [{"abbr": " A ", "votes": 1}]}'
    election = parse_votes(text, "t.json")
    assert election.abbrs == ("A",)
    assert election.name == ""


def test_json_incomplete_allows_smaller_sum() -> None:
    text = json.dumps(
        {"parties_complete": False, "parties": [{"abbr": "A", "votes": 60}],
         "totals": {"valid": 100}}
    )
    vote_file = parse_vote_file(text, "t.json")
    assert vote_file.parties_complete is False
    assert vote_file.election.totals == {"valid": 100}


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_with_totals() -> None:
    text = (
        "abbr,name,votes\n"
        "NurOtan,Nur Otan,5148074\n"
        "AkZhol,\"Ak Zhol, Bright Path\",792828\n"
        "total:valid,5940902\n"
        "total:invalid,297718\n"
        "total:ballots_cast, 6238620 \n"
    )
    election = parse_votes_csv(text, "kz.csv")
    assert election.abbrs == ("NurOtan", "AkZhol")
    assert election.lists[1].name == "Ak Zhol, Bright Path"
    assert [e.registration_order for e in election.lists] == [1, 2]
    assert election.totals == {"valid": 5940902, "invalid": 297718, "ballots_cast": 6238620}
    assert election.source == "kz.csv"


def test_csv_bom_semicolons_tags_comments() -> None:
    text = (
        "\ufeff# Serbia, excerpt\r\n"
        "ABBR ; votes ; tags ; ballot_order ; registration_order ; list_size\r\n"
        "\r\n"
        "SNS;1953998;;1;2;250\r\n"
        "# minority lists\r\n"
        'SVM;71893;"minority;coalition";4;1;\r\n'
    )
    election = parse_votes(text, "rs.csv")
    sns, svm = election.lists
    assert sns == ListEntry(abbr="SNS", votes=1953998, ballot_order=1, registration_order=2,
                            list_size=250)
    assert svm.tags == {"minority", "coalition"}
    assert svm.registration_order == 1
    assert svm.list_size is None


def test_csv_tab_and_comma_tags_and_huge_numbers() -> None:
    text = f"abbr\tvotes\ttags\nA\t{10**30}\tx, y\nB\t0\t\n"
    election = parse_votes(text, "t.tsv")
    assert election.lists[0].votes == 10**30
    assert election.lists[0].tags == {"x", "y"}
    assert election.lists[1].votes == 0


def test_csv_check_figures_and_trailing_delimiters() -> None:
    text = (
        "abbr,votes,\n"
        "A,90,\n"
        "total:valid,90\ntotal:invalid,5\ntotal:blank,5\ntotal:ballots_cast,100\n"
    )
    vote_file = parse_vote_file(text, "t.csv")
    assert vote_file.check_figures == {}
    assert vote_file.election.totals["ballots_cast"] == 100 and vote_file.election.totals["blank"] == 5


def test_detection_by_content_not_extension(tmp_path: Path) -> None:
    csv_as_json = tmp_path / "votes.json"
    csv_as_json.write_text("abbr,votes\nA,1\n", encoding="utf-8")
    assert load_votes(csv_as_json).abbrs == ("A",)
    json_as_csv = tmp_path / "votes.csv"
    json_as_csv.write_text('{"parties": [{"abbr": "B", "votes": 2}]}', encoding="utf-8")
    assert load_votes(json_as_csv).abbrs == ("B",)


# --- totals given as options ---------------------------------------------------------------------


def test_option_totals_extend_and_agree(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("abbr,votes\nA,60\nB,40\ntotal:valid,100\n", encoding="utf-8")
    election = load_votes(path, totals={"valid": 100, "invalid": 5})
    assert election.totals == {"valid": 100, "invalid": 5}


def test_option_total_conflict_names_both_values(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("abbr,votes\nA,60\nB,40\ntotal:valid,100\n", encoding="utf-8")
    with pytest.raises(VoteFileError) as info:
        load_votes(path, totals={"valid": 101})
    assert str(info.value) == (
        f"{path}: field totals.valid: the file gives valid = 100 (row 4) but the option gives "
        "valid = 101"
    )


def test_option_totals_are_checked() -> None:
    text = "abbr,votes\nA,60\n"
    with pytest.raises(VoteFileError, match="unknown total"):
        parse_votes(text, "t.csv", totals={"turnout": 1})
    with pytest.raises(VoteFileError, match="non-negative integer"):
        parse_votes(text, "t.csv", totals={"invalid": -1})
    with pytest.raises(VoteFileError, match="valid is 61 but the lists' votes add up to 60"):
        parse_votes(text, "t.csv", totals={"valid": 61})


def test_option_total_replaces_substitute() -> None:
    text = json.dumps(
        {"parties": [{"abbr": "A", "votes": 60}], "totals": {"valid": 60},
         "substitutes": {"ballots_cast": "valid"}}
    )
    assert parse_votes(text, "t.json").substitutes == {"ballots_cast": "valid"}
    election = parse_votes(text, "t.json", totals={"ballots_cast": 70})
    assert election.substitutes == {}
    assert election.totals == {"valid": 60, "ballots_cast": 70}


# --- errors --------------------------------------------------------------------------------------


def test_error_attributes_and_format() -> None:
    error = VoteFileError("f.csv", "bad", row=3, field="votes")
    assert (error.file, error.row, error.field, error.message) == ("f.csv", 3, "votes", "bad")
    assert str(error) == "f.csv: row 3, field votes: bad"
    assert str(VoteFileError("f.csv", "bad", row=3)) == "f.csv: row 3: bad"
    assert str(VoteFileError("f.csv", "bad", field="totals.valid")) == (
        "f.csv: field totals.valid: bad"
    )
    assert str(VoteFileError("f.csv", "bad")) == "f.csv: bad"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VoteFileError, match="cannot read the file"):
        load_votes(tmp_path / "nope.csv")


def test_enough_golden_files() -> None:
    assert len(BAD_FILES) >= 18
    for path in BAD_FILES:
        assert path.with_suffix(".expected").exists() or UPDATE_GOLDEN, path.name


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_bad_vote_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)  # messages name the file as given: NAME.csv
    with pytest.raises(VoteFileError) as info:
        load_votes(path.name)
    message = str(info.value)
    assert message.startswith(f"{path.name}: ")
    expected = path.with_suffix(".expected")
    if UPDATE_GOLDEN:
        expected.write_text(message + "\n", encoding="utf-8")
        return
    assert message == expected.read_text(encoding="utf-8").rstrip("\n")


# --- properties ----------------------------------------------------------------------------------

_abbrs = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}", fullmatch=True)


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(_abbrs, st.integers(min_value=0, max_value=10**40), min_size=1,
                       max_size=8))
def test_csv_and_json_agree(votes: dict[str, int]) -> None:
    csv_text = "abbr,votes\n" + "".join(f"{a},{v}\n" for a, v in votes.items())
    from_csv = parse_votes_csv(csv_text, "t")
    assert dict(zip(from_csv.abbrs, (e.votes for e in from_csv.lists), strict=True)) == votes
    from_json = parse_votes_json(json.dumps(election_to_json(from_csv)), "t")
    assert from_json == from_csv
    assert from_csv == Election(lists=Election.from_votes(votes).lists, source="t")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_csv_text_is_parsed_or_refused(text: str) -> None:
    with contextlib.suppress(VoteFileError):
        parse_votes("abbr,votes\n" + text, "t")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-5, max_value=10**20)
    | st.floats(allow_nan=True) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6,
)
_party_keys = st.sampled_from(
    ["abbr", "name", "votes", "ballot_order", "registration_order", "list_size", "tags",
     "minority", "coalition_size"]
)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.dictionaries(_party_keys, _json_values, max_size=6), max_size=3),
    st.dictionaries(st.sampled_from(["valid", "invalid", "ballots_cast", "blank", "x"]),
                    _json_values, max_size=3),
    _json_values,
)
def test_any_json_record_is_parsed_or_refused(
    parties: list[dict[str, object]], totals: dict[str, object], subs: object
) -> None:
    record = {"parties": parties, "totals": totals, "substitutes": subs}
    with contextlib.suppress(VoteFileError):
        parse_votes(json.dumps(record), "t")


def test_quoted_hash_abbr_and_comments() -> None:
    text = 'abbr,votes\n# comment, 5\n"#SIEŤ",146205\n  # KDH,128908\n##,1\n'
    assert parse_votes(text, "sk.csv").abbrs == ("#SIEŤ",)


def test_error_pickles() -> None:
    import pickle

    error = VoteFileError("f.csv", "bad", row=3, field="votes")
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.row, again.field, again.message) == ("f.csv", 3, "votes", "bad")
