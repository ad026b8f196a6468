"""The encoding on fixed votes agrees with the interpreter (a quick slice; the full 10,000
elections per rule are in benchmarks/verify.py)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from hemicycle.grammar import parse_rules
from hemicycle.verify.agreement import RULES, Case, agree, random_case, run_rule

PER_RULE = 15  # the CI slice; scripts/agreement.py runs the 10,000 (docs/figures/agreement-*)


@pytest.mark.parametrize("name", sorted(RULES))
def test_agreement_slice(name: str) -> None:
    # scale-invariant rules alternate between the plain and the normalised encoding
    run = run_rule(name, PER_RULE, seed="agree", unique_every=5)
    assert run.elections == PER_RULE
    assert run.disagreements == 0, "\n".join(run.messages)


def test_random_cases_have_the_edge_cases() -> None:
    rng = random.Random("kinds")
    cases = [random_case(rng, Fraction(7, 100), None) for _ in range(400)]
    kinds = [k for c in cases for k in c.kinds]
    for kind in ("zero", "tie", "threshold"):
        assert kinds.count(kind) >= 40, kind
    at = [c for c in cases if "threshold" in c.kinds]
    assert all(any(100 * v == 7 * sum(c.votes) for v in c.votes) for c in at)
    absolute = [random_case(rng, None, 20) for _ in range(200)]
    assert sum(20 in c.votes for c in absolute) >= 20


@pytest.mark.parametrize(
    ("name", "votes", "invalid"),
    [
        ("kazakh", [93, 7, 0], 0),  # L2 exactly at 7%: passes (inclusive)
        ("kazakh", [95, 3, 2], 0),  # one passes: runner-up admitted, guaranteed 2 seats
        ("kazakh", [95, 3, 3], 0),  # runner-up tie: registration order
        ("kazakh-strict", [93, 7, 0], 0),  # L2 exactly at 7%: fails (strict), is the runner-up
        ("kazakh-cap", [95, 3, 2], 0),  # the winner capped at 60, the rest re-run
        ("threshold-absolute-strict", [20, 21, 5], 0),  # 20 votes fail a strict 20
        ("sequence-nostep", [9, 1, 0], 0),  # the divisors run out: no result
        ("hare-ties-none", [1, 1, 1], 0),  # remainder tie, no chain: TieError
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
    if chamber.tiers[0].scale_invariant:
        assert agree(chamber, Case(votes, invalid=invalid), unique=True, scaled=True) is None


def test_ties_none_matches_tie_error() -> None:
    chamber = parse_rules('chamber "T" seats 3\ntier "t" seats 3 {\nallocate dhondt\n'
                          "ties none\n}\n")
    assert agree(chamber, Case([5, 5, 0])) is None  # interpreter: TieError; encoding: undecided


@pytest.mark.parametrize("name", ["dhondt-lot", "hare", "alliance-dhondt", "sainte_lague"])
def test_the_three_strategies_read_the_same_seats(name: str) -> None:
    """FixedVotes with the figures pinned as assumptions (``assume``), pushed (``incremental``) or
    substituted into a fresh solver (``fresh``): the same seats, each proved the only ones."""
    from hemicycle.verify.agreement import random_alliances, random_draw
    from hemicycle.verify.concrete import FixedVotes

    tier = parse_rules(RULES[name], file=f"{name}.elect").tiers[0]
    runs = {s: FixedVotes(tier, 4, strategy=s) for s in ("assume", "incremental", "fresh")}
    rng = random.Random(name)
    for j in range(4):
        case = random_case(rng, None, None, lists=(4, 4))
        tags = random_alliances(rng, 4) if tier.alliances is not None else random_draw(rng, 4)
        got = {s: fv.run(case.votes, invalid=case.invalid, tags=tags, unique=j < 2).seats
               for s, fv in runs.items()}
        assert got["assume"] == got["incremental"] == got["fresh"]
