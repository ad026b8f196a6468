"""Edits the language server offers: the formatter's layout (``textDocument/formatting``) and the
quick fixes of did-you-mean hints (``textDocument/codeAction``). Pure functions of the text; the
server (``hemicycle.editor.lsp``) only carries them.

Positions are the protocol's (0-based lines, UTF-16 characters). The formatting edits replace
whole lines (the lines that differ from ``hemicycle fmt``'s output, found by a line diff), so
that an editor keeps its cursor, folds and markers on the lines that did not change. A document
whose lines all end in ``\\r\\n`` keeps them; otherwise lines end in ``\\n`` as ``hemicycle fmt``
writes them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from hemicycle.diagnostics import Diagnostic, RuleError
from hemicycle.display import escape_controls
from hemicycle.fmt import FormatError, format_rules

Position = tuple[int, int]  # (line, UTF-16 character), 0-based
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class TextEdit:
    start: Position
    end: Position
    new_text: str


@dataclass(frozen=True)
class QuickFix:
    title: str
    edit: TextEdit
    diagnostic: Diagnostic
    preferred: bool  # the document parses once the fix is made


class NotFormatted(Exception):
    """The document cannot be formatted: the message says why (the first syntax error)."""


def lines_of(text: str) -> list[str]:
    """The lines of ``text``, each with its line break (the last one may have none)."""
    return _LINE.findall(text)


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _end_of(lines: list[str]) -> Position:
    """The position after the last character of the text made of ``lines``."""
    if not lines:
        return (0, 0)
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return (len(lines), 0)
    return (len(lines) - 1, _utf16(last))


def formatting_edits(text: str, file: str = "<editor>") -> list[TextEdit]:
    """The edits that turn ``text`` into ``hemicycle fmt``'s canonical form (none when it is in
    it). ``NotFormatted`` when the text does not parse, or the formatter refuses (a bug)."""
    try:
        formatted = format_rules(text, file)
    except RuleError as e:
        first = e.diagnostics[0] if e.diagnostics else None
        where = f"line {first.span.line}: {first.message}" if first is not None else str(e)
        raise NotFormatted(f"not formatted: the rules do not parse ({where})") from None
    except FormatError as e:
        raise NotFormatted(str(e)) from None
    old = lines_of(text)
    if old and all(line.endswith("\r\n") for line in old):
        formatted = formatted.replace("\n", "\r\n")
    new = lines_of(formatted)
    if new == old:
        return []
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":  # whole lines; the formatted text ends every line, the last included
            start = (i1, 0) if i1 < len(old) else _end_of(old)
            end = (i2, 0) if i2 < len(old) else _end_of(old)
            edits.append(TextEdit(start, end, "".join(new[j1:j2])))
    return edits


def offset_of(text: str) -> Callable[[Position], int]:
    """The index into ``text`` of a protocol position (clamped to its line and to the text)."""
    lines = lines_of(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos: Position) -> int:
        line, units = pos
        if line >= len(lines):
            return len(text)
        content, count = lines[line].rstrip("\r\n"), 0
        for i, c in enumerate(content):
            if count >= units:
                return starts[line] + i
            count += 2 if ord(c) > 0xFFFF else 1
        return starts[line] + len(content)

    return offset


def apply(text: str, edits: list[TextEdit]) -> str:
    """``text`` with ``edits`` made (non-overlapping, any order): what an editor does with them."""
    offset = offset_of(text)
    out = text
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        out = out[:offset(e.start)] + e.new_text + out[offset(e.end):]
    return out


# --- quick fixes -------------------------------------------------------------------------------


def _intersects(a: tuple[Position, Position], b: tuple[Position, Position]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def quick_fixes(text: str, found: list[Diagnostic], wanted: tuple[Position, Position],
                range_of: Callable[[Diagnostic], tuple[Position, Position]],
                check: Callable[[str], list[Diagnostic]]) -> list[QuickFix]:
    """A fix for each diagnostic in ``found`` that has a ``replacement`` (a did-you-mean) and
    whose range (``range_of``) meets ``wanted``; preferred when the document has no error left
    once it is made (``check`` gives the diagnostics of a text)."""
    fixes = []
    for d in found:
        if d.replacement is None:
            continue
        where = range_of(d)
        if not _intersects(where, wanted):
            continue
        edit = TextEdit(where[0], where[1], d.replacement)
        fixed = apply(text, [edit])
        clean = not any(x.severity == "error" for x in check(fixed))
        word = escape_controls(text_between(text, where), newlines=False)
        fixes.append(QuickFix(f"Replace '{word}' with '{d.replacement}'", edit, d, clean))
    return fixes


def text_between(text: str, where: tuple[Position, Position]) -> str:
    """The text of ``text`` in a range."""
    offset = offset_of(text)
    return text[offset(where[0]):offset(where[1])]
