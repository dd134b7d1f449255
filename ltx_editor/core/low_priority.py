"""Background processes (a generation worker, an export's ffmpeg) yield the CPU to the editor.

On a machine with few cores, a CPU generation or an encode would otherwise take the core the editor's GUI
thread needs, and the editor stutters; yielding, they still get every cycle the editor does not use.

POSIX, two things:
- A lower priority (nice), set by the `nice` program, which lowers it before it execs the command (same pid), so
  every thread the command ever starts inherits it. Not `preexec_fn`: it makes Python fork() the whole editor
  with the GIL held (measured: GUI-thread gaps of 20-30 ms with 600 MB resident, against 5-12 ms without) and
  is unsafe with threads. Not os.setpriority after the start: Linux keeps a nice value per thread, so threads
  the child made before would keep the normal priority.
- A process group of its own (so os.killpg ends the child and whatever it started), but the editor's session.
  Linux's scheduler shares the CPU between sessions first ("autogroup", on by default), and nice only ranks
  the threads inside one. In the editor's session the niced child spends the session's share only when the
  GUI thread does not want it. In a session of its own it competed with the editor as an equal, and a mostly
  idle editor's session came out weak: measured with bench_gui_stall.py on 2 cores (Linux 6.18, EEVDF), three
  generations and an export, the GUI thread waited 10-193 ms in the run queue (longest gap 77/96/208 ms,
  min/median/max of 5 runs) against 5-20 ms (25/28/48 ms of 3) in the editor's session. Against the rest of
  the machine the jobs keep the editor session's full weight: they do not starve when other programs are busy.
Linux, one more: the child dies with the editor (`setpriv --pdeathsig KILL`, util-linux, before `nice`). An
editor that crashes or is killed would otherwise leave an ffmpeg encoding for nobody (ffmpeg ignores SIGPIPE,
so a closed progress pipe does not stop it) or a worker holding the GPU. The signal comes when the thread
that started the child ends: every caller waits for its child on that thread, or lives as long as the editor.
Windows: BELOW_NORMAL_PRIORITY_CLASS. Without a `nice` program: its own process group only. Python 3.10 has no
`process_group`: a session of its own there.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

NICENESS = 10  # added to the editor's own; 19 is the lowest priority


@functools.cache
def _nice_program() -> str | None:
    return shutil.which("nice")


@functools.cache
def _setpriv() -> tuple[str, ...]:
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return (setpriv, "--pdeathsig", "KILL") if setpriv is not None else ()


def dies_with_parent(command: Sequence[str]) -> list[str]:
    """`command` as it must be run to be killed when the thread that starts it (the editor) ends (Linux)."""
    return [*_setpriv(), *command]


def low_priority(command: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
    """`command` as it must be run to yield to the editor, and the keyword arguments to pass with it to
    subprocess.Popen / asyncio.create_subprocess_exec. On POSIX the child leads its own process group in the
    editor's session (so os.killpg(pid) ends it and whatever it started); on Linux it is killed when the
    starting thread (the editor) ends."""
    if sys.platform == "win32":
        return list(command), {"creationflags": subprocess.BELOW_NORMAL_PRIORITY_CLASS}
    nice = _nice_program()
    prefix = [nice, "-n", str(NICENESS)] if nice is not None else []
    group = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}
    return dies_with_parent([*prefix, *command]), group


__all__ = ["NICENESS", "dies_with_parent", "low_priority"]
