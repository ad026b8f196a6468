"""The majority bonus: the sliding bonus of Greece 2023 (20 seats at 25%, one more per whole half
point, at most 50 at 40%) on constructed votes at every boundary, a fixed bonus, ties for first,
a base the vote file lacks, and the clause's errors and refusals."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle import model as m
from hemicycle.cli import app
from hemicycle.diagnostics import RuleError
from hemicycle.interpreter import MissingFigure, TieError
from hemicycle.interpreter.bonus import bonus_seats
from hemicycle.votes import parse_votes_json

runner = CliRunner()
GREECE = hemicycle.load("greece-2023")


def _election(leader: int, others: list[int], valid: int | None = None, totals: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
    parties = [{"abbr": "A", "votes": leader}] + [{"abbr": f"P{k}", "votes": v} for k, v in enumerate(others)]
    data: dict[str, object] = {"election": "constructed", "parties": parties}
    if totals is not None:
        data["totals"] = totals
    elif valid is not None:
        data["totals"] = {"valid": valid, "invalid": 0}
    return parse_votes_json(json.dumps(data), "constructed.json")


@pytest.mark.parametrize("per_100000,bonus", [
    (24_999, 0), (25_000, 20), (25_499, 20), (25_500, 21), (30_000, 30), (39_999, 49), (40_000, 50), (45_000, 50),
])
def test_greece_2023_sliding_bonus_at_every_boundary(per_100000: int, bonus: int) -> None:
    # A has per_100000 / 100,000 of the valid votes; the rest spread over lists above 3%
    rest = 100_000 - per_100000
    quarter = rest // 4
    others = [quarter + 11, quarter - 13, quarter + 2]
    others.append(rest - sum(others))
    election = _election(per_100000, others, valid=100_000)
    result = GREECE.allocate(election)
    assert sum(result.seats.values()) == 300
    text = result.explain()
    assert f"at most 50: {bonus} seat(s)" in text
    without = hemicycle.loads(re.sub(r"\n *bonus [^\n]*", "", GREECE.model.source))
    plain = without.allocate(election, explain=False).seats
    # the bonus seats go to A; the other 300 - bonus are shared as without a bonus among the same lists
    assert result.seats["A"] >= bonus
    if bonus == 0:
        assert result.seats == plain


def test_bonus_seats_by_the_formula() -> None:
    b = m.Bonus(seats=20, share=Fraction(1, 4), base=m.Base.VALID_VOTES, step_seats=1, step=Fraction(1, 200), cap=50)
    got = [bonus_seats(b, v, 1000) for v in (249, 250, 254, 255, 260, 399, 400, 1000)]
    assert got == [0, 20, 20, 21, 22, 49, 50, 50]
    strict = m.Bonus(seats=20, share=Fraction(1, 4), base=m.Base.VALID_VOTES, inclusive=False)
    assert bonus_seats(strict, 250, 1000) == 0 and bonus_seats(strict, 251, 1000) == 20
    assert bonus_seats(m.Bonus(seats=55), 1, None) == 55


def _hare(votes: dict[str, int], seats: int) -> dict[str, int]:
    """Hare largest remainder, written out for the test (no ties in its inputs)."""
    total = sum(votes.values())
    got = {a: v * seats // total for a, v in votes.items()}
    order = sorted(votes, key=lambda a: -(votes[a] * seats - got[a] * total))
    for a in order[:seats - sum(got.values())]:
        got[a] += 1
    return got


def test_the_remaining_seats_are_shared_by_the_method() -> None:
    others = [17_830, 11_840, 7_690, 4_680, 4_440, 3_690, 9_270, 2_000]
    election = _election(38_560, others, valid=100_000)
    result = GREECE.allocate(election, explain=False)
    # 38.56%: 20 + 27 = 47 bonus seats; 253 by Hare among the lists with 3% (P7's 2% is out)
    votes = {"A": 38_560, **{f"P{k}": v for k, v in enumerate(others) if v >= 3_000}}
    expected = _hare(votes, 253)
    expected["A"] += 47
    assert {a: n for a, n in result.seats.items() if a != "P7"} == expected and result.seats["P7"] == 0


def test_a_fixed_bonus_and_its_cap_against_the_seats() -> None:
    rules = hemicycle.loads('chamber "c" seats 10\ntier "t" seats 10 {\n  bonus 4 seats to first list\n'
                            '  allocate dhondt\n}\n')
    seats = rules.allocate(_election(500, [300, 200]), explain=False).seats
    assert seats == {"A": 4 + 3, "P0": 2, "P1": 1}
    # a bonus above the tier's seats gives the leader every seat, no more
    greedy = hemicycle.loads('chamber "c" seats 3\ntier "t" seats 3 {\n  bonus 5 seats to first list\n'
                             '  allocate dhondt\n}\n')
    assert greedy.allocate(_election(500, [300, 200]), explain=False).seats == {"A": 3, "P0": 0, "P1": 0}


def test_the_first_list_must_be_admitted() -> None:
    # P0 has the most votes but fails a 40% threshold: the bonus goes to no one (no list admitted is P0)
    rules = hemicycle.loads('chamber "c" seats 10\ntier "t" seats 10 {\n  threshold 35% of valid_votes\n'
                            '  bonus 4 seats to first list\n  allocate dhondt\n}\n')
    seats = rules.allocate(_election(360, [340, 300], valid=1000), explain=False).seats
    assert seats["A"] == 10


def test_equal_first_lists_use_the_tie_chain() -> None:
    text = ('chamber "c" seats 10\ntier "t" seats 10 {\n  bonus 4 seats to first list\n  allocate dhondt\n'
            '  ties {ties}\n}}\n')
    by_order = hemicycle.loads(text.replace("{ties}", "registration_order").replace("}}", "}"))
    seats = by_order.allocate(_election(400, [400, 200]), explain=False).seats
    assert seats["A"] > seats["P0"]
    none = hemicycle.loads(text.replace("{ties}", "none").replace("}}", "}"))
    with pytest.raises(TieError):
        none.allocate(_election(400, [400, 200]), explain=False)


def test_a_bonus_whose_base_is_missing_names_the_figure() -> None:
    rules = hemicycle.loads('chamber "c" seats 10\ntier "t" seats 10 {\n'
                            '  bonus 2 seats to first list from 30% of ballots_cast\n  allocate dhondt\n}\n')
    with pytest.raises(MissingFigure, match="ballots_cast"):
        rules.allocate(_election(500, [300, 200]), explain=False)


@pytest.mark.parametrize("seats,clause,message", [
    (300, "bonus 20 seats to first list plus 1 seat per 0.5%", "needs the share it starts from"),
    (300, "bonus 60 seats to first list up to 50 seats", "above its cap"),
    (300, "bonus 20 seats to first list from 25% of valid_votes plus 1 seat per 0%", "positive share"),
    (20, "bonus to first list at least 21 seats", "at least 21 seats, more than tier 't''s 20"),
    (20, "bonus to first list at least 0 seats", "must be at least 1"),
    (20, "bonus to first list at least 12 seats up to 14 seats", "unexpected 'up'"),
])
def test_bad_bonus_clauses(seats: int, clause: str, message: str) -> None:
    """Sliding, fixed and top-up bonuses alike: a bad clause is a rule error saying why."""
    with pytest.raises(RuleError) as e:
        hemicycle.loads(f'chamber "c" seats {seats}\ntier "t" seats {seats} {{\n  {clause}\n  allocate dhondt\n}}\n')
    assert message in e.value.render()


def test_fast_paths_decline_and_the_verifier_refuses() -> None:
    assert GREECE.model.tiers[0].uses_extensions
    r = runner.invoke(app, ["verify", "greece-2023"])
    assert r.exit_code == 2 and "cannot verify `bonus ... to first list`" in r.output


def test_fmt_keeps_the_bonus() -> None:
    from hemicycle.fmt import format_rules

    out = format_rules('chamber "c" seats 9\ntier "t" seats 9 {\n  bonus  2 seats to  first list  up to 3 seats\n'
                       '  allocate dhondt\n}\n')
    assert "bonus 2 seats to first list up to 3 seats" in out


def test_the_language_server_describes_the_new_clauses() -> None:
    from hemicycle.editor.lsp import hover_text
    from hemicycle.editor.vocabulary import vocabulary

    text = ('chamber "c" seats 4\ndistricts seats 4\ntier "bp" in each district {\n'
            '  upper apportionment sainte_lague on voter_numbers\n  lower apportionment sainte_lague\n}\n'
            'tier "t" seats 4 {\n  bonus 1 seats to first list\n  allocate dhondt\n}\n')
    assert "upper apportionment METHOD" in (hover_text(text, 3, 4) or "")
    assert "lower apportionment DIVISOR_METHOD" in (hover_text(text, 4, 4) or "")
    assert "bonus N seats to first list" in (hover_text(text, 7, 4) or "")
    assert {"upper", "lower", "bonus"} <= vocabulary().clause_words


# --- the top-up bonus (the first list is to have at least N seats) --------------------------------

TOP_UP = ('chamber "c" seats 20\ntier "t" seats 20 {{\n  bonus to first list at least {floor} seats{cond}\n'
          '  allocate dhondt\n}}\n')


def _dhondt(votes: dict[str, int], seats: int) -> dict[str, int]:
    """D'Hondt written out for the test (no ties in its inputs)."""
    got = dict.fromkeys(votes, 0)
    for _ in range(seats):
        best = max(votes, key=lambda a: Fraction(votes[a], got[a] + 1))
        got[best] += 1
    return got


