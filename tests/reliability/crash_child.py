"""Child process for the crash-during-save test: a fork server that runs the editor's save path.

    python crash_child.py PROJECT LOG

It imports the editor once, then for each "fork" line on stdin forks a worker, prints the worker's pid,
and goes on listening ("quit" ends it). The worker continues from the newest recoverable version and
loops forever: bump the version, autosave, and every second version save; after each completed write it
appends "A <version>" or "S <version>" to LOG. The test SIGKILLs workers at random moments.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltx_editor.core.project import Marker  # noqa: E402
from ltx_editor.core.project_io import autosave, load_project, save_project  # noqa: E402
from tests.reliability.fork_server import serve_forks  # noqa: E402

MAX_MARKERS = 300  # the file grows and shrinks so kills land in writes of different sizes


def work(path: str, log_path: str) -> None:
    project = load_project(path, recover=True).project
    version = int(project.name[1:])  # the test names versions "v<n>"
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while True:
        version += 1
        project.name = f"v{version}"
        project.markers.append(Marker(id=f"crash{version}", frame=version, name="x" * (version % 97)))
        if len(project.markers) > MAX_MARKERS:
            del project.markers[: version % MAX_MARKERS]
        autosave(project, path)
        os.write(log, f"A {version}\n".encode())
        if version % 2 == 0:
            save_project(project, path)
            os.write(log, f"S {version}\n".encode())


def main() -> None:
    path, log_path = sys.argv[1], sys.argv[2]
    serve_forks(lambda: work(path, log_path))


if __name__ == "__main__":
    main()
