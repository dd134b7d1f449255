"""One worker per device: the devices come from the hardware probe (a fake nvidia-smi: two GPUs -> two
workers, each child seeing only its own card; none -> no local worker unless the CPU is allowed), and two CPU
workers run two jobs at once through the editor's queue, never two on one."""
import asyncio
import os
import sys
from pathlib import Path

import pytest

from ltx_editor.generation import hardware
from ltx_editor.generation.errors import BackendUnavailable
from ltx_editor.generation.request import CancelToken
from ltx_editor.generation.worker.client import WorkerLTXProvider, create_for_editor
from ltx_editor.generation.worker.pool import WorkerPool, local_devices
from ltx_editor.generation.worker.supervisor import WorkerProcess
from ltx_editor.ui.worker import GenerationWorker
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request

SLOW_STEPS = [sys.executable, "-m", "tests.fakes.slow_worker", "--step-delay", "0.4"]
FAKE_BIN = Path(__file__).resolve().parents[1] / "fakes" / "bin"


@pytest.fixture
def fake_smi(monkeypatch):
    """The fake nvidia-smi first on PATH; returns a setter for what it answers (see tests/fakes/bin)."""
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return lambda mode: monkeypatch.setenv("FAKE_NVIDIA_SMI", mode)


def test_two_gpus_make_two_workers_each_seeing_only_its_card(fake_smi, tmp_path):
    fake_smi("two")
    hw = hardware.probe(tmp_path, refresh=True)
    assert local_devices(hw, allow_cpu=False) == ["cuda:0", "cuda:1"]
    pool = create_for_editor("local", cache_dir=str(tmp_path), allow_cpu=False)
    assert isinstance(pool, WorkerPool) and pool.parallel_jobs == 2
    assert [(w.env, w.options["device"]) for w in pool.workers] == [
        ({"CUDA_VISIBLE_DEVICES": "0"}, "cuda"), ({"CUDA_VISIBLE_DEVICES": "1"}, "cuda")]


def test_no_gpu_means_no_local_worker_unless_the_cpu_is_allowed(fake_smi, tmp_path, tiny_ltx_dir):
    fake_smi("none")
    hw = hardware.probe(tmp_path, refresh=True)
    assert local_devices(hw, allow_cpu=False) == [] and local_devices(hw, allow_cpu=True) == ["cpu"]
    pool = create_for_editor("local", cache_dir=str(tmp_path), allow_cpu=False)
    assert pool.workers == []
    with pytest.raises(BackendUnavailable, match="No GPU was found") as info:
        asyncio.run(pool.generate(tiny_request(tiny_ltx_dir), tmp_path, lambda e: None, CancelToken()))
    assert "Allow the CPU in Preferences" in info.value.hint and list(tmp_path.iterdir()) == []
    cpu = create_for_editor("local", cache_dir=str(tmp_path), allow_cpu=True)
    assert [(w.env, w.options["device"]) for w in cpu.workers] == [({"CUDA_VISIBLE_DEVICES": ""}, "cpu")]


def test_the_child_gets_its_device_in_its_environment(tmp_path):
    """What the child really sees (a stand-in child that writes CUDA_VISIBLE_DEVICES down, then says ready)."""
    seen = tmp_path / "seen.txt"
    child = ("import json, os, sys; open(sys.argv[1], 'w').write(os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')); "
             "sys.stdin.readline(); print(json.dumps({'type': 'ready', 'pid': os.getpid()}), flush=True); "
             "sys.stdin.read()")

    async def start_and_stop():
        worker = WorkerProcess([sys.executable, "-c", child, str(seen)], env={"CUDA_VISIBLE_DEVICES": "1"})
        await worker.start({}, timeout_s=30)
        await worker.kill()

    asyncio.run(start_and_stop())
    assert seen.read_text() == "1" and "CUDA_VISIBLE_DEVICES" not in os.environ


def test_two_workers_run_two_jobs_at_once_and_never_two_on_one(qtbot, monkeypatch, tiny_ltx_dir, tmp_path):
    active: dict[int, int] = {}  # id(worker) -> jobs running on it now
    most_on_one = most_at_once = 0
    pids: set[int] = set()
    real_generate = WorkerLTXProvider.generate

    async def counting_generate(self, request, output_dir, progress, cancel):
        nonlocal most_on_one, most_at_once

        def seen(event):
            if self.worker_pid:
                pids.add(self.worker_pid)
            progress(event)

        active[id(self)] = active.get(id(self), 0) + 1
        most_on_one = max(most_on_one, active[id(self)])
        most_at_once = max(most_at_once, sum(active.values()))
        try:
            return await real_generate(self, request, output_dir, seen, cancel)
        finally:
            active[id(self)] -= 1

    monkeypatch.setattr(WorkerLTXProvider, "generate", counting_generate)
    options = {"max_sequence_length": 16, "devices": ["cpu", "cpu"], "command": SLOW_STEPS}
    worker = GenerationWorker(lambda backend: dict(options), lambda: tmp_path)
    worker.start()
    try:
        jobs = [worker.queue.submit(tiny_request(tiny_ltx_dir, seed=i)) for i in range(4)]
        qtbot.waitUntil(lambda: all(j.state in ("finished", "failed") for j in jobs), timeout=240_000)
        assert [j.state for j in jobs] == ["finished"] * 4, [str(j.error) for j in jobs]
        assert isinstance(worker._provider_for("local"), WorkerPool)
        assert worker.queue.concurrency("local") == 2
    finally:
        assert worker.stop(30_000)
    assert most_at_once == 2 and most_on_one == 1
    assert len(pids) == 2  # two processes did the work
    assert len({j.result.video_path for j in jobs}) == 4 and all(j.result.video_path.is_file() for j in jobs)
