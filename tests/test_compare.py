"""Comparing systems: indices, seat-vote curves, swings, margins, uncertainty, pictures, cache."""

from __future__ import annotations

import json
import random
import sys
import types
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.compare import compare, property_verdicts
from hemicycle.election import Election
from hemicycle.html import comparison_html
from hemicycle.indices import indices
from hemicycle.pictures import curve_svg, parliament_svg
from hemicycle.uncertainty import seat_distribution
from hemicycle.votes import load_votes
from hemicycle.whatif import (
    WhatIfError,
    _Scaled,
    apply_swings,
    seat_margins,
    seat_vote_curve,
)

ROOT = Path(__file__).resolve().parent.parent
KZ21 = load_votes(ROOT / "elections/kazakhstan-2021.json")
ALTERNATIVES = ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-sainte-lague",
                "kazakhstan-2021-5pct", "kazakhstan-2021-no-threshold", "kazakhstan-2021-correction"]


def test_indices_by_hand() -> None:
    # votes 60/30/10 %, seats 70/30/0 %: LH = (10 + 0 + 10)/2 = 10; Gallagher = sqrt((100+0+100)/2) = 10
    ix = indices({"A": 60, "B": 30, "C": 10}, {"A": 7, "B": 3, "C": 0})
    assert ix.loosemore_hanby == pytest.approx(10)
    assert ix.gallagher == pytest.approx(10)
    # Sainte-Lague index: 100/60 + 0 + 100/10
    assert ix.sainte_lague == pytest.approx(100 / 60 + 10)
    assert ix.enp_votes == pytest.approx(1 / (0.36 + 0.09 + 0.01))
    assert ix.enp_seats == pytest.approx(1 / (0.49 + 0.09))
    perfect = indices({"A": 1, "B": 1}, {"A": 5, "B": 5})
    assert perfect.gallagher == 0 and perfect.loosemore_hanby == 0


def test_compare_alternatives_on_2021_votes() -> None:
    systems = [hemicycle.load(n) for n in ALTERNATIVES]
    c = compare(systems, KZ21)
    seats = {Path(s.path).stem: s.list_seats for s in c.systems}
    assert [s.label for s in c.systems][:2] == ["2021 law: Hare, 7%", "D'Hondt, 7%"]  # the rule files' labels
    assert seats["kazakhstan-2021"] == {"QHP": 10, "NurOtan": 76, "Auyl": 0, "AkZhol": 12, "Adal": 0}
    assert seats["kazakhstan-2021-dhondt"]["NurOtan"] == 77
    assert seats["kazakhstan-2021-5pct"]["Auyl"] > 0
    assert seats["kazakhstan-2021-no-threshold"]["Adal"] > 0
    data = c.to_json()
    for system in data["systems"]:
        assert set(system) >= {"rules", "seats", "indices"}
        assert set(system["indices"]) == {"gallagher", "loosemore_hanby", "sainte_lague", "enp_votes",
                                          "enp_seats"}
        assert sum(system["seats"].values()) == 98
    assert all(s.majority for s in c.systems)
    assert "NurOtan" in c.csv()


def _direct_seats(rules: hemicycle.Rules, election: Election, abbr: str, x: Fraction) -> int:
    votes, totals = _Scaled(election, abbr).figures(x)
    inv = totals.pop("invalid", 0)
    return hemicycle.compile(rules)(votes, inv, **totals)[election.abbrs.index(abbr)]


@pytest.mark.parametrize("name", ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-sainte-lague",
                                  "kazakhstan-2021-5pct"])
def test_seat_vote_curve_is_exact(name: str) -> None:
    rules = hemicycle.load(name)
    curve = seat_vote_curve(rules, KZ21, "AkZhol")
    assert curve.pieces[0].start == 0 and curve.pieces[-1].end == 1
    for a, b in zip(curve.pieces, curve.pieces[1:], strict=False):
        assert a.end == b.start and a.seats != b.seats
    rng = random.Random(7)
    for _ in range(600):
        x = Fraction(rng.randint(1, 10**6 - 1), 10**6)
        assert curve.seats_at(x) == _direct_seats(rules, KZ21, "AkZhol", x), x
    # just either side of every breakpoint the seats are those of the pieces
    eps = Fraction(1, 10**15)
    for x, below, above in curve.breakpoints()[:20]:
        assert _direct_seats(rules, KZ21, "AkZhol", x - eps) == below
        assert _direct_seats(rules, KZ21, "AkZhol", x + eps) == above


