"""The verifier on chambers with levels (verify/levels.py, level_properties.py): the German 2005
negative vote weight found and replayed, the 2023 law and New Zealand decided, refusals with
their line, and a slice of the agreement of the encoding with the interpreter."""

from __future__ import annotations

import random

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle import verify as v
from hemicycle.cli import app
from hemicycle.verify.level_agreement import FAMILIES, agree_step, family, random_case
from hemicycle.verify.levels import LevelCase, agree, interpret, level_system, reduce


def _system(name: str, seats: int = 10, units: int = 2) -> object:
    return level_system(reduce(hemicycle.load(name).model, seats), units=units)


def test_the_documented_german_2005_counterexample_is_replayed_by_the_interpreter() -> None:
    sys = _system("germany-2005")
    a = interpret(sys, LevelCase([[2, 8], [5, 0]], [[4, 0], [1, 0]]))
    b = interpret(sys, LevelCase([[15, 8], [5, 0]], [[4, 0], [1, 0]]))
    assert not isinstance(a, str) and not isinstance(b, str)
    assert a.seats == [[4, 5], [4, 0]] and a.national == [8, 5] and a.total == 13
    assert b.seats == [[5, 3], [2, 0]] and b.national == [7, 3] and b.total == 10  # 13 more votes, 1 seat fewer


def test_german_2005_negative_vote_weight_is_found_and_replayed() -> None:
    [r] = v.verify(hemicycle.load("germany-2005").model, ["negative-vote-weight"], parties=2, seats=10, units=2,
                   max_votes=100, timeout=60)
    assert r.status is v.Status.REFUTED, r.reason
    a, b = r.counterexample or []
    gained = [k for k in a.votes if b.votes[k] > a.votes[k]]
    assert len(gained) == 1 and b.seats[gained[0]] < a.seats[gained[0]]
    assert all(d["won"] == e["won"] for d, e in zip(a.districts, b.districts, strict=True))


def test_the_cli_reports_the_refutation_with_exit_1() -> None:
    r = CliRunner().invoke(app, ["verify", "germany-2005", "-p", "negative-vote-weight", "-n", "2", "--seats", "10",
                                 "--max-votes", "100", "--format", "json"])
    assert r.exit_code == 1, r.output
    assert '"status": "refuted"' in r.output and '"won"' in r.output


@pytest.mark.parametrize("name,prop,status", [
    ("germany-2025", "house-size", v.Status.PROVED),
    ("new-zealand-2014", "overhang-free", v.Status.REFUTED),
    ("germany-2005", "house-size:10", v.Status.PROVED),  # at 10 seats 5 constituencies add at most 5
])
def test_house_size(name: str, prop: str, status: v.Status) -> None:
    [r] = v.verify(hemicycle.load(name).model, [prop], parties=2, seats=10, timeout=60)
    assert r.status is status, r.reason


@pytest.mark.long  # 50-120 s on 2 cores; docs/verify.md gives the counterexample
def test_the_2013_law_has_negative_vote_weight_through_the_enlargement() -> None:
    [r] = v.verify(hemicycle.load("germany-2013").model, ["negative-vote-weight"], parties=2, seats=10,
                   max_votes=100, timeout=120)
    assert r.status is v.Status.REFUTED, r.reason
    a, b = r.counterexample or []
    gained = next(k for k in a.votes if b.votes[k] > a.votes[k])
    assert b.seats[gained] < a.seats[gained]


def test_a_clause_outside_the_family_is_refused_with_its_line() -> None:
    rules = hemicycle.grammar.parse_rules(
        'chamber "C" seats 10\ndistricts "c" seats 5\ntier "a" in each "c" {\n  allocate dhondt\n}\n'
        'tier "b" seats 10 {\n  levelling against tier "a"\n  overhang excluded one by one\n'
        '  allocate sainte_lague\n}\n',
        "<test>")
    with pytest.raises(v.UnsupportedClause) as info:
        v.verify(rules, ["negative-vote-weight"], parties=2)
    assert "<test>:8:" in str(info.value) and "overhang excluded one at a time" in str(info.value)


def test_unknown_level_property_and_seats_without_levels_are_usage_errors() -> None:
    with pytest.raises(v.PropertyError, match="not a property of chambers with levels"):
        v.verify(hemicycle.load("germany-2005").model, ["monotonicity"], parties=2, seats=10)
    with pytest.raises(v.PropertyError, match="--seats"):
        v.verify(hemicycle.load("kazakhstan-2021").model, ["monotonicity"], parties=2, seats=10)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.long)  # 12-16 s each on 2 cores
                                  if n.startswith("norway") or n == "germany-2013" else n for n in FAMILIES])
def test_encoding_agrees_with_the_interpreter_on_a_slice(name: str) -> None:
    sys = family(name)
    rng = random.Random(name)
    for j in range(3):
        case = random_case(sys, 3, rng)
        assert agree(sys, case, unique=j == 0) is None
        assert agree_step(sys, case, rng.randrange(sys.units), rng.randrange(3), rng.randint(1, 20)) is None


