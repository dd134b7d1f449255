"""Timecode as the editor shows it: HH:MM:SS:FF, frames counted from 0 at the project's fps."""
from __future__ import annotations


def timecode(frame: int, fps: float) -> str:
    """HH:MM:SS:FF of `frame` at `fps` (a rate below 1 counts as 1 frame a second)."""
    frame = max(0, int(frame))
    per_second = max(1, round(fps))
    seconds, ff = divmod(frame, per_second)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{ff:02d}"


def ms_timecode(ms: float, fps: float) -> str:
    """HH:MM:SS:FF of a media position in milliseconds (a player's position), frames counted at `fps`."""
    fps = fps if fps > 0 else 24.0
    return timecode(round(ms * fps / 1000.0), fps)
