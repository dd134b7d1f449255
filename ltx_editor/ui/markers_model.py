"""Markers on the ruler: named, colored frames. An edit updates only the rows of the markers it names."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.project import Marker, Project, index_of

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

    def follow(self, project: Project, ids: list[str]) -> None:
        """Update just the markers an edit named. Rows keep the project's order (sorted by frame): the named
        ones are taken out and put back where they now are."""
        where = {}
        for i in dict.fromkeys(ids):
            try:
                where[i] = index_of(project, "markers", i)
            except KeyError:
                if self.row_of(i) >= 0:
                    where[i] = None  # removed
        if not where:
            return
        markers = project.markers
        if all(self.row_of(i) == at for i, at in where.items()):  # changed in place (renamed, recoloured)
            for at in where.values():
                self.upsert(markers[at])
            return
        for i in where:
            self.remove(i)
        for at in sorted(at for at in where.values() if at is not None):
            self.upsert(markers[at], at=at)

    def role_value(self, marker: Marker, name: str) -> Any:
        return marker.id if name == "markerId" else getattr(marker, name)
