"""Notebooks and pandas: every object of the Python API shows itself as HTML in which strings from
files are text (never elements, attributes or terminal escapes), and turns into a tidy DataFrame
whose figures are the allocation's; NumPy integers are taken exactly wherever votes are."""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import hemicycle
from hemicycle import frames, notebook
from hemicycle.election import Election, ListEntry

pd = pytest.importorskip("pandas")

KZ = "kazakhstan-2021"
SYSTEMS = ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-no-threshold"]

# Strings that would be markup, script or a terminal escape if they were not shown as text.
EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">\x1b[31m&amp;\u202e'
HOSTILE_RULES = f'''# a comment with {EVIL}
chamber "{EVIL.replace('"', "'")}" seats 10                 [art. 1 {EVIL.replace("]", ")")}]
tier "t <b>" seats 10 {{
  threshold 5% of valid_votes                                [<i>art. 2</i>]
  allocate dhondt
  ties registration_order
}}
'''

# Elements the representations may contain (tables, text, the SVG pictures, Pygments' spans).
ALLOWED = {"div", "style", "table", "caption", "tr", "th", "td", "p", "b", "span", "ul", "li", "br", "pre",
           "code", "details", "summary", "svg", "g", "circle", "rect", "text", "line", "polyline", "title",
           "path", "tspan"}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {a for a, _ in attrs}
        self.style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.style = False

    def handle_data(self, data: str) -> None:
        if not self.style:
            self.text.append(data)


