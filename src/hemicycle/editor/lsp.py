"""A language server for rule files (optional extra: ``pip install 'hemicycle[lsp]'``).

* diagnostics as you type: the parser's errors, then the checker's errors and warnings
  (the same as ``hemicycle check``);
* hover on a clause: its section of the language reference (``docs/language.md``), plus the row
  of a reference table that explains the word under the cursor (a base, a method, a quota ...);
* completion: exactly the keywords the grammar accepts at the cursor (Lark's interactive LALR
  parser), marked as clause, method, base or keyword; every keyword where the text before the
  cursor does not parse; after ``$``, the parameters the file declares;
* a file with parameters is checked in every combination of their values (as ``hemicycle
  check`` does), each finding naming the combinations it holds for;
* formatting: ``hemicycle fmt``'s canonical layout, as edits of the lines that change
  (``hemicycle.editor.edits``); a text that does not parse is left alone, with a message;
* quick fixes: each did-you-mean hint (``Diagnostic.replacement``) as a code action, preferred
  when the document parses once it is applied;
* code lenses: over the ``chamber`` clause of a rule file that reproduces bundled elections (by
  its name: ``hemicycle/elections/index.toml``), the seats the text gives for each and whether they
  are the official ones; their command (``hemicycle.showProtocol``, the VS Code extension's) asks
  the server for the protocol with ``workspace/executeCommand hemicycle.protocol [uri, election]``
  (``hemicycle.editor.lenses``).

Run it over stdio with ``hemicycle-lsp`` (or ``python -m hemicycle.editor.lsp``). The pure
functions ``diagnostics``, ``hover_text`` and ``completions`` hold the logic; pygls only carries
them.

Positions: LSP lines are 0-based and break at "\n", "\r\n" and "\r" only, as the parser's
(``diagnostics.LINE_BREAK``: a form feed or U+2028 in a comment moves no position); characters
are UTF-16 code units, converted from and to the parser's code points.

Bounds: a document over the rule-file size limit gets one diagnostic and no parse; completion
parses only the clause around the cursor (with the blocks that enclose it) once the text before
the cursor is long; hover reads a window of lines around the cursor. Diagnostics run off the
event loop, one document version at a time: edits that arrive within ``DEBOUNCE_SECONDS`` of each
other are computed once, a result for a version that has since changed is never published, and
the latest version is computed next (``LatestOnly``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

from lark.exceptions import LarkError

from hemicycle.checker import check
from hemicycle.diagnostics import LINE_BREAK, Diagnostic, RuleError
from hemicycle.display import escape_controls
from hemicycle.editor import edits as ed
from hemicycle.editor import lenses as lz
from hemicycle.editor import patterns as p
from hemicycle.editor.vocabulary import vocabulary
from hemicycle.grammar import parse_rules
from hemicycle.grammar.parser import MAX_RULE_BYTES, _parser, rule_text
from hemicycle.version import __version__

DEBOUNCE_SECONDS = 0.2  # edits closer together than this are checked once
HOVER_WINDOW = 20_000  # characters on each side of the cursor that hover reads (whole lines)
COMPLETION_PARSE_LIMIT = 4_000  # text before the cursor parsed whole; longer: the clause around it

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
    return [result.diagnostic(found) for found in result.found]


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


_TOKEN = re.compile("|".join(f"(?:{x})" for x in (p.COMMENT, p.STRING, p.CITATION, p.PARAM_REF, p.NAME, r"\S")))


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


def _window(text: str, offset: int, reach: int = HOVER_WINDOW) -> tuple[str, int]:
    """The whole lines within ``reach`` characters of ``offset``, and where they start (strings,
    comments and citations never span lines, so the words read the same as in the whole text)."""
    lo = 0 if offset <= reach else text.rfind("\n", 0, offset - reach) + 1
    hi = text.find("\n", offset + reach)
    return text[lo: len(text) if hi < 0 else hi], lo


def hover_text(text: str, line: int, character: int) -> str | None:
    """Markdown for a hover at a 0-based position, or ``None``."""
    offset = _offset(text, line, character)
    window, start = _window(text.replace("\r", "\n"), offset)  # the same length; no comment runs past a "\r"
    words, under = _clause_at(window, offset - start)
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


# --- positions: LSP (0-based lines, UTF-16 units) and the parser's (1-based lines, code points) -----


@lru_cache(maxsize=4)  # the same document is asked about again and again
def _line_starts(text: str) -> list[int]:
    if "\r" not in text:  # the common case, twice as fast
        return [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def _utf16_units(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _code_points(line: str, units: int) -> int:
    """How many code points of ``line`` the first ``units`` UTF-16 units cover."""
    count = 0
    for i, c in enumerate(line):
        count += 2 if ord(c) > 0xFFFF else 1
        if count > units:
            return i
    return len(line)


def _offset(text: str, line: int, character: int) -> int:
    """The index into ``text`` of an LSP position (clamped to the text)."""
    starts = _line_starts(text)
    line = max(0, min(line, len(starts) - 1))
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    content = text[starts[line]:end].rstrip("\r\n")
    return starts[line] + _code_points(content, max(0, character))


def lsp_position(text: str, line: int, col: int) -> tuple[int, int]:
    """The LSP position (0-based line, UTF-16 character) of the parser's 1-based line and column."""
    starts = _line_starts(text)
    index = max(0, min(line, len(starts)) - 1)
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    content = text[starts[index]:end].rstrip("\r\n")
    points = max(0, col - 1) + (1 if index == 0 and text.startswith("\ufeff") else 0)  # the parser drops a BOM
    return index, _utf16_units(content[:points]) + max(0, points - len(content))


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


