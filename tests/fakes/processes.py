"""Whether a process still runs (for tests that kill or orphan children), and at what priority."""
from __future__ import annotations

import os
import time
from pathlib import Path


def alive(pid: int) -> bool:
    """Running (a zombie left for a container's init to reap counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def wait_gone(pid: int, timeout_s: float = 10.0) -> bool:
    """True once `pid` no longer runs (polled, not slept for a fixed time); False if it outlives timeout_s."""
    deadline = time.monotonic() + timeout_s
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def thread_niceness(pid: int) -> dict[int, int]:
    """Linux: each thread of `pid` -> its nice value (Linux keeps a nice value per thread, not per process)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue  # the thread ended while we looked
        out[int(task.name)] = int(fields[16])  # stat's field 19 (nice); this list starts at field 3
    return out


def own_group(pid: int) -> bool:
    """The child leads a process group of its own (os.killpg reaches what it started) in this process's
    session (Linux's autogroup then lets nice rank it below the editor)."""
    return os.getpgid(pid) == pid and os.getsid(pid) == os.getsid(0)


def record_ffmpeg_runs(monkeypatch) -> list[tuple[list[str], dict]]:
    """Every ffmpeg `core.ffmpeg` runs from now on, as (command, keyword arguments); the real run still happens."""
    from ltx_editor.core import ffmpeg

    runs: list[tuple[list[str], dict]] = []
    real_run = ffmpeg.subprocess.run

    def recording_run(cmd, **kwargs):
        runs.append((list(cmd), kwargs))
        return real_run(cmd, **kwargs)

    monkeypatch.setattr(ffmpeg.subprocess, "run", recording_run)
    return runs


def started_in_the_background(cmd: list[str], kwargs: dict) -> bool:
    """The ffmpeg was started the low_priority way (nice, dies with the editor, a process group of its own)."""
    from ltx_editor.core import ffmpeg
    from ltx_editor.core.low_priority import low_priority

    wrapped, options = low_priority([ffmpeg.ffmpeg_exe()])
    return cmd[:len(wrapped)] == wrapped and all(kwargs.get(k) == v for k, v in options.items())
