"""Editor support: Pygments lexer, TextMate grammar, language server, shell completion.

Keywords come from the Lark grammar; these tests fail when a highlighter misses a keyword or the
generated TextMate grammar is out of date."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hemicycle import __version__
from hemicycle.cli import app
from hemicycle.editor.lsp import completions, diagnostics, hover_text
from hemicycle.editor.textmate import textmate_json
from hemicycle.editor.vocabulary import vocabulary
from hemicycle.grammar.parser import _keywords

ROOT = Path(__file__).resolve().parent.parent
TEXTMATE = ROOT / "editors" / "vscode" / "syntaxes" / "elect.tmLanguage.json"
RULE_FILES = sorted((ROOT / "src" / "hemicycle" / "rules").glob("*.elect"))


# --- Pygments ------------------------------------------------------------------------------------


def test_pygments_lexer_is_registered_by_entry_point() -> None:
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert type(get_lexer_by_name("elect")).__name__ == "ElectLexer"
    assert type(get_lexer_for_filename("kazakhstan-2021.elect")).__name__ == "ElectLexer"


def test_pygments_every_keyword_is_highlighted() -> None:
    from pygments.token import Keyword, Name

    from hemicycle.editor.pygments_lexer import ElectLexer

    lexer = ElectLexer()
    for word in _keywords().values():
        tokens = [t for t in lexer.get_tokens(word) if t[1].strip()]
        assert len(tokens) == 1 and tokens[0][1] == word, word
        assert tokens[0][0] in Keyword or tokens[0][0] in Name.Builtin, (word, tokens[0][0])
    # a keyword inside a longer name is a name
    assert [t for t, v in lexer.get_tokens("hare-list") if v.strip()] == [Name]


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_pygments_lexes_bundled_rules_without_errors(path: Path) -> None:
    from pygments.token import Error, Text

    from hemicycle.editor.pygments_lexer import ElectLexer

    bad = [(t, v) for t, v in ElectLexer().get_tokens(path.read_text("utf-8"))
           if t is Error or (t is Text and v.strip())]
    assert not bad


# --- TextMate ------------------------------------------------------------------------------------


def test_textmate_grammar_is_up_to_date() -> None:
    assert TEXTMATE.read_text("utf-8") == textmate_json(), (
        "regenerate: python -m hemicycle.editor.textmate > editors/vscode/syntaxes/elect.tmLanguage.json")


def test_textmate_grammar_covers_every_keyword() -> None:
    grammar = json.loads(TEXTMATE.read_text("utf-8"))
    keyword_rules = [p for p in grammar["patterns"]
                     if p["name"].startswith(("keyword.control", "support.constant", "keyword.other"))]
    for word in _keywords().values():
        hits = [p["name"] for p in keyword_rules if re.fullmatch(p["match"], word)]
        assert len(hits) == 1, (word, hits)
    manifest = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text("utf-8"))
    assert manifest["contributes"]["grammars"][0]["scopeName"] == grammar["scopeName"]


def test_vocabulary_kinds() -> None:
    v = vocabulary()
    assert {"chamber", "tier", "threshold", "allocate", "ties", "when"} <= v.clause_words
    assert {"dhondt", "hare", "sainte_lague", "largest_remainder"} <= v.methods
    assert "ballots_cast" in v.bases and "ballots_cast" in v.values


# --- language server: the logic ------------------------------------------------------------------

GOOD = 'chamber "X" seats 10\ntier "t" seats 10 {\n  threshold 5% of valid_votes\n  allocate dhondt\n  ties none\n}\n'


def test_diagnostics() -> None:
    assert diagnostics(GOOD) == []
    (d,) = diagnostics(GOOD.replace("dhondt", "dhont"))
    assert d.span.line == 4 and "dhont" in d.message and d.hint == "did you mean 'dhondt'?"
    warnings = diagnostics(GOOD.replace("  ties none\n", ""))
    assert [w.severity for w in warnings] == ["warning"]


def test_hover_shows_the_reference() -> None:
    text = hover_text(GOOD, 3, 4)  # on 'allocate dhondt'
    assert text is not None and "`allocate METHOD`" in text and "d(0), d(1)" in text
    text = hover_text(GOOD, 2, 22)  # on 'valid_votes' in the threshold
    assert text is not None and "`threshold SHARE of BASE" in text and "`valid_votes`" in text
    lr = 'chamber "X" seats 10\ntier "t" seats 10 {\n  allocate largest_remainder quota hare\n}\n'
    text = hover_text(lr, 2, 4)
    assert text is not None and "largest_remainder quota KIND" in text
    assert hover_text("# nothing here\n", 0, 3) is None


def test_completion_follows_the_grammar() -> None:
    text = 'chamber "X" seats 10\ntier "t" seats 10 {\n  allocate '
    found = {c.label: c.kind for c in completions(text, 2, 11)}
    assert found["dhondt"] == "method" and found["largest_remainder"] == "method"
    assert "threshold" not in found and "chamber" not in found
    text = 'chamber "X" seats 10\ntier "t" seats 10 {\n  threshold 5% of '
    found = {c.label: c.kind for c in completions(text, 2, 18)}
    assert set(found) == vocabulary().bases and set(found.values()) == {"base"}
    text = 'chamber "X" seats 10\ntier "t" seats 10 {\n  thr'
    assert [c.label for c in completions(text, 2, 5)] == ["threshold"]
    garbage = "}}} ??"  # does not parse: every keyword
    assert len(completions(garbage, 0, 6)) == len(set(_keywords().values()))


# --- language server: over the protocol, with pygls' own client -------------------------------------


@contextlib.asynccontextmanager
async def _lsp_session(on_diagnostics: Callable[[Any], None], uri: str, text: str) -> AsyncIterator[Any]:
    """``hemicycle.editor.lsp`` over stdio with a pygls client, initialised, the document ``uri``
    opened with ``text``; published diagnostics go to ``on_diagnostics``. Shut down after the block."""
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("hemicycle-test", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        on_diagnostics(params)

    await client.start_io(sys.executable, "-m", "hemicycle.editor.lsp")
    try:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        client.initialized(types.InitializedParams())
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="elect", version=1, text=text)))
        yield client
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()


def test_language_server_over_stdio(tmp_path: Path) -> None:
    pytest.importorskip("pygls")
    from lsprotocol import types

    async def session() -> tuple[list[types.Diagnostic], types.Hover | None, object]:
        published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()
        uri = (tmp_path / "x.elect").as_uri()
        async with _lsp_session(published.put_nowait, uri, GOOD.replace("dhondt", "dhont")) as client:
            first = await asyncio.wait_for(published.get(), 20)
            hover = await client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=4)))
            completion = await client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=11)))
        return first.diagnostics, hover, completion

    found, hover, completion = asyncio.run(session())
    assert len(found) == 1 and found[0].range.start.line == 3 and found[0].range.start.character == 11
    assert found[0].severity == types.DiagnosticSeverity.Error and "dhont" in found[0].message
    assert hover is not None and "threshold SHARE of BASE" in hover.contents.value  # type: ignore[union-attr]
    labels = {item.label for item in completion.items}  # type: ignore[attr-defined]
    assert "dhondt" in labels


# --- shell completion and --version ---------------------------------------------------------------


def test_shell_completion() -> None:
    runner = CliRunner()
    env = {"_HEMICYCLE_COMPLETE": "complete_bash", "COMP_WORDS": "hemicycle ex", "COMP_CWORD": "1"}
    r = runner.invoke(app, [], env=env, prog_name="hemicycle")
    assert r.exit_code == 0 and r.output.split() == ["export"]
    env = {"_HEMICYCLE_COMPLETE": "complete_bash", "COMP_WORDS": "hemicycle export r v --to ", "COMP_CWORD": "5"}
    r = runner.invoke(app, [], env=env, prog_name="hemicycle")
    assert r.output.split() == ["nist", "eml"]
    r = runner.invoke(app, ["--show-completion", "bash"], prog_name="hemicycle")
    assert r.exit_code == 0 and "_HEMICYCLE_COMPLETE=complete_bash" in r.output


def test_version() -> None:
    r = CliRunner().invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"hemicycle {__version__}"


# --- language server: bounded work ------------------------------------------------------------------


def test_completion_context_agrees_with_the_whole_prefix() -> None:
    """Completion parses only the clause around the cursor once the text before it is long: the
    words offered are the same as from the whole prefix (here at every token of four bundled files
    and a text of every clause word that also stands inside clauses, districts without a block;
    scripts/fuzz.py --lsp does all of them and random texts)."""
    from hemicycle.editor.lsp import _TOKEN

    constructed = ('chamber "c" seats 3\ndistricts seats 2\ndistricts "r" seats 1 {}\n'
                   'tier "a" in each district {\n  threshold 1000 votes or 5% of valid_votes in at least 2 districts\n'
                   '  allocate largest_remainder quota imperiali rounded nearest integer parts only\n}\n'
                   'tier "b" seats unfilled in tier "a" {\n  votes remainders of tier "a"\n'
                   '  place in each district by remainders of tier "a"\n  allocate dhondt\n}\n')
    for name in ("kazakhstan-2021", "israel-2015", "czech-2021", "us-house-2000", "constructed"):
        text = constructed if name == "constructed" else (ROOT / "rules" / f"{name}.elect").read_text("utf-8")
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        for match in _TOKEN.finditer(text):
            offset = match.end()
            line = max(i for i, s in enumerate(starts) if s <= offset)
            short = completions(text, line, offset - starts[line], parse_limit=0)
            whole = completions(text, line, offset - starts[line], parse_limit=10**9)
            assert short == whole, (name, line, text[max(0, offset - 40):offset])


def test_huge_documents_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from hemicycle.editor import lsp

    huge = GOOD * (10_000_000 // len(GOOD))  # 10 MB
    calls = []
    real = lsp._parser
    monkeypatch.setattr(lsp, "_parser", lambda: calls.append(1) or real())
    (d,) = diagnostics(huge)
    assert "larger than" in d.message
    assert len(completions(huge, huge.count("\n") - 2, 2)) == len(vocabulary().words)
    assert hover_text(huge, huge.count("\n") - 3, 4) is not None  # a window of lines around the cursor
    assert calls == []
    # a long but legal document: only the clause at the cursor is parsed
    long = GOOD + "".join(GOOD[GOOD.index("tier"):].replace('"t"', f'"t{i}"') for i in range(2000))
    assert len(long) < lsp.MAX_RULE_BYTES
    monkeypatch.setattr(lsp, "_parser", real)
    assert [c.label for c in completions(long, long.count("\n") - 2, 2)][:1] == ["admit"]
    assert lsp.completion_context(long[:-8]).count("tier") == 2  # a stub and the open tier


def test_flood_of_edits_is_computed_once_and_stale_results_dropped() -> None:
    import threading
    import time

    from hemicycle.editor.lsp import LatestOnly

    started: list[str] = []
    published: list[tuple[int, object]] = []
    release = threading.Event()

    def work(text: str, uri: str) -> str:
        started.append(text)
        if text == "v1":
            release.wait(5)  # a slow computation, still running while the edits come in
        return text.upper()

    async def edits() -> LatestOnly:
        scheduler = LatestOnly(work, lambda uri, v, text, result: published.append((v, result)), delay=0.05)
        scheduler.changed("u", 1, "v1")
        await asyncio.sleep(0.2)  # v1 starts and blocks
        for version in range(2, 1002):
            scheduler.changed("u", version, f"v{version}")
        release.set()
        deadline = time.monotonic() + 10
        while (not published or published[-1][0] != 1001) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return scheduler

    scheduler = asyncio.run(edits())
    assert started == ["v1", "v1001"]  # 1001 versions, two computations
    assert published == [(1001, "V1001")]  # v1's result was stale: never shown
    assert scheduler.computed == 2 and scheduler.dropped == 1


def test_language_server_keeps_up_with_a_flood_of_edits(tmp_path: Path) -> None:
    pytest.importorskip("pygls")
    from lsprotocol import types

    # a document that takes the parser a while (a few hundred tiers), edited 300 times in a burst
    body = GOOD + "".join(GOOD[GOOD.index("tier"):].replace('"t"', f'"t{i}"') for i in range(100))
    versions = 300

    async def session() -> list[types.PublishDiagnosticsParams]:
        published: list[types.PublishDiagnosticsParams] = []
        uri = (tmp_path / "x.elect").as_uri()
        async with _lsp_session(published.append, uri, body) as client:
            for version in range(2, versions + 1):
                text = body.replace("dhondt", "dhont", 1) if version % 2 else body
                client.text_document_did_change(types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            # the server answers a request at once, while the edits are still being checked
            hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=4))),
                30)
            assert hover is not None
            for _ in range(600):
                if published and published[-1].version == versions:
                    break
                await asyncio.sleep(0.1)
        return published

    published = asyncio.run(session())
    assert published and published[-1].version == versions
    # the last version's diagnostics: not the misspelling of the odd versions
    assert [d.message for d in published[-1].diagnostics] == [d.message for d in diagnostics(body)]
    assert not any("dhont" in d.message for d in published[-1].diagnostics)
    assert len(published) <= 5  # not one per edit: debounced, stale results dropped