def completions(text: str, line: int, character: int, *, parse_limit: int = COMPLETION_PARSE_LIMIT
                ) -> list[Completion]:
    """The keywords that may be written at a 0-based position (all of them if the text before it
    does not parse, or the document is over the size limit), those starting with the partial word
    typed there first."""
    v = vocabulary()
    if len(text) > MAX_RULE_BYTES:  # refused by the parser anyway: no work at all
        return [Completion(w, _kind(w)) for w in sorted(v.words)]
    offset = _offset(text, line, character)
    prefix = rule_text(text[:offset])
    ref = re.search(r"\$([A-Za-z0-9_\-]*)$", prefix[-200:])
    if ref is not None:  # '$': the parameters declared at the head of the file
        names = re.findall(rf"(?m)^\s*param\s+({p.NAME})", text)
        return [Completion(f"${n}", "parameter") for n in names if n.startswith(ref.group(1))]
    partial = re.search(r"[A-Za-z_][A-Za-z0-9_\-]*$", prefix[-200:])
    typed = partial.group(0) if partial else ""
    before = prefix[: len(prefix) - len(typed)]
    accepted = accepted_words(before if len(before) <= parse_limit else completion_context(before))
    words = set(v.words) if accepted is None else accepted
    chosen = sorted(w for w in words if w.startswith(typed)) or sorted(words)
    return [Completion(w, _kind(w)) for w in chosen]


def accepted_words(before: str) -> set[str] | None:
    """The keywords the grammar accepts after ``before``, or ``None`` if it does not parse."""
    keywords = vocabulary().keywords
    try:
        interactive = _parser().parse_interactive(before, start="start")
        interactive.exhaust_lexer()
        return {keywords[t] for t in interactive.accepts() if t in keywords}
    except (LarkError, KeyError):
        return None


_CHAMBER_STUB = 'chamber "" seats 0\n'
_TIER_STUB = 'tier "" seats 0 {}\n'
_DISTRICTS_STUB = 'districts seats 0 {}\n'


# Clause words that open a clause only at the top level: inside a block they are references
# ('votes remainders of tier "X"', 'in at least 2 districts'); 'tier' after 'in' or 'of' is one too
# ('seats unfilled in tier "X"'); 'votes' after a number is a threshold's ('1000 votes').
_TOP_LEVEL = frozenset({"param", "chamber", "appointed", "districts", "tier"})


def _opens_clause(word: str, previous: str, in_block: bool) -> bool:
    if word in _TOP_LEVEL:
        return not in_block and not (word == "tier" and previous in ("in", "of"))
    return not (word == "votes" and previous[:1].isdigit())


