"""Helpers for driving the timeline QML with real mouse and key events (QTest on the QQuickWindow)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.frame_actions import FrameActions
from ltx_editor.ui.span_controller import SpanController
from tests.fakes.projects import make_project


def png(path: Path, color: str = "#c04020", size: tuple[int, int] = (64, 40)) -> Path:
    """A real image file (keyframes must be images that exist)."""
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path))
    return path


def sample_document(folder: Path, n_clips: int = 12) -> ProjectDocument:
    """make_project's timeline (V1, V2, A1; clips of 48 frames every 60 frames) with real keyframe images."""
    project, path = make_project(folder, n_clips)
    for kf in project.keyframes:
        png(folder / kf.image)
    png(folder / "imports/still.png", "#3070c0")
    return ProjectDocument(project=project, path=path)


def center(item) -> QPoint:
    return item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()


def scene_point(item, x: float, y: float) -> QPoint:
    return item.mapToScene(QPointF(x, y)).toPoint()


def drag(window, start: QPoint, end: QPoint, steps: int = 8,
         modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press, move in steps (each a real mouse move event), release."""
    QTest.mousePress(window, Qt.MouseButton.LeftButton, modifiers, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(window, start + (end - start) * (i / steps))
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, modifiers, end)
    QTest.qWait(10)


def click(window, at: QPoint, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    QTest.mouseClick(window, button, modifiers, at)
    QTest.qWait(10)
    if button == Qt.MouseButton.RightButton:
        drawn(window)  # a context menu lays its items out on the next frame: click them where they will be


def drawn(window, timeout_ms: int = 5000) -> None:
    """Wait until the window has drawn a frame: layouts changed by the last event (polish) are done by then."""
    loop = QEventLoop()
    window.frameSwapped.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    window.update()
    loop.exec()
    window.frameSwapped.disconnect(loop.quit)


def clip_of(project, clip_id: str):
    return project.find_clip(clip_id)


class RecordingSpans(SpanController):
    """A SpanController (the type the timeline's `spans` property takes) that records its calls instead of
    generating: the contract between the timeline and the span/extend workflows."""

    def __init__(self, calls: list[tuple]) -> None:
        super().__init__(None, None, None)  # no document, panel or intake: nothing is planned or queued
        self.calls = calls

    @Slot(int, int, result=bool)
    def generateSpan(self, start: int, end: int) -> bool:
        self.calls.append(("generateSpan", start, end))
        return True

    @Slot(str, str, float, int, float, str, result=bool)
    def extendClip(self, clip_id, direction, seconds, frames, strength, placement) -> bool:
        self.calls.append(("extendClip", clip_id, direction, seconds, frames, strength, placement))
        return True

    @Slot(str, str, float, int, float, str, "QVariantMap", result=bool)
    def extendClipWith(self, clip_id, direction, seconds, frames, strength, placement, choices) -> bool:
        self.choices = dict(choices)  # the popup's changes to the clip's own recipe (none without a project)
        return self.extendClip(clip_id, direction, seconds, frames, strength, placement)


class RecordingFrames(FrameActions):
    """FrameActions (the timeline's `frames` property type) that records its calls instead of grabbing."""

    def __init__(self, calls: list[tuple]) -> None:
        super().__init__(None, None)
        self.calls = calls

    @Slot(str, int, result=bool)
    def frameToKeyframe(self, clip_id: str, frame: int) -> bool:
        self.calls.append(("frameToKeyframe", clip_id, frame))
        return True

    @Slot(str, int, result=bool)
    def frameToImageInput(self, clip_id: str, frame: int) -> bool:
        self.calls.append(("frameToImageInput", clip_id, frame))
        return True

    @Slot(str, int, int, result=bool)
    def assetFrameToKeyframe(self, asset_id: str, source_frame: int, at_frame: int) -> bool:
        self.calls.append(("assetFrameToKeyframe", asset_id, source_frame, at_frame))
        return True


class RecordingActions:
    """Both stand-ins over one call list: pass `spans=actions.spans, frames=actions.frames` to the timeline."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.spans = RecordingSpans(self.calls)
        self.frames = RecordingFrames(self.calls)
