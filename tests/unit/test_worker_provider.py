"""Local generation through the worker process: real child, real tiny pipeline, files committed whole."""
import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ltx_editor.generation.errors import Cancelled, GenerationError
from ltx_editor.generation.request import CancelToken, Stage
from ltx_editor.generation.worker.client import STAGING_PREFIX, WorkerLTXProvider, WorkerStopped
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.processes import wait_gone
from tests.fakes.video_probe import probe

ROOT = Path(__file__).resolve().parents[2]
SLOW_WORKER = (sys.executable, "-m", "tests.fakes.slow_worker")


@pytest.fixture(scope="module")
def loop():
    """One event loop for the module, as in the editor (the child's pipes belong to the loop that started it)."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def provider(loop):
    p = WorkerLTXProvider(max_sequence_length=16)
    yield p
    loop.run_until_complete(p.close())


def run(loop, provider, request, out, events=None, cancel=None, on_event=None):
    sink = events if events is not None else []

    def progress(event):
        sink.append(event)
        if on_event is not None:
            on_event(event)

    return loop.run_until_complete(provider.generate(request, out, progress, cancel or CancelToken()))


def leftovers(folder: Path) -> list[str]:
    """Anything in the output folder that is not a finished clip or its recipe."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix not in (".mp4", ".json"))


def test_a_job_runs_in_the_child_and_lands_whole(loop, provider, tiny_ltx_dir, tmp_path):
    events = []
    result = run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path, events)
    assert provider.worker_pid not in (None, os.getpid())
    assert result.video_path.parent == tmp_path and result.sidecar_path.parent == tmp_path
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height, p.video_codec) == (9, 32, 32, "h264")
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["output"]["video"] == result.video_path.name
    assert recipe["result"]["video_path"] == str(result.video_path)
    assert leftovers(tmp_path) == []  # the staging folder is gone
    stages = [e.stage for e in events]
    assert stages[0] is Stage.LOADING and stages[-1] is Stage.DONE
    assert [(e.step, e.total) for e in events if e.stage is Stage.GENERATING] == [(1, 2), (2, 2)]
    # The model stays loaded in the same child for the next job.
    pid = provider.worker_pid
    again = run(loop, provider, tiny_request(tiny_ltx_dir, seed=8), tmp_path)
    assert provider.worker_pid == pid and again.video_path != result.video_path and again.seed == 8


def test_staging_left_by_an_editor_that_died_is_swept(loop, provider, tiny_ltx_dir, tmp_path):
    orphan = tmp_path / f"{STAGING_PREFIX}999999999-deadjob"  # no such process
    (orphan / ".half.part.mp4").parent.mkdir()
    (orphan / ".half.part.mp4").write_bytes(b"half")
    run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path)
    assert not orphan.exists() and leftovers(tmp_path) == []


def test_a_failure_in_the_child_comes_back_typed_and_the_child_lives_on(loop, provider, tiny_ltx_dir, tmp_path):
    run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path)
    pid = provider.worker_pid
    missing = tmp_path / "no-such-model"
    with pytest.raises(GenerationError) as info:
        run(loop, provider, tiny_request(tiny_ltx_dir, model_path=str(missing)), tmp_path)
    assert not isinstance(info.value, WorkerStopped) and "no-such-model" in str(info.value)
    assert provider.worker_pid == pid
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".mp4"]


def test_cancel_at_a_step_is_answered_by_the_child(loop, provider, tiny_ltx_dir, tmp_path):
    run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path / "warm")  # the model is loaded
    pid, cancel = provider.worker_pid, CancelToken()

    def on_event(event):
        if event.stage is Stage.GENERATING:
            cancel.cancel()

    with pytest.raises(Cancelled):
        run(loop, provider, tiny_request(tiny_ltx_dir, steps=6), tmp_path, cancel=cancel, on_event=on_event)
    assert provider.worker_pid == pid  # it stopped in time: no restart needed
    assert list(tmp_path.iterdir()) == [tmp_path / "warm"]


