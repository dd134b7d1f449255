"""One running worker child: start it, route its messages to the jobs waiting on them, notice it die, kill it.

The child runs in a session and process group of its own (low_priority), so a kill also ends whatever it started
(ffmpeg writing a clip), and it yields the CPU to the editor.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections import deque
from typing import Any

from pydantic import ValidationError

from ltx_editor.core.low_priority import low_priority

from .protocol import Ready, Start, decode_from_worker, encode

log = logging.getLogger(__name__)

WORKER_COMMAND = (sys.executable, "-m", "ltx_editor.generation.worker")
STDERR_TAIL = 20  # lines of the child's stderr kept to explain a crash


def cpu_threads_env() -> dict[str, str]:
    """Caps torch's CPU threads in the child at one less than this process may use, unless the person set them:
    torch starts one thread per core, so a CPU generation keeps every core busy and the editor's GUI thread waits
    for one to come free, whatever the priorities. On a GPU the kernels run on the card, so the cap costs nothing
    there. torch reads OMP_NUM_THREADS when it starts (MKL its own)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    cap = str(max(1, cores - 1))
    return {name: cap for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS") if name not in os.environ}


class Stopped:
    """Put in every job's inbox when the child ends: `why` says how, in words."""

    def __init__(self, why: str) -> None:
        self.why = why


def describe_exit(returncode: int | None, last_line: str = "") -> str:
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        why = {"SIGKILL": "it was killed (SIGKILL: out of memory, or stopped from outside)",
               "SIGSEGV": "it crashed (segmentation fault)"}.get(name, f"it was stopped by {name}")
    else:
        why = f"it exited with code {returncode}"
    return f"{why}; its last words: {last_line}" if last_line else why


class WorkerProcess:
    def __init__(self, command: tuple[str, ...] | list[str] = WORKER_COMMAND, env: dict[str, str] | None = None) -> None:
        """env: variables set for the child on top of this process's (e.g. CUDA_VISIBLE_DEVICES: its one GPU)."""
        self.command = list(command)
        self.env = dict(env or {})
        self.proc: asyncio.subprocess.Process | None = None
        self.inboxes: dict[str, asyncio.Queue] = {}
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL)
        self.stopped: Stopped | None = None
        self.killed = False  # SIGKILL sent: never given another job, even before its end is read
        self._tasks: list[asyncio.Task] = []
        self.loop: asyncio.AbstractEventLoop | None = None  # its pipes belong to the loop that started it

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.stopped is None and not self.killed

    async def start(self, options: dict[str, Any], timeout_s: float) -> None:
        self.loop = asyncio.get_running_loop()
        command, spawn = low_priority(self.command)  # the editor's GUI thread comes first (low_priority.py)
        self.proc = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, limit=2**24,
            env={**os.environ, **cpu_threads_env(), **self.env}, **spawn)
        ready: asyncio.Future = asyncio.get_running_loop().create_future()
        ready.add_done_callback(lambda f: f.cancelled() or f.exception())  # a start given up on is no error
        self._tasks = [asyncio.create_task(self._read(ready)), asyncio.create_task(self._drain_stderr())]
        self.send(Start(options=options))
        done, _ = await asyncio.wait({ready}, timeout=timeout_s)
        if not done:
            await self.kill()
            raise TimeoutError(f"the generator did not start within {timeout_s:g} s")
        ready.result()  # raises when the child ended before it was ready

    def send(self, message: Any) -> None:
        if self.proc is None or self.proc.stdin is None or self.stopped is not None:
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, RuntimeError):  # the reader sees the end
            self.proc.stdin.write(encode(message))

    async def _read(self, ready: asyncio.Future) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            try:
                message = decode_from_worker(line)
            except ValidationError:
                log.warning("generator sent an unreadable line: %.200r", line)
                continue
            if isinstance(message, Ready):
                if not ready.done():
                    ready.set_result(message.pid)
                continue
            inbox = self.inboxes.get(message.job_id)
            if inbox is not None:
                inbox.put_nowait(message)
        returncode = await self.proc.wait()
        await asyncio.gather(*self._tasks[1:], return_exceptions=True)  # the last stderr lines explain why
        self.stopped = Stopped(describe_exit(returncode, self.stderr_tail[-1] if self.stderr_tail else ""))
        if not ready.done():
            ready.set_exception(RuntimeError(self.stopped.why))
        for inbox in self.inboxes.values():
            inbox.put_nowait(self.stopped)

    async def _drain_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            if text:
                self.stderr_tail.append(text[:300])
                log.debug("generator: %s", text)

    def kill_now(self) -> None:
        """SIGKILL without waiting: when the loop that owns the pipes is gone, or when a cancel must not wait
        for the reaping (a child holding torch takes 0.2-0.5 s to go on a busy machine). A killed child runs
        no more code; the next start reaps it."""
        self.killed = True
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    async def kill(self) -> None:
        """SIGKILL the child and everything it started, and wait until it is gone."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def shutdown(self, timeout_s: float) -> None:
        """Ask the child to free everything and exit; kill it when it does not within `timeout_s`."""
        if self.proc is None:
            return
        if self.proc.returncode is None:
            from .protocol import Shutdown

            self.send(Shutdown())
            with contextlib.suppress(Exception):
                if self.proc.stdin is not None:
                    self.proc.stdin.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.proc.wait(), timeout_s)
        await self.kill()
