"""Thumbnails as plain image files that QML loads by itself (file:// URLs on `asynchronous: true` Images).

Why not a QQuickAsyncImageProvider written in Python: it deadlocks. Qt's pixmap reader thread calls the
provider's virtual methods while holding the reader's lock, and PySide needs the GIL for each such call;
meanwhile the GUI thread, holding the GIL while QML creates an Image (say inside endInsertRows), waits for
that same lock. So no Python runs on Qt's reader thread here: the core's disk cache makes the thumbnails on
a Python thread pool, a model shows "" until its file exists, and `ready(media_path)` tells the models to
refresh the rows that show that media.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal

log = logging.getLogger(__name__)
STILL_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
Key = tuple[str, int, int]  # media path, time in ms, width


class ThumbnailService(QObject):
    ready = Signal(str)  # the media path (as given to url()) one of whose thumbnails now exists
    _made = Signal(object, str)  # (key, file url or "" when it cannot be made), from a pool thread

    def __init__(self, cache_dir: str | Path, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache_dir = Path(cache_dir)
        self._cache = None  # the core ThumbnailCache, made on first use (keeps startup cheap)
        self._pool = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="ltx-thumb")
        self._done: dict[Key, str] = {}
        self._pending: set[Key] = set()
        self._futures: set[Future] = set()
        self._made.connect(self._on_made, Qt.ConnectionType.QueuedConnection)
        self._gate = _start_every_thread(self._pool, max_threads)

    @property
    def cache_dir(self) -> Path:
        return self._cache_dir

    def url(self, path: str | Path, time_s: float = 0.0, width: int = 160) -> str:
        """The thumbnail's file URL when it exists; else "" now, and `ready(path)` once it has been made."""
        if Path(path).suffix.lower() in STILL_SUFFIXES:
            return QUrl.fromLocalFile(str(path)).toString()  # Qt decodes stills itself, off the GUI thread
        key = (str(path), max(0, round(time_s * 1000)), int(width))
        if key in self._done:
            return self._done[key]
        if key not in self._pending:
            self._pending.add(key)
            try:
                future = self._pool.submit(self._make, key)
            except RuntimeError:  # shut down: the app is quitting
                self._pending.discard(key)
            else:
                self._futures.add(future)
                future.add_done_callback(self._futures.discard)
        return ""

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """For tests and benchmarks: wait until the pool has made what was asked (results arrive queued)."""
        return not wait(list(self._futures), timeout_s).not_done

    def shutdown(self) -> None:
        self._gate.abort()  # a thread still waiting for the others to start lets go at once
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _make(self, key: Key) -> None:
        """On a pool thread: no Qt objects are touched here but the signal, which Qt queues to the GUI."""
        path, ms, width = key
        url = ""
        try:
            if self._cache is None:
                from ltx_editor.core.thumbnails import ThumbnailCache

                self._cache = ThumbnailCache(self._cache_dir)
            url = QUrl.fromLocalFile(str(self._cache.get(path, ms / 1000.0, width))).toString()
        except Exception as exc:  # a thumbnail that cannot be made shows as empty; never a crash
            log.info("no thumbnail for %s at %d ms: %s", path, ms, exc)
        self._made.emit(key, url)

    def _on_made(self, key: Key, url: str) -> None:
        self._pending.discard(key)
        self._done[key] = url  # "" too: a file that cannot be thumbnailed is not retried on every scroll
        if url:
            self.ready.emit(key[0])


def _start_every_thread(pool: ThreadPoolExecutor, count: int) -> threading.Barrier:
    """Start the pool's threads now, with the service. The pool starts one lazily on a submit that finds no idle
    thread, and Thread.start() waits until the new thread runs: that wait fell on the GUI thread inside a bin
    model's data() call when a result landed during a busy job (tens of ms on a loaded machine). Each of
    `count` tasks waits for the others, so every submit below finds no idle thread and starts one. Returns the
    gate they wait at (abort it to let them go)."""
    gate = threading.Barrier(count)
    for _ in range(count):
        pool.submit(_wait_at, gate)
    return gate


def _wait_at(gate: threading.Barrier) -> None:
    with contextlib.suppress(threading.BrokenBarrierError):  # aborted: the service was shut down
        gate.wait(timeout=10)


_service: ThumbnailService | None = None


def install(cache_dir: str | Path) -> ThumbnailService:
    """Make the app's thumbnail service (the app calls this at startup with its cache folder)."""
    global _service
    if _service is not None:
        _service.shutdown()
    _service = ThumbnailService(cache_dir)
    return _service


def thumbnails() -> ThumbnailService:
    """The app's service; made with the default cache folder when nothing installed one (tests, tools)."""
    if _service is None:
        from platformdirs import user_cache_dir

        install(Path(user_cache_dir("ltx-editor", appauthor=False)) / "thumbs")
    assert _service is not None
    return _service


def thumb_url(path: str | Path, time_s: float = 0.0, width: int = 160) -> str:
    return thumbnails().url(path, time_s, width)
