"""Parameters: one rule file that states a whole family of electoral systems.

A file may open with declarations, before ``chamber``::

    param threshold in 3% .. 10% step 0.5% default 7%
    param method in largest_remainder quota hare as hare, dhondt, sainte_lague default hare

and write ``$threshold`` or ``$method`` wherever a word or a number of the language may stand.
Binding is purely textual and happens in the parser's token stream: the parser (``parser.py``)
reads the declarations in a first pass, the values are chosen (``choose``), and in the second
pass the postlexer puts the chosen value's words in place of every ``$NAME``, each word typed as
the grammar's lexer would type it and carrying the position of the ``$NAME`` it replaces. What
comes out is an ordinary model; every back end reads it unchanged, and every error points at the
``$NAME`` that brought the offending value in.

This module holds what needs no parser: the declarations' model (``build_parameters``, from the
first pass's tree), the choice of values, and the ``Binding`` the postlexer asks for words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from lark import Token, Tree

from hemicycle import model as m
from hemicycle.diagnostics import Diagnostic

MAX_VALUES = 10_000  # values of one parameter, once a range is expanded

# How the words of a value are typed (the grammar's number terminals; keywords by their text).
_NUMBER_TYPES = (("PERCENT", re.compile(r"\d+(\.\d+)?%")), ("FRACTION", re.compile(r"\d+/\d+")),
                 ("DECIMAL", re.compile(r"\d+\.\d+")), ("INT", re.compile(r"\d+")))


class ParamFail(Exception):
    """A problem with a parameter, as a diagnostic at the spot."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _tok_span(file: str, tok: Token) -> m.Span:
    return m.Span(file, tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0)


def _tree_span(file: str, tree: Tree[Any]) -> m.Span:
    toks = list(tree.scan_values(lambda v: isinstance(v, Token)))
    if not toks:
        return m.Span(file, 0, 0, 0, 0)
    return m.Span(file, toks[0].line or 0, toks[0].column or 0, toks[-1].end_line or 0, toks[-1].end_column or 0)


def _fail(span: m.Span, message: str, hint: str | None = None) -> ParamFail:
    return ParamFail(Diagnostic(span, message, hint))


# --- declarations -------------------------------------------------------------------------------


def build_parameters(tree: Tree[Any], file: str) -> tuple[m.Parameter, ...]:
    """The declarations of a ``header`` tree (the parser's first pass) as model nodes."""
    params: list[m.Parameter] = []
    seen: dict[str, m.Parameter] = {}
    for node in tree.children:
        if isinstance(node, Tree) and node.data == "param":
            param = _parameter(node, file)
            if param.name in seen:
                raise _fail(param.span, f"parameter {param.name!r} is declared twice",
                            f"the first declaration is on line {seen[param.name].span.line}")
            seen[param.name] = param
            params.append(param)
    return tuple(params)


def _parameter(node: Tree[Any], file: str) -> m.Parameter:
    name_tok: Token = node.children[1]
    domain: Tree[Any] = node.children[3]
    citation = None
    default_words: list[str] | None = None
    default_span = None
    for child in node.children[4:]:
        if isinstance(child, Tree) and child.data == "citation":
            citation = str(child.children[0])[1:-1].strip()
        elif isinstance(child, Tree) and child.data == "param_phrase":
            default_words, default_span = _words(child), _tree_span(file, child)
    values = _range(domain, file) if domain.data == "param_range" else _choices(domain, file)
    text = _domain_text(domain)
    span = _tree_span(file, node)
    param = m.Parameter(name=str(name_tok), values=values, domain=text, span=span, citation=citation)
    if default_words is not None:
        default = param.value(" ".join(default_words))
        if default is None:
            raise _fail(default_span or span, f"the default {' '.join(default_words)!r} is not one of the values "
                        f"of {param.name!r} ({text})")
        param = m.Parameter(name=param.name, values=values, domain=text, default=default, span=span,
                            citation=citation)
    return param


def _words(phrase: Tree[Any]) -> list[str]:
    return [str(t) for t in phrase.scan_values(lambda v: isinstance(v, Token))]


