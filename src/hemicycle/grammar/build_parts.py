"""The parse-tree builder's parts: the small records that carry a clause's pieces up the tree,
and ``Builder``, the base every group of clauses (grammar/build_*.py) extends."""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from typing import Any

from lark import Token, Transformer

from hemicycle import model as m
from hemicycle.diagnostics import Diagnostic
from hemicycle.grammar.params import Binding
from hemicycle.grammar.syntax import _tok_span


class _Cite(str):
    """A citation's text (without brackets), remembering where it was written."""

    span: m.Span


class _District:
    """The alternative 'or district_seats OP N' of a threshold."""

    def __init__(self, op: m.Comparator, value: int, span: m.Span, tier: str | None = None) -> None:
        self.op, self.value, self.span, self.tier = op, value, span, tier


class _Test:
    """One test of a threshold (the first, or an alternative after 'or'): Threshold fields."""

    def __init__(self, span: m.Span, **fields: Any) -> None:
        self.span = span
        self.fields = fields


class _Alternative:
    def __init__(self, test: _Test) -> None:
        self.test = test


class _Scope:
    def __init__(self, scope: m.Scope, level: str | None = None, count: int = 1) -> None:
        self.scope, self.level, self.count = scope, level, count


class _TierSeats:
    """How a tier's seats are given: a number, each unit's magnitude, or another tier's unfilled seats."""

    def __init__(self, seats: int = 0, level: str | None = None, unfilled: m.SeatsFrom | None = None,
                 span: m.Span | None = None) -> None:
        self.seats, self.level, self.unfilled, self.span = seats, level, unfilled, span


class _LevelBody:
    def __init__(self, citation: str | None, clauses: list[Any]) -> None:
        self.citation, self.clauses = citation, clauses


_INTEGER_PARTS = object()  # marker: 'integer parts only'


class _Label(str):
    """The text of a ``label "..."`` statement, remembering where it was written."""

    span: m.Span


MAX_LABEL = 80  # characters: a label heads a column and names a picture
_LABEL_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_\-]*)")  # a parameter's value in a label: "Hare, $threshold"


class _Fail(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic

def _fields(node: Any) -> dict[str, Any]:
    return {f.name: getattr(node, f.name) for f in dataclasses.fields(node)}


class Builder(Transformer[Token, m.Chamber]):
    """What every group of clauses shares: the file, the source, the binding, and the helpers
    that read numbers and raise a diagnostic at the spot (``_Fail``)."""

    file: str
    source: str
    binding: Binding | None
    _each: dict[str, m.Span]

    # helpers ---------------------------------------------------------------------------------
    def _fail(self, where: m.Span, message: str, hint: str | None = None) -> None:
        raise _Fail(Diagnostic(where, message, hint))

    @staticmethod
    def _split(children: list[Any]) -> tuple[list[Any], str | None]:
        if children and isinstance(children[-1], _Cite):
            return children[:-1], str(children[-1])
        return children, None

    def _int(self, tok: Token, *, minimum: int = 0, what: str = "number") -> int:
        value = int(tok)
        if value < minimum:
            self._fail(_tok_span(self.file, tok), f"{what} must be at least {minimum}, not {value}")
        return value

    @staticmethod
    def _number(tok: Token) -> Fraction:
        text = str(tok).rstrip("%")
        value = Fraction(text)
        return value / 100 if str(tok).endswith("%") else value
