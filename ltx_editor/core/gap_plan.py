"""Plan filling a gap between two clips on a video track: one generation conditioned on the last frames of
the clip before and the first frames of the clip after (core/retake_plan's layout).

The kept output frames are exactly as many as the gap, so the new clip starts where the clip before ends and
ends where the clip after starts. When the model cannot pin the after context right after the gap (see
retake_plan), the padding frames stand for the clip after's first frames, which stay as they are: its
context starts that many frames into it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .project import Clip, Project
from .retake_plan import BridgeLayout, Context, RetakeError, plan_layout


@dataclass(frozen=True)
class GapPlan:
    track_id: str
    start: int  # first timeline frame of the gap
    end: int  # exclusive: where the clip after starts (or the gap's chosen end)
    before_clip: str | None
    after_clip: str | None
    layout: BridgeLayout
    before: Context | None
    after: Context | None
    fps: float
    size: tuple[int, int] | None  # the neighbours' size, to generate at (None: the recipe's)
    strength: float = 1.0

    @property
    def num_frames(self) -> int:
        return self.layout.num_frames

    @property
    def in_frame(self) -> int:
        return self.layout.keep_in

    @property
    def out_frame(self) -> int:
        return self.layout.keep_out


def find_gap(project: Project, track_id: str, frame: int) -> tuple[int, int, Clip | None, Clip | None]:
    """(start, end, clip before, clip after) of the empty stretch of the track under `frame`."""
    track = project.track(track_id)
    if any(c.start <= frame < c.end for c in track.clips):
        raise RetakeError("There is a clip there, not a gap.", hint="Right-click an empty stretch between clips.")
    before = max((c for c in track.clips if c.end <= frame), key=lambda c: c.end, default=None)
    after = min((c for c in track.clips if c.start > frame), key=lambda c: c.start, default=None)
    if after is None:
        raise RetakeError("There is no clip after this gap to fill up to.",
                          hint="Use Extend on the last clip instead.")
    return (before.end if before else 0), after.start, before, after


def plan_gap(project: Project, track_id: str, frame: int, *, family: str = "ltx-video", condition_frames: int = 9,
             strength: float = 1.0, max_frames: int = 257) -> GapPlan:
    """Plan filling the gap under timeline `frame` on `track_id`."""
    if project.track(track_id).kind != "video":
        raise RetakeError("Only gaps on video tracks can be filled.", hint="Pick a gap on a video track.")
    if not 0.0 <= strength <= 1.0:
        raise RetakeError(f"Conditioning strength must be between 0 and 1, not {strength}.")
    start, end, before_clip, after_clip = find_gap(project, track_id, frame)
    before_take = _take(project, before_clip)
    after_take = _take(project, after_clip)
    # Frames the neighbours' media have on the gap's side (their trimmed-off frames are real frames too).
    before_avail = before_clip.out_frame if before_clip and before_take else 0
    after_avail = ((after_take.frame_count or after_clip.out_frame) - after_clip.in_frame
                   if after_clip and after_take else 0)
    layout = plan_layout(end - start, before_avail, after_avail, family=family, condition_frames=condition_frames,
                         max_frames=max_frames)
    before = (Context(before_take.path, before_clip.out_frame - layout.before_frames, layout.before_frames, 0)
              if before_take and layout.before_frames else None)
    after = (Context(after_take.path, after_clip.in_frame + layout.padding, layout.after_frames, layout.after_at)
             if after_take and layout.after_at is not None else None)
    sized = next((t for t in (before_take, after_take) if t and t.width and t.height), None)
    return GapPlan(track_id=track_id, start=start, end=end, before_clip=before_clip.id if before_clip else None,
                   after_clip=after_clip.id if after_clip else None, layout=layout, before=before, after=after,
                   fps=project.settings.fps, size=(sized.width, sized.height) if sized else None, strength=strength)


def _take(project: Project, clip: Clip | None):
    """The clip's take when it is video (an image clip gives no motion to continue)."""
    if clip is None:
        return None
    asset = project.asset(clip.asset_id)
    return None if asset.kind == "image" else asset.take(clip.take_id)
