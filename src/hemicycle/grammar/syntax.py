"""Rule text -> parse tree: the Lark parser of the rule language, its postlexer for ``$NAME``,
and the diagnostics of text that does not parse (what was expected, did-you-mean hints)."""

from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from hemicycle import model as m
from hemicycle.diagnostics import Diagnostic, source_lines
from hemicycle.grammar.params import Binding

MAX_RULE_BYTES = 256_000  # a rule file is a page of law, not a data dump (256 KB parse in a few seconds)

# How each terminal reads in an "expected ..." message.
TERMINAL_WORDS: dict[str, str] = {
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "FRACTION": "a fraction like 5/100",
    "PERCENT": "a percentage like 7%",
    "STRING": 'a quoted name like "Mazhilis"',
    "CITATION": "a citation like [art. 97-1]",
    "NAME": "a name",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "COMPARATOR": "a comparison (= != < <= > >=)",
    "$END": "the end of the file",
}


@cache
def _keywords() -> dict[str, str]:
    """Terminal name -> keyword text, read from the grammar itself."""
    text = resources.files("hemicycle.grammar").joinpath("elect.lark").read_text("utf-8")
    return dict(re.findall(r'^([A-Z_]+):\s*"([a-z_]+)"\s*$', text, flags=re.M))


def words_for(terminal: str) -> str:
    kw = _keywords().get(terminal)
    if kw is not None:
        return f"'{kw}'"
    return TERMINAL_WORDS.get(terminal, terminal.lower())


# The binding in force for the parse running in this thread (None: '$NAME' stays a token).
_BINDING: ContextVar[Binding | None] = ContextVar("hemicycle_binding", default=None)


class _Substitute:
    """Lark postlexer: puts the bound value's words in place of every ``$NAME`` (grammar/params.py)."""

    always_accept = ("PARAM_REF",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        binding = _BINDING.get()
        for tok in stream:
            if tok.type == "PARAM_REF" and binding is not None:
                yield from binding.tokens(tok)
            else:
                yield tok


def make_parser(*, keep_all_tokens: bool = False) -> Lark:
    """The LALR parser of the rule language (start symbols: ``start``, ``header``)."""
    text = resources.files("hemicycle.grammar").joinpath("elect.lark").read_text("utf-8")
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=False, start=["start", "header"],
                postlex=_Substitute(), keep_all_tokens=keep_all_tokens)


@cache
def _parser() -> Lark:
    return make_parser()


def parse_with(parser: Lark, text: str, binding: Binding | None) -> Any:
    """The parse tree of ``text`` with ``binding``'s values in place of its ``$NAME``s."""
    token = _BINDING.set(binding)
    try:
        return parser.parse(text, start="start")
    finally:
        _BINDING.reset(token)


def _span(file: str, meta: Any) -> m.Span:
    if getattr(meta, "empty", False):
        return m.Span(file, 0, 0, 0, 0)
    return m.Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(file: str, tok: Token) -> m.Span:
    return m.Span(
        file, tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0
    )


# --- syntax errors --------------------------------------------------------------------------


def _word_at(source: str, line: int, col: int) -> str:
    lines = source_lines(source)
    if not 1 <= line <= len(lines):
        return ""
    match = re.match(r"[A-Za-z_][A-Za-z0-9_\-]*|\S", lines[line - 1][col - 1 :])
    return match.group(0) if match else ""


def _acceptable(state: Any, terminals: set[str]) -> set[str]:
    """The terminals the parser really accepts in ``state``. An LALR state merges the lookaheads
    of every context it serves (a method ends a tier's ``allocate`` and a level's ``apportion``),
    so its table lists words that only fit elsewhere; each one is tried on a copy of the state."""
    if state is None or not hasattr(state, "feed_token"):
        return terminals
    conf = copy.copy(state.parse_conf)
    conf.callbacks = {}
    out: set[str] = set()
    for t in terminals:
        if t == "$END":
            out.add(t)
            continue
        trial = state.copy(deepcopy_values=False)
        trial.parse_conf = conf
        try:
            trial.feed_token(Token(t, ""))
        except (UnexpectedInput, AssertionError, KeyError):
            continue
        out.add(t)
    return out or terminals


def _foreign_digit_hint(word: str) -> str | None:
    """Numbers are written with the ASCII digits only: '৪' (a Bengali 4 that looks like 8), '٧' or
    '７' would read as something else to a reader of the law."""
    if len(word) == 1 and word not in "0123456789" and unicodedata.digit(word, None) is not None:
        return (f"{word!r} is the digit {unicodedata.digit(word)} of another script ({unicodedata.name(word, '?')}); "
                "write numbers with the digits 0-9")
    return None


