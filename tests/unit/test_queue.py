"""JobQueue: priorities, per-backend concurrency, cancel, retry, restart — driven from another thread, the way
the UI drives it, with scripted in-process providers (the queue's job is scheduling, not generating)."""
import asyncio
import threading
import time

import pytest

from ltx_editor.generation.errors import BudgetExceeded, Cancelled, OutOfMemory
from ltx_editor.generation.provider import BaseLTXProvider
from ltx_editor.generation.queue import JobQueue
from ltx_editor.generation.request import GenerationRequest, GenerationResult, ProgressEvent, Stage


class ScriptedProvider(BaseLTXProvider):
    """Each job runs until released (or for `duration`), polling its cancel token like a real provider."""

    def __init__(self, backend, duration=0.05):
        self.backend = backend
        self.duration = duration
        self.running = self.peak = 0
        self.started: list[str] = []
        self.fail_next: list[Exception] = []
        self.hold = threading.Event()
        self.hold.set()

    async def generate(self, request, output_dir, progress, cancel):
        self.started.append(request.prompt)
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            progress(ProgressEvent(stage=Stage.GENERATING, step=1, total=2))
            deadline = time.monotonic() + self.duration
            while time.monotonic() < deadline or not self.hold.is_set():
                cancel.raise_if_cancelled()
                await asyncio.sleep(0.005)
            if self.fail_next:
                raise self.fail_next.pop(0)
            return GenerationResult(video_path=output_dir / f"{request.prompt}.mp4", num_frames=9, fps=24,
                                    width=32, height=32, seed=1, backend=self.backend, model_id="m",
                                    prompt=request.prompt)
        finally:
            self.running -= 1

    async def validate_credentials(self):
        return None

    def estimate_cost(self, request):
        return 0.0 if self.backend == "local" else 0.1


class Harness:
    """A JobQueue running on its own thread's event loop, like the UI's worker QThread."""

    def __init__(self, tmp_path, concurrency=None, before_submit=None, providers=None):
        self.providers = providers or {b: ScriptedProvider(b) for b in ("local", "fal", "replicate")}
        self.changes, self.change_threads, self.removed = [], set(), []
        self.queue = JobQueue(self.providers.__getitem__, lambda: tmp_path, self._on_change,
                              concurrency=concurrency, before_submit=before_submit,
                              on_remove=self.removed.append)
        self.thread = None

    def _on_change(self, job):
        self.changes.append((job.id, job.state))
        self.change_threads.add(threading.get_ident())

    def start(self):
        self.thread = threading.Thread(target=lambda: asyncio.run(self.queue.run()), daemon=True)
        self.thread.start()
        wait_until(lambda: self.queue._loop is not None)
        return self

    def stop(self):
        self.queue.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


def wait_until(cond, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.005)
    raise AssertionError("condition not met in time")


def req(prompt, backend="local"):
    model = "ltxv-2b-0.9.8-distilled" if backend != "replicate" else "ltxv-2b-0.9.5"
    return GenerationRequest(prompt=prompt, backend=backend, settings={"model_id": model})


def states(queue):
    return {j.request.prompt: j.state for j in queue.jobs}


def test_priorities_decide_the_order(tmp_path):
    h = Harness(tmp_path)
    local = h.providers["local"]
    local.hold.clear()
    h.start()
    try:
        h.queue.submit(req("a"))
        wait_until(lambda: local.started == ["a"])
        h.queue.submit(req("b"))
        urgent = h.queue.submit(req("c"), priority=5)
        assert urgent.queue_position == 1 and h.queue.jobs[1].queue_position == 2  # c jumped ahead of b
        local.hold.set()
        wait_until(lambda: all(s == "finished" for s in states(h.queue).values()))
        assert local.started == ["a", "c", "b"]
    finally:
        h.stop()


def test_concurrency_limits_hold_per_backend(tmp_path):
    h = Harness(tmp_path, concurrency={"fal": 3})
    for p in h.providers.values():
        p.duration = 0.1
    h.start()
    try:
        for i in range(4):
            h.queue.submit(req(f"l{i}"))
        for i in range(6):
            h.queue.submit(req(f"f{i}", "fal"))
        for i in range(3):
            h.queue.submit(req(f"r{i}", "replicate"))
        wait_until(lambda: all(s == "finished" for s in states(h.queue).values()))
        assert (h.providers["local"].peak, h.providers["fal"].peak, h.providers["replicate"].peak) == (1, 3, 2)
        # Cloud jobs did not wait for the GPU: the last fal job started before the last local one ended.
        jobs = {j.request.prompt: j for j in h.queue.jobs}
        assert jobs["f5"].started <= jobs["l3"].finished
    finally:
        h.stop()


def test_cancel_queued_and_running_jobs(tmp_path):
    h = Harness(tmp_path)
    local = h.providers["local"]
    local.hold.clear()
    h.start()
    try:
        running = h.queue.submit(req("run"))
        waiting = h.queue.submit(req("wait"))
        after = h.queue.submit(req("after"))
        wait_until(lambda: running.state == "running")
        h.queue.cancel(waiting.id)
        assert waiting.state == "cancelled" and after.queue_position == 1
        h.queue.cancel(running.id)  # from this (non-loop) thread, while it runs
        wait_until(lambda: running.state == "cancelled")
        local.hold.set()
        wait_until(lambda: after.state == "finished")
        assert local.started == ["run", "after"]  # the cancelled queued job never started
    finally:
        h.stop()


