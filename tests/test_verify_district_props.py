"""User properties (.props) of districted chambers: `forall district d`, `votes[L1 in d]`,
`seats[L1 in "North"]` (verify/district_proplang.py, docs/verify.md "Property files")."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemicycle.election import Election, ListEntry, Unit
from hemicycle.grammar import load_rules
from hemicycle.interpreter import allocate
from hemicycle.verify import Status, verify
from hemicycle.verify.errors import PropertyError
from hemicycle.verify.proplang import loads_properties, parse_properties

ROOT = Path(__file__).resolve().parents[1]
THREE = ROOT / "docs" / "examples" / "three-districts.elect"


def _run(tmp_path: Path, text: str, rules: Path = THREE, n: int = 3):
    f = tmp_path / "p.props"
    f.write_text(text)
    return verify(load_rules(rules), parties=n, property_file=f, timeout=60)


def _national_seats(chamber, e) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    units = tuple(Unit(name=d["district"], votes=d["votes"], totals=d["totals"]) for d in e.districts)
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=i + 1, ballot_order=i + 1)
                  for i, (a, v) in enumerate(e.votes.items()))
    t = allocate(chamber, Election(lists=lists, totals=e.totals, units=units)).tiers[0]
    return dict(t.seats), {p.district: dict(p.seats) for p in t.parts}


def test_true_property_proved(tmp_path: Path) -> None:
    (r,) = _run(tmp_path, 'property add-up\n forall i: seats[i] = seats[i in "North"] + seats[i in 2]'
                          ' + seats[i in "South"]\n')
    assert r.status is Status.PROVED, r.reason
    assert any("non-vacuity" in n for n in r.notes)


def test_forall_district_proved(tmp_path: Path) -> None:
    (r,) = _run(tmp_path, "property leader\n forall i: (forall district d: forall j: i != j implies "
                          "votes[i in d] > votes[j in d]) implies forall j: seats[i] >= seats[j]\n")
    assert r.status is Status.PROVED, r.reason


def test_false_property_refuted_and_replayed(tmp_path: Path) -> None:
    """The district leader wins a seat there: false behind a 5% national threshold."""
    (r,) = _run(tmp_path, "property winner\n forall district d: forall i: (forall j: i != j implies "
                          "votes[i in d] > votes[j in d]) implies seats[i in d] >= 1\n")
    assert r.status is Status.REFUTED
    assert r.counterexample is not None
    (e,) = r.counterexample
    national, parts = _national_seats(load_rules(THREE), e)
    assert national == e.seats
    bad = [d for d in e.districts
           for a, v in d["votes"].items()
           if all(v > w for b, w in d["votes"].items() if b != a) and parts.get(d["district"], {}).get(a, 0) == 0]
    assert bad, "the interpreter's seats must break the property"


def test_derived_election_in_a_district(tmp_path: Path) -> None:
    (r,) = _run(tmp_path, 'property nvw\n election B = A with votes[L1 in "North"] + g\n'
                          ' B.seats[L1] >= seats[L1]\n')
    assert r.status is Status.PROVED, r.reason
    hare = ROOT / "docs" / "examples" / "three-districts-hare.elect"
    (r,) = _run(tmp_path, 'property nvw\n election B = A with votes[L1 in "North"] + g\n'
                          ' B.seats[L1] >= seats[L1]\n', rules=hare)
    assert r.status is Status.REFUTED
    a, b = r.counterexample  # type: ignore[misc]
    chamber = load_rules(hare)
    sa, sb = _national_seats(chamber, a)[0], _national_seats(chamber, b)[0]
    assert sb["L1"] < sa["L1"] and b.districts[0]["votes"]["L1"] > a.districts[0]["votes"]["L1"]


def test_example_file_runs(tmp_path: Path) -> None:
    results = verify(load_rules(THREE), parties=3, timeout=60,
                     property_file=ROOT / "docs" / "examples" / "districts.props")
    assert [r.status for r in results] == [Status.PROVED, Status.REFUTED, Status.PROVED, Status.PROVED]


@pytest.mark.parametrize(("text", "match"), [
    ('property p\n seats[L1 in "Nowhere"] >= 0\n', "no district named 'Nowhere'"),
    ("property p\n seats[L1 in 7] >= 0\n", "district 7 does not exist"),
    ("property p\n seats[L1 in d] >= 0\n", "unknown district 'd'"),
    ("property p\n election B = A with house + 1\n B.seats[L1] >= seats[L1]\n", "house"),
    ("property p\n election B = A with votes[L1] + g\n B.seats[L1] >= seats[L1]\n", "names its district"),
    ("property p\n forall i: passed[i] or seats[i] = 0\n", "not available for districted"),
])
def test_district_property_errors(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(PropertyError, match=match):
        _run(tmp_path, text)


def test_districts_refused_without_districts(tmp_path: Path) -> None:
    (prop,) = loads_properties("property p\n forall district d: seats[L1 in d] >= 0\n")
    with pytest.raises(PropertyError, match="no districts"):
        verify(load_rules(ROOT / "src/hemicycle/rules/kazakhstan-2021.elect"), parties=2,
               property_file=_write(tmp_path, "property p\n forall district d: seats[L1 in d] >= 0\n"))
    assert prop.name == "p"


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "q.props"
    f.write_text(text)
    return f


def test_grammar_keywords_do_not_eat_names() -> None:
    (spec,) = parse_properties("property p\n forall districts_x, index: seats[index] >= 0 and invalid >= 0\n")
    assert spec.formula.vars == ("districts_x", "index")
