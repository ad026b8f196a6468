"""Issue 12's reproducers on every allocation path: divisor sequences with a step (wrong seats and
hangs), and the interpreter's limits on the compiled and batch paths (hangs, OverflowError).

Each path runs under the fuzzer's hang guard, so that a regression fails instead of hanging CI.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.interpreter import MAX_WORK, LimitError
from pathfuzz import definition, guard
from variants import one_tier

BOUND = 60.0  # seconds: a hang guard, not a timing (each case takes well under a second)


def every_path(rules: hemicycle.Rules, votes: list[int], **totals: int) -> dict[str, tuple[int, ...]]:
    abbrs = [f"L{i + 1}" for i in range(len(votes))]
    out = {}
    with guard(BOUND):
        for explain in (True, False):
            seats = rules.allocate(dict(zip(abbrs, votes, strict=True)), explain=explain, **totals).seats
            out[f"explain={explain}"] = tuple(seats[a] for a in abbrs)
        out["compiled"] = hemicycle.compile(rules)(votes, **totals)
        batch = hemicycle.allocate_batch(rules, np.array([votes], dtype=object), **totals)
        out["batch"] = tuple(int(x) for x in batch[0])
    return out


# --- 1. divisor sequences with a step ---------------------------------------------------------------

def test_the_issue_sequence_gives_the_protocol_seats_on_every_path() -> None:
    rules = one_tier("allocate divisors 7, 12, 25/2, 14 step 15/2\nties registration_order", 7)
    assert set(every_path(rules, [14, 16096]).values()) == {(0, 7)}


def test_the_issue_sequence_through_export(tmp_path: Path) -> None:
    rule_file = tmp_path / "r.elect"
    rule_file.write_text('chamber "c" seats 7\ntier "t" seats 7 {\nallocate divisors 7, 12, 25/2, 14 step 15/2\n'
                         "ties registration_order\n}\n", "utf-8")
    votes = tmp_path / "v.json"
    votes.write_text(json.dumps({"election": "x", "date": "2021-01-10", "parties": [
        {"abbr": "A", "name": "A", "votes": 14}, {"abbr": "B", "name": "B", "votes": 16096}]}), "utf-8")
    for to in ("nist", "eml"):
        r = CliRunner().invoke(app, ["export", str(rule_file), str(votes), "--to", to])
        assert r.exit_code == 0, r.output
        assert _exported_seats(r.stdout, to) == [0, 7]


def _exported_seats(text: str, to: str) -> list[int]:
    """The seats of the lists, in order, from an export: EML's ``hc:Seats`` elements; in NIST,
    every count whose object says "seats" (its type or other type)."""
    import re

    if to == "eml":
        return [int(x) for x in re.findall(r"<hc:Seats\b[^>]*>(\d+)<", text)]
    found: list[int] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "Count" in node and "seats" in (str(node.get("Type")), str(node.get("OtherType"))):
                found.append(node["Count"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(json.loads(text))
    return found


@pytest.mark.parametrize("seats", [7, 1000, 1001, 5000])
def test_a_step_whose_line_goes_below_zero_neither_hangs_nor_errs(seats: int) -> None:
    """``divisors 1, 2 step 5`` (1, 2, 7, 12, ...: the line 5k - 3): a hang on the fast paths, and
    on the protocol path beyond 1,000 seats."""
    from fractions import Fraction

    rules = one_tier("allocate divisors 1, 2 step 5\nties registration_order", seats)
    votes = [5, 3, 1]

    def d(k: int) -> Fraction:
        return Fraction(1) if k == 0 else Fraction(2 + 5 * (k - 1))

    want = definition(d, votes, seats)
    assert set(every_path(rules, votes).values()) == {want}


def test_check_says_ok_and_the_paths_agree_for_zeros_and_a_step() -> None:
    rules = one_tier("allocate divisors 0, 0 step 2\nties registration_order", 1500)
    assert len(set(every_path(rules, [7, 0, 3, 3]).values())) == 1


def test_decreasing_divisors_are_refused_with_a_clear_error() -> None:
    from hemicycle.diagnostics import RuleError

    with pytest.raises(RuleError) as err:
        one_tier("allocate divisors 4, 3, 5 step 2\nties registration_order", 7)
    assert "divisors must not decrease" in err.value.render() and "3 comes after 4" in err.value.render()


# --- 6. the limits hold on every path ---------------------------------------------------------------

def _guaranteed(seats: int, need: int) -> hemicycle.Rules:
    return hemicycle.loads(f'chamber "c" seats {seats}\ntier "t" seats {seats} {{\nthreshold 10% of valid_votes\n'
                           f"when passed <= 1 {{ admit runner_up\nguarantee runner_up at least {need} seats from "
                           "largest }\nallocate dhondt\nties registration_order\n}\n")


def _refusal(call) -> str:  # type: ignore[no-untyped-def]
    with guard(BOUND), pytest.raises(LimitError) as err:
        call()
    return str(err.value)


def test_a_guarantee_of_ten_million_seats_is_refused_alike_on_every_path() -> None:
    rules = _guaranteed(10**7, 10**7)
    votes = [1000, 5, 3]
    messages = {
        _refusal(lambda: rules.allocate({"A": 1000, "B": 5, "C": 3}, explain=False)),
        _refusal(lambda: rules.allocate({"A": 1000, "B": 5, "C": 3})),
        _refusal(lambda: hemicycle.compile(rules)(votes)),
        _refusal(lambda: hemicycle.allocate_batch(rules, np.array([votes, votes]))),
    }
    assert messages == {f"the guarantee moves more than {MAX_WORK // 3:,} seats among 3 lists, more work than "
                        f"hemicycle does in one allocation ({MAX_WORK:,} list-steps) (<rules>:5)"}


def test_a_guarantee_of_ten_to_the_99_seats_ends_with_the_interpreters_seats() -> None:
    rules = _guaranteed(100, 10**99)
    assert set(every_path(rules, [1000, 5, 3]).values()) == {(0, 100, 0)}


def test_a_guarantee_moving_more_seats_than_the_vectorised_path_does_is_still_exact() -> None:
    rules = _guaranteed(300, 250)
    rows = [[1000, 5, 3], [1000, 100, 3], [1000, 0, 0], [5, 5, 1000]]
    got = hemicycle.allocate_batch(rules, np.array(rows))
    f = hemicycle.compile(rules)
    assert [tuple(r) for r in got.tolist()] == [f(r) for r in rows]
    assert [tuple(r) for r in got.tolist()] == [every_path(rules, r)["explain=True"] for r in rows]


@pytest.mark.parametrize("seats", [10**9, 10**30])
def test_a_house_beyond_the_limit_is_refused_alike_on_every_path(seats: int) -> None:
    rules = _guaranteed(seats, seats)
    votes = [1000, 5, 3]
    messages = {
        _refusal(lambda: rules.allocate({"A": 1000, "B": 5, "C": 3})),
        _refusal(lambda: hemicycle.compile(rules)(votes)),
        _refusal(lambda: hemicycle.allocate_batch(rules, np.array([votes]))),
    }
    assert messages == {f"the chamber has {seats:,} seats; hemicycle allocates at most 10,000,000 (<rules>:1)"}


def test_too_many_lists_are_refused_alike_on_every_path() -> None:
    rules = one_tier("allocate dhondt\nties registration_order", 10)
    votes = [1] * 100_001
    messages = {
        _refusal(lambda: rules.allocate({f"L{i}": 1 for i in range(100_001)}, explain=False)),
        _refusal(lambda: hemicycle.compile(rules)(votes)),
        _refusal(lambda: hemicycle.allocate_batch(rules, np.ones((1, 100_001), dtype=np.int64))),
    }
    assert messages == {"the vote file has 100,001 lists; hemicycle allocates at most 100,000"}


# --- found by the path fuzzer ---------------------------------------------------------------------

def test_consolation_seats_that_take_the_whole_tier_leave_the_quota_nothing_to_divide() -> None:
    """A mutated russia-2011: one seat, taken by a consolation seat; Hare's quota over 0 seats
    was a ZeroDivisionError (exit 4) on every path."""
    rules = hemicycle.loads('chamber "c" seats 1\ntier "t" seats 1 {\nthreshold 7% of ballots_cast inclusive\n'
                            "consolation 1 seat from 5% to 7% of ballots_cast\n"
                            "allocate largest_remainder quota hare\nties more_votes\n}\n")
    assert set(every_path(rules, [90, 6, 4], invalid=0).values()) == {(0, 1, 0)}


@pytest.mark.parametrize("block", [
    "correct runner_up quotient by 1/2 admit runner_up",
    "guarantee runner_up at least 3 seats from largest admit runner_up",
    "correct runner_up quotient by 3 guarantee runner_up at least 1 seats from largest admit runner_up",
])
def test_the_runner_up_is_admitted_before_its_correction_and_guarantee_whatever_the_order(block: str) -> None:
    """The batch path applied a correction or guarantee written before ``admit runner_up`` to no
    list, while the interpreter applies it to the runner-up; found by the path fuzzer."""
    rules = hemicycle.loads(f'chamber "c" seats 25\ntier "t" seats 25 {{\nthreshold 10% of list_votes\n'
                            f"when passed <= 2 {{ {block} }}\nallocate dhondt\nties registration_order\n}}\n")
    rows = [[2, 11, 3, 7, 9], [2, 1, 3, 2, 40], [50, 1, 3, 2, 4]]
    want = [every_path(rules, row)["explain=True"] for row in rows]
    assert [tuple(r) for r in hemicycle.allocate_batch(rules, np.array(rows)).tolist()] == want
