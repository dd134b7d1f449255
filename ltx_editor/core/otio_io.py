"""Timeline interchange through OpenTimelineIO (.otio; FCP XML .xml and CMX 3600 .edl through OTIO's adapter
packages otio-fcp-adapter / otio-cmx3600-adapter where installed), so an edit moves to Resolve, Premiere or
Kdenlive and back.

Mapping: one OTIO video/audio Track per track, clips with Gaps between them, each clip's media as an
ExternalReference (absolute file URL, available range = the whole take) and its source range in project
frames. OTIO stacks tracks bottom to top, our list runs top to bottom: video tracks are written reversed.
Markers go on the timeline's stack. What OTIO has no field for (ids, links, mute/hide/lock, marker colours)
travels in `metadata["ltx_editor"]`, so a round trip gives back the same timeline. FCP XML keeps tracks, clips,
ranges and markers but not that metadata; an EDL holds one picture track and no frame rate (given on import).
"""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .edits import Edit
from .errors import MediaError
from .ids import new_id
from .media import import_media
from .project import Clip, Marker, Project, ProjectSettings, Track
from .project_io import resolve_media

KEY = "ltx_editor"
# Formats beyond .otio: suffix -> (OTIO adapter, the package that brings it, what a person calls it)
ADAPTERS = {".xml": ("fcp_xml", "otio-fcp-adapter", "Final Cut Pro 7 XML"),
            ".edl": ("cmx_3600", "otio-cmx3600-adapter", "CMX 3600 EDL")}


def _otio():
    import opentimelineio as otio  # imported on use: the editor starts without it

    return otio


# --- export --------------------------------------------------------------------------------------------
def to_otio(project: Project, project_path: str | Path):
    """The project's timeline as an opentimelineio Timeline."""
    otio = _otio()
    fps = project.settings.fps
    rt = lambda frames: otio.opentime.RationalTime(frames, fps)  # noqa: E731
    timeline = otio.schema.Timeline(name=project.name, global_start_time=rt(0))
    timeline.metadata[KEY] = {"settings": project.settings.model_dump()}
    video = [t for t in project.tracks if t.kind == "video"]
    audio = [t for t in project.tracks if t.kind == "audio"]
    for track in [*reversed(video), *audio]:
        kind = otio.schema.TrackKind.Video if track.kind == "video" else otio.schema.TrackKind.Audio
        out = otio.schema.Track(name=track.name or track.id, kind=kind)
        out.enabled = not (track.hidden if track.kind == "video" else track.muted)
        out.metadata[KEY] = {"id": track.id, "muted": track.muted, "hidden": track.hidden, "locked": track.locked}
        at = 0
        for clip in track.clips:
            if clip.start > at:
                out.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0), rt(clip.start - at))))
            elif clip.crossfade and len(out) and isinstance(out[-1], otio.schema.Clip):
                # our crossfade: a dissolve over this clip's first frames (the clip before plays on past its cut)
                out.append(otio.schema.Transition(transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                                                  in_offset=rt(0), out_offset=rt(clip.crossfade)))
            out.append(_clip(otio, project, project_path, clip, rt))
            at = clip.end
        timeline.tracks.append(out)
    for marker in project.markers:
        m = otio.schema.Marker(name=marker.name, marked_range=otio.opentime.TimeRange(rt(marker.frame), rt(0)))
        m.metadata[KEY] = {"id": marker.id, "color": marker.color}
        timeline.tracks.markers.append(m)
    return timeline


def _clip(otio, project: Project, project_path: str | Path, clip: Clip, rt):
    asset = project.asset(clip.asset_id)
    take = asset.take(clip.take_id)
    path = resolve_media(project_path, take.path).resolve()
    ref = otio.schema.ExternalReference(target_url=otio.url_utils.url_from_filepath(str(path)),
                                        available_range=otio.opentime.TimeRange(rt(0), rt(take.frame_count)))
    out = otio.schema.Clip(name=clip.name or asset.name or asset.id, media_reference=ref,
                           source_range=otio.opentime.TimeRange(rt(clip.in_frame), rt(clip.duration)))
    out.metadata[KEY] = {"id": clip.id, "asset_id": asset.id, "take_id": take.id, "link": clip.link,
                         "kind": asset.kind, "volume": clip.volume, "fade_in": clip.fade_in, "fade_out": clip.fade_out,
                         "opacity": clip.opacity, "speed": clip.speed, "out_frame": clip.out_frame}
    if clip.speed != 1.0:  # the source range lasts the clip's timeline frames; the warp reads `speed` x as many
        out.effects.append(otio.schema.LinearTimeWarp(time_scalar=clip.speed))
    return out


