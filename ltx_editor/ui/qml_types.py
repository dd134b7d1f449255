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
    "ltx_editor.ui.frame_actions",
    "ltx_editor.ui.span_controller",
    "ltx_editor.ui.retake_controller",  # the timeline's RetakePopup takes one
    "ltx_editor.ui.takes_controller",  # the timeline's N takes of a span (TakesBatchDialog) takes one
    "ltx_editor.ui.storyboard_controller",
    "ltx_editor.ui.storyboard_model",
    "ltx_editor.ui.timeline_controller",
    "ltx_editor.ui.project_settings_controller",
    "ltx_editor.ui.clip_properties_controller",
    "ltx_editor.ui.shortcuts",
)

_registered = False


def import_type_modules() -> None:
    """Import the modules (their classes register as they are defined). Safe on a background thread: the
    app entry does it there so the ~0.3 s of imports never freezes the window."""
    for name in TYPE_MODULES:
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside an existing module must surface
                raise


def register_types(qml_dir: Path = QML_DIR) -> None:
    """Idempotent: registering twice would make QML types ambiguous. On the GUI thread, before any QML
    that says `import LtxEditor 1.0` is compiled."""
    global _registered
    if _registered:
        return
    import_type_modules()
    qmlRegisterSingletonType(QUrl.fromLocalFile(str(qml_dir / "Theme.qml")), URI, MAJOR, MINOR, "Theme")
    _registered = True
