"""The rule language: golden diagnostics for bad rule files, and the model of good ones."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

from hemicycle import model as m
from hemicycle.checker import check
from hemicycle.diagnostics import RuleError
from hemicycle.grammar import load_rules, parse_rules

HERE = Path(__file__).parent
BAD = sorted((HERE / "bad_rules").glob("*.elect"))
UPDATE = os.environ.get("HEMICYCLE_UPDATE_GOLDEN") == "1"


def diagnose(path: Path) -> str:
    """What `hemicycle check` prints for a file: parse errors, else the checker's errors."""
    rel = f"bad_rules/{path.name}"
    text = path.read_text("utf-8")
    try:
        chamber = parse_rules(text, rel)
    except RuleError as e:
        return e.render() + "\n"
    errors = [d for d in check(chamber) if d.severity == "error"]
    return "".join(d.render(text) + "\n" for d in errors)


def test_enough_golden_files() -> None:
    assert len(BAD) >= 25


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_rule_file(path: Path) -> None:
    got = diagnose(path)
    expected_path = path.with_suffix(".expected")
    if UPDATE:
        expected_path.write_text(got, "utf-8")
    assert got.strip(), f"{path.name} is accepted, but it is in bad_rules/"
    assert got == expected_path.read_text("utf-8")


def test_every_diagnostic_has_position_and_caret() -> None:
    for path in BAD:
        first = diagnose(path).splitlines()
        assert first[0].startswith(f"bad_rules/{path.name}:"), first[0]
        assert any(set(line.strip()) == {"^"} for line in first), path.name


KAZ = """
chamber "Mazhilis" seats 107  [Constitution art. 50]
appointed 9 by "Assembly of People" as APK
tier "national" seats 98 {   [art. 97-1]
  threshold 7% of ballots_cast inclusive   [p.1]
  when passed = 1 {   [p.2]
    admit runner_up
    correct runner_up quotient by 0.7
    guarantee runner_up at least 2 seats from largest  [IPU]
  }
  allocate largest_remainder quota hare  [p.3]
  ties registration_order then lot seed 7
  cap 90 seats per list
  surplus seats vacant
}
"""


def test_model_of_a_full_tier() -> None:
    c = parse_rules(KAZ, "k.elect")
    assert (c.name, c.seats, c.citation) == ("Mazhilis", 107, "Constitution art. 50")
    (a,) = c.appointed
    assert (a.seats, a.by, a.key) == (9, "Assembly of People", "APK")
    (t,) = c.tiers
    assert (t.name, t.seats, t.citation) == ("national", 98, "art. 97-1")
    (th,) = t.thresholds
    assert th.share == Fraction(7, 100) and th.base is m.Base.BALLOTS_CAST and th.inclusive
    assert th.citation == "p.1" and th.span.line == 5 and th.span.col == 3
    assert isinstance(t.method, m.LargestRemainder) and t.method.quota.kind is m.QuotaKind.HARE
    assert t.method.citation == "p.3"
    assert t.ties is not None
    assert t.ties.criteria == (m.TieCriterion.REGISTRATION_ORDER, m.TieCriterion.LOT)
    assert t.ties.seed == 7
    assert t.cap is not None and t.cap.seats == 90
    assert t.surplus is not None and t.surplus.policy is m.SurplusPolicy.VACANT
    (prov,) = t.provisions
    assert prov.condition is not None and str(prov.condition) == "passed = 1"
    assert prov.citation == "p.2"
    admit, corr, guar = prov.actions
    assert isinstance(admit, m.AdmitRunnerUp)
    assert isinstance(corr, m.Correction) and corr.factor == Fraction(7, 10)
    assert isinstance(guar, m.Guarantee) and guar.seats == 2 and guar.citation == "IPU"


@pytest.mark.parametrize(
    ("text", "share"),
    [("7%", Fraction(7, 100)), ("3.25%", Fraction(13, 400)), ("5/100", Fraction(1, 20)),
     ("0.05", Fraction(1, 20))],
)
def test_threshold_numbers_are_exact(text: str, share: Fraction) -> None:
    c = parse_rules(f'chamber "c" seats 5 tier "t" seats 5 {{ threshold {text} of valid_votes '
                    "allocate dhondt }")
    assert c.tiers[0].thresholds[0].share == share


@pytest.mark.parametrize(
    ("clause", "kind", "first_divisors"),
    [
        ("dhondt", m.DivisorKind.DHONDT, [1, 2, 3]),
        ("sainte_lague", m.DivisorKind.SAINTE_LAGUE, [1, 3, 5]),
        ("modified_sainte_lague", m.DivisorKind.MODIFIED_SAINTE_LAGUE, [Fraction(7, 5), 3, 5]),
        ("modified_sainte_lague first 1.2", m.DivisorKind.MODIFIED_SAINTE_LAGUE, [Fraction(6, 5), 3, 5]),
        ("danish", m.DivisorKind.DANISH, [1, 4, 7]),
        ("imperiali", m.DivisorKind.IMPERIALI, [2, 3, 4]),
        ("adams", m.DivisorKind.ADAMS, [0, 1, 2]),
        ("divisors 1.4, 2.5 step 1", m.DivisorKind.SEQUENCE, [Fraction(7, 5), Fraction(5, 2), Fraction(7, 2)]),
    ],
)
def test_divisor_methods(clause: str, kind: m.DivisorKind, first_divisors: list[Fraction]) -> None:
    c = parse_rules(f'chamber "c" seats 5 tier "t" seats 5 {{ allocate {clause} }}')
    method = c.tiers[0].method
    assert isinstance(method, m.Divisor) and method.kind is kind
    assert [method.divisor(k) for k in range(3)] == first_divisors


def test_huntington_hill_squares() -> None:
    c = parse_rules('chamber "c" seats 5 tier "t" seats 5 { allocate huntington_hill }')
    method = c.tiers[0].method
    assert isinstance(method, m.Divisor)
    assert [method.squared(k) for k in range(3)] == [0, 2, 6]


def test_absolute_threshold_and_strict() -> None:
    c = parse_rules('chamber "c" seats 5 tier "t" seats 5 { threshold 1000 votes strict '
                    "threshold 7% of valid_votes strict for lists tagged coalition allocate dhondt }")
    a, b = c.tiers[0].thresholds
    assert a.absolute == 1000 and not a.inclusive and not a.scale_invariant
    assert b.applies_to is not None and b.applies_to.tag == "coalition" and not b.inclusive
    assert not c.tiers[0].scale_invariant


def test_bundled_rules_parse_and_check_clean() -> None:
    from hemicycle.api import bundled_rules, resolve_rules

    names = bundled_rules()
    assert "kazakhstan-2021" in names and "kazakhstan-2021-correction" in names
    for name in names:
        chamber = load_rules(resolve_rules(name))
        assert [d for d in check(chamber) if d.severity == "error"] == [], name


def test_rule_files_are_data_not_code(tmp_path: Path) -> None:
    evil = tmp_path / "evil.elect"
    marker = tmp_path / "pwned"
    evil.write_text(f'chamber "__import__(\'os\').system(\'touch {marker}\')" seats 1 '
                    'tier "t" seats 1 { allocate dhondt }')
    chamber = load_rules(evil)
    assert "__import__" in chamber.name and not marker.exists()


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin1.elect"
    p.write_bytes('chamber "Sénat" seats 1 tier "t" seats 1 { allocate dhondt }'.encode("latin-1"))
    with pytest.raises(RuleError) as info:
        load_rules(p)
    assert "not UTF-8" in info.value.render()
