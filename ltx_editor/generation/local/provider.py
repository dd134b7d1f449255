"""LocalLTXProvider: LTX-Video and LTX-2 through diffusers on this machine's GPU (or CPU).

The blocking pipeline work runs on one worker thread (`run_in_executor`), so the event loop that owns it
keeps serving cloud jobs, and local jobs never overlap on the GPU. Progress events are handed back to the
loop thread with call_soon_threadsafe. torch/diffusers are imported on first use, never at import time.
"""
from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ltx_editor.core.catalog import ModelInfo, choose_local_model

from ..errors import BackendUnavailable, GenerationError
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult, ProgressEvent, Stage


class LocalLTXProvider(BaseLTXProvider):
    backend = "local"

    def __init__(self, *, device: str | None = None, dtype: str | None = None,
                 model_paths: dict[str, str] | None = None, upsampler_paths: dict[str, str] | None = None,
                 cache_dir: str | Path | None = None, offline: bool = False, auto_select: bool = False,
                 enhancer: Any | None = None, max_sequence_length: int | None = None,
                 compile_transformer: bool = False, single_file_config: str | None = None,
                 write_sidecars: bool = True, hub_endpoint: str | None = None, live_previews: bool = False) -> None:
        """
        device: "cuda", "cuda:1", "cpu"; None picks cuda when available. dtype: "bfloat16"/"float32"...;
        None = bf16 on GPUs, float32 on the CPU. model_paths: catalog id -> hub id / folder / .safetensors
        used instead of the catalog's hub id (also for the smaller models of the out-of-memory chain).
        upsampler_paths: catalog id -> latent upsampler source. cache_dir: HF cache (None = the shared
        default). offline: never touch the network. auto_select: swap in a model that fits the GPU's VRAM.
        enhancer: a PromptEnhancer used when settings.enhance_prompt is on. max_sequence_length: cap on
        prompt tokens (None = the pipeline's default). compile_transformer: torch.compile on CUDA.
        single_file_config: diffusers config folder/hub id for single-file checkpoints (default: the catalog
        entry's config repo). hub_endpoint: another Hugging Face hub URL (a mirror). live_previews: step events
        now and then carry a small picture of the clip so far (preview.PreviewEvent; the worker turns it on).
        """
        self._device_request, self._dtype_request = device, dtype
        self._options = dict(model_paths=dict(model_paths or {}), upsampler_paths=dict(upsampler_paths or {}),
                             cache_dir=str(cache_dir) if cache_dir else None, offline=offline,
                             single_file_config=single_file_config, compile_transformer=compile_transformer,
                             hub_endpoint=hub_endpoint)
        self._engine_args = dict(max_sequence_length=max_sequence_length, auto_select=auto_select,
                                 write_sidecars=write_sidecars, live_previews=live_previews)
        self.enhancer = enhancer
        self._engine: Any | None = None  # created on first use (imports torch)
        self._hook: Callable[[str, dict], None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ltx-local")

    # -- lazy engine ----------------------------------------------------------------------------------
    def _get_engine(self) -> Any:
        if self._engine is None:
            from .engine import LocalEngine
            from .memory import pick_device, pick_dtype
            from .models import ModelCache, ModelOptions

            device = pick_device(self._device_request)
            options = ModelOptions(device=device, dtype=pick_dtype(device, self._dtype_request), **self._options)
            self._engine = LocalEngine(ModelCache(options), **self._engine_args)
            self._engine.before_pipeline_call = self._hook
        return self._engine

    @property
    def before_pipeline_call(self) -> Callable[[str, dict], None] | None:
        """Called with (pipeline name, kwargs) right before every pipeline call (diagnostics, tests)."""
        return self._hook

    @before_pipeline_call.setter
    def before_pipeline_call(self, hook: Callable[[str, dict], None] | None) -> None:
        self._hook = hook
        if self._engine is not None:
            self._engine.before_pipeline_call = hook

    @property
    def loaded(self) -> Any | None:
        """The LoadedModel in memory (its `pipes` share one set of modules), or None."""
        return self._engine.cache.loaded if self._engine is not None else None

    # -- BaseLTXProvider ------------------------------------------------------------------------------
    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        loop = asyncio.get_running_loop()

        def emit(event: ProgressEvent) -> None:
            loop.call_soon_threadsafe(progress, event)

        notes: list[str] = []
        enhanced = None
        if request.settings.enhance_prompt:
            enhanced = await self._enhance(request, progress, notes)
        cancel.raise_if_cancelled()
        try:
            return await loop.run_in_executor(self._executor, lambda: self._get_engine().generate(
                request, Path(output_dir), emit, cancel, enhanced, notes))
        except GenerationError:
            raise
        except Exception as exc:  # a diffusers/torch failure: typed, readable, with the cause attached
            raise GenerationError(f"Local generation failed: {type(exc).__name__}: {exc}"[:500],
                                  hint="Retry; if it keeps failing, try other settings or the cloud.") from exc

    async def _enhance(self, request: GenerationRequest, progress: ProgressCallback, notes: list[str]) -> str | None:
        if self.enhancer is None:
            notes.append("Prompt enhancement is on but no enhancement endpoint is set up; used the prompt as written.")
            return None
        progress(ProgressEvent(stage=Stage.ENCODING_PROMPT, message="enhancing the prompt"))
        first_image = next((c.path for c in request.conditions if c.kind == "image"), None)
        outcome = await self.enhancer.enhance(request.prompt, request.mode, first_image)
        if outcome.note:
            notes.append(outcome.note)
        return outcome.enhanced

    async def validate_credentials(self) -> None:
        missing = [m for m in ("torch", "diffusers", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            raise BackendUnavailable(f"Local generation needs {', '.join(missing)}, which is not installed.",
                                     hint="Install the [local] extra: pip install 'ltx-editor[local]'.")

    def estimate_cost(self, request: GenerationRequest) -> float | None:
        return 0.0

    # -- memory ---------------------------------------------------------------------------------------
    def vram_gb(self) -> float | None:
        """Total VRAM of the device in use (None on the CPU). Imports torch."""
        from .memory import total_vram_gb

        return total_vram_gb(self._get_engine().device)

    def recommended_model(self) -> ModelInfo | None:
        """The best local model for this GPU by the catalog's VRAM table; None on the CPU or when none fits."""
        vram = self.vram_gb()
        return choose_local_model(vram) if vram is not None else None

    async def unload(self) -> None:
        """Free the loaded model (after any running generation, on the same worker thread)."""
        if self._engine is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._engine.cache.unload)

    async def close(self) -> None:
        await self.unload()
        self._executor.shutdown(wait=False)
