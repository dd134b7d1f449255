"""Shared by the hardening tests (issue 16): bounded calls, folder snapshots, the CLI in a child process.

Every case runs under a time limit (a hang is a failure with a name, never a stuck suite), and the folder
it works in is compared before and after: no input changed, no temp file left.
"""
from __future__ import annotations

import hashlib
import os
import resource
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.record import record

ROOT = Path(__file__).resolve().parents[2]
CASE_TIMEOUT_S = 60.0  # far above any case's real time, even on a loaded 2-core machine


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None
    hung: bool = False


def record_tally(name: str, tally: dict[str, int]) -> None:
    """A module's figures for the report: cases, crashes (tracebacks, wrong errors), hangs, inputs modified,
    files left behind."""
    record(name, cases=tally["cases"], crashes=tally["crashes"], hangs=tally["hangs"],
           data_lost=tally.get("modified", 0), files_left=tally.get("left", 0))


def bounded(fn, *args, timeout: float = CASE_TIMEOUT_S, **kwargs) -> Outcome:
    """Run fn in a daemon thread; `hung` when it has not returned within `timeout` (the thread is left)."""
    out = Outcome()

    def target() -> None:
        try:
            out.value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported to the test, which judges it
            out.error = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    out.hung = t.is_alive()
    return out


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` by lstat (a FIFO is never opened): type, size, mtime, and content hash
    of regular files; symlinks by target."""
    entries: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, folder)
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256()
                if st.st_blocks:  # a sparse file of zeros (the oversized cases) costs nothing to skip
                    with open(p, "rb") as f:
                        while block := f.read(1 << 20):
                            digest.update(block)
                entries[rel] = ("file", st.st_size, st.st_mtime_ns, digest.hexdigest(), st.st_ino)
            elif stat.S_ISLNK(st.st_mode):
                entries[rel] = ("link", os.readlink(p))
            else:
                entries[rel] = (stat.S_IFMT(st.st_mode), st.st_mtime_ns)
    return entries


def changes(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(inputs modified or removed, new entries left behind)."""
    modified = sorted(k for k in before if after.get(k) != before[k])
    added = sorted(k for k in after if k not in before)
    return modified, added


@dataclass
class CliResult:
    returncode: int | None  # None: killed after the timeout (a hang)
    stdout: str = ""
    stderr: str = ""
    hung: bool = False
    tracebacks: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.tracebacks = (self.stdout + self.stderr).count("Traceback (most recent call last)")


def run_cli(*args: str, timeout: float = CASE_TIMEOUT_S, cwd: Path | None = None,
            stdin: int | None = subprocess.DEVNULL, memory_limit: int | None = None) -> CliResult:
    """`ltx-editor ARGS` in a child process, killed (and reported hung) after `timeout` seconds; with
    `memory_limit`, its address space is capped (a runaway read fails the child, not the machine)."""
    cmd = [sys.executable, "-m", "ltx_editor.cli", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    try:
        proc = subprocess.run(cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True, errors="replace",
                              timeout=timeout, stdin=stdin, preexec_fn=cap if memory_limit else None)
    except subprocess.TimeoutExpired as exc:
        return CliResult(None, _text(exc.stdout), _text(exc.stderr), hung=True)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def _text(data: bytes | str | None) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""
