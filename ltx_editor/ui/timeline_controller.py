"""What the timeline QML asks for: selection, zoom, the visible range, snapping during drags, and every edit.

Each edit goes through a core timeline function (which validates and applies it) and then
`ProjectDocument.apply_edit`, so it is one undo step. A refused edit changes nothing; its message is shown
(`message`, `refused`). Drags preview in QML (asking `dragDelta` / `snapFrame` for snapping) and commit once
on release.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import EditRefused, LtxEditorError
from ltx_editor.core.project import Clip, Project
from ltx_editor.core.project_io import store_path
from ltx_editor.core.snapping import nearest, snap_points
from ltx_editor.core.timecode import timecode

from .document import ProjectDocument
from .keyframes_model import KeyframesModel
from .markers_model import MarkersModel
from .tracks_model import TracksModel
from .urls import local_path
from .waveforms import waveforms

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1

MIN_PPF, MAX_PPF, DEFAULT_PPF = 0.01, 40.0, 4.0  # pixels per frame
SNAP_PIXELS = 8
VIEWPORT_MARGIN_PX = 48  # clips this close to the screen's edges are held too
_TIMELINE_KINDS = frozenset(("timeline", "tracks", "clips", "keyframes", "markers", "bin"))
ASSET_KEY = "ltx-asset-id:"  # a bin card's drag names its asset in a drag key (see BinDelegate.qml)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


@QmlElement
class TimelineController(QObject):
    documentChanged = Signal()
    selectionChanged = Signal()
    zoomChanged = Signal()
    messageChanged = Signal()
    rangeChanged = Signal()
    snappingChanged = Signal()
    clipboardChanged = Signal()
    selectedTrackChanged = Signal()
    waveformsChanged = Signal()  # peaks of some media file became available (see waveformPeaks)
    refused = Signal(str, str)  # message, hint: an edit was refused and nothing changed

    def __init__(self, parent: QObject | None = None, document: ProjectDocument | None = None) -> None:
        super().__init__(parent)
        self._doc: ProjectDocument | None = None
        self._tracks = TracksModel(self._media_path, self)
        self._keyframes = KeyframesModel(self._media_path, self)
        self._markers = MarkersModel(self)
        self._selection: list[str] = []
        self._ppf = DEFAULT_PPF
        self._message = ""
        self._range: tuple[int, int] | None = None  # inclusive frames
        self._snapping = True
        self._snap_cache: list[int] = []
        self._merge_id = 1000
        self._viewport = (0, 2000)
        self._clipboard: list[tuple[str, Clip]] = []  # (track id, clip) copied; clips are never changed in place
        self._track_id = ""  # the selected track: where Paste goes
        self._levels: dict[tuple, list] = {}  # waveform slices by (asset, take, in, out, count)
        waveforms().ready.connect(self.waveformsChanged)
        if document is not None:
            self._set_document(document)

    # -- the document -------------------------------------------------------------------------------------
    def _media_path(self, stored: str) -> Path:
        return self._doc.media_path(stored) if self._doc is not None else Path(stored)

    @property
    def project(self) -> Project:
        if self._doc is None:
            raise EditRefused("There is no project open.")
        return self._doc.project

    def _get_document(self) -> ProjectDocument | None:
        return self._doc

    def _set_document(self, document: ProjectDocument | None) -> None:
        if document is self._doc:
            return
        if self._doc is not None:
            try:
                self._doc.projectReplaced.disconnect(self._on_replaced)
                self._doc.edited.disconnect(self._on_edited)
            except RuntimeError:  # the document was deleted first (teardown)
                pass
        self._doc = document
        if document is not None:
            document.projectReplaced.connect(self._on_replaced)
            document.edited.connect(self._on_edited)
        self._on_replaced()
        self.documentChanged.emit()

    document = Property(ProjectDocument, _get_document, _set_document, notify=documentChanged)

    def _on_replaced(self) -> None:
        self._selection = []
        self._range = None
        self.selectionChanged.emit()
        self.rangeChanged.emit()
        self._refresh_all()

    def _on_edited(self, changed: list) -> None:
        """Refresh only the models an edit's kinds name, and only the rows it touched (an edit costs what it
        changed, not the size of the timeline)."""
        named = set(changed)
        known = named & _TIMELINE_KINDS
        if not known:
            if not named & {"jobs", "settings", "shots"}:
                self._refresh_all()  # ids without kinds: not one of ours; look at everything
            return
        p = self._doc.project
        if "bin" in known:
            self._levels.clear()  # a take relinked to another file has other peaks
        if known & {"tracks", "clips", "bin"} or known == {"timeline"}:
            assets = (named - _TIMELINE_KINDS) or True if "bin" in known else False  # the ids an edit names
            self._tracks.rebuild(p, bin_changed=assets)
        if "markers" in known:
            self._markers.follow(p, changed)
        if "keyframes" in known:
            self._keyframes.rebuild(p.keyframes, self._span())
            self.rangeChanged.emit()  # keyframesInRange may have changed
        alive = [c for c in self._selection if c not in named or self._clip_exists(c)]
        if alive != self._selection:
            self._selection = alive
            self.selectionChanged.emit()

    def _refresh_all(self) -> None:
        self._levels.clear()
        if self._doc is None:
            self._tracks.reset([])
            return
        p = self._doc.project
        self._tracks.rebuild(p)
        self._keyframes.rebuild(p.keyframes, self._span())
        self._markers.rebuild(p.markers)

    def _clip_exists(self, clip_id: str) -> bool:
        try:
            self.project.find_clip(clip_id)
            return True
        except KeyError:
            return False

    # -- applying edits -----------------------------------------------------------------------------------
    def _apply(self, make: Callable[[Project], tl.Edit], merge_id: int = -1) -> bool:
        return self._apply_edit(make, merge_id) is not None

    def _apply_edit(self, make: Callable[[Project], tl.Edit], merge_id: int = -1) -> tl.Edit | None:
        """Run a core edit and push it as an undo step; on refusal show why and return None."""
        try:
            edit = make(self.project)
        except LtxEditorError as e:
            self._refuse(e.message, e.hint)
            return None
        self._doc.apply_edit(edit, merge_id)
        self._set_message("")
        return edit

    def _refuse(self, message: str, hint: str = "") -> None:
        self._set_message(f"{message} {hint}".strip())
        self.refused.emit(message, hint)

    def _set_message(self, text: str) -> None:
        if text != self._message:
            self._message = text
            self.messageChanged.emit()

    def _new_merge_id(self) -> int:
        self._merge_id += 1
        return self._merge_id

    @Slot()
    def clearMessage(self) -> None:
        self._set_message("")

    message = Property(str, lambda self: self._message, notify=messageChanged)

    # -- models -------------------------------------------------------------------------------------------
    tracksModel = Property(TracksModel, lambda self: self._tracks, constant=True)
    keyframesModel = Property(KeyframesModel, lambda self: self._keyframes, constant=True)
    markersModel = Property(MarkersModel, lambda self: self._markers, constant=True)

    # -- zoom and the visible range -----------------------------------------------------------------------
    def _set_ppf(self, ppf: float) -> None:
        ppf = min(MAX_PPF, max(MIN_PPF, float(ppf)))
        if not math.isclose(ppf, self._ppf):
            self._ppf = ppf
            self.zoomChanged.emit()

    pixelsPerFrame = Property(float, lambda self: self._ppf, _set_ppf, notify=zoomChanged)

    @Slot(float, result=float)
    def zoomBy(self, factor: float) -> float:
        self._set_ppf(self._ppf * factor)
        return self._ppf

    @Slot(float, result=float)
    def zoomToFit(self, width: float) -> float:
        """Show the whole timeline (or ten seconds of an empty one) in `width` pixels."""
        frames = max(self._doc.durationFrames if self._doc else 0, round(10 * self._fps()))
        self._set_ppf(max(1.0, width) / frames)
        return self._ppf

    @Slot(float, float)
    def setViewport(self, first: float, last: float) -> None:
        """The frames on screen. Clip models hold the clips there plus a small margin; scrolling recycles
        the rows of clips that left for the clips that came in (see TrackClipsModel.recycle)."""
        if not (math.isfinite(first) and math.isfinite(last)):  # a view without a size yet (or closing)
            return
        margin = math.ceil(VIEWPORT_MARGIN_PX / self._ppf)
        first, last = max(0, math.floor(first) - margin), max(0, math.ceil(last) + margin)
        self._tracks.set_window(first, last)

    def _fps(self) -> float:
        return float(self._doc.project.settings.fps) if self._doc else 24.0

    @Slot(int, result=str)
    def timecode(self, frame: int) -> str:
        return timecode(frame, self._fps())

    # -- selection ----------------------------------------------------------------------------------------
    selectedClipIds = Property(list, lambda self: list(self._selection), notify=selectionChanged)

    def _select(self, ids: list[str]) -> None:
        ids = list(dict.fromkeys(ids))
        if ids != self._selection:
            self._selection = ids
            self.selectionChanged.emit()

    @Slot(str, str)
    def selectClip(self, clip_id: str, mode: str = "replace") -> None:
        """mode: "replace", "toggle" (Ctrl-click) or "extend" (Shift-click: everything between the last
        selected clip and this one, on the tracks between theirs)."""
        if not self._clip_exists(clip_id):
            return
        self._set_track(self.project.find_clip(clip_id)[0].id)
        pair = tl.with_linked(self.project, [clip_id])  # a video and its own sound are picked as one
        if mode == "toggle":
            rest = [c for c in self._selection if c not in pair]
            self._select(rest if len(rest) < len(self._selection) else [*self._selection, *pair])
        elif mode == "extend" and self._selection:
            between = self._between(self._selection[-1], clip_id)
            self._select(tl.with_linked(self.project, [*self._selection, *between, clip_id]))
        else:
            self._select(pair)

    def _between(self, a: str, b: str) -> list[str]:
        p = self.project
        (ta, ca), (tb, cb) = p.find_clip(a), p.find_clip(b)
        rows = sorted((p.tracks.index(ta), p.tracks.index(tb)))
        start, end = min(ca.start, cb.start), max(ca.end, cb.end)
        return [c.id for t in p.tracks[rows[0]:rows[1] + 1] for c in t.clips if c.start < end and c.end > start]

    @Slot()
    def clearSelection(self) -> None:
        self._select([])

    @Slot()
    def selectAll(self) -> None:
        self._select([c.id for t in self.project.tracks for c in t.clips])

    @Slot(str, result=bool)
    def isSelected(self, clip_id: str) -> bool:
        return clip_id in self._selection

    def _set_track(self, track_id: str) -> None:
        if track_id != self._track_id:
            self._track_id = track_id
            self.selectedTrackChanged.emit()

    @Slot(str)
    def selectTrack(self, track_id: str) -> None:
        """The track Paste puts clips on (a click on its header or its empty space, or on one of its clips)."""
        self._set_track(track_id)

    selectedTrackId = Property(str, lambda self: self._track_id, notify=selectedTrackChanged)

    # -- cut / copy / paste -------------------------------------------------------------------------------
    def _copy(self) -> bool:
        p = self.project
        ids = tl.with_linked(p, self._selection)
        found = [(track.id, clip) for track, clip in (p.find_clip(c) for c in ids if self._clip_exists(c))]
        if not found:
            self._refuse("Select the clips to copy first.")
            return False
        self._clipboard = sorted(found, key=lambda tc: tc[1].start)
        self.clipboardChanged.emit()
        return True

    @Slot(result=bool)
    def copySelection(self) -> bool:
        """Copy the selected clips (with their linked clips) for Paste."""
        if self._copy():
            n = len(self._clipboard)
            self._set_message(f"Copied {n} clip{'s' if n != 1 else ''}.")
            return True
        return False

    @Slot(result=bool)
    def cutSelection(self) -> bool:
        """Copy the selection, then remove it (one undo step)."""
        if not self._copy():
            return False
        ids = [c.id for _, c in self._clipboard]
        return self._apply(lambda p: tl.delete_clips(p, ids, label=f"Cut {len(ids)} clip{'s' if len(ids) > 1 else ''}"))

    @Slot(result=bool)
    def paste(self) -> bool:
        """Paste what was copied at the playhead, the uppermost clips on the selected track (their own tracks
        when none is selected), keeping their distances in time and tracks. One undo step; the pasted clips
        become the selection."""
        if not self._clipboard:
            self._refuse("There is nothing to paste.", "Copy or cut clips first.")
            return False
        frame = self._doc.playheadFrame
        target = self._track_id if self._track_id and self._track_exists(self._track_id) else None
        edit = self._apply_edit(lambda p: tl.paste_clips(p, self._clipboard, frame, target))
        if edit is not None:
            self._select([c for c in edit.created if self._clip_exists(c)])
        return edit is not None

    def _track_exists(self, track_id: str) -> bool:
        return any(t.id == track_id for t in self.project.tracks)

    canPaste = Property(bool, lambda self: bool(self._clipboard), notify=clipboardChanged)

    @Slot(result=bool)
    def unlinkSelected(self) -> bool:
        """Separate the selected clips from their linked picture or sound (undoable)."""
        ids = list(self._selection)
        return self._apply(lambda p: tl.unlink_clips(p, ids))

    @Slot(str, result=bool)
    def isLinked(self, clip_id: str) -> bool:
        try:
            return self.project.find_clip(clip_id)[1].link is not None
        except (KeyError, EditRefused):
            return False

    # -- waveforms ----------------------------------------------------------------------------------------
    @Slot(str, int, result=list)
    def waveformPeaks(self, clip_id: str, count: int) -> list:
        """`count` peak levels (0-1) across the clip's part of its media, from the media's cached peaks: an
        edit never recomputes them. [] while they are being computed (waveformsChanged follows). Slices are
        kept (scrolling shows the same clips again and again)."""
        try:
            _, clip = self.project.find_clip(clip_id)
        except (KeyError, EditRefused):
            return []
        key = (clip.asset_id, clip.take_id, clip.in_frame, clip.out_frame, max(1, min(int(count), 4096)))
        levels = self._levels.get(key)
        if levels is None:
            levels = self._slice(key)
            if levels and len(self._levels) < 20_000:  # a bound, not a policy: about 20k short lists
                self._levels[key] = levels
        return levels

    def _slice(self, key: tuple) -> list:
        asset_id, take_id, in_frame, out_frame, count = key
        try:
            asset = self.project.asset(asset_id)
            take = asset.take(take_id)
        except (KeyError, EditRefused):
            return []
        if not (take.has_audio or asset.kind == "audio"):
            return []
        peaks = waveforms().peaks(self._media_path(take.path))
        return [] if peaks is None else peaks.levels(in_frame / take.fps, out_frame / take.fps, count)

    # -- snapping and drag previews -----------------------------------------------------------------------
    def _get_snapping(self) -> bool:
        return self._snapping

    def _set_snapping(self, on: bool) -> None:
        if bool(on) != self._snapping:
            self._snapping = bool(on)
            self.snappingChanged.emit()

    snapping = Property(bool, _get_snapping, _set_snapping, notify=snappingChanged)

    def _tolerance(self) -> int:
        return max(1, round(SNAP_PIXELS / self._ppf)) if self._snapping else 0

    @Slot(list)
    def beginDrag(self, moving_ids: list) -> None:
        """Collect the snap points once per drag (clip edges except the moving ones, keyframes, markers,
        the playhead)."""
        playhead = self._doc.playheadFrame if self._doc else None
        self._snap_cache = snap_points(self.project, set(moving_ids), playhead)

    @Slot(int, result=int)
    def snapFrame(self, frame: int) -> int:
        tol = self._tolerance()
        hit = nearest(self._snap_cache, frame, tol) if tol else None
        return frame if hit is None else hit

    @Slot(str, int, result=int)
    def dragDelta(self, anchor_id: str, proposed: int) -> int:
        """The frames the selection may move when the anchor clip is dragged by `proposed` frames: its start
        or end edge snaps, and no selected clip goes before frame 0."""
        try:
            _, anchor = self.project.find_clip(anchor_id)
        except KeyError:
            return 0
        delta = proposed
        tol = self._tolerance()
        if tol:
            moves = [p - edge for edge in (anchor.start + proposed, anchor.end + proposed)
                     if (p := nearest(self._snap_cache, edge, tol)) is not None]
            if moves:
                delta += min(moves, key=abs)
        earliest = min((self.project.find_clip(c)[1].start for c in self._moving(anchor_id)), default=0)
        return max(delta, -earliest)

    def _moving(self, anchor_id: str) -> list[str]:
        return self._selection if anchor_id in self._selection else [anchor_id]

    def _track_delta(self, anchor_id: str, target_track_id: str) -> int | None:
        """How many tracks of its own kind the anchor clip moves to reach the target track; None when the
        target is of the other kind."""
        p = self.project
        try:
            src, _ = p.find_clip(anchor_id)
            dst = p.track(target_track_id)
        except KeyError:
            return 0
        if dst.kind != src.kind:
            return None
        same = [t.id for t in p.tracks_of_kind(src.kind)]
        return same.index(dst.id) - same.index(src.id)

    @Slot(str, str, result=bool)
    def fitsTrack(self, anchor_id: str, target_track_id: str) -> bool:
        """Whether the dragged clip may go on the target track (a track of its own kind)."""
        return self._track_delta(anchor_id, target_track_id) is not None

    @Slot(str, str, int, result=bool)
    def moveSelection(self, anchor_id: str, target_track_id: str, delta_frames: int) -> bool:
        """Commit a drag: the selected clips (or just the anchor) move by delta_frames, and onto the target
        track (the others keep the same distance in tracks). One undo step."""
        ids = self._moving(anchor_id)
        track_delta = self._track_delta(anchor_id, target_track_id) if target_track_id else 0
        if track_delta is None:
            kind = self.project.find_clip(anchor_id)[0].kind
            self._refuse(f"A {kind} clip cannot go on a {self.project.track(target_track_id).kind} track.",
                         f"Drop it on a {kind} track.")
            return False
        if delta_frames == 0 and track_delta == 0:
            return False
        merge = self._new_merge_id()
        return self._apply(lambda p: tl.move_clips(p, ids, delta_frames, track_delta), merge)

    @Slot(str, str, result=list)
    def trimLimits(self, clip_id: str, edge: str) -> list:
        try:
            return list(tl.trim_limits(self.project, clip_id, edge))
        except (LtxEditorError, KeyError):
            return [0, 0]

    @Slot(str, str, int, result=bool)
    def trimClip(self, clip_id: str, edge: str, frame: int) -> bool:
        return self._apply(lambda p: tl.trim_clip(p, clip_id, edge, frame), self._new_merge_id())

    # -- edits at the playhead / on the selection -----------------------------------------------------------
    @Slot(result=bool)
    def splitAtPlayhead(self) -> bool:
        """Split the selected clips under the playhead, or with none selected every clip under it on
        unlocked tracks. Several cuts are one undo step."""
        frame = self._doc.playheadFrame
        p = self.project
        under = [c.id for t in p.tracks for c in t.clips if c.start < frame < c.end
                 and (c.id in self._selection or (not self._selection and not t.locked))]
        if not under:
            self._refuse("There is no clip under the playhead to split.",
                         "Put the playhead inside a clip (and select it).")
            return False
        if len(under) == 1:
            return self._apply(lambda p: tl.split_clip(p, under[0], frame))
        return self._apply(lambda p: tl.split_clips(p, under, frame))  # one edit: all or nothing

    @Slot(bool, result=bool)
    def deleteSelected(self, ripple: bool = False) -> bool:
        if not self._selection:
            return False
        ids = list(self._selection)
        return self._apply(lambda p: tl.delete_clips(p, ids, ripple=ripple))

    @Slot(list, result=str)
    def draggedAssetId(self, keys: list) -> str:
        """The bin asset a drag carries: its keys are "ltx-asset" and "ltx-asset-id:<id>" ("" for other drags)."""
        return next((k[len(ASSET_KEY):] for k in map(str, keys) if k.startswith(ASSET_KEY)), "")

    @Slot(str, str, int, result=bool)
    def insertAsset(self, asset_id: str, track_id: str, frame: int) -> bool:
        """A bin asset dropped on a track: its clip starts at the drop frame (snapped)."""
        self.beginDrag([])
        start = max(0, self.snapFrame(int(frame)))
        edit = self._apply_edit(lambda p: tl.place_asset(p, asset_id, track_id, start))
        if edit is not None:  # the clip and its linked sound
            self._select([c for c in edit.created if self._clip_exists(c)])
        return edit is not None

    @Slot(str, result=str)
    def assetKind(self, asset_id: str) -> str:
        try:
            return self.project.asset(asset_id).kind
        except (KeyError, EditRefused):
            return ""

    # -- tracks -------------------------------------------------------------------------------------------
    @Slot(str, result=bool)
    def addTrack(self, kind: str) -> bool:
        return self._apply(lambda p: tl.add_track(p, kind))

    @Slot(str, result=bool)
    def removeTrack(self, track_id: str) -> bool:
        return self._apply(lambda p: tl.remove_track(p, track_id))

    @Slot(str, str, result=bool)
    def renameTrack(self, track_id: str, name: str) -> bool:
        name = name.strip()
        if not name:
            self._refuse("A track needs a name.")
            return False
        return self._apply(lambda p: tl.update_track(p, track_id, name=name))

    @Slot(str, str, bool, result=bool)
    def setTrackFlag(self, track_id: str, flag: str, value: bool) -> bool:
        if flag not in ("locked", "muted", "hidden"):
            self._refuse(f"Unknown track switch {flag!r}.")
            return False
        return self._apply(lambda p: tl.update_track(p, track_id, **{flag: bool(value)}))

    # -- markers ------------------------------------------------------------------------------------------
    @Slot(result=bool)
    def addMarkerAtPlayhead(self) -> bool:
        frame = self._doc.playheadFrame
        if any(m.frame == frame for m in self.project.markers):
            self._refuse(f"There is already a marker at {self.timecode(frame)}.")
            return False
        return self._apply(lambda p: tl.add_marker(p, frame, name=f"Marker {len(p.markers) + 1}"))

    @Slot(str, int, result=bool)
    def moveMarker(self, marker_id: str, frame: int) -> bool:
        return self._apply(lambda p: tl.move_marker(p, marker_id, max(0, frame)), self._new_merge_id())

    @Slot(str, str, result=bool)
    def renameMarker(self, marker_id: str, name: str) -> bool:
        return self._apply(lambda p: tl.update_marker(p, marker_id, name=name))

    @Slot(str, result=bool)
    def removeMarker(self, marker_id: str) -> bool:
        return self._apply(lambda p: tl.remove_marker(p, marker_id))

    # -- keyframes ----------------------------------------------------------------------------------------
    @Slot(int, str, result=bool)
    def addKeyframe(self, frame: int, image: str) -> bool:
        """Pin an image file (a path or file:// URL) at `frame`."""
        path = Path(local_path(image))
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            self._refuse(f"{path.name} is not an image.", "Keyframes are PNG, JPEG, WebP or BMP images.")
            return False
        if not path.is_file():
            self._refuse(f"{path} does not exist.")
            return False
        stored = store_path(self._doc.working_path, path)
        return self._apply(lambda p: tl.add_keyframe(p, max(0, frame), stored))

    @Slot(str, int, result=bool)
    def addKeyframeFromAsset(self, asset_id: str, frame: int) -> bool:
        """An image asset of the bin pinned at `frame` (video assets go through the workflow's frame grab)."""
        try:
            asset = self.project.asset(asset_id)
        except KeyError:
            self._refuse(f"There is no asset {asset_id!r}.")
            return False
        if asset.kind != "image":
            self._refuse(f"{asset.name or asset.id} is not an image.", "Drop an image, or use a frame of it.")
            return False
        return self._apply(lambda p: tl.add_keyframe(p, max(0, frame), asset.active_take.path))

    @Slot(str, int, result=bool)
    def moveKeyframe(self, keyframe_id: str, frame: int) -> bool:
        return self._apply(lambda p: tl.move_keyframe(p, keyframe_id, max(0, frame)), self._new_merge_id())

    @Slot(str, float, str, result=bool)
    def updateKeyframe(self, keyframe_id: str, strength: float, prompt: str) -> bool:
        return self._apply(lambda p: tl.update_keyframe(p, keyframe_id, strength=strength, prompt=prompt))

    @Slot(str, result=bool)
    def removeKeyframe(self, keyframe_id: str) -> bool:
        return self._apply(lambda p: tl.remove_keyframe(p, keyframe_id))

    # -- the span to generate (a range on the keyframe lane / ruler, inclusive frames) ----------------------
    def _span(self) -> tuple[int, int] | None:
        return (self._range[0], self._range[1] + 1) if self._range else None

    @Slot(int, int)
    def setRange(self, a: int, b: int) -> None:
        lo, hi = sorted((max(0, int(a)), max(0, int(b))))
        if self._range != (lo, hi):
            self._range = (lo, hi)
            self.rangeChanged.emit()
            if self._doc is not None:
                self._keyframes.rebuild(self._doc.project.keyframes, self._span())

    @Slot()
    def clearRange(self) -> None:
        if self._range is not None:
            self._range = None
            self.rangeChanged.emit()
            if self._doc is not None:
                self._keyframes.rebuild(self._doc.project.keyframes, None)

    def _keyframes_in_range(self) -> int:
        if self._range is None or self._doc is None:
            return 0
        return sum(1 for k in self._doc.project.keyframes if self._range[0] <= k.frame <= self._range[1])

    hasRange = Property(bool, lambda self: self._range is not None, notify=rangeChanged)
    rangeStart = Property(int, lambda self: self._range[0] if self._range else -1, notify=rangeChanged)
    rangeEnd = Property(int, lambda self: self._range[1] if self._range else -1, notify=rangeChanged)
    keyframesInRange = Property(int, _keyframes_in_range, notify=rangeChanged)
    # What "Generate span" needs: a range holding two keyframes or more to animate between.
    canGenerateSpan = Property(bool, lambda self: self._range is not None and self._keyframes_in_range() >= 2,
                               notify=rangeChanged)
