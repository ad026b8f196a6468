"""The national clauses of issue 16 in the verifier: sequential admission (`admit next until`),
consolation seats and alliances are encoded (verdicts replayed by the interpreter, proofs
non-vacuous); the clauses still not encoded are refused with their line, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemicycle.grammar import load_rules, parse_rules
from hemicycle.model import Chamber
from hemicycle.verify import Status, UnsupportedClause, verify
from hemicycle.verify.agreement import RULES, Case, agree
from hemicycle.verify.alliance_properties import alliance_gain
from hemicycle.verify.encoder import ALLIANCE_TAG, LOT_TAG, check_supported

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"


def rules(name: str) -> Chamber:
    return load_rules(RULES_DIR / f"{name}.elect")


@pytest.mark.parametrize("name", ["russia-2011", "russia-2016", "israel-2015", "netherlands-2017"])
def test_national_clauses_are_encoded(name: str) -> None:
    for tier in rules(name).tiers:
        check_supported(tier)  # no UnsupportedClause


@pytest.mark.parametrize(("name", "line", "what"), [
    ("kyrgyzstan-2010", 24, "in every region"),
])
def test_clauses_not_encoded_yet_are_refused_with_their_line(name: str, line: int, what: str) -> None:
    with pytest.raises(UnsupportedClause) as exc:
        verify(rules(name), ["seat-total"], parties=2)
    assert exc.value.line == line and what in str(exc.value)


def test_consolation_beside_a_divisor_method_is_refused() -> None:
    ch = parse_rules('chamber "T" seats 10\ntier "t" seats 10 {\nthreshold 10% of list_votes\n'
                     'consolation 1 seat from 5% to 10% of list_votes\nallocate dhondt\n'
                     'ties registration_order\n}\n', file="t.elect")
    with pytest.raises(UnsupportedClause) as exc:
        check_supported(ch.tiers[0])
    assert exc.value.line == 4


def _rule(name: str) -> Chamber:
    return parse_rules(RULES[name], file=f"{name}.elect")


@pytest.mark.parametrize(("name", "votes", "tags", "want"), [
    # 7% of 1000 = 70: every list passes (L3 exactly at it), nobody else is admitted
    ("admit-next", [720, 120, 70, 90], {}, None),
    # only L1 passes (85% > 60%): `admitted >= 2` admits the next list, L2
    ("admit-next", [850, 65, 60, 25], {}, None),
    # L1 and L2 pass with 55% together: L3 (6.5%) is admitted, and then 61.5% > 60%
    ("admit-next", [300, 250, 65, 64, 63, 62, 61, 60, 40, 35], {}, None),
    # L3 at 5.5% gets 1 consolation seat, L4 at 6.5% gets 2, outside the 20 seats' distribution
    ("consolation", [700, 180, 55, 65], {}, None),
    # the alliance L2 + L3 takes part as one list, its seats split by D'Hondt
    ("alliance-dhondt", [500, 260, 240], {f"{ALLIANCE_TAG}1": [False, True, True]}, None),
])
def test_constructed_elections_agree_with_the_interpreter(name: str, votes: list[int],
                                                          tags: dict[str, list[bool]], want: None) -> None:
    assert agree(_rule(name), Case(votes, tags=tags), unique=True) is want


def test_russia_2011_consolation_seats_break_the_threshold_property() -> None:
    res = verify(rules("russia-2011"), ["threshold"], parties=3, timeout=60)[0]
    assert res.status is Status.REFUTED  # replayed by the interpreter inside verify
    assert res.counterexample is not None
    el = res.counterexample[0]
    assert any(s > 0 for s in el.seats.values())
    assert "consolation" in res.trace.lower()


def test_russia_2016_proofs_are_non_vacuous() -> None:
    res = verify(rules("russia-2016"), ["concordance"], parties=3, timeout=60)[0]
    assert res.status is Status.PROVED
    assert any("non-vacuity" in n for n in res.notes)


def test_israel_surplus_agreement_never_costs_the_pair_a_seat() -> None:
    # issue 16 item 3: D'Hondt behind 3.25%, the agreement's seats split by D'Hondt
    (res,) = alliance_gain(rules("israel-2015"), parties=2, timeout=120)
    assert res.status is Status.PROVED
    assert any("non-vacuity" in n for n in res.notes)


def test_an_alliance_under_hare_can_cost_the_pair_a_seat() -> None:
    ch = parse_rules('chamber "T" seats 10\ntier "t" seats 10 {\nalliances from agreements split by '
                     'largest_remainder quota hare\nallocate largest_remainder quota hare\n'
                     'ties registration_order\n}\n', file="t.elect")
    (res,) = alliance_gain(ch, parties=3, timeout=120)
    assert res.status is Status.REFUTED
    assert res.counterexample is not None
    joint, alone = res.counterexample
    assert joint.votes == alone.votes
    assert joint.tags[f"{ALLIANCE_TAG}1"] == ["L1", "L2"] and not alone.tags.get(f"{ALLIANCE_TAG}1")
    assert joint.seats["L1"] + joint.seats["L2"] < alone.seats["L1"] + alone.seats["L2"]
    assert "Alliance L1 + L2" in res.trace  # the interpreter's replay formed the alliance


def test_an_alliance_counterexample_names_the_alliance() -> None:
    res = verify(rules("israel-2015"), ["upper-quota"], parties=3, timeout=60)[0]
    assert res.status is Status.REFUTED
    assert res.counterexample is not None
    tags = res.counterexample[0].tags
    assert set(tags) <= {f"{ALLIANCE_TAG}1"}


@pytest.mark.parametrize("rule", ["consolation", "alliance-lr", "dhondt-lot"])
def test_two_election_encodings_agree_on_a_slice(rule: str) -> None:
    # the quick slice of `scripts/agreement.py --pairs --families alliances lots "sequential admission,
    # consolation"`: every two-election property, two pairs of 2 or 3 lists each
    from hemicycle.verify.pairs import PROPERTIES, run_rule

    for prop in PROPERTIES:
        run = run_rule(rule, prop, 2, seed="ci-national", unique_every=2, lists=(2, 3))
        assert run.pairs == 2
        assert run.disagreements == 0, "\n".join(run.messages)


LOT = 'chamber "T" seats 3\ntier "t" seats 3 {\nallocate dhondt\nties lot seed 1\n}\n'


def test_a_property_holds_only_for_every_draw_and_the_counterexample_names_the_draws() -> None:
    ch = parse_rules(LOT, file="lot.elect")
    total, house = verify(ch, ["seat-total", "house-monotonicity"], parties=3, timeout=60, search=False)
    assert total.status is Status.PROVED
    assert house.status is Status.REFUTED  # replayed by the interpreter with each election's draw
    assert house.counterexample is not None
    at_h, at_h1 = house.counterexample
    for el in (at_h, at_h1):
        drawn = [el.tags[f"{LOT_TAG}{k}"] for k in (1, 2, 3)]
        assert sorted(a for d in drawn for a in d) == ["L1", "L2", "L3"]


def test_the_interpreter_follows_a_given_draw() -> None:
    ch = parse_rules(LOT, file="lot.elect")
    case = Case([2, 2, 2])
    for order in ([0, 1, 2], [2, 0, 1]):
        case.tags = {f"{LOT_TAG}{k + 1}": [i == order[k] for i in range(3)] for k in range(3)}
        assert agree(ch, case, unique=True) is None  # one seat each: the draw does not matter
    ch4 = parse_rules(LOT.replace("seats 3", "seats 4"), file="lot4.elect")
    from hemicycle.verify.agreement import interpreter_seats

    case.tags = {f"{LOT_TAG}{k + 1}": [i == [2, 0, 1][k] for i in range(3)] for k in range(3)}
    assert interpreter_seats(ch4, ch4.tiers[0], case, case.tags) == [1, 1, 2]
    assert agree(ch4, case, unique=True) is None
