"""Sanity limits: work so large it is almost surely a mistake is asked about first, never started silently.

A still held for 999,999,999 frames is valid by the schema, and exporting it would encode for days and fill
the disk. The check lives here, in core; the question is asked by whoever starts the work (the CLI's
`--yes`, the editor's export dialog), and only a confirmed request goes ahead.
"""
from __future__ import annotations

from .errors import LtxEditorError
from .project import Project

MAX_RENDER_HOURS = 2.0  # longer than any film this editor is made for; a person can still confirm more
# H.264 at CRF 18 spends roughly 0.1 bit per pixel per frame: a rough figure, only for the question.
_BYTES_PER_PIXEL_FRAME = 0.1 / 8


class NeedsConfirmation(LtxEditorError):
    """The work is past a sanity limit; it starts only when the person confirms (the message is the question)."""


def _clock(seconds: float) -> str:
    h, rest = divmod(int(seconds), 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def export_question(project: Project, *, max_hours: float = MAX_RENDER_HOURS, frames: int | None = None,
                    fps: float | None = None) -> str | None:
    """The question to ask before exporting `project`, or None when it is within the limits. `frames` and
    `fps` describe what is really rendered when that is not the whole timeline at the project's rate (an
    in/out range, another rate)."""
    s = project.settings
    frames = project.duration() if frames is None else frames
    fps = s.fps if fps is None else fps
    seconds = frames / fps
    if seconds <= max_hours * 3600:
        return None
    size_gb = frames * s.width * s.height * _BYTES_PER_PIXEL_FRAME / 1e9
    return (f"The export would be {_clock(seconds)} long ({frames:,} frames at {fps:g} fps), more than the "
            f"{max_hours:g} hours that is sensible here; encoding it may take days and roughly {size_gb:,.0f} GB "
            "of disk. Export it anyway?")


def require_confirmation(question: str | None, confirmed: bool, *, how: str) -> None:
    """NeedsConfirmation carrying `question` unless there is none or the person already confirmed."""
    if question is not None and not confirmed:
        raise NeedsConfirmation(question, hint=how)
