"""Background processes (a generation worker, an export's ffmpeg) yield the CPU to the editor.

On a machine with few cores, a CPU generation or an encode would otherwise take the core the editor's GUI
thread needs, and the editor stutters; yielding, they still get every cycle the editor does not use.

POSIX, two things:
- A session of its own (setsid). Linux's scheduler shares the CPU fairly between sessions first ("autogroup",
  on by default), then between the processes inside one: a busy child inside the editor's session spends the
  session's share and the GUI thread waits for the session's turn. Measured on 2 cores under load, two busy
  children in the editor's session: a 2 ms sleep came back after 12 ms (median; p99 30-40 ms); in their own
  sessions after 2.5 ms (p99 13 ms), as good as with no children at all.
- A lower priority (nice), for schedulers without autogroup. Set by the `nice` program, which lowers it before
  it execs the command (same pid), so every thread the command ever starts inherits it. Not `preexec_fn`: it
  makes Python fork() the whole editor with the GIL held (measured: GUI-thread gaps of 20-30 ms with 600 MB
  resident, against 5-12 ms without) and is unsafe with threads. Not os.setpriority after the start: Linux
  keeps a nice value per thread, so threads the child made before would keep the normal priority.
  The session itself keeps its normal weight: a lower one would starve the job whenever anything else on the
  machine is busy, not only when the editor is.
Linux, one more: the child dies with the editor (`setpriv --pdeathsig KILL`, util-linux, before `nice`). An
editor that crashes or is killed would otherwise leave an ffmpeg encoding for nobody (ffmpeg ignores SIGPIPE,
so a closed progress pipe does not stop it) or a worker holding the GPU. The signal comes when the thread
that started the child ends: every caller waits for its child on that thread, or lives as long as the editor.
Windows: BELOW_NORMAL_PRIORITY_CLASS. Without a `nice` program: its own session only.
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
    subprocess.Popen / asyncio.create_subprocess_exec. On POSIX the child leads its own session and process
    group (so os.killpg(pid) ends it and whatever it started); on Linux it is killed when the starting thread
    (the editor) ends."""
    if sys.platform == "win32":
        return list(command), {"creationflags": subprocess.BELOW_NORMAL_PRIORITY_CLASS}
    nice = _nice_program()
    prefix = [nice, "-n", str(NICENESS)] if nice is not None else []
    return dies_with_parent([*prefix, *command]), {"start_new_session": True}


__all__ = ["NICENESS", "dies_with_parent", "low_priority"]
