"""Markers on the ruler: named, colored frames."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.project import Marker

from .list_model import RoleListModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("MarkersModel is made by TimelineController.")
class MarkersModel(RoleListModel):
    ROLES = ("markerId", "frame", "name", "color")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def rebuild(self, markers: list[Marker]) -> None:
        self.sync(sorted(markers, key=lambda m: m.frame), same=lambda a, b: a == b)

    def role_value(self, marker: Marker, name: str) -> Any:
        return marker.id if name == "markerId" else getattr(marker, name)
