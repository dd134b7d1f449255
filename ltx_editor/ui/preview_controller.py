"""What the preview shows (a bin asset, or the timeline at the playhead) and the transport: play/pause,
J/K/L shuttle, frame steps, Home/End, timecode. The QML MediaPlayer does the playing; this decides where."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Property, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.project import Clip, Project, Take
from ltx_editor.core.timecode import ms_timecode as timecode  # a position in ms, as the player reports it

from .document import ProjectDocument

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
MAX_SHUTTLE = 8.0


@dataclass
class Shot:
    """The clip under the playhead: its media and where in that media the playhead is."""

    clip: Clip
    take: Take
    url: str


def clip_at(project: Project, frame: int) -> tuple[Clip, Take] | None:
    """The topmost visible video clip covering `frame` (later video tracks cover earlier ones)."""
    for track in reversed(project.tracks_of_kind("video")):
        if track.hidden:
            continue
        for clip in track.clips:
            if clip.start <= frame < clip.end:
                return clip, project.asset(clip.asset_id).take(clip.take_id)
    return None


def next_clip_start(project: Project, frame: int) -> int | None:
    starts = [c.start for t in project.tracks_of_kind("video") if not t.hidden for c in t.clips if c.start > frame]
    return min(starts, default=None)


@QmlElement
class PreviewController(QObject):
    changed = Signal()
    sourceChanged = Signal()  # apart from `changed`: position reports must not make QML re-read the source
    documentChanged = Signal()
    seekRequested = Signal(int)  # ms in the current source
    playRequested = Signal(float)  # playback rate
    pauseRequested = Signal()

    def __init__(self, parent: QObject | None = None, document: ProjectDocument | None = None) -> None:
        super().__init__(parent)
        self._doc: ProjectDocument | None = None
        self._mode = "timeline"
        self._source = ""
        self._title = ""
        self._asset_fps = 24.0
        self._asset_duration_ms = 0
        self._position_ms = 0
        self._playing = False
        self._rate = 1.0
        self._shot: Shot | None = None
        self._syncing = False  # we are moving the playhead ourselves while the timeline plays
        self._reverse = QTimer(self)  # J: MediaPlayer cannot play backwards, so step back on a timer
        self._reverse.timeout.connect(self._reverse_tick)
        if document is not None:
            self._set_document(document)

    # -- document ---------------------------------------------------------------------------------------
    def _set_document(self, document: ProjectDocument | None) -> None:
        if document is self._doc:
            return
        if self._doc is not None:
            self._doc.playheadFrameChanged.disconnect(self._on_playhead)
            self._doc.edited.disconnect(self._on_edited)
            self._doc.projectReplaced.disconnect(self.showTimeline)
        self._doc = document
        if document is not None:
            document.playheadFrameChanged.connect(self._on_playhead)
            document.edited.connect(self._on_edited)
            document.projectReplaced.connect(self.showTimeline)
        self.documentChanged.emit()
        self.showTimeline()

    document = Property(ProjectDocument, lambda self: self._doc, _set_document, notify=documentChanged)

    def _on_playhead(self) -> None:
        if self._syncing:
            return
        if self._mode != "timeline":
            self._mode = "timeline"
        self._show_playhead()

    def _on_edited(self, _changed: list) -> None:
        if self._mode == "timeline" and not self._playing:
            self._show_playhead()

    # -- what is shown --------------------------------------------------------------------------------------
    @Slot(str)
    @Slot(str, bool)
    def showAsset(self, asset_id: str, autoplay: bool = False) -> None:
        try:
            asset = self._doc.project.asset(asset_id)
        except KeyError:
            return
        take = asset.active_take
        self._mode = "asset"
        self._shot = None
        self._set_source(QUrl.fromLocalFile(str(self._doc.media_path(take.path))).toString())
        self._title = asset.name or asset.id
        self._asset_fps = take.fps
        self._asset_duration_ms = int(take.frame_count * 1000 / take.fps)
        self._position_ms = 0
        self.changed.emit()
        self.seekRequested.emit(0)
        if autoplay:
            self.playRequested.emit(1.0)

    @Slot()
    def showTimeline(self) -> None:
        self._mode = "timeline"
        self._show_playhead()

    def _show_playhead(self) -> None:
        if self._doc is None:
            return
        frame = self._doc.playheadFrame
        found = clip_at(self._doc.project, frame)
        if found is None:
            self._shot, self._title = None, "Timeline"
            self._set_source("")
            self.changed.emit()
            return
        clip, take = found
        url = QUrl.fromLocalFile(str(self._doc.media_path(take.path))).toString()
        self._shot = Shot(clip, take, url)
        self._title = f"Timeline · {clip.name}" if clip.name else "Timeline"
        self._set_source(url)
        self._position_ms = self._media_ms(clip, take, frame)
        self.changed.emit()
        self.seekRequested.emit(self._position_ms)

    def _set_source(self, url: str) -> None:
        if url != self._source:
            self._source = url
            self.sourceChanged.emit()

    def _media_ms(self, clip: Clip, take: Take, frame: int) -> int:
        fps = self._doc.project.settings.fps
        return int(round((clip.in_frame + (frame - clip.start) * take.fps / fps) * 1000 / take.fps))

    # -- what the player reports ------------------------------------------------------------------------------
    @Slot(int)
    def playerPosition(self, ms: int) -> None:
        """The MediaPlayer's position moved (playing or seeking); in timeline mode the playhead follows."""
        self._position_ms = ms
        if self._mode == "timeline" and self._playing and self._shot is not None:
            self._follow(ms)
        self.changed.emit()

    def _follow(self, ms: int) -> None:
        shot, fps = self._shot, self._doc.project.settings.fps
        source_frame = ms * shot.take.fps / 1000.0
        frame = shot.clip.start + int(round((source_frame - shot.clip.in_frame) * fps / shot.take.fps))
        if frame >= shot.clip.end:
            self._jump_after(shot.clip.end)
            return
        self._syncing = True
        self._doc.playheadFrame = max(shot.clip.start, frame)
        self._syncing = False

    def _jump_after(self, frame: int) -> None:
        found = clip_at(self._doc.project, frame)
        nxt = frame if found else next_clip_start(self._doc.project, frame)
        if nxt is None:
            self.pauseRequested.emit()
            return
        self._syncing = True
        self._doc.playheadFrame = nxt
        self._syncing = False
        self._show_playhead()
        self.playRequested.emit(self._rate)

    @Slot(bool)
    def setPlaying(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.changed.emit()

    # -- transport -----------------------------------------------------------------------------------------
    @Slot()
    def togglePlay(self) -> None:
        self._reverse.stop()
        if self._playing:
            self.pauseRequested.emit()
        else:
            self._rate = 1.0
            self.playRequested.emit(1.0)

    @Slot(int)
    def shuttle(self, direction: int) -> None:
        """J (-1), K (0), L (+1): each J/L press doubles the speed that way, K stops."""
        if direction == 0:
            self._reverse.stop()
            self._rate = 1.0
            self.pauseRequested.emit()
            return
        reversing = self._reverse.isActive()
        if direction > 0:
            self._reverse.stop()
            self._rate = min(MAX_SHUTTLE, self._rate * 2) if self._playing and not reversing else 1.0
            self.playRequested.emit(self._rate)
        else:
            self._rate = min(MAX_SHUTTLE, self._rate * 2) if reversing else 1.0
            self.pauseRequested.emit()
            self._reverse.start(int(1000 / self._fps()))

    def _reverse_tick(self) -> None:
        if not self.step(-int(self._rate)):
            self._reverse.stop()

    @Slot(int, result=bool)
    def step(self, frames: int) -> bool:
        """Move by whole frames; False when already at the start/end."""
        if self._mode == "timeline" and self._doc is not None:
            target = max(0, self._doc.playheadFrame + frames)
            if target == self._doc.playheadFrame:
                return False
            self._doc.playheadFrame = target
            return True
        frame_ms = 1000.0 / self._fps()
        target = int(round(max(0.0, min(self._asset_duration_ms - frame_ms, self._position_ms + frames * frame_ms))))
        if target == self._position_ms:
            return False
        self._position_ms = target
        self.seekRequested.emit(target)
        self.changed.emit()
        return True

    @Slot()
    def goStart(self) -> None:
        if self._mode == "timeline" and self._doc is not None:
            self._doc.playheadFrame = 0
        else:
            self._position_ms = 0
            self.seekRequested.emit(0)
            self.changed.emit()

    @Slot()
    def goEnd(self) -> None:
        if self._mode == "timeline" and self._doc is not None:
            self._doc.playheadFrame = max(0, self._doc.project.duration() - 1)
        else:
            self.step(10**9)

    def _fps(self) -> float:
        if self._mode == "timeline" and self._doc is not None:
            return self._doc.project.settings.fps
        return self._asset_fps

    def _timecode(self) -> str:
        if self._mode == "timeline" and self._doc is not None:
            return timecode(self._doc.playheadFrame * 1000.0 / self._fps(), self._fps())
        return timecode(self._position_ms, self._fps())

    mode = Property(str, lambda self: self._mode, notify=changed)
    source = Property(str, lambda self: self._source, notify=sourceChanged)
    title = Property(str, lambda self: self._title, notify=changed)
    playing = Property(bool, lambda self: self._playing, notify=changed)
    rate = Property(float, lambda self: self._rate, notify=changed)
    reversing = Property(bool, lambda self: self._reverse.isActive(), notify=changed)
    timecodeText = Property(str, _timecode, notify=changed)
    fps = Property(float, _fps, notify=changed)