def _domain_text(domain: Tree[Any]) -> str:
    """The domain for messages: the range as written, or the values' labels."""
    if domain.data == "param_range":
        return " ".join(str(t) for t in domain.scan_values(lambda v: isinstance(v, Token)))
    labels = []
    for choice in domain.children:
        if isinstance(choice, Tree):
            words = _words(choice.children[0])
            labels.append(str(choice.children[2]) if len(choice.children) > 2 else " ".join(words))
    return ", ".join(labels)


def _number(tok: Token, file: str) -> Fraction:
    text = str(tok)
    if tok.type == "FRACTION" and int(text.split("/")[1]) == 0:
        raise _fail(_tok_span(file, tok), f"the fraction {text} divides by zero")
    if len(text) > 100:
        raise _fail(_tok_span(file, tok), "a number of a parameter's range has more than 100 characters")
    return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)


def _range(domain: Tree[Any], file: str) -> tuple[m.ParamValue, ...]:
    toks: list[Token] = [b.children[0] for b in domain.children if isinstance(b, Tree)]
    span = _tree_span(file, domain)
    percent = [t.type == "PERCENT" for t in toks]
    if any(percent) and not all(percent):
        raise _fail(span, "a range mixes percentages and plain numbers",
                    "write every bound and the step as percentages (3% .. 10% step 0.5%) or none")
    low, high = _number(toks[0], file), _number(toks[1], file)
    integers = all(t.type == "INT" for t in toks)
    if len(toks) > 2:
        step = _number(toks[2], file)
    elif integers:
        step = Fraction(1)
    else:
        raise _fail(span, "a range of shares or fractions needs a step", f"e.g. '{toks[0]} .. {toks[1]} step ...'")
    if step <= 0:
        raise _fail(span, "the step of a range must be more than zero")
    if high < low:
        raise _fail(span, f"the range {toks[0]} .. {toks[1]} is empty: it ends below its start")
    count = (high - low) / step
    if count.denominator != 1:
        raise _fail(span, f"the range does not end on a step: {toks[1]} is not {toks[0]} plus a whole number "
                          "of steps", "choose an end, a start or a step that fit")
    if count + 1 > MAX_VALUES:
        raise _fail(span, f"the range has {count + 1} values; a parameter has at most {MAX_VALUES:,}")
    kind = "percent" if all(percent) else "int" if integers else "fraction" if any(
        t.type == "FRACTION" for t in toks) else "decimal"
    values = []
    for k in range(int(count) + 1):
        x = low + k * step
        text = render_number(x, kind)
        values.append(m.ParamValue(words=(text,), label=text, number=x, span=span))
    return tuple(values)


def render_number(x: Fraction, kind: str) -> str:
    """A value of a range written as the grammar reads it (a percentage, a decimal, a fraction)."""
    if kind == "int":
        return str(x.numerator)
    if kind == "percent":
        text = _decimal(x * 100)
        return f"{text}%" if text is not None else f"{x.numerator}/{x.denominator}"
    if kind == "decimal":
        text = _decimal(x)
        if text is not None:
            return text if "." in text else f"{text}.0"
    return f"{x.numerator}/{x.denominator}"


def _decimal(x: Fraction) -> str | None:
    """``x`` as an exact decimal (``3.5``, ``7``), or None when it has no finite expansion."""
    d = x.denominator
    digits = 0
    while d % 10 != 1 and digits <= 30:
        if d % 2 and d % 5:
            return None
        x *= 10
        d = x.denominator
        digits += 1
    if d != 1:
        return None
    whole = str(x.numerator).rjust(digits + 1, "0")
    return whole if digits == 0 else f"{whole[:-digits]}.{whole[-digits:]}"


