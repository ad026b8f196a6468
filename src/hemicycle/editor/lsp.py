"""A language server for rule files (optional extra: ``pip install 'hemicycle[lsp]'``).

* diagnostics as you type: the parser's errors, then the checker's errors and warnings
  (the same as ``hemicycle check``);
* hover on a clause: its section of the language reference (``docs/language.md``), plus the row
  of a reference table that explains the word under the cursor (a base, a method, a quota ...);
* completion: exactly the keywords the grammar accepts at the cursor (Lark's interactive LALR
  parser), marked as clause, method, base or keyword; every keyword where the text before the
  cursor does not parse; after ``$``, the parameters the file declares;
* a file with parameters is checked in every combination of their values (as ``hemicycle
  check`` does), each finding naming the combinations it holds for.

Run it over stdio with ``hemicycle-lsp`` (or ``python -m hemicycle.editor.lsp``). The pure
functions ``diagnostics``, ``hover_text`` and ``completions`` hold the logic; pygls only carries
them. Positions: LSP lines and characters are 0-based; columns are counted in code points, which
equal UTF-16 units for every character outside the astral planes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lark.exceptions import LarkError

from hemicycle import __version__
from hemicycle.checker import check
from hemicycle.diagnostics import Diagnostic, RuleError
from hemicycle.editor import patterns as p
from hemicycle.editor.vocabulary import vocabulary
from hemicycle.grammar import parse_rules
from hemicycle.grammar.parser import _parser

# --- diagnostics ----------------------------------------------------------------------------------


EDITOR_COMBINATIONS = 500  # a file with parameters: combinations checked as you type (all: hemicycle check)


def diagnostics(text: str, file: str = "<editor>") -> list[Diagnostic]:
    """Parse errors, or else the checker's findings, for rule text. With parameters: those of
    every combination (up to ``EDITOR_COMBINATIONS``; the first of each value otherwise), the
    combinations named in the message."""
    from hemicycle.family import Family

    try:
        family = Family.parse(text, file)
    except RuleError as exc:
        return list(exc.diagnostics)
    if not family.parameters:
        try:
            chamber = parse_rules(text, file)
        except RuleError as exc:
            return list(exc.diagnostics)
        return check(chamber)
    choices = None
    if family.size() > EDITOR_COMBINATIONS:
        choices = {p.name: p.values[:1] for p in family.parameters}
    result = family.check(choices)
    out = []
    for found in result.found:
        d = found.diagnostic
        lines = result.render(found).split("\n")
        where = lines[-1].strip() if found.combinations and lines[-1].startswith("  in ") else ""
        out.append(Diagnostic(d.span, f"{d.message} ({where})" if where else d.message, d.hint, d.severity,
                              d.expected))
    return out


# --- the language reference -----------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    body: str
    words: frozenset[str]  # the keywords its heading names

    @property
    def first(self) -> str:
        match = re.match(r"`([a-z_]+)", self.title)
        return match.group(1) if match else ""


def _reference_text() -> str:
    packaged = resources.files("hemicycle").joinpath("docs", "language.md")
    if packaged.is_file():
        return packaged.read_text("utf-8")
    source_tree = Path(__file__).resolve().parents[3] / "docs" / "language.md"  # an editable install
    return source_tree.read_text("utf-8") if source_tree.is_file() else ""


@cache
def reference() -> tuple[Section, ...]:
    sections: list[Section] = []
    words = vocabulary().words
    for chunk in re.split(r"^### ", _reference_text(), flags=re.M)[1:]:
        title, _, body = chunk.partition("\n")
        body = re.split(r"^## ", body, flags=re.M)[0].strip()
        spans = " ".join(re.findall(r"`([^`]*)`", title))
        sections.append(Section(title.strip(), body, frozenset(re.findall(r"[a-z_]+", spans)) & words))
    return tuple(sections)


_TOKEN = re.compile("|".join(f"(?:{x})" for x in (p.COMMENT, p.STRING, p.CITATION, p.NAME, r"\S")))


def _clause_at(text: str, offset: int) -> tuple[list[str], str | None]:
    """The words of the clause around ``offset`` (from its clause keyword to the next one, '{' or
    '}') and the word under the cursor. Lexical, so it works on text that does not parse."""
    clause_words = vocabulary().clause_words
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    under = next((w for s, e, w in tokens if s <= offset <= e and re.fullmatch(p.NAME, w)), None)
    start = None
    for i, (s, _, word) in enumerate(tokens):
        if s > offset:
            break
        if word in clause_words:
            start = i
        elif word in "{}" and s < offset:
            start = None
    if start is None:
        return [], under
    words = [tokens[start][2]]
    for _, _, word in tokens[start + 1:]:
        if word in clause_words or word in "{}" or word.startswith(("#", "[")):
            break
        words.append(word)
    return words, under


def hover_text(text: str, line: int, character: int) -> str | None:
    """Markdown for a hover at a 0-based position, or ``None``."""
    offset = _offset(text, line, character)
    words, under = _clause_at(text, offset)
    parts: list[str] = []
    if words:
        clause = set(words)
        candidates = [s for s in reference() if s.first == words[0]]
        if candidates:
            best = max(candidates, key=lambda s: 10 * len(s.words & clause) - len(s.words - clause))
            parts.append(f"**{best.title}**\n\n{best.body}")
        else:
            parts.append(f"**`{words[0]}`**: this clause is not described in the language reference yet.")
    if under is not None and under in vocabulary().words:
        row = _table_row(under)
        if row and (not parts or row not in parts[0]):
            parts.append(row)
    return "\n\n---\n\n".join(parts) if parts else None


def _table_row(word: str) -> str | None:
    pattern = re.compile(rf"^\|\s*`{re.escape(word)}`\s*\|.*$", re.M)
    match = pattern.search(_reference_text())
    return match.group(0) if match else None


def _offset(text: str, line: int, character: int) -> int:
    lines = text.split("\n")
    line = max(0, min(line, len(lines) - 1))
    return sum(len(x) + 1 for x in lines[:line]) + min(character, len(lines[line]))


# --- completion -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # "clause" | "method" | "base" | "value" | "keyword" | "parameter"


def _kind(word: str) -> str:
    v = vocabulary()
    if word in v.clause_words:
        return "clause"
    if word in v.methods:
        return "method"
    if word in v.bases:
        return "base"
    if word in v.values:
        return "value"
    return "keyword"


def completions(text: str, line: int, character: int) -> list[Completion]:
    """The keywords that may be written at a 0-based position (all of them if the text before it
    does not parse), those starting with the partial word typed there first."""
    offset = _offset(text, line, character)
    prefix = text[:offset]
    ref = re.search(r"\$([A-Za-z0-9_\-]*)$", prefix)
    if ref is not None:  # '$': the parameters declared at the head of the file
        names = re.findall(rf"(?m)^\s*param\s+({p.NAME})", text)
        return [Completion(f"${n}", "parameter") for n in names if n.startswith(ref.group(1))]
    partial = re.search(r"[A-Za-z_][A-Za-z0-9_\-]*$", prefix)
    typed = partial.group(0) if partial else ""
    before = prefix[: len(prefix) - len(typed)]
    v = vocabulary()
    words: set[str]
    try:
        interactive = _parser().parse_interactive(before.removeprefix("\ufeff"), start="start")
        interactive.exhaust_lexer()
        words = {v.keywords[t] for t in interactive.accepts() if t in v.keywords}
    except (LarkError, KeyError):
        words = set(v.words)
    chosen = sorted(w for w in words if w.startswith(typed)) or sorted(words)
    return [Completion(w, _kind(w)) for w in chosen]


# --- the server -----------------------------------------------------------------------------------


def _lsp_range(types: Any, d: Diagnostic) -> Any:
    line = max(d.span.line - 1, 0)
    col = max(d.span.col - 1, 0)
    end_line = max(d.span.end_line - 1, line)
    end_col = d.span.end_col - 1 if d.span.end_line >= 1 else col + 1
    if end_line == line and end_col <= col:
        end_col = col + 1
    return types.Range(start=types.Position(line=line, character=col),
                       end=types.Position(line=end_line, character=end_col))


def make_server() -> Any:
    """The pygls ``LanguageServer`` (pygls and lsprotocol are imported here: the [lsp] extra)."""
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("hemicycle", __version__)
    kinds = {"clause": types.CompletionItemKind.Keyword, "method": types.CompletionItemKind.Function,
             "base": types.CompletionItemKind.Constant, "value": types.CompletionItemKind.EnumMember,
             "keyword": types.CompletionItemKind.Keyword, "parameter": types.CompletionItemKind.Variable}

    def publish(ls: Any, uri: str) -> None:
        document = ls.workspace.get_text_document(uri)
        found = []
        for d in diagnostics(document.source, document.filename or uri):
            message = d.message
            if d.expected:
                message += "\nexpected " + ", ".join(d.expected)
            if d.hint:
                message += f"\nhint: {d.hint}"
            severity = (types.DiagnosticSeverity.Warning if d.severity == "warning"
                        else types.DiagnosticSeverity.Error)
            found.append(types.Diagnostic(range=_lsp_range(types, d), message=message, severity=severity,
                                          source="hemicycle"))
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=found))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: Any, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        text = hover_text(document.source, params.position.line, params.position.character)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" "]))
    def completion(ls: Any, params: types.CompletionParams) -> types.CompletionList:
        document = ls.workspace.get_text_document(params.text_document.uri)
        items = [types.CompletionItem(label=c.label, kind=kinds[c.kind], detail=c.kind)
                 for c in completions(document.source, params.position.line, params.position.character)]
        return types.CompletionList(is_incomplete=False, items=items)

    return server


def main() -> None:
    """``hemicycle-lsp``: serve over stdio."""
    try:
        server = make_server()
    except ImportError:
        import sys

        sys.stderr.write("hemicycle-lsp needs the [lsp] extra: pip install 'hemicycle[lsp]'\n")
        raise SystemExit(2) from None
    server.start_io()


if __name__ == "__main__":
    main()
