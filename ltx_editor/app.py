"""GUI entry point: `python -m ltx_editor.app [PROJECT]` (also main.py). Never imports torch at startup."""
from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine

from .ui.document import ProjectDocument
from .ui.qml_types import QML_DIR, register_types


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    app = QGuiApplication.instance() or QGuiApplication(argv)
    app.setOrganizationName("LTX Editor")
    app.setApplicationName("LTX Editor")
    register_types()
    engine = QQmlApplicationEngine()
    document = ProjectDocument()
    engine.setInitialProperties({"document": document})
    engine.load(QML_DIR / "Main.qml")
    if not engine.rootObjects():
        return 1
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