def test_new_zealand_a_party_never_gains_by_losing_party_votes_but_moved_votes_can_cost() -> None:
    nz = hemicycle.load("new-zealand-2014").model
    proved, moved = v.verify(nz, ["negative-vote-weight", "negative-vote-weight-moved"], parties=2, seats=10,
                             timeout=60)
    assert proved.status is v.Status.PROVED and any("non-vacuity" in n for n in proved.notes)
    assert moved.status is v.Status.REFUTED
    a, b = moved.counterexample or []
    loser = next(k for k in a.votes if b.votes[k] < a.votes[k])
    assert b.votes[loser] == 0  # the list that wins electorates keeps them as a non-party: they come off the 10


@pytest.mark.parametrize("prop,status", [("bonus-majority", v.Status.REFUTED), ("bonus-majority:40%", v.Status.REFUTED),
                                         ("bonus-majority:41%", v.Status.PROVED)])
def test_greek_bonus_gives_a_majority_only_from_41_percent(prop: str, status: v.Status) -> None:
    [r] = v.verify(hemicycle.load("greece-2023").model, [prop], parties=3, timeout=60)
    assert r.status is status, r.reason
    if status is v.Status.REFUTED:
        [e] = r.counterexample or []
        lead = max(e.votes, key=lambda k: e.votes[k])
        assert 2 * e.seats[lead] <= 300


def test_bonus_encoding_agrees_with_the_interpreter() -> None:
    from hemicycle.verify.bonus import agree as bonus_agree
    from hemicycle.verify.bonus import bonus_system

    sys = bonus_system(hemicycle.load("greece-2023").model)
    rng = random.Random(7)
    cases = [[40, 30, 20, 10], [25, 24, 24, 27], [41, 30, 29, 0], [3, 2, 95, 0], [25, 75, 0, 0], [40, 20, 20, 20],
             [250, 750, 0, 0], [399, 301, 300, 0], [1, 1, 0, 0]]
    cases += [[rng.randint(0, 1000) for _ in range(4)] for _ in range(6)]
    for votes in cases:
        assert bonus_agree(sys, votes) is None


@pytest.mark.parametrize("case", [
    # a Sitzkontingent decided by lot (the encoding leaves the election out)
    LevelCase([[3, 2, 2], [5, 5, 1]], [[0, 2, 1], [1, 1, 0]], [1000, 5068]),
    # no vote for any list in a Land: its Sitzkontingent stays vacant
    LevelCase([[0, 0, 6], [0, 0, 0]], [[1, 0, 1], [2, 1, 0]], [1000, 1000]),
    # a house enlarged beyond the bound of 4 N (112 seats): left out
    LevelCase([[4159, 392, 4708], [1308, 139, 6270]], [[0, 2, 0], [1, 2, 0]], [1000, 9675]),
    # equal quotients in two Länder that both get a seat in the split with minimums
    LevelCase([[3, 2, 0], [13, 3, 0]], [[1, 1, 1], [1, 0, 1]], [1000, 17]),
])
def test_2013_edge_cases_of_the_agreement_runs(case: LevelCase) -> None:
    sys = family("germany-2013")
    assert agree(sys, case, unique=True) is None
    assert agree_step(sys, case, 0, 0, 40) is None


def test_the_pinned_harness_checks_what_agree_checks() -> None:
    """One encoding per shape, every election pinned (level_agreement.PinnedLevels): agreement on
    the slice, and a seat the interpreter does not give is a disagreement, single or step."""
    from dataclasses import replace

    from hemicycle.verify.level_agreement import PinnedLevels
    from hemicycle.verify.levels import interpret, left_out

    sys = family("germany-2005")
    fast = PinnedLevels(sys, 3)
    rng = random.Random("pinned")
    checked = 0
    for j in range(6):
        case = random_case(sys, 3, rng)
        assert fast.agree(case, unique=j == 0) is None
        assert fast.agree_step(case, j % sys.units, j % 3, 5) is None
        want = interpret(sys, case)
        if isinstance(want, str) or left_out(sys, case, want):  # a tie at a cut: left out by design
            continue
        wrong = [list(row) for row in want.seats]
        wrong[0][0] += 1
        assert fast.agree(case, want=replace(want, seats=wrong)) is not None
        assert fast.agree_step(case, 0, 0, 5, replace(want, seats=wrong)) is not None
        checked += 1
    assert checked and len(fast.steps) <= sys.units * 3


# --- district seats as figures (New Zealand 2017) and parallel tiers (Kazakhstan 2023) -------------