def formats() -> list[dict]:
    """The timeline formats this installation writes: .otio always, FCP XML / EDL when their adapter is in."""
    otio = _otio()
    installed = {a.name for a in otio.plugins.ActiveManifest().adapters}
    out = [{"suffix": ".otio", "name": "OpenTimelineIO"}]
    out += [{"suffix": suffix, "name": name} for suffix, (adapter, _pkg, name) in ADAPTERS.items()
            if adapter in installed]
    return out


def _adapter_missing(otio, path: Path) -> MediaError | None:
    adapter, package, name = ADAPTERS.get(path.suffix.lower(), (None, None, None))
    if adapter is None or adapter in {a.name for a in otio.plugins.ActiveManifest().adapters}:
        return None
    return MediaError(f"Cannot handle {path.name}: {name} needs the OpenTimelineIO adapter {package}.",
                      hint=f"Install it (pip install {package}), or use .otio.")


def _one_picture_track(otio, timeline, out: Path):
    """An EDL holds one picture track: drop empty ones, refuse (naming them) when several have clips."""
    used = [t for t in timeline.video_tracks() if t.enabled and any(isinstance(c, otio.schema.Clip) for c in t)]
    if len(used) > 1:
        names = ", ".join(t.name for t in reversed(used))
        raise MediaError(f"An EDL holds one video track; {names} all have clips, so {out.name} would lose some.",
                         hint="Export FCP XML (.xml) or .otio to keep every track, or hide all but one track.")
    for track in list(timeline.tracks):
        if track.kind == otio.schema.TrackKind.Video and track not in used:
            timeline.tracks.remove(track)
    return timeline


def export_otio(project: Project, project_path: str | Path, out: str | Path) -> Path:
    """Write the timeline to `out`: .otio, FCP XML (.xml) or EDL (.edl) through their adapters, or any other
    format an installed OTIO adapter writes. MediaError in words when the format cannot hold the timeline."""
    otio = _otio()
    out = Path(out)
    missing = _adapter_missing(otio, out)
    if missing is not None:
        raise missing
    timeline = to_otio(project, project_path)
    if out.suffix.lower() == ".edl":
        timeline = _one_picture_track(otio, timeline, out)
    try:
        otio.adapters.write_to_file(timeline, str(out))
    except otio.exceptions.OTIOError as exc:
        raise MediaError(f"Could not write {out.name} as a timeline: {exc}.",
                         hint="Name it .otio, .xml (FCP XML) or .edl.") from None
    return out


# --- import --------------------------------------------------------------------------------------------
def import_otio(source: str | Path, project_path: str | Path, *, name: str | None = None,
                fps: float | None = None) -> Project:
    """A new project holding the timeline of `source` (.otio, .xml, .edl or another installed adapter's
    format); its media are probed from the files the clips name (MediaError listing every missing one).
    `fps`: the rate of an EDL (which does not say; 24 when not given)."""
    otio = _otio()
    source = Path(source)
    timeline = _read(otio, source, fps)
    _check_media(otio, timeline, source)
    saved = (timeline.metadata.get(KEY) or {}).get("settings")
    settings = ProjectSettings(**saved) if saved else ProjectSettings(fps=fps or _rate(timeline))
    project = Project(name=name or timeline.name or source.stem, settings=settings)
    tracks, project.markers = _build(otio, timeline, project, project_path, fresh=False)
    project.tracks = tracks
    return Project.model_validate(project.model_dump())  # every rule of a loaded project applies