def _choices(domain: Tree[Any], file: str) -> tuple[m.ParamValue, ...]:
    values: list[m.ParamValue] = []
    labels: dict[str, m.ParamValue] = {}
    for choice in domain.children:
        if not isinstance(choice, Tree):
            continue
        phrase: Tree[Any] = choice.children[0]
        words = tuple(_words(phrase))
        label_tok = choice.children[2] if len(choice.children) > 2 else None
        label = str(label_tok) if label_tok is not None else " ".join(words)
        span = _tree_span(file, choice)
        number = _number(phrase.children[0].children[0], file) if len(words) == 1 and _typed(words[0]) in (
            "PERCENT", "FRACTION", "DECIMAL", "INT") else None
        if label in labels:
            raise _fail(span, f"the value {label!r} is listed twice")
        value = m.ParamValue(words=words, label=label, number=number, span=span)
        labels[label] = value
        values.append(value)
    if len(values) > MAX_VALUES:
        raise _fail(_tree_span(file, domain), f"a parameter has at most {MAX_VALUES:,} values")
    return tuple(values)


def _typed(word: str, keywords: Mapping[str, str] | None = None) -> str:
    for kind, pattern in _NUMBER_TYPES:
        if pattern.fullmatch(word):
            return kind
    if keywords is not None and word in keywords:
        return keywords[word]
    return "NAME"


# --- choosing values ----------------------------------------------------------------------------


def choose(parameters: tuple[m.Parameter, ...], given: Mapping[str, Any], file: str) -> dict[str, m.ParamValue]:
    """The value of every parameter: the one given (a label, a number, or a ``ParamValue``),
    else its default; a ``ParamFail`` names an unknown parameter, a value outside the domain,
    or a parameter left without a value."""
    by_name = {p.name: p for p in parameters}
    for name in given:
        if name not in by_name:
            span = parameters[0].span if parameters else m.Span(file, 1, 1, 1, 2)
            if not parameters:
                raise _fail(span, f"the rules declare no parameter, so {name!r} cannot be set")
            close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
            raise _fail(span, f"the rules declare no parameter {name!r} (they declare {', '.join(by_name)})",
                        f"did you mean {close[0]!r}?" if close else None)
    chosen: dict[str, m.ParamValue] = {}
    for p in parameters:
        if p.name in given:
            raw = given[p.name]
            if isinstance(raw, m.ParamValue):  # of this file, or of another reading of it: by label
                value = raw if raw in p.values else p.value(raw.label)
            else:
                value = p.value(str(raw))
            if value is None:
                raise _fail(p.span, f"{raw!s} is not a value of parameter {p.name!r}: it takes {p.domain}")
        elif p.default is not None:
            value = p.default
        else:
            raise _fail(p.span, f"parameter {p.name!r} has no value and no default",
                        f"give it one (--set {p.name}=VALUE, with VALUE in {p.domain}) or write "
                        f"'default VALUE' in its declaration")
        chosen[p.name] = value
    return chosen


class Binding:
    """The chosen values, as the parser's postlexer asks for them: ``tokens(ref)`` gives the
    words that stand in for one ``$NAME`` token, each positioned at that token."""

    def __init__(self, parameters: tuple[m.Parameter, ...], chosen: Mapping[str, m.ParamValue],
                 keywords: Mapping[str, str], file: str) -> None:
        self.parameters = parameters
        self.chosen = dict(chosen)
        self.keywords = keywords  # keyword text -> terminal name
        self.file = file
        self.used: set[str] = set()

    def labels(self) -> tuple[tuple[str, str], ...]:
        return tuple((p.name, self.chosen[p.name].label) for p in self.parameters)

    def tokens(self, ref: Token) -> list[Token]:
        name = str(ref)[1:]
        value = self.chosen.get(name)
        if value is None:
            names = [p.name for p in self.parameters]
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = (f"did you mean '${close[0]}'?" if close else
                    f"declare it before 'chamber': param {name} in VALUE, VALUE, ...")
            raise _fail(_tok_span(self.file, ref), f"no parameter {name!r} is declared", hint)
        self.used.add(name)
        out = []
        for word in value.words:
            tok = ParamToken.new_borrow_pos(_typed(word, self.keywords), word, ref)
            tok.param_ref, tok.param_label = str(ref), value.label
            out.append(tok)
        return out


class ParamToken(Token):
    """A token put in place of ``$NAME``: it remembers the reference and the value's label."""

    param_ref: str
    param_label: str
