"""Two editors saving one project, one of them killed with SIGKILL at random moments, 100 times.

Each time: the project opens (and its autosave, when offered), only the project, its .bak and .autosave are
visible, temporary files never pile up, and the surviving editor's saves never fail (colliding saves used to
end in a misleading "No such file or directory" and leave `.bak.tmp-PID` files). At the end, one more save
leaves no temporary file at all.
"""
from __future__ import annotations

import contextlib
import os
import random
import signal
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
from tests.reliability.fork_server import ForkServer, kill_and_wait, wait_gone
from tests.reliability.record import record

KILLS = 100
MAX_DELAY_S = 0.05
CHILD = Path(__file__).with_name("two_editors_child.py")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


def _temp_files(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if ".tmp-" in n]


def test_killing_one_of_two_editors_saving_one_project(tmp_path):
    project, path = make_project(tmp_path, n_clips=60)
    save_project(project, path)
    errors = tmp_path / "errors.log"
    errors.touch()
    allowed = {path.name, autosave_path(path).name, backup_path(path).name, errors.name, "demo_media", "imports"}
    rng = random.Random(20261201)
    server = ForkServer(CHILD, path, errors)
    editors = [server.fork(), server.fork()]
    opened = recovered = most_temps = 0
    try:
        for kill in range(KILLS):
            time.sleep(rng.uniform(0.0, MAX_DELAY_S))
            victim = editors.pop(rng.randrange(len(editors)))
            kill_and_wait(victim)

            load_project(path)  # raises if the file is damaged
            opened += 1
            if recovery_available(path) is not None:
                load_project(path, recover=True)
                recovered += 1
            names = os.listdir(tmp_path)
            visible = {n for n in names if not n.startswith(".")}
            assert visible <= allowed, f"kill {kill}: unexpected files {visible - allowed}"
            temps = _temp_files(tmp_path)
            most_temps = max(most_temps, len(temps))
            # the victim's unfinished write (2 at most) plus the survivor's in flight (2 at most)
            assert len(temps) <= 4, f"kill {kill}: temporary files pile up: {temps}"
            assert errors.read_text() == "", f"kill {kill}: an editor's save failed:\n{errors.read_text()}"
            editors.append(server.fork())
    finally:
        for pid in editors:
            with contextlib.suppress(ProcessLookupError):  # one that failed has exited already
                os.kill(pid, signal.SIGKILL)
            wait_gone(pid)
        server.close()
    failures = errors.read_text()
    project = load_project(path, recover=True).project
    save_project(project, path)  # the next save clears whatever a killed editor left behind
    left = _temp_files(tmp_path)
    record("two_editors", cases=KILLS, crashes=int(bool(failures)), data_lost=int(opened < KILLS),
           note=f"{KILLS} kills of one of two editors saving one project: opened {opened}/{KILLS}, "
                f"autosave offered {recovered}, at most {most_temps} temp files in flight, {len(left)} left at the end")
    print(f"\n{KILLS} kills: project opened {opened} times, recovery offered {recovered}, "
          f"at most {most_temps} temp files in flight, {len(left)} left after one more save")
    assert failures == ""
    assert left == []
    assert load_project(path).project.name == project.name
