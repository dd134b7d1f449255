"""Markers on the ruler: named, colored frames. An edit updates only the rows of the markers it names."""
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

    def follow(self, markers: list[Marker], ids: list[str]) -> None:
        """Update just the markers an edit named: `markers` is the project's list (sorted by frame, the
        order of the rows); the named ones are taken out and put back where they now belong."""
        where = {m.id: i for i, m in enumerate(markers)}
        named = [i for i in dict.fromkeys(ids) if i in where or self.row_of(i) >= 0]
        if not named:
            return
        if all(self.row_of(i) == where.get(i) for i in named):  # changed in place (renamed, recoloured)
            for i in named:
                self.upsert(markers[where[i]])
            return
        for i in named:
            self.remove(i)
        for at in sorted(where[i] for i in named if i in where):
            self.upsert(markers[at], at=at)

    def role_value(self, marker: Marker, name: str) -> Any:
        return marker.id if name == "markerId" else getattr(marker, name)
