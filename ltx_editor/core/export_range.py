"""An export plan cut to a part of the timeline (the Export dialog's in/out range, `render --range`)."""
from __future__ import annotations

from dataclasses import replace

from .errors import MediaError
from .export_plan import AudioPiece, ExportPlan, VideoPiece


def restrict(plan: ExportPlan, start: int, end: int) -> ExportPlan:
    """The frames [start, end) of `plan`, renumbered from 0. Pieces are cut at the range's edges; a cut
    piece starts that many timeline frames later in its clip (the pieces' cut: source frames at its speed)."""
    if not 0 <= start < end:
        raise MediaError(f"The range {start}-{end} is empty.", hint="Choose an out point after the in point.")
    if end > plan.total_frames:
        raise MediaError(f"The range {start}-{end} ends after the timeline (frame {plan.total_frames}).",
                         hint="Choose a range inside the timeline.")
    return replace(plan, total_frames=end - start,
                   video=tuple(p for p in (_cut(v, start, end) for v in plan.video) if p is not None),
                   audio=tuple(p for p in (_cut(a, start, end) for a in plan.audio) if p is not None))


def _cut(piece: VideoPiece | AudioPiece, start: int, end: int):
    first, last = max(piece.start, start), min(piece.start + piece.frames, end)
    if first >= last:
        return None
    return piece.cut(first - piece.start, last - first, first - start)  # in source frames at the clip's speed
