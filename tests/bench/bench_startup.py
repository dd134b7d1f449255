"""Startup: process start to the first rendered frame of the main window, against a bare PySide6 QML window
(an ApplicationWindow holding one Rectangle) on the same machine, in the same run.

    .venv/bin/python tests/bench/bench_startup.py [--runs 5]

Each sample is a fresh Python process; the clock starts just before the process is spawned and stops when
the child's window reports its first frameSwapped (the child prints a wall-clock stamp, then quits). Runs
alternate bare / editor and the medians are compared. The editor child also asserts that torch and
diffusers were never imported. Target: ratio <= 1.5. Uses QT_QPA_PLATFORM=offscreen unless a platform is set.
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

BARE_QML = b"""
import QtQuick
import QtQuick.Controls
ApplicationWindow { width: 1440; height: 900; visible: true; Rectangle { anchors.fill: parent; color: "#16181d" } }
"""


def child(kind: str) -> None:
    """Runs in the spawned process: build the window, print the time of its first frame, exit."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QByteArray, QUrl
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine

    app = QGuiApplication(sys.argv[:1])
    marks = {"qt": time.time()}
    keep: list = []
    if kind == "bare":
        engine = QQmlApplicationEngine()
        engine.loadData(QByteArray(BARE_QML), QUrl("bare.qml"))
    else:
        from ltx_editor.app import create_engine
        from ltx_editor.ui.app_controller import AppController
        from ltx_editor.ui.preferences import Preferences, thumbnail_cache_dir
        from ltx_editor.ui.thumbnails import install as install_thumbnails

        marks["imports"] = time.time()
        keep.append(install_thumbnails(thumbnail_cache_dir()))
        controller = AppController(Preferences(path=Path(tempfile.mkdtemp()) / "prefs.json"))
        marks["controller"] = time.time()
        engine = create_engine(controller)
        marks["qml"] = time.time()
        controller.start()
        keep.append(controller)
    window = engine.rootObjects()[0]

    def first_frame() -> None:
        stamp = time.time()
        assert "torch" not in sys.modules and "diffusers" not in sys.modules, "torch imported at startup"
        print(f"FIRST_FRAME {stamp:.6f}", flush=True)
        print("MARKS " + " ".join(f"{k}={v:.6f}" for k, v in marks.items()), flush=True)
        for obj in keep:
            if hasattr(obj, "shutdown"):
                obj.shutdown()
        app.exit(0)

    window.frameSwapped.connect(first_frame)
    app.exec()
    os._exit(0)  # skip interpreter teardown: it is not part of startup


PHASES: dict[str, list[float]] = {}


def sample(kind: str, env: dict) -> float:
    start = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", kind], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    stamps = [line for line in out.stdout.splitlines() if line.startswith("FIRST_FRAME ")]
    if out.returncode != 0 or not stamps:
        raise SystemExit(f"{kind} child failed (rc {out.returncode}):\n{out.stdout}\n{out.stderr[-3000:]}")
    frame = float(stamps[0].split()[1])
    marks = next((line.split()[1:] for line in out.stdout.splitlines() if line.startswith("MARKS ")), [])
    if kind == "editor" and marks:
        last = start
        for name, value in (m.split("=") for m in [*marks, f"first frame={frame}"]):
            PHASES.setdefault(name, []).append(float(value) - last)
            last = float(value)
    return frame - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["bare", "editor"])
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    sandbox = tempfile.mkdtemp(prefix="ltx-bench-startup-")
    env["XDG_CONFIG_HOME"] = os.path.join(sandbox, "config")
    env["XDG_CACHE_HOME"] = os.path.join(sandbox, "cache")
    sample("bare", env), sample("editor", env)  # warm the OS file cache once for both
    bare, editor = [], []
    for _ in range(args.runs):
        bare.append(sample("bare", env))
        editor.append(sample("editor", env))
    b, e = statistics.median(bare), statistics.median(editor)
    ratio = e / b
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs} each (alternating), torch not imported: yes")
    print(f"bare PySide6 QML window, first frame: median {b * 1000:.0f} ms  (min {min(bare) * 1000:.0f})")
    print(f"LTX Editor main window, first frame:  median {e * 1000:.0f} ms  (min {min(editor) * 1000:.0f})")
    labels = {"qt": "python + PySide6 + QGuiApplication", "imports": "editor imports (pydantic models, "
              "controllers)", "controller": "AppController + worker", "qml": "Main.qml compile + create",
              "first frame": "first frame"}
    print("editor phases (median): " + ", ".join(f"{labels.get(k, k)} {statistics.median(v) * 1000:.0f} ms"
                                                for k, v in PHASES.items()))
    print(f"ratio editor / bare: {ratio:.2f}  (target <= {TARGET_RATIO})  {'OK' if ratio <= TARGET_RATIO else 'OVER'}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
