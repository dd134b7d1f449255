"""Snapping: pull a frame (or a clip's edges) onto nearby clip edges, keyframes, markers or the playhead."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection

from .project import Project


def snap_points(project: Project, exclude_ids: Collection[str] = (), playhead: int | None = None) -> list[int]:
    """Sorted frames worth snapping to: 0, clip edges, keyframes, markers and the playhead.

    Things whose id is in exclude_ids (typically the clips being dragged) are left out.
    """
    points = {0}
    for track in project.tracks:
        for c in track.clips:
            if c.id not in exclude_ids:
                points.add(c.start)
                points.add(c.end)
    points.update(k.frame for k in project.keyframes if k.id not in exclude_ids)
    points.update(m.frame for m in project.markers if m.id not in exclude_ids)
    if playhead is not None:
        points.add(playhead)
    return sorted(points)


def nearest(points: list[int], frame: int, tolerance: int) -> int | None:
    """The point closest to frame within tolerance (the earlier one on a tie), or None."""
    i = bisect_left(points, frame)
    best = None
    for p in points[max(0, i - 1):i + 1]:
        if abs(p - frame) <= tolerance and (best is None or abs(p - frame) < abs(best - frame)):
            best = p
    return best


def snap_frame(project: Project, frame: int, tolerance: int, exclude_ids: Collection[str] = (),
               playhead: int | None = None) -> int:
    """frame moved onto the nearest snap point within tolerance frames, or unchanged."""
    if tolerance <= 0:
        return frame
    hit = nearest(snap_points(project, exclude_ids, playhead), frame, tolerance)
    return frame if hit is None else hit


def snap_span(project: Project, start: int, length: int, tolerance: int, exclude_ids: Collection[str] = (),
              playhead: int | None = None) -> int:
    """A start for a span of `length` frames whose start or end edge sits on the nearest snap point."""
    if tolerance <= 0:
        return start
    points = snap_points(project, exclude_ids, playhead)
    moves = [p - edge for edge in (start, start + length)
             if (p := nearest(points, edge, tolerance)) is not None and start + p - edge >= 0]
    return start + min(moves, key=abs) if moves else start
