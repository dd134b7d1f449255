"""Land finished generations: a take in the bin, then clips on the timeline as one undoable edit.

Adding the asset/take is not an undo step (undo must never lose generated work); placing it is. Landing
reads the timeline as it is now, not as it was when the job was queued: an extension lands next to its
source clip wherever that clip has moved since.
"""
from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import replace_asset
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.extension import ExtensionPart
from ltx_editor.core.ids import new_id
from ltx_editor.core.keyframe_plan import KeyframePlan
from ltx_editor.core.placement import CompositeEdit, compose, place_clip
from ltx_editor.core.project import Asset, Project, Take
from ltx_editor.core.project_io import store_path

from .request import GenerationRequest, GenerationResult

STORYBOARD_TRACK = "Storyboard"
KEYFRAMES_TRACK = "Keyframes"


# --- what came back -------------------------------------------------------------------------------------
def model_label(model_id: str, model_path: str | None) -> str:
    """The model that ran, for the bin and job cards: a custom folder or file by its own name, else the id."""
    if not model_path:
        return model_id
    return f"{Path(model_path.split('@')[0].rstrip('/')).name} (custom folder)"


def as_returned(result: GenerationResult, request: GenerationRequest) -> GenerationResult:
    """The result as its file really is: size, length, rate and sound read from the file (a service may
    return less than was asked, and say nothing), and the custom model folder that ran. Unreadable media
    keep the reported values (the bin marks such a take when it is used)."""
    from ltx_editor.core.errors import MediaError

    from .returned import probe_returned

    update: dict = {"model_path": result.model_path or (request.model_path if result.backend == "local" else None)}
    with contextlib.suppress(MediaError, OSError):  # unreadable: the reported values stay
        update |= probe_returned(result.video_path)
    return result.model_copy(update=update)


