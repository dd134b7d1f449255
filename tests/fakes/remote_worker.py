"""A remote worker box on loopback for tests: the real uvicorn + starlette app in a thread, and two providers to
put behind it: the real worker provider that also records what reached it, and a clip-of-any-size maker (the
transport's own tests need a result far bigger than one message, not a model)."""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ltx_editor.generation.provider import BaseLTXProvider
from ltx_editor.generation.request import GenerationResult
from ltx_editor.generation.worker.client import WorkerLTXProvider

_BLOCK = bytes(i % 251 for i in range(1 << 20))


@contextlib.contextmanager
def serve_app(app: Any, **config: Any) -> Iterator[str]:
    """Run `app` on 127.0.0.1 (a free port) until the block ends; yields "127.0.0.1:PORT". config: more
    uvicorn.Config options (ssl_certfile/ssl_keyfile for TLS)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the worker box did not start"
        time.sleep(0.01)
    try:
        yield f"127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)


class RecordingWorker(WorkerLTXProvider):
    """The real worker provider; keeps each request as it reached the box and the bytes of its input files."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.requests: list = []
        self.input_bytes: list[list[bytes]] = []

    async def generate(self, request, output_dir, progress, cancel):
        self.requests.append(request)
        self.input_bytes.append([Path(c.path).read_bytes() for c in request.conditions])
        return await super().generate(request, output_dir, progress, cancel)


class BigClipProvider(BaseLTXProvider):
    """Writes a `size`-byte file of a known pattern as its "clip" (no sidecar), in 1 MiB writes."""

    backend = "local"

    def __init__(self, size: int) -> None:
        self.size = size

    @staticmethod
    def tail(size: int) -> bytes:
        """The last 16 bytes such a file ends with."""
        offset = (size - 16) % len(_BLOCK)
        return (_BLOCK + _BLOCK)[offset:offset + 16]

    async def generate(self, request, output_dir, progress, cancel) -> GenerationResult:
        path = Path(output_dir) / "big.mp4"
        with open(path, "wb") as fh:
            left = self.size
            while left:
                fh.write(_BLOCK[:min(left, len(_BLOCK))])
                left -= min(left, len(_BLOCK))
        settings = request.settings
        return GenerationResult(video_path=path, num_frames=settings.num_frames, fps=settings.fps, width=32,
                                height=32, seed=1, backend="local", model_id=settings.model_id,
                                prompt=request.prompt)

    async def validate_credentials(self) -> None:
        return None

    def estimate_cost(self, request) -> float | None:
        return 0.0


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key (openssl, as a person would make one)."""
    import subprocess

    cert, key = folder / "worker.crt", folder / "worker.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key
