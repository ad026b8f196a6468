"""Strings from files are shown as text (issue 12, items 9 and 10): no terminal escapes, no Rich
markup, no emoji codes on any command's output or errors; CSV cells a spreadsheet would run as a
formula are neutralised."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.diagnostics import Diagnostic, RuleError
from hemicycle.display import DataConsole, DataTable, csv_cell, csv_text, escape_controls, json_text, text
from hemicycle.grammar import parse_rules
from hemicycle.model import Span

runner = CliRunner()

# What a hostile file may hold: clear screen, window title (OSC), a hyperlink (OSC 8), an 8-bit CSI,
# a bell, a carriage return, a right-to-left override, Rich markup, a closing tag that opens
# nothing, and an emoji code.
HOSTILE_NAME = "\x1b[2J\x1b]0;pwned\x07\x9b31m\r\u202e21 [bold]B[/bold] [link=x]L[/link] :smile: [/x]"
HYPERLINK = "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"
HOSTILE_ABBR = "[/x]"
RAW = ("\x1b", "\x07", "\x9b", "\r", "\u202e")


def hostile_votes(tmp_path: Path, *, formula: bool = False) -> Path:
    parties = [
        {"abbr": "A", "name": HOSTILE_NAME, "votes": 600},
        {"abbr": HOSTILE_ABBR, "name": "=HYPERLINK(\"http://evil\",\"x\")" if formula else "B", "votes": 300},
        {"abbr": "@SUM(1)" if formula else "C", "name": "-2+3" if formula else HYPERLINK, "votes": 100},
    ]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps({"parties": parties, "totals": {"invalid": 0}}), "utf-8")
    return path


def hostile_rules(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.elect"
    path.write_text(
        'chamber "C \x1b]0;title\x07 :smile: [/x]" seats 10  [art. 1 [bold \x1b[31m :smile: [/x ]\n'
        'tier "T [/x] \u202e" seats 10 {\n'
        "  threshold 5% of valid_votes  [art. 2 [/x]\n"
        "  allocate dhondt  [art. 3 [link=http://x]\n"
        "  ties registration_order\n"
        "}\n", "utf-8")
    return path


def assert_shown_as_text(output: str) -> None:
    for raw in RAW:
        assert raw not in output, (raw, output)


# --- the helpers ---------------------------------------------------------------------------------


def test_escape_controls_shows_every_terminal_control() -> None:
    assert escape_controls("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape_controls("\x9b\x07\r\t\x00\x7f") == "\\x9b\\x07\\x0d\\x09\\x00\\x7f"
    assert escape_controls("\u202eabc\u2066\u2028\u2029") == "\\u202eabc\\u2066\\u2028\\u2029"
    assert escape_controls("two\nlines") == "two\nlines"
    assert escape_controls("two\nlines", newlines=False) == "two\\x0alines"
    # letters of every script, marks and joiners are text, not controls
    plain = "Партия «Nur Otan» ליכוד \u200f العربية 大 👩\u200d👩 e\u0301"
    assert escape_controls(plain) == plain
    assert escape_controls(escape_controls(HOSTILE_NAME)) == escape_controls(HOSTILE_NAME)


@given(st.text())
def test_escaped_text_has_no_control_left(s: str) -> None:
    shown = escape_controls(s, newlines=False)
    assert not any(c in shown for c in ("\x1b", "\x9b", "\x07", "\r", "\n", "\u202e", "\u2028"))


def test_data_table_is_text_on_any_console() -> None:
    table = DataTable(title=HOSTILE_ABBR + " :smile:")
    table.add_column("[bold]x[/bold]")
    table.add_row(HOSTILE_NAME)
    table.add_row(text("[/x]", "green"))
    console = Console(record=True, width=400, markup=True, emoji=True)  # a user's console, markup on
    console.print(table)
    shown = console.export_text()
    assert_shown_as_text(shown)
    for literal in ("[/x] :smile:", "[bold]x[/bold]", "[bold]B[/bold]", "[link=x]L[/link]",
                    ":smile: [/x]", "\\x1b[2J", "\\x1b]0;pwned\\x07", "\\x9b31m", "\\u202e21"):
        assert literal in shown


def test_data_console_never_reads_markup_or_emoji() -> None:
    console = DataConsole(record=True, width=400)
    console.print("[/x] [bold]b[/bold] :smile: \x1b[2J", markup=True, emoji=True)
    console.print(Console().render_str("raw \x1b]0;t\x07 text"))  # a Text built elsewhere
    shown = console.export_text()
    assert "[/x] [bold]b[/bold] :smile: \\x1b[2J" in shown
    assert "raw \\x1b]0;t text" in shown  # (Rich's Text drops the bell itself)
    assert_shown_as_text(shown)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=10))
def test_json_text_is_the_same_data_and_safe(data: object) -> None:
    dumped = json_text(data)
    assert json.loads(dumped) == data
    assert not any(c in dumped for c in ("\x1b", "\x9b", "\x85", "\u202e", "\u2028"))


def test_csv_cells_are_neutralised_as_owasp_recommends() -> None:
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=cmd|'/c calc'!A1"):
        assert csv_cell(dangerous) == "'" + dangerous
    for harmless in ("Nur Otan", "", "'quoted", "1-2", "a=b"):
        assert csv_cell(harmless) == harmless
    written = csv_text([["abbr", "votes"], ["=A", 5], ["a;=1+2", -3], [None, 0.25]])
    # text is always quoted, so a ';' locale cannot split a cell into a formula; numbers stay numbers
    assert written == '"abbr","votes"\n"\'=A",5\n"a;=1+2",-3\n"",0.25\n'
    assert list(csv.reader(io.StringIO(written))) == [["abbr", "votes"], ["'=A", "5"], ["a;=1+2", "-3"],
                                                     ["", "0.25"]]


@given(st.lists(st.lists(st.text() | st.integers(), min_size=1, max_size=4), max_size=5))
def test_no_csv_text_cell_starts_like_a_formula(rows: list[list[str | int]]) -> None:
    read = list(csv.reader(io.StringIO(csv_text(rows), newline="")))
    assert len(read) == len(rows)
    for given_row, row in zip(rows, read, strict=True):
        for given_cell, cell in zip(given_row, row, strict=True):
            if isinstance(given_cell, int):
                assert cell == str(given_cell)
            else:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                assert cell.removeprefix("'") == given_cell or cell == given_cell


def test_diagnostic_caret_stays_under_the_spot() -> None:
    # wide letters and an escape sequence before the error: the caret moves by their width
    source = 'chamber "大大 \x1b[2J" seats x\n'
    with pytest.raises(RuleError) as e:
        parse_rules(source, "f.elect")
    rendered = e.value.render()
    assert_shown_as_text(rendered)
    line, caret = rendered.splitlines()[1:3]
    assert line == '   1 | chamber "大大 \\x1b[2J" seats x'
    from rich.cells import cell_len

    assert caret.index("^") == cell_len(line[: line.index(" x") + 1])
    d = Diagnostic(Span("f", 1, 3, 1, 5), "m")
    assert d.render("\x1b\x1bab\n").splitlines()[1:] == ["   1 | \\x1b\\x1bab", " " * 15 + "^" * 2]


# --- every command -------------------------------------------------------------------------------


def test_allocate_shows_file_strings_as_text(tmp_path: Path) -> None:
    votes = hostile_votes(tmp_path)
    for extra in ([], ["--explain"]):
        r = runner.invoke(app, ["allocate", "kazakhstan-2021", str(votes), *extra])
        assert r.exit_code == 0, r.output
        assert_shown_as_text(r.output)
        assert "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\x0d\\u202e21 [bold]B[/bold] [link=x]L[/link] :smile: [/x]" \
            in r.stdout
        assert "\\x1b]8;;http://evil\\x1b\\link\\x1b]8;;\\x1b\\" in r.stdout
        assert "[/x]" in r.stdout


def test_rule_file_strings_and_citations_show_as_text(tmp_path: Path) -> None:
    rules, votes = hostile_rules(tmp_path), hostile_votes(tmp_path)
    r = runner.invoke(app, ["allocate", str(rules), str(votes), "--explain"])
    assert r.exit_code == 0, r.output
    assert_shown_as_text(r.output)
    assert "C \\x1b]0;title\\x07 :smile: [/x]" in r.stdout
    assert "[art. 2 [/x])" in r.stdout
    r = runner.invoke(app, ["check", str(rules)])
    assert r.exit_code == 0, r.output
    assert_shown_as_text(r.output)


def test_verify_table_shows_citations_in_brackets(tmp_path: Path) -> None:
    rules = hostile_rules(tmp_path)
    r = runner.invoke(app, ["verify", str(rules), "-p", "seat-total", "-n", "2", "--timeout", "30"])
    assert r.exit_code == 1, r.output  # refuted: a 5% threshold can leave every list out
    assert_shown_as_text(r.output)
    # the table wraps the long cell where the path's length says (a longer temporary folder under
    # pytest-xdist): read it without the borders and spaces the wrapping puts in
    compact = re.sub(r"[\s\u2502]", "", r.stdout)
    assert "[clause:threshold" in compact and "[art.2[/x]" in compact
    assert "T[/x]\\u202e" in compact


def test_compare_reproduce_and_errors_show_text(tmp_path: Path) -> None:
    votes = hostile_votes(tmp_path)
    r = runner.invoke(app, ["compare", "kazakhstan-2021", "kazakhstan-2021-dhondt", "--votes", str(votes),
                            "--no-properties", "--margins", "--curve", "A"])
    assert r.exit_code == 0, r.output
    assert_shown_as_text(r.output)
    assert "[/x]" in r.stdout
    r = runner.invoke(app, ["reproduce", f"kazakhstan-2021={votes}"])
    assert r.exit_code in (1, 2), r.output
    assert_shown_as_text(r.output)
    # errors on stderr quote file text as text too
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"parties": [{"abbr": ":smile: [/x] \x1b[2J", "votes": 1},
                                           {"abbr": ":smile: [/x] \x1b[2J", "votes": 2}]}), "utf-8")
    r = runner.invoke(app, ["allocate", "kazakhstan-2021", str(bad)])
    assert r.exit_code == 2, r.output
    assert ":smile: [/x] \\x1b[2J" in r.stderr
    assert_shown_as_text(r.output)
    broken = tmp_path / "broken.elect"
    broken.write_text('chamber "x :smile: [/x]" seats 10 [/x] :smile:\n', "utf-8")
    r = runner.invoke(app, ["check", str(broken)])
    assert r.exit_code == 2 and ":smile:" in r.stderr and "[/x]" in r.stderr


def test_csv_outputs_neutralise_formulas(tmp_path: Path) -> None:
    votes = hostile_votes(tmp_path, formula=True)
    r = runner.invoke(app, ["allocate", "kazakhstan-2021", str(votes), "-f", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert ["'@SUM(1)", "'-2+3", "100"] in [row[:3] for row in rows]
    assert any(row[1] == "'=HYPERLINK(\"http://evil\",\"x\")" for row in rows)
    r = runner.invoke(app, ["compare", "kazakhstan-2021", "--votes", str(votes), "--no-properties", "-f", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert ["'@SUM(1)", "'-2+3", "100"] in [row[2:5] for row in rows]  # tidy: system, rules, abbr, name, votes
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
