"""Apportioned district magnitudes in the verifier (verify/apportionment.py, docs/verify.md
"Districts"): the Alabama and population paradoxes found and replayed, their absence proved
under a divisor method, and the encoding against the interpreter on random figures."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hemicycle.grammar import load_rules, parse_rules
from hemicycle.verify import Status, verify
from hemicycle.verify.apportionment import APPORTIONMENT_CATALOGUE, agree, apportioned, decide, replay
from hemicycle.verify.errors import UnsupportedClause

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
HOUSE = "apportionment-house-monotonicity"
POPULATION = "apportionment-population-monotonicity"


def level(body: str, seats: int = 10):
    text = (f'chamber "P" seats {seats}\ndistricts seats {seats} {{\n{body}\n}}\n'
            'tier "t" in each district {\n allocate dhondt\n ties registration_order\n}\n')
    return parse_rules(text, file="t.elect").levels[0]


def test_alabama_paradox_under_hare_found_and_replayed() -> None:
    app = apportioned(load_rules(EXAMPLES / "provinces-hare.elect").levels[0], 3)
    v = decide(app, APPORTIONMENT_CATALOGUE[HOUSE], timeout=60)
    assert v.status == "refuted"
    assert v.outcomes is not None
    small, big = v.outcomes
    assert small.figures == big.figures and big.seats == small.seats + 1 == 11
    assert any(big.magnitudes[u] < small.magnitudes[u] for u in app.pool)
    # replayed again here, independently of the verifier's own check
    again = replay(app, list(small.figures.values()), 11)
    assert not isinstance(again, str) and again.magnitudes == big.magnitudes


def test_alabama_known_instance_replays() -> None:
    """The instance in docs/verify.md: figures 15, 97, 182; minimum 1; Hare on the rest."""
    app = apportioned(load_rules(EXAMPLES / "provinces-hare.elect").levels[0], 3)
    at10, at11 = replay(app, [15, 97, 182], 10), replay(app, [15, 97, 182], 11)
    assert not isinstance(at10, str) and not isinstance(at11, str)
    assert at10.magnitudes == {"D1": 2, "D2": 3, "D3": 5}
    assert at11.magnitudes == {"D1": 1, "D2": 4, "D3": 6}
    # the trace is the interpreter's protocol as text, each line with the clause it applies
    assert at10.trace.splitlines()[2].startswith("Quota (hare): 294 of population for 7 seats")
    assert "Step(" not in at10.trace and " object at " not in at10.trace


def test_spain_rule_has_the_alabama_paradox() -> None:
    """spain-1986.elect itself (Ceuta, Melilla fixed, minimum 2, Hare on population), 3 provinces."""
    (r,) = verify(load_rules(ROOT / "src/hemicycle/rules/spain-1986.elect"), [HOUSE], districts=3, timeout=60)
    assert r.status is Status.REFUTED
    assert r.counterexample is not None
    a, b = r.counterexample
    assert (a.house, b.house) == (350, 351)
    assert any(y["seats"] < x["seats"] for x, y in zip(a.districts, b.districts, strict=True))


def test_spain_known_instance_replays() -> None:
    """The spain-1986 instance in docs/verify.md: 171, 112,012, 4,610 at 350 and 351 seats."""
    app = apportioned(load_rules(ROOT / "src/hemicycle/rules/spain-1986.elect").levels[0], 3)
    at350, at351 = replay(app, [171, 112_012, 4_610], 350), replay(app, [171, 112_012, 4_610], 351)
    assert not isinstance(at350, str) and not isinstance(at351, str)
    assert at350.magnitudes == {"Ceuta": 1, "Melilla": 1, "D1": 3, "D2": 330, "D3": 15}
    assert at351.magnitudes == {"Ceuta": 1, "Melilla": 1, "D1": 2, "D2": 331, "D3": 16}


@pytest.mark.parametrize("name", [HOUSE, POPULATION])
def test_divisor_method_proved(name: str) -> None:
    (r,) = verify(load_rules(EXAMPLES / "provinces-dhondt.elect"), [name], districts=3, timeout=60)
    assert r.status is Status.PROVED, r.reason
    assert any("non-vacuity" in n for n in r.notes)


def test_population_paradox_under_hare() -> None:
    app = apportioned(load_rules(EXAMPLES / "provinces-hare.elect").levels[0], 3)
    v = decide(app, APPORTIONMENT_CATALOGUE[POPULATION], timeout=60)
    assert v.status == "refuted" and v.outcomes is not None
    a, b = v.outcomes
    p, q = list(a.figures.values()), list(b.figures.values())
    ma, mb = [a.magnitudes[u] for u in app.pool], [b.magnitudes[u] for u in app.pool]
    assert any(q[i] * p[j] >= p[i] * q[j] and mb[i] < ma[i] and mb[j] > ma[j]
               for i in range(3) for j in range(3) if i != j)


def test_two_units_hare_is_house_monotone() -> None:
    """Balinski & Young: Hamilton's method has no Alabama paradox with two units."""
    app = apportioned(load_rules(EXAMPLES / "provinces-hare.elect").levels[0], 2)
    assert decide(app, APPORTIONMENT_CATALOGUE[HOUSE], timeout=60).status == "proved"


