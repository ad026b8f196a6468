"""The verifier on districted chambers (issue 16, first slice): the family it encodes (fixed
magnitudes, one tier in each district, district and national thresholds), its agreement with the
interpreter, the three district properties, and the refusal of every other district clause."""

from __future__ import annotations

import pytest

from hemicycle.election import Election, ListEntry, Unit
from hemicycle.grammar import load_rules, parse_rules
from hemicycle.interpreter import allocate
from hemicycle.verify import PropertyError, Status, UnsupportedClause, verify
from hemicycle.verify.district_agreement import RULES, agree_step, random_case, run_rule, system
from hemicycle.verify.districts import DistrictCase, agree, district_system

TWO = """chamber "T" seats 7
districts seats 7 {
  fixed "D1" 3, "D2" 4
}
tier "t" in each district {
%s
  ties more_votes then registration_order
}
"""


def _chamber(body: str):
    return parse_rules(TWO % body, "<test>")


def _replay(chamber, election_json: dict) -> dict[str, int]:
    """The interpreter's national seats for a counterexample election, rebuilt from its JSON."""
    units = tuple(Unit(name=d["district"], votes=d["votes"],
                       totals={k: v for k, v in d["totals"].items()}) for d in election_json["districts"])
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=i + 1, ballot_order=i + 1)
                  for i, (a, v) in enumerate(election_json["votes"].items()))
    res = allocate(chamber, Election(lists=lists, totals=election_json["totals"], units=units))
    t = res.tiers[0]
    by_unit = {p.district: p.seats for p in t.parts}
    for d in election_json["districts"]:
        assert by_unit[d["district"]] == d["allocated"]
    return dict(t.seats)


@pytest.mark.parametrize(("rules", "line", "what"), [
    ("rules/us-house-2000.elect", 10, "no tier"),  # czech-2021 is encoded now (tests/test_verify_czech.py)
])
def test_other_district_clauses_are_refused_with_their_line(rules: str, line: int, what: str) -> None:
    # the vote properties; the apportionment properties of apportioned magnitudes are in
    # tests/test_verify_apportionment.py
    with pytest.raises(UnsupportedClause) as e:
        verify(load_rules(rules), ["district-monotonicity"], parties=3, timeout=5)
    assert e.value.node.span.line == line and what in str(e.value)


def test_provisions_and_regional_thresholds_in_districts_are_refused() -> None:
    ch = _chamber("  threshold 10% of valid_votes\n  when passed < 2 { admit runner_up }\n  allocate dhondt")
    with pytest.raises(UnsupportedClause, match="provisions"):
        district_system(ch)
    # a test in every district is encoded (tests/test_verify_district_clauses.py); in the units
    # of another level it is not
    ch = _chamber("  threshold 10% of valid_votes in every region\n  allocate dhondt")
    with pytest.raises(UnsupportedClause, match="another level"):
        district_system(ch)


@pytest.mark.parametrize("name", ["dhondt-national-5pct", "hare-national-strict", "hare-district",
                                  "droop", "dhondt-ties-votes", "hare-3-districts"])
def test_the_districted_encoding_agrees_with_the_interpreter(name: str) -> None:
    count, steps, _, bad = run_rule(name, 6, unique_every=3)
    assert count == 6 and steps == 3 and bad == []


def test_constructed_districted_elections_agree() -> None:
    sys = system("dhondt-national-5pct")
    # a list exactly at 5% nationally (against all makes the base 20 x its votes), an empty
    # district, equal votes, and a list that stands nowhere
    cases = [DistrictCase([[5, 40, 0], [0, 30, 25]], [{"against_all": 0}, {"against_all": 0}]),
             DistrictCase([[1, 10, 0], [0, 0, 9]], [{"against_all": 0}, {"against_all": 0}]),
             DistrictCase([[0, 0, 0], [3, 3, 3]], [{"against_all": 0}, {"against_all": 0}]),
             DistrictCase([[10, 10, 0], [10, 10, 0]], [{"against_all": 0}, {"against_all": 0}])]
    for c in cases:
        assert agree(sys, c, unique=True) is None
        assert agree_step(sys, c, 0, 0, 1) is None
    assert set(RULES) >= {"dhondt", "hare", "dhondt-both", "sainte_lague-ballots"}
    assert random_case(__import__("random").Random(1), sys, 3).votes