def test_new_zealand_2017_reads_electorate_seats_as_symbolic_figures() -> None:
    nvw, house = v.verify(hemicycle.load("new-zealand-2017").model, ["negative-vote-weight", "house-size"],
                          parties=2, seats=10, timeout=120)
    assert nvw.status is v.Status.PROVED, nvw.reason
    assert any("non-vacuity" in n for n in nvw.notes)
    assert house.status is v.Status.REFUTED, house.reason  # overhang enlarges the house (replayed)
    [c] = house.counterexample or []
    assert c.house > 10 and "district seats" in (nvw.bounds or "")


@pytest.mark.parametrize("case,seats", [
    # L3 has no party vote and 2 electorates (an independent): they come off the 10 seats
    (LevelCase([[60, 40, 0]], [[0, 0, 2]]), [[5, 3, 2]]),
    # L2 passes by its electorate with 2% of the votes, and keeps its 3 electorates (overhang)
    (LevelCase([[98, 2, 0]], [[0, 3, 0]]), [[10, 3, 0]]),
    # no party vote at all: only the electorates are seated
    (LevelCase([[0, 0, 0]], [[1, 2, 0]]), [[1, 2, 0]]),
])
def test_district_seat_figures_agree_with_the_interpreter(case: LevelCase, seats: list[list[int]]) -> None:
    sys = family("new-zealand-2017")
    o = interpret(sys, case)
    assert not isinstance(o, str) and o.seats == seats
    assert agree(sys, case, unique=True) is None


def test_a_parallel_chamber_adds_the_constituencies_to_the_list_tier() -> None:
    nvw, house = v.verify(hemicycle.load("kazakhstan-2023-chamber").model, ["negative-vote-weight", "house-size"],
                          parties=3, seats=12, timeout=120)
    assert house.status is v.Status.PROVED, house.reason
    # Hare among the lists past 5%: a gain that pushes a list below 5% changes the remainders
    assert nvw.status is v.Status.REFUTED, nvw.reason
    a, b = nvw.counterexample or []
    gained = [k for k in a.votes if b.votes[k] > a.votes[k]]
    assert len(gained) == 1 and b.seats[gained[0]] < a.seats[gained[0]]


@pytest.mark.parametrize("text,line,what", [
    ('chamber "c" seats 10\ntier "a" seats 10 {\n  compensate district_seats overhang added\n  allocate dhondt\n}\n'
     'tier "b" seats 5 {\n  allocate dhondt\n}\n', 6, "one tier with 'compensate district_seats'"),
    ('chamber "c" seats 10\ntier "a" seats 10 {\n  compensate district_seats overhang added\n'
     '  cap 4 seats per list\n  allocate dhondt\n}\n', 4, "cap"),
    ('chamber "c" seats 12\ndistricts "constituency" seats 2\ntier "s" in each "constituency" {\n'
     '  elected by plurality\n}\ntier "a" seats 5 {\n  allocate dhondt\n}\ntier "b" seats 5 {\n  allocate dhondt\n}\n',
     9, "one single-member tier and one national list tier"),
])
def test_mixed_chambers_outside_the_family_are_refused_with_their_line(text: str, line: int, what: str) -> None:
    chamber = hemicycle.loads(text, "t.elect").model
    with pytest.raises(v.UnsupportedClause) as info:
        v.verify(chamber, ["house-size"], parties=2, timeout=10)
    assert info.value.line == line and what in str(info.value)


# --- 'overhang excluded' over districts allocated from the list votes (Norway 2021) ----------------


def test_norway_2021_is_encoded_with_its_districts_and_exclusion() -> None:
    [r] = v.verify(hemicycle.load("norway-2021").model, ["house-size"], parties=2, seats=12, units=2, timeout=120)
    assert r.status is v.Status.PROVED, r.reason  # excluded lists keep their seats, the others level to 12
    assert "districts of symbolic magnitudes" in (r.bounds or "")


@pytest.mark.parametrize("case,national", [
    # L2 takes all 12 seats in the first round (the divisor at its house's bound), L1 holds 1 > 0: it
    # is excluded with its district seat, and L2 gets the 11 left
    (LevelCase([[2, 47, 2], [1, 4, 0]], [], mags=[7, 4]), [1, 11, 0]),
    (LevelCase([[2, 4, 2], [1, 4, 0]], [], mags=[7, 4]), [3, 7, 2]),
])
def test_exclusion_rounds_agree_with_the_interpreter(case: LevelCase, national: list[int]) -> None:
    sys = family("norway-2021")
    o = interpret(sys, case)
    assert not isinstance(o, str) and o.national == national
    assert agree(sys, case, unique=True) is None


def test_adjustment_seats_continue_after_the_district_seats() -> None:
    sys = family("iceland-2021-not-in-turn")
    case = LevelCase([[50, 30, 20], [10, 61, 3]], [], mags=[5, 4])  # district seats 3/1/1, 0/4/0; 1 more
    o = interpret(sys, case)
    assert not isinstance(o, str) and o.national == [3, 6, 1] and agree(sys, case, unique=True) is None  # 91/6 > 60/4
