"""A worker on another machine, over loopback: HTTP + SSE with a token, input files uploaded and results
downloaded in chunks (no shared disk), a drop at any moment handled, nothing half-written left anywhere."""
import asyncio
import contextlib
import json
import socket
import threading
import time
import tracemalloc

import pytest

from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.errors import BadCredentials, InvalidRequest
from ltx_editor.generation.preview import PreviewEvent
from ltx_editor.generation.request import CancelToken, Condition, Stage
from ltx_editor.generation.worker.client import WorkerLTXProvider, WorkerStopped
from ltx_editor.generation.worker.http_server import create_app
from ltx_editor.generation.worker.remote import RemoteWorkerProvider
from tests.fakes.media_factory import still
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.remote_worker import BigClipProvider, RecordingWorker, self_signed, serve_app
from tests.fakes.video_probe import probe

TOKEN = "worker-token-for-tests"


def _wait_for(condition, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    """A worker box on loopback: its own folder, a recording worker (what requests reached it)."""
    work = tmp_path_factory.mktemp("worker-box")
    provider = RecordingWorker(max_sequence_length=16)
    with serve_app(create_app(TOKEN, provider, work)) as address:
        yield address, work, provider


@pytest.fixture
def server(box):
    return box[0], box[1]


class DroppingProxy:
    """Forwards TCP to `target`; drop() cuts every connection at once (a network that goes away), and with
    `drop_after` it does so once that many bytes came back from the worker."""

    def __init__(self, target: str, drop_after: int | None = None) -> None:
        host, port = target.rsplit(":", 1)
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: list[socket.socket] = []
        self.drop_after, self.downstream = drop_after, 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
                self.sockets += [client, upstream]
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(a, b, a is upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket, counted: bool) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
                if counted and self.drop_after is not None:
                    self.downstream += len(data)
                    if self.downstream >= self.drop_after:
                        self.drop()
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
    stages, pictures = [], []
    result = generate(RemoteWorkerProvider(address, TOKEN), tiny_request(tiny_ltx_dir), tmp_path,
                      lambda e: (stages.append(e.stage), isinstance(e, PreviewEvent) and pictures.append(e)))
    assert pictures and pictures[0].image[:2] == b"\xff\xd8"  # live previews cross the wire too (JPEG)
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
    # Image-to-video: the first frame is a file on this machine only; it is sent, and the recipe names it.
    image = still(tmp_path / "here" / "first.png", size=(32, 32), color="blue")
    i2v = tmp_path / "i2v.mp4"
    assert main([*args[:-1], str(i2v), "--image", str(image)]) == 0, capsys.readouterr().err
    recipe = json.loads(i2v.with_suffix(".json").read_text())
    assert probe(i2v).frames == 9 and recipe["mode"] == "image-to-video"
    assert recipe["conditions"][0]["path"] == str(image)


def test_an_image_to_video_job_sends_its_keyframe_which_exists_only_here(box, tiny_ltx_dir, tmp_path):
    address, work, recorder = box
    here = tmp_path / "only-on-this-laptop"
    image = still(here / "key frame.png", size=(32, 32), color="red")
    out = tmp_path / "media"
    request = tiny_request(tiny_ltx_dir, GenerationMode.IMAGE_TO_VIDEO, [Condition(kind="image", path=str(image))])
    stages = []
    result = generate(RemoteWorkerProvider(address, TOKEN), request, out, lambda e: stages.append(e.stage))
    assert probe(result.video_path).frames == 9 and Stage.UPLOADING in stages
    # The box ran on its own copy, inside its own folder, with the same bytes.
    seen = recorder.requests[-1].conditions[0].path
    assert seen.startswith(str(work)) and seen != str(image)
    assert recorder.input_bytes[-1] == [image.read_bytes()]
    # The recipe names this machine's file again (so the clip can be regenerated here), with its hash.
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["conditions"][0]["path"] == str(image) and recipe["conditions"][0]["sha256"]
    assert recipe["request"]["conditions"][0]["path"] == str(image)
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".mp4"]
    _wait_for(lambda: not any(work.iterdir()))  # the box forgot the job and its inputs


def test_a_missing_input_is_refused_before_anything_is_sent(server, tiny_ltx_dir, tmp_path):
    address, work = server
    gone = tmp_path / "moved-away.png"
    request = tiny_request(tiny_ltx_dir, GenerationMode.IMAGE_TO_VIDEO, [Condition(kind="image", path=str(gone))])
    with pytest.raises(InvalidRequest, match="moved-away.png is missing"):
        generate(RemoteWorkerProvider(address, TOKEN), request, tmp_path / "media")
    assert not any(work.iterdir())


