"""A fork server for the SIGKILL tests: the child side forks one worker per request, the test side kills them.

Forking a process that has already imported the project code makes a worker start in a millisecond, so a
test can kill 100 of them at random moments of a save or an export in a few seconds.

    child script:  serve_forks(lambda: work(path, log))          # one worker per "fork" line on stdin
    test:          server = ForkServer(CHILD, path, log)
                   try: pid = server.fork(); ...; kill_and_wait(pid)
                   finally: server.close()
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def serve_forks(work: Callable[[], None], exit_code: int = 1) -> None:
    """Child side: for each "fork" line on stdin fork a worker running `work` and print its pid; any other
    line (or end of input) stops serving. A worker never returns into this loop: it exits with `exit_code`."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    for line in sys.stdin:
        if line.strip() != "fork":
            break
        pid = os.fork()
        if pid == 0:
            try:
                work()
            finally:
                os._exit(exit_code)
        print(pid, flush=True)


class ForkServer:
    """Test side: runs a child script that calls serve_forks, with these arguments."""

    def __init__(self, script: Path, *args: object) -> None:
        self._proc = subprocess.Popen([sys.executable, str(script), *map(str, args)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)

    def fork(self) -> int:
        """Start one worker; its pid."""
        self._proc.stdin.write("fork\n")
        self._proc.stdin.flush()
        return int(self._proc.stdout.readline())

    def close(self) -> None:
        """Stop serving (workers still running are the test's to kill)."""
        self._proc.stdin.close()
        self._proc.wait(timeout=10)


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Return once `pid` no longer exists (the server reaps its workers); fail if it outlives `timeout`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.001)
    raise AssertionError(f"worker {pid} survived SIGKILL")


def kill_and_wait(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    wait_gone(pid)


def wait_for_one_more_line(log: Path, pid: int, timeout_s: float = 120.0) -> None:
    """Until the worker `pid` has logged one more completed piece of work than `log` holds now (polled)."""
    count, end = len(log.read_text().splitlines()), time.monotonic() + timeout_s
    while len(log.read_text().splitlines()) <= count:
        assert time.monotonic() < end, f"worker {pid} completed nothing in {timeout_s:.0f} s"
        time.sleep(0.002)
