"""What the preview shows (a bin asset, or the timeline at the playhead) and the transport: play/pause,
J/K/L shuttle, frame steps, Home/End, timecode. The QML MediaPlayer does the playing; this decides where.

Positions are kept as frame numbers. The player is asked for the middle of a frame, never its rounded start:
a seek to 83 ms (frame 2 at 24 fps starts at 83.33 ms) shows frame 1, a seek to 104 ms shows frame 2."""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

from PySide6.QtCore import Property, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.frame_grab import topmost_clip
from ltx_editor.core.preview_layers import Picture, faded, picture_at
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


def frame_ms(frame: int | float, fps: float) -> int:
    """Where to seek the player to show `frame`: the middle of the frame, in whole milliseconds."""
    return int((frame + 0.5) * 1000.0 / fps)


def frame_at_ms(ms: int, fps: float) -> int:
    """The frame a player position falls in. Players report a frame's start truncated to whole ms (a hair
    early) or the middle we asked for: a quarter frame of slack reads both right up to 250 fps."""
    return max(0, math.floor(ms * fps / 1000.0 + 0.25))


def clip_at(project: Project, frame: int) -> tuple[Clip, Take] | None:
    """The clip shown at `frame` (frame_grab.topmost_clip, as in the export) and the take it shows."""
    clip = topmost_clip(project, frame)
    return None if clip is None else (clip, project.asset(clip.asset_id).take(clip.take_id))


def next_clip_start(project: Project, frame: int) -> int | None:
    starts = [c.start for t in project.tracks_of_kind("video") if not t.hidden for c in t.clips if c.start > frame]
    return min(starts, default=None)