def test_the_box_refuses_a_job_naming_a_file_it_was_not_sent(server, tiny_ltx_dir, tmp_path):
    """A client can never make the box read the box's own files: only uploaded names count."""
    import httpx

    from ltx_editor.generation.worker.protocol import Generate

    address, work = server
    secret = tmp_path / "box-secret.png"
    still(secret)
    job = Generate(job_id="abc123", output_dir="", request=tiny_request(
        tiny_ltx_dir, GenerationMode.IMAGE_TO_VIDEO, [Condition(kind="image", path=str(secret))]))
    answer = httpx.post(f"http://{address}/jobs", content=job.model_dump_json(),
                        headers={"authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 422 and "was not uploaded" in answer.json()["error"]
    for name in ("..", ".hidden.part", "a%2F..%2Fb"):  # no dot names, no paths (".." is cut by the client)
        bad = httpx.put(f"http://{address}/jobs/abc123/inputs/{name}", content=b"x",
                        headers={"authorization": f"Bearer {TOKEN}"})
        assert bad.status_code in (404, 405, 422), name
    refused = httpx.put(f"http://{address}/jobs/abc123/inputs/a.png", content=b"x",
                        headers={"authorization": "Bearer wrong"})
    assert refused.status_code == 401 and not any(work.iterdir())


@pytest.fixture(scope="module")
def big_box(tmp_path_factory):
    work = tmp_path_factory.mktemp("big-box")
    with serve_app(create_app(TOKEN, BigClipProvider(size=64 << 20), work, keep_s=2.0)) as address:
        yield address, work


def test_a_result_far_bigger_than_one_message_is_streamed_to_disk(big_box, tmp_path):
    address, _work = big_box
    request = tiny_request(tmp_path)
    tracemalloc.start()
    try:
        result = generate(RemoteWorkerProvider(address, TOKEN), request, tmp_path / "media")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.video_path.stat().st_size == 64 << 20
    assert result.video_path.read_bytes()[-16:] == BigClipProvider.tail(64 << 20)
    assert peak < 16 << 20, f"the download held {peak >> 20} MB in memory at once"


def test_a_drop_while_the_result_comes_down_leaves_no_half_file(big_box, tmp_path):
    address, work = big_box
    proxy = DroppingProxy(address, drop_after=8 << 20)
    out = tmp_path / "media"
    with pytest.raises(WorkerStopped, match="The generator stopped: the connection"):
        generate(RemoteWorkerProvider(proxy.address, TOKEN), tiny_request(tmp_path), out)
    assert proxy.downstream >= 8 << 20  # it really was cut in the middle of the clip
    assert list(out.iterdir()) == []
    _wait_for(lambda: not any(work.iterdir()), 30)  # the box dropped the job when nobody came for it


def test_test_connection_says_ok_refused_or_unreachable(server):
    from ltx_editor.generation.worker.remote import check_connection

    address, _work = server
    assert asyncio.run(check_connection(address, TOKEN))[0] == "ok"
    state, words = asyncio.run(check_connection(address, "nope"))
    assert state == "refused" and "nope" not in words
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert asyncio.run(check_connection(f"127.0.0.1:{port}", TOKEN, timeout_s=2))[0] == "unreachable"


def test_tls_with_the_workers_certificate_and_without(tmp_path, tiny_ltx_dir):
    import shutil

    from ltx_editor.generation.worker.remote import check_connection

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = self_signed(tmp_path)
    app = create_app(TOKEN, BigClipProvider(size=1 << 20), tmp_path / "box", keep_s=5.0)
    with serve_app(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as address:
        url = f"https://{address}"
        state, words = asyncio.run(check_connection(url, TOKEN, str(cert)))
        assert state == "ok", words
        state, words = asyncio.run(check_connection(url, TOKEN))  # the system's CAs do not know it
        assert state == "unreachable" and "TLS" in words
        result = generate(RemoteWorkerProvider(url, TOKEN, verify=str(cert)), tiny_request(tiny_ltx_dir),
                          tmp_path / "media")
        assert result.video_path.stat().st_size == 1 << 20


class _EditorEnhancer:
    """The editor's side of prompt enhancement (the real one calls an LLM endpoint; its outcome is what travels).
    Keeps the first image it was shown: it must be this machine's file, which it may read."""

    def __init__(self) -> None:
        self.images: list = []

    async def enhance(self, prompt, mode, first_image):
        from types import SimpleNamespace

        self.images.append(first_image)
        return SimpleNamespace(enhanced=f"{prompt}, golden hour, slow dolly in", note=None)


def test_the_editors_enhanced_prompt_reaches_the_box_and_the_recipe(tmp_path, tiny_ltx_dir):
    from ltx_editor.generation.worker.http_server import EditorsEnhancement

    box_provider = WorkerLTXProvider(max_sequence_length=16, enhancer=EditorsEnhancement())
    image = still(tmp_path / "here" / "first.png", size=(32, 32))
    enhancer = _EditorEnhancer()
    with serve_app(create_app(TOKEN, box_provider, tmp_path / "box")) as address:
        request = tiny_request(tiny_ltx_dir, GenerationMode.IMAGE_TO_VIDEO, [Condition(kind="image", path=str(image))],
                               enhance_prompt=True)
        result = generate(RemoteWorkerProvider(address, TOKEN, enhancer=enhancer), request, tmp_path / "media")
    assert enhancer.images == [str(image)]
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["enhanced_prompt"] == "a cat walks on the beach, golden hour, slow dolly in"
    assert recipe["prompt"] == "a cat walks on the beach"


def test_a_listening_worker_runs_one_child_per_gpu(monkeypatch, tmp_path):
    import os
    from pathlib import Path

    from ltx_editor.generation import hardware
    from ltx_editor.generation.worker.http_server import EditorsEnhancement, box_provider

    monkeypatch.setenv("PATH", f"{Path(__file__).resolve().parents[1] / 'fakes' / 'bin'}{os.pathsep}"
                               f"{os.environ.get('PATH', '')}")
    for mode, devices in (("two", ["cuda:0", "cuda:1"]), ("none", ["cpu"])):
        monkeypatch.setenv("FAKE_NVIDIA_SMI", mode)
        hardware.probe(tmp_path / mode, refresh=True)
        pool = box_provider({"cache_dir": str(tmp_path / mode)})
        assert pool.devices == devices and all(isinstance(w.enhancer, EditorsEnhancement) for w in pool.workers)