def import_otio_into(project: Project, project_path: str | Path, source: str | Path) -> Edit:
    """The timeline of `source` added to `project` as one undo step: its tracks as new tracks (video above the
    project's video tracks, audio after its audio tracks; a name already taken gets the file's name), its
    media in the bin (a file already there is used as it is), its markers; frames in the project's rate, ids
    new to the project (a timeline exported from this very project comes in beside it). MediaError listing
    every missing media file, or naming what cannot be read: then nothing changes."""
    from . import bin_edits
    from . import timeline as tl
    from .edits import compose

    otio = _otio()
    source = Path(source)
    timeline = _read(otio, source, project.settings.fps)
    _check_media(otio, timeline, source)
    scratch = Project(settings=project.settings, assets=list(project.assets))
    tracks, markers = _build(otio, timeline, scratch, project_path, fresh=True)
    if not any(t.clips for t in tracks) and not markers:
        raise MediaError(f"{source.name} holds no clips or markers.", hint="Choose a timeline with clips in it.")
    taken = {t.name for t in project.tracks}
    tracks = [t.model_copy(update={"name": f"{t.name} ({source.stem})"}) if t.name in taken else t for t in tracks]
    known = {id(a) for a in project.assets}
    assets = [a for a in scratch.assets if id(a) not in known]
    label = f"Import timeline {source.name}"
    try:
        return compose(project, label, [lambda: bin_edits.add_assets(project, assets, label) if assets else None,
                                        lambda: tl.add_tracks_with_clips(project, tracks, markers, label)])
    except ValidationError as exc:
        raise MediaError(f"{source.name} cannot be imported: {exc.errors()[0]['msg']}.") from None


def _read(otio, source: Path, fps: float | None):
    """The OTIO timeline in `source` (an EDL read at `fps`, 24 when not given); MediaError in words."""
    missing = _adapter_missing(otio, source)
    if missing is not None:
        raise missing
    options = {"rate": fps or 24.0} if source.suffix.lower() == ".edl" else {}
    try:
        return otio.adapters.read_from_file(str(source), **options)
    except (otio.exceptions.OTIOError, ValueError, KeyError, AttributeError, TypeError, SyntaxError) as exc:
        raise MediaError(f"{source.name} is not a timeline OpenTimelineIO can read: {exc}.",
                         hint="Choose an .otio, FCP XML (.xml) or EDL (.edl) file.") from None


def _check_media(otio, timeline, source: Path, shown: int = 12) -> None:
    """MediaError naming every clip without a media file and listing every media file that is missing (the
    first `shown` of them), before anything is probed or changed."""
    no_file, missing = [], []
    for item in timeline.find_clips():
        ref = item.media_reference
        if not isinstance(ref, otio.schema.ExternalReference) or not ref.target_url:
            no_file.append(repr(item.name))
            continue
        path = Path(otio.url_utils.filepath_from_url(ref.target_url))
        if not path.is_file() and path not in missing:
            missing.append(path)
    if no_file:
        raise MediaError(f"Clip {', '.join(no_file[:shown])} in {source.name} has no media file.",
                         hint="Relink it in the other editor, then export again.")
    if len(missing) == 1:
        raise MediaError(f"{source.name} uses {missing[0]}, which is missing.",
                         hint="Put the media where the timeline says, or relink it in the other editor.")
    if missing:
        more = f"\n… and {len(missing) - shown} more" if len(missing) > shown else ""
        raise MediaError(f"{source.name} uses {len(missing)} media files that are missing:\n"
                         + "\n".join(str(p) for p in missing[:shown]) + more,
                         hint="Put the media where the timeline says, or relink them in the other editor.")


