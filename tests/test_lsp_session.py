"""The language server in a real session: a subprocess spoken to in JSON-RPC over stdio by a client
that shares no code with it (tests/lspclient.py), as an editor would: initialize, didOpen,
diagnostics, codeAction (the did-you-mean quick fix), didChange, formatting (the same text as
``hemicycle fmt``), hover, codeLens (the bundled elections the file reproduces), the protocol
command, and shutdown with exit code 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lspclient import Client

pytest.importorskip("pygls")

RULES = Path(__file__).resolve().parent.parent / "src" / "hemicycle" / "rules" / "kazakhstan-2021.elect"


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """What an editor does with LSP text edits: positions are (line, UTF-16 unit)."""
    lines = text.splitlines(keepends=True)

    def index(pos: dict[str, int]) -> int:
        if pos["line"] >= len(lines):
            return len(text)
        before = sum(len(x) for x in lines[: pos["line"]])
        line, units, i = lines[pos["line"]], 0, 0
        while i < len(line) and units < pos["character"] and line[i] not in "\r\n":
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return before + i

    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    reverse=True):
        text = text[: index(e["range"]["start"])] + e["newText"] + text[index(e["range"]["end"]):]
        lines = text.splitlines(keepends=True)
    return text


def hemicycle_fmt(text: str) -> str:
    done = subprocess.run([sys.executable, "-m", "hemicycle.cli", "fmt", "-"], input=text.encode("utf-8"),
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.fixture()
def client() -> Any:
    c = Client()
    yield c
    if c.proc.poll() is None:
        c.proc.kill()
        c.proc.wait()


def test_a_whole_editing_session(tmp_path: Path, client: Client) -> None:
    capabilities = client.initialize(tmp_path.as_uri())["capabilities"]
    assert capabilities["documentFormattingProvider"] and capabilities["hoverProvider"]
    assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix"]
    assert "codeLensProvider" in capabilities
    assert "hemicycle.protocol" in capabilities["executeCommandProvider"]["commands"]

    # a rule file named like the bundled one, with a typo after a wide character and a messy layout
    good = RULES.read_text("utf-8")
    typo = good.replace('tier "national party list" seats 98', 'tier "national 🗳 list"   seatz 98')
    uri = (tmp_path / "kazakhstan-2021.elect").as_uri()
    client.open(uri, typo)
    [d] = client.diagnostics(uri, 1)
    line = typo.splitlines()[d["range"]["start"]["line"]]
    assert d["range"]["start"]["character"] == utf16(line[: line.index("seatz")])  # UTF-16, not code points
    assert d["range"]["end"]["character"] - d["range"]["start"]["character"] == 5
    assert "did you mean 'seats'?" in d["message"] and d["severity"] == 1

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}})
    [fix] = actions
    assert fix["title"] == "Replace 'seatz' with 'seats'" and fix["kind"] == "quickfix" and fix["isPreferred"]
    fixed = apply_edits(typo, fix["edit"]["changes"][uri])
    assert "seats 98" in fixed and "seatz" not in fixed
    client.change(uri, fixed, 2)
    assert client.diagnostics(uri, 2) == []

    edits = client.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})
    assert edits and all(e["range"]["start"]["character"] == 0 for e in edits)  # whole lines
    formatted = apply_edits(fixed, edits)
    assert formatted == hemicycle_fmt(fixed) and '"national 🗳 list" seats 98' in formatted
    client.change(uri, formatted, 3)
    assert client.diagnostics(uri, 3) == []
    assert client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {
        "tabSize": 2, "insertSpaces": True}}) == []  # already canonical

    threshold = next(i for i, x in enumerate(formatted.splitlines()) if x.lstrip().startswith("threshold"))
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": threshold, "character": 4}})
    assert hover["contents"]["kind"] == "markdown" and "threshold SHARE of BASE" in hover["contents"]["value"]

    lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    chamber = next(i for i, x in enumerate(formatted.splitlines()) if x.startswith("chamber"))
    assert [lens["command"]["arguments"][1] for lens in lenses] == ["kazakhstan-2012", "kazakhstan-2016",
                                                                    "kazakhstan-2021"]
    assert all(lens["range"]["start"]["line"] == chamber for lens in lenses)
    title = lenses[2]["command"]["title"]
    assert title == "▶ kazakhstan-2021: QHP 10, NurOtan 76, AkZhol 12, APK 9 (the official seats)"
    assert lenses[2]["command"]["command"] == "hemicycle.showProtocol"

    protocol = client.request("workspace/executeCommand", {"command": "hemicycle.protocol",
                                                           "arguments": [uri, "kazakhstan-2021"]})
    assert "Threshold: 7% of ballots_cast (7,539,280)" in protocol
    assert "Result: QHP 10, NurOtan 76, Auyl 0, AkZhol 12, Adal 0, APK 9; total 107" in protocol

    # the lens follows the text being edited: a 5% threshold lets Auyl in
    client.change(uri, formatted.replace("threshold 7%", "threshold 5%"), 4)
    client.diagnostics(uri, 4)
    lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    assert "Auyl 6" in lenses[2]["command"]["title"] and "official: QHP 10" in lenses[2]["command"]["title"]
    assert client.close() == 0


def test_what_cannot_be_formatted_is_left_alone_with_a_message(tmp_path: Path, client: Client) -> None:
    client.initialize(tmp_path.as_uri())
    uri = (tmp_path / "mine.elect").as_uri()
    client.open(uri, 'chamber "c" seats 5\ntier "t" seats 5 { allocate dhont ties registration_ordr }\n')
    [d] = client.diagnostics(uri, 1)
    assert client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {
        "tabSize": 2, "insertSpaces": True}}) is None
    message = client.notification("window/showMessage")
    assert message["type"] == 2 and "not formatted" in message["message"] and "line 2" in message["message"]
    assert client.request("textDocument/codeLens", {"textDocument": {"uri": uri}}) == []  # no bundled twin
    [fix] = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                       "context": {"diagnostics": [d]}})
    assert fix["title"] == "Replace 'dhont' with 'dhondt'"
    assert not fix["isPreferred"]  # another error is left once it is made (the parser stops at the first)
