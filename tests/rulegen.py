"""Rule files for fuzzing: generated from the grammar itself, and mutations of the bundled rules.

Used by ``tests/test_fuzz.py`` (short hypothesis runs) and ``scripts/fuzz.py`` (long runs). The
generator walks the compiled Lark grammar of ``hemicycle/grammar/elect.lark``, so new clauses are
fuzzed as soon as they are in the grammar. Every choice is drawn from a ``Chooser``: a
``random.Random`` for the long runs, or hypothesis's ``data.draw`` for shrinkable test cases.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TypeVar

from lark.grammar import NonTerminal, Terminal

from hemicycle.checker import check
from hemicycle.diagnostics import Diagnostic, RuleError, source_lines
from hemicycle.election import Election, ListEntry
from hemicycle.fmt import format_rules
from hemicycle.grammar.parser import _parser, parse_rules, rule_text
from hemicycle.interpreter import AllocationError, allocate

T = TypeVar("T")

# Numbers that break things: zero, one, boundaries, the seat limit, huge, many digits.
EDGE_INTS = ["0", "1", "2", "3", "7", "10", "98", "100", "1000", "999999", "1000000", "10000000",
             "10000001", "4294967296", "18446744073709551617", "9" * 40, "1" + "0" * 99, "9" * 101, "00",
             "007"]
EDGE_SHARES = ["0%", "7%", "100%", "101%", "3.25%", "0.0001%", "5/100", "0/1", "1/0", "1/1", "2/1", "0.5",
               "1.0", "0.000001", "1" + "0" * 120 + "%", "7/" + "9" * 50]
EDGE_STRINGS = ['"t"', '"Mazhilis"', '""', '"tier"', '"\u0000"', '"Партия «Ak Zhol»"', '"a\tb"', '"' + "x" * 300 + '"']
EDGE_CITATIONS = ["[art. 97-1]", "[]", "[[]", "[" + "z" * 200 + "]", "[Конституция ст. 50]"]
EDGE_NAMES = ["minority", "runner_up", "x", "A-b_c", "tier", "_", "coalition_4_plus"]

REGEX_TERMINALS: dict[str, list[str]] = {
    "INT": ["1", "2", "3", "5", "7", "10", "20", "98", "100"] * 4 + EDGE_INTS,
    "DECIMAL": ["0.0", "1.4", "0.7", "3.25", "10.5", "0." + "0" * 60 + "1"],
    "FRACTION": ["5/100", "7/10", "1/0", "0/0", "3/2", "1/" + "3" * 30],
    "PERCENT": ["7%", "5%", "3%", "10%", "3.25%"] * 3 + ["0%", "100%", "250%", "0.5%", "1" + "0" * 120 + "%"],
    "STRING": EDGE_STRINGS,
    "CITATION": EDGE_CITATIONS,
    "NAME": EDGE_NAMES,
    "COMPARATOR": ["=", "!=", "<", "<=", ">", ">="],
    "COMMENT": ["# comment", "#", "# «»"],
}


class Chooser:
    """Where the generator's choices come from."""

    def __init__(self, choice: Callable[[Sequence[object]], object], integer: Callable[[int, int], int]) -> None:
        self._choice = choice
        self._integer = integer

    def choice(self, items: Sequence[T]) -> T:
        return self._choice(items)  # type: ignore[return-value]

    def integer(self, lo: int, hi: int) -> int:
        return self._integer(lo, hi)

    @classmethod
    def from_random(cls, rng: random.Random) -> Chooser:
        return cls(rng.choice, rng.randint)

    @classmethod
    def from_hypothesis(cls, data: object) -> Chooser:
        from hypothesis import strategies as st

        draw = data.draw  # type: ignore[attr-defined]
        return cls(lambda items: draw(st.sampled_from(items)), lambda lo, hi: draw(st.integers(lo, hi)))


@dataclass
class _Grammar:
    rules: dict[str, list[list[object]]]
    keywords: dict[str, str]
    depth_to_end: dict[str, int]  # shortest derivation depth of each rule


_GRAMMAR: _Grammar | None = None


def grammar() -> _Grammar:
    global _GRAMMAR
    if _GRAMMAR is None:
        lark = _parser()
        rules: dict[str, list[list[object]]] = {}
        for rule in lark.rules:
            rules.setdefault(rule.origin.name, []).append(list(rule.expansion))
        keywords = {t.name: t.pattern.value for t in lark.terminals if type(t.pattern).__name__ == "PatternStr"}
        depth: dict[str, int] = {}
        changed = True
        while changed:  # fixed point: the depth of the shallowest expansion
            changed = False
            for name, expansions in rules.items():
                for exp in expansions:
                    sub = [depth.get(s.name) if isinstance(s, NonTerminal) else 0 for s in exp]
                    if None in sub:
                        continue
                    d = 1 + max([0, *sub])  # type: ignore[type-var]
                    if d < depth.get(name, 10**9):
                        depth[name] = d
                        changed = True
        _GRAMMAR = _Grammar(rules, keywords, depth)
    return _GRAMMAR