def test_curve_threshold_breakpoint_is_the_threshold() -> None:
    curve = seat_vote_curve(hemicycle.load("kazakhstan-2021"), KZ21, "AkZhol")
    # 7% of ballots cast in units of the list votes: 0.07 * 7,539,280 / 7,241,562
    assert curve.pieces[0].end == Fraction(7, 100) * Fraction(7539280, 7241562)


def test_curve_refuses_rules_that_are_not_scale_invariant() -> None:
    rules = hemicycle.loads('chamber "c" seats 5 tier "t" seats 5 { threshold 100 votes allocate dhondt }')
    with pytest.raises(WhatIfError, match="absolute threshold"):
        seat_vote_curve(rules, KZ21, "AkZhol")


def test_margins_are_exact_smallest_amounts() -> None:
    rules = hemicycle.load("kazakhstan-2021")
    f = hemicycle.compile(rules)
    votes = [e.votes for e in KZ21.lists]
    totals = dict(KZ21.totals)
    invalid = totals.pop("invalid")
    for i, mg in enumerate(seat_margins(rules, KZ21)):
        def seats_with(d: int, i: int = i) -> int:
            v = list(votes)
            v[i] += d
            t = dict(totals)
            t["valid"] += d
            t["ballots_cast"] += d
            return f(v, invalid, **t)[i]
        assert mg.gain is not None
        # at least one more seat (crossing the threshold gives several at once), and not a vote less
        assert seats_with(mg.gain) > mg.seats and seats_with(mg.gain - 1) == mg.seats
        if mg.lose is not None:
            assert seats_with(-mg.lose) < mg.seats and seats_with(-(mg.lose - 1)) == mg.seats


def test_swings() -> None:
    swung = apply_swings(KZ21, ["AkZhol=+2%"])
    assert swung.list_votes == KZ21.list_votes
    share = Fraction(swung.lists[3].votes, swung.list_votes) - Fraction(KZ21.lists[3].votes, KZ21.list_votes)
    assert abs(share - Fraction(2, 100)) < Fraction(1, 10**6)
    added = apply_swings(KZ21, ["Auyl=+200000"])
    assert added.lists[2].votes == KZ21.lists[2].votes + 200000
    assert added.totals["valid"] == KZ21.totals["valid"] + 200000
    with pytest.raises(WhatIfError):
        apply_swings(KZ21, ["Nobody=+1%"])
    with pytest.raises(WhatIfError):
        apply_swings(KZ21, ["AkZhol=2%"])


def test_uncertainty_is_reproducible_and_centred() -> None:
    rules = hemicycle.load("kazakhstan-2021")
    a = seat_distribution(rules, KZ21, 20_000, seed=3)
    b = seat_distribution(rules, KZ21, 20_000, seed=3)
    assert a.counts == b.counts
    assert 75 <= a.mean("NurOtan") <= 78
    assert sum(a.counts["NurOtan"].values()) == 20_000
    normal = seat_distribution(rules, KZ21, 5_000, model="normal",
                               standard_errors={"Auyl": 0.02}, seed=1)
    assert normal.probability("Auyl", 0) < 1  # Auyl sometimes passes 7%


def test_pictures_are_valid_svg() -> None:
    svg = parliament_svg([("A", 60, "#f00"), ("B", 38, "#00f"), ("APK", 9, "#ccc")], title="Mazhilis")
    root = ET.fromstring(svg)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == 107
    curve = curve_svg({"x": [(0.0, 7.0, 0), (7.0, 100.0, 8)]}, title="t", actual=10.0)
    ET.fromstring(curve)


