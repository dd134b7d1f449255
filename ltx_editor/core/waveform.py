"""Audio peaks for waveforms: the bundled ffmpeg decodes a file's first sound stream (mono, low rate), numpy
keeps the loudest sample of each 1/PEAKS_PER_SECOND of a second as one byte, and the result is cached on disk
beside the thumbnails (keyed like them by the file's content, see thumbnails.content_key).

A clip shows a slice of its media's peaks (Peaks.levels), so trimming or moving a clip never decodes again.
Safe to call from many threads: each file is decoded once at a time and its peaks written atomically.
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import numpy as np

from . import ffmpeg
from .errors import MediaError
from .thumbnails import content_key

PEAKS_PER_SECOND = 100
SAMPLE_RATE = 8000  # enough to see the envelope; decoding at 48 kHz would cost 6x the time for the same picture
_BUCKET = SAMPLE_RATE // PEAKS_PER_SECOND


class Peaks:
    """A file's peak levels: one byte (0-255) per 1/per_second of a second."""

    def __init__(self, data: np.ndarray, per_second: int = PEAKS_PER_SECOND) -> None:
        self.data = data
        self.per_second = per_second

    @property
    def seconds(self) -> float:
        return len(self.data) / self.per_second

    def levels(self, start_s: float, end_s: float, count: int) -> list[float]:
        """`count` levels (0-1) over [start_s, end_s): each the loudest peak of its share (0 past the sound)."""
        first = max(0, int(np.floor(start_s * self.per_second)))
        total = int(np.ceil(end_s * self.per_second)) - first
        if count < 1 or total < 1:
            return []
        span = np.zeros(total, dtype=np.uint8)
        part = self.data[first:first + total]
        span[: len(part)] = part
        starts = np.floor(np.linspace(0, total, count + 1)[:-1]).astype(np.int64)
        # shares of a peak or more: the loudest of each (starts then strictly increase); else each share's peak
        out = np.maximum.reduceat(span, starts) if count <= total else span[starts]
        return (out / 255.0).round(3).tolist()


def decode_peaks(path: str | Path) -> np.ndarray:
    """The peaks of the file's first audio stream (MediaError when it has none or cannot be read)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="ltx-peaks-") as folder:
        raw = Path(folder) / "sound.raw"
        ffmpeg.run([*ffmpeg.input_args(path), "-map", "0:a:0", "-ac", "1", "-ar", str(SAMPLE_RATE),
                    "-f", "s16le", "-acodec", "pcm_s16le", ffmpeg.file_arg(raw)],
                   what=path.name, hint="The file may hold no sound, or be damaged.",
                   background=True)  # waveforms are drawn when ready: the GUI thread comes first
        samples = np.fromfile(raw, dtype="<i2")
    if samples.size == 0:
        return np.zeros(0, dtype=np.uint8)
    n = -(-samples.size // _BUCKET)
    padded = np.zeros(n * _BUCKET, dtype=np.int32)
    padded[: samples.size] = np.abs(samples.astype(np.int32))
    loudest = padded.reshape(n, _BUCKET).max(axis=1)
    return np.minimum(255, (loudest * 255 + 16383) // 32768).astype(np.uint8)


class PeakCache:
    """Peaks per file on disk (`<dir>/<key[:2]>/<key>.peaks`, raw bytes), made once per file content."""

    def __init__(self, cache_dir: str | Path) -> None:
        self.dir = Path(cache_dir)
        self.decoded = 0  # how many times a file was decoded (tests: an edit never decodes)
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}

    def get(self, path: str | Path) -> Peaks:
        key = content_key(Path(path))
        out = self.dir / key[:2] / f"{key}.peaks"
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if not out.is_file():
                data = decode_peaks(path)
                with ffmpeg.atomic_output(out) as tmp:
                    data.tofile(tmp)
                with self._lock:
                    self.decoded += 1
        try:
            return Peaks(np.fromfile(out, dtype=np.uint8))
        except OSError as exc:
            raise MediaError(f"Could not read the waveform of {Path(path).name}: {exc.strerror or exc}.") from None
