"""Plan control with a reference (IC-LoRA): a video clip, or a range of it, guides a new clip of the same length.

Pure arithmetic on the project (no media, no generation). Timeline frames [start, end) under a video clip are the
reference; the model makes `num_frames` (the 8k+1 count at or above the range's length) following the reference's
frames from `media_start` in the clip's media, and only output frames [0, length) are kept: the new clip starts on
the range's first frame and ends on its last. It lands on the nearest video track above the reference that is free
over the range, else on a new video track (added above the video tracks).
"""
from __future__ import annotations

from dataclasses import dataclass

from .extension import ceil_to
from .placement import free_video_track
from .project import Project
from .retake_plan import RetakeError


class InContextError(RetakeError):
    """The control cannot be planned (not a video clip, range outside it, too long for the model...)."""


@dataclass(frozen=True)
class ICPlan:
    clip_id: str  # the reference clip
    source_path: str  # its take's media, as stored in the project
    fps: float  # the project's frame rate
    start: int  # first timeline frame of the range
    end: int  # exclusive
    media_start: int  # the range's first frame in the media
    media_frames: int  # how many frames the media has
    num_frames: int  # 8k+1 >= length: what the model generates
    track_id: str | None  # the video track it lands on (None: a new video track)
    size: tuple[int, int] | None  # the reference's size when the model can make it (multiples of 32)

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def reference_frames(self) -> int:
        """The media frames the reference takes: as many as are generated, where the media has them."""
        return max(1, min(self.num_frames, self.media_frames - self.media_start))


def plan_ic(project: Project, clip_id: str, start: int | None = None, end: int | None = None, *,
            max_frames: int = 481) -> ICPlan:
    """Plan a new clip over timeline frames [start, end) of a video clip (default: all of it), following it."""
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise InContextError("The reference clip is no longer on the timeline.",
                             hint="Right-click a video clip and try again.") from None
    asset = project.asset(clip.asset_id)
    take = asset.take(clip.take_id)
    if track.kind != "video" or asset.kind == "image" or take.frame_count < 2:
        raise InContextError("The reference must be a video clip.", hint="Right-click a clip with moving pictures.")
    start = clip.start if start is None else start
    end = clip.end if end is None else end
    if not clip.start <= start < end <= clip.end:
        raise InContextError(f"The range {start}-{end} is not inside the reference clip ({clip.start}-{clip.end}).",
                             hint="Set the in and out points inside the clip.")
    if clip.speed != 1.0:
        raise InContextError(f"The reference clip plays at {clip.speed:g}x; it can guide a new clip at normal speed "
                             "only.", hint="Set the clip's speed back to 1x (Properties…) first.")
    fps = project.settings.fps
    if abs(take.fps - fps) > 1e-3:
        raise InContextError(f"The reference's media runs at {take.fps:g} fps and the project at {fps:g}: its frames "
                             "would not line up with the new clip's.", hint="Use a clip at the project's frame rate.")
    length = end - start
    num_frames = max(9, ceil_to(length - 1) + 1)
    if num_frames > max_frames:
        raise InContextError(f"The model makes at most {max_frames} frames ({max_frames / fps:.1f} s); this range is "
                             f"{length} frames ({length / fps:.1f} s).", hint="Set in and out points around a shorter "
                             "stretch of the clip.")
    size = (take.width, take.height) if take.width % 32 == 0 and take.height % 32 == 0 and take.width else None
    return ICPlan(clip_id=clip.id, source_path=take.path, fps=fps, start=start, end=end,
                  media_start=clip.in_frame + start - clip.start, media_frames=take.frame_count,
                  num_frames=num_frames, track_id=free_video_track(project, start, end, above=track.id), size=size)
