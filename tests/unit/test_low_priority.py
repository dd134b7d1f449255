"""An export's ffmpeg yields the CPU to the editor: a lower priority for every thread of it, in the editor's
session (Linux shares the CPU by session first) and a process group of its own; the editor's own priority is
left alone."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ltx_editor.core import ffmpeg
from ltx_editor.core.low_priority import NICENESS
from tests.fakes.processes import own_group, thread_niceness, wait_gone


@pytest.mark.skipif(sys.platform == "win32" or shutil.which("nice") is None,
                    reason="priority by `nice` needs a POSIX system with the nice program")
def test_an_export_encode_yields_to_the_editor(monkeypatch, tmp_path):
    editor = os.getpriority(os.PRIO_PROCESS, 0)
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):  # the real Popen; only keeps the process to look at it
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(ffmpeg.subprocess, "Popen", recording_popen)
    seen: list[tuple[int, set[int], bool]] = []

    def progress(fraction: float) -> None:  # ffmpeg is running (or not yet reaped) while it reports
        pid = started[-1].pid
        threads = set(thread_niceness(pid).values()) if Path(f"/proc/{pid}/task").is_dir() else set()
        seen.append((os.getpriority(os.PRIO_PROCESS, pid), threads, own_group(pid)))

    out = tmp_path / "out.mp4"
    with ffmpeg.atomic_output(out) as tmp:
        ffmpeg.run_with_progress(["-f", "lavfi", "-i", "testsrc=duration=2:size=320x180:rate=24", "-c:v", "libx264",
                                  "-threads", "2", "-f", "mp4", ffmpeg.file_arg(tmp)],
                                 total_frames=48, progress=progress, cancel=None, what="the test encode")
    assert out.is_file() and seen
    lower = min(19, editor + NICENESS)
    assert all(nice == lower and threads <= {lower} and group for nice, threads, group in seen), seen
    assert os.getpriority(os.PRIO_PROCESS, 0) == editor



@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("setpriv") is None,
                    reason="dying with the parent needs Linux's setpriv (util-linux)")
def test_a_child_dies_with_the_editor_that_started_it(tmp_path):
    """An editor killed mid-export leaves no ffmpeg (nor worker) running for nobody."""
    editor = subprocess.run(  # a stand-in editor: starts a long child the low-priority way, then is SIGKILLed
        [sys.executable, "-c", "import os, signal, subprocess, sys\n"
         "from ltx_editor.core.low_priority import low_priority\n"
         "cmd, options = low_priority(['sleep', '600'])\n"
         "child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)\n"
         "print(child.pid, flush=True)\n"
         "while not open(f'/proc/{child.pid}/cmdline', 'rb').read().startswith(b'sleep'): pass\n"  # running
         "os.kill(os.getpid(), signal.SIGKILL)\n"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)
    assert editor.returncode == -9
    child = int(editor.stdout.split()[0])
    gone = wait_gone(child, timeout_s=20.0)
    if not gone:
        os.kill(child, 9)  # not left behind by the test either
    assert gone, f"the child {child} outlived the editor"
