"""Startup of the real entry (ltx_editor.app.main) against a bare PySide6 QML window (an ApplicationWindow
holding one Rectangle) on the same machine, in the same run.

    .venv/bin/python tests/bench/bench_startup.py [--runs 5]

Each sample is a fresh Python process; the clock starts just before the process is spawned. Two figures:
- first frame: the main window's first frameSwapped (issue 5's target: <= 1.5x the bare window's);
- fully loaded: the first frame after the editor is up (AppController built, MainContent.qml ready).
Also printed: the longest gap between two frames while the editor fills the window in (how long the GUI
thread froze at worst; the window animates a busy indicator meanwhile), and for reference the old one-step
path (import everything, build the controller, load the whole window: ltx_editor.app.create_engine).
Runs alternate bare / editor / one-step and medians are compared. The editor child asserts that torch and
diffusers were never imported, and records whether the editor's heavy modules (pydantic, the controllers)
were already imported at the first frame. Uses QT_QPA_PLATFORM=offscreen unless a platform is set (there
every frame is drawn on the GUI thread, so a frame gap is a GUI stall).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_RATIO = 1.5
HEAVY = ("pydantic", "numpy", "ltx_editor.ui.app_controller")

BARE_QML = b"""
import QtQuick
import QtQuick.Controls
ApplicationWindow { width: 1440; height: 900; visible: true; Rectangle { anchors.fill: parent; color: "#16181d" } }
"""


def _report(first: float, loaded: float, gap: float, heavy_at_first: list[str]) -> None:
    assert "torch" not in sys.modules and "diffusers" not in sys.modules, "torch imported at startup"
    print(f"FIRST_FRAME {first:.6f}", flush=True)
    print(f"LOADED {loaded:.6f}", flush=True)
    print(f"GAP {gap:.6f}", flush=True)
    print(f"HEAVY_AT_FIRST {','.join(heavy_at_first) or '-'}", flush=True)


def child_bare() -> None:
    from PySide6.QtCore import QByteArray, QUrl
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine

    app = QGuiApplication(sys.argv[:1])
    engine = QQmlApplicationEngine()
    engine.loadData(QByteArray(BARE_QML), QUrl("bare.qml"))

    def first_frame() -> None:
        stamp = time.time()
        _report(stamp, stamp, 0.0, [])
        app.exit(0)

    engine.rootObjects()[0].frameSwapped.connect(first_frame)
    app.exec()


def child_editor() -> None:
    """What `ltx-editor` does (ltx_editor.app.main), with the window's frames stamped."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from ltx_editor.app import main

    frames: list[float] = []
    state = {"ready": 0.0, "heavy": [], "done": False}

    def on_window(window) -> None:
        def frame() -> None:  # on the GUI thread (offscreen draws there)
            frames.append(time.time())
            if len(frames) == 1:
                state["heavy"] = [m for m in HEAVY if m in sys.modules]
            if state["ready"] and frames[-1] > state["ready"] and not state["done"]:
                state["done"] = True
                loaded = frames[-1]
                gap = max((b - a for a, b in zip(frames, frames[1:], strict=False)), default=0.0)
                _report(frames[0], loaded, gap, state["heavy"])
                QTimer.singleShot(0, QGuiApplication.quit)

        def ready() -> None:
            state["ready"] = time.time()  # the next frame shows the editor

        window.frameSwapped.connect(frame)
        window.editorReady.connect(ready)

    main(sys.argv[:1], on_window)


def child_one_step() -> None:
    """The old path, for reference: everything imported and built before the window's first frame."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    from ltx_editor.app import create_engine
    from ltx_editor.logs import setup_logging
    from ltx_editor.ui.app_controller import AppController
    from ltx_editor.ui.preferences import thumbnail_cache_dir
    from ltx_editor.ui.thumbnails import install as install_thumbnails

    setup_logging()
    thumbnails = install_thumbnails(thumbnail_cache_dir())
    controller = AppController()
    engine = create_engine(controller)
    controller.start()

    def first_frame() -> None:
        stamp = time.time()
        _report(stamp, stamp, 0.0, [m for m in HEAVY if m in sys.modules])
        controller.shutdown()
        thumbnails.shutdown()
        app.exit(0)

    engine.rootObjects()[0].frameSwapped.connect(first_frame)
    app.exec()


CHILDREN = {"bare": child_bare, "editor": child_editor, "one-step": child_one_step}


def sample(kind: str, env: dict) -> dict:
    start = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", kind], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
    if out.returncode != 0 or "FIRST_FRAME" not in lines:
        raise SystemExit(f"{kind} child failed (rc {out.returncode}):\n{out.stdout}\n{out.stderr[-3000:]}")
    return {"first": float(lines["FIRST_FRAME"]) - start, "loaded": float(lines["LOADED"]) - start,
            "gap": float(lines["GAP"]), "heavy": lines["HEAVY_AT_FIRST"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=sorted(CHILDREN))
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        CHILDREN[args.child]()
        os._exit(0)  # skip interpreter teardown: it is not part of startup
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    sandbox = tempfile.mkdtemp(prefix="ltx-bench-startup-")
    env["XDG_CONFIG_HOME"] = os.path.join(sandbox, "config")
    env["XDG_CACHE_HOME"] = os.path.join(sandbox, "cache")
    env["XDG_STATE_HOME"] = os.path.join(sandbox, "state")
    for kind in CHILDREN:  # warm the OS file cache once for each
        sample(kind, env)
    runs: dict[str, list[dict]] = {kind: [] for kind in CHILDREN}
    for _ in range(args.runs):
        for kind in CHILDREN:
            runs[kind].append(sample(kind, env))

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    bare = med("bare", "first")
    first, loaded, gap = med("editor", "first"), med("editor", "loaded"), med("editor", "gap")
    old = med("one-step", "first")
    heavy = sorted({r["heavy"] for r in runs["editor"]})
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs} each (alternating), torch not imported: yes")
    print(f"bare PySide6 QML window, first frame:        median {bare * 1000:4.0f} ms")
    print(f"LTX Editor (ltx_editor.app.main) first frame: median {first * 1000:4.0f} ms  "
          f"ratio {first / bare:.2f}  (target <= {TARGET_RATIO})  heavy modules imported by then: {', '.join(heavy)}")
    print(f"LTX Editor fully loaded (editor on screen):   median {loaded * 1000:4.0f} ms  ratio {loaded / bare:.2f}")
    print(f"longest GUI frame gap while filling in:       median {gap * 1000:4.0f} ms")
    print(f"reference, old one-step path, first frame:    median {old * 1000:4.0f} ms  ratio {old / bare:.2f}")
    ratio = first / bare
    print(f"first-frame ratio: {ratio:.2f}  {'OK' if ratio <= TARGET_RATIO else 'OVER'}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
