"""GUI entry point: `ltx-editor [PROJECT]` (through cli.main) or `python -m ltx_editor.app [PROJECT]`.

The window shows first and the editor fills it in, so its first frame comes about as fast as a bare Qt Quick
window's (the editor's Python imports alone take ~0.3 s, its panes ~0.15 s to build):

1. Qt, the engine and Main.qml: a light ApplicationWindow that needs only QtQuick and Theme.qml ("Loading…").
2. After its first frame, a background thread sets up the log file, imports the editor (pydantic models,
   numpy, controllers) and finds the keychain backend, while the window stays live.
3. Back on the GUI thread: the thumbnail service, the AppController and the QML types; the controller goes
   to the window, which builds MainContent.qml asynchronously (a slice per frame); the worker starts.
4. When MainContent.qml is up, the project named on the command line opens (a recovery prompt or an error
   dialog has its window by then).

Tests and tools that want the whole window in one step use create_engine(). This module imports only
PySide6 and small modules; never torch (the local provider imports it when the first local job runs).
"""
from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtQml import QQmlApplicationEngine

from .ui.qml_types import QML_DIR, import_type_modules, register_types

if TYPE_CHECKING:
    from .ui.app_controller import AppController

MAIN_QML = QUrl.fromLocalFile(str(QML_DIR / "Main.qml"))
EDITOR_MODULES = ("ltx_editor.ui.app_controller", "ltx_editor.ui.preferences", "ltx_editor.ui.thumbnails")
UNEXPOSED_START_MS = 1000  # a window that never draws (minimized at start) still gets its editor
EXIT_GRACE_S = 5.0  # after the event loop returned: the longest Python's own exit may take before we end it


def project_argument(argv: list[str]) -> str | None:
    """The project path in argv (program name first; Qt's own -options are skipped)."""
    rest = [a for a in argv[1:] if not a.startswith("-")]
    return rest[0] if rest else None


def _engine(warnings: list[str] | None) -> QQmlApplicationEngine:
    engine = QQmlApplicationEngine()
    if warnings is not None:
        engine.warnings.connect(lambda errors: warnings.extend(e.toString() for e in errors))
    return engine


def create_engine(controller: AppController, warnings: list[str] | None = None) -> QQmlApplicationEngine:
    """The engine with the whole main window loaded for `controller`, in one step (tests and tools use
    this). QML warnings are also appended to `warnings` when given (tests assert there are none)."""
    register_types()
    engine = _engine(warnings)
    engine.setInitialProperties({"app": controller})
    engine.load(MAIN_QML)
    return engine


def import_editor() -> None:
    """Stage 2, on a background thread: everything slow that needs no GUI thread."""
    from .generation.secrets import keychain_status
    from .logs import setup_logging

    setup_logging()  # a log file for bug reports, with API keys redacted from every line
    for name in EDITOR_MODULES:
        import_module(name)
    import_type_modules()
    keychain_status()  # keyring probes its plugins once (~0.1 s) and caches the backend it found


class EditorStartup(QObject):
    """Stages 2 to 4 for one window (see the module docstring)."""

    imported = Signal(object)  # None, or the exception the import thread raised

    def __init__(self, window: QWindow, project: str | None) -> None:
        super().__init__()
        self.window = window
        self.project = project
        self.controller: AppController | None = None
        self._begun = False
        self.imported.connect(self._build)  # queued: emitted on the import thread
        window.editorReady.connect(self._editor_ready)
        window.editorFailed.connect(self._editor_failed)

    @Slot()
    def begin(self) -> None:
        if self._begun:
            return
        self._begun = True
        threading.Thread(target=self._import, name="ltx-editor-startup", daemon=True).start()

    def _import(self) -> None:
        try:
            import_editor()
        except BaseException as exc:  # noqa: BLE001 (shown on the GUI thread, which then quits)
            self.imported.emit(exc)
        else:
            self.imported.emit(None)

    @Slot(object)
    def _build(self, error: BaseException | None) -> None:
        if error is not None:
            traceback.print_exception(error)
            print("LTX Editor: the editor could not be loaded (see the error above).", file=sys.stderr)
            QGuiApplication.exit(1)
            return
        from .ui.app_controller import AppController
        from .ui.preferences import thumbnail_cache_dir
        from .ui.thumbnails import install as install_thumbnails

        thumbnails = install_thumbnails(thumbnail_cache_dir())  # before the models that show thumbnails
        self.controller = AppController()
        register_types()
        app = QGuiApplication.instance()
        app.aboutToQuit.connect(self.controller.shutdown)
        app.aboutToQuit.connect(thumbnails.shutdown)
        self.controller.start()
        self.window.setProperty("app", self.controller)  # Main.qml builds MainContent.qml now

    @Slot()
    def _editor_ready(self) -> None:
        if self.project and self.controller is not None:
            project = self.project
            QTimer.singleShot(0, lambda: self.controller.openProject(project))  # outside the Loader's signal

    @Slot()
    def _editor_failed(self) -> None:
        print("LTX Editor: the main window could not be loaded (see the QML errors above).", file=sys.stderr)
        QGuiApplication.exit(1)


def main(argv: list[str] | None = None, on_window: Callable[[QWindow], None] | None = None) -> int:
    """Run the editor. `on_window(window)` is called once the main window exists, before the event loop
    (the startup benchmark stamps its frames there)."""
    argv = list(sys.argv if argv is None else argv)
    app = QGuiApplication.instance() or QGuiApplication(argv)
    app.setOrganizationName("LTX Editor")
    app.setApplicationName("LTX Editor")
    app.setDesktopFileName("ltx-editor")
    engine = _engine(None)
    engine.setInitialProperties({"asynchronousContent": True})
    engine.load(MAIN_QML)
    if not engine.rootObjects():
        print("LTX Editor: the main window could not be loaded (see the QML errors above).", file=sys.stderr)
        return 1
    window = engine.rootObjects()[0]
    startup = EditorStartup(window, project_argument(argv))
    # The window is on screen: now load the editor. (Once: a Python slot on every frame would cost the GIL.)
    window.frameSwapped.connect(startup.begin, Qt.ConnectionType.SingleShotConnection)
    QTimer.singleShot(UNEXPOSED_START_MS, startup.begin)
    if on_window is not None:
        on_window(window)
    code = app.exec()
    exit_watchdog(code)
    return code


def exit_watchdog(code: int, grace_s: float = EXIT_GRACE_S) -> threading.Thread:
    """Make sure the process ends once the event loop has returned (shutdown already ran in aboutToQuit):
    a thread stuck in native code (a local step in torch, a stalled socket) would otherwise keep Python's exit
    waiting for it, with no window left to say so. Daemon: a normal exit never waits for it."""
    def end() -> None:
        time.sleep(grace_s)
        sys.stderr.flush()
        os._exit(code)

    thread = threading.Thread(target=end, name="ltx-editor-exit-watchdog", daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    raise SystemExit(main())
