"""Quit that always works: with jobs running or queued, Quit asks (cancel them / keep them queued / don't
quit) before anything else; and the process always exits, even when a thread is stuck in native code."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtQuick import QQuickItem

from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click

ROOT = Path(__file__).resolve().parents[2]


def _two_queued_jobs(w, qtbot, tmp_path) -> list[str]:
    """Two local jobs that stay queued (the worker is stopped, as in test_jobs)."""
    model = tmp_path / "own-model"
    model.mkdir()
    w.prefs.localModelPath, w.prefs.allowCpu = str(model), True
    gen = w.app.generate
    gen.customSize, gen.width, gen.height, gen.durationS, gen.steps = True, 32, 32, 0.375, 2
    gen.prompt = "a job left behind at quit"
    w.app.worker.stop()
    ids = [gen.generate(), gen.generate()]
    assert all(ids)
    qtbot.waitUntil(lambda: w.app.activeJobCount() == 2)
    return ids


def _ask_to_quit(w, qtbot) -> QObject:
    dialog = w.find("quitJobsDialog", QObject)
    w.window.close()  # what File → Quit does
    qtbot.waitUntil(lambda: dialog.property("opened"))
    assert w.window.isVisible() and dialog.property("jobCount") == 2
    return dialog


def test_quit_with_jobs_asks_then_cancels_them(main_window, qtbot, tmp_path):
    w = main_window
    ids = _two_queued_jobs(w, qtbot, tmp_path)
    _ask_to_quit(w, qtbot)
    click(w.window, w.find("quitCancelJobs", QQuickItem))
    qtbot.waitUntil(lambda: not w.window.isVisible())
    assert [w.app.worker.queue.get(i).state for i in ids] == ["cancelled", "cancelled"]


def test_quit_with_jobs_can_keep_them_queued_or_stay(main_window, qtbot, tmp_path):
    w = main_window
    ids = _two_queued_jobs(w, qtbot, tmp_path)
    dialog = _ask_to_quit(w, qtbot)
    click(w.window, w.find("quitStay", QQuickItem))
    qtbot.waitUntil(lambda: not dialog.property("visible"))
    assert w.window.isVisible() and w.app.activeJobCount() == 2
    _ask_to_quit(w, qtbot)
    click(w.window, w.find("quitKeepJobs", QQuickItem))
    qtbot.waitUntil(lambda: not w.window.isVisible())
    assert [w.app.worker.queue.get(i).state for i in ids] == ["queued", "queued"]
    assert {r["id"] for r in w.app.worker.queue.to_records()} >= set(ids)  # saved with the project


STUCK_AT_EXIT = """
import sys, threading, time
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from ltx_editor import app as entry

entry.EXIT_GRACE_S = float(sys.argv[1])
# A non-daemon thread stuck as a local step in native code would be: Python's exit waits for it forever.
threading.Thread(target=lambda: time.sleep(3600), name="stuck-native-step").start()
app = QGuiApplication(sys.argv[:1])

def on_window(window):
    window.editorReady.connect(lambda: QTimer.singleShot(0, window.close))

QTimer.singleShot(60000, QGuiApplication.quit)
print("EXIT CODE", entry.main(["ltx-editor"], on_window), flush=True)
"""


def test_the_process_exits_even_with_a_thread_stuck_in_native_code(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", STUCK_AT_EXIT, "1.0"], capture_output=True, text=True, env=env,
                          timeout=120)
    took = time.monotonic() - started
    assert "EXIT CODE 0" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0 and took < 60  # without the watchdog it would wait an hour
