"""One diagnostic type, two renderings: a source snippet for people, one line for CI and editors."""

from __future__ import annotations

from dataclasses import dataclass, field

from hemicycle.model import Span


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" | "warning"
    expected: tuple[str, ...] = field(default=())

    def line(self) -> str:
        """``file:line:col: error: message``."""
        return f"{self.span.file}:{self.span.line}:{self.span.col}: {self.severity}: {self.message}"

    def render(self, source: str | None = None) -> str:
        """The one-line form, then the source line with a caret under the spot, then hints."""
        out = [self.line()]
        if source is not None and self.span.line >= 1:
            lines = source.splitlines()
            if self.span.line <= len(lines):
                text = lines[self.span.line - 1].rstrip("\n").expandtabs(1)
                width = 1
                if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
                    width = self.span.end_col - self.span.col
                width = max(1, min(width, len(text) - self.span.col + 2))
                gutter = f"{self.span.line:>4} | "
                out.append(gutter + text)
                out.append(" " * (len(gutter) + self.span.col - 1) + "^" * width)
        if self.expected:
            out.append("  expected " + _or_list(self.expected))
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


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