def test_refusals() -> None:
    # Huntington-Hill is encoded with a minimum of 1 and `ties none` (tests/test_verify_district_clauses.py)
    with pytest.raises(UnsupportedClause, match="Huntington-Hill"):
        apportioned(level("minimum 2\napportion by population huntington_hill\nties none"))
    with pytest.raises(UnsupportedClause, match="tie chain"):
        apportioned(level("minimum 1\napportion by population huntington_hill\nties registration_order"))
    with pytest.raises(UnsupportedClause, match="not apportioned"):
        apportioned(load_rules(EXAMPLES / "three-districts.elect").levels[0])


BODIES = [
    "minimum 1\napportion by population largest_remainder quota hare\nties none",
    "minimum 2\napportion by population largest_remainder quota droop\nties registration_order",
    "apportion by population dhondt\nties none",
    "minimum 1\napportion by population sainte_lague\nties registration_order",
    "minimum 1\napportion by population dhondt\nties more_votes then registration_order",
    'fixed "Capital" 2\nminimum 1\napportion by valid_votes largest_remainder quota hare\nties registration_order',
    "minimum 1\napportion by population huntington_hill\nties none",
]


@pytest.mark.parametrize("body", BODIES)
def test_encoding_agrees_with_interpreter(body: str) -> None:
    rng = random.Random(hash(body) % 1000)
    lv = level(body, seats=12)
    for k in (2, 3, 4):
        app = apportioned(lv, k)
        for trial in range(4):  # the full run: python benchmarks/verify.py apportionment
            figs = [rng.choice([1, 2, 5, 7, 100, rng.randint(1, 1000)]) for _ in range(k)]
            if trial == 0:
                figs = [10] * k  # equal figures: ties everywhere
            for seats in (12, 13):
                assert agree(app, figs, seats) is None


SMALL = """chamber "P" seats 6
districts seats 6 {
  minimum 1
  apportion by population largest_remainder quota hare
  ties none
}
tier "t" in each district {
%s
  ties more_votes then registration_order
}
"""


def test_vote_property_with_apportioned_magnitudes_refuted_and_replayed() -> None:
    """Negative vote weight behind a national threshold, magnitudes apportioned by population:
    the counterexample carries the figures, and the interpreter apportions them again."""
    from hemicycle.election import Election, ListEntry, Unit
    from hemicycle.interpreter import allocate

    chamber = parse_rules(SMALL % "  threshold 5% of valid_votes nationally\n  allocate largest_remainder quota hare",
                          file="small.elect")
    (r,) = verify(chamber, ["negative-vote-weight"], parties=3, districts=2, timeout=120)
    assert r.status is Status.REFUTED, r.reason
    seats = []
    for e in r.counterexample:  # type: ignore[union-attr]
        units = tuple(Unit(name=d["district"], votes=d["votes"], totals=d["totals"],
                           figures={"population": d["figure"]}) for d in e.districts)
        lists = tuple(ListEntry(abbr=a, votes=v, registration_order=i + 1, ballot_order=i + 1)
                      for i, (a, v) in enumerate(e.votes.items()))
        res = allocate(chamber, Election(lists=lists, totals=e.totals, units=units))
        assert res.levels[0].magnitudes == {d["district"]: d["seats"] for d in e.districts}
        seats.append(dict(res.tiers[0].seats))
    gainer = next(a for a in seats[0] if r.counterexample[1].votes[a] > r.counterexample[0].votes[a])  # type: ignore[index]
    assert seats[1][gainer] < seats[0][gainer]


def test_vote_property_with_apportioned_magnitudes_proved() -> None:
    chamber = parse_rules(SMALL % "  allocate dhondt", file="small.elect")
    (r,) = verify(chamber, ["negative-vote-weight"], parties=2, districts=2, timeout=120)
    assert r.status is Status.PROVED, r.reason
    assert any("every vector of magnitudes" in n for n in r.notes)
