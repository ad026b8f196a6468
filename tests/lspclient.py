"""A minimal language-server client: a subprocess spoken to in JSON-RPC over stdio, framed by
``Content-Length`` headers, as an editor does. It shares no code with the server (no pygls), so
it checks the bytes on the wire. Used by tests/test_lsp_session.py and scripts/lsp_session.py.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

SERVER = [sys.executable, "-m", "hemicycle.editor.lsp"]


class ServerError(Exception):
    """The server answered a request with an error."""


class Client:
    def __init__(self, command: list[str] | None = None, log: Callable[[str, dict[str, Any]], None] | None = None,
                 timeout: float = 30.0) -> None:
        self.proc = subprocess.Popen(command or SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.timeout = timeout
        self.log = log or (lambda direction, message: None)
        self.next_id = 0
        self.responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # --- the wire ---------------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        self.log("->", message)
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = out.readline()
                if not line:
                    return  # the server exited
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            message = json.loads(out.read(int(headers["content-length"])).decode("utf-8"))
            self.log("<-", message)
            if "id" in message and "method" not in message:
                with self.lock:
                    box = self.responses.setdefault(message["id"], queue.Queue())
                box.put(message)
            elif "id" in message:  # a request from the server (e.g. workspace/configuration): answer it
                self._send({"id": message["id"], "result": None})
            else:
                self.notifications.put(message)

    # --- requests and notifications ---------------------------------------------------------------

    def request(self, method: str, params: Any) -> Any:
        with self.lock:
            self.next_id += 1
            rid = self.next_id
            box = self.responses.setdefault(rid, queue.Queue())
        self._send({"id": rid, "method": method, "params": params})
        try:
            message = box.get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer to {method} within {self.timeout} s") from None
        if "error" in message:
            raise ServerError(message["error"])
        return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def notification(self, method: str, predicate: Callable[[dict[str, Any]], bool] = lambda p: True) -> Any:
        """The params of the next notification ``method`` that satisfies ``predicate``."""
        while True:
            try:
                message = self.notifications.get(timeout=self.timeout)
            except queue.Empty:
                raise TimeoutError(f"no {method} notification within {self.timeout} s") from None
            if message.get("method") == method and predicate(message.get("params", {})):
                return message["params"]

    # --- the session ------------------------------------------------------------------------------

    def initialize(self, root_uri: str | None = None) -> Any:
        capabilities = {"textDocument": {
            "formatting": {}, "codeAction": {"codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["quickfix"]}}}, "codeLens": {},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"versionSupport": True}}}
        result = self.request("initialize", {"processId": None, "rootUri": root_uri, "capabilities": capabilities})
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "elect", "version": version,
                                                              "text": text}})

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict[str, Any]]:
        params = self.notification("textDocument/publishDiagnostics",
                                   lambda p: p["uri"] == uri and (version is None or p.get("version") == version))
        return list(params["diagnostics"])

    def close(self) -> int:
        """shutdown, exit, and the server's exit code."""
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            return self.proc.wait(timeout=self.timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
