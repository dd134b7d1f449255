"""Child process for the disk-trouble tests: runs one editor write path under a file-size limit.

    python disk_child.py LIMIT_BYTES save|autosave PROJECT MARKERS
    python disk_child.py LIMIT_BYTES download URL DEST
    python disk_child.py LIMIT_BYTES export PROJECT OUT

RLIMIT_FSIZE makes any write past LIMIT_BYTES fail with EFBIG, like a disk that fills up mid-write
(SIGXFSZ is ignored so the write returns an error instead of killing the process). It prints one JSON line:
{"ok": bool, "type": error class, "message": str(error)}; anything but an LtxEditorError is a crash.
"""
from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltx_editor.core.errors import LtxEditorError  # noqa: E402
from ltx_editor.core.project import Marker  # noqa: E402
from ltx_editor.core.project_io import autosave, load_project, save_project  # noqa: E402
from ltx_editor.generation.download import DownloadOptions, download_file  # noqa: E402


def _limit(nbytes: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))


def run(args: list[str]) -> None:
    limit, action = int(args[0]), args[1]
    if action in ("save", "autosave"):
        path, markers = Path(args[2]), int(args[3])
        project = load_project(path, recover=True).project
        project.markers += [Marker(id=f"big{i}", frame=i, name="m" * 200) for i in range(markers)]
        _limit(limit)
        (save_project if action == "save" else autosave)(project, path)
    elif action == "download":
        url, dest = args[2], Path(args[3])
        _limit(limit)
        asyncio.run(download_file(url, dest, options=DownloadOptions(retries=1, backoff_s=0.01)))
    elif action == "export":
        from ltx_editor.core.export import export_timeline

        path, out = Path(args[2]), Path(args[3])
        project = load_project(path).project
        _limit(limit)  # ffmpeg inherits the limit (and dies of SIGXFSZ, which subprocess restores)
        export_timeline(project, path, out)
    else:
        raise SystemExit(f"unknown action {action}")


def main() -> None:
    try:
        run(sys.argv[1:])
        out = {"ok": True, "type": "", "message": ""}
    except LtxEditorError as e:
        out = {"ok": False, "type": type(e).__name__, "message": str(e), "clear": True}
    except BaseException as e:  # noqa: BLE001 - reported to the test as a crash
        out = {"ok": False, "type": type(e).__name__, "message": traceback.format_exc(), "clear": False}
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
