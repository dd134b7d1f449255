"""“Use this frame”: a frame of a timeline clip or of a bin asset pinned as a keyframe (one undo step) or made
the generate panel's image-to-video input. The bin's menu, the clip menu and the keyframe lane all use these.
Every slot returns False and emits `error` when it refuses, leaving the project as it was."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core import frame_grab

from .document import ProjectDocument
from .generate_controller import GenerateController
from .refusals import Refusal, refuse

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("FrameActions is made by the app controller.")
class FrameActions(QObject):
    error = Signal(str, str)  # message, hint

    def __init__(self, document: ProjectDocument, generate: GenerateController,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate = document, generate

    def _pin(self, ref: frame_grab.FrameRef | None, at_frame: int) -> bool:
        if ref is None:
            return False
        try:
            edit = frame_grab.frame_to_keyframe(self._doc.project, self._doc.working_path, ref, at_frame)
        except Refusal as exc:
            return refuse(self.error, exc)
        self._doc.apply_edit(edit)
        return True

    def _to_image_input(self, ref: frame_grab.FrameRef | None) -> bool:
        if ref is None:
            return False
        try:
            png = frame_grab.grab(self._doc.project, self._doc.working_path, ref)
        except Refusal as exc:
            return refuse(self.error, exc)
        self._generate.use_source_image(str(png))
        return True

    def _frame_at(self, clip_id: str, timeline_frame: int) -> frame_grab.FrameRef | None:
        try:
            return frame_grab.frame_at(self._doc.project, timeline_frame, clip_id or None)
        except Refusal as exc:
            refuse(self.error, exc)
            return None

    def _asset_frame(self, asset_id: str, source_frame: int) -> frame_grab.FrameRef | None:
        try:
            return frame_grab.frame_of_asset(self._doc.project, asset_id, source_frame)
        except Refusal as exc:
            refuse(self.error, exc)
            return None

    @Slot(str, int, result=bool)
    def frameToKeyframe(self, clipId: str, timelineFrame: int) -> bool:
        """Pin the frame shown at `timelineFrame` (of `clipId`, or the topmost clip when "") as a keyframe there."""
        return self._pin(self._frame_at(clipId, timelineFrame), timelineFrame)

    @Slot(str, int, result=bool)
    def frameToImageInput(self, clipId: str, timelineFrame: int) -> bool:
        """Make the frame shown at `timelineFrame` the generate panel's image-to-video input."""
        return self._to_image_input(self._frame_at(clipId, timelineFrame))

    @Slot(str, int, int, result=bool)
    def assetFrameToKeyframe(self, assetId: str, sourceFrame: int, atFrame: int) -> bool:
        """Pin a frame of a bin asset (-1 = its last) on the keyframe lane at `atFrame`."""
        return self._pin(self._asset_frame(assetId, sourceFrame), atFrame)

    @Slot(str, int, result=bool)
    def assetFrameToImageInput(self, assetId: str, sourceFrame: int) -> bool:
        """Make a frame of a bin asset (-1 = its last) the generate panel's image-to-video input."""
        return self._to_image_input(self._asset_frame(assetId, sourceFrame))
