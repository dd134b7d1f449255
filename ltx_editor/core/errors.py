"""Errors a user can act on. Each message says what happened and what to do next."""
from __future__ import annotations


class LtxEditorError(Exception):
    """Base of every error the editor shows to a person (never a bare traceback)."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class ProjectFileError(LtxEditorError):
    """A project file could not be read (corrupt, truncated, newer version, invalid). The file is untouched."""


class ProjectReadOnly(ProjectFileError):
    """The project file (or the open document) is read-only: saving over it is refused; Save As is offered."""


class MediaError(LtxEditorError):
    """A media file is missing, unreadable or not what it claims to be."""


class EditRefused(LtxEditorError):
    """A timeline edit is impossible (overlap, locked track, out of range). Nothing was changed."""


class ExportCancelled(LtxEditorError):
    """The export was cancelled; no output file was left behind."""


class SettingsError(LtxEditorError):
    """A setting is out of range; the message names the field and the allowed range."""
