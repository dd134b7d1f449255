"""Plan a retake: regenerate frames [start, end) of a clip's media, conditioned on the frames around them.

Pure arithmetic on the project (no media, no generation). One generation lays out as

    [before context: N_b frames][the range: D frames][padding: s frames][after context: N_a frames][tail]

The before context (the N_b source frames just before the range, 8k+1) is a video condition at output frame
0. The after context must start where the model can pin a condition: LTX-Video at a multiple of 8
(LTXConditionPipeline's frame_index // 8), LTX-2 at pixel frame 8j - 7 (LTX2ConditionPipeline: latent j >= 1
starts at (j - 1) * 8 + 1). When N_b + D is not such a frame, the s frames in between stand for the source
frames right after the range (they are generated and thrown away, the source keeps its own), so the after
context is the source frames from end + s. LTX-2 also generates up to 7 frames past the after context
(a 9-frame video condition spans two latents), also thrown away.

Only output frames [N_b, N_b + D) are kept: they replace exactly the range, so the cut has no gap and no
repeated frame, and every source frame outside the range is left as it was. The same layout fills a gap
between two clips (core/gap_plan): the before context from the clip before, the after context from the clip
after.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import LtxEditorError
from .extension import aligned_down, ceil_to, ltx2_pin_at_or_after
from .project import Project

TEMPORAL_RATIO = 8


class RetakeError(LtxEditorError):
    """The retake or gap fill cannot be planned (range outside the clip, too long for the model...)."""


@dataclass(frozen=True)
class Context:
    """Conditioning frames [source_start, source_start + frames) of a take's media, at output frame `at`."""

    source_path: str  # as stored in the project (relative to the project folder)
    source_start: int
    frames: int  # 8k+1
    at: int  # output frame where the condition starts


@dataclass(frozen=True)
class BridgeLayout:
    """Where the before/after contexts and the kept frames sit in one generation of `num_frames`."""

    num_frames: int  # 8k+1
    before_frames: int  # N_b (0: nothing before)
    length: int  # D: the frames kept
    after_at: int | None  # output frame of the after context (None: nothing after)
    after_frames: int  # N_a (0: nothing after)

    @property
    def keep_in(self) -> int:
        """First output frame kept (the before context's frames are not)."""
        return self.before_frames

    @property
    def keep_out(self) -> int:
        return self.before_frames + self.length

    @property
    def padding(self) -> int:
        """Output frames between the kept ones and the after context (they stand for source frames kept)."""
        return 0 if self.after_at is None else self.after_at - self.keep_out


def after_pin(frame: int, family: str) -> int:
    """The first output frame >= `frame` where a condition can start on this model family."""
    if family == "ltx-2":
        return ltx2_pin_at_or_after(frame)
    return ceil_to(frame)


def plan_layout(length: int, before_available: int, after_available: int, *, family: str = "ltx-video",
                condition_frames: int = 9, max_frames: int = 257) -> BridgeLayout:
    """Lay out one generation that makes `length` new frames between up to `condition_frames` frames before
    (of `before_available`) and after (of `after_available`, counted from the first frame after the new ones).
    """
    if length < 1:
        raise RetakeError("The range is empty.", hint="Select at least one frame.")
    if condition_frames < 1:
        raise RetakeError(f"Conditioning needs at least one frame, not {condition_frames}.")
    n_b = aligned_down(min(condition_frames, before_available)) if before_available >= 1 else 0
    after_at = None
    n_a = 0
    if after_available >= 1:
        at = after_pin(n_b + length, family)
        room = after_available - (at - n_b - length)  # frames after the padding
        if room >= 1:
            after_at, n_a = at, aligned_down(min(condition_frames, room))
    if after_at is None:
        total = ceil_to(n_b + length - 1) + 1
    elif family == "ltx-2":
        total = ceil_to(after_at + n_a - 1) + 1  # the condition's latents cover up to 7 frames past it
    else:
        total = after_at + n_a
    if total > max_frames:
        raise RetakeError(f"The model makes at most {max_frames} frames; {length} new frames with "
                          f"{n_b} + {n_a} context frames need {total}.",
                          hint=f"Choose a range of at most {max(1, max_frames - 2 * condition_frames - 8)} frames.")
    return BridgeLayout(num_frames=total, before_frames=n_b, length=length, after_at=after_at, after_frames=n_a)


