"""How a controller's slot refuses: it emits `error(message, hint)` in words and returns False, leaving the
project as it was."""
from __future__ import annotations

from PySide6.QtCore import SignalInstance

from ltx_editor.core.errors import LtxEditorError

# LtxEditorError: the domain's own refusals; ValueError: pydantic's request checks; KeyError: stale ids
Refusal = (LtxEditorError, ValueError, KeyError)


def words(exc: Exception) -> tuple[str, str]:
    """The message and hint a person reads for a refusal."""
    if isinstance(exc, LtxEditorError):
        return exc.message, exc.hint
    if isinstance(exc, ValueError):
        return "These settings cannot be generated.", str(exc).strip().splitlines()[-1]
    return f"That is no longer in the project ({exc}).", "Select it again and retry."


def refuse(error: SignalInstance, exc: Exception) -> bool:
    """Emit `error` (a controller's Signal(str, str)) with the refusal's words; returns False for the slot."""
    error.emit(*words(exc))
    return False
