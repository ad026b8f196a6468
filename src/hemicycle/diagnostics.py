"""One diagnostic type, two renderings: a source snippet for people, one line for CI and editors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.cells import cell_len

from hemicycle.display import escape_controls
from hemicycle.model import Span

# Where rule text breaks lines, for the parser, the language server and editors alike: at "\n",
# "\r\n" and a lone "\r" (the parser reads a lone "\r" as "\n"), never at a form feed, a
# vertical tab, U+0085, U+2028 or U+2029 (which str.splitlines would break at).
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(source: str) -> list[str]:
    """The lines of rule text, without their line breaks; a final line break opens no line."""
    lines = LINE_BREAK.split(source)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" | "warning"
    expected: tuple[str, ...] = field(default=())
    # The text that would fix the problem in place of the span (the word a did-you-mean hint
    # suggests): editors offer it as a quick fix. None: no such fix.
    replacement: str | None = None

    def line(self) -> str:
        """``file:line:col: error: message``."""
        return f"{self.span.file}:{self.span.line}:{self.span.col}: {self.severity}: {self.message}"

    def render(self, source: str | None = None) -> str:
        """The one-line form, then the source line with a caret under the spot, then hints."""
        out = [self.line()]
        if source is not None and self.span.line >= 1:
            lines = source_lines(source)
            if self.span.line <= len(lines):
                out.extend(self._snippet(lines[self.span.line - 1]))
        if self.expected:
            out.append("  expected " + _or_list(self.expected))
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


    def _snippet(self, line: str) -> list[str]:
        """The source line, shown as text, and the carets under the span, placed by the width the
        terminal gives what stands before it (escapes, wide characters)."""
        text = line.expandtabs(1)
        start = min(max(self.span.col - 1, 0), len(text))
        end = start + 1
        if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
            end = self.span.end_col - 1
        end = min(end, len(text))
        gutter = f"{self.span.line:>4} | "
        before = cell_len(escape_controls(text[:start], newlines=False))
        width = max(1, cell_len(escape_controls(text[start:end], newlines=False)))
        return [gutter + escape_controls(text, newlines=False), " " * (len(gutter) + before) + "^" * width]


def _or_list(words: tuple[str, ...]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


class RuleError(Exception):
    """One or more diagnostics that stop a rule file from being used."""

    def __init__(self, diagnostics: list[Diagnostic], source: str | None = None) -> None:
        self.diagnostics = diagnostics
        self.source = source
        super().__init__("\n".join(d.line() for d in diagnostics))

    def render(self) -> str:
        return "\n".join(d.render(self.source) for d in self.diagnostics)
