"""Placing generated clips: ripple or overwrite a range of a track, several timeline edits as one undo step.

Built only from core/timeline's public edits, so every check (locked tracks, overlaps, media length) is
theirs. `compose` (core/edits) runs steps in order; when one is refused it undoes the ones already applied,
so the project is left exactly as it was.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from . import timeline as tl
from .edits import Group, combine, compose
from .errors import EditRefused
from .project import Project

__all__ = ["CompositeEdit", "Placement", "clear_range", "combine", "compose", "place_clip"]

Placement = Literal["ripple", "overwrite"]


CompositeEdit = Group  # several edits as one undo step (core/edits)


def free_video_track(project: Project, start: int, end: int, above: str | None = None) -> str | None:
    """The unlocked video track with nothing over [start, end) nearest the bottom of the list, or, with `above`,
    nearest above that track (earlier in the list: upper tracks cover lower ones); None when there is none."""
    videos = project.tracks_of_kind("video")
    if above is not None:
        videos = videos[:next(i for i, t in enumerate(videos) if t.id == above)]
    for track in reversed(videos):
        if not track.locked and all(c.end <= start or c.start >= end for c in track.clips):
            return track.id
    return None


def clear_range(project: Project, track_id: str, start: int, end: int) -> CompositeEdit | None:
    """Make [start, end) on the track empty: clips inside go, clips across an edge are trimmed or split."""
    if end <= start:
        return None

    def steps():
        for clip in list(project.track(track_id).clips):
            if clip.end <= start or clip.start >= end:
                continue
            if start <= clip.start and clip.end <= end:
                yield lambda c=clip: tl.delete_clips(project, [c.id])
            elif clip.start < start and clip.end > end:
                yield lambda c=clip: _cut_middle(project, c.id, start, end)
            elif clip.start < start:
                yield lambda c=clip: tl.trim_clip(project, c.id, "out", start)
            else:
                yield lambda c=clip: tl.trim_clip(project, c.id, "in", end)

    edit = compose(project, "Clear range", list(steps()))
    return edit if edit.parts else None


def _cut_middle(project: Project, clip_id: str, start: int, end: int) -> CompositeEdit:
    middle: list[str] = []

    def split_at_start():
        edit = tl.split_clip(project, clip_id, start)
        middle.append(edit.created[0])
        return edit

    return compose(project, "Cut", [split_at_start, lambda: tl.split_clip(project, middle[0], end),
                                    lambda: tl.delete_clips(project, middle)])


def place_clip(project: Project, track_id: str, asset_id: str, take_id: str | None, start: int,
               in_frame: int, out_frame: int, placement: Placement, label: str = "Place clip") -> CompositeEdit:
    """Put a clip at `start`: ripple pushes later clips right; overwrite replaces what is under it."""
    if placement not in ("ripple", "overwrite"):
        raise EditRefused(f"Unknown placement {placement!r}; use 'ripple' or 'overwrite'.")
    if start < 0:
        raise EditRefused("The clip would start before the beginning of the timeline.",
                          hint="Use ripple, or move the clip later first.")
    end = start + out_frame - in_frame
    steps: list[Callable[[], Any]] = []
    if placement == "overwrite":
        steps.append(lambda: clear_range(project, track_id, start, end))
    steps.append(lambda: tl.insert_clip(project, track_id, asset_id, start, take_id=take_id, in_frame=in_frame,
                                        out_frame=out_frame, ripple=placement == "ripple"))
    edit = compose(project, label, steps)
    edit.primary = edit.parts[-1].created[0]  # insert_clip lists its new clip first
    return edit
