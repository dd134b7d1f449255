"""Waveform peaks for the timeline, computed off the GUI thread (core/waveform on a Python pool, as the
thumbnails are) and kept in memory per media file once made. `peaks(path)` answers at once: the Peaks when
known, else None now and `ready(path)` once they have been made. Edits only slice known peaks (see
TimelineController.waveformPeaks), so no edit ever decodes sound again.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from ltx_editor.core.waveform import PeakCache, Peaks

from .thumbnails import thumbnails

log = logging.getLogger(__name__)


class WaveformService(QObject):
    ready = Signal(str)  # the media path whose peaks are now known
    _made = Signal(str, object)  # (path, Peaks or None when the file has no readable sound), from a pool thread

    def __init__(self, cache_dir: str | Path, max_threads: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = PeakCache(cache_dir)
        self._pool = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="ltx-peaks")
        self._done: dict[str, Peaks | None] = {}
        self._futures: set[Future] = set()
        self._made.connect(self._on_made, Qt.ConnectionType.QueuedConnection)

    def peaks(self, path: str | Path) -> Peaks | None:
        key = str(path)
        if key in self._done:
            return self._done[key]
        self._done[key] = None  # asked once: a file without sound is not decoded again on every repaint
        try:
            future = self._pool.submit(self._make, key)
        except RuntimeError:  # shut down: the app is quitting
            return None
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)
        return None

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        return not wait(list(self._futures), timeout_s).not_done

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _make(self, path: str) -> None:
        peaks = None
        try:
            peaks = self.cache.get(path)
        except Exception as exc:  # no waveform is shown; never a crash
            log.info("no waveform for %s: %s", path, exc)
        self._made.emit(path, peaks)

    def _on_made(self, path: str, peaks: Peaks | None) -> None:
        self._done[path] = peaks
        if peaks is not None:
            self.ready.emit(path)


_service: WaveformService | None = None


def install(cache_dir: str | Path) -> WaveformService:
    global _service
    if _service is not None:
        _service.shutdown()
    _service = WaveformService(cache_dir)
    return _service


def waveforms() -> WaveformService:
    """The app's service; its cache sits beside the thumbnails' (a `waveforms` folder next to it)."""
    if _service is None:
        install(thumbnails().cache_dir.parent / "waveforms")
    assert _service is not None
    return _service
