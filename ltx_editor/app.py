"""GUI entry point: `ltx-editor [PROJECT]` (through cli.main) or `python -m ltx_editor.app [PROJECT]`.

Builds the QGuiApplication, the thumbnail service, the QML engine, the AppController, loads Main.qml,
starts the generation worker, opens the project named on the command line and shuts down cleanly on quit.
Never imports torch: the local provider imports it when the first local job runs.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine

from .ui.app_controller import AppController
from .ui.preferences import thumbnail_cache_dir
from .ui.qml_types import QML_DIR, register_types
from .ui.thumbnails import install as install_thumbnails


def project_argument(argv: list[str]) -> str | None:
    """The project path in argv (program name first; Qt's own -options are skipped)."""
    rest = [a for a in argv[1:] if not a.startswith("-")]
    return rest[0] if rest else None


def create_engine(controller: AppController, warnings: list[str] | None = None) -> QQmlApplicationEngine:
    """The engine with Main.qml loaded for `controller` (tests and benchmarks use this too). QML warnings
    are also appended to `warnings` when given (tests assert there are none)."""
    register_types()
    engine = QQmlApplicationEngine()
    if warnings is not None:
        engine.warnings.connect(lambda errors: warnings.extend(e.toString() for e in errors))
    engine.setInitialProperties({"app": controller})
    engine.load(QML_DIR / "Main.qml")
    return engine


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    from .logs import setup_logging

    setup_logging()  # a log file for bug reports, with API keys redacted from every line
    app = QGuiApplication.instance() or QGuiApplication(argv)
    app.setOrganizationName("LTX Editor")
    app.setApplicationName("LTX Editor")
    app.setDesktopFileName("ltx-editor")
    thumbnails = install_thumbnails(thumbnail_cache_dir())  # before the models that show thumbnails
    controller = AppController()
    engine = create_engine(controller)
    if not engine.rootObjects():
        print("LTX Editor: the main window could not be loaded (see the QML errors above).", file=sys.stderr)
        return 1
    controller.start()
    app.aboutToQuit.connect(controller.shutdown)
    app.aboutToQuit.connect(thumbnails.shutdown)
    project = project_argument(argv)
    if project:
        # After the window is up, so a recovery prompt or an error dialog has a window to show in.
        QTimer.singleShot(0, lambda: controller.openProject(project))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
