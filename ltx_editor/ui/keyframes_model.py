"""The keyframe lane: each keyframe with its thumbnail and the frame it actually lands on.

LTX pins condition frames every 8 frames, so a keyframe lands on the grid point the planner picks
(core.keyframe_plan); the lane draws both so nobody is surprised by where the image shows up.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.keyframe_plan import plan_keyframes
from ltx_editor.core.project import Keyframe

from .list_model import RoleListModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


class KeyframeRow:
    __slots__ = ("id", "keyframe", "landed", "problem", "url")

    def __init__(self, keyframe: Keyframe, landed: int, problem: str, url: str) -> None:
        self.id = keyframe.id
        self.keyframe, self.landed, self.problem, self.url = keyframe, landed, problem, url

    def same_as(self, other: KeyframeRow) -> bool:
        return (self.keyframe == other.keyframe and self.landed == other.landed
                and self.problem == other.problem and self.url == other.url)


def landings(keyframes: list[Keyframe], span: tuple[int, int] | None = None) -> tuple[dict[str, int], str]:
    """Keyframe id -> landed frame for the keyframes the planner would use (all of them, or those in
    `span`), and the planner's complaint when it refuses (then keyframes land where they are)."""
    inside = [k for k in keyframes if span is None or span[0] <= k.frame < span[1]]
    if not inside:
        return {}, ""
    try:
        plan = plan_keyframes(inside, span=span)
    except LtxEditorError as e:
        return {}, e.message
    return {lnd.keyframe_id: lnd.landed for lnd in plan.landings}, ""


@QmlElement
@QmlUncreatable("KeyframesModel is made by TimelineController.")
class KeyframesModel(RoleListModel):
    ROLES = ("keyframeId", "frame", "landedFrame", "shift", "image", "imageUrl", "strength", "prompt",
             "landingProblem")

    def __init__(self, media_path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._media_path = media_path

    def rebuild(self, keyframes: list[Keyframe], span: tuple[int, int] | None = None) -> None:
        """Called when keyframes or the span changed (not on other edits). Landings depend on all keyframes
        in the span, so they are planned again; only rows whose values changed are signalled."""
        landed, problem = landings(keyframes, span)
        rows = []
        for k in sorted(keyframes, key=lambda k: k.frame):
            rows.append(KeyframeRow(k, landed.get(k.id, k.frame), problem if k.id not in landed else "",
                                    self._url(k.image)))
        self.sync(rows, same=KeyframeRow.same_as)

    def _url(self, image: str) -> str:
        from ltx_editor.core.safe_files import is_special

        path = str(self._media_path(image))
        return "" if is_special(path) else QUrl.fromLocalFile(path).toString()  # Qt would block on a FIFO

    def role_value(self, row: KeyframeRow, name: str) -> Any:
        k = row.keyframe
        if name == "keyframeId":
            return k.id
        if name == "landedFrame":
            return row.landed
        if name == "shift":
            return row.landed - k.frame
        if name == "imageUrl":
            return row.url
        if name == "landingProblem":
            return row.problem
        return getattr(k, name)
