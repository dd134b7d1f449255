"""What the preview shows (a bin asset, or the timeline at the playhead) and the transport: play/pause,
J/K/L shuttle, frame steps, Home/End, timecode. The QML MediaPlayer does the playing; this decides where.
The pictures under the top clip's (preview_layers: see-through clips' tracks below, a crossfade's clip
before) play in players of their own, one `pictures` slot each: paused on the frame named by
pictureSeekRequested, and while playing kept within a frame of the playhead (`ms`, `slack`) by the view.

Positions are kept as frame numbers. The player is asked for the middle of a frame, never its rounded start:
a seek to 83 ms (frame 2 at 24 fps starts at 83.33 ms) shows frame 1, a seek to 104 ms shows frame 2."""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

from PySide6.QtCore import Property, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.frame_grab import topmost_clip
from ltx_editor.core.preview_layers import MAX_PICTURES, Layer, Picture, faded, picture_at
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
    layersChanged = Signal()  # `levels` or `pictures` changed
    pictureSeekRequested = Signal(int, int)  # a picture slot (not 0: the top player), ms in its source
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
        self._levels: list[dict] = []  # per level of the stack, the top first: opacity, mix
        self._pictures: list[dict] = []  # slot 2k: level k's clip, 2k + 1: the clip it dissolves from
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
        self._set_layers(None)
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
            self._set_layers(None)
            self.changed.emit()
            return
        clip, take = found
        url = QUrl.fromLocalFile(str(self._doc.media_path(take.path))).toString()
        self._shot = Shot(clip, take, url)
        self._title = f"Timeline · {clip.name}" if clip.name else "Timeline"
        self._set_source(url)
        self._set_layers(picture_at(self._doc.project, frame))
        for slot, picture in enumerate(self._pictures):  # every picture under the top one rests on its frame
            if slot and picture["source"]:
                self.pictureSeekRequested.emit(slot, picture["ms"])
        self.changed.emit()
        self.seekRequested.emit(frame_ms(self.source_frame(clip, take, frame), take.fps))

    def _set_layers(self, picture: Picture | None) -> None:
        """The stack's levels and one picture per slot (an empty source: nothing drawn there)."""
        levels, pictures = [], []
        for level in picture.levels if picture is not None else ():
            levels.append({"opacity": level.opacity, "mix": level.mix})
            pictures += [self._picture_info(level.layer), self._picture_info(level.dissolve_from)]
        if (levels, pictures) != (self._levels, self._pictures):
            self._levels, self._pictures = levels, pictures
            self.layersChanged.emit()

    def _picture_info(self, layer: Layer | None) -> dict:
        """Where a picture's player rests (ms: the middle of its frame), its fade, its rate while playing and
        how far (ms) it may drift from `ms` while playing before it is re-seeked: a timeline frame and a half
        (the position a player reports lies anywhere in the frame it shows)."""
        if layer is None:
            return {"source": "", "ms": -1, "shade": 0.0, "rate": 1.0, "slack": 0}
        clip = layer.clip
        take = self._doc.project.asset(clip.asset_id).take(clip.take_id)
        fps = self._doc.project.settings.fps
        frame_span = 1000.0 / take.fps * max(1.0, clip.speed)  # media ms of one timeline frame (or source frame)
        return {"source": QUrl.fromLocalFile(str(self._doc.media_path(take.path))).toString(),
                "ms": frame_ms(layer.source_frame, take.fps), "shade": 1.0 - layer.shown,
                "rate": self._rate * fps / take.fps * clip.speed,
                "slack": math.ceil(1.5 * frame_span * max(1.0, self._rate))}

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
        frame = max(shot.clip.start, frame)
        self._syncing = True
        self._doc.playheadFrame = frame
        self._syncing = False
        picture = picture_at(self._doc.project, frame)
        if picture.top is None or picture.top.clip.id != shot.clip.id:  # a clip on a track above starts here
            self._play_on_from(frame)
        else:
            self._set_layers(picture)  # the pictures under it follow the playhead (the view corrects drift)

    def _jump_after(self, frame: int) -> None:
        found = clip_at(self._doc.project, frame)
        nxt = frame if found else next_clip_start(self._doc.project, frame)
        if nxt is None:
            self._want_play = False
            self.pauseRequested.emit()
            return
        self._play_on_from(nxt)

    def _play_on_from(self, frame: int) -> None:
        """Playback moves on to another clip on top at `frame`."""
        self._syncing, self._switching = True, True
        self._doc.playheadFrame = frame
        self._syncing = False
        try:
            self._show_playhead()
            self._play(self._rate * self._speed())
        finally:
            self._switching = False

    def _play(self, rate: float) -> None:
        """Ask the view to play (the pictures under the top one at their rates, taken from `pictures`)."""
        if self._mode == "timeline" and self._doc is not None:
            self._set_layers(picture_at(self._doc.project, self._doc.playheadFrame))
        self.playRequested.emit(rate)

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
            self._play(self._speed())

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
            self._play(self._rate * self._speed())
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
    levels = Property("QVariantList", lambda self: self._levels, notify=layersChanged)
    pictures = Property("QVariantList", lambda self: self._pictures, notify=layersChanged)
    maxLevels = Property(int, lambda self: MAX_PICTURES, constant=True)  # preview_layers' cap: a level a picture
