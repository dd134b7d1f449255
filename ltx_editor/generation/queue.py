"""The generation job queue: priorities, per-backend concurrency, cancel, retry, and persistence. No Qt.

One asyncio loop (the UI's worker thread, or the CLI's asyncio.run) runs `await queue.run()`. Everything
else — submit, cancel, retry, remove, stop — may be called from any thread: state changes happen under a
lock and the loop is woken with call_soon_threadsafe. `on_change(job)` is always called on the loop thread
once the loop runs (before that, on the caller's thread).
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol
from uuid import uuid4

from pydantic import ValidationError

from .errors import Cancelled, GenerationError
from .preview import PreviewEvent
from .provider import BaseLTXProvider
from .request import CancelToken, GenerationRequest, GenerationResult, ProgressEvent, Stage

log = logging.getLogger(__name__)

STATES = ("queued", "running", "finished", "failed", "cancelled", "interrupted")
RETRYABLE_STATES = ("failed", "cancelled", "interrupted")
DEFAULT_CONCURRENCY = {"local": 1, "fal": 2, "replicate": 2}  # one GPU job at a time; cloud in parallel
_seq = itertools.count()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class JobError:
    message: str
    type: str  # the error class name, e.g. "OutOfMemory", "BadCredentials"
    retryable: bool
    hint: str = ""
    cause: GenerationError | None = field(default=None, repr=False, compare=False)  # this session's only

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


@dataclass(eq=False)
class Job:
    id: str
    request: GenerationRequest
    priority: int = 0
    state: str = "queued"
    progress: ProgressEvent | None = None
    error: JobError | None = None
    result: GenerationResult | None = None
    cost_estimate: float | None = None
    created: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    queue_position: int | None = None
    attempts: int = 0
    result_asset_id: str | None = None
    preview: PreviewEvent | None = field(default=None, repr=False)  # the newest live picture while it runs
    _order: int = field(default_factory=lambda: next(_seq), repr=False)
    _cancel: CancelToken = field(default_factory=CancelToken, repr=False)
    _user_cancelled: bool = field(default=False, repr=False)

    @property
    def backend(self) -> str:
        return self.request.backend

    @property
    def label(self) -> str:
        return self.request.label or self.request.prompt[:60]


class Budget(Protocol):
    """What the queue needs of the cost owner (generation/cost.BudgetGuard)."""

    def reserve(self, job_id: str, estimate_usd: float | None) -> None: ...  # may raise BudgetExceeded
    def hold(self, job_id: str, estimate_usd: float | None) -> None: ...
    def release(self, job_id: str) -> None: ...


class JobQueue:
    """`budget` (optional) gets every job's estimate reserved when it is queued or retried (refusing past the
    cap: then nothing is queued) and released when the job fails, is cancelled or is removed. A finished
    job's reservation stays until its consumer records the actual cost (BudgetGuard.record), so the money
    is counted once, always."""

    def __init__(self, provider_for: Callable[[str], BaseLTXProvider], output_dir: Callable[[], Path],
                 on_change: Callable[[Job], None], concurrency: dict[str, int] | None = None,
                 before_submit: Callable[[Job], None] | None = None, *,
                 on_remove: Callable[[str], None] | None = None, budget: Budget | None = None) -> None:
        self._provider_for = provider_for
        self._output_dir = output_dir
        self._on_change = on_change
        self._on_remove = on_remove
        self._before_submit = before_submit
        self._budget = budget
        self._limits = {**DEFAULT_CONCURRENCY, **(concurrency or {})}
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._wake: asyncio.Event | None = None
        self._tasks: dict[str, asyncio.Task] = {}
        self._remove_when_done: set[str] = set()
        self._stopping = False

    # -- reading --------------------------------------------------------------------------------------
    @property
    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def concurrency(self, backend: str) -> int:
        return self._limits.get(backend, 1)

    # -- thread-safe commands ---------------------------------------------------------------------------
    def set_concurrency(self, backend: str, limit: int) -> None:
        with self._lock:
            self._limits[backend] = max(1, int(limit))
        self._wake_loop()

    def submit(self, request: GenerationRequest, priority: int = 0) -> Job:
        """Queue `request`. before_submit may raise (e.g. BudgetExceeded): then nothing is queued."""
        job = Job(id=f"job_{uuid4().hex[:10]}", request=request, priority=priority,
                  cost_estimate=self._estimate(request))
        if self._before_submit is not None:
            self._before_submit(job)
        if self._budget is not None:
            self._budget.reserve(job.id, job.cost_estimate)
        with self._lock:
            self._jobs[job.id] = job
            moved = self._refresh_positions()
        self._changed(job, *moved)
        self._wake_loop()
        return job

    def cancel(self, job_id: str) -> None:
        """A queued job is cancelled at once; a running one stops within a step (local) or a poll (cloud)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in ("queued", "running"):
                return
            job._user_cancelled = True
            job._cancel.cancel()
            moved = []
            if job.state == "queued":
                job.state, job.finished, job.queue_position = "cancelled", _now(), None
                moved = self._refresh_positions()
                self._release(job_id)
            else:
                job.progress = ProgressEvent(stage=job.progress.stage if job.progress else Stage.GENERATING,
                                             message="cancelling")
        self._changed(job, *moved)
        self._wake_loop()

    def retry(self, job_id: str) -> Job:
        """Queue a failed, cancelled or interrupted job again (same id, so the UI row stays)."""
        with self._lock:
            job = self._jobs[job_id]
            if job.state not in RETRYABLE_STATES:
                raise ValueError(f"cannot retry a {job.state} job")
        if self._before_submit is not None:
            self._before_submit(job)
        if self._budget is not None:
            self._budget.reserve(job.id, job.cost_estimate)
        with self._lock:
            job.state, job.error, job.result, job.progress = "queued", None, None, None
            job.started = job.finished = None
            job.attempts += 1
            job._cancel, job._user_cancelled, job._order = CancelToken(), False, next(_seq)
            moved = self._refresh_positions()
        self._changed(job, *moved)
        self._wake_loop()
        return job

    def remove(self, job_id: str) -> None:
        """Forget a job; a running one is cancelled first and removed when it has stopped."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            moved = []
            if job.state == "running":
                self._remove_when_done.add(job_id)
            else:
                del self._jobs[job_id]
                moved = self._refresh_positions()
        if job.state == "running":
            self.cancel(job_id)
        else:
            self._removed(job_id)
            self._changed(*moved)
            self._wake_loop()

    def set_result_asset(self, job_id: str, asset_id: str) -> None:
        with self._lock:
            if job_id in self._jobs:
                self._jobs[job_id].result_asset_id = asset_id

    def stop(self) -> None:
        """Make run() return: running jobs are stopped and come back 'interrupted' (retryable)."""
        self._stopping = True
        self._wake_loop()

    # -- persistence ----------------------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        """The queue as core JobRecord dicts (id, request, state, priority, created, error, result_asset_id)."""
        with self._lock:
            return [{"id": j.id, "request": j.request.model_dump(mode="json"), "state": j.state,
                     "priority": j.priority, "created": j.created, "error": str(j.error) if j.error else None,
                     "result_asset_id": j.result_asset_id} for j in self._jobs.values()]

    def restore(self, records: list[dict[str, Any]]) -> list[Job]:
        """Bring saved jobs back. Queued ones run again; one that was running when the editor stopped comes
        back 'interrupted' with a retry action. Unreadable records are skipped (and logged)."""
        restored = []
        for rec in records:
            try:
                request = GenerationRequest.model_validate(rec["request"])
            except (KeyError, ValidationError) as exc:
                log.warning("skipping unreadable job record %s: %s", rec.get("id"), exc)
                continue
            state = rec.get("state", "queued")
            job = Job(id=rec["id"], request=request, priority=int(rec.get("priority", 0)),
                      created=rec.get("created") or _now(), result_asset_id=rec.get("result_asset_id"),
                      cost_estimate=self._estimate(request))
            if state == "running" or state not in STATES:
                job.state = "interrupted"
                job.error = JobError("LTX Editor closed while this job was running.", "Interrupted", True,
                                     "Retry to run it again.")
            else:
                job.state = state
                if rec.get("error"):
                    job.error = JobError(rec["error"], "Restored", True)
            with self._lock:
                if job.id in self._jobs:
                    continue
                self._jobs[job.id] = job
            if job.state == "queued" and self._budget is not None:  # accepted earlier: it runs, and counts
                self._budget.hold(job.id, job.cost_estimate)
            restored.append(job)
        with self._lock:
            moved = self._refresh_positions()
        self._changed(*restored, *moved)
        self._wake_loop()
        return restored

    # -- the loop ---------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Run jobs until stop(). Must be awaited on the loop that owns the providers."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._wake = asyncio.Event()
        try:  # a stop() that came before run() started still counts: run() then returns at once
            while not self._stopping:
                self._schedule()
                await self._wake.wait()
                self._wake.clear()
            with self._lock:
                running = [self._jobs[i] for i in self._tasks if i in self._jobs]
            for job in running:
                job._cancel.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        finally:
            self._loop = self._wake = self._loop_thread = None
            self._stopping = False  # the queue may be run again later

    def _schedule(self) -> None:
        started: list[Job] = []
        with self._lock:
            running: dict[str, int] = {}
            for job in self._jobs.values():
                if job.state == "running":
                    running[job.backend] = running.get(job.backend, 0) + 1
            for job in sorted((j for j in self._jobs.values() if j.state == "queued"),
                              key=lambda j: (-j.priority, j._order)):
                if running.get(job.backend, 0) >= self.concurrency(job.backend):
                    continue
                running[job.backend] = running.get(job.backend, 0) + 1
                job.state, job.started, job.queue_position = "running", _now(), None
                job.progress = ProgressEvent(stage=Stage.QUEUED, message="starting")
                started.append(job)
            changed = self._refresh_positions()
        for job in started:
            self._tasks[job.id] = asyncio.get_running_loop().create_task(self._execute(job))
        self._changed(*started, *changed)

    async def _execute(self, job: Job) -> None:
        def progress(event: ProgressEvent) -> None:
            job.progress = event
            if isinstance(event, PreviewEvent):
                job.preview = event
            self._changed(job)

        try:
            provider = self._provider_for(job.backend)
            result = await provider.generate(job.request, Path(self._output_dir()), progress, job._cancel)
            self._finish(job, "finished", result=result)
        except Cancelled:
            self._finish(job, "cancelled" if job._user_cancelled or not self._stopping else "interrupted")
        except GenerationError as exc:
            self._finish(job, "failed", JobError(exc.message, type(exc).__name__, exc.retryable, exc.hint,
                                                      cause=exc))
        except asyncio.CancelledError:
            self._finish(job, "interrupted", JobError("The job was stopped.", "Interrupted", True))
            raise
        except Exception as exc:  # a provider bug must not kill the queue: the job fails, the rest go on
            log.exception("job %s failed", job.id)
            self._finish(job, "failed", JobError(f"{type(exc).__name__}: {exc}", type(exc).__name__, True))
        finally:
            self._tasks.pop(job.id, None)
            self._wake_loop()

    def _finish(self, job: Job, state: str, error: JobError | None = None,
                result: GenerationResult | None = None) -> None:
        if state == "interrupted" and error is None:
            error = JobError("Stopped when the generation worker shut down.", "Interrupted", True,
                             "Retry to run it again.")
        with self._lock:
            job.state, job.error, job.result, job.finished = state, error, result, _now()
            job.preview = None  # a live picture only means something while the job runs
            if state == "finished":
                job.progress = ProgressEvent(stage=Stage.DONE, fraction=1.0)
            drop = job.id in self._remove_when_done
            if drop:
                self._remove_when_done.discard(job.id)
                self._jobs.pop(job.id, None)
        if state != "finished":  # nothing was made: the money it held goes back
            self._release(job.id)
        if drop:
            self._removed(job.id)
        else:
            self._changed(job)

    # -- helpers ----------------------------------------------------------------------------------------
    def _estimate(self, request: GenerationRequest) -> float | None:
        try:
            return self._provider_for(request.backend).estimate_cost(request)
        except Exception:  # an estimate is a nicety; a backend that cannot estimate shows "unknown"
            return None

    def _refresh_positions(self) -> list[Job]:
        """Per-backend places in line (1 = next). Returns the jobs whose place changed. Caller holds the lock."""
        changed, place = [], {}
        for job in sorted(self._jobs.values(), key=lambda j: (-j.priority, j._order)):
            pos = None
            if job.state == "queued":
                place[job.backend] = pos = place.get(job.backend, 0) + 1
            if pos != job.queue_position:
                job.queue_position = pos
                if pos is not None:
                    job.progress = ProgressEvent(stage=Stage.QUEUED, queue_position=pos,
                                                 message=f"queued (#{pos})")
                changed.append(job)
        return changed

    def _on_loop_thread(self) -> bool:
        return self._loop is not None and threading.get_ident() == self._loop_thread

    def _changed(self, *jobs: Job) -> None:
        for job in dict.fromkeys(jobs):  # each job once, in order
            self._dispatch(self._on_change, job)

    def _release(self, job_id: str) -> None:
        if self._budget is not None:
            self._budget.release(job_id)

    def _removed(self, job_id: str) -> None:
        self._release(job_id)
        if self._on_remove is not None:
            self._dispatch(self._on_remove, job_id)

    def _dispatch(self, fn: Callable[[Any], None], arg: Any) -> None:
        loop = self._loop
        if loop is None or self._on_loop_thread():
            fn(arg)
        else:
            loop.call_soon_threadsafe(fn, arg)

    def _wake_loop(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        if self._on_loop_thread():
            wake.set()
        else:
            loop.call_soon_threadsafe(wake.set)
