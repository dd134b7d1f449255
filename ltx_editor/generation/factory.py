"""Creates the provider for a backend (the plan's LTXVideoProviderFactory), importing it lazily."""
from __future__ import annotations

from importlib import import_module
from typing import Any

from ltx_editor.core.catalog import Backend

from .errors import BackendUnavailable
from .provider import BaseLTXProvider

# module path, class name, the extra that provides its dependencies
_PROVIDERS: dict[str, tuple[str, str, str]] = {
    "local": ("ltx_editor.generation.local.provider", "LocalLTXProvider", "local"),
    "fal": ("ltx_editor.generation.cloud.fal_provider", "FalLTXProvider", "cloud"),
    "replicate": ("ltx_editor.generation.cloud.replicate_provider", "ReplicateLTXProvider", "cloud"),
}


class LTXVideoProviderFactory:
    @staticmethod
    def create(backend: Backend, **options: Any) -> BaseLTXProvider:
        try:
            module_name, class_name, extra = _PROVIDERS[backend]
        except KeyError:
            raise BackendUnavailable(f"Unknown backend {backend!r}.", hint="Use local, fal or replicate.") from None
        try:
            cls = getattr(import_module(module_name), class_name)
        except ImportError as exc:
            raise BackendUnavailable(
                f"The {backend} backend is not installed ({exc.name or exc}).",
                hint=f"Install the [{extra}] extra: pip install 'ltx-editor[{extra}]'.",
            ) from None
        return cls(**options)


# The factory's own create, for telling whether something replaced it (worker.client.create_for_editor).
create_provider = LTXVideoProviderFactory.create
