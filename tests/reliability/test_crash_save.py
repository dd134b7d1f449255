"""Crash during save: SIGKILL a real child process at random moments of its save/autosave loop.

After every kill: the project file opens (old or new version, never older than a completed save), the
newest autosave is offered when it is newer, nothing the child had finished writing is lost, and the
only visible files are the project, its .bak and its .autosave (temporary files are hidden and cleaned
up by the next write).
"""
from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from ltx_editor.core.project_io import (
    autosave_path,
    backup_path,
    load_project,
    recovery_available,
    save_project,
)
from tests.fakes.projects import make_project
from tests.reliability.fork_server import ForkServer, kill_and_wait, wait_for_one_more_line

KILLS = 200  # issue 7 asks for >= 200 random moments; about 10 s on the 2-core CI machine
MAX_DELAY_S = 0.04
FINISH_FIRST = 2  # every 2nd worker completes a write before its kill: writes land between kills however busy
CHILD = Path(__file__).with_name("crash_child.py")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


def _version(path: Path, recover: bool = False) -> int:
    return int(load_project(path, recover=recover).project.name[1:])


def _logged(log: Path) -> tuple[int, int]:
    """(newest version the child finished writing anywhere, newest it finished saving to the file)."""
    newest = saved = 0
    for line in log.read_text().splitlines():
        kind, version = line.split()
        newest = max(newest, int(version))
        if kind == "S":
            saved = max(saved, int(version))
    return newest, saved


def test_sigkill_during_save_and_autosave_never_loses_the_project(tmp_path):
    project, path = make_project(tmp_path, n_clips=30)
    project.name = "v0"
    save_project(project, path)
    log = tmp_path / "writes.log"
    log.touch()
    allowed = {path.name, autosave_path(path).name, backup_path(path).name, log.name, "demo_media", "imports"}
    rng = random.Random(20261125)
    server = ForkServer(CHILD, path, log)
    mid_write = offered = 0
    try:
        for kill in range(KILLS):
            pid = server.fork()
            if kill % FINISH_FIRST == 0:  # a busy machine must not leave every worker killed before it writes
                wait_for_one_more_line(log, pid)
            time.sleep(rng.uniform(0.0, MAX_DELAY_S))
            kill_and_wait(pid)

            names = os.listdir(tmp_path)
            visible = {n for n in names if not n.startswith(".")}
            assert visible <= allowed, f"kill {kill}: unexpected files {visible - allowed}"
            hidden = [n for n in names if n.startswith(".")]
            mid_write += bool(hidden)
            assert len(hidden) <= 3, f"kill {kill}: temporary files pile up: {hidden}"

            newest, saved = _logged(log)
            in_file = _version(path)  # raises if the project file is damaged
            assert in_file >= saved, f"kill {kill}: the file went back from v{saved} to v{in_file}"
            recovery = recovery_available(path)
            if recovery is not None:
                offered += 1
                recovered = _version(path, recover=True)
                assert recovered >= in_file, f"kill {kill}: an older autosave (v{recovered}) was offered"
                best = recovered
            else:
                best = in_file
            assert best >= newest, f"kill {kill}: v{newest} was written but only v{best} can be opened"
            if backup_path(path).exists():
                assert _version(backup_path(path)) <= in_file
    finally:
        server.close()
    print(f"\n{KILLS} kills: {mid_write} left a half-written temp file, recovery offered after {offered}, "
          f"newest version v{_logged(log)[0]}")
    assert _logged(log)[0] >= KILLS // FINISH_FIRST  # writes were done between kills (each waited-for one adds one)
    assert mid_write > 0  # some kills did land in the middle of a write