def completion_context(before: str) -> str:
    """A short text that leaves the LALR parser in the same state as ``before`` for what may come
    next: a stub chamber (and a stub tier if a tier was closed at the top level), the headers of
    the blocks open at the end, and the clause being written there (a stub districts block too if
    one was closed at the top level: after it, no 'appointed'). Clauses are independent of the
    clauses before them in their block, so the accepted words are the same (tested against the
    whole prefix on the bundled rules)."""
    clause_words, before_names = vocabulary().clause_words, vocabulary().before_names
    inner = vocabulary().inner_pairs
    open_headers: list[tuple[str, int]] = []  # (header text, clause start of the enclosing block)
    clause_start = 0
    tier_closed = districts_closed = False
    previous = ""
    in_header = True  # before 'chamber': parameter declarations, whose values may be any words
    for match in _TOKEN.finditer(before):
        word = match.group(0)
        if word.startswith(("#", '"', "[")):
            continue
        in_header = in_header and word != "chamber"
        if in_header:
            continue
        before_word = previous
        word, previous = ("" if previous in before_names else word), word  # 'as tier': a name
        if (before_word, word) in inner:  # 'after tier', 'district_seats overhang': inside a clause
            word = ""
        if word == "{":
            open_headers.append((before[clause_start:match.end()], clause_start))
            clause_start = match.end()
        elif word == "}":
            if open_headers:
                header, _ = open_headers.pop()
                top = header.lstrip() if not open_headers else ""
                tier_closed = tier_closed or top.startswith("tier")
                districts_closed = districts_closed or top.startswith("districts")
            clause_start = match.end()
        elif word in clause_words and _opens_clause(word, before_word, bool(open_headers)):
            districts_closed = districts_closed or before[clause_start:].lstrip().startswith("districts")
            clause_start = match.start()
    if in_header:
        return before  # the declarations: short, and read as they are
    current = before[clause_start:]
    if clause_start == 0 or (not open_headers and current.startswith("chamber")):
        return current  # the first clause: nothing to leave out
    head = _CHAMBER_STUB + (_DISTRICTS_STUB if districts_closed else "") + (_TIER_STUB if tier_closed else "")
    return head + "\n".join(h for h, _ in open_headers) + "\n" + current


# --- the server -----------------------------------------------------------------------------------


def diagnostic_range(text: str, d: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    """The LSP (start, end) of a diagnostic in ``text``: never empty, never before its start."""
    if d.span.line < 1:
        return (0, 0), (0, 1)
    start = lsp_position(text, d.span.line, d.span.col)
    end = lsp_position(text, d.span.end_line, d.span.end_col) if d.span.end_line >= 1 else start
    if end <= start:
        end = (start[0], start[1] + 1)
    return start, end


class LatestOnly:
    """Runs ``work(text)`` for each document off the event loop and hands the result of its latest
    version to ``publish(uri, version, text, result)``, on the loop.

    Changes within ``delay`` seconds of each other are worked on once (debounce); at most one
    computation runs per document; a result whose document changed meanwhile is dropped (stale)
    and the latest version is computed next. The work itself is bounded by the size limit, so
    a flood of edits costs at most one computation in flight and one to come."""

    def __init__(self, work: Callable[[str, str], Any], publish: Callable[[str, int, str, Any], None], *,
                 delay: float = DEBOUNCE_SECONDS, executor: Executor | None = None) -> None:
        self.work, self.publish, self.delay = work, publish, delay
        self.executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="hemicycle-lsp")
        self.latest: dict[str, tuple[int, str]] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.running: set[str] = set()
        self.computed = 0  # computations started (for tests and figures)
        self.dropped = 0  # results not published because the document had changed

    def changed(self, uri: str, version: int, text: str) -> None:
        self.latest[uri] = (version, text)
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.timers[uri] = asyncio.get_running_loop().call_later(self.delay, self._start, uri)

    def closed(self, uri: str) -> None:
        self.latest.pop(uri, None)
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def _start(self, uri: str) -> None:
        self.timers.pop(uri, None)
        if uri in self.running or uri not in self.latest:
            return  # the running computation starts the latest version when it ends
        version, text = self.latest[uri]
        self.running.add(uri)
        self.computed += 1
        future = asyncio.get_running_loop().run_in_executor(self.executor, self.work, text, uri)
        future.add_done_callback(lambda f: self._done(uri, version, text, f))

    def _done(self, uri: str, version: int, text: str, future: asyncio.Future[Any]) -> None:
        self.running.discard(uri)
        latest = self.latest.get(uri)
        if latest is None:
            return  # closed meanwhile
        if latest[0] != version:
            self.dropped += 1
            if uri not in self.timers:
                self._start(uri)
            return
        self.publish(uri, version, text, future.result())


