"""A clip's properties for QML (sound level / mute, fade in and out, in frames): read, and changed as one
undo step through core.clip_properties; a refusal comes back in words."""
from __future__ import annotations

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import LtxEditorError

from .document import ProjectDocument

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
class ClipPropertiesController(QObject):
    documentChanged = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, document: ProjectDocument | None = None) -> None:
        super().__init__(parent)
        self._doc = document

    def _set_document(self, document: ProjectDocument | None) -> None:
        if document is not self._doc:
            self._doc = document
            self.documentChanged.emit()

    document = Property(ProjectDocument, lambda self: self._doc, _set_document, notify=documentChanged)

    @Slot(str, result="QVariantMap")
    def values(self, clip_id: str) -> dict:
        """{volume, fadeIn, fadeOut, frames, name} of the clip, or {} when it is gone."""
        try:
            _track, clip = self._doc.project.find_clip(clip_id)
        except (KeyError, AttributeError):
            return {}
        return {"volume": clip.volume, "fadeIn": clip.fade_in, "fadeOut": clip.fade_out, "frames": clip.duration,
                "name": clip.name}

    @Slot(str, float, int, int, result=bool)
    def apply(self, clip_id: str, volume: float, fade_in: int, fade_out: int) -> bool:
        try:
            edit = set_clip_properties(self._doc.project, clip_id, volume=volume, fade_in=fade_in, fade_out=fade_out)
        except LtxEditorError as exc:
            self.failed.emit(exc.message)
            return False
        self._doc.apply_edit(edit)
        return True
