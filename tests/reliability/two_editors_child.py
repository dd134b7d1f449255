"""Child for the two-editors test: a fork server whose workers each act as an editor saving one project.

    python two_editors_child.py PROJECT ERRORS

For each "fork" line on stdin it forks a worker and prints its pid ("quit" ends it). A worker loads the
project (its newest recoverable version), then loops forever through the editor's own save path (the
BackgroundSaver: snapshot, encode and write on its worker thread): autosave, and every other round save.
Any exception is appended to ERRORS with the worker's pid, and the worker exits.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltx_editor.core.project import Marker  # noqa: E402
from ltx_editor.core.project_io import load_project  # noqa: E402
from ltx_editor.core.project_saver import BackgroundSaver  # noqa: E402
from tests.reliability.fork_server import serve_forks  # noqa: E402


def work(path: str) -> None:
    project = load_project(path, recover=True).project
    saver = BackgroundSaver()
    pid = os.getpid()
    for n in range(10**9):
        project.name = f"{pid}-{n}"
        project.markers = [*project.markers[-200:], Marker(id=f"m{pid}x{n}", frame=n % 10_000)]
        saver.autosave(project, path).result() if n % 2 else saver.save(project, path).result()


def work_logging_errors(path: str, errors: str) -> None:
    try:
        work(path)
    except BaseException:  # noqa: BLE001 - written down for the test to assert on
        with open(errors, "a") as f:
            f.write(f"{os.getpid()}: {traceback.format_exc()}\n")


def main() -> None:
    path, errors = sys.argv[1], sys.argv[2]
    serve_forks(lambda: work_logging_errors(path, errors), exit_code=3)


if __name__ == "__main__":
    main()
