"""The VS Code extension (editors/vscode): its node tests (the activation code against a stand-in
vscode module; the real language client against this checkout's server once ``npm ci`` has run),
and the package agreeing with the server: the lens command it registers is the one the server
puts on its code lenses, and what is built is kept out of git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hemicycle.editor import lenses

EXTENSION = Path(__file__).resolve().parent.parent / "editors" / "vscode"
MANIFEST = json.loads((EXTENSION / "package.json").read_text("utf-8"))


def test_the_package_declares_what_the_server_and_the_client_use() -> None:
    commands = {c["command"] for c in MANIFEST["contributes"]["commands"]}
    assert lenses.COMMAND in commands
    assert "vscode-languageclient" in MANIFEST["dependencies"]
    assert MANIFEST["main"] == "./dist/extension.js"
    for grammar in MANIFEST["contributes"]["grammars"]:
        assert (EXTENSION / grammar["path"]).is_file()
    ignored = (EXTENSION / ".gitignore").read_text("utf-8").split()
    assert {"node_modules/", "dist/", "*.vsix"} <= set(ignored)
    packaged_out = (EXTENSION / ".vscodeignore").read_text("utf-8").split()
    assert {"src/**", "test/**", "node_modules/**"} <= set(packaged_out)  # the bundle holds them


def test_the_extension_tests_pass_in_node() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("NO NODE: THE VS CODE EXTENSION'S TESTS DID NOT RUN")
    env = {**os.environ, "HEMICYCLE_LSP": json.dumps([sys.executable, "-m", "hemicycle.editor.lsp"])}
    done = subprocess.run([node, "--test", "test/extension.test.js", "test/client.integration.test.js"],
                          cwd=EXTENSION, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    counts = dict(line[2:].split() for line in done.stdout.splitlines()
                  if line.startswith(("# pass ", "# fail ", "# skipped ")))
    integration = (EXTENSION / "node_modules" / "vscode-languageclient").is_dir()
    assert counts == {"pass": "7" if integration else "6", "fail": "0", "skipped": "0" if integration else "1"}