def _syntax_diagnostic(err: UnexpectedInput, file: str, source: str) -> Diagnostic:
    line, col = getattr(err, "line", 0) or 0, getattr(err, "column", 0) or 0
    if isinstance(err, UnexpectedCharacters):
        terminals = set(err.allowed or ())
    else:
        terminals = set(getattr(err, "expected", None) or ())
    expected_terms = sorted(_acceptable(getattr(err, "state", None), terminals))
    # '$NAME' may stand anywhere (the postlexer replaces it), so it is never named as expected
    expected_terms = [t for t in expected_terms if t != "PARAM_REF"]
    expected = tuple(sorted({words_for(t) for t in expected_terms if t not in ("COMMENT", "WS")}))
    tok = getattr(err, "token", None)
    if isinstance(tok, Token) and (tok.type == "PARAM_REF" or hasattr(tok, "param_ref")):
        return _parameter_diagnostic(tok, file, expected)
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        lines = source_lines(source)
        line, col = len(lines), len(lines[-1]) + 1
        span = m.Span(file, line, col, line, col + 1)
        return Diagnostic(span, "the file ends too early", _eof_hint(expected_terms), expected=expected)
    word = _word_at(source, line, col)
    span = m.Span(file, line, col, line, col + max(1, len(word)))
    message = f"unexpected {word!r}" if word else "unexpected input"
    hint = _foreign_digit_hint(word)
    replacement = None
    keywords = _keywords()
    candidates = [keywords[t] for t in expected_terms if t in keywords]
    if hint is None and word and candidates:
        close = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.6)
        if close:
            hint, replacement = f"did you mean '{close[0]}'?", close[0]
    if hint is None and word and not candidates:
        close = difflib.get_close_matches(word.lower(), list(keywords.values()), n=1, cutoff=0.75)
        if close and close[0] != word:
            hint, replacement = f"'{word}' is not valid here; did you mean '{close[0]}'?", close[0]
    if hint is None:
        hint = _curated_hint(word, set(expected_terms))
    return Diagnostic(span, message, hint, expected=expected, replacement=replacement)


def _parameter_diagnostic(tok: Token, file: str, expected: tuple[str, ...]) -> Diagnostic:
    """A value that cannot stand where its ``$NAME`` is, or a ``$NAME`` where none may stand."""
    span = _tok_span(file, tok)
    if tok.type == "PARAM_REF":
        return Diagnostic(span, f"{tok} cannot stand here", "a parameter's values are written out in its "
                          "declaration; '$NAME' stands for a value in the clauses after 'chamber'")
    ref, label = getattr(tok, "param_ref", "$?"), getattr(tok, "param_label", "")
    return Diagnostic(span, f"{ref} = {label}: unexpected {str(tok)!r} here",
                      f"this value of {ref} does not fit the clause where {ref} is written", expected=expected)


def _curated_hint(word: str, expected: set[str]) -> str | None:
    """Hints for the slips people make most (each one has a golden test in tests/bad_rules)."""
    if word == "=" and expected == {"INT"}:
        return "equality is written with one '=': 'when passed = 1'"
    if expected in ({"VOTES"}, {"QUOTA", "VOTES"}):
        return ("a share needs its unit written against the number: 5% or 5/100; "
                "'N votes' is an absolute threshold, 'N quota of BASE' one in quotas")
    if word == "label":
        return ("a label names the whole system: write it once, on the line after the chamber "
                "('chamber \"...\" seats N' then 'label \"...\"')")
    if word == "[":
        return "a citation must be closed with ']' on the same line"
    if word == '"':
        return 'a quoted name must be closed with \'"\' on the same line'
    if word == "{" or word == "}":
        return "check that every '{' has its '}'"
    return None


def _eof_hint(expected: list[str]) -> str | None:
    if "RBRACE" in expected:
        return "a '{' block is not closed with '}'"
    return None


MAX_NUMBER_DIGITS = 100  # digits in one number of a rule file (seats, shares, seeds, divisors)
_NUMBER_TERMINALS = frozenset({"INT", "DECIMAL", "FRACTION", "PERCENT"})


def _check_numbers(tree: Any, file: str) -> Diagnostic | None:
    """The first number that cannot be a figure of law: too many digits, or a fraction over 0."""
    for tok in tree.scan_values(lambda v: isinstance(v, Token) and v.type in _NUMBER_TERMINALS):
        text = str(tok)
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_NUMBER_DIGITS:
            return Diagnostic(_tok_span(file, tok), f"a number of {digits} digits is too long",
                              f"numbers in a rule file have at most {MAX_NUMBER_DIGITS} digits")
        if tok.type == "FRACTION" and int(text.split("/")[1]) == 0:
            return Diagnostic(_tok_span(file, tok), f"the fraction {text} divides by zero")
    return None
