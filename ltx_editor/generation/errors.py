"""Typed generation errors. Each message tells the person what happened and what to do next.

Messages never contain API keys: providers build them from status codes and service text only.
"""
from __future__ import annotations

from ltx_editor.core.errors import LtxEditorError


class GenerationError(LtxEditorError):
    """Base of every generation failure. `retryable` says whether Retry may help as things stand."""

    retryable = True


class InvalidRequest(GenerationError):
    retryable = False


class BadCredentials(GenerationError):
    retryable = False


class RateLimited(GenerationError):
    def __init__(self, message: str, *, retry_after_s: float | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.retry_after_s = retry_after_s


class OutOfMemory(GenerationError):
    pass


class Cancelled(GenerationError):
    retryable = True


class BackendUnavailable(GenerationError):
    """The backend cannot run here at all (extra not installed, no GPU, service down)."""


class ServiceError(GenerationError):
    """The cloud service failed the job or answered with an error we could not recover from."""


class DownloadError(GenerationError):
    pass


class BudgetExceeded(GenerationError):
    retryable = False
