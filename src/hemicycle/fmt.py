"""The rule-file formatter: one canonical layout, comments and citations kept, meaning unchanged.

Canonical layout:

* one clause per line, in the order written; a block's clauses indented by 2 spaces, its ``}``
  on a line of its own;
* words separated by one space (``divisors 1, 2, 3`` keeps its commas against the number before);
* the citation ``[...]`` at the end of its clause's line, citations of the file aligned in one
  column (lines too long for the column get two spaces before the citation instead);
* comments kept: a comment on a line of its own stays before the clause that follows it, at
  that clause's indentation; a comment after code goes to the end of that code's line (the
  line of the whole clause, when a clause was written over several lines);
* runs of blank lines become one blank line; none at the start of the file, after ``{`` or
  before ``}``; the file ends with one newline.

The formatter works from the parse tree's tokens and the text between them (whitespace and
comments, the only things the grammar ignores), so it follows the grammar as it grows. It never
returns text whose model differs from the input's (``same_model``): it would raise instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from hemicycle import model as m
from hemicycle.diagnostics import RuleError
from hemicycle.grammar import parse_rules
from hemicycle.grammar.parser import binding_for, make_parser, parse_with, read_parameters, rule_text

INDENT = "  "
CITATION_COLUMN_LIMIT = 80  # citations are aligned at a column no further right than this
_COMMENT = re.compile(r"#[^\n]*")


class FormatError(Exception):
    """The formatter would change the meaning of the rules (a bug: please report it)."""


@cache
def _parser() -> Lark:
    return make_parser(keep_all_tokens=True)


@dataclass
class _Line:
    indent: int
    words: list[str]
    first: int  # source position of the first token
    last_end: int  # source end position of the last token
    start_line: int
    end_line: int
    citation: str | None = None
    trailing: list[str] = field(default_factory=list)


@dataclass
class _Comment:
    text: str
    pos: int
    line: int
    own_line: bool


def _tokens(node: Tree[Token] | Token) -> list[Token]:
    if isinstance(node, Token):
        return [node]
    return list(node.scan_values(lambda v: isinstance(v, Token)))


def _block_container(node: Tree[Token]) -> Tree[Token] | None:
    """The subtree of ``node`` whose own children hold a ``{`` (a block), if any."""
    for sub in node.iter_subtrees_topdown():
        if any(isinstance(c, Token) and c.type == "LBRACE" for c in sub.children):
            return sub
    return None


def _join(tokens: list[Token]) -> list[str]:
    words: list[str] = []
    last_ref: tuple[str, int | None] | None = None
    for tok in tokens:
        ref = getattr(tok, "param_ref", None)  # the words of a parameter's value: '$NAME' as written
        if ref is not None:
            if last_ref != (ref, tok.start_pos):
                words.append(ref)
            last_ref = (ref, tok.start_pos)
            continue
        last_ref = None
        if tok.type == "COMMA" and words:
            words[-1] += ","
        else:
            words.append(str(tok))
    return words


class _Renderer:
    def __init__(self) -> None:
        self.lines: list[_Line] = []

    def _line(self, indent: int, tokens: list[Token]) -> None:
        words = tokens
        citation = None
        if len(tokens) > 1 and tokens[-1].type == "CITATION":
            citation, words = str(tokens[-1]), tokens[:-1]
        self.lines.append(_Line(
            indent=indent, words=_join(words), citation=citation,
            first=tokens[0].start_pos or 0, last_end=tokens[-1].end_pos or 0,
            start_line=tokens[0].line or 0, end_line=tokens[-1].end_line or 0,
        ))

    def statement(self, node: Tree[Token] | Token, indent: int) -> None:
        if isinstance(node, Token):
            self._line(indent, [node])
            return
        tokens = _tokens(node)
        container = _block_container(node)
        if container is None:
            self._line(indent, tokens)
            return
        brace = next(i for i, c in enumerate(container.children) if isinstance(c, Token) and c.type == "LBRACE")
        lbrace: Token = container.children[brace]  # type: ignore[assignment]
        header = [t for t in tokens if (t.start_pos or 0) <= (lbrace.start_pos or 0)]
        body = container.children[brace + 1:]
        if body and isinstance(body[0], Tree) and body[0].data == "citation":
            header += _tokens(body[0])
            body = body[1:]
        close_at = max((i for i, c in enumerate(body) if isinstance(c, Token) and c.type == "RBRACE"), default=None)
        rbrace: Token | None = None
        if close_at is not None:
            rbrace = body[close_at]  # type: ignore[assignment]
            body = body[:close_at]
        self._line(indent, header)
        for child in body:
            self.statement(child, indent + 1)
        if rbrace is not None:
            tail = [t for t in tokens if (t.start_pos or 0) >= (rbrace.start_pos or 0)]
            self._line(indent, tail)


def _comments(text: str, tokens: list[Token]) -> list[_Comment]:
    out: list[_Comment] = []
    starts = [0, *[t.end_pos or 0 for t in tokens]]
    ends = [*[t.start_pos or 0 for t in tokens], len(text)]
    for gap_start, gap_end in zip(starts, ends, strict=True):
        for match in _COMMENT.finditer(text, gap_start, gap_end):
            pos = match.start()
            line_start = text.rfind("\n", 0, pos) + 1
            out.append(_Comment(match.group(0).rstrip(), pos, text.count("\n", 0, pos) + 1,
                                not text[line_start:pos].strip()))
    return out


def format_rules(text: str, file: str = "<rules>") -> str:
    """The canonical form of rule text. ``RuleError`` if it does not parse."""
    # A file with parameters is formatted as written ('$NAME' kept), read with the first value of each.
    first = {p.name: p.values[0] for p in read_parameters(text, file)}
    original = parse_rules(text, file, first)  # the project's own diagnostics for bad input
    source = rule_text(text)
    try:
        tree = parse_with(_parser(), source, binding_for(source, file, first))
    except UnexpectedInput as exc:  # pragma: no cover - parse_rules has already refused it
        raise FormatError(f"{file}: the grammar refused what the parser accepted: {exc}") from None
    renderer = _Renderer()
    for child in tree.children:
        renderer.statement(child, 0)
    lines = renderer.lines
    tokens = _tokens(tree)
    comments = _comments(source, tokens)

    leading: dict[int, list[_Comment]] = {}
    at_end: list[_Comment] = []
    for comment in comments:
        if comment.own_line:
            target = next((i for i, ln in enumerate(lines) if ln.first > comment.pos), None)
            (leading.setdefault(target, []) if target is not None else at_end).append(comment)
        else:
            # after code: at the end of the line of that code (a clause written over several
            # lines becomes one line, so a comment inside it goes to that line's end)
            target = max((i for i, ln in enumerate(lines) if ln.first < comment.pos), default=0)
            lines[target].trailing.append(comment.text)

    width = max((len(INDENT * ln.indent + " ".join(ln.words)) for ln in lines
                 if ln.citation is not None and len(INDENT * ln.indent + " ".join(ln.words)) + 2
                 <= CITATION_COLUMN_LIMIT), default=0)

    def render(ln: _Line) -> str:
        code = INDENT * ln.indent + " ".join(ln.words)
        if ln.citation is not None:
            pad = width - len(code) + 2 if len(code) <= width else 2
            code = code + " " * pad + ln.citation if ln.words else INDENT * ln.indent + ln.citation
        for comment in ln.trailing:
            code += "  " + comment
        return code.rstrip()

    out: list[str] = []
    prev_end_line = 0
    prev_opens = True  # start of file: no blank line
    for i, ln in enumerate(lines):
        closes = ln.words[:1] == ["}"]
        items: list[tuple[int, int, str]] = [(c.line, c.line, INDENT * ln.indent + c.text)
                                             for c in leading.get(i, [])]
        items.append((ln.start_line, ln.end_line, render(ln)))
        for k, (start, end, rendered) in enumerate(items):
            is_close = closes and k == len(items) - 1
            if start - prev_end_line > 1 and _blank_between(source, prev_end_line, start) \
                    and not prev_opens and not is_close:
                out.append("")
            out.append(rendered)
            prev_end_line = end
            prev_opens = False
        prev_opens = ln.words[-1:] == ["{"]
    for comment in at_end:
        if comment.line - prev_end_line > 1 and _blank_between(source, prev_end_line, comment.line):
            out.append("")
        out.append(comment.text)
        prev_end_line = comment.line
    result = "\n".join(out) + "\n"
    if not same_model(original, parse_rules(result, file, first)) or model_key(
            read_parameters(result, file)) != model_key(read_parameters(text, file)):
        raise FormatError(f"{file}: formatting would change the rules' meaning; the file is left as it is "
                          "(this is a bug in hemicycle fmt: please report it)")
    return result


def _blank_between(source: str, after_line: int, before_line: int) -> bool:
    """Is there an empty line strictly between two (1-based) source lines?"""
    lines = source.split("\n")
    return any(not lines[n - 1].strip() for n in range(after_line + 1, before_line) if 0 < n <= len(lines))


# --- the model, without positions ----------------------------------------------------------------


def model_key(node: Any) -> Any:
    """A comparable form of a model node, leaving out where it was written (spans, rule text)."""
    if is_dataclass(node) and not isinstance(node, type):
        return (type(node).__name__, tuple((f.name, model_key(getattr(node, f.name))) for f in fields(node)
                                           if f.name not in ("span", "source")))
    if isinstance(node, tuple | list):
        return tuple(model_key(x) for x in node)
    if isinstance(node, dict):
        return tuple(sorted((k, model_key(v)) for k, v in node.items()))
    if isinstance(node, Enum):
        return node.value
    return node


def same_model(a: m.Chamber, b: m.Chamber) -> bool:
    """Do two parsed rule files say the same thing (citations included)?"""
    return bool(model_key(a) == model_key(b))


__all__ = ["FormatError", "RuleError", "format_rules", "model_key", "same_model"]
