"""The provider interface every backend implements (the plan's BaseLTXProvider, async)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from ltx_editor.core.catalog import Backend, ModelInfo, models_for
from ltx_editor.core.settings import GenerationMode

from .request import CancelToken, GenerationRequest, GenerationResult, ProgressEvent

ProgressCallback = Callable[[ProgressEvent], None]


class BaseLTXProvider(ABC):
    backend: Backend

    @abstractmethod
    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        """Run one generation; write the mp4 (+ sidecar) atomically into output_dir.

        Raises a GenerationError subclass (Cancelled when `cancel` fired) and leaves no partial file.
        """

    @abstractmethod
    async def validate_credentials(self) -> None:
        """One cheap check that the backend can run; raise BadCredentials / BackendUnavailable if not."""

    def available_models(self) -> list[ModelInfo]:
        return models_for(self.backend)

    def capabilities(self, model: ModelInfo) -> set[GenerationMode]:
        return {mode for mode in GenerationMode if model.supports(self.backend, mode)}

    def estimate_cost(self, request: GenerationRequest) -> float | None:
        """USD before submitting; 0.0 for local; None when the service publishes no price."""
        return 0.0

    async def close(self) -> None:
        """Release clients/models; called when the worker shuts down or the provider is replaced."""
        return None
