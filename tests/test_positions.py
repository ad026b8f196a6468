"""Rule text (issue 12, item 12): numbers take the ASCII digits only, and characters that other
tools take for line breaks (form feed, U+2028 ...) inside strings and comments move no position,
in diagnostics, in the language server and in the formatter."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hemicycle.diagnostics import RuleError, source_lines
from hemicycle.editor.lsp import completions, diagnostic_range, diagnostics, hover_text, lsp_position
from hemicycle.fmt import format_rules
from hemicycle.grammar import parse_rules

GOOD = 'chamber "X" seats 10\ntier "t" seats 10 {\n  threshold 5% of valid_votes\n  allocate dhondt\n  ties none\n}\n'
# Everything str.splitlines breaks at, except "\n", "\r\n" and "\r" (which editors break at too).
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
FOREIGN_DIGITS = sorted({c for c in map(chr, range(0x110000))
                         if unicodedata.category(c) == "Nd" and c not in "0123456789"})


def error_of(text: str) -> tuple[int, int, str]:
    with pytest.raises(RuleError) as e:
        parse_rules(text, "f.elect")
    (d,) = e.value.diagnostics
    return d.span.line, d.span.col, e.value.render()


def test_bengali_four_is_an_error_with_a_caret() -> None:
    line, col, rendered = error_of(GOOD.replace("5%", "৪%"))
    assert (line, col) == (3, 13)
    assert rendered.splitlines()[1:3] == ["   3 |   threshold ৪% of valid_votes", "                   ^"]
    assert "'৪' is the digit 4 of another script (BENGALI DIGIT FOUR)" in rendered


@given(st.sampled_from(FOREIGN_DIGITS), st.sampled_from(["seats 1{}0", "threshold {}% of valid_votes",
                                                         "threshold 5/1{} of valid_votes", "divisors 1, {}"]))
def test_no_unicode_digit_is_a_number(digit: str, clause: str) -> None:
    text = GOOD.replace("threshold 5% of valid_votes", clause.format(digit))
    if clause.startswith("seats"):
        text = GOOD.replace('tier "t" seats 10', 'tier "t" ' + clause.format(digit))
    if clause.startswith("divisors"):
        text = GOOD.replace("allocate dhondt", "allocate " + clause.format(digit))
    with pytest.raises(RuleError) as e:
        parse_rules(text)
    assert digit in e.value.render()


@pytest.mark.parametrize("sep", NOT_LINE_BREAKS)
def test_separators_in_strings_and_comments_move_no_line(sep: str) -> None:
    text = (f'# a comment{sep}with a separator\nchamber "X{sep}Y" seats 10\n'
            'tier "t" seats 10 {\n  ties lot seed x\n}\n')
    line, col, rendered = error_of(text)
    assert (line, col) == (4, 17)
    assert "   4 |   ties lot seed x" in rendered and "unexpected 'x'" in rendered
    (d,) = diagnostics(text)
    assert diagnostic_range(text, d) == ((3, 16), (3, 17))
    fixed = text.replace("seed x", "seed 1").replace("ties lot", "allocate dhondt\n  ties lot")
    formatted = format_rules(fixed)
    assert sep in formatted and format_rules(formatted) == formatted
    assert hover_text(fixed, 3, 4) is not None and "allocate" in (hover_text(fixed, 3, 4) or "")


def test_line_breaks_are_the_editors() -> None:
    assert source_lines("a\r\nb\rc\nd\u2028e\x0cf\n") == ["a", "b", "c", "d\u2028e\x0cf"]
    # a lone CR is a line break for editors and LSP: the parser counts it as one too
    text = GOOD.replace("\n", "\r").replace("seats 10 {", "seats x {")
    line, col, rendered = error_of(text)
    assert (line, col) == (2, 16) and '   2 | tier "t" seats x {' in rendered
    (d,) = diagnostics(text)
    assert diagnostic_range(text, d)[0] == (1, 15)
    assert format_rules(GOOD.replace("\n", "\r")) == GOOD
    assert format_rules(GOOD.replace("\n", "\r\n")) == GOOD


def test_lsp_characters_are_utf16_units() -> None:
    # an astral character (two UTF-16 units) before the error on the same line
    text = 'chamber "𝕏 😀" seats x\n'
    line, col, _ = error_of(text)
    assert (line, col) == (1, 21)
    (d,) = diagnostics(text)
    assert diagnostic_range(text, d) == ((0, 22), (0, 23))
    assert lsp_position("\ufeffab", 1, 2) == (0, 2)  # the parser drops a byte-order mark
    # and the other way: completion at a UTF-16 position after an astral character
    text = 'chamber "😀" seats 10\ntier "😀" seats 10 {\n  allocate '
    found = {c.label for c in completions(text, 2, 11)}
    assert "dhondt" in found and "threshold" not in found
    text = 'chamber "😀" seats 10 tier "😀" seats 10 { allocate '
    assert {c.label for c in completions(text, 0, len(text) + 2)} == found