def parsed(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    p.close()
    return p


def assert_safe(html: str) -> str:
    """No element or attribute a string could have brought in, no raw control character; the
    text (with markup removed) is returned for further checks."""
    p = parsed(html)
    assert p.tags <= ALLOWED, p.tags - ALLOWED
    assert not any(a.startswith("on") or a in ("src", "href") for a in p.attributes)
    body = "".join(p.text)
    assert "\x1b" not in html and "\u202e" not in html
    return body


@pytest.fixture(scope="module")
def hostile_election() -> Election:
    return Election.from_votes({"<b>A</b>": 600, "B&amp;": 300, "C\x1b[2J": 100}, valid=1000)


@pytest.fixture(scope="module")
def hostile_rules() -> hemicycle.Rules:
    return hemicycle.loads(HOSTILE_RULES, "<evil>.elect")


# --- rule sets -----------------------------------------------------------------------------------


def test_rules_show_the_file_highlighted_with_its_citations() -> None:
    rules = hemicycle.load(KZ)
    html = rules._repr_html_()
    body = assert_safe(html)
    assert '<span style="color' in html  # Pygments' inline styles: highlighted
    for _, clause, citation in notebook.citations(rules.model):
        assert citation in body and clause in body
    cited = {c for _, _, c in notebook.citations(rules.model)}
    assert {"Constitution art. 50(3)", "art. 97-1 p.2", "IPU Parline"} <= cited
    assert "Mazhilis" in body and "107 seats" in body and "kazakhstan-2021.elect" in body


def test_hostile_rule_text_is_shown_as_text(hostile_rules: hemicycle.Rules) -> None:
    body = assert_safe(hostile_rules._repr_html_())
    assert "<script>alert(1)</script>" in body  # the characters, shown, as the file has them
    assert "\\x1b[31m" in body and "\\u202e" in body  # escapes shown for the control characters
    assert "<i>art. 2</i>" in body


def test_rules_without_pygments_are_shown_escaped(monkeypatch: pytest.MonkeyPatch,
                                                  hostile_rules: hemicycle.Rules) -> None:
    monkeypatch.setitem(sys.modules, "pygments", None)
    html = hostile_rules._repr_html_()
    body = assert_safe(html)
    assert "<pre>" in html and '<span style="color' not in html  # Pygments' inline styles
    assert "allocate dhondt" in body and "<script>" in body


# --- results, comparisons and the what-ifs -------------------------------------------------------


def test_every_representation_shows_hostile_names_as_text(hostile_election: Election,
                                                          hostile_rules: hemicycle.Rules) -> None:
    result = hostile_rules.allocate(hostile_election)
    comparison = hemicycle.compare([hostile_rules, hostile_rules], hostile_election)
    shown = [result._repr_html_(), comparison._repr_html_(),
             hemicycle.curve(hostile_rules, hostile_election, "<b>A</b>")._repr_html_(),
             hemicycle.margins(hostile_rules, hostile_election)._repr_html_(),
             hemicycle.simulate(hostile_rules, hostile_election, 200)._repr_html_()]
    for html in shown:
        body = assert_safe(html)
        assert "<b>A</b>" in body
    assert "C\\x1b[2J" in assert_safe(shown[0]) and "B&amp;" in assert_safe(shown[1])


def test_result_html_has_votes_seats_and_the_parliament() -> None:
    result = hemicycle.allocate(KZ, KZ)
    html = result._repr_html_()
    body = assert_safe(html)
    assert "<svg" in html and "Партия «Nur Otan»" in body and "5,148,074" in body and "71.09%" in body
    assert "Assembly of People of Kazakhstan (appointed)" in body and "107" in body


def test_verification_html_and_frame() -> None:
    found = hemicycle.verify_rules("kazakhstan-2021-dhondt", ["upper-quota", "anonymity"], parties=2, timeout=60)
    assert [r.property for r in found] == ["upper-quota", "anonymity"]
    body = assert_safe(found._repr_html_())
    assert "refuted" in body and "proved" in body and "election 1: votes" in body
    one = assert_safe(found[0]._repr_html_())
    assert found[0].clause and found[0].clause in one  # the clause the counterexample meets
    assert found[0].definition in one
    df = found.to_pandas()
    assert list(df["status"]) == [r.status.value for r in found] and not found.holds


# --- data frames ---------------------------------------------------------------------------------


def test_result_frame_is_the_allocation() -> None:
    result = hemicycle.allocate(KZ, KZ)
    df = result.to_pandas()
    assert list(df.columns) == list(frames.RESULT_COLUMNS)
    assert dict(zip(df["abbr"], df["seats"], strict=True)) == result.seats
    assert df["votes"].dtype == "Int64" and df.loc[df["abbr"] == "APK", "votes"].isna().all()
    assert list(df["abbr"].cat.categories) == [e.abbr for e in result.election.lists] + ["APK"]
    assert df["district"].isna().all() and int(df["seats"].sum()) == result.total


def test_comparison_frames_are_tidy() -> None:
    comparison = hemicycle.compare(SYSTEMS, KZ)
    seats = comparison.to_pandas()
    assert len(seats) == len(SYSTEMS) * 6
    wide = seats.pivot(index="abbr", columns="system", values="seats")
    assert list(wide.columns) == [s.label for s in comparison.systems]  # the order given
    for s in comparison.systems:
        assert wide[s.label].to_dict() == s.result.seats
    indices = comparison.to_pandas("indices")
    assert len(indices) == 5 * len(SYSTEMS) and set(indices["index"]) == set(comparison.systems[0].indices.to_json())
    assert comparison.to_pandas("properties").empty
    with pytest.raises(ValueError, match="'seats', 'indices' or 'properties'"):
        comparison.to_pandas("ranks")


def test_what_if_frames() -> None:
    curve = hemicycle.curve(KZ, KZ, "AkZhol")
    df = curve.to_pandas()
    assert list(df["seats"]) == [p.seats for p in curve.pieces] and df["from"].iloc[0] == Fraction(0)
    assert list(df["seats_at_end"].iloc[:-1]) == [curve.at[p.end] for p in curve.pieces[:-1]]
    margins = hemicycle.margins(KZ, KZ)
    mf = margins.to_pandas()
    assert list(mf["votes_to_gain_a_seat"]) == [m.gain for m in margins]
    assert mf["votes_to_lose_a_seat"].isna().sum() == sum(m.lose is None for m in margins)
    dist = hemicycle.simulate(KZ, KZ, 500, seed=3)
    sf = dist.to_pandas()
    assert (sf.groupby("abbr", observed=True)["simulations"].sum() == 500).all()
    assert sf.groupby("abbr", observed=True)["probability"].sum().round(9).eq(1).all()


def test_district_rows_come_from_the_result_json() -> None:
    """A result's JSON with a "districts" list (the interpreter's per-unit seats) gives one row per
    list and unit, besides the rows of the whole election, and a table in the HTML."""
    lists = [{"abbr": "A", "name": "Alpha", "votes": 700}, {"abbr": "B", "name": "", "votes": 300}]
    unit_tiers = [{"name": "t", "lists": [{"abbr": "A", "votes": 400}, {"abbr": "B", "votes": 100}]}]
    result = {
        "chamber": "c", "election": None, "seats": {"A": 4, "B": 1}, "total": 5, "appointed": {}, "tiers": [],
        "ties": [], "notes": [],
        "districts": [
            {"name": "North", "level": "province", "magnitude": 3, "seats": {"A": 2, "B": 1}, "tiers": unit_tiers},
            {"name": "<South>", "level": "province", "magnitude": 2, "seats": {"A": 2}, "tiers": []},
        ],
    }
    df = frames.result_frame(result, lists)
    units = df[df["district"].notna()]
    assert list(units["district"]) == ["North", "North", "<South>"]
    assert list(units["votes"].astype(object)) == [400, 100, pd.NA]
    assert int(units["seats"].sum()) == int(df.loc[df["district"].isna(), "seats"].sum())
    assert len(frames.result_frame(result, lists, districts=False)) == 2
    body = assert_safe(notebook.result_html(result, lists, 1000))
    assert "Seats in 2 units (province)" in body and "<South>" in body


def test_without_pandas_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    result = hemicycle.allocate(KZ, KZ)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'hemicycle\[pandas\]'"):
        result.to_pandas()
    assert "<table class=data>" in result._repr_html_()  # the HTML needs no pandas


# --- the API by name, NumPy integers -------------------------------------------------------------


def test_public_functions_take_names_paths_and_objects(tmp_path: Path) -> None:
    from hemicycle.compare import Comparison  # the module of that name is still reached

    assert callable(hemicycle.compare) and isinstance(hemicycle.compare(SYSTEMS[:1], KZ), Comparison)
    bundled = Path(hemicycle.api.resolve_election(KZ))
    copy = tmp_path / "votes.json"
    copy.write_text(bundled.read_text("utf-8"), "utf-8")
    by_name, by_path = hemicycle.load_votes(KZ), hemicycle.load_votes(copy)
    assert by_name.lists == by_path.lists and by_name.totals == by_path.totals
    rules = hemicycle.load(KZ)
    assert (hemicycle.allocate(KZ, KZ).seats == hemicycle.allocate(rules, by_path).seats
            == hemicycle.allocate(rules.model, str(copy)).seats)
    with pytest.raises(TypeError, match="totals are given with the Election"):
        hemicycle.allocate(rules, by_name, invalid=3)
    with pytest.raises(TypeError, match="rules must be"):
        hemicycle.allocate(42, by_name)  # type: ignore[arg-type]


VOTES = {"QHP": 659019, "NurOtan": 5148074, "Auyl": 383023, "AkZhol": 792828, "Adal": 258618}


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint64, np.uint32])
def test_numpy_integers_are_taken_exactly(dtype: type) -> None:
    rules = hemicycle.load(KZ)
    expected = rules.allocate(VOTES, invalid=297718).seats
    as_numpy = dict(zip(VOTES, np.array(list(VOTES.values()), dtype=dtype), strict=True))
    result = rules.allocate(as_numpy, invalid=dtype(297718))
    assert result.seats == expected
    assert all(type(e.votes) is int for e in result.election.lists) and type(result.election.totals["invalid"]) is int
    f = hemicycle.compile(rules)
    seats = f(np.array(list(VOTES.values()), dtype=dtype), invalid=dtype(297718))
    assert seats == tuple(expected[a] for a in VOTES) and all(type(s) is int for s in seats)
    series = pd.Series(VOTES).astype(dtype)  # from a data frame, as a political scientist has them
    assert hemicycle.allocate(rules, series.to_dict(), invalid=297718).seats == expected
    assert hemicycle.compare([rules], as_numpy, invalid=297718).systems[0].result.seats == expected
    assert hemicycle.margins(rules, as_numpy, invalid=297718) == hemicycle.margins(rules, VOTES, invalid=297718)