def test_html_report_is_self_contained() -> None:
    systems = [hemicycle.load(n) for n in ALTERNATIVES[:2]]
    c = compare(systems, KZ21)
    page = comparison_html(c, curves=[seat_vote_curve(systems[0], KZ21, "QHP")])
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Gallagher" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<table class=data>" in c._repr_html_()


def test_property_verdicts_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    class Result:
        def to_json(self) -> dict[str, object]:
            return {"property": "seat-total", "status": "proved"}

    fake = types.ModuleType("hemicycle.verify")
    fake.verify = lambda *a, **k: calls.append(1) or [Result()]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hemicycle.verify", fake)
    monkeypatch.setattr(hemicycle, "verify", fake, raising=False)
    rules = hemicycle.load("kazakhstan-2021")
    first = property_verdicts(rules, cache=tmp_path)
    second = property_verdicts(rules, cache=tmp_path)
    assert first == second and first[0] == {"seat-total": "proved"}
    assert len(calls) == 1
    # a damaged or hostile cache entry (duplicate keys, wrong shapes) is recomputed, never trusted
    [entry] = tmp_path.glob("*.json")
    for text in ('{"verdicts": {"seat-total": "refuted"}, "verdicts": {}, "bounds": "b"}',
                 '{"verdicts": ["x"], "bounds": "b"}', '{"verdicts": {"a": 1}, "bounds": "b"}', "[", "null"):
        entry.write_text(text, "utf-8")
        assert property_verdicts(rules, cache=tmp_path) == first
    assert len(calls) == 6


def test_cli_compare_json_and_html(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["compare", "kazakhstan-2021", "kazakhstan-2021-dhondt", "--votes",
                                 "kazakhstan-2021", "--no-properties", "--format", "json", "--margins",
                                 "--curve", "QHP", "--simulate", "2000", "--html", str(report)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [s["seats"]["NurOtan"] for s in data["systems"]] == [76, 77]
    assert data["curves"] and data["margins"] and data["uncertainty"]
    assert report.read_text("utf-8").count("<svg") >= 3


def test_pictures_are_bounded_whatever_the_house(tmp_path: Path) -> None:
    """issue 12, item 6: 10^6 seats drew 10^6 circles (412 MB of HTML), 3 x 10^7 appointed seats
    ran out of memory. Arches draw at most MAX_DRAWN_SEATS dots and say how many seats one stands for."""
    from hemicycle.pictures import MAX_DRAWN_SEATS, MAX_LEGEND, dots_for

    svg = parliament_svg([("A", 10**7, "#f00"), ("B", 10**7, "#0f0"), ("C", 10**7, "#00f")], title="huge")
    assert svg.count("<circle") <= MAX_DRAWN_SEATS and len(svg) < 200_000
    assert "one dot stands for 10,000 seats" in svg and "30,000,000" in svg
    many = [(f"L{i}", 1 + i % 7, "#123456") for i in range(20_000)]
    svg = parliament_svg(many)
    assert svg.count("<rect") == MAX_LEGEND and f"and {20_000 - MAX_LEGEND:,} more lists" in svg
    assert svg.count("<circle") <= MAX_DRAWN_SEATS
    # dots keep each group's proportion, by largest remainder, in integers
    assert dots_for([98]) == ([98], 1)
    dots, per = dots_for([600_001, 300_000, 99_999])
    assert per == 500 and dots == [1200, 600, 200] and sum(dots) <= MAX_DRAWN_SEATS
    steps = [(i / 1000, (i + 1) / 1000, i) for i in range(100_000)]
    curve = curve_svg({"x": steps})
    assert len(curve) < 200_000
    rules = tmp_path / "big.elect"
    rules.write_text('chamber "Big" seats 1000000\ntier "t" seats 1000000 {\n  allocate dhondt\n'
                     "  ties registration_order\n}\n", "utf-8")
    page = tmp_path / "big.html"
    r = CliRunner().invoke(app, ["compare", str(rules), "--votes", "kazakhstan-2021", "--no-properties",
                                 "--html", str(page)])
    assert r.exit_code == 0, r.output
    html = page.read_text("utf-8")
    assert len(html) < 500_000 and "one dot stands for 500 seats" in html and "1,000,000" in html
