"""The cast as a QML list model: one row per entry, its reference images as file URLs for Image elements.

Rows are immutable snapshots (CastRow), so re-syncing after an edit only signals the rows that changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.project import CastEntry, Project
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.safe_files import is_special

from .list_model import RoleListModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@dataclass(frozen=True)
class CastRow:
    entryId: str  # noqa: N815 (QML role names)
    name: str
    kind: str
    description: str
    images: tuple[str, ...]  # file URLs ("" for a missing file: QML shows a placeholder)
    imageCount: int  # noqa: N815
    voice: str  # the voice sample's file name, "" when none


def _url(project_path, stored: str) -> str:
    path = resolve_media(project_path, stored)
    if not path.is_file() or is_special(path):  # Qt would block on a FIFO
        return ""
    return QUrl.fromLocalFile(str(path)).toString()


def cast_row(project_path, entry: CastEntry) -> CastRow:
    images = tuple(_url(project_path, p) for p in entry.images)
    return CastRow(entryId=entry.id, name=entry.name, kind=entry.kind, description=entry.description,
                   images=images, imageCount=len(images), voice=Path(entry.voice).name if entry.voice else "")


@QmlElement
@QmlUncreatable("CastModel belongs to the cast controller.")
class CastModel(RoleListModel):
    ROLES = ("entryId", "name", "kind", "description", "images", "imageCount", "voice")

    def key(self, item: CastRow) -> str:
        return item.entryId

    def role_value(self, item: CastRow, name: str):
        if name == "images":  # QML reads a list of URLs
            return list(item.images)
        return getattr(item, name)

    def refresh(self, project: Project, project_path) -> None:
        self.sync([cast_row(project_path, c) for c in project.cast], same=lambda a, b: a == b)
