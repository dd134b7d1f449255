"""Running imageio-ffmpeg's bundled ffmpeg (there is no ffprobe, and never a system ffmpeg).

One place for: finding the binary, running a short command with a readable error, running a long one with
progress and cancel, and publishing an output file atomically (temp file beside it, then os.replace), so
nothing half-written ever appears under the final name.
"""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

from .errors import ExportCancelled, MediaError
from .low_priority import dies_with_parent, low_priority
from .project_io import _fsync_dir

Progress = Callable[[float], None]


def ffmpeg_exe() -> str:
    from imageio_ffmpeg import get_ffmpeg_exe

    return get_ffmpeg_exe()


def fps_fraction(fps: float) -> Fraction:
    """24 -> 24/1, 23.976 -> 24000/1001: ffmpeg keeps a rate exact only when given as a fraction."""
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    ntsc = round(fps * 1.001)
    if abs(fps - round(fps)) > 0.005 and abs(ntsc * 1000 / 1001 - fps) < 0.005:
        return Fraction(ntsc * 1000, 1001)
    return Fraction(fps).limit_denominator(1000)


# Extensions ffmpeg's image2 demuxer claims; for those it reads a name holding `%d` as a numbered sequence.
IMAGE2_SUFFIXES = frozenset({".bmp", ".dpx", ".exr", ".jls", ".jpeg", ".jpg", ".jxl", ".pam", ".pbm", ".pcx",
                             ".pfm", ".pgm", ".png", ".ppm", ".sgi", ".tga", ".tif", ".tiff", ".qoi", ".xbm"})


def file_arg(path: str | Path) -> str:
    """`path` as ffmpeg must see it to open exactly that file: absolute, so a name like `-x.mp4` is not
    taken for an option, nor `pipe:1.png` or `concat:a|b` for a protocol (ffmpeg only looks for a protocol
    before the first `/`)."""
    return os.path.abspath(path)


def input_args(path: str | Path) -> list[str]:
    """`-i FILE` for one input file, safely (file_arg); an image whose path holds `%` is read as itself,
    not as the sequence of numbered files the pattern would name."""
    name = file_arg(path)
    if "%" in name and Path(name).suffix.lower() in IMAGE2_SUFFIXES:
        return ["-f", "image2", "-pattern_type", "none", "-i", name]
    return ["-i", name]


def shown_name(path: str | Path) -> str:
    """A file name as ffmpeg's log prints it (run_quiet's text): its av_log turns control characters other
    than BS, TAB, LF, VT, FF and CR into '?'."""
    raw = os.fsencode(file_arg(path))
    return bytes(63 if c < 0x08 or 0x0D < c < 0x20 else c for c in raw).decode("utf-8", "replace")


def last_lines(text: str, n: int = 3) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return " ".join(lines[-n:])


def run(args: Sequence[str], *, what: str, hint: str = "", background: bool = False) -> subprocess.CompletedProcess:
    """Run ffmpeg with `args` (the binary is added); MediaError naming `what` when it fails. `background`: work
    nobody waits on at that moment (thumbnails) yields the CPU to the editor's GUI thread (low_priority.py)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    cmd, options = low_priority(cmd) if background else (dies_with_parent(cmd), {})
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                              check=False, **options)  # a child in a background process group never reads a terminal
    except OSError as exc:
        raise MediaError(f"Could not run ffmpeg for {what}: {exc.strerror or exc}.",
                         hint="Reinstall the imageio-ffmpeg package.") from None
    if proc.returncode != 0:
        raise MediaError(f"ffmpeg failed on {what}: {last_lines(proc.stderr) or proc.returncode}.", hint=hint)
    return proc


def run_quiet(args: Sequence[str]) -> str:
    """Run ffmpeg for what it prints (e.g. `-i FILE` alone, which "fails" after describing the file).

    Decoded without newline translation, so a CR inside a file name stays a CR (see shown_name)."""
    cmd = dies_with_parent([ffmpeg_exe(), "-hide_banner", "-nostdin", *args])  # a probe ends with its editor too
    try:
        return subprocess.run(cmd, capture_output=True, check=False).stderr.decode("utf-8", "replace")
    except OSError as exc:
        raise MediaError(f"Could not run ffmpeg: {exc.strerror or exc}.",
                         hint="Reinstall the imageio-ffmpeg package.") from None


def temp_beside(out: Path) -> Path:
    """A hidden, unique temp name in `out`'s folder (same file system, so os.replace is atomic)."""
    return out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.part{out.suffix}")


def remove_stale_temps(out: Path) -> None:
    """Temp files that killed writes to `out` left behind (never renamed into place; one writer per target)."""
    pattern = re.compile(rf"^\.{re.escape(out.stem)}\.[0-9a-f]{{8}}\.part{re.escape(out.suffix)}$")
    with contextlib.suppress(OSError):
        for name in os.listdir(out.parent):
            if pattern.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(out.parent / name)


@contextlib.contextmanager
def atomic_output(out: str | Path) -> Iterator[Path]:
    """Yield a temp path to write; on success it becomes `out`, on any error (or cancel) it is removed."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(out)
    try:
        yield tmp
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise MediaError(f"ffmpeg wrote nothing for {out.name}.")
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    finally:
        tmp.unlink(missing_ok=True)


def run_with_progress(args: Sequence[str], *, total_frames: int, progress: Progress | None,
                      cancel: threading.Event | None, what: str) -> None:
    """Run a long ffmpeg job, reporting frames done / total_frames; ExportCancelled when `cancel` is set.

    The process is killed on cancel, on error and on KeyboardInterrupt: the caller's temp output is then
    incomplete and must be discarded (atomic_output does).
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
           "-progress", "pipe:1", "-stats_period", "0.2", *args]
    with tempfile.TemporaryFile(mode="w+", errors="replace") as errors:
        try:
            # yields the CPU to the editor: an export must not take the GUI thread's core (low_priority.py)
            cmd, options = low_priority(cmd)
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, text=True,
                                    errors="replace", **options)
        except OSError as exc:
            raise MediaError(f"Could not run ffmpeg for {what}: {exc.strerror or exc}.") from None
        reader = threading.Thread(target=_read_progress, args=(proc, total_frames, progress), daemon=True)
        reader.start()
        try:
            # The reader ends when ffmpeg closes its output: join it in short slices so a finished job is
            # noticed at once and a cancel within 20 ms.
            while reader.is_alive():
                reader.join(0.02)
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled("The export was cancelled.")
            proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            reader.join(5)
        if proc.returncode != 0:
            errors.seek(0)
            raise MediaError(f"ffmpeg failed on {what}: {last_lines(errors.read()) or proc.returncode}.",
                             hint="Check the disk has space and the source media play.")


def _read_progress(proc: subprocess.Popen, total_frames: int, progress: Progress | None) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:  # key=value lines; a block ends with progress=continue|end
        if progress is None or not line.startswith("frame="):
            continue
        with contextlib.suppress(ValueError):
            done = int(line[6:])
            progress(min(1.0, done / max(1, total_frames)))
