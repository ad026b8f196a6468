"""The Czech Republic's two scrutinies in the verifier (issue 16): magnitudes apportioned by the
valid votes, Imperiali integer parts with seats taken back, a national second scrutiny on the
remainders, placed back into the regions; against the interpreter, and a replayed verdict."""

from __future__ import annotations

import pytest
import z3

from hemicycle.api import resolve_rules
from hemicycle.grammar import load_rules, parse_rules
from hemicycle.interpreter.largest_remainder import quota_value
from hemicycle.model import Quota, QuotaKind, Rounding
from hemicycle.verify.district_properties import DISTRICT_CATALOGUE
from hemicycle.verify.districts import DistrictCase, DistrictSystem, agree, district_system, interpret
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.scrutiny_agreement import run
from hemicycle.verify.symbolic import Ctx
from hemicycle.verify.vote_apportionment import bounded, quota_of

RULES = resolve_rules("czech-2021")
TEXT = RULES.read_text(encoding="utf-8")
ZERO = [{} for _ in range(3)]


def czech(seats: int) -> DistrictSystem:
    return district_system(load_rules(RULES), 3, seats=seats)


def test_czech_2021_is_encoded_with_its_member_counts() -> None:
    sys = czech(3)
    assert sys.scrutiny is not None and sys.scrutiny.seats == 3
    assert sys.scrutiny.member_counts == 4  # 1, 2, "3 or more" and a count above every exact one
    assert sys.tier.name == "first scrutiny" and not sys.real


@pytest.mark.parametrize(("old", "new", "line", "clause"), [
    ("apportion by valid_votes largest_remainder quota hare rounded nearest", "apportion by valid_votes dhondt",
     12, "apportion by ..."),
    ("quota hagenbach_bischoff rounded nearest", "quota hagenbach_bischoff", 35, "quota hagenbach_bischoff"),
    ("  votes remainders of tier \"first scrutiny\"                               [§ 51(1)]\n",
     "  threshold 5% of valid_votes\n  votes remainders of tier \"first scrutiny\"\n", 34, "threshold"),
])
def test_what_the_family_does_not_encode_is_refused_with_its_line(old: str, new: str, line: int,
                                                                  clause: str) -> None:
    assert old in TEXT
    chamber = parse_rules(TEXT.replace(old, new), "<czech variant>")
    with pytest.raises(UnsupportedClause) as exc:
        district_system(chamber, 3, seats=3)
    assert exc.value.line == line and exc.value.clause == clause


@pytest.mark.parametrize("kind", [QuotaKind.HARE, QuotaKind.HAGENBACH_BISCHOFF, QuotaKind.IMPERIALI,
                                  QuotaKind.DROOP])
@pytest.mark.parametrize("rounding", [Rounding.NEAREST, Rounding.DOWN, Rounding.UP])
def test_a_whole_vote_quota_over_symbolic_seats_is_the_interpreters(kind: QuotaKind, rounding: Rounding) -> None:
    quota = Quota(kind=kind, rounding=rounding)
    ctx = Ctx(real=False)
    total, seats = z3.Int("total"), bounded(ctx, "seats", 9)
    q = quota_of(ctx, quota, total, seats, seats.expr >= 1, "q")
    s = z3.Solver()
    s.add(*ctx.cons)
    for n, h in [(0, 1), (1, 2), (5, 9), (7, 2), (100, 3), (101, 4), (13, 6), (999_999, 7), (15, 1), (2, 3)]:
        s.push()
        s.add(total == n, seats.expr == h)
        assert s.check() == z3.sat
        assert s.model().eval(q).as_long() == quota_value(quota, n, h), (n, h)
        s.pop()


@pytest.mark.slow  # the CI slice of the agreement of the two-scrutiny encoding (about 3 CPU s)
def test_random_and_constructed_elections_agree_with_the_interpreter() -> None:
    t = run(czech(3), 6, seed="test", unique_every=100, step_every=3)
    assert (t.elections, t.steps, t.bad) == (6, 2, [])


@pytest.mark.long  # a few dozen more elections at 6 seats, where second-scrutiny seats are placed (~15 CPU s)
def test_more_elections_agree_at_six_seats() -> None:
    t = run(czech(6), 30, seed="test-6", unique_every=15, step_every=6)
    assert (t.elections, t.steps, t.bad) == (30, 5, [])


def test_the_apportionment_paradox_costs_a_list_its_seat_and_is_replayed() -> None:
    """negative-vote-weight at 3 seats, as the solver found it: L1 gains a vote in D1, D1's
    magnitude rises from 2 to 3 and D3's falls to 0, where L1 held its seat."""
    sys = czech(3)
    lots = {"apportionment": ("D2", "D3", "D1"), "first:D1": ("L1", "L2", "L3"), "first:D2": ("L3", "L1", "L2"),
            "first:D3": ("L3", "L1", "L2"), "second": ("L3", "L1", "L2")}
    a = DistrictCase([[1, 280, 2], [6, 3, 0], [44, 8, 1]], ZERO, members=[1, 3, 1], lots=lots)
    b = DistrictCase([[2, 280, 2], [6, 3, 0], [44, 8, 1]], ZERO, members=[1, 3, 1], lots=lots)
    oa, ob = interpret(sys, a), interpret(sys, b)
    assert not isinstance(oa, str) and not isinstance(ob, str)
    assert oa.magnitudes == (2, 0, 1) and ob.magnitudes == (3, 0, 0)
    assert oa.national == [1, 2, 0] and ob.national == [0, 3, 0]
    assert DISTRICT_CATALOGUE["negative-vote-weight"].violated([oa, ob], None)
    assert agree(sys, a, unique=True) is None and agree(sys, b) is None


@pytest.mark.slow  # the one constructed placement of second-scrutiny seats, at 4 lists (about 5 CPU s)
def test_second_scrutiny_seats_are_placed_by_remainders() -> None:
    """4 lists, 6 seats: the Imperiali integer parts leave 3 seats unfilled (a quota rounded up);
    the second scrutiny gives them on the summed remainders and places each in a region where
    the list's remainder is largest and seats are left."""
    sys = czech(6)
    case = DistrictCase([[32, 31, 11, 28], [28, 40, 99, 86], [47, 88, 53, 32]], ZERO, members=[1, 1, 1, 1],
                        lots={"apportionment": ("D1", "D2", "D3"), "second": ("L1", "L2", "L3", "L4")})
    o = interpret(sys, case)
    assert not isinstance(o, str)
    assert o.magnitudes == (1, 3, 2) and o.national == [1, 2, 2, 1]
    assert o.seats == [[1, 0, 0, 0], [0, 1, 1, 1], [0, 1, 1, 0]]
    assert "the 3 seat(s) tier 'first scrutiny' left unfilled" in o.trace
    assert agree(sys, case) is None


@pytest.mark.parametrize("votes", [[[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[1, 0, 0], [0, 0, 0], [0, 0, 0]],
                                   [[2, 0, 0], [0, 0, 0], [0, 0, 0]]])
def test_a_quota_rounded_to_zero_is_no_result_in_both(votes: list[list[int]]) -> None:
    """No votes or 1 vote: the republic number rounds to 0; 2 votes: D1 gets the 3 seats, and its
    Imperiali quota of 2 votes for 3 seats rounds to 0. The interpreter stops; the encoding has
    no result."""
    sys = czech(3)
    case = DistrictCase(votes, ZERO, members=[1, 1, 1], lots={"apportionment": ("D1", "D2", "D3")})
    assert isinstance(interpret(sys, case), str)
    assert agree(sys, case) is None
