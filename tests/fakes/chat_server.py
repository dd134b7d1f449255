"""A real loopback HTTP server speaking the OpenAI chat-completions API, for prompt-enhancement tests.

`mode` picks the behaviour: "ok" (answers `reply`), "slow" (sleeps `delay_s` first), "bad_json",
"error500", "unauthorized" (401 unless the Authorization header carries `expected_key`).
Every request is recorded in `requests` as (path, headers, parsed JSON body).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeChatServer:
    def __init__(self, reply: str = "A detailed prompt.", mode: str = "ok", delay_s: float = 2.0,
                 expected_key: str | None = None) -> None:
        self.reply, self.mode, self.delay_s, self.expected_key = reply, mode, delay_s, expected_key
        self.requests: list[tuple[str, dict[str, str], dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, dict(self.headers), body))
                server._answer(self, body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def _answer(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        mode = self.mode
        auth = handler.headers.get("Authorization", "")
        if self.expected_key is not None and auth != f"Bearer {self.expected_key}":
            mode = "unauthorized"
        if mode == "slow":
            time.sleep(self.delay_s)
        if mode == "error500":
            self._send(handler, 500, b'{"error": "boom"}')
        elif mode == "unauthorized":
            self._send(handler, 401, b'{"error": {"message": "invalid api key"}}')
        elif mode == "bad_json":
            self._send(handler, 200, b"<html>not json</html>")
        else:
            payload = {"id": "chatcmpl-1", "object": "chat.completion", "model": body.get("model"),
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": self.reply}}]}
            self._send(handler, 200, json.dumps(payload).encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def __enter__(self) -> FakeChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
