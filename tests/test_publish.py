"""Output people publish (issue 17): labels, colours, pictures, terminal widths, Markdown and
LaTeX, tidy CSV, progress, and the command line's help and messages."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.compare import compare, unique_labels
from hemicycle.display import Steps, name_with_abbr
from hemicycle.editor.lsp import completions, hover_text
from hemicycle.fmt import format_rules
from hemicycle.html import arch_for, comparison_html
from hemicycle.palette import (
    FALLBACK,
    PaletteError,
    arch_order,
    bundled_palette_names,
    bundled_styles,
    parse_color,
    resolve_colours,
)
from hemicycle.pictures import curve_svg, parliament_svg, ticks
from hemicycle.reports import comparison_table_data, needs_keys
from hemicycle.tables import Column, Table, latex_escape, md_escape, to_latex, to_markdown, to_rich
from hemicycle.votes import VoteFileError, load_votes, parse_votes
from hemicycle.whatif import seat_vote_curve

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
KZ21 = load_votes(ROOT / "elections" / "kazakhstan-2021.json")
SIX = ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-sainte-lague", "kazakhstan-2021-5pct",
       "kazakhstan-2021-no-threshold", "kazakhstan-2021-correction"]
HOSTILE = 'Ба|р <b>x</b> *y* _z_ [l](http://e) `c` \\ & # % $ ^ ~ {a} \x1b[31m'


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


# --- 1. labels ------------------------------------------------------------------------------------


def test_a_rule_file_names_its_system() -> None:
    rules = hemicycle.loads('chamber "C" seats 10\nlabel "D\'Hondt, 7%"\ntier "t" seats 10 { allocate dhondt }')
    assert rules.model.label == "D'Hondt, 7%" and rules.label == "D'Hondt, 7%"
    assert hemicycle.loads('chamber "C" seats 10 tier "t" seats 10 { allocate dhondt }', "x/plain.elect").label \
        == "plain"
    text = format_rules('chamber "C" seats 10 [a]   label   "L"\ntier "t" seats 10 { allocate dhondt }')
    assert text.splitlines()[:2] == ['chamber "C" seats 10  [a]', 'label "L"']
    assert format_rules(text) == text


def test_every_bundled_law_and_what_if_has_a_label() -> None:
    labels = {name: hemicycle.load(name).label for name in SIX}
    assert labels["kazakhstan-2021"] == "2021 law: Hare, 7%" and labels["kazakhstan-2021-dhondt"] == "D'Hondt, 7%"
    assert len(set(labels.values())) == len(SIX)


def test_editors_know_the_label_clause() -> None:
    text = 'chamber "C" seats 10\nla'
    assert "label" in [c.label for c in completions(text, 1, 2)]
    hover = hover_text('chamber "C" seats 10\nlabel "x"\ntier "t" seats 10 { allocate dhondt }', 1, 2)
    assert hover is not None and "--label" in hover
    grammar = json.loads((ROOT / "editors/vscode/syntaxes/elect.tmLanguage.json").read_text("utf-8"))
    assert "|label|" in json.dumps(grammar) or "label|" in json.dumps(grammar)


FAMILY_TEXT = """param threshold in 5%, 7% default 7%
param method in dhondt, sainte_lague default dhondt
chamber "C" seats 10
label "Highest averages, $threshold"
tier "t" seats 10 { threshold $threshold of valid_votes allocate $method }
"""


def test_a_family_labels_each_member_by_its_values() -> None:
    from hemicycle.diagnostics import RuleError
    from hemicycle.family import Family

    family = Family.parse(FAMILY_TEXT, "x/fam.elect")
    assert hemicycle.Rules(family.bind({})).label == "Highest averages, 7% (method=dhondt)"
    member = hemicycle.Rules(family.bind({"threshold": "5%", "method": "sainte_lague"}))
    assert member.label == "Highest averages, 5% (method=sainte_lague)"
    plain = Family.parse(FAMILY_TEXT.replace('label "Highest averages, $threshold"\n', ""), "x/fam.elect")
    assert hemicycle.Rules(plain.bind({})).label == "fam (threshold=7%, method=dhondt)"
    with pytest.raises(RuleError) as exc:
        Family.parse(FAMILY_TEXT.replace("$threshold\"", "$treshold\""), "x.elect").bind({})
    assert "no parameter 'treshold'" in exc.value.render() and "did you mean '$threshold'?" in exc.value.render()
    with pytest.raises(RuleError):  # a label's $NAME in a file without parameters
        hemicycle.loads('chamber "C" seats 10\nlabel "$x"\ntier "t" seats 10 { allocate dhondt }')
    assert format_rules(FAMILY_TEXT).splitlines()[3] == 'label "Highest averages, $threshold"'
    used = family.check()  # a parameter named only in the label is used
    assert not [f for f in used.found if "never used" in f.diagnostic.message]
    labels = [s.label for s in compare([hemicycle.Rules(family.bind({"threshold": t})) for t in ("5%", "7%")],
                                       KZ21).systems]
    assert labels == ["Highest averages, 5% (method=dhondt)", "Highest averages, 7% (method=dhondt)"]


def test_compare_labels_are_the_rule_files_or_given_and_never_repeated() -> None:
    rules = [hemicycle.load(n) for n in SIX[:2]]
    assert [s.label for s in compare(rules, KZ21).systems] == ["2021 law: Hare, 7%", "D'Hondt, 7%"]
    assert [s.label for s in compare(rules, KZ21, labels=["Law", None]).systems] == ["Law", "D'Hondt, 7%"]
    assert [s.label for s in compare(rules, KZ21, labels=["X", "X"]).systems] == [
        "X (kazakhstan-2021)", "X (kazakhstan-2021-dhondt)"]
    assert unique_labels(["A", "A"], ["d/k.elect", "e/k.elect"]) == ["A (k) #1", "A (k) #2"]
    with pytest.raises(ValueError, match="labels for"):
        compare(rules, KZ21, labels=["one"])
    r = run("compare", *SIX[:2], "--votes", "kazakhstan-2021", "--no-properties", "-f", "json", "--label", "Law")
    assert r.exit_code == 0, r.output
    assert [s["label"] for s in json.loads(r.stdout)["systems"]] == ["Law", "D'Hondt, 7%"]
    r = run("compare", SIX[0], "--votes", "kazakhstan-2021", "--no-properties", "-l", "a", "-l", "b")
    assert r.exit_code == 2 and "--label for 1 systems" in r.stderr


def test_names_and_abbreviations_are_never_repeated() -> None:
    assert name_with_abbr("Народно-демократическая партия «Ауыл» (Auyl)", "Auyl").endswith("«Ауыл» (Auyl)")
    assert name_with_abbr("Партия «Nur Otan»", "NurOtan") == "Партия «Nur Otan»"
    assert name_with_abbr("Народная партия Казахстана", "QHP") == "Народная партия Казахстана (QHP)"
    assert name_with_abbr("", "APK") == "APK" and name_with_abbr("Likud", "Likud") == "Likud"
    page = comparison_html(compare([hemicycle.load(n) for n in SIX[:2]], KZ21))
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "(Auyl) (Auyl)" not in text and "(Adal) (Adal)" not in text and "(NurOtan)" not in text


# --- 1. colours and positions ---------------------------------------------------------------------


def test_vote_files_carry_colours_and_positions() -> None:
    e = parse_votes('{"parties": [{"abbr": "A", "votes": 9, "color": "#F00", "position": 2.5},'
                    ' {"abbr": "B", "votes": 5}], "totals": {"invalid": 0}}', "v.json")
    assert (e.lists[0].color, str(e.lists[0].position), e.lists[1].color) == ("#ff0000", "5/2", None)
    e = parse_votes("abbr,votes,color,position\nA,9,#0072b2,-1\nB,5,,\n", "v.csv")
    assert e.lists[0].color == "#0072b2" and e.lists[0].position == -1 and e.lists[1].position is None
    for bad, field in (('"color": "red"', "color"), ('"color": "#12345g"', "color"),
                       ('"color": "#fff\\" onload=\\"x"', "color"), ('"position": "left"', "position"),
                       ('"position": true', "position")):
        with pytest.raises(VoteFileError) as exc:
            parse_votes('{"parties": [{"abbr": "A", "votes": 1, ' + bad + '}]}', "v.json")
        assert f"field {field}" in str(exc.value) and "row 1" in str(exc.value)
    assert parse_color("#ABC") == "#aabbcc"
    with pytest.raises(PaletteError):
        parse_color("url(#x)")


def test_bundled_palette_gives_real_colours_with_sources() -> None:
    assert {e.abbr: e.color for e in KZ21.lists}["AkZhol"] == "#0098db"
    assert {e.abbr: e.position for e in KZ21.lists}["QHP"] == 3
    for name in bundled_palette_names():
        assert (ROOT / "elections" / f"{name}.json").exists(), name
        for abbr, style in bundled_styles(name).items():
            assert (style.color is None) == (not style.color_source), (name, abbr)
            assert (style.position is None) == (not style.position_source), (name, abbr)
    doc = (ROOT / "docs" / "elections-data.md").read_text("utf-8")
    assert "palettes.toml" in doc and "#0098db" in doc


def test_the_vote_files_colour_wins_over_the_palette(tmp_path: Path) -> None:
    data = json.loads((ROOT / "elections" / "kazakhstan-2021.json").read_text("utf-8"))
    data["parties"][3]["color"] = "#123456"
    path = tmp_path / "kazakhstan-2021.json"  # the bundled election's name: its palette applies
    path.write_text(json.dumps(data), "utf-8")
    colours = {e.abbr: e.color for e in load_votes(path).lists}
    assert colours["AkZhol"] == "#123456" and colours["NurOtan"] == "#d4a017"


def test_fallback_colours_are_colour_blind_safe_and_stable() -> None:
    got = resolve_colours([(f"L{i}", None) for i in range(8)])
    assert list(got.values()) == list(FALLBACK[:8])
    mixed = resolve_colours([("A", None), ("B", "#0098db"), ("C", None)])
    assert mixed["B"] == "#0098db" and mixed["A"] != "#0072b2"  # too close to B's blue
    rules = [hemicycle.load(n) for n in SIX[:3]]
    data = compare(rules, KZ21).to_json()
    arches = [arch_for(s, data["lists"]) for s in data["systems"]]
    fills = [dict(re.findall(r'<g fill="(#[0-9a-f]{6})"><title>([^:<]+):', svg)) for svg in arches]
    by_name = [{name: colour for colour, name in f.items()} for f in fills]
    assert by_name[0] == by_name[1] == by_name[2]  # one colour per list in every picture


def test_arches_are_ordered_by_position_or_size() -> None:
    parts = [("Big", 60, None), ("Left", 10, 1), ("Right", 20, 9), ("Mid", 5, 5)]
    assert arch_order(parts, "position") == ["Left", "Mid", "Right", "Big"]
    assert arch_order(parts, "size") == ["Big", "Right", "Left", "Mid"]
    assert arch_order(parts, "file") == ["Big", "Left", "Right", "Mid"]
    with pytest.raises(PaletteError):
        arch_order(parts, "alphabet")
    data = compare([hemicycle.load("kazakhstan-2021")], KZ21).to_json()
    svg = arch_for(data["systems"][0], data["lists"])
    legend = re.findall(r'<text x="26" y="[0-9]+"><title>([^<]+)</title>', svg)
    assert [name[:8] for name in legend] == ["Народная", "Партия «", "Демократ", "Assembly"]  # QHP, NurOtan, AkZhol
    assert "No seats:" in svg and "«Ауыл»" in svg  # full names, and the lists without seats named


# --- 2. the terminal ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_compare_fits_the_terminal(width: int) -> None:
    c = compare([hemicycle.load(n) for n in SIX], KZ21)
    keys = needs_keys(c, width)
    console = Console(width=width, file=io.StringIO(), force_terminal=False, color_system=None)
    for table in comparison_table_data(c, keys=keys):
        console.print(to_rich(table))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text  # nothing cut off
    if keys:
        assert "Systems" in text and "Sainte-Laguë, 7%" in text
    else:
        assert "D'Hondt, 7%" in text
    assert not needs_keys(compare([hemicycle.load(n) for n in SIX[:2]], KZ21), 120)


def test_allocate_and_compare_print_totals_and_notes_alike(tmp_path: Path) -> None:
    votes = tmp_path / "v.csv"
    votes.write_text("abbr,votes\nA,5\nB,5\nC,1\n")
    rules = tmp_path / "r.elect"
    rules.write_text('chamber "C" seats 1\ntier "t" seats 1 { allocate dhondt ties lot seed 1 }\n')
    a = run("allocate", str(rules), str(votes), "--invalid", "0")
    c = run("compare", str(rules), "--votes", str(votes), "--no-properties", "--total", "invalid=0")
    assert a.exit_code == c.exit_code == 0, a.output + c.output
    assert "Total" in a.stdout and "Total" in c.stdout
    assert "Tie: " in a.stdout and "Tie (r): " in c.stdout
    a = run("allocate", str(rules), str(votes), "--invalid", "0", "-f", "csv")
    c = run("compare", str(rules), "--votes", str(votes), "--no-properties", "--total", "invalid=0", "-f", "csv")
    assert a.stderr.startswith("tie: ") and c.stderr.startswith("tie (r): ")


def test_progress_is_silent_off_a_terminal_and_told_every_step() -> None:
    from hemicycle import reproduce as rp
    from hemicycle import verify as v

    quiet = Steps(Console(file=io.StringIO(), force_terminal=False), enabled=True)
    with quiet:
        assert quiet.callback("x") is None
    shown = Console(file=io.StringIO(), force_terminal=True, width=80)
    with Steps(shown, enabled=True) as steps:
        report = steps.callback("verify kazakhstan-2021")
        report(1, 3, "monotonicity")
    assert "verify kazakhstan-2021: monotonicity" in shown.file.getvalue()  # type: ignore[attr-defined]
    calls: list[tuple[int, int, str]] = []
    v.verify(hemicycle.load("kazakhstan-2021").model, ["seat-total", "anonymity"], parties=2, timeout=20,
             progress=lambda *a: calls.append(a))
    assert calls == [(0, 2, "seat-total"), (1, 2, "anonymity"), (2, 2, "")]
    calls.clear()
    rp.reproduce(["kazakhstan-2021", "kazakhstan-2016"], progress=lambda *a: calls.append(a))
    assert calls == [(0, 2, "kazakhstan-2021"), (1, 2, "kazakhstan-2016"), (2, 2, "")]
    calls.clear()
    a, b = (hemicycle.load(n).model for n in SIX[:2])
    v.distinguish(a, b, parties=2, timeout=30, progress=lambda *x: calls.append(x))
    assert calls[0][:2] == (0, 2) and calls[-1] == (2, 2, "")
    r = run("reproduce", "kazakhstan-2021", "--quiet")
    assert r.exit_code == 0 and r.stderr == ""


# --- 3. pictures ----------------------------------------------------------------------------------


def test_seat_vote_curves_have_round_ticks_thresholds_and_proportionality() -> None:
    assert ticks(98, whole=True) == [0, 20, 40, 60, 80, 100] and ticks(19, whole=True) == [0, 5, 10, 15, 20]
    curve = seat_vote_curve(hemicycle.load("kazakhstan-2021"), KZ21, "AkZhol")
    assert curve.house == 98 and [label for _, label in curve.thresholds] == ["7% of ballots cast"]
    assert curve.to_json()["thresholds"][0]["label"] == "7% of ballots cast"
    page = comparison_html(compare([hemicycle.load("kazakhstan-2021")], KZ21), curves=[curve])
    svg = page[page.index("<svg", page.index("Seat-vote curves")):]
    svg = svg[: svg.index("</svg>") + 6]
    ET.fromstring(svg)
    labels = re.findall(r'text-anchor="end">([0-9]+)</text>', svg)
    assert labels == ["0", "20", "40", "60", "80", "100"]
    assert "7% of ballots cast" in svg and "proportional: share × 98 seats" in svg and "actual 10.95%" in svg
    assert "Ak Zhol" in svg or "AkZhol" in svg
    bare = curve_svg({"x": [(0.0, 7.0, 0), (7.0, 100.0, 8)]})
    assert "proportional" not in bare


def test_html_report_is_responsive(tmp_path: Path) -> None:
    page = comparison_html(compare([hemicycle.load(n) for n in SIX], KZ21))
    assert '<meta name=viewport content="width=device-width, initial-scale=1">' in page
    assert "@media (max-width: 600px)" in page and "overflow-x: auto" in page and "max-width: 100%" in page
    assert page.count("<div class=scroll><table>") == 2


def test_pictures_as_svg_and_png(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    r = run("compare", *SIX[:2], "--votes", "kazakhstan-2021", "--no-properties", "--curve", "AkZhol",
            "--pictures", str(folder), "-f", "json")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["curve-AkZhol.svg", "parliament-1.svg", "parliament-2.svg", "parliaments.svg"]
    for p in folder.iterdir():
        ET.fromstring(p.read_text("utf-8"))
    assert run("compare", SIX[0], "--votes", "kazakhstan-2021", "--no-properties", "--png").exit_code == 2
    try:
        import cairosvg  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401
    except (ImportError, OSError):
        pytest.skip("no PNG converter here (the [plot] extra, or the Cairo library, is missing)")
    r = run("compare", SIX[0], "--votes", "kazakhstan-2021", "--no-properties", "--pictures", str(folder), "--png",
            "-f", "json")
    assert r.exit_code == 0, r.output
    png = (folder / "parliament-1.png").read_bytes()
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 840  # twice the SVG's width


def test_a_long_house_and_many_lists_still_draw() -> None:
    svg = parliament_svg([("A" * 200, 10, "#000000")], unseated=[f"L{i}" for i in range(30)])
    ET.fromstring(svg)
    assert "and 18 more" in svg and "A" * 200 in svg  # the full name in the tooltip, a cut one shown


# --- 4. Markdown, LaTeX, tidy CSV -----------------------------------------------------------------


def test_markdown_tables_read_back_as_the_same_text() -> None:
    from markdown_it import MarkdownIt

    table = Table(HOSTILE, [Column("List"), Column("Votes", "right")], notes=[HOSTILE])
    table.add(HOSTILE, "1,234")
    table.total("Total", "1,234")
    text = to_markdown(table)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    cells = [htmllib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rendered)]
    shown = HOSTILE.replace("\x1b", "\\x1b")
    assert cells[0] == shown and cells[1] == "1,234"
    assert "<b>" not in rendered and "<a " not in rendered and "<em>" not in rendered and "<code>" not in rendered
    assert rendered.count("<tr>") == 3  # header, the row, the total: the | in the name split nothing
    assert md_escape("a|b") == "a\\|b"


def test_latex_tables_read_back_as_the_same_text() -> None:
    from pylatexenc import latex2text

    db = latex2text.get_default_latex_context_db()
    db.add_context_category("hemicycle", prepend=True, macros=[
        latex2text.MacroTextSpec(name, text) for name, text in (
            ("textless", "<"), ("textgreater", ">"), ("textbar", "|"), ("textasciicircum", "^"),
            ("textasciitilde", "~"), ("textbackslash", "\\"))])
    to_text = latex2text.LatexNodes2Text(latex_context=db)
    shown = HOSTILE.replace("\x1b", "\\x1b")
    assert to_text.latex_to_text(latex_escape(HOSTILE)) == shown
    table = Table("T", [Column("List"), Column("Seats", "right")])
    table.add(HOSTILE, "3")
    text = to_latex(table)
    assert r"\begin{tabular}{lr}" in text and text.count(r" \\") == 2 and "\x1b" not in text
    body = text.split(r"\midrule")[1]
    assert body.count("&") - body.count(r"\&") == 1  # one column separator: the & of the name is escaped


def test_allocate_and_compare_write_markdown_and_latex() -> None:
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "-f", "markdown")
    assert r.exit_code == 0 and "| Партия «Nur Otan» | NurOtan | 5,148,074 | 71.09% | yes | 76 |" in r.stdout
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021", "-f", "latex")
    assert r.exit_code == 0 and r"71.09\%" in r.stdout and "XeLaTeX" in r.stdout
    r = run("compare", *SIX[:2], "--votes", "kazakhstan-2021", "--no-properties", "-f", "markdown")
    assert r.exit_code == 0 and "| List | Votes | Share | 2021 law: Hare, 7% | D'Hondt, 7% |" in r.stdout
    r = run("compare", *SIX[:2], "--votes", "kazakhstan-2021", "--no-properties", "-f", "latex")
    assert r.exit_code == 0 and r.stdout.count(r"\begin{table}") == 2


def test_compare_csv_is_tidy_and_indices_have_their_own_file(tmp_path: Path) -> None:
    indices = tmp_path / "indices.csv"
    r = run("compare", *SIX[:3], "--votes", "kazakhstan-2021", "--no-properties", "-f", "csv",
            "--indices-csv", str(indices))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["system", "rules", "abbr", "name", "votes", "seats"]
    assert len(rows) == 3 * (5 + 1)  # every system x (five lists and the appointed group)
    assert {(row["system"], row["abbr"]): row["seats"] for row in rows}[("D'Hondt, 7%", "NurOtan")] == "77"
    index_rows = list(csv.DictReader(io.StringIO(indices.read_text("utf-8"))))
    assert list(index_rows[0]) == ["system", "rules", "index", "value"] and len(index_rows) == 3 * 5


# --- 7. the command line's help and messages ------------------------------------------------------


def _commands() -> list[tuple[str, object]]:
    group = typer.main.get_command(app)
    return [(name, group.commands[name]) for name in sorted(group.commands)]  # type: ignore[attr-defined]


def test_help_has_no_python_type_names_and_describes_every_option() -> None:
    for name, command in [("", None), *_commands()]:
        r = runner.invoke(app, [*([name] if name else []), "--help"], env={"COLUMNS": "200"})
        assert r.exit_code == 0, name
        for word in ("<str>", "<int", "<float", "<bool>", "<path>", "list[", "<text>", "INTEGER", "TEXT"):
            assert word not in r.stdout, (name, word)
        if command is not None:
            for param in command.params:  # type: ignore[attr-defined]
                assert param.help, (name, param.name)


def test_options_of_the_same_name_have_the_same_words_and_default() -> None:
    seen: dict[str, tuple[object, object]] = {}
    for name, command in _commands():
        for param in command.params:  # type: ignore[attr-defined]
            if param.name in ("total", "contest", "quiet"):
                got = (param.help, param.default)
                assert seen.setdefault(param.name, got) == got, (name, param.name)
    assert set(seen) == {"total", "contest", "quiet"}


def test_check_reports_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.elect"
    bad.write_text('chamber "C" seats 11 tier "t" seats 10 { allocate dhondt ties none }')
    broken = tmp_path / "broken.elect"
    broken.write_text('chamber "C" seats 10 tier "t" seats 10 { allocate dhont }')
    r = run("check", str(broken), "kazakhstan-2021", str(bad), "kazakstan-2021", "israel-2015")
    assert r.exit_code == 2
    assert "dhont" in r.stderr and "do not add up" in r.stderr and "did you mean kazakhstan-2021?" in r.stderr
    assert "kazakhstan-2021.elect: ok" in r.stdout and "israel-2015.elect: ok" in r.stdout
    assert run("check", str(bad), "kazakhstan-2021").exit_code == 1


def test_misspelled_names_and_swapped_arguments_are_recognised() -> None:
    r = run("allocate", "kazakstan-2021", "kazakhstan-2021")
    assert r.exit_code == 2 and "did you mean kazakhstan-2021?" in r.stderr
    r = run("allocate", "kazakhstan-2021", "kazahstan-2021")
    assert r.exit_code == 2 and "bundled election; did you mean kazakhstan-2021?" in r.stderr
    r = run("allocate", "rules/kazakhstan-2012.elect", "kazakhstan-2021")
    assert r.exit_code == 2 and "no such file; did you mean kazakhstan-2021?" not in r.stderr
    r = run("allocate", "elections/kazakhstan-2021.json", "rules/kazakhstan-2021.elect")
    assert r.exit_code == 2 and "wrong way round" in r.stderr
    assert "hemicycle allocate rules/kazakhstan-2021.elect elections/kazakhstan-2021.json" in r.stderr
    r = run("allocate", "kazakhstan-2021", "kazakhstan-2021-dhondt")
    assert r.exit_code == 2 and "kazakhstan-2021-dhondt is a rule file, given where the votes go" in r.stderr
    r = run("export", "ukraine-2019", "kazakhstan-2021", "--to", "eml")
    assert r.exit_code == 2 and "ukraine-2019 is a vote file" in r.stderr


def test_a_rule_file_that_reads_like_votes_says_so(tmp_path: Path) -> None:
    votes = tmp_path / "votes"  # no extension: only its text tells
    votes.write_text((ROOT / "elections" / "kazakhstan-2021.json").read_text("utf-8"))
    r = run("allocate", str(votes), "kazakhstan-2021")
    assert r.exit_code == 2 and "reads like a vote file" in r.stderr
    csv_votes = tmp_path / "votes2"
    csv_votes.write_text("abbr,votes\nA,1\n")
    assert "reads like a vote file" in run("allocate", str(csv_votes), "kazakhstan-2021").stderr


def test_an_unknown_curve_names_the_lists() -> None:
    r = run("compare", "kazakhstan-2021", "--votes", "kazakhstan-2021", "--no-properties", "--curve", "Akzhol")
    assert r.exit_code == 2
    assert "did you mean AkZhol?" in r.stderr and "QHP, NurOtan, Auyl, AkZhol, Adal" in r.stderr