@QmlElement
class PreviewController(QObject):
    changed = Signal()
    sourceChanged = Signal()  # apart from `changed`: position reports must not make QML re-read the source
    documentChanged = Signal()
    seekRequested = Signal(int)  # ms in the current source
    underChanged = Signal()  # the picture under the clip (a see-through clip's, a crossfade's) changed
    underSeekRequested = Signal(int)  # ms in the under source
    playRequested = Signal(float)  # playback rate
    pauseRequested = Signal()

    def __init__(self, parent: QObject | None = None, document: ProjectDocument | None = None) -> None:
        super().__init__(parent)
        self._doc: ProjectDocument | None = None
        self._mode = "timeline"
        self._source = ""
        self._title = ""
        self._asset_fps = 24.0
        self._asset_frames = 0
        self._frame = 0  # asset mode: the frame shown
        self._want_play = False  # the user asked to play (a player stopping at its file's end should go on)
        self._switching = False  # the timeline's playback moves on to the next clip (the player stops briefly)
        self._playing = False
        self._rate = 1.0
        self._shot: Shot | None = None
        self._under = ""  # the source drawn under the top clip ("" = black)
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
        self._asset_frames = take.frame_count
        self._frame = 0
        self.changed.emit()
        self.seekRequested.emit(frame_ms(0, take.fps))
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
            self._show_under(None)
            self.changed.emit()
            return
        clip, take = found
        url = QUrl.fromLocalFile(str(self._doc.media_path(take.path))).toString()
        self._shot = Shot(clip, take, url)
        self._title = f"Timeline · {clip.name}" if clip.name else "Timeline"
        self._set_source(url)
        self._show_under(picture_at(self._doc.project, frame))
        self.changed.emit()
        self.seekRequested.emit(frame_ms(self.source_frame(clip, take, frame), take.fps))

    def _show_under(self, picture: Picture | None) -> None:
        """The second player: the clip under a see-through clip, or the one a crossfade dissolves from."""
        layer = None if picture is None else picture.under
        url = ""
        if layer is not None:
            take = self._doc.project.asset(layer.clip.asset_id).take(layer.clip.take_id)
            url = QUrl.fromLocalFile(str(self._doc.media_path(take.path))).toString()
        if url != self._under:
            self._under = url
            self.underChanged.emit()
        if layer is not None:
            self.underSeekRequested.emit(frame_ms(layer.source_frame, take.fps))

    def _set_source(self, url: str) -> None:
        from ltx_editor.core.safe_files import is_special

        if url and is_special(QUrl(url).toLocalFile()):  # a FIFO or device would block the player
            url = ""
        if url != self._source:
            self._source = url
            self.sourceChanged.emit()

    @staticmethod
    def source_frame(clip: Clip, take: Take, frame: int) -> int:
        """The take's frame shown at timeline `frame`: frame for frame, as the export re-times a take of
        another rate (export_plan)."""
        return clip.in_frame + clip.source_offset(frame - clip.start)

    def _speed(self) -> float:
        """Player rate that plays the shot's frames at the project's rate and the clip's speed (1.0 for a take
        at that rate at normal speed)."""
        if self._mode == "timeline" and self._shot is not None and self._shot.take.fps > 0:
            return self._doc.project.settings.fps / self._shot.take.fps * self._shot.clip.speed
        return 1.0

    # -- what the player reports ------------------------------------------------------------------------------
    @Slot(int)
    def playerPosition(self, ms: int) -> None:
        """The MediaPlayer's position moved. Only playback moves our position: a paused player reports the
        frame we asked for, and the frame number we keep is exact where its milliseconds are not."""
        if not self._playing:
            return
        if self._mode == "timeline" and self._shot is not None:
            self._follow(ms)
        elif self._mode == "asset":
            self._frame = min(max(0, self._asset_frames - 1), frame_at_ms(ms, self._asset_fps))
        self.changed.emit()

    def _follow(self, ms: int) -> None:
        shot = self._shot
        shown = frame_at_ms(ms, shot.take.fps) - shot.clip.in_frame  # source frames into the clip
        # the first clip frame that shows it (at another speed a source frame lasts 1 / speed frames)
        frame = shot.clip.start + (shown if shot.clip.speed == 1.0 else math.ceil(shown / shot.clip.speed - 1e-9))
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
            self._want_play = False
            self.pauseRequested.emit()
            return
        self._syncing, self._switching = True, True
        self._doc.playheadFrame = nxt
        self._syncing = False
        try:
            self._show_playhead()
            self.playRequested.emit(self._rate * self._speed())
        finally:
            self._switching = False

    @Slot()
    def playerReachedEnd(self) -> None:
        """The take ran out before the clip's last frame was reported: the timeline goes on after the clip."""
        if self._want_play and self._mode == "timeline" and self._shot is not None and self._doc is not None:
            self._jump_after(self._shot.clip.end)

    @Slot(bool)
    def setPlaying(self, playing: bool) -> None:
        if playing == self._playing:
            return
        self._playing = playing
        if not playing and not self._switching:
            self._snap()  # a stopped player rests wherever its clock was: show exactly the frame we name
        self.changed.emit()

    @Slot()
    def reshow(self) -> None:
        """Ask the player again for the frame shown (a view that starts after the controller missed it)."""
        self._snap()

    def _snap(self) -> None:
        if self._mode == "timeline":
            self._show_playhead()
        elif self._source:
            self.seekRequested.emit(frame_ms(self._frame, self._asset_fps))

    # -- transport -----------------------------------------------------------------------------------------
    @Slot()
    def togglePlay(self) -> None:
        self._reverse.stop()
        self._want_play = not self._playing
        if self._playing:
            self.pauseRequested.emit()
        else:
            self._rate = 1.0
            self.playRequested.emit(self._speed())

    @Slot(int)
    def shuttle(self, direction: int) -> None:
        """J (-1), K (0), L (+1): each J/L press doubles the speed that way, K stops."""
        self._want_play = direction > 0
        if direction == 0:
            self._reverse.stop()
            self._rate = 1.0
            self.pauseRequested.emit()
            return
        reversing = self._reverse.isActive()
        if direction > 0:
            self._reverse.stop()
            self._rate = min(MAX_SHUTTLE, self._rate * 2) if self._playing and not reversing else 1.0
            self.playRequested.emit(self._rate * self._speed())
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
        return self._show_asset_frame(self._frame + frames)

    def _show_asset_frame(self, frame: int) -> bool:
        target = max(0, min(self._asset_frames - 1, frame))
        if target == self._frame:
            return False
        self._frame = target
        self.seekRequested.emit(frame_ms(target, self._asset_fps))
        self.changed.emit()
        return True

    @Slot(int)
    def seekFrame(self, frame: int) -> None:
        """Show `frame` (of the timeline, or of the asset shown)."""
        if self._mode == "timeline" and self._doc is not None:
            self._doc.playheadFrame = max(0, frame)
        else:
            self._show_asset_frame(frame)

    @Slot()
    def goStart(self) -> None:
        if self._mode == "timeline" and self._doc is not None:
            self._doc.playheadFrame = 0
        else:
            self._show_asset_frame(0)

    @Slot()
    def goEnd(self) -> None:
        if self._mode == "timeline" and self._doc is not None:
            self._doc.playheadFrame = max(0, self._doc.project.duration() - 1)
        else:
            self._show_asset_frame(self._asset_frames - 1)

    def _faded(self, clip: Clip) -> float:
        """How much of `clip` shows at the playhead (its fades, as the export draws them)."""
        return faded(clip, self._doc.playheadFrame - clip.start)

    def _picture(self) -> Picture | None:
        if self._mode != "timeline" or self._shot is None or self._doc is None:
            return None
        return picture_at(self._doc.project, self._doc.playheadFrame)

    def _opacity(self) -> float:
        """How opaque the top picture is over the one under it (its opacity; a crossfade's progress)."""
        picture = self._picture()
        return 1.0 if picture is None else picture.opacity

    def _under_rate(self) -> float:
        """Player rate for the picture under the top clip while playing (its take's rate and its clip's speed)."""
        picture = self._picture()
        if picture is None or picture.under is None:
            return self._rate
        clip = picture.under.clip
        take = self._doc.project.asset(clip.asset_id).take(clip.take_id)
        return self._rate * self._doc.project.settings.fps / take.fps * clip.speed

    def _under_shade(self) -> float:
        picture = self._picture()
        return 0.0 if picture is None or picture.under is None else 1.0 - picture.under.shown

    def _shade(self) -> float:
        """Opacity of the black over the picture (a fade)."""
        if self._mode != "timeline" or self._shot is None or self._doc is None:
            return 0.0
        return 1.0 - self._faded(self._shot.clip)

    def _clip_volume(self) -> float:
        """The sound level of the clip shown (its linked sound clip's when it has one), with its fades."""
        if self._mode != "timeline" or self._shot is None or self._doc is None:
            return 1.0
        clip = self._shot.clip
        if clip.link is not None:
            with contextlib.suppress(KeyError):  # a link to a clip deleted since: the clip's own level
                clip = self._doc.project.find_clip(clip.link)[1]
        return clip.volume * self._faded(clip)

    def _fps(self) -> float:
        if self._mode == "timeline" and self._doc is not None:
            return self._doc.project.settings.fps
        return self._asset_fps

    def _timecode(self) -> str:
        if self._mode == "timeline" and self._doc is not None:
            return timecode(self._doc.playheadFrame * 1000.0 / self._fps(), self._fps())
        return timecode(self._frame * 1000.0 / self._fps(), self._fps())

    def _frame_number(self) -> int:
        if self._mode == "timeline" and self._doc is not None:
            return self._doc.playheadFrame
        return self._frame

    mode = Property(str, lambda self: self._mode, notify=changed)
    source = Property(str, lambda self: self._source, notify=sourceChanged)
    title = Property(str, lambda self: self._title, notify=changed)
    playing = Property(bool, lambda self: self._playing, notify=changed)
    rate = Property(float, lambda self: self._rate, notify=changed)
    reversing = Property(bool, lambda self: self._reverse.isActive(), notify=changed)
    timecodeText = Property(str, _timecode, notify=changed)
    fps = Property(float, _fps, notify=changed)
    frame = Property(int, _frame_number, notify=changed)
    shade = Property(float, _shade, notify=changed)
    clipVolume = Property(float, _clip_volume, notify=changed)
    opacity = Property(float, _opacity, notify=changed)
    underSource = Property(str, lambda self: self._under, notify=underChanged)
    underShade = Property(float, _under_shade, notify=changed)
    underRate = Property(float, _under_rate, notify=changed)
