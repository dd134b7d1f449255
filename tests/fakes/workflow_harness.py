"""Drive workflows through the real JobQueue on a background asyncio loop, the way the app's worker does.

The queue runs on its own thread; job snapshots come back through a thread-safe queue and are handed to the
WorkflowRunner on the test's thread (the app's GUI thread), which owns the project.
"""
from __future__ import annotations

import asyncio
import copy
import queue
import threading
import time
from pathlib import Path
from typing import Any

from ltx_editor.core.project import Project
from ltx_editor.core.project_io import media_dir
from ltx_editor.generation.queue import Job, JobQueue
from ltx_editor.generation.workflow_runner import Landed, Problem, WorkflowRunner


class QueueHarness:
    def __init__(self, project: Project, project_path: Path, provider: Any) -> None:
        self.project, self.project_path = project, project_path
        self.updates: queue.Queue[Job] = queue.Queue()
        self.queue = JobQueue(lambda backend: provider, lambda: media_dir(project_path),
                              lambda job: self.updates.put(copy.copy(job)))
        self.runner = WorkflowRunner(lambda: self.project, lambda: self.project_path, self.queue.submit,
                                     lambda: media_dir(project_path) / "conditions")
        self.outcomes: list[Any] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self.queue.run(),),
                                        daemon=True)

    def __enter__(self) -> QueueHarness:
        (media_dir(self.project_path) / "conditions").mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.stop()
        self._thread.join(30)

    def pump(self, until, timeout: float = 120.0) -> list[Any]:
        """Hand job updates to the runner until `until(outcomes)` holds; returns the new outcomes."""
        new: list[Any] = []
        deadline = time.monotonic() + timeout
        while not until(new):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"workflow did not finish; outcomes so far: {new}")
            try:
                job = self.updates.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            new += self.runner.on_job_changed(job)
            problems = [o for o in new if isinstance(o, Problem)]
            assert not problems, problems
        self.outcomes += new
        return new


def landed(count: int = 1):
    """An `until` for pump: `count` landings happened."""
    return lambda outcomes: sum(isinstance(o, Landed) for o in outcomes) >= count
