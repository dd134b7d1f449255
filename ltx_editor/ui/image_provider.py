"""`image://thumbs/...`: thumbnails made by the core's disk cache on a thread pool, never on the GUI thread.

URLs are built in Python (`thumb_url`) and handed to QML through model roles, so QML never composes paths.
The media path travels base64url-encoded because QML would otherwise mangle slashes and percent signs.
"""
from __future__ import annotations

import base64
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickAsyncImageProvider, QQuickImageResponse, QQuickTextureFactory

log = logging.getLogger(__name__)
PROVIDER_ID = "thumbs"


def thumb_url(path: str | Path, time_s: float = 0.0, width: int = 160) -> str:
    """The image source for a frame of `path` (an absolute media path) at `time_s`, `width` pixels wide."""
    token = base64.urlsafe_b64encode(str(path).encode()).decode().rstrip("=")
    return f"image://{PROVIDER_ID}/{token}/{int(round(time_s * 1000))}/{int(width)}"


def parse_thumb_id(image_id: str) -> tuple[Path, float, int]:
    token, ms, width = image_id.split("?")[0].split("/")[:3]
    path = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    return Path(path), int(ms) / 1000.0, int(width)


class _Done(QObject):
    done = Signal(QImage)


class _ThumbJob(QRunnable):
    def __init__(self, cache, image_id: str, size: QSize) -> None:
        super().__init__()
        self.signals = _Done()
        self._cache, self._id, self._size = cache, image_id, size

    def run(self) -> None:
        image = QImage()
        try:
            path, time_s, width = parse_thumb_id(self._id)
            if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".bmp"):
                image = QImage(str(path))  # stills need no decoding through ffmpeg
            else:
                image = QImage(str(self._cache.get(path, time_s, width)))
            if not image.isNull() and self._size.width() > 0:
                image = image.scaledToWidth(self._size.width(), Qt.TransformationMode.SmoothTransformation)
        except Exception as exc:  # a thumbnail that cannot be made shows as empty; never a crash
            log.info("no thumbnail for %s: %s", self._id, exc)
        self.signals.done.emit(image)


class _ThumbResponse(QQuickImageResponse):
    def __init__(self) -> None:
        super().__init__()
        self._image = QImage()

    def on_done(self, image: QImage) -> None:
        self._image = image
        self.finished.emit()

    def textureFactory(self) -> QQuickTextureFactory:
        return QQuickTextureFactory.textureFactoryForImage(self._image)


class _LazyCache:
    """Creates the core ThumbnailCache on first use (keeps the provider cheap to install at startup)."""

    def __init__(self, cache_dir: Path) -> None:
        self._dir, self._cache, self._lock = cache_dir, None, threading.Lock()

    def get(self, path: Path, time_s: float, width: int) -> Path:
        with self._lock:
            if self._cache is None:
                from ltx_editor.core.thumbnails import ThumbnailCache

                self._cache = ThumbnailCache(self._dir)
        return self._cache.get(path, time_s, width)


class ThumbnailProvider(QQuickAsyncImageProvider):
    """Install with `engine.addImageProvider(PROVIDER_ID, ThumbnailProvider(cache_dir))`."""

    def __init__(self, cache_dir: str | Path, max_threads: int = 2) -> None:
        super().__init__()
        self.cache = _LazyCache(Path(cache_dir))
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self._pending: set[_ThumbResponse] = set()  # keep Python wrappers alive until Qt is done

    def requestImageResponse(self, image_id: str, requested_size: QSize) -> QQuickImageResponse:
        response = _ThumbResponse()
        job = _ThumbJob(self.cache, image_id, requested_size)
        job.signals.done.connect(response.on_done, Qt.ConnectionType.QueuedConnection)
        response.keep = job.signals  # the runnable is deleted after run(); its signal object must live on
        self._pending.add(response)
        response.finished.connect(lambda: self._pending.discard(response))
        self.pool.start(job)
        return response
