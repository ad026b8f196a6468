"""Distinguishing elections: two systems over the same symbolic votes, replayed by the interpreter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.election import Election, ListEntry
from hemicycle.grammar import load_rules, parse_rules
from hemicycle.interpreter import allocate
from hemicycle.model import Chamber
from hemicycle.verify import DistinguishResult, DistinguishStatus, PropertyError, distinguish

ROOT = Path(__file__).resolve().parent.parent


def rules(body: str, seats: int = 10) -> Chamber:
    return parse_rules(f'chamber "T" seats {seats}\ntier "t" seats {seats} {{\n{body}\n'
                       "ties registration_order\n}\n", file="t.elect")


HARE = rules("allocate largest_remainder quota hare")
DHONDT = rules("allocate dhondt")
KAZ = load_rules(ROOT / "rules" / "kazakhstan-2021.elect")
KAZ_07 = load_rules(ROOT / "rules" / "kazakhstan-2021-correction.elect")


def interpreter(chamber: Chamber, r: DistinguishResult) -> dict[str, object]:
    """The tier's result for the election of ``r``, allocated afresh."""
    assert r.votes is not None and r.totals is not None
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=i + 1, ballot_order=i + 1)
                  for i, (a, v) in enumerate(r.votes.items()))
    res = allocate(chamber, Election(lists=lists, totals=r.totals), explain=False)
    tier = res.tiers[0]
    return {"seats": {a: tier.seats[a] for a in r.votes}, "passed": tier.passed}


def test_hare_and_dhondt_differ_on_the_fewest_votes() -> None:
    r = distinguish(HARE, DHONDT, parties=3, timeout=30)
    assert r.status is DistinguishStatus.FOUND
    assert r.encoding == "rational"
    assert r.minimal is True
    assert r.seats_a == interpreter(HARE, r)["seats"]
    assert r.seats_b == interpreter(DHONDT, r)["seats"]
    assert r.list is not None and r.gap is not None and r.gap >= 1
    assert abs(r.seats_a[r.list] - r.seats_b[r.list]) == r.gap  # type: ignore[index]
    assert r.total_votes == 4  # e.g. (2, 1, 1): Hare 5-3-2, D'Hondt 6-2-2
    data = json.loads(json.dumps(r.to_json()))
    assert data["status"] == "found" and data["election"]["votes"] == r.votes


def test_a_gap_of_two_and_none_of_four() -> None:
    r2 = distinguish(HARE, DHONDT, k=2, parties=3, timeout=30)
    assert r2.status is DistinguishStatus.FOUND and r2.gap is not None and r2.gap >= 2
    r4 = distinguish(HARE, DHONDT, k=4, parties=3, timeout=30, minimize=False)
    assert r4.status is DistinguishStatus.NONE  # proved: D'Hondt stays within 3 seats of Hare
    assert r4.votes is None and "3 lists" in r4.bounds


def test_a_system_against_itself_is_never_apart() -> None:
    r = distinguish(DHONDT, DHONDT, parties=3, timeout=30)
    assert r.status is DistinguishStatus.NONE
    r = distinguish(HARE, HARE, parties=2, timeout=30)
    assert r.status is DistinguishStatus.NONE


def test_kazakh_correction_differs_only_when_one_list_passes() -> None:
    r = distinguish(KAZ, KAZ_07, parties=3, timeout=60, minimize=False)
    assert r.status is DistinguishStatus.FOUND
    assert r.system_a == "kazakhstan-2021" and r.system_b == "kazakhstan-2021-correction"
    a, b = interpreter(KAZ, r), interpreter(KAZ_07, r)
    assert a["seats"] == r.seats_a and b["seats"] == r.seats_b
    assert len(a["passed"]) == 1  # type: ignore[arg-type]  # the correction needs a runner-up
    assert r.gap is not None and r.gap >= 1


def test_integer_encoding_for_both_when_one_is_not_scale_invariant() -> None:
    droop = rules("allocate largest_remainder quota droop")
    r = distinguish(HARE, droop, parties=2, timeout=30, minimize=False)
    assert r.encoding == "integer"
    assert r.status is DistinguishStatus.FOUND
    assert r.seats_b == interpreter(droop, r)["seats"]
    # corrections in the integer encoding (max_votes): the factor stays an integer coefficient
    r = distinguish(KAZ, KAZ_07, parties=3, timeout=60, minimize=False, max_votes=200)
    assert r.encoding == "integer" and r.status is DistinguishStatus.FOUND
    assert max(r.votes.values()) <= 200  # type: ignore[union-attr]


def test_bad_arguments() -> None:
    with pytest.raises(PropertyError):
        distinguish(HARE, DHONDT, k=0)
    two = parse_rules('chamber "T" seats 4\ntier "a" seats 2 {\nallocate dhondt\n}\n'
                      'tier "b" seats 2 {\nallocate dhondt\n}\n')
    with pytest.raises(PropertyError, match="tiers"):
        distinguish(two, DHONDT, parties=2)
    with pytest.raises(PropertyError, match="no tier named"):
        distinguish(two, DHONDT, parties=2, tier_a="c")


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    a, b = tmp_path / "hare.elect", tmp_path / "dhondt.elect"
    a.write_text('chamber "T" seats 10\ntier "t" seats 10 {\nallocate largest_remainder quota hare\n'
                 "ties registration_order\n}\n")
    b.write_text('chamber "T" seats 10\ntier "t" seats 10 {\nallocate dhondt\n'
                 "ties registration_order\n}\n")
    r = runner.invoke(app, ["distinguish", str(a), str(b), "-n", "3", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["status"] == "found" and data["minimal"] is True
    r = runner.invoke(app, ["distinguish", str(a), str(b), "-n", "3", "--k", "4", "--no-minimize"])
    assert r.exit_code == 1, r.output
    assert "none" in r.stdout
    r = runner.invoke(app, ["distinguish", str(a), str(tmp_path / "missing.elect")])
    assert r.exit_code == 2
