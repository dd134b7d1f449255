"""A disk cache of thumbnails: one JPEG per (file content, time, width), made by the bundled ffmpeg.

The key hashes the file's size, mtime and its first and last 64 KiB (a cheap stand-in for a full content
hash: a replaced or re-rendered file misses, a renamed one still hits), plus the time in milliseconds and
the width. Safe to call from many threads: each key is made once (per-key lock) and written atomically,
so a reader never sees a half-written image. ffmpeg runs in the background (low_priority.py): a thumbnail is
asked for when a result lands, the moment the editor's GUI thread has the most to do (~30 ms of CPU each).
"""
from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path

from . import ffmpeg
from .errors import MediaError

_SAMPLE = 64 * 1024


class ThumbnailCache:
    def __init__(self, cache_dir: str | Path) -> None:
        self.dir = Path(cache_dir)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}

    def get(self, path: str | Path, time_s: float, width: int) -> Path:
        """A JPEG of `path` at `time_s` seconds, `width` pixels wide (the last frame when past the end)."""
        path = Path(path)
        if width < 1:
            raise MediaError(f"A thumbnail must be at least 1 pixel wide, not {width}.")
        key = f"{content_key(path)}_{max(0, round(time_s * 1000))}_{int(width)}"
        out = self.dir / key[:2] / f"{key}.jpg"
        with self._lock_for(key):
            if out.is_file():
                with self._lock:
                    self.hits += 1
                return out
            self._make(path, max(0.0, time_s), int(width), out)
            with self._lock:
                self.misses += 1
        with self._lock:
            self._key_locks.pop(key, None)
        return out

    def prune(self, max_bytes: int) -> int:
        """Delete the least recently made thumbnails until the cache holds at most `max_bytes`; returns how
        many were deleted. A thumbnail deleted while shown is simply made again when next asked for."""
        files = []
        for f in self.dir.glob("*/*.jpg"):
            try:
                st = f.stat()
            except OSError:
                continue
            files.append((st.st_mtime_ns, st.st_size, f))
        total = sum(size for _, size, _ in files)
        deleted = 0
        for _, size, f in sorted(files):
            if total <= max_bytes:
                break
            f.unlink(missing_ok=True)
            total -= size
            deleted += 1
        return deleted

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def _make(self, path: Path, time_s: float, width: int, out: Path) -> None:
        scale = ["-vf", f"scale={width}:-2:flags=bilinear", "-update", "1", "-q:v", "4", "-f", "image2"]
        with ffmpeg.atomic_output(out) as tmp:
            try:
                ffmpeg.run(["-ss", f"{time_s:.3f}", *ffmpeg.input_args(path), "-map", "0:v:0", "-frames:v", "1", *scale,
                            ffmpeg.file_arg(tmp)], what=path.name, hint="The file may be damaged or hold no picture.",
                           background=True)
            except MediaError:
                if time_s == 0:
                    raise
            if not tmp.is_file() or tmp.stat().st_size == 0:  # past the end: show the last frame instead
                ffmpeg.run(["-sseof", "-1", *ffmpeg.input_args(path), "-map", "0:v:0", *scale, ffmpeg.file_arg(tmp)],
                           what=path.name, hint="The file may be damaged or hold no picture.", background=True)


def content_key(path: Path) -> str:
    """Size + mtime + the first and last 64 KiB, hashed; MediaError when the file is gone."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # opening a FIFO or a device would block the thumbnail thread forever
            raise MediaError(f"{path} is not a file.", hint="Choose a video or image file.")
        h = hashlib.blake2b(f"{st.st_size}:{st.st_mtime_ns}".encode(), digest_size=16)
        with open(path, "rb") as f:
            h.update(f.read(_SAMPLE))
            if st.st_size > 2 * _SAMPLE:
                f.seek(-_SAMPLE, os.SEEK_END)
                h.update(f.read(_SAMPLE))
    except FileNotFoundError:
        raise MediaError(f"{path} does not exist.", hint="It may have been moved or deleted; relink it.") from None
    except OSError as exc:
        raise MediaError(f"Could not read {path.name}: {exc.strerror or exc}.") from None
    return h.hexdigest()
