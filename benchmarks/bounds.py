"""Bounded work on hostile sizes: the language server on huge documents and floods of edits, and
``compare --html`` on huge houses (issue 12, item 6). Prints one line per figure.

Run: ``python benchmarks/bounds.py`` (with ``pip install -e ".[test]"``: pygls for the flood).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from hemicycle.editor.lsp import completions, diagnostics, hover_text
from hemicycle.grammar.parser import MAX_RULE_BYTES

TIER = 'tier "t{i}" seats 10 {{\n  threshold 5% of valid_votes  [art. 1]\n  allocate dhondt\n  ties none\n}}\n'


def legal_document(size: int) -> str:
    text, i = 'chamber "A" seats 10\n', 0
    while len(text) + len(TIER) + 8 < size:
        text += TIER.format(i=i)
        i += 1
    return text


def timed(label: str, f, *args) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    f(*args)
    print(f"{label}: {time.perf_counter() - start:.3f} s")


def editor() -> None:
    completions("chamber ", 0, 8)  # build the parser once
    legal = legal_document(MAX_RULE_BYTES)
    end = legal.count("\n")
    huge = legal * 40
    print(f"documents: {len(legal):,} characters (the size limit), {len(huge):,} characters")
    timed("diagnostics, document at the limit", diagnostics, legal)
    timed("completion at the end of a document at the limit", completions, legal, end, 0)
    timed("diagnostics, 10 MB document", diagnostics, huge)
    timed("completion in a 10 MB document", completions, huge, huge.count("\n") - 2, 2)
    timed("hover in a 10 MB document (first, then cached line index)", hover_text, huge, huge.count("\n") - 3, 4)
    timed("hover in a 10 MB document (again)", hover_text, huge, huge.count("\n") - 3, 4)


def flood(edits: int = 300) -> None:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    body = legal_document(40_000)

    async def session() -> tuple[int, float]:
        client = LanguageClient("bounds", "1")
        published: list[int] = []

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            published.append(params.version or 0)

        await client.start_io(sys.executable, "-m", "hemicycle.editor.lsp")
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        client.initialized(types.InitializedParams())
        uri = Path(tempfile.gettempdir(), "flood.elect").as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="elect", version=1, text=body)))
        start = time.perf_counter()
        for version in range(2, edits + 2):
            text = body.replace("dhondt", "dhont", 1) if version % 2 else body
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        while not published or published[-1] != edits + 1:
            await asyncio.sleep(0.01)
        took = time.perf_counter() - start
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return len(published), took

    count, took = asyncio.run(session())
    print(f"flood of {edits} edits to a {len(body):,}-character document: {count} publications, "
          f"the last version's diagnostics {took:.2f} s after the first edit")


def html() -> None:
    from typer.testing import CliRunner

    from hemicycle.cli import app

    with tempfile.TemporaryDirectory() as folder:
        for seats, appointed in ((1_000_000, 0), (10_000_000, 9_999_997)):
            rules = Path(folder, "big.elect")
            tier = seats - appointed
            rules.write_text(f'chamber "Big" seats {seats}\n'
                             + (f'appointed {appointed} by "A" as A1\n' if appointed else "")
                             + f'tier "t" seats {tier} {{\n  allocate dhondt\n  ties registration_order\n}}\n')
            page = Path(folder, "big.html")
            start = time.perf_counter()
            r = CliRunner().invoke(app, ["compare", str(rules), "--votes", "kazakhstan-2021", "--no-properties",
                                         "--html", str(page)])
            assert r.exit_code == 0, r.output
            print(f"compare --html, {seats:,} seats ({appointed:,} appointed): {page.stat().st_size:,} bytes, "
                  f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    editor()
    flood()
    html()