def _build(otio, timeline, project: Project, project_path: str | Path, *, fresh: bool) -> tuple[list[Track], list]:
    """(tracks top to bottom, markers) of `timeline` in `project`'s frames, its media added to project.assets.
    `fresh`: new ids for every track, clip and marker (links follow), not the ones the file carries."""
    fps = project.settings.fps
    frames = lambda t: round(t.rescaled_to(fps).value)  # noqa: E731
    videos, audios = [], []
    for otrack in timeline.tracks:
        kind = "video" if otrack.kind == otio.schema.TrackKind.Video else "audio"
        meta = dict(otrack.metadata.get(KEY) or {})
        track = Track(id=(not fresh and meta.get("id")) or new_id("track"), kind=kind, name=otrack.name,
                      muted=meta.get("muted", kind == "audio" and not otrack.enabled),
                      hidden=meta.get("hidden", kind == "video" and not otrack.enabled),
                      locked=meta.get("locked", False))
        crossfade = 0  # a dissolve before the next clip
        for item in otrack:
            if isinstance(item, otio.schema.Transition):
                crossfade = frames(item.in_offset) + frames(item.out_offset)
            elif isinstance(item, otio.schema.Clip):
                start = frames(otrack.range_of_child(item).start_time)
                track.clips.append(_clip_from(otio, project, project_path, item, start, frames, crossfade))
                crossfade = 0
            else:
                crossfade = 0
        (videos if kind == "video" else audios).append(track)
    for prefix, tracks in (("V", videos), ("A", audios)):  # FCP XML tracks have no names: V1, V2... bottom up
        for number, track in enumerate(tracks, 1):
            track.name = track.name or f"{prefix}{number}"
    tracks = [*reversed(videos), *audios]
    markers = []
    for m in timeline.tracks.markers:
        meta = dict(m.metadata.get(KEY) or {})
        markers.append(Marker(id=(not fresh and meta.get("id")) or new_id("marker"),
                              frame=frames(m.marked_range.start_time), name=m.name,
                              **({"color": meta["color"]} if "color" in meta else {})))
    if fresh:
        tracks = _new_clip_ids(tracks)
    return tracks, markers


def _new_clip_ids(tracks: list[Track]) -> list[Track]:
    """The tracks with new clip ids, each link pointing at its partner's new id (a link to a clip that is not
    in the timeline dropped)."""
    ids = {c.id: new_id("clip") for t in tracks for c in t.clips}
    return [t.model_copy(update={"clips": [c.model_copy(update={"id": ids[c.id], "link": ids.get(c.link)})
                                           for c in t.clips]}) for t in tracks]


def _clip_from(otio, project: Project, project_path: str | Path, item, start: int, frames,
               crossfade: int = 0) -> Clip:
    """The clip `item` (its media file checked by _check_media) on our terms, its asset added where new."""
    meta = dict(item.metadata.get(KEY) or {})
    path = Path(otio.url_utils.filepath_from_url(item.media_reference.target_url))
    asset = import_media(project, project_path, path)  # the same file twice gives the same asset back
    if not any(a is asset for a in project.assets):
        if meta.get("asset_id") and all(a.id != meta["asset_id"] for a in project.assets):
            asset = asset.model_copy(update={"id": meta["asset_id"]})
        project.assets.append(asset)
    # an asset already in the bin may hold the file as another take than its active one
    take_id = next((t.id for t in asset.takes if _same_path(resolve_media(project_path, t.path), path)),
                   asset.active_take_id)
    rng = item.source_range or item.available_range()
    in_frame, length = frames(rng.start_time), frames(rng.duration)
    warp = next((e for e in item.effects if isinstance(e, otio.schema.LinearTimeWarp)), None)
    speed = float(meta.get("speed") or (warp.time_scalar if warp is not None else 1.0))
    out_frame = in_frame + length
    if speed != 1.0:  # the range holds timeline frames: the source frames are speed x as many (ours: exact)
        out_frame = meta.get("out_frame") or in_frame + max(1, round(length * speed))
    return Clip(id=meta.get("id") or new_id("clip"), asset_id=asset.id, take_id=take_id, start=start,
                in_frame=in_frame, out_frame=out_frame, name=item.name, link=meta.get("link"),
                volume=meta.get("volume", 1.0), fade_in=meta.get("fade_in", 0), fade_out=meta.get("fade_out", 0),
                opacity=meta.get("opacity", 1.0), speed=speed, crossfade=crossfade)


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _rate(timeline) -> float:
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return clip.source_range.duration.rate
    return 24.0
