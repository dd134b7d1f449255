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
        self._pool: ThreadPoolExecutor | None = None  # started on the first write, ended by close()
        self._lock = threading.Lock()
        self._autosaving: Future | None = None

    def _submit(self, fn, *args) -> Future:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="project-save")
            # Start the thread on a no-op: started on the write itself, it began encoding (holding the GIL)
            # before the caller had its GIL back, and the first autosave blocked the GUI for 1-5 ms.
            self._pool.submit(int)
        return self._pool.submit(fn, *args)

    def save(self, project: Project, path: str | Path) -> Future:
        """Snapshot now; the future gives the saved path or raises ProjectFileError (ProjectReadOnly ...)."""
        with self._lock:
            return self._submit(save_project, take_snapshot(project), Path(path))

    def autosave(self, project: Project, path: str | Path) -> Future | None:
        """Snapshot now and write `<path>.autosave` on the worker; None when the previous one is still busy."""
        with self._lock:
            if self._autosaving is not None and not self._autosaving.done():
                return None
            self._autosaving = self._submit(autosave, take_snapshot(project), Path(path))
            return self._autosaving

    def wait(self) -> None:
        """Until every write asked for so far has finished (e.g. before the editor quits)."""
        with self._lock:
            pool = self._pool
        if pool is not None:
            pool.submit(lambda: None).result()

    def close(self) -> None:
        """Finish every write and end the worker thread (a later write starts a new one)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
