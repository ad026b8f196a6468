"""The language server's edits and lenses as pure functions: formatting edits that give exactly
``hemicycle fmt``'s text whatever the line breaks, quick fixes only where asked, lenses only for
rule files that reproduce bundled elections, and their text shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemicycle.editor import edits, lenses
from hemicycle.editor.lsp import diagnostic_range, diagnostics
from hemicycle.fmt import format_rules

BUNDLED = sorted((Path(__file__).resolve().parent.parent / "src" / "hemicycle" / "rules").glob("*.elect"))


def messy(text: str) -> str:
    """The same rules laid out badly: no indentation, trailing spaces, blank lines at the end."""
    lines = [line.strip() + ("   " if i % 3 == 0 else "") for i, line in enumerate(text.splitlines())]
    return "\n".join(lines) + "\n\n\n"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_formatting_edits_give_the_formatters_text(path: Path) -> None:
    canonical = path.read_text("utf-8")
    assert edits.formatting_edits(canonical) == []
    bad = messy(canonical)
    assert edits.apply(bad, edits.formatting_edits(bad)) == format_rules(bad) == canonical
    crlf = bad.replace("\n", "\r\n")
    assert edits.apply(crlf, edits.formatting_edits(crlf)) == canonical.replace("\n", "\r\n")
    no_last_break = bad.rstrip("\n")
    assert edits.apply(no_last_break, edits.formatting_edits(no_last_break)) == canonical


def test_formatting_edits_count_utf16_units_and_keep_unchanged_lines() -> None:
    text = 'chamber "Ῥ🗳" seats 5\ntier "t🗳"   seats 5 {\nallocate dhondt  # 🗳🗳\n  ties registration_order\n}'
    found = edits.formatting_edits(text)
    assert edits.apply(text, found) == format_rules(text)
    assert all(e.start[1] == 0 for e in found)
    covered = set().union(*(range(e.start[0], e.end[0] + (e.end[1] > 0)) for e in found))
    assert covered == {1, 2, 4}  # lines 0 and 3 are already canonical: not touched
    last = found[-1]
    assert last.end == (4, 1)  # the end of a last line without a line break


def test_what_does_not_parse_is_not_formatted() -> None:
    with pytest.raises(edits.NotFormatted, match=r"line 1: unexpected 'chambr'"):
        edits.formatting_edits('chambr "c" seats 5\n')


def test_quick_fixes_only_where_asked() -> None:
    text = 'chamber "c" seats 5\ntier "t" seats 5 { allocate dhont ties registration_order }\n'
    found = diagnostics(text)

    def fixes(wanted: tuple[tuple[int, int], tuple[int, int]]) -> list[edits.QuickFix]:
        return edits.quick_fixes(text, found, wanted, lambda d: diagnostic_range(text, d), diagnostics)

    [fix] = fixes(((1, 30), (1, 30)))
    assert fix.title == "Replace 'dhont' with 'dhondt'" and fix.preferred
    assert edits.apply(text, [fix.edit]) == text.replace("dhont", "dhondt")
    assert fixes(((0, 0), (0, 5))) == []  # another line
    checker_only = 'chamber "c" seats 5\ntier "t" seats 5 { allocate dhondt }\n'  # a warning, no fix
    assert edits.quick_fixes(checker_only, diagnostics(checker_only), ((0, 0), (9, 0)),
                             lambda d: diagnostic_range(checker_only, d), diagnostics) == []


def test_lenses_only_for_rule_files_that_reproduce_bundled_elections() -> None:
    text = (BUNDLED[0].parent / "kazakhstan-2021.elect").read_text("utf-8")
    assert lenses.lenses(text, "/anywhere/mine.elect") == ()
    found = lenses.lenses(text, "/anywhere/kazakhstan-2021.elect")
    assert [lens.election for lens in found] == ["kazakhstan-2012", "kazakhstan-2016", "kazakhstan-2021"]
    assert all("(the official seats)" in lens.title for lens in found)
    broken = lenses.lenses(text.replace("quota hare", "quota hair"), "kazakhstan-2021.elect")
    assert all("do not parse" in lens.title for lens in broken) and broken[0].line == 28
    assert "no bundled election named 'x'" in lenses.protocol(text, "kazakhstan-2021.elect", "x")
    assert "unexpected 'hair'" in lenses.protocol(text.replace("quota hare", "quota hair"),
                                                   "kazakhstan-2021.elect", "kazakhstan-2021")


def test_lens_titles_are_text() -> None:
    """Titles may quote an error message, and so file text: shown as text, on one line, bounded."""
    title = lenses._title("kazakhstan-2021: not allocated: list 'A\x1b[2J\u202e'\n" + "x" * 300)
    assert "\x1b" not in title and "\u202e" not in title and "\n" not in title
    assert "\\x1b[2J" in title and len(title) == lenses.MAX_TITLE and title.endswith("…")
