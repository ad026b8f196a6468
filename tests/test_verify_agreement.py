"""The encoding on fixed votes agrees with the interpreter (a quick slice; the full 10,000
elections per rule are in benchmarks/verify.py)."""

from __future__ import annotations

import random

import pytest

from hemicycle.grammar import parse_rules
from hemicycle.verify.agreement import RULES, Case, agree, random_case, threshold_share

PER_RULE = 25


@pytest.mark.parametrize("name", sorted(RULES))
def test_agreement_slice(name: str) -> None:
    chamber = parse_rules(RULES[name], file=f"{name}.elect")
    rng = random.Random(f"agree-{name}")
    share = threshold_share(chamber)
    bad = []
    for k in range(PER_RULE):
        case = random_case(rng, share)
        msg = agree(chamber, case, unique=(k % 5 == 0))
        if msg:
            bad.append(msg)
    assert not bad, "\n".join(bad[:5])


@pytest.mark.parametrize(
    ("name", "votes", "invalid"),
    [
        ("kazakh", [93, 7, 0], 0),  # L2 exactly at 7%: passes (inclusive)
        ("kazakh", [95, 3, 2], 0),  # one passes: runner-up admitted, guaranteed 2 seats
        ("kazakh", [95, 3, 3], 0),  # runner-up tie: registration order
        ("kazakh-0.7", [90, 6, 4], 0),  # correction 0.7 on the runner-up
        ("kazakh", [50, 50, 0], 900),  # nobody passes: no seats
        ("hare", [1, 1, 1], 0),  # remainder tie
        ("dhondt", [0, 0, 5], 0),
        ("adams", [1, 1, 1, 1, 1, 1], 0),  # more lists than seats, all at infinity
        ("imperiali-quota", [1, 1], 0),  # integer parts exceed the seats
        ("hagenbach", [3, 3, 3], 0),
        ("cap-hare", [100, 1, 1], 0),
        ("guarantee-every", [100, 5, 1], 0),
    ],
)
def test_agreement_edges(name: str, votes: list[int], invalid: int) -> None:
    chamber = parse_rules(RULES[name], file=f"{name}.elect")
    assert agree(chamber, Case(votes, invalid=invalid), unique=True) is None


def test_ties_none_matches_tie_error() -> None:
    chamber = parse_rules('chamber "T" seats 3\ntier "t" seats 3 {\nallocate dhondt\n'
                          "ties none\n}\n")
    assert agree(chamber, Case([5, 5, 0])) is None  # interpreter: TieError; encoding: undecided