def test_a_top_up_raises_the_first_list_and_the_others_share_the_rest() -> None:
    rules = hemicycle.loads(TOP_UP.format(floor=12, cond=""))
    election = _election(4_100, [3_300, 1_700, 900])  # D'Hondt: A 9 of 20
    assert _dhondt({"A": 4_100, "P0": 3_300, "P1": 1_700, "P2": 900}, 20)["A"] == 9
    result = rules.allocate(election)
    rest = _dhondt({"P0": 3_300, "P1": 1_700, "P2": 900}, 8)
    assert result.seats == {"A": 12, **rest}
    text = result.explain()
    assert "A has 9 seat(s) by the method, fewer than 12: it gets 12 (3 bonus seat(s))" in text
    assert "share the other 8 seat(s)" in text


def test_a_top_up_gives_nothing_to_a_list_already_at_its_floor() -> None:
    rules = hemicycle.loads(TOP_UP.format(floor=12, cond=""))
    election = _election(6_000, [2_000, 1_000])
    plain = _dhondt({"A": 6_000, "P0": 2_000, "P1": 1_000}, 20)
    assert plain["A"] >= 12
    result = rules.allocate(election)
    assert result.seats == plain
    assert "at least 12: no bonus" in result.explain()
    # exactly at the floor: no bonus either
    exact = hemicycle.loads(TOP_UP.format(floor=plain["A"], cond="")).allocate(election, explain=False)
    assert exact.seats == plain


