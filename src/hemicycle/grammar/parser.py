"""Rule text -> rule model. Lark (LALR) parses; ``ModelBuilder`` turns the tree into the model."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedInput, VisitError

from hemicycle import model as m
from hemicycle.diagnostics import Diagnostic, RuleError
from hemicycle.grammar.build_chamber import ModelBuilder
from hemicycle.grammar.build_parts import _Fail
from hemicycle.grammar.params import Binding, ParamFail, build_parameters, choose
from hemicycle.grammar.syntax import (  # noqa: F401  (the parser's names, as before the split)
    MAX_NUMBER_DIGITS,
    MAX_RULE_BYTES,
    TERMINAL_WORDS,
    _check_numbers,
    _keywords,
    _parser,
    _syntax_diagnostic,
    make_parser,
    parse_with,
    words_for,
)


def rule_text(text: str) -> str:
    """Rule text as every reader of it sees it: without a byte-order mark, and with a lone carriage
    return read as the line break that editors and the language server protocol take it for (the
    same length, so every position stays; see ``diagnostics.LINE_BREAK``)."""
    return _LONE_CR.sub("\n", text.removeprefix("\ufeff"))


_LONE_CR = re.compile(r"\r(?!\n)")


def _check_size(text: str, file: str) -> str:
    if len(text) > MAX_RULE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_RULE_BYTES:
        span = m.Span(file, 1, 1, 1, 2)
        raise RuleError([Diagnostic(span, f"rule file is larger than {MAX_RULE_BYTES:,} bytes")])
    return rule_text(text)


def read_parameters(text: str, file: str = "<rules>") -> tuple[m.Parameter, ...]:
    """The ``param`` declarations at the head of rule text (the first pass); () when none.

    A problem in the declarations is a ``RuleError``; the rest of the file is not read here."""
    text = _check_size(text, file)
    try:
        tree = _parser().parse(text, start="header")  # only a file of nothing but declarations
    except UnexpectedInput as err:
        tok = getattr(err, "token", None)
        if not (isinstance(tok, Token) and tok.type == "CHAMBER") or err.interactive_parser is None:
            if isinstance(tok, Token) and tok.type == "PARAM_REF":
                raise RuleError([_syntax_diagnostic(err, file, text)], text) from None
            return ()  # the second pass reports the problem, with the whole grammar's expectations
        try:
            tree = err.interactive_parser.feed_eof(tok)
        except UnexpectedInput:  # a declaration cut short before 'chamber' (`param m # ...`)
            return ()  # the second pass reports it, with the whole grammar's expectations
    bad_number = _check_numbers(tree, file)
    if bad_number is not None:
        raise RuleError([bad_number], text)
    try:
        return build_parameters(tree, file)
    except ParamFail as e:
        raise RuleError([e.diagnostic], text) from None


def make_binding(parameters: tuple[m.Parameter, ...], chosen: Mapping[str, m.ParamValue], file: str) -> Binding:
    """The postlexer's view of chosen values (``grammar/params.py``), with the grammar's keywords."""
    return Binding(parameters, chosen, {v: k for k, v in _keywords().items()}, file)


def binding_for(text: str, file: str, params: Mapping[str, Any] | None = None) -> Binding:
    """The values for the parameters of ``text``: those in ``params`` (labels or numbers as
    text), the others their defaults. ``RuleError`` for an unknown name or a value outside its
    parameter's domain."""
    text = _check_size(text, file)
    parameters = read_parameters(text, file)
    try:
        chosen = choose(parameters, params or {}, file)
    except ParamFail as e:
        raise RuleError([e.diagnostic], text) from None
    return make_binding(parameters, chosen, file)


def parse_rules(text: str, file: str = "<rules>", params: Mapping[str, Any] | None = None,
                *, binding: Binding | None = None) -> m.Chamber:
    """Parse rule text into the model; raise ``RuleError`` with diagnostics on any problem.

    A file with parameters is bound first: ``params`` maps a parameter's name to its value (a
    label such as ``"dhondt"`` or a number such as ``"5%"``); the others take their defaults.
    The model that comes out is an ordinary one (its ``bindings`` say which values it has)."""
    text = _check_size(text, file)
    if binding is None:
        binding = binding_for(text, file, params)
    try:
        tree = parse_with(_parser(), text, binding)
    except UnexpectedInput as err:
        raise RuleError([_syntax_diagnostic(err, file, text)], text) from None
    except ParamFail as e:
        raise RuleError([e.diagnostic], text) from None
    bad_number = _check_numbers(tree, file)
    if bad_number is not None:
        raise RuleError([bad_number], text)
    try:
        chamber = ModelBuilder(file, text, binding).transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, _Fail):
            raise RuleError([err.orig_exc.diagnostic], text) from None
        raise
    labels = binding.labels()
    return dataclasses.replace(chamber, bindings=labels) if labels else chamber


def load_rules(path: str | Path, params: Mapping[str, Any] | None = None) -> m.Chamber:
    """Read a rule file (UTF-8) and parse it (with ``params`` for its parameters, if any)."""
    return parse_rules(read_rule_text(path), str(Path(path)), params)


def read_rule_text(path: str | Path) -> str:
    """The text of a rule file, read up to the size limit only; ``RuleError`` if it cannot be read,
    is too large or is not UTF-8."""
    path = Path(path)
    try:
        with path.open("rb") as f:  # never more than the limit: /dev/zero is a file too
            raw = f.read(MAX_RULE_BYTES + 1)
    except OSError as err:
        raise RuleError([Diagnostic(m.Span(str(path), 0, 0, 0, 0), f"cannot read: {err.strerror}")]) from None
    return decode_rule_bytes(raw, str(path))


def decode_rule_bytes(raw: bytes, file: str) -> str:
    """Rule-file bytes as text: at most the size limit, UTF-8 (``RuleError`` naming the spot if not)."""
    if len(raw) > MAX_RULE_BYTES:
        span = m.Span(file, 1, 1, 1, 2)
        raise RuleError([Diagnostic(span, f"rule file is larger than {MAX_RULE_BYTES:,} bytes")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        span = m.Span(file, line, col, line, col + 1)
        raise RuleError([Diagnostic(span, "the file is not UTF-8 text", "save it as UTF-8")]) from None