@dataclass(frozen=True)
class RetakePlan:
    clip_id: str
    asset_id: str
    take_id: str  # the take the range is cut out of
    source_path: str
    source_frames: int  # the take's length in frames
    fps: float
    start: int  # first media frame regenerated
    end: int  # exclusive
    layout: BridgeLayout
    before: Context | None
    after: Context | None
    strength: float = 1.0
    # What the retake redoes on LTX-2.x: "video" (the clip keeps its sound), "audio" (the clip keeps its
    # picture), "both" (generation/retake.py).
    sound: str = "video"

    @property
    def num_frames(self) -> int:
        return self.layout.num_frames

    def pieces(self) -> tuple[tuple[str, int, int], ...]:
        """The new take, in order: ("source"|"output", first frame, end frame) runs of frames."""
        runs = (("source", 0, self.start), ("output", self.layout.keep_in, self.layout.keep_out),
                ("source", self.end, self.source_frames))
        return tuple(r for r in runs if r[2] > r[1])

    def joins(self) -> tuple[int, int]:
        """(frames missing, frames repeated) when the pieces replace the source: (0, 0) for every plan."""
        at = gap = repeat = 0
        for kind, first, last in self.pieces():
            lands = first if kind == "source" else self.start
            gap += max(0, lands - at)
            repeat += max(0, at - lands)
            at = lands + last - first
        return gap + max(0, self.source_frames - at), repeat + max(0, at - self.source_frames)


def plan_retake(project: Project, clip_id: str, start: int, end: int, *, family: str = "ltx-video",
                condition_frames: int = 9, strength: float = 1.0, max_frames: int = 257) -> RetakePlan:
    """Plan regenerating timeline frames [start, end) of a clip (both inside the clip)."""
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise RetakeError("The clip to retake is no longer on the timeline.",
                          hint="Select a clip and try again.") from None
    if track.kind != "video":
        raise RetakeError("Only video clips can be retaken.", hint="Select a clip on a video track.")
    asset = project.asset(clip.asset_id)
    if asset.kind == "image":
        raise RetakeError("A still image cannot be retaken.", hint="Generate a clip from it instead.")
    if not 0.0 <= strength <= 1.0:
        raise RetakeError(f"Conditioning strength must be between 0 and 1, not {strength}.")
    if not clip.start <= start < end <= clip.end:
        raise RetakeError(f"The range {start}-{end} is not inside the clip ({clip.start}-{clip.end}).",
                          hint="Set the in and out points inside the clip.")
    if clip.speed != 1.0:  # the range is in timeline frames; at another speed they are not the source's
        raise RetakeError(f"The clip plays at {clip.speed:g}x; a range can be retaken at normal speed only.",
                          hint="Set the clip's speed back to 1x (Properties…), retake, then set it again.")
    take = asset.take(clip.take_id)
    total = take.frame_count or clip.out_frame
    a = clip.in_frame + start - clip.start
    b = a + end - start
    layout = plan_layout(b - a, a, total - b, family=family, condition_frames=condition_frames,
                         max_frames=max_frames)
    before = Context(take.path, a - layout.before_frames, layout.before_frames, 0) if layout.before_frames else None
    after = (Context(take.path, b + layout.padding, layout.after_frames, layout.after_at)
             if layout.after_at is not None else None)
    return RetakePlan(clip_id=clip.id, asset_id=asset.id, take_id=take.id, source_path=take.path,
                      source_frames=total, fps=take.fps or project.settings.fps, start=a, end=b, layout=layout,
                      before=before, after=after, strength=strength)
