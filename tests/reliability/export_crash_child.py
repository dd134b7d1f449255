"""Child process for the crash-during-export test: a fork server that runs the editor's export path.

    python export_crash_child.py PROJECT OUT LOG

It imports the editor once, then for each "fork" line on stdin forks a worker, prints the worker's pid and
goes on listening. The worker opens the project and exports it to OUT over and over, appending "E <n>" to
LOG after each completed export. The test SIGKILLs workers at random moments.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltx_editor.core.export import export_timeline  # noqa: E402
from ltx_editor.core.project_io import load_project  # noqa: E402
from tests.reliability.fork_server import serve_forks  # noqa: E402


def work(path: str, out: str, log_path: str) -> None:
    project = load_project(path).project
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    n = 0
    while True:
        export_timeline(project, path, out)
        n += 1
        os.write(log, f"E {n}\n".encode())


def main() -> None:
    path, out, log_path = sys.argv[1:4]
    serve_forks(lambda: work(path, out, log_path))


if __name__ == "__main__":
    main()