@pytest.mark.parametrize("leader,topped", [(3_999, False), (4_000, True), (4_500, True)])
def test_a_top_up_with_a_condition_on_the_first_lists_share(leader: int, topped: bool) -> None:
    # Italicum-like: at least 12 of 20 seats for a list with 40% of the valid votes
    rules = hemicycle.loads(TOP_UP.format(floor=12, cond=" from 40% of valid_votes"))
    rest = 10_000 - leader
    others = [rest // 2 + 7, rest // 3, rest - rest // 2 - 7 - rest // 3]
    election = _election(leader, others, valid=10_000)
    plain = _dhondt({"A": leader, **{f"P{k}": v for k, v in enumerate(others)}}, 20)
    assert plain["A"] < 12
    result = rules.allocate(election)
    assert (result.seats["A"] == 12) is topped
    assert sum(result.seats.values()) == 20
    if not topped:
        assert result.seats == plain and "below 40%: no bonus" in result.explain()


def test_a_top_up_beyond_the_first_lists_candidates_is_an_error() -> None:
    from hemicycle.interpreter import AllocationError

    rules = hemicycle.loads(TOP_UP.format(floor=12, cond=""))
    data = {"election": "constructed", "parties": [{"abbr": "A", "votes": 4_100, "list_size": 10},
                                                   {"abbr": "B", "votes": 3_300}, {"abbr": "C", "votes": 1_700}]}
    with pytest.raises(AllocationError, match="at least 12 seats, but it can take only 10"):
        rules.allocate(parse_votes_json(json.dumps(data), "constructed.json"), explain=False)


def test_a_top_up_declines_the_fast_paths_and_keeps_its_form_in_fmt() -> None:
    from hemicycle.fmt import format_rules

    rules = hemicycle.loads(TOP_UP.format(floor=12, cond=" from 40% of valid_votes"))
    assert rules.model.tiers[0].bonus is not None and rules.model.tiers[0].bonus.top_up
    assert rules.model.tiers[0].uses_extensions
    votes = [4_100, 3_300, 1_700, 900]
    f = hemicycle.compile(rules)
    election = _election(4_100, [3_300, 1_700, 900], valid=10_000)
    want = [rules.allocate(election, explain=False).seats[a] for a in ("A", "P0", "P1", "P2")]
    assert list(f(votes, valid=10_000)) == want and want[0] == 12
    out = format_rules(TOP_UP.format(floor=12, cond="  from  40% of valid_votes").replace("at least", "at  least"))
    assert "bonus to first list at least 12 seats from 40% of valid_votes" in out


def test_the_language_server_describes_the_top_up() -> None:
    from hemicycle.editor.lsp import hover_text

    text = TOP_UP.format(floor=12, cond=" from 40% of valid_votes")
    assert "bonus to first list at least N seats" in (hover_text(text, 2, 4) or "")


# --- a bonus to the first coalition (Italian style) -------------------------------------------------

CAMERA = ('chamber "Camera" seats {seats}\ntier "national" seats {seats} {{\n'
          '  bonus {form}  [DPR 361/1957 art. 83(2)-(3), as replaced by Law 270/2005]\n'
          '  alliances from combinations split by largest_remainder quota hare\n'
          '  allocate largest_remainder quota hare\n  ties registration_order\n}}\n')
COALITIONS = {"X1": (6_000, "X"), "X2": (3_000, "X"), "X3": (800, "X"), "Y1": (7_000, "Y"), "Y2": (2_200, "Y"),
              "Z": (1_000, None)}


def _coalition_votes(parties: dict[str, tuple[int, str | None]] = COALITIONS) -> object:
    rows = [{"abbr": a, "votes": v, **({"combination": c} if c else {})} for a, (v, c) in parties.items()]
    total = sum(v for v, _ in parties.values())
    return parse_votes_json(json.dumps({"election": "constructed", "parties": rows,
                                        "totals": {"valid": total, "invalid": 0}}), "constructed.json")


def _grouped_hare(parties: dict[str, tuple[int, str | None]], seats: int) -> dict[str, int]:
    """Independent reference: Hare among the coalitions (a list alone is one), then within each."""
    groups: dict[str, dict[str, int]] = {}
    for a, (v, c) in parties.items():
        groups.setdefault(c or a, {})[a] = v
    out: dict[str, int] = {}
    for g, n in _hare({g: sum(members.values()) for g, members in groups.items()}, seats).items():
        out.update(_hare(groups[g], n) if n else dict.fromkeys(groups[g], 0))
    return out


def test_the_first_coalition_is_topped_up_and_its_seats_split_among_its_lists() -> None:
    # X (9,800 of 20,000) is first; by the method it has 302 of 617 seats
    rules = hemicycle.loads(CAMERA.format(seats=617, form="to first coalition at least 340 seats"))
    result = rules.allocate(_coalition_votes())
    plain = _grouped_hare(COALITIONS, 617)
    assert sum(plain[a] for a in ("X1", "X2", "X3")) < 340
    x = {a: (v, c) for a, (v, c) in COALITIONS.items() if c == "X"}
    rest = {a: vc for a, vc in COALITIONS.items() if a not in x}
    assert result.seats == {**_hare({a: v for a, (v, _) in x.items()}, 340), **_grouped_hare(rest, 277)}
    text = result.explain()
    assert "the first coalition, X1 + X2 + X3, with 9,800 votes: at least 340 seat(s) in all" in text
    assert "fewer than 340: it gets 340" in text and "Coalition X1 + X2 + X3: its 340 seat(s) are split" in text


def test_a_first_coalition_already_at_its_floor_gets_no_bonus() -> None:
    strong = {**COALITIONS, "X1": (16_000, "X")}
    rules = hemicycle.loads(CAMERA.format(seats=617, form="to first coalition at least 340 seats"))
    result = rules.allocate(_coalition_votes(strong))
    assert result.seats == _grouped_hare(strong, 617) and "at least 340: no bonus" in result.explain()


def test_a_fixed_bonus_to_the_first_coalition_comes_on_top_of_its_method_seats() -> None:
    rules = hemicycle.loads(CAMERA.format(seats=100, form="10 seats to first coalition"))
    result = rules.allocate(_coalition_votes())
    method = _grouped_hare(COALITIONS, 90)
    x_total = sum(method[a] for a in ("X1", "X2", "X3")) + 10
    want = {**method, **_hare({a: COALITIONS[a][0] for a in ("X1", "X2", "X3")}, x_total)}
    assert result.seats == want and sum(result.seats.values()) == 100


@pytest.mark.parametrize("x1,topped", [(6_399, False), (6_400, True)])
def test_the_first_coalitions_share_condition_at_its_boundary(x1: int, topped: bool) -> None:
    # X = x1 + 3,800 of the valid votes 14,000 + x1: at 6,400 exactly 10,200 / 20,400 = 50%
    parties = {**COALITIONS, "X1": (x1, "X")}
    rules = hemicycle.loads(CAMERA.format(seats=617, form="to first coalition at least 340 seats from 50% of "
                                                         "valid_votes"))
    result = rules.allocate(_coalition_votes(parties))
    x = sum(result.seats[a] for a in ("X1", "X2", "X3"))
    assert (x == 340) is topped and (x == sum(_grouped_hare(parties, 617)[a] for a in ("X1", "X2", "X3"))) is (
        not topped)


def test_equal_coalitions_are_decided_by_the_tiers_ties() -> None:
    parties = {"X1": (500, "X"), "X2": (500, "X"), "Y1": (1_000, None)}
    rules = hemicycle.loads(CAMERA.format(seats=10, form="to first coalition at least 6 seats"))
    result = rules.allocate(_coalition_votes(parties))
    assert result.seats["X1"] + result.seats["X2"] == 6 and result.seats["Y1"] == 4  # X1 registered first
    assert any("first coalition for the bonus" in str(t) for t in result.ties)


def test_a_coalition_bonus_needs_the_alliances_clause_and_keeps_its_form() -> None:
    from hemicycle.fmt import format_rules

    with pytest.raises(RuleError) as e:
        hemicycle.loads('chamber "c" seats 20\ntier "t" seats 20 {\n  bonus 5 seats to first coalition\n'
                        '  allocate dhondt\n}\n')
    assert "needs tier 't''s 'alliances' clause" in e.value.render() and ":3:" in e.value.render()
    text = CAMERA.format(seats=617, form="to  first coalition at least 340 seats")
    assert "bonus to first coalition at least 340 seats" in format_rules(text)
    model = hemicycle.loads(text).model.tiers[0]
    assert model.bonus is not None and model.bonus.coalition and model.uses_extensions
