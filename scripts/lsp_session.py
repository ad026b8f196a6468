"""A language-server session as an editor has it, written out message by message: what VS Code
(or any LSP client) and ``hemicycle-lsp`` say to each other while a rule file is opened, a typo
fixed by the quick fix, the file formatted, a clause hovered, the code lenses read and the
protocol asked for.

    python scripts/lsp_session.py > docs/figures/lsp-session.txt

The client is tests/lspclient.py (JSON-RPC over stdio, no pygls); each message is shown as the
JSON on the wire, long strings cut.
"""

from __future__ import annotations

import json
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from lspclient import Client

RULES = Path(__file__).resolve().parent.parent / "src" / "hemicycle" / "rules" / "kazakhstan-2021.elect"
WIDTH = 110


def cut(value: Any, limit: int = 90) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, list):
        return [cut(v, limit) for v in value[:4]] + ([f"… {len(value) - 4} more"] if len(value) > 4 else [])
    if isinstance(value, dict):
        return {k: sorted(v) if k == "capabilities" and isinstance(v, dict) else cut(v, limit)
                for k, v in value.items()}
    return value


def show(direction: str, message: dict[str, Any]) -> None:
    if message.get("method") in ("window/logMessage", "$/logTrace"):
        return
    name = message.get("method") or f"response {message.get('id')}"
    body = json.dumps(cut({k: v for k, v in message.items() if k not in ("jsonrpc", "method")}), ensure_ascii=False)
    head = f"{'editor -> server' if direction == '->' else 'server -> editor'}  {name}"
    print(head)
    print(textwrap.fill(body, WIDTH, initial_indent="    ", subsequent_indent="    ", break_long_words=False,
                        break_on_hyphens=False))


def main() -> None:
    text = RULES.read_text("utf-8").replace("quota hare", "quota hair")
    with tempfile.TemporaryDirectory() as folder:
        uri = (Path(folder) / "kazakhstan-2021.elect").as_uri()
        client = Client(log=show)
        client.initialize(Path(folder).as_uri())
        client.open(uri, text)
        [d] = client.diagnostics(uri, 1)
        client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                           "context": {"diagnostics": [d]}})
        text = text.replace("quota hair", "quota hare").replace("  threshold", "threshold")
        client.change(uri, text, 2)
        client.diagnostics(uri, 2)
        client.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                   "options": {"tabSize": 2, "insertSpaces": True}})
        client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 13, "character": 4}})
        client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
        protocol = client.request("workspace/executeCommand", {"command": "hemicycle.protocol",
                                                               "arguments": [uri, "kazakhstan-2021"]})
        print(f"exit code {client.close()}")
    print("\nThe protocol (what the lens's command shows, opened beside the rule file):\n")
    lines = protocol.splitlines()
    print("\n".join([*lines[:9], "  ...", *lines[-3:]]))


if __name__ == "__main__":
    main()
