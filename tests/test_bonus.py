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


@pytest.mark.parametrize("clause,message", [
    ("bonus 20 seats to first list plus 1 seat per 0.5%", "needs the share it starts from"),
    ("bonus 60 seats to first list up to 50 seats", "above its cap"),
    ("bonus 20 seats to first list from 25% of valid_votes plus 1 seat per 0%", "positive share"),
])
def test_bad_bonus_clauses(clause: str, message: str) -> None:
    with pytest.raises(RuleError) as e:
        hemicycle.loads(f'chamber "c" seats 300\ntier "t" seats 300 {{\n  {clause}\n  allocate dhondt\n}}\n')
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