def test_numpy_integers_beyond_64_bit_products_stay_exact() -> None:
    """NumPy's int64 overflows silently in the products a quota takes; the compiled path once gave
    other seats for NumPy inputs than for the same Python ints."""
    rules = hemicycle.loads('chamber "c" seats 98\ntier "t" seats 98 { allocate largest_remainder quota hare '
                            "ties registration_order }\n")
    big = [2**62, 2**61, 3, 5, 7]
    exact = hemicycle.compile(rules)(big)
    assert hemicycle.compile(rules)(np.array(big, dtype=np.int64)) == exact
    assert rules.allocate(dict(zip("ABCDE", np.array(big, dtype=np.int64), strict=True))).seats == dict(
        zip("ABCDE", exact, strict=True))
    assert ListEntry(abbr="A", votes=np.int64(2**62)).votes * 4 == 2**64


@pytest.mark.parametrize("bad", [2.5, 2.0, True, np.float64(3), np.bool_(True), "3", Fraction(3)])
def test_figures_that_are_not_integers_are_refused_not_rounded(bad: object) -> None:
    rules = hemicycle.load(KZ)
    with pytest.raises(TypeError, match="must be a whole number"):
        rules.allocate({**VOTES, "Adal": bad})
    with pytest.raises(TypeError, match="must be a whole number"):
        rules.allocate(VOTES, invalid=bad)
    with pytest.raises(TypeError, match="must be a whole number"):
        hemicycle.compile(rules)([*list(VOTES.values())[:4], bad])


def test_json_of_the_api_objects_is_unchanged_by_the_wrappers() -> None:
    margins = hemicycle.margins(KZ, KZ)
    assert isinstance(margins, list) and json.dumps(margins.to_json())
    assert margins.rules.endswith("kazakhstan-2021.elect")
