"""Saves off the caller's thread: the caller takes a snapshot (a few ms), one worker encodes and writes it.

One worker, so writes land in the order their snapshots were taken (an autosave never overtakes the save
that follows it). An autosave asked for while the previous one is still being written is skipped: the
project stays dirty, so the next tick writes the newer state.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .project import Project
from .project_io import autosave, save_project
from .project_snapshot import take_snapshot


class BackgroundSaver:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="project-save")
        self._lock = threading.Lock()
        self._autosaving: Future | None = None

    def save(self, project: Project, path: str | Path) -> Future:
        """Snapshot now; the future gives the saved path or raises ProjectFileError (ProjectReadOnly ...)."""
        return self._pool.submit(save_project, take_snapshot(project), Path(path))

    def autosave(self, project: Project, path: str | Path) -> Future | None:
        """Snapshot now and write `<path>.autosave` on the worker; None when the previous one is still busy."""
        with self._lock:
            if self._autosaving is not None and not self._autosaving.done():
                return None
            self._autosaving = self._pool.submit(autosave, take_snapshot(project), Path(path))
            return self._autosaving

    def wait(self) -> None:
        """Until every write asked for so far has finished (e.g. before the editor quits)."""
        self._pool.submit(lambda: None).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
