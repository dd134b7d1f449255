"""Registers everything QML imports as `import LtxEditor 1.0`: the Python types and the Theme singleton.

Python types register themselves with @QmlElement when their module is imported, so registering is just
importing the modules listed here. No context properties: a component gets its objects as properties.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtQml import qmlRegisterSingletonType

URI, MAJOR, MINOR = "LtxEditor", 1, 0
QML_DIR = Path(__file__).resolve().parents[2] / "qml"

# Modules whose @QmlElement classes form the module (the timeline half lists its own models here too).
TYPE_MODULES = (
    "ltx_editor.ui.document",
    "ltx_editor.ui.timeline_model",
    "ltx_editor.ui.tracks_model",
    "ltx_editor.ui.keyframes_model",
    "ltx_editor.ui.markers_model",
    "ltx_editor.ui.workflow_controller",
    "ltx_editor.ui.storyboard_model",
    "ltx_editor.ui.timeline_controller",
)

_registered = False


def register_types(qml_dir: Path = QML_DIR) -> None:
    """Idempotent: registering twice would make QML types ambiguous."""
    global _registered
    if _registered:
        return
    for name in TYPE_MODULES:
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside an existing module must surface
                raise
    qmlRegisterSingletonType(QUrl.fromLocalFile(str(qml_dir / "Theme.qml")), URI, MAJOR, MINOR, "Theme")
    _registered = True
