"""Keyframe animation planning: which generations make a clip that passes through each keyframe.

LTX takes 8k+1 frames per generation (up to the model's maximum) and places a condition frame at an
output index that is a multiple of 8. The planner lays a grid of multiples of 8 over the span, from its
first frame, and snaps every keyframe to its nearest grid point: that is where the keyframe lands.

A span that fits one generation is one generation conditioned on all its keyframes. A longer span is a
chain of segments. Each ends on a grid point (a keyframe when one is within reach, so both ends of most
segments are pinned) and the next starts `overlap` frames earlier, conditioned on the last `overlap`
frames of the previous output (a video condition at index 0) so the join is continuous. Those overlap
frames are trimmed, so the segments sit back to back and cover the span exactly. With an overlap of 8m+1
frames every segment's first output frame stays on the grid, so a keyframe lands on the same frame
whichever segment holds it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import SettingsError
from .project import Keyframe

STEP = 8  # LTX's temporal compression: lengths are 8k+1, condition frames at multiples of 8


def floor_to_valid_length(frames: int) -> int:
    """The largest 8k+1 frame count not above `frames`."""
    return (frames - 1) // STEP * STEP + 1


@dataclass(frozen=True)
class ModelLimits:
    max_frames: int = 257  # per generation
    # "ltx-2": LTX2ConditionPipeline pins a condition at pixel 0 or (j - 1) * 8 + 1 for latent j >= 1, inside
    # the clip: the landings then report the frame each keyframe really takes (the call notes the snap too).
    family: str = "ltx-video"

    @classmethod
    def for_model(cls, model_id: str, backend: str = "local") -> ModelLimits:
        from .catalog import get_model

        model = get_model(model_id)
        return cls(max_frames=model.max_frames, family=model.family if backend == "local" else "ltx-video")

    @property
    def usable_frames(self) -> int:
        return floor_to_valid_length(self.max_frames)


@dataclass(frozen=True)
class PlannedCondition:
    keyframe_id: str
    image: str
    index: int  # output frame index, a multiple of 8
    strength: float


@dataclass(frozen=True)
class Segment:
    """One generation and the part of it that goes on the timeline."""

    index: int
    num_frames: int  # frames to generate (8k+1)
    output_start: int  # timeline frame of output frame 0
    timeline_start: int  # first timeline frame this segment fills
    timeline_end: int  # first timeline frame after it
    prompt: str
    conditions: tuple[PlannedCondition, ...]
    overlap_frames: int  # > 0: condition output frames [0, n) on the previous segment's last n output frames
    overlap_strength: float = 1.0

    @property
    def in_frame(self) -> int:
        """First output frame placed on the timeline (the overlap frames before it are trimmed)."""
        return self.timeline_start - self.output_start

    @property
    def out_frame(self) -> int:
        """Output frame after the last one placed on the timeline (exclusive)."""
        return self.timeline_end - self.output_start


@dataclass(frozen=True)
class Landing:
    keyframe_id: str
    requested: int  # the keyframe's frame
    landed: int  # the frame the model can pin it to (may be a few frames past the span's end)
    segment: int

    @property
    def shift(self) -> int:
        return self.landed - self.requested


@dataclass(frozen=True)
class KeyframePlan:
    span_start: int
    span_end: int  # exclusive
    segments: tuple[Segment, ...]
    landings: tuple[Landing, ...]

    @property
    def generated_frames(self) -> int:
        return sum(s.num_frames for s in self.segments)

    def gaps_and_overlaps(self) -> tuple[int, int]:
        """Frames of the span left uncovered and frames covered twice (both 0 for every plan)."""
        gap = overlap = 0
        at = self.span_start
        for s in self.segments:
            gap += max(0, s.timeline_start - at)
            overlap += max(0, at - s.timeline_start)
            at = s.timeline_end
        return gap + max(0, self.span_end - at), overlap + max(0, at - self.span_end)


def plan_keyframes(keyframes: Sequence[Keyframe], limits: ModelLimits | None = None, *,
                   span: tuple[int, int] | None = None, overlap_frames: int = 9, prompt: str = "",
                   overlap_strength: float = 1.0) -> KeyframePlan:
    """Plan the generation(s) for the keyframes in `span` = (start, end exclusive) timeline frames.

    The default span runs from the first keyframe to the last one inclusive. `prompt` leads every
    segment's prompt; each keyframe's own prompt describes what follows it (see _segment_prompt).
    """
    limits = limits or ModelLimits()
    usable = limits.usable_frames
    if usable < STEP + 1:
        raise SettingsError(f"max_frames must be at least {STEP + 1}; the model allows {limits.max_frames}.")
    if overlap_frames < 1 or (overlap_frames - 1) % STEP or overlap_frames > usable - STEP:
        raise SettingsError(f"overlap_frames must be 8k+1 between 1 and {usable - STEP}; got {overlap_frames}.")
    frames = sorted(keyframes, key=lambda k: k.frame)
    if span is not None:
        start, end = span
    elif frames:
        start, end = frames[0].frame, frames[-1].frame + 1
    else:
        raise SettingsError("There are no keyframes to animate.", hint="Pin at least one image on the lane.")
    if start < 0 or end <= start:
        raise SettingsError(f"The span must be a range of frames from 0 up; got {start}-{end}.")
    inside = [k for k in frames if start <= k.frame < end]
    if not inside:
        raise SettingsError("There are no keyframes in the selected span.", hint="Pin at least one image in it.")

    last_unit = -(-(end - 1 - start) // STEP)  # the grid point at or just past the span's last frame
    units = {}
    for k in inside:
        u = min(last_unit, (k.frame - start + STEP // 2) // STEP)  # nearest grid point, halves round up
        if u in units:
            raise SettingsError(f"Keyframes at frames {units[u].frame} and {k.frame} would land on the same "
                                f"frame ({start + u * STEP}); the model pins keyframes every {STEP} frames.",
                                hint="Move them further apart.")
        units[u] = k
    bounds = _segment_bounds(sorted(units), last_unit, (usable - 1) // STEP, (overlap_frames - 1) // STEP)

    segments, landings = [], []
    for i, (out_u, first_u, end_u) in enumerate(bounds):
        final = i == len(bounds) - 1
        held = [u for u in sorted(units) if first_u <= u <= end_u]
        conditions = tuple(PlannedCondition(units[u].id, units[u].image, (u - out_u) * STEP, units[u].strength)
                           for u in held)
        num_frames = max(STEP + 1, (end_u - out_u) * STEP + 1)
        if final and limits.family == "ltx-2" and held and held[-1] > out_u and num_frames + STEP <= usable:
            # LTX-2 cannot pin a clip's last frame (8k): one more latent lets the last keyframe take 8k + 1.
            num_frames += STEP
        landed = [start + out_u * STEP + pinned((u - out_u) * STEP, num_frames, limits.family) for u in held]
        landings += [Landing(units[u].id, units[u].frame, at, i) for u, at in zip(held, landed, strict=True)]
        if final and span is None and landed and limits.family == "ltx-2":
            end = max(end, landed[-1] + 1)  # the default span ends on the last keyframe, where LTX-2 pins it
        segments.append(Segment(
            index=i, num_frames=num_frames, output_start=start + out_u * STEP,
            timeline_start=start if i == 0 else segments[-1].timeline_end,
            timeline_end=end if final else start + end_u * STEP + 1,
            prompt=_segment_prompt(prompt, units, first_u if i == 0 else first_u - 1, end_u),
            conditions=conditions, overlap_frames=0 if i == 0 else overlap_frames,
            overlap_strength=overlap_strength))
    return KeyframePlan(start, end, tuple(segments), tuple(landings))


def pinned(index: int, num_frames: int, family: str) -> int:
    """The output frame a condition planned at `index` lands on: itself for LTX-Video (multiples of 8); for
    LTX-2 the nearest frame its condition pipeline can pin inside the clip (0, 1, 9, 17, ..., 8k - 7)."""
    if family != "ltx-2" or index <= 0:
        return index
    last = (num_frames - 1) // STEP  # the clip's last latent
    latent = min(max(1, round((index - 1) / STEP) + 1), last)
    return (latent - 1) * STEP + 1


def _segment_bounds(key_units: list[int], last_unit: int, reach: int, overlap: int) -> list[tuple[int, int, int]]:
    """(output start, first held grid point, last grid point) per segment, all in grid units.

    Segment 0 starts at 0; segment n starts `overlap` units before the previous segment's end, and so
    adds at most `reach - overlap` new units.
    """
    bounds = []
    prev_end = overlap  # as if an overlap preceded segment 0, so every segment has the same arithmetic
    first = 0
    while True:
        out = prev_end - overlap
        furthest = out + reach
        if last_unit <= furthest:
            bounds.append((out, first, last_unit))
            return bounds
        within = [u for u in key_units if prev_end < u <= furthest]
        if within:
            end = within[-1]  # end on the furthest keyframe in reach: it pins this end and the next start
        else:  # no keyframe in reach: split the stretch to the next one (or the span's end) evenly
            target = next((u for u in key_units if u > furthest), last_unit)
            pieces = -(-(target - prev_end) // (reach - overlap))
            end = prev_end + -(-(target - prev_end) // pieces)
        bounds.append((out, first, end))
        prev_end, first = end, end + 1


def _segment_prompt(base: str, units: dict[int, Keyframe], start_u: int, end_u: int) -> str:
    """The base prompt, then the prompt in effect at the segment's start (the latest keyframe prompt up to
    there) and those of keyframes inside it. A keyframe's prompt describes what follows it, so the one
    the segment ends on counts only when no other keyframe gave a prompt."""
    in_effect = [u for u in units if u <= start_u and units[u].prompt.strip()]
    chosen = ([max(in_effect)] if in_effect else []) + sorted(u for u in units if start_u < u < end_u)
    texts = [units[u].prompt.strip() for u in chosen if units[u].prompt.strip()]
    if not texts and end_u in units and units[end_u].prompt.strip():
        texts = [units[end_u].prompt.strip()]
    parts = [base.strip()] if base.strip() else []
    for t in texts:
        if not parts or parts[-1] != t:
            parts.append(t)
    return " ".join(parts)
