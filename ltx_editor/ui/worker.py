"""The generation worker: one long-lived QThread that owns one asyncio loop running the JobQueue.

Cloud clients must not outlive their event loop, and local diffusers work must not block the GUI, so every
provider is created for, used on, and closed on this one loop. The GUI talks to the queue only through its
thread-safe commands and hears back only through queued Qt signals carrying snapshots of jobs.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from ltx_editor.generation.provider import BaseLTXProvider
from ltx_editor.generation.queue import Budget, Job, JobQueue

log = logging.getLogger(__name__)


class _LoopThread(QThread):
    def __init__(self, worker: GenerationWorker) -> None:
        super().__init__()
        self.setObjectName("ltx-generation")
        self._worker = worker

    def run(self) -> None:
        # The first local job makes its provider on the GUI thread (the queue asks it for an estimate): the
        # modules it needs are imported here at start instead (importing the worker pool took ~20 ms there).
        import ltx_editor.generation.factory  # noqa: F401
        import ltx_editor.generation.worker.pool  # noqa: F401

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._worker._loop = loop
        try:
            loop.run_until_complete(self._worker._serve())
        finally:
            self._worker._loop = None
            loop.close()


class GenerationWorker(QObject):
    """Owns the JobQueue. `options_for(backend)` gives the factory's keyword options for a backend."""

    jobChanged = Signal(object)  # a snapshot (copy) of a Job, delivered on the GUI thread
    jobRemoved = Signal(str)

    def __init__(self, options_for: Callable[[str], dict[str, Any]], output_dir: Callable[[], Path],
                 before_submit: Callable[[Job], None] | None = None, parent: QObject | None = None,
                 create: Callable[..., BaseLTXProvider] | None = None, budget: Budget | None = None) -> None:
        super().__init__(parent)
        from ltx_editor.generation.worker.client import create_for_editor

        self._create = create or create_for_editor  # local jobs run in a worker process
        self._options_for = options_for
        self._providers: dict[str, BaseLTXProvider] = {}
        self._stale: list[BaseLTXProvider] = []
        self._closing: set[asyncio.Task] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.queue = JobQueue(self._provider_for, output_dir, self._on_change, before_submit=before_submit,
                              on_remove=self.jobRemoved.emit, budget=budget)
        self._thread = _LoopThread(self)

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> None:
        if not self._thread.isRunning():
            self._thread.start()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Stop the loop (running jobs come back 'interrupted'); True when the thread ended in time."""
        if not self._thread.isRunning():
            return True
        self.queue.stop()
        return self._thread.wait(timeout_ms)

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def reset_providers(self) -> None:
        """Preferences or keys changed: the next job builds fresh providers. The old ones are closed on the
        loop as soon as the jobs they were running end (a local model is freed then, not at exit)."""
        with self._lock:
            old = list(self._providers.values())
            self._providers.clear()
        running = {j.id for j in self.queue.jobs if j.state == "running"}
        loop = self._loop
        try:
            if loop is None:
                raise RuntimeError("the loop is not running")
            for provider in old:
                loop.call_soon_threadsafe(self._start_close, provider, running)
        except RuntimeError:  # not started, or shutting down: _serve closes them when the loop ends
            with self._lock:
                self._stale.extend(old)

    def _start_close(self, provider: BaseLTXProvider, running: set[str]) -> None:
        task = asyncio.get_running_loop().create_task(self._close_when_idle(provider, running))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close_when_idle(self, provider: BaseLTXProvider, running: set[str]) -> None:
        # Jobs that were running at the reset may still use this provider's clients: let them end first.
        while any(j.id in running and j.state == "running" and j.backend == provider.backend for j in self.queue.jobs):
            await asyncio.sleep(0.05)
        try:
            await provider.close()
        except Exception:  # closing must never break the loop
            log.exception("closing provider %s", provider)

    async def _serve(self) -> None:
        try:
            await self.queue.run()
        finally:
            if self._closing:
                await asyncio.gather(*self._closing, return_exceptions=True)
            with self._lock:
                closing = [*self._providers.values(), *self._stale]
                self._providers.clear()
                self._stale.clear()
            for provider in closing:
                try:
                    await provider.close()
                except Exception:  # closing must never stop the others from closing
                    log.exception("closing provider %s", provider)

    # -- queue callbacks (loop thread) --------------------------------------------------------------------
    def _provider_for(self, backend: str) -> BaseLTXProvider:
        with self._lock:
            provider = self._providers.get(backend)
            if provider is None:
                provider = self._providers[backend] = self._create(backend, **self._options_for(backend))
                if getattr(provider, "parallel_jobs", None):  # one local worker per GPU: one job on each at once
                    self.queue.set_concurrency(backend, provider.parallel_jobs)
            return provider

    def _on_change(self, job: Job) -> None:
        # A copy, so the GUI reads a consistent job while the loop thread goes on changing the original.
        self.jobChanged.emit(copy.copy(job))
