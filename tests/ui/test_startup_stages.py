"""The real entry shows its window before the editor exists, then fills it in (issue 5: the first frame as fast
as a bare QML window). Each test runs ltx_editor.app.main in its own process: it owns the application object,
and what is imported at the start can only be seen in a fresh interpreter."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STAGES_PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem
from ltx_editor import app as entry

HEAVY = ("pydantic", "numpy", "ltx_editor.ui.app_controller", "ltx_editor.core.project")
if sys.argv[1] == "broken":
    entry.EDITOR_MODULES = ("ltx_editor.ui.no_such_module",)


def on_window(window):
    loader = window.findChild(entry.QObject, "editorLoader")
    print("WINDOW", window.objectName(), "|", window.title(), "|", window.property("app") is None, "|",
          loader is not None and loader.property("item") is None, "|",
          ",".join(m for m in HEAVY if m in sys.modules) or "none", flush=True)

    def ready():
        editor = window.property("editor")
        print("READY", window.property("app") is not None, isinstance(editor, QQuickItem),
              "torch" in sys.modules, flush=True)
        QTimer.singleShot(0, check_title)

    def check_title():
        print("TITLE", window.title(), flush=True)
        window.close()
        QGuiApplication.quit()

    window.editorReady.connect(ready)


app = QGuiApplication(sys.argv[:1])  # main() reuses it; the safety timer below needs it to exist
QTimer.singleShot(30000, QGuiApplication.quit)
sys.exit(entry.main(["ltx-editor"], on_window))
"""


def run_probe(mode: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    return subprocess.run([sys.executable, "-c", STAGES_PROBE, mode], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_window_shows_before_the_editor_is_imported_then_the_editor_fills_it(tmp_path):
    out = run_probe("ok", tmp_path)
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in out.stdout.splitlines() if " " in line}
    assert "WINDOW" in lines, out.stderr[-2000:]
    # The window exists, empty and titled, while none of the editor's heavy modules is imported yet.
    assert lines["WINDOW"] == "mainWindow | LTX Editor | True | True | none"
    assert lines.get("READY") == "True True False", out.stderr[-2000:]  # controller handed over; no torch
    assert lines.get("TITLE") == "Untitled — LTX Editor"
    assert out.returncode == 0


def test_an_editor_that_cannot_be_imported_exits_with_the_error(tmp_path):
    out = run_probe("broken", tmp_path)
    assert "READY" not in out.stdout
    assert "No module named 'ltx_editor.ui.no_such_module'" in out.stderr
    assert "the editor could not be loaded" in out.stderr
    assert out.returncode == 1
