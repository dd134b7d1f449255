"""Project settings for QML: the values, presets, "match this clip", one undo step per change; and a new
project taking its first clip's size and rate (as Shotcut's automatic video mode does), undoably."""
from __future__ import annotations

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.project_setup import (
    SAMPLE_RATES,
    SETTINGS_PRESETS,
    aspect_label,
    change_settings,
    first_clip_settings,
)

from .document import ProjectDocument

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
class ProjectSettingsController(QObject):
    changed = Signal()
    documentChanged = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, document: ProjectDocument | None = None) -> None:
        super().__init__(parent)
        self._doc: ProjectDocument | None = None
        if document is not None:
            self._set_document(document)

    def _set_document(self, document: ProjectDocument | None) -> None:
        if document is self._doc:
            return
        if self._doc is not None:
            self._doc.edited.disconnect(self._on_edited)
            self._doc.projectReplaced.disconnect(self.changed)
        self._doc = document
        if document is not None:
            document.edited.connect(self._on_edited)
            document.projectReplaced.connect(self.changed)
        self.documentChanged.emit()
        self.changed.emit()

    document = Property(ProjectDocument, lambda self: self._doc, _set_document, notify=documentChanged)

    def _on_edited(self, changed: list) -> None:
        if "settings" in changed:
            self.changed.emit()
            return
        if first_clip_settings(self._doc.project):  # O(1) once the settings are no longer the defaults
            # The first clip of a new project: its own undo step, pushed after the clip's (never inside it).
            QTimer.singleShot(0, self, self._match_first_clip)

    def _match_first_clip(self) -> None:
        values = first_clip_settings(self._doc.project) if self._doc is not None else None
        if values:
            self._apply(values, "Match project to the first clip")

    def _apply(self, values: dict, label: str) -> bool:
        try:
            edit = change_settings(self._doc.project, label, **values)
        except LtxEditorError as exc:
            self.failed.emit(exc.message)
            return False
        self._doc.apply_edit(edit)  # already applied: the document records it as one undo step
        return True

    @Slot(int, int, float, int, result=bool)
    def apply(self, width: int, height: int, fps: float, sample_rate: int) -> bool:
        return self._apply({"width": width, "height": height, "fps": fps, "sample_rate": sample_rate},
                           "Change project settings")

    @Slot(str, result=bool)
    def matchAsset(self, asset_id: str) -> bool:  # noqa: N802 (a QML slot)
        """Take the size and rate of a bin asset (a still gives its size only)."""
        try:
            asset = self._doc.project.asset(asset_id)
        except KeyError:
            return False
        take = asset.active_take
        if not (take.width and take.height):
            self.failed.emit(f"{asset.name or asset.id} has no picture to match.")
            return False
        values = {"width": take.width - take.width % 2 or 2, "height": take.height - take.height % 2 or 2}
        if asset.kind != "image":
            values["fps"] = take.fps
        return self._apply(values, f"Match project to {asset.name or 'clip'}")

    @Slot(result="QVariantList")
    def presets(self) -> list[dict]:
        return [{"label": p.label, "width": p.width, "height": p.height, "fps": p.fps} for p in SETTINGS_PRESETS]

    def _values(self) -> dict:
        if self._doc is None:
            return {}
        s = self._doc.project.settings
        return {"width": s.width, "height": s.height, "fps": s.fps, "sampleRate": s.sample_rate,
                "aspect": aspect_label(s.width, s.height)}

    values = Property("QVariantMap", _values, notify=changed)
    sampleRates = Property("QVariantList", lambda self: list(SAMPLE_RATES), constant=True)