# --- bin ------------------------------------------------------------------------------------------------
def take_from_result(result: GenerationResult, project_path: Path | str | None) -> Take:
    return Take(id=new_id("take"), path=store_path(project_path, result.video_path),
                sidecar=store_path(project_path, result.sidecar_path) if result.sidecar_path else None,
                backend=result.backend, model=model_label(result.model_id, result.model_path), seed=result.seed,
                frame_count=result.num_frames,
                fps=result.fps, width=result.width, height=result.height, has_audio=result.has_audio,
                created=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def asset_name(prompt: str) -> str:
    """A bin name for a generation that has no label: the prompt's first words."""
    words = prompt.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def add_result(project: Project, project_path: Path | str | None, result: GenerationResult, name: str = "",
               asset_id: str | None = None) -> tuple[Asset, Take]:
    """A new generated asset, or (asset_id of an asset that still exists) a new take of it, made the active
    one. Not an undo step: a result is never undone away. `name` defaults to the prompt's first words."""
    take = take_from_result(result, project_path)
    existing = next((a for a in project.assets if a.id == asset_id), None) if asset_id else None
    if existing is not None:  # a new version, not a change in place: undo snapshots share assets
        updated = existing.model_copy(update={"takes": [*existing.takes, take], "active_take_id": take.id})
        replace_asset(project, updated)
        return updated, take
    asset = Asset(id=new_id("asset"), name=(name or asset_name(result.prompt))[:200], kind="generated",
                  takes=[take], active_take_id=take.id)
    project.assets = [*project.assets, asset]
    return asset, take


# --- tracks ---------------------------------------------------------------------------------------------
def _free(project: Project, track_id: str, start: int, end: int) -> bool:
    track = project.track(track_id)
    return not track.locked and all(c.end <= start or c.start >= end for c in track.clips)


def _track_named(project: Project, name: str) -> str | None:
    return next((t.id for t in project.tracks_of_kind("video") if t.name == name and not t.locked), None)


def onto_track(project: Project, track_id: str | None, name: str) -> tuple[list[str], list]:
    """(target, steps) for landing on `track_id`, or else on a new video track called `name` that the returned
    first step makes (composed with the placement: one undo step). target[0] is the track once steps ran."""
    target: list[str] = []
    if track_id:
        return [track_id], []

    def new_track():
        edit = tl.add_track(project, "video", name)
        target.append(edit.created[0])
        return edit

    return target, [new_track]


# --- keyframe animation ---------------------------------------------------------------------------------
def land_span(project: Project, plan: KeyframePlan, takes: Sequence[tuple[str, str, int]],
              track_id: str | None = None) -> CompositeEdit:
    """Place every segment back to back over the span. `takes` = (asset_id, take_id, frames) per segment.

    Lands on `track_id`, else on the first video track free over the span, else on a new video track.
    """
    start, end = plan.span_start, plan.span_end
    if track_id is None:
        track_id = next((t.id for t in project.tracks_of_kind("video") if _free(project, t.id, start, end)), None)
    target, steps = onto_track(project, track_id, KEYFRAMES_TRACK)
    for seg, (asset_id, take_id, frames) in zip(plan.segments, takes, strict=True):
        out = min(seg.out_frame, frames)
        steps.append(lambda s=seg, a=asset_id, t=take_id, o=out: tl.insert_clip(
            project, target[0], a, s.timeline_start, take_id=t, in_frame=s.in_frame, out_frame=o))
    return compose(project, "Generate keyframe span", steps)


# --- extension ------------------------------------------------------------------------------------------
def land_extension(project: Project, part: ExtensionPart, asset_id: str, take_id: str,
                   frames: int) -> CompositeEdit:
    """Place the extension right after (forward) or before (backward) the source clip, as it is now."""
    try:
        track, clip = project.find_clip(part.clip_id)
    except KeyError:
        raise EditRefused("The extended clip is no longer on the timeline; the extension is in the bin.",
                          hint="Drag it from the bin to place it.") from None
    out = min(part.out_frame, frames)
    length = out - part.in_frame
    if part.direction == "forward":
        start = clip.end
    else:
        start = clip.start if part.placement == "ripple" else clip.start - length
    return place_clip(project, track.id, asset_id, take_id, start, part.in_frame, out, part.placement,
                      label=f"Extend clip {part.direction}")


# --- storyboard -----------------------------------------------------------------------------------------
def storyboard_origin(project: Project) -> int:
    """Where a storyboard's first result lands when "Generate all" starts: after the existing edit (the last
    frame of any clip that is not one of the storyboard's own), never over it."""
    own = {s.asset_id for s in project.shots if s.asset_id}
    return max((c.end for t in project.tracks for c in t.clips if c.asset_id not in own), default=0)


def land_shot(project: Project, shot_id: str, asset_id: str, take_id: str, origin: int = 0) -> CompositeEdit:
    """Show a finished shot: switch clips already showing its asset to the new take, or place it on the
    storyboard's own track (made when missing) after the shots before it (ripple, so later shots move right
    and order holds); the first one lands at `origin` (after the existing edit, or the playhead)."""
    showing = [c.id for t in project.tracks for c in t.clips if c.asset_id == asset_id]
    if showing:
        return compose(project, "Switch take", [lambda c=c: tl.set_clip_take(project, c, take_id)
                                                for c in showing])
    order = [s.asset_id for s in project.shots]
    here = next(i for i, s in enumerate(project.shots) if s.id == shot_id)
    before, after = set(filter(None, order[:here])), set(filter(None, order[here + 1:]))
    target, steps = onto_track(project, _track_named(project, STORYBOARD_TRACK), STORYBOARD_TRACK)

    def place():
        clips = project.track(target[0]).clips
        ends = [c.end for c in clips if c.asset_id in before]
        starts = [c.start for c in clips if c.asset_id in after]
        at = max(ends) if ends else min(starts) if starts else max([origin, *(c.end for c in clips)])
        return tl.insert_clip(project, target[0], asset_id, at, take_id=take_id, ripple=True)

    steps.append(place)
    return compose(project, "Place shot", steps)
