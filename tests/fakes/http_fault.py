"""A loopback HTTP/1.1 server with routes, a request log, fault injection and a file host.

The fal and Replicate fakes build on `LoopbackServer`. Faults are queued per route name and consumed one per
request: `server.faults.add("status", Fault.http(500), times=3)`. Kinds: an HTTP error (status, body,
headers), a delay before the normal answer, a hang (no answer, then the connection closes), a reset (the
connection closes at once), malformed JSON, and — for files — a body cut after a fraction of its bytes.
The file host serves `/files/<name>` with Range support (or ignoring Range when `honour_range` is False), and
refuses (400, recorded in `auth_leaks`) any request carrying an Authorization header: an API key must never
reach a file host.
"""
from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass(frozen=True)
class Fault:
    kind: str  # "http", "delay", "hang", "reset", "malformed", "cut"
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    fraction: float = 0.5

    @classmethod
    def http(cls, status: int, body: Any = None, headers: dict[str, str] | None = None) -> Fault:
        return cls("http", status=status, body=body, headers=headers or {})

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        return cls("delay", seconds=seconds)

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        return cls("hang", seconds=seconds)

    @classmethod
    def reset(cls) -> Fault:
        return cls("reset")

    @classmethod
    def malformed(cls) -> Fault:
        return cls("malformed")

    @classmethod
    def cut(cls, fraction: float = 0.5) -> Fault:
        return cls("cut", fraction=fraction)


class FaultPlan:
    """Per-route queues of faults; thread-safe. Each request on a route takes at most one fault."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = {}
        self.applied: list[tuple[str, str]] = []  # (route, kind) in the order they fired

    def add(self, route: str, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._queues.setdefault(route, deque()).extend([fault] * times)

    def take(self, route: str) -> Fault | None:
        with self._lock:
            queue = self._queues.get(route)
            if not queue:
                return None
            fault = queue.popleft()
            self.applied.append((route, fault.kind))
            return fault

    def pending(self, route: str | None = None) -> int:
        with self._lock:
            return sum(len(q) for r, q in self._queues.items() if route is None or r == route)

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    match: dict[str, str] = field(default_factory=dict)
    route: str = ""
    at: float = field(default_factory=time.monotonic)  # when it arrived, to measure poll and retry spacing

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes/str as they are
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


def fake_mp4(tag: str, size: int = 64 * 1024) -> bytes:
    """Bytes that pass an mp4 sniff ('ftyp' box) and carry `tag`, padded to `size`."""
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + tag.encode() + b"\n"
    pattern = (tag.encode() + b"-") * 64
    body = (pattern * (size // len(pattern) + 1))[: max(0, size - len(head))]
    return head + body


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up (tests cancel, time out and cut on purpose) is not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self) -> None:
        self.faults = FaultPlan()
        self.requests: list[Request] = []
        self.files: dict[str, bytes] = {}
        self.auth_leaks: list[str] = []  # file requests that carried an Authorization header (refused)
        self.honour_range = True
        self.file_chunk = 256 * 1024
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._lock = threading.Lock()
        self.route("GET", r"/files/(?P<name>[^/?]+)", "file", self._serve_file)
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                owner._dispatch(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                owner._dispatch(self, "POST")

            def do_PUT(self) -> None:  # noqa: N802
                owner._dispatch(self, "PUT")

            def do_DELETE(self) -> None:  # noqa: N802
                owner._dispatch(self, "DELETE")

        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)  # quick stop()

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which never began otherwise
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # -- routes and files ----------------------------------------------------------------------------------
    def route(self, method: str, pattern: str, name: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), name, handler))

    def add_file(self, name: str, data: bytes) -> str:
        with self._lock:
            self.files[name] = data
        return f"{self.base_url}/files/{name}"

    def requests_to(self, route: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.route == route]

    # -- plumbing -------------------------------------------------------------------------------------------
    def _read_body(self, h: BaseHTTPRequestHandler) -> bytes:
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(h.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    h.rfile.readline()
                    return out
                out += h.rfile.read(size)
                h.rfile.readline()
        length = int(h.headers.get("Content-Length") or 0)
        return h.rfile.read(length) if length else b""

    def _dispatch(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(h.path)
        req = Request(method=method, path=parsed.path, query=parse_qs(parsed.query),
                      headers={k.lower(): v for k, v in h.headers.items()}, body=self._read_body(h))
        handler: Handler | None = None
        for m, pattern, name, fn in self._routes:
            match = pattern.match(parsed.path)
            if m == method and match:
                req.match, req.route, handler = match.groupdict(), name, fn
                break
        with self._lock:
            self.requests.append(req)
        if handler is None:
            return self._send(h, Response(404, {"detail": f"no route for {method} {parsed.path}"}))
        fault = self.faults.take(req.route)
        if fault is not None:
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            elif fault.kind == "hang":
                time.sleep(fault.seconds)
                return self._drop(h)
            elif fault.kind == "reset":
                return self._drop(h)
            elif fault.kind == "http":
                return self._send(h, Response(fault.status, fault.body if fault.body is not None
                                              else {"detail": f"injected HTTP {fault.status}"}, dict(fault.headers)))
            elif fault.kind == "malformed":
                return self._send(h, Response(200, b'{"status": "IN_PROG', {"Content-Type": "application/json"}))
        try:
            resp = handler(req)
        except Exception as exc:  # a fake bug shows up as a 500 the test can see
            resp = Response(500, {"detail": f"fake server error: {type(exc).__name__}: {exc}"})
        if fault is not None and fault.kind == "cut" and isinstance(resp.body, bytes):
            return self._send(h, resp, cut=fault.fraction)
        self._send(h, resp)

    def _drop(self, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        with contextlib.suppress(OSError):
            h.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, h: BaseHTTPRequestHandler, resp: Response, cut: float | None = None) -> None:
        body = resp.body
        headers = dict(resp.headers)
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        elif body is None:
            body = b""
        try:
            h.send_response(resp.status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            if cut is not None:
                h.wfile.write(body[: int(len(body) * cut)])
                return self._drop(h)
            view = memoryview(body)
            for start in range(0, len(body), self.file_chunk):
                h.wfile.write(view[start:start + self.file_chunk])
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def _serve_file(self, req: Request) -> Response:
        if "authorization" in req.headers:  # result links are public: a key sent here is a leak
            with self._lock:
                self.auth_leaks.append(req.path)
            return Response(400, b"the file host refuses requests that carry an Authorization header",
                            {"Content-Type": "text/plain"})
        with self._lock:
            data = self.files.get(req.match["name"])
        if data is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        headers = {"Content-Type": "video/mp4", "Accept-Ranges": "bytes" if self.honour_range else "none"}
        match = re.match(r"bytes=(\d+)-$", req.headers.get("range", ""))
        if match and self.honour_range:
            start = int(match.group(1))
            if start >= len(data):
                return Response(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            return Response(206, data[start:], headers)
        return Response(200, data, headers)


class SilentHost:
    """A host that accepts every TCP connection and then never reads or answers (until closed).

    The fault no HTTP-level fake can play: the connection succeeds, so only read and total timeouts end a
    call to it. `accepted` counts the connections made (a client's own retries show up here)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._conns: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def accepted(self) -> int:
        return len(self._conns)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(conn)  # held open, never read: the client waits for an answer that never comes

    def __enter__(self) -> SilentHost:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._closed.set()
        self._sock.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.close()