def test_dhondt_in_districts_never_has_negative_vote_weight() -> None:
    ch = _chamber("  threshold 5% of valid_votes nationally\n  allocate dhondt")
    results = verify(ch, ["district-monotonicity", "negative-vote-weight"], parties=3, timeout=120)
    for r in results:
        assert r.status is Status.PROVED, r.reason
        assert any(n.startswith("non-vacuity") for n in r.notes)


def test_majority_reversal_is_found_and_replayed() -> None:
    ch = load_rules("docs/examples/three-districts.elect")
    [r] = verify(ch, ["majority-reversal"], parties=3, timeout=60)
    assert r.status is Status.REFUTED
    e = r.to_json()["counterexample"]["elections"][0]
    seats = _replay(ch, e)
    assert seats == e["seats"]
    v = e["votes"]
    assert any(v[a] > v[b] and seats[a] < seats[b] for a in v for b in v)


def test_hare_with_a_national_threshold_has_negative_vote_weight() -> None:
    ch = _chamber("  threshold 5% of valid_votes nationally\n  allocate largest_remainder quota hare")
    [r] = verify(ch, ["negative-vote-weight"], parties=3, timeout=60)
    assert r.status is Status.REFUTED
    a, b = r.to_json()["counterexample"]["elections"]
    gained = [x for x in a["votes"] if b["votes"][x] > a["votes"][x]]
    assert len(gained) == 1 and all(b["votes"][x] == a["votes"][x] for x in a["votes"] if x not in gained)
    assert _replay(ch, b)[gained[0]] < _replay(ch, a)[gained[0]]


def test_district_properties_need_districts_and_national_ones_are_not_run_on_districts() -> None:
    with pytest.raises(PropertyError, match="districts"):
        verify(load_rules("rules/kazakhstan-2021.elect"), ["negative-vote-weight"], parties=3)
    with pytest.raises(PropertyError, match="not a property of districted"):
        verify(_chamber("  allocate dhondt"), ["monotonicity"], parties=3)


def test_the_documented_hare_counterexample_replays() -> None:
    """docs/verify.md, "Districts": L1 gains 2,152,240 votes in North and ends with 1 seat instead of 2."""
    sys = district_system(load_rules("docs/examples/three-districts-hare.elect"))
    zero = [{"against_all": 0}] * 3
    a = [[282190, 60, 12172210], [356925, 951780, 1070775], [205176, 60, 1846644]]
    b = [[282190 + 2152240, 60, 12172210], a[1], a[2]]
    from hemicycle.verify.districts import interpret

    oa, ob = interpret(sys, DistrictCase(a, zero)), interpret(sys, DistrictCase(b, zero))
    assert not isinstance(oa, str) and not isinstance(ob, str)
    assert oa.national == [2, 1, 9] and ob.national[0] == 1
    assert agree(sys, DistrictCase(a, zero)) is None and agree(sys, DistrictCase(b, zero)) is None


def test_the_pinned_harness_checks_what_agree_checks() -> None:
    """One encoding per shape, every election pinned (district_agreement.PinnedDistricts)."""
    from dataclasses import replace

    from hemicycle.verify.district_agreement import PinnedDistricts
    from hemicycle.verify.districts import interpret

    sys = system("dhondt-national-5pct")
    fast = PinnedDistricts(sys, 3)
    c = DistrictCase([[5, 40, 0], [0, 30, 25]], [{"against_all": 0}, {"against_all": 0}])
    assert fast.agree(c, unique=True) is None and fast.agree_step(c, 0, 0, 1) is None
    assert fast.agree_step(c, 1, 2, 7) is None
    want = interpret(sys, c)
    assert not isinstance(want, str)
    wrong = [list(row) for row in want.seats]
    wrong[0][1] -= 1
    assert fast.agree(c, want=replace(want, seats=wrong)) is not None
    assert len(fast.steps) == 2


def test_the_step_encodings_may_be_asked_their_own_way() -> None:
    """PinnedDistricts(step_substitute=...): the steps substituted while the single election is
    asked by assumptions (the Czech harness's choice, measured), with the same verdicts."""
    from hemicycle.verify.district_agreement import PinnedDistricts

    sys = system("dhondt-national-5pct")
    fast = PinnedDistricts(sys, 3, substitute=False, step_substitute=True)
    c = DistrictCase([[5, 40, 0], [0, 30, 25]], [{"against_all": 0}, {"against_all": 0}])
    assert fast.agree(c, unique=True) is None and fast.agree_step(c, 1, 2, 7) is None
    assert fast.single.substitute is False and fast.steps[1, 2].solver.substitute is True
    assert PinnedDistricts(sys, 3, substitute=False).substitute is False  # default: the same way