def test_a_child_that_does_not_answer_cancel_is_killed_and_replaced(loop, tiny_ltx_dir, tmp_path):
    provider = WorkerLTXProvider(max_sequence_length=16, command=[*SLOW_WORKER, "--step-delay", "3"],
                                 cancel_grace_s=0.5)
    cancel = CancelToken()
    pids = []

    def on_event(event):
        if event.stage is Stage.ENCODING_PROMPT:  # the next thing is a 3 s step
            pids.append(provider.worker_pid)
            cancel.cancel()

    try:
        with pytest.raises(Cancelled, match="restarted"):
            run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path, cancel=cancel, on_event=on_event)
        assert provider.worker_pid is None and pids[0] is not None
        # The cancel is reported once SIGKILL is sent (reaping a child that holds torch takes 0.2-0.5 s on a
        # busy machine); the child is gone soon after, reaped by asyncio's child watcher.
        assert wait_gone(pids[0])
    finally:
        loop.run_until_complete(provider.close())
    assert leftovers(tmp_path) == [] and not list(tmp_path.glob("*.mp4"))


def test_unload_means_the_child_exits_and_the_next_job_starts_a_fresh_one(loop, tiny_ltx_dir, tmp_path):
    provider = WorkerLTXProvider(max_sequence_length=16)
    try:
        run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path)
        first = provider.worker_pid
        loop.run_until_complete(provider.unload())
        assert provider.worker_pid is None
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)
        run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path)
        assert provider.worker_pid not in (None, first)
    finally:
        loop.run_until_complete(provider.close())


def test_a_child_killed_while_idle_hands_the_next_job_to_a_fresh_one(loop, tiny_ltx_dir, tmp_path):
    provider = WorkerLTXProvider(max_sequence_length=16)
    try:
        run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path)
        first = provider.worker_pid
        os.kill(first, signal.SIGKILL)  # as the OOM killer would, between jobs; the loop has not seen it yet
        assert provider.worker_pid == first
        events = []
        result = run(loop, provider, tiny_request(tiny_ltx_dir, seed=3), tmp_path, events)
        assert provider.worker_pid not in (None, first) and result.seed == 3
        assert probe(result.video_path).frames == 9 and leftovers(tmp_path) == []
        assert events[-1].stage is Stage.DONE
    finally:
        loop.run_until_complete(provider.close())


def test_options_that_are_not_plain_data_are_refused_by_name():
    with pytest.raises(GenerationError, match="'cache_dir'"):
        WorkerLTXProvider(cache_dir=object())


EDITOR = r'''
import json, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.ui.worker import GenerationWorker

model, out = sys.argv[1], Path(sys.argv[2])
app = QCoreApplication([])
worker = GenerationWorker(lambda backend: {"max_sequence_length": 16}, lambda: out)
ends = []

def changed(job):
    if job.state in ("finished", "failed", "cancelled", "interrupted"):
        ends.append(job)
        app.quit()

worker.jobChanged.connect(changed)
worker.start()
settings = GenerationSettings(model_id="ltxv-2b-0.9.8-distilled", width_override=32, height_override=32,
                              num_frames_override=9, steps=2, guidance_scale=1.0, seed=7)
worker.queue.submit(GenerationRequest(prompt="a cat walks", settings=settings, model_path=model))
QTimer.singleShot(240_000, app.quit)
app.exec()
worker.stop()
job = ends[0] if ends else None
print(json.dumps({"state": job.state if job else None, "error": str(job.error) if job and job.error else None,
                  "video": str(job.result.video_path) if job and job.result else None,
                  "torch": "torch" in sys.modules, "diffusers": "diffusers" in sys.modules}))
'''


def test_the_editor_runs_a_local_job_without_importing_torch(tiny_ltx_dir, tmp_path):
    proc = subprocess.run([sys.executable, "-c", EDITOR, str(tiny_ltx_dir), str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert outcome["state"] == "finished", outcome
    assert Path(outcome["video"]).is_file() and Path(outcome["video"]).parent == tmp_path
    assert outcome["torch"] is False and outcome["diffusers"] is False
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def test_cancel_while_the_child_starts_kills_it_at_once(loop, tiny_ltx_dir, tmp_path):
    provider = WorkerLTXProvider(max_sequence_length=16)
    cancel, at = CancelToken(), []

    def on_event(event):
        if event.stage is Stage.LOADING and not at:  # "starting the generator"
            at.append(loop.time())
            cancel.cancel()

    try:
        with pytest.raises(Cancelled):
            run(loop, provider, tiny_request(tiny_ltx_dir), tmp_path, cancel=cancel, on_event=on_event)
        assert loop.time() - at[0] < 1.0
        assert provider.worker_pid is None
    finally:
        loop.run_until_complete(provider.close())
    assert list(tmp_path.iterdir()) == []