def generate(ch: Chooser, max_depth: int = 12, max_tokens: int = 400) -> str:
    """A rule file drawn from the grammar: usually valid syntax, with edge-case numbers and names."""
    g = grammar()
    out: list[str] = []

    def emit_terminal(name: str) -> None:
        if name in g.keywords:
            out.append(g.keywords[name])
        else:
            out.append(ch.choice(REGEX_TERMINALS.get(name, ["x"])))

    def walk(name: str, depth: int) -> None:
        expansions = g.rules[name]
        if depth >= max_depth or len(out) > max_tokens:
            expansions = sorted(expansions, key=lambda e: max(
                [0, *(g.depth_to_end.get(s.name, 99) for s in e if isinstance(s, NonTerminal))]))[:1]
        exp = ch.choice(expansions)
        for sym in exp:
            if isinstance(sym, Terminal):
                emit_terminal(sym.name)
            else:
                walk(sym.name, depth + 1)  # type: ignore[union-attr]

    walk("start", 0)
    seps = [" ", "\n", "  ", "\n  ", "\t", " # note\n"]
    text = ""
    for tok in out:
        text += tok + ch.choice(seps)
    return text


def token_stream(ch: Chooser, max_tokens: int = 60) -> str:
    """Terminals of the grammar in random order (keywords, numbers, names, strings, citations,
    punctuation) with some garbage and odd separators: text the parser must refuse cleanly."""
    g = grammar()
    words = list(g.keywords.values()) + [v for vs in REGEX_TERMINALS.values() for v in vs] + _GARBAGE + _ODD
    seps = [" ", "\n", "", "\t", "\r\n", "\r", "\x0c", "\u2028", " # c\u2029d\n"]
    return "".join(ch.choice(words) + ch.choice(seps) for _ in range(ch.integer(0, max_tokens)))


# Characters other tools read as digits or line breaks, and wide or astral letters (positions).
_ODD = ["৪", "٧", "７", "²", "𝟙", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "大", "😀", "\u0301",
        "\x1b[2J", "\x1b]0;t\x07", "[/x]", ":smile:", "\ufeff"]


# --- mutations of the bundled rule files ----------------------------------------------------------

def bundled_sources() -> list[str]:
    folder = resources.files("hemicycle").joinpath("rules")
    return [p.read_text("utf-8") for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".elect")]


_GARBAGE = ["{", "}", "[", "]", '"', "#", "%", "/", ".", "=", "==", "\u0000", "\ufeff", "\u202e", "🗳", "\r",
            "৪", "\u2028", "\\", "'", "{{{{", "}}}}", "\n" * 3, "-1", "1e6", "1,000", "NaN", "inf", "__import__('os')",
            "$(rm -rf /)", "include \"/etc/passwd\"", "\x00\x01\x02"]


def mutate(text: str, ch: Chooser, rounds: int = 3) -> str:
    """Token- and character-level mutations: delete, duplicate, swap, replace numbers, splice."""
    g = grammar()
    vocab = list(g.keywords.values()) + [v for vs in REGEX_TERMINALS.values() for v in vs] + _GARBAGE
    for _ in range(ch.integer(1, rounds)):
        parts = text.split(" ") if text else [""]
        kind = ch.integer(0, 8)
        i = ch.integer(0, max(0, len(parts) - 1))
        if kind == 0 and len(parts) > 1:  # delete a word
            del parts[i]
        elif kind == 1:  # duplicate a word
            parts.insert(i, parts[i])
        elif kind == 2:  # insert a vocabulary word
            parts.insert(i, ch.choice(vocab))
        elif kind == 3:  # replace a word
            parts[i] = ch.choice(vocab)
        elif kind == 4 and len(parts) > 1:  # swap two words
            j = ch.integer(0, len(parts) - 1)
            parts[i], parts[j] = parts[j], parts[i]
        elif kind == 5:  # truncate
            text = text[: ch.integer(0, len(text))]
            continue
        elif kind == 6:  # replace every number by an edge number
            edge = ch.choice(EDGE_INTS)
            parts = [edge if p.isdigit() else p for p in parts]
        elif kind == 7:  # repeat a span (huge, deeply repetitive files)
            j = ch.integer(i, len(parts))
            parts[j:j] = parts[i:j] * ch.integer(1, 50)
        else:  # a character-level edit
            pos = ch.integer(0, len(text))
            text = text[:pos] + ch.choice(_GARBAGE) + text[pos + ch.integer(0, 3):]
            continue
        text = " ".join(parts)
    return text


