"""A clip's properties for QML (sound level / mute, fade in and out in frames, opacity in percent, speed, the
crossfade from the clip before in frames): read, and changed as one undo step through core.clip_properties;
a refusal comes back in words."""
from __future__ import annotations

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import LtxEditorError

from .document import ProjectDocument

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1

# QML's names -> the clip's fields
_FIELDS = {"volume": "volume", "fadeIn": "fade_in", "fadeOut": "fade_out", "speed": "speed", "crossfade": "crossfade"}


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
        """{volume, fadeIn, fadeOut, opacity (%), speed, crossfade, crossfadeMax, frames, name, linkedKind,
        linkedFadeIn, linkedFadeOut} of the clip, or {} when it is gone. crossfadeMax: the longest crossfade
        from the clip before (0: no clip touches it). linkedKind: the kind of the track of its linked clip
        ("audio" for a video's own sound; "" when it has none), whose fades are linkedFadeIn / linkedFadeOut."""
        try:
            project = self._doc.project
            track, clip = project.find_clip(clip_id)
        except (KeyError, AttributeError):
            return {}
        i = next(k for k, c in enumerate(track.clips) if c.id == clip_id)
        before = track.clips[i - 1] if i > 0 else None
        longest = min(clip.duration, before.duration) if before is not None and before.end == clip.start else 0
        linked: dict = {"linkedKind": "", "linkedFadeIn": 0, "linkedFadeOut": 0}
        if clip.link is not None:
            try:
                partner_track, partner = project.find_clip(clip.link)
                linked = {"linkedKind": partner_track.kind, "linkedFadeIn": partner.fade_in,
                          "linkedFadeOut": partner.fade_out}
            except KeyError:
                pass  # a link to a clip that is gone is ignored
        return {"volume": clip.volume, "fadeIn": clip.fade_in, "fadeOut": clip.fade_out,
                "opacity": round(clip.opacity * 100), "speed": clip.speed, "crossfade": clip.crossfade,
                "crossfadeMax": longest, "frames": clip.duration, "name": clip.name, **linked}

    @Slot(str, result=bool)
    def addCrossfade(self, clip_id: str) -> bool:
        """A crossfade of half a second (less when a clip is shorter) from the clip before, as one undo step."""
        longest = self.values(clip_id).get("crossfadeMax", 0)
        if not longest:
            self.failed.emit("A crossfade joins this clip to one that ends where it starts; none does.")
            return False
        return self.apply(clip_id, {"crossfade": min(longest, max(1, round(self._doc.project.settings.fps / 2)))})

    @Slot(str, "QVariantMap", result=bool)
    def apply(self, clip_id: str, values: dict) -> bool:
        """Change the named properties (the names of `values`) as one undo step; False and `failed` when refused.
        `linkFades` true: the linked clip (a video's sound, or the sound's video) takes the same fades."""
        changes = {_FIELDS[k]: v for k, v in values.items() if k in _FIELDS}
        if "speed" in changes:  # a slider position: to the hundredth the popup shows
            changes["speed"] = round(float(changes["speed"]), 2)
        if "opacity" in values:
            changes["opacity"] = round(float(values["opacity"])) / 100
        for name in ("fade_in", "fade_out", "crossfade"):
            if name in changes:
                changes[name] = int(changes[name])
        try:
            edit = set_clip_properties(self._doc.project, clip_id, link_fades=bool(values.get("linkFades")),
                                       **changes)
        except LtxEditorError as exc:
            self.failed.emit(exc.message)
            return False
        self._doc.apply_edit(edit)
        return True
