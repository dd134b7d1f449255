"""Speed and refine helpers around one run: First Block Cache for Draft, the distilled LoRA for stage 2.

First Block Cache is diffusers' CacheMixin hook (`enable_cache(FirstBlockCacheConfig(threshold=0.2))`): when the
first transformer block's output barely changes between steps, the remaining blocks' residual is reused.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

FBC_THRESHOLD = 0.2  # diffusers' cache docs / LTX-Video benchmark threshold


@contextmanager
def first_block_cache(pipe: Any, enabled: bool, note: Callable[[str], None]) -> Iterator[bool]:
    """Turn First Block Cache on for the run (Draft preset) and off afterwards; says so when unsupported."""
    transformer = getattr(pipe, "transformer", None)
    on = False
    if enabled:
        try:
            from diffusers import FirstBlockCacheConfig

            transformer.enable_cache(FirstBlockCacheConfig(threshold=FBC_THRESHOLD))
            on = True
        except (AttributeError, ValueError, TypeError, IndexError, NotImplementedError, ImportError) as exc:
            note(f"Draft: First Block Cache is not available for this transformer ({exc}); ran without it.")
    try:
        yield on
    finally:
        if on:
            transformer.disable_cache()


def refine_lora_for(run: Any, loaded: Any, recipe: Any, cache: Any) -> Callable[[Any], Any] | None:
    """Stage 2 of a dev checkpoint's two-stage recipe runs with the official distilled LoRA (ltx2.md
    "Two-stages Generation"). Returns a context factory loading it around the refine call, or None (noted)."""
    from ltx_editor.core.catalog import get_model

    ms = recipe.multiscale if recipe is not None else None
    if ms is None or not ms.refine_lora:
        return None
    weights = get_model(run.model_id).local
    lora = weights.distilled_lora if weights is not None else None
    if lora is None or run.request.settings.loras:
        run.note("The refine pass ran without the distilled LoRA (user LoRAs are loaded, or none is known).")
        return None
    from ..errors import GenerationError

    try:
        path = cache._resolve(lora.ref, run.emit).path
    except GenerationError as exc:
        run.note(f"The refine pass ran without the distilled LoRA {lora.file}: {exc}")
        return None

    @contextmanager
    def with_lora(pipe: Any) -> Iterator[None]:
        pipe.load_lora_weights(str(path), adapter_name="stage_2_distilled")
        pipe.set_adapters(["stage_2_distilled"], [1.0])
        try:
            yield
        finally:
            pipe.delete_adapters("stage_2_distilled")

    return with_lora
