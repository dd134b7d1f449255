"""One worker per device: two CPU workers run two jobs at once through the editor's queue, never two on one."""
import sys

from ltx_editor.generation.worker.client import WorkerLTXProvider
from ltx_editor.generation.worker.pool import WorkerPool
from ltx_editor.ui.worker import GenerationWorker
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request

SLOW_STEPS = [sys.executable, "-m", "tests.fakes.slow_worker", "--step-delay", "0.4"]


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
