"""The protocol: what each step did, recorded as data and turned into text only when read.

An allocation records its steps as templates and values (``Step``), or as a ``Block`` that makes
several lines from the figures of a step (each list's threshold test, the seats of a divisor
method). Nothing is formatted until ``Step.text`` is read: an allocation that nobody explains
pays for a tuple per step, not for the text.

Templates are ``str.format`` templates whose fields may name a rendering:

* ``{:n}`` an integer with thousands separators (``fmt_int``);
* ``{:x}`` an exact figure (``fmt_exact``), ``{:x2}`` / ``{:x4}`` / ``{:x6}`` with that many decimals;
* ``{:s}`` a share as a percentage or fraction (``fmt_share``);
* ``{:p}`` a pair ``(part, whole)`` as a percentage (``fmt_percent``);
* anything else as ``str``; a ``Lazy`` value is made when the line is rendered.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from typing import Any

from hemicycle import model as m
from hemicycle.numbers import fmt_exact, fmt_int, fmt_percent, fmt_share


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec or isinstance(value, Lazy):
            return str(value)
        kind, digits = format_spec[0], format_spec[1:]
        if kind == "n":
            return fmt_int(value)
        if kind == "x":
            return fmt_exact(value, int(digits)) if digits else fmt_exact(value)
        if kind == "s":
            return fmt_share(value)
        if kind == "p":
            return fmt_percent(*value)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


class Lazy:
    """A value of a protocol line made only when the line is rendered: ``Lazy(fn, *args)``."""

    __slots__ = ("args", "fn")

    def __init__(self, fn: Callable[..., str], *args: Any) -> None:
        self.fn = fn
        self.args = args

    def __format__(self, spec: str) -> str:
        return self.fn(*self.args)

    def __str__(self) -> str:
        return self.fn(*self.args)


class Step:
    """One line of the protocol, with the clause it applies (if any)."""

    __slots__ = ("_text", "args", "clause", "template")

    def __init__(self, text: str, clause: m.Node | None = None, args: tuple[Any, ...] = ()) -> None:
        self.template = text
        self.args = args
        self.clause = clause
        self._text: str | None = None if args else text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _FORMATTER.vformat(self.template, self.args, {})
        return self._text

    def render(self) -> str:
        if self.clause is not None and self.clause.span.line:
            return f"{self.text}  ({self.clause.where})"
        return self.text

    def lines(self) -> list[Step]:
        return [self]

    def __repr__(self) -> str:
        return f"Step({self.text!r})"


class Block:
    """Several lines of the protocol, made from a step's figures when they are read."""

    __slots__ = ("args", "make")

    def __init__(self, make: Callable[..., Iterable[Step]], *args: Any) -> None:
        self.make = make
        self.args = args

    def lines(self) -> list[Step]:
        return list(self.make(*self.args))


Entry = Step | Block


def expand(entries: Iterable[Entry]) -> list[Step]:
    """The lines of a protocol, blocks made into their steps."""
    out: list[Step] = []
    for entry in entries:
        out.extend(entry.lines())
    return out


class Recorder:
    """Where a step writes its protocol: ``say(template, *values, clause=...)``. With
    ``explain=False`` nothing is kept (``on`` is False, and steps may skip gathering figures)."""

    __slots__ = ("entries", "on")

    def __init__(self, explain: bool, entries: list[Entry] | None = None) -> None:
        self.on = explain
        self.entries: list[Entry] = entries if entries is not None else []

    def say(self, template: str, *args: Any, clause: m.Node | None = None) -> None:
        if self.on:
            self.entries.append(Step(template, clause, args))

    def block(self, make: Callable[..., Iterable[Step]], *args: Any) -> None:
        if self.on:
            self.entries.append(Block(make, *args))
