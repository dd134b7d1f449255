"""The main window as a whole: it loads without QML errors, torch stays out, the models pass Qt's model
tester, the entry point parses its arguments, and the window's menus carry the standard shortcuts."""
import sys

from PySide6.QtCore import QObject, Qt
from PySide6.QtQuick import QQuickItem

from ltx_editor.app import project_argument
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import key

MY_QML = ("Main.qml", "MainContent.qml", "ClipBin.qml", "BinDelegate.qml", "BinMenu.qml", "Preview.qml",
          "GeneratePanel.qml",
          "LoraList.qml", "JobQueue.qml", "JobDelegate.qml", "AppMenu.qml", "PreferencesDialog.qml",
          "ExportDialog.qml", "ErrorDialog.qml", "RecoveryDialog.qml", "UnsavedDialog.qml", "RecipeDialog.qml",
          "SidePanel.qml", "StatusBar.qml", "TakeSwitcher.qml", "ValueCombo.qml", "TenthsSpin.qml",
          "SourceImage.qml", "ApiKeyRow.qml", "FolderField.qml", "PaneHandle.qml", "TransportButton.qml")


def test_window_loads_without_qml_warnings(main_window, qtbot):
    w = main_window
    assert w.window.property("title").endswith("— LTX Editor")
    for name in ("clipBin", "preview", "sidePanel", "generatePanel", "jobQueue", "timelineLoader"):
        assert w.find(name, QQuickItem).isVisible() or name in ("jobQueue",), name
    qtbot.wait(200)  # let asynchronous bindings and images settle
    problems = [m for m in w.qml_warnings if any(f"/qml/{f}:" in m or f"/qml/MenuBar/{f}:" in m for f in MY_QML)]
    assert problems == []  # (torch staying out is checked in a fresh process below: other tests import it)


def test_models_pass_the_qt_model_tester(main_window, qtmodeltester, tmp_path):
    app = main_window.app
    (tmp_path / "loras").mkdir()
    for name in ("style", "motion"):
        (tmp_path / "loras" / f"{name}.safetensors").write_bytes(b"\0")
    app.generate.loras.scan(str(tmp_path / "loras"))
    for model in (app.binModel, app.jobs, app.generate.models, app.generate.loras):
        qtmodeltester.check(model, force_py=True)
    assert app.generate.loras.rowCount() == 2


def test_project_argument_skips_qt_options():
    assert project_argument(["ltx-editor"]) is None
    assert project_argument(["ltx-editor", "film.ltxproj"]) == "film.ltxproj"
    assert project_argument(["ltx-editor", "--reverse", "x.ltxproj"]) == "x.ltxproj"


def test_title_follows_name_and_dirty_flag(main_window, qtbot, tmp_path):
    w = main_window
    assert w.window.property("title") == "Untitled — LTX Editor"
    w.app.document.mark_dirty("settings")
    qtbot.waitUntil(lambda: w.window.property("title").startswith("• "))
    assert w.app.saveAs(str(tmp_path / "film"))
    qtbot.waitUntil(lambda: w.window.property("title") == "film — LTX Editor")


def test_ctrl_s_saves_and_preferences_shortcut_opens_the_dialog(main_window, qtbot, tmp_path):
    w = main_window
    assert w.app.saveAs(str(tmp_path / "a.ltxproj"))
    w.app.document.mark_dirty("settings")
    assert w.app.document.dirty
    w.window.requestActivate()
    key(w.window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.app.document.dirty)
    prefs = w.find("preferencesDialog", QObject)
    key(w.window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: prefs.property("visible"))


def test_the_warning_check_sees_qml_warnings(main_window, qtbot):
    """The check above can fail: a broken binding in one of these files shows up in qml_warnings."""
    from PySide6.QtQml import QQmlComponent

    comp = QQmlComponent(main_window.engine)
    comp.setData(b"import QtQuick\nItem { width: undefinedName.x }", main_window.engine.baseUrl())
    obj = comp.create()
    qtbot.waitUntil(lambda: any("undefinedName" in m for m in main_window.qml_warnings))
    del obj


MAIN_PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from ltx_editor.app import main

app = QGuiApplication(sys.argv[:1])  # main() reuses it; the timers below need it to exist


def check():
    wins = [w for w in QGuiApplication.topLevelWindows() if w.objectName() == "mainWindow" and w.isVisible()]
    if not wins or wins[-1].title() != "from-cli — LTX Editor":  # the title names the opened file
        QTimer.singleShot(50, check)
        return
    print("OPENED", wins[-1].title(), "torch" in sys.modules, flush=True)
    wins[-1].close()
    QGuiApplication.quit()

QTimer.singleShot(50, check)
QTimer.singleShot(30000, QGuiApplication.quit)
sys.exit(main(["ltx-editor", sys.argv[1]]))
"""


def test_main_opens_the_project_named_on_the_command_line(tmp_path):
    """The real entry point, in its own process (it owns the application object and quits it)."""
    import os
    import subprocess
    from pathlib import Path

    from ltx_editor.core.project_io import save_project
    from ltx_editor.ui.document import blank_project

    path = tmp_path / "from-cli.ltxproj"
    save_project(blank_project("From the CLI"), path)
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, "-c", MAIN_PROBE, str(path)], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    assert "OPENED from-cli — LTX Editor False" in out.stdout, out.stderr[-2000:]
    assert out.returncode == 0
