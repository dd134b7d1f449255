"""Plan a clip extension: which source frames condition the model, how long the generation is, where it lands.

Pure arithmetic on the project (no media, no generation). Extending forward, the model's output opens with
the source clip's last N frames (a video condition at frame 0), so the landed clip skips those N frames;
extending backward, the output closes with the clip's first N frames (condition at frame F - N), so the
landed clip stops before them. Lengths follow the VAE: N and F are 8k+1, F - N a multiple of 8.

LTX-2 pins a condition that does not start the clip at pixel frame 8j - 7 only (LTX2ConditionPipeline: latent
index j >= 1 lands at (j - 1) * 8 + 1). A backward extension there puts the clip's first N frames at the first
such frame >= D and generates up to 7 frames past them, which are cut: the join still has no gap or repeat.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import LtxEditorError
from .project import Project

Direction = Literal["forward", "backward"]
Placement = Literal["ripple", "overwrite"]
TEMPORAL_RATIO = 8


class ExtensionError(LtxEditorError):
    """The extension cannot be planned (clip too short, too long for the model, no room before the clip)."""


def aligned_down(count: int, ratio: int = TEMPORAL_RATIO) -> int:
    """The longest 8k+1 length <= count (count >= 1)."""
    return (count - 1) // ratio * ratio + 1


def ceil_to(value: int, multiple: int = TEMPORAL_RATIO) -> int:
    return -(-value // multiple) * multiple


def ltx2_pin_at_or_after(frame: int, ratio: int = TEMPORAL_RATIO) -> int:
    """The first pixel frame >= `frame` (> 0) where LTX-2 can start a condition: 8j - 7 for latent j >= 1."""
    return ceil_to(max(frame, 1) + ratio - 1, ratio) - ratio + 1


@dataclass(frozen=True)
class ExtensionPart:
    """One generation that extends `clip_id` in one direction by `new_frames` timeline frames."""

    direction: Direction
    clip_id: str
    asset_id: str
    take_id: str
    source_path: str  # the take's media path as stored in the project (relative to the project folder)
    source_start: int  # first source frame of the conditioning frames
    condition_frames: int  # N, 8k+1
    strength: float
    new_frames: int  # D: frames added to the timeline
    num_frames: int  # F: the generation's length, 8k+1, >= N + D
    placement: Placement
    condition_at: int | None = None  # output frame of the conditioning video when not F - N (LTX-2 backward)

    @property
    def condition_index(self) -> int:
        """Where the conditioning video sits in the output: at the start (forward) or the end (backward)."""
        if self.direction == "forward":
            return 0
        return self.condition_at if self.condition_at is not None else self.num_frames - self.condition_frames

    @property
    def in_frame(self) -> int:
        """The landed clip's first frame of the generated media (skips the repeated source frames)."""
        if self.direction == "forward":
            return self.condition_frames
        return self.condition_index - self.new_frames

    @property
    def out_frame(self) -> int:
        return self.in_frame + self.new_frames

    @property
    def which(self) -> Literal["first", "last"]:
        """Which end of the clip conditions the model (media.extract_segment's vocabulary)."""
        return "last" if self.direction == "forward" else "first"


@dataclass(frozen=True)
class ExtensionPlan:
    parts: tuple[ExtensionPart, ...]

    @property
    def total_new_frames(self) -> int:
        return sum(p.new_frames for p in self.parts)


def plan_extension(project: Project, clip_id: str, direction: Literal["forward", "backward", "both"],
                   duration_s: float, *, condition_frames: int = 9, strength: float = 1.0,
                   placement: Placement = "ripple", max_frames: int = 257, family: str = "ltx-video") -> ExtensionPlan:
    """Plan extending a timeline clip by `duration_s` seconds per side ("both" = that much on each side).

    family: "ltx-2" places a backward condition on a frame LTX-2 can pin (see the module docstring)."""
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise ExtensionError("The clip to extend is no longer on the timeline.",
                             hint="Select a clip and try again.") from None
    if track.kind != "video":
        raise ExtensionError("Only video clips can be extended.", hint="Select a clip on a video track.")
    asset = project.asset(clip.asset_id)
    if asset.kind == "image":
        raise ExtensionError("A still image cannot be extended.", hint="Generate a clip from it instead.")
    if not 0.0 <= strength <= 1.0:
        raise ExtensionError(f"Conditioning strength must be between 0 and 1, not {strength}.")
    new_frames = round(duration_s * project.settings.fps)
    if new_frames < 1:
        raise ExtensionError("The extension is shorter than one frame.", hint="Choose a longer duration.")
    n = aligned_down(max(1, min(condition_frames, clip.duration)))
    total = n + ceil_to(new_frames)
    directions: tuple[Direction, ...] = ("backward", "forward") if direction == "both" else (direction,)
    back_at = None
    if family == "ltx-2" and "backward" in directions:
        back_at = ltx2_pin_at_or_after(new_frames)
        total = max(total, ceil_to(back_at + n - 1) + 1)
    if total > max_frames:
        most = (max_frames - n) / project.settings.fps
        raise ExtensionError(f"The model makes at most {max_frames} frames; {duration_s:g} s plus {n} "
                             f"conditioning frames needs {total}.",
                             hint=f"Extend by at most {most:.1f} s at a time, or condition on fewer frames.")
    if placement == "overwrite" and "backward" in directions and clip.start < new_frames:
        raise ExtensionError(f"There are only {clip.start} frames before the clip; overwriting backward needs "
                             f"{new_frames}.", hint="Use ripple, or move the clip later first.")
    parts = tuple(
        ExtensionPart(direction=d, clip_id=clip.id, asset_id=asset.id, take_id=clip.take_id,
                      source_path=asset.take(clip.take_id).path,
                      source_start=clip.out_frame - n if d == "forward" else clip.in_frame,
                      condition_frames=n, strength=strength, new_frames=new_frames, num_frames=total,
                      placement=placement, condition_at=back_at if d == "backward" else None)
        for d in directions)
    return ExtensionPlan(parts=parts)
