"""A small JSON-RPC client that talks to `peacecheck lsp` over pipes, as an editor does.

Used by tests/test_lsp.py and bench/bench_lsp.py. A reader thread sorts what the server sends
into responses (by id), notifications (a queue) and server-to-client requests (answered with null).
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

TIMEOUT = 30.0


class LspClient:
    def __init__(self, cwd: Path, command: list[str] | None = None):
        command = command or [sys.executable, "-m", "peacecheck.checker", "lsp"]
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.next_id = 0
        self.responses: dict[int, Any] = {}
        self.arrived = threading.Condition()
        self.notifications: queue.Queue = queue.Queue()
        self.server_requests: list[dict] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # ----------------------------------------------------------- wire
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = 0
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self._dispatch(json.loads(stream.read(length)))

    def _dispatch(self, message: dict) -> None:
        if "id" in message and "method" in message:  # the server asks something (refresh, register...)
            self.server_requests.append(message)
            self._send({"id": message["id"], "result": None})
        elif "id" in message:
            with self.arrived:
                self.responses[message["id"]] = message
                self.arrived.notify_all()
        else:
            self.notifications.put(message)

    # ----------------------------------------------------------- messages
    def request(self, method: str, params: Any = None) -> Any:
        """Send a request and wait for its response; return its result (raise on an error response)."""
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        with self.arrived:
            if not self.arrived.wait_for(lambda: ident in self.responses, TIMEOUT):
                raise TimeoutError(f"no answer to {method}")
            message = self.responses.pop(ident)
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"method": method, "params": params})

    def diagnostics(self, uri: str, timeout: float = TIMEOUT) -> list[dict]:
        """The next diagnostics published for `uri` (other notifications are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.notifications.get(timeout=max(0.01, deadline - time.monotonic()))
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def drain(self) -> None:
        """Forget every notification sent so far: a request is answered after the server has published
        everything earlier messages caused (it handles messages in order)."""
        self.request("textDocument/hover", {"textDocument": {"uri": "untitled:barrier"},
                                            "position": {"line": 0, "character": 0}})
        while not self.notifications.empty():
            self.notifications.get_nowait()

    def close_document(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.drain()

    # ----------------------------------------------------------- a session
    def initialize(self, root: Path) -> dict:
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.resolve().as_uri(),
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]},
                             "textDocument": {"publishDiagnostics": {"relatedInformation": True},
                                              "inlayHint": {}, "codeLens": {}},
                             "workspace": {"inlayHint": {"refreshSupport": True}}}})
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "peacecheck", "version": version,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def at(self, method: str, uri: str, line: int, character: int, **extra: Any) -> Any:
        return self.request(method, {"textDocument": {"uri": uri}, "position": {"line": line, "character": character},
                                     **extra})

    def close(self) -> int:
        """shutdown, exit; the server's exit code."""
        try:
            self.request("shutdown")
            self.notify("exit")
        except (OSError, TimeoutError, RuntimeError):
            pass
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                stream.close()