# --- the property: only the language's own diagnostics escape ------------------------------------

_ELECTION = Election(
    lists=tuple(
        ListEntry(abbr=a, votes=v, registration_order=i, ballot_order=i, tags=frozenset(t))
        for i, (a, v, t) in enumerate([("A", 5000, ()), ("B", 3000, ("minority",)), ("C", 1500, ()),
                                        ("D", 1500, ("coalition", "coalition_2_3")), ("E", 0, ())], 1)
    ),
    totals={"valid": 11000, "invalid": 300, "ballots_cast": 11300, "registered": 20000, "against_all": 0},
)


@dataclass
class Outcome:
    kind: str  # "ok", "rule_error", "allocation_error"
    seconds: float


class Finding(Exception):
    """What the fuzzers look for besides an exception: a diagnostic outside the file, a formatter
    that is not idempotent."""


def assert_inside(d: Diagnostic, text: str) -> None:
    """A diagnostic points into the file: its start is a character of a line (or that line's end)
    and its end is not before its start, on a line of the file."""
    lines = source_lines(rule_text(text)) or [""]
    s = d.span
    if not (1 <= s.line <= len(lines) and 1 <= s.col <= len(lines[s.line - 1]) + 1):
        raise Finding(f"diagnostic outside the file ({len(lines)} lines): {d.line()}")
    if not (s.line <= s.end_line <= len(lines) and (s.end_line > s.line or s.end_col >= s.col)):
        raise Finding(f"diagnostic ends outside the file or before it starts: {s}: {d.line()}")


def exercise(text: str, *, allocate_too: bool = True, format_too: bool = True) -> Outcome:
    """Parse, check, format and (if the rules parse) allocate a small election; every diagnostic
    must point into the file, and formatting must be idempotent. Raises anything else."""
    start = time.perf_counter()
    try:
        chamber = parse_rules(text, "<fuzz>")
    except RuleError as err:
        err.render()  # rendering a diagnostic must not fail either
        for d in err.diagnostics:
            if not d.message.startswith("rule file is larger than"):
                assert_inside(d, text)
        return Outcome("rule_error", time.perf_counter() - start)
    for d in check(chamber):
        d.render(chamber.source)
        assert_inside(d, text)
    if format_too:
        formatted = format_rules(text, "<fuzz>")  # FormatError (exit 4) if the meaning changed
        if format_rules(formatted, "<fuzz>") != formatted:
            raise Finding("fmt is not idempotent")
    kind = "ok"
    if allocate_too:
        try:
            result = allocate(chamber, _ELECTION)
            result.explain()
            result.to_json()
        except AllocationError as err:
            str(err)
            kind = "allocation_error"
    return Outcome(kind, time.perf_counter() - start)


# --- the language server: the same texts, at random positions ------------------------------------


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def exercise_editor(text: str, ch: Chooser, positions: int = 4) -> Outcome:
    """The language server's functions on ``text``: diagnostics within the document (LSP lines and
    UTF-16 characters), hover and completion at random positions (in and out of range) without an
    exception, and completion from the clause around the cursor offering exactly the words the
    whole prefix does. Raises anything else."""
    from hemicycle.diagnostics import LINE_BREAK
    from hemicycle.editor.lsp import (
        _offset,
        accepted_words,
        completion_context,
        completions,
        diagnostic_range,
        diagnostics,
        hover_text,
    )

    start = time.perf_counter()
    lines = LINE_BREAK.split(text)
    found = diagnostics(text, "<fuzz>")
    for d in found:
        (l0, c0), (l1, c1) = diagnostic_range(text, d)
        if d.message.startswith("rule file is larger than"):
            continue
        if not (0 <= l0 < len(lines) and 0 <= c0 <= _utf16(lines[l0])):
            raise Finding(f"LSP diagnostic starts outside the document: {(l0, c0)}: {d.line()}")
        if not ((l0, c0) < (l1, c1) and l1 < len(lines) and c1 <= _utf16(lines[l1]) + 1):
            raise Finding(f"LSP diagnostic ends outside the document: {(l0, c0)}-{(l1, c1)}: {d.line()}")
    for _ in range(positions):
        line = ch.integer(0, len(lines))  # one past the last line too
        character = ch.integer(0, _utf16(lines[min(line, len(lines) - 1)]) + 2)
        hover_text(text, line, character)
        completions(text, line, character)
        before = rule_text(text[: _offset(text, line, character)])
        whole = accepted_words(before)
        if whole is not None and accepted_words(completion_context(before)) != whole:
            raise Finding(f"completion at {(line, character)}: the clause around the cursor accepts other words "
                          "than the whole prefix")
    return Outcome("rule_error" if any(d.severity == "error" for d in found) else "ok", time.perf_counter() - start)