def make_server() -> Any:
    """The pygls ``LanguageServer`` (pygls and lsprotocol are imported here: the [lsp] extra).

    Documents are synchronised in full: pygls applies incremental edits by ``str.splitlines``,
    whose lines are not the protocol's when the text holds a form feed or U+2028."""
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path

    server = LanguageServer("hemicycle", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
    kinds = {"clause": types.CompletionItemKind.Keyword, "method": types.CompletionItemKind.Function,
             "base": types.CompletionItemKind.Constant, "value": types.CompletionItemKind.EnumMember,
             "keyword": types.CompletionItemKind.Keyword, "parameter": types.CompletionItemKind.Variable}

    def lsp_diagnostic(text: str, d: Diagnostic) -> Any:
        message = d.message
        if d.expected:
            message += "\nexpected " + ", ".join(d.expected)
        if d.hint:
            message += f"\nhint: {d.hint}"
        severity = (types.DiagnosticSeverity.Warning if d.severity == "warning"
                    else types.DiagnosticSeverity.Error)
        (l0, c0), (l1, c1) = diagnostic_range(text, d)
        return types.Diagnostic(range=types.Range(start=types.Position(line=l0, character=c0),
                                                  end=types.Position(line=l1, character=c1)),
                                message=escape_controls(message), severity=severity, source="hemicycle")

    def publish(uri: str, version: int, text: str, found: list[Diagnostic]) -> None:
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=[lsp_diagnostic(text, d) for d in found]))

    def work(text: str, uri: str) -> list[Diagnostic]:
        return diagnostics(text, to_fs_path(uri) or uri)

    scheduler = LatestOnly(work, publish)
    server.hemicycle_scheduler = scheduler  # type: ignore[attr-defined]

    def changed(uri: str) -> None:
        document = server.workspace.get_text_document(uri)
        scheduler.changed(uri, document.version or 0, document.source)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: Any, params: types.DidCloseTextDocumentParams) -> None:
        scheduler.closed(params.text_document.uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: Any, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        text = hover_text(document.source, params.position.line, params.position.character)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    _edit_features(server, work)
    _lens_features(server)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" "]))
    async def completion(ls: Any, params: types.CompletionParams) -> types.CompletionList:
        document = ls.workspace.get_text_document(params.text_document.uri)
        items = [types.CompletionItem(label=c.label, kind=kinds[c.kind], detail=c.kind)
                 for c in completions(document.source, params.position.line, params.position.character)]
        return types.CompletionList(is_incomplete=False, items=items)

    return server


def _range(types: Any, start: tuple[int, int], end: tuple[int, int]) -> Any:
    return types.Range(start=types.Position(line=start[0], character=start[1]),
                       end=types.Position(line=end[0], character=end[1]))


def _text_edit(types: Any, e: ed.TextEdit) -> Any:
    return types.TextEdit(range=_range(types, e.start, e.end), new_text=e.new_text)


def _edit_features(server: Any, check: Callable[[str, str], list[Diagnostic]]) -> None:
    """Formatting and the quick fixes of did-you-mean hints."""
    from lsprotocol import types
    from pygls.uris import to_fs_path

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    async def formatting(ls: Any, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        path = to_fs_path(params.text_document.uri) or params.text_document.uri
        try:
            found = await asyncio.get_running_loop().run_in_executor(
                None, ed.formatting_edits, document.source, path)
        except ed.NotFormatted as e:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning,
                                                           message=escape_controls(f"hemicycle: {e}")))
            return None
        return [_text_edit(types, e) for e in found]

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(ls: Any, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        path = to_fs_path(uri) or uri
        r = params.range
        wanted = ((r.start.line, r.start.character), (r.end.line, r.end.character))

        def fixes() -> list[ed.QuickFix]:
            return ed.quick_fixes(text, check(text, uri), wanted, lambda d: diagnostic_range(text, d),
                                  lambda t: diagnostics(t, path))

        found = await asyncio.get_running_loop().run_in_executor(None, fixes)
        return [types.CodeAction(
            title=f.title, kind=types.CodeActionKind.QuickFix, is_preferred=f.preferred,
            edit=types.WorkspaceEdit(changes={uri: [_text_edit(types, f.edit)]}),
        ) for f in found]


def _lens_features(server: Any) -> None:
    """Code lenses with the seats of the bundled elections a rule file reproduces; the protocol."""
    from lsprotocol import types
    from pygls.uris import to_fs_path

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: Any, params: types.CodeLensParams) -> list[types.CodeLens]:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        path = to_fs_path(uri) or uri
        if len(text) > MAX_RULE_BYTES or not lz.elections_for(path):
            return []
        found = await asyncio.get_running_loop().run_in_executor(None, lz.lenses, text, path)
        return [types.CodeLens(range=_range(types, (lens.line, 0), (lens.line, 0)),
                               command=types.Command(title=lens.title, command=lz.COMMAND,
                                                     arguments=[uri, lens.election]))
                for lens in found]

    @server.command(lz.SERVER_COMMAND)
    async def protocol(ls: Any, uri: str, election: str) -> str:
        text = ls.workspace.get_text_document(uri).source
        path = to_fs_path(uri) or uri
        return await asyncio.get_running_loop().run_in_executor(None, lz.protocol, text, path, election)


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
