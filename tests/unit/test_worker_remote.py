"""A worker on another machine, over loopback: HTTP + SSE with a token, files streamed, a drop handled."""
import asyncio
import contextlib
import json
import socket
import threading
import time

import pytest

from ltx_editor.generation.errors import BadCredentials
from ltx_editor.generation.request import CancelToken, Stage
from ltx_editor.generation.worker.client import WorkerLTXProvider, WorkerStopped
from ltx_editor.generation.worker.http_server import create_app
from ltx_editor.generation.worker.remote import RemoteWorkerProvider
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe

TOKEN = "worker-token-for-tests"


def _wait_for(condition, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    work = tmp_path_factory.mktemp("worker-box")
    app = create_app(TOKEN, WorkerLTXProvider(max_sequence_length=16), work)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    _wait_for(lambda: srv.started)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"127.0.0.1:{port}", work
    srv.should_exit = True
    thread.join(30)


class DroppingProxy:
    """Forwards TCP to `target`; drop() cuts every connection at once (a network that goes away)."""

    def __init__(self, target: str) -> None:
        host, port = target.rsplit(":", 1)
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
                self.sockets += [client, upstream]
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)

    def drop(self) -> None:
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def generate(provider, request, out, on_event=None):
    def progress(event):
        if on_event is not None:
            on_event(event)

    return asyncio.run(provider.generate(request, out, progress, CancelToken()))


def test_a_remote_job_streams_progress_and_its_files_land_here_whole(server, tiny_ltx_dir, tmp_path):
    address, work = server
    stages = []
    result = generate(RemoteWorkerProvider(address, TOKEN), tiny_request(tiny_ltx_dir), tmp_path,
                      lambda e: stages.append(e.stage))
    assert result.video_path.parent == tmp_path and probe(result.video_path).frames == 9
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["output"]["video"] == result.video_path.name and result.sidecar_path.parent == tmp_path
    assert Stage.GENERATING in stages and stages[-1] is Stage.DONE
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".mp4"]  # no staging left here
    _wait_for(lambda: not any(work.iterdir()))  # nor there: the client told the box to forget the job


def test_a_wrong_token_is_refused_and_nothing_runs(server, tiny_ltx_dir, tmp_path):
    address, work = server
    provider = RemoteWorkerProvider(address, "not-the-token")
    with pytest.raises(BadCredentials, match="refused the token") as info:
        generate(provider, tiny_request(tiny_ltx_dir), tmp_path)
    assert "not-the-token" not in str(info.value)
    with pytest.raises(BadCredentials):
        asyncio.run(provider.validate_credentials())
    asyncio.run(RemoteWorkerProvider(address, TOKEN).validate_credentials())
    assert not any(work.iterdir()) and list(tmp_path.iterdir()) == []


def test_a_dropped_connection_fails_the_job_clearly_and_leaves_nothing(server, tiny_ltx_dir, tmp_path):
    address, _work = server
    proxy = DroppingProxy(address)

    def on_event(event):
        if event.stage is Stage.GENERATING:
            proxy.drop()

    with pytest.raises(WorkerStopped, match="The generator stopped: the connection"):
        generate(RemoteWorkerProvider(proxy.address, TOKEN), tiny_request(tiny_ltx_dir, steps=4), tmp_path, on_event)
    assert list(tmp_path.iterdir()) == []
    # The box is fine: the next job (straight, not through the dead proxy) runs.
    assert generate(RemoteWorkerProvider(address, TOKEN), tiny_request(tiny_ltx_dir), tmp_path).video_path.is_file()


def test_listening_without_a_token_is_refused_in_words(monkeypatch, capsys):
    from ltx_editor.cli import main

    monkeypatch.delenv("LTX_WORKER_TOKEN", raising=False)
    assert main(["worker", "--listen", "127.0.0.1:0"]) == 2
    assert "LTX_WORKER_TOKEN" in capsys.readouterr().err


def test_the_cli_generates_on_a_remote_worker(server, tiny_ltx_dir, tmp_path, monkeypatch, capsys):
    from ltx_editor.cli_generate import main

    address, _work = server
    out = tmp_path / "remote.mp4"
    args = ["--worker", address, "--model", str(tiny_ltx_dir), "--prompt", "a cat", "--width", "32", "--height", "32",
            "--frames", "9", "--steps", "2", "--guidance", "1", "-q", "-o", str(out)]
    monkeypatch.delenv("LTX_WORKER_TOKEN", raising=False)
    assert main(args) == 1 and "LTX_WORKER_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("LTX_WORKER_TOKEN", TOKEN)
    assert main(args) == 0, capsys.readouterr().err
    assert probe(out).frames == 9 and json.loads(out.with_suffix(".json").read_text())["output"]["video"] == out.name