def test_failures_are_typed_and_retry_runs_again(tmp_path):
    h = Harness(tmp_path)
    local = h.providers["local"]
    local.fail_next = [OutOfMemory("Not enough memory.", hint="Try the cloud."), KeyError("bug")]
    h.start()
    try:
        job = h.queue.submit(req("x"))
        wait_until(lambda: job.state == "failed")
        assert (job.error.type, job.error.retryable, job.error.hint) == ("OutOfMemory", True, "Try the cloud.")
        h.queue.retry(job.id)
        wait_until(lambda: job.state == "failed" and job.attempts == 1)
        assert job.error.type == "KeyError"  # an unexpected provider error fails the job, not the queue
        h.queue.retry(job.id)
        wait_until(lambda: job.state == "finished")
        assert job.result.video_path.name == "x.mp4" and job.error is None and job.attempts == 2
        with pytest.raises(ValueError):
            h.queue.retry(job.id)
    finally:
        h.stop()


def test_before_submit_can_refuse(tmp_path):
    def budget(job):
        if job.cost_estimate and job.cost_estimate > 0.05:
            raise BudgetExceeded("Over the project budget.")

    h = Harness(tmp_path, before_submit=budget)
    ok = h.queue.submit(req("cheap"))
    with pytest.raises(BudgetExceeded):
        h.queue.submit(req("pricey", "fal"))
    assert [j.id for j in h.queue.jobs] == [ok.id] and ok.cost_estimate == 0.0


def test_queue_survives_a_restart(tmp_path):
    h = Harness(tmp_path)
    local = h.providers["local"]
    local.hold.clear()
    h.start()
    try:
        done = h.queue.submit(req("done", "fal"))
        wait_until(lambda: done.state == "finished")
        h.queue.set_result_asset(done.id, "asset_1")
        running = h.queue.submit(req("running"))
        wait_until(lambda: running.state == "running")
        queued = h.queue.submit(req("queued"), priority=2)
        records = h.queue.to_records()  # what the project file stores while the editor "dies"
    finally:
        local.hold.set()
        h.stop()
    assert set(records[0]) == {"id", "request", "state", "priority", "created", "error", "result_asset_id"}
    from ltx_editor.core.project import JobRecord

    records = [JobRecord.model_validate(r).model_dump() for r in records]  # the project file's round trip

    h2 = Harness(tmp_path)
    restored = {j.request.prompt: j for j in h2.queue.restore(records)}
    assert restored["running"].state == "interrupted" and restored["running"].error.retryable
    assert restored["done"].state == "finished" and restored["done"].result_asset_id == "asset_1"
    assert restored["queued"].state == "queued" and restored["queued"].priority == 2
    assert restored["queued"].id == queued.id
    h2.start()
    try:
        wait_until(lambda: restored["queued"].state == "finished")
        h2.queue.retry(restored["running"].id)
        wait_until(lambda: restored["running"].state == "finished")
        assert h2.providers["local"].started == ["queued", "running"]
        assert h2.queue.restore(records) == []  # restoring twice adds nothing
    finally:
        h2.stop()


def test_stop_interrupts_running_jobs(tmp_path):
    h = Harness(tmp_path)
    h.providers["local"].hold.clear()
    h.start()
    job = h.queue.submit(req("long"))
    wait_until(lambda: job.state == "running")
    h.stop()
    assert job.state == "interrupted" and job.error.retryable


def test_on_change_runs_on_the_loop_thread_and_remove(tmp_path):
    h = Harness(tmp_path).start()
    try:
        job = h.queue.submit(req("a"))
        wait_until(lambda: job.state == "finished")
        assert (job.id, "running") in h.changes and (job.id, "finished") in h.changes
        assert h.change_threads == {h.thread.ident}
        assert job.progress.stage is Stage.DONE
        h.queue.remove(job.id)
        wait_until(lambda: h.removed == [job.id])
        assert h.queue.get(job.id) is None
    finally:
        h.stop()


def test_submit_before_run_is_picked_up(tmp_path):
    h = Harness(tmp_path)
    job = h.queue.submit(req("early"))
    assert job.state == "queued" and job.queue_position == 1
    h.start()
    try:
        wait_until(lambda: job.state == "finished")
    finally:
        h.stop()


def test_cancel_token_reaches_a_real_provider_path(tmp_path):
    """A provider raising Cancelled without a user cancel (e.g. its own shutdown) counts as cancelled."""

    class SelfCancelling(ScriptedProvider):
        async def generate(self, request, output_dir, progress, cancel):
            raise Cancelled("Generation cancelled.")

    h = Harness(tmp_path, providers={"local": SelfCancelling("local")}).start()
    try:
        job = h.queue.submit(req("x"))
        wait_until(lambda: job.state == "cancelled")
    finally:
        h.stop()


def test_a_stop_before_run_starts_is_not_lost_and_the_queue_runs_again(tmp_path):
    h = Harness(tmp_path)
    h.queue.stop()  # e.g. the app quits before the worker thread got going
    asyncio.run(asyncio.wait_for(h.queue.run(), 5))  # returns at once instead of running forever
    h.start()  # and the same queue can still be run afterwards
    try:
        job = h.queue.submit(req("again"))  # runs for its 0.05 s
        wait_until(lambda: job.state == "finished")
    finally:
        h.stop()
