"""The verifier's speed-ups change no allocation: the order facts of largest remainder follow from
the encoding without them, and the runner-up's guarantee as one block gives the seats of one
block per list (Z3 proves both for every election of a few lists)."""

from __future__ import annotations

from pathlib import Path

import pytest
import z3

from hemicycle.grammar import load_rules, parse_rules
from hemicycle.model import Tier
from hemicycle.verify import encoder, quota_methods
from hemicycle.verify.symbolic import Ctx, make_election, needed_extras

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
HARE = 'chamber "T" seats 7\ntier "t" seats 7 {\nallocate largest_remainder quota hare\nties registration_order\n}\n'
DROOP = ('chamber "T" seats 9\ntier "t" seats 9 {\nthreshold 5% of valid_votes\n'
         'allocate largest_remainder quota droop\nties registration_order\n}\n')


def _kazakh() -> Tier:
    return load_rules(RULES_DIR / "kazakhstan-2021.elect").tiers[0]


def _tier(text: str) -> Tier:
    return parse_rules(text, file="t.elect").tiers[0]


def _cons(tier: Tier, n: int, real: bool, facts: bool, monkeypatch: pytest.MonkeyPatch) -> list[z3.BoolRef]:
    monkeypatch.setattr(quota_methods, "IMPLIED_ORDER", facts)
    ctx = Ctx(real=real, prefix="t.")
    e = make_election(ctx, n, "A", needed_extras([tier]), set())
    encoder.encode_tier(ctx, tier, e)
    return ctx.cons


@pytest.mark.parametrize(("tier", "n", "real"), [(_kazakh(), 3, True), (_tier(HARE), 3, True),
                                                 (_tier(DROOP), 3, False)])
def test_the_order_facts_follow_from_the_encoding(tier: Tier, n: int, real: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    without = _cons(tier, n, real, False, monkeypatch)
    with_facts = _cons(tier, n, real, True, monkeypatch)
    known = {c.sexpr() for c in without}
    facts = [c for c in with_facts if c.sexpr() not in known]
    assert facts, "the facts are added"
    s = z3.Solver()
    s.add(*without, z3.Not(z3.And(facts)))
    assert s.check() == z3.unsat


ELECTIONS = [  # (list votes, invalid ballots): one list passes 7% (the guarantee at work), ties
    ([900, 60, 40, 0], 0), ([900, 50, 50, 0], 0), ([500, 480, 10, 10], 0), ([10, 10, 10, 10], 0),
    ([97, 1, 1, 1], 0), ([990, 6, 4, 0], 0), ([800, 70, 70, 60], 0), ([300, 300, 0, 0], 100), ([5, 4, 3, 2], 1000),
]


@pytest.mark.parametrize(("votes", "invalid"), ELECTIONS)
def test_the_runner_up_guarantee_as_one_block_gives_the_same_seats(
        votes: list[int], invalid: int, monkeypatch: pytest.MonkeyPatch) -> None:
    tier = _kazakh()
    ctx = Ctx(real=True, prefix="g.")
    e = make_election(ctx, len(votes), "A", needed_extras([tier]), set())
    one = encoder.encode_tier(ctx, tier, e)
    monkeypatch.setattr(encoder._TierEncoder, "one_block", False)
    per_list = encoder.encode_tier(ctx, tier, e)
    pinned = [x.a == v for x, v in zip(e.votes, votes, strict=True)] + [e.invalid.a == invalid]
    s = z3.Solver()
    s.add(*ctx.cons, *pinned)
    assert s.check() == z3.sat
    m = s.model()
    seats = [m.eval(x).as_long() for x in one.seats]
    # both encodings admit one seat vector only, the same
    s.add(z3.Or(z3.Or([x != y for x, y in zip(one.seats, per_list.seats, strict=True)]),
                one.defined != per_list.defined, one.tie_used != per_list.tie_used,
                z3.Or([x != v for x, v in zip(one.seats, seats, strict=True)])))
    assert s.check() == z3.unsat
