"""Keeps at most one model in memory: loads on first use, reuses it while the request fits, unloads on switch.

Memory options are applied here: VAE tiling per call, fp8 storage and offload at load (offload changes in
place when it can). Notes for the person (an option ignored on this device, a model switched) go to `notes`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ltx_editor.core.catalog import ModelInfo, get_model
from ltx_editor.core.local_registry import SINGLE_FILE_CONFIGS
from ltx_editor.core.recipes import recipe_for

from ..errors import GenerationError, InvalidRequest
from ..request import ProgressEvent, Stage
from .loader import LoadedModel, check_single_file, find_upsampler, load_model, load_upsampler
from .memory import free_memory, set_vae_tiling
from .source import ResolvedModel, parse_source, resolve

Emit = Callable[[ProgressEvent], None]


@dataclass
class MemoryPlan:
    """The memory options a run uses; the out-of-memory chain escalates them."""

    vae_tiling: bool
    offload: str  # none | model | sequential | group
    fp8: bool


@dataclass
class ModelOptions:
    device: str
    dtype: Any
    model_paths: dict[str, str]  # catalog id -> hub id / folder / file that replaces the catalog's hub id
    upsampler_paths: dict[str, str]
    cache_dir: str | None = None
    offline: bool = False
    single_file_config: str | None = None
    compile_transformer: bool = False
    hub_endpoint: str | None = None  # None = huggingface.co (or HF_ENDPOINT)


class ModelCache:
    def __init__(self, options: ModelOptions) -> None:
        self.options = options
        self.loaded: LoadedModel | None = None
        self._key: tuple | None = None
        self._compiled = False

    def source_for(self, model_id: str, override: str | None = None) -> str | None:
        info = get_model(model_id)
        return override or self.options.model_paths.get(model_id) or info.hub_id

    def unload(self) -> None:
        if self.loaded is not None:
            self.loaded.unload()
        self.loaded, self._key, self._compiled = None, None, False
        free_memory()

    def ensure(self, model_id: str, source: str, plan: MemoryPlan, emit: Emit, *,
               want_upsampler: bool = False) -> LoadedModel:
        opts = self.options
        recipe = recipe_for(model_id)
        load_opts = (recipe.transformer_subfolder, tuple(sorted(recipe.scheduler.items()))) if recipe else None
        key = (source, opts.device, str(opts.dtype), plan.fp8, load_opts)
        loaded = self.loaded
        if loaded is not None and self._key == key:
            try:
                loaded.set_offload(plan.offload)
            except ValueError:
                loaded = None  # sequential/group offload cannot be undone in place
        else:
            loaded = None
        if loaded is None:
            self.unload()  # free the old weights before loading new ones: never two models at once
            info = get_model(model_id)
            emit(ProgressEvent(stage=Stage.LOADING, message=f"loading {info.name}"))
            extra = (recipe.transformer_subfolder,) if recipe and recipe.transformer_subfolder != "transformer" else ()
            resolved = self._resolve(source, emit, extra_folders=extra,
                                     without_weights=("transformer",) if extra else ())
            config = None
            if resolved.path.is_file():  # a single checkpoint: text encoder and configs from a diffusers folder
                check_single_file(resolved.path, info)
                ref = opts.single_file_config or single_file_config_for(info)
                if not ref:
                    raise InvalidRequest(f"{resolved.path.name} is a single-file checkpoint and {info.name} names no "
                                         "diffusers config repo for its text encoder and configs.",
                                         hint="Pass --single-file-config with a diffusers folder or hub id.")
                # The file brings the transformer: the config repo's own transformer weights are never fetched.
                config = str(self._resolve(ref, emit, without_weights=("transformer",)).path)
            upsampler = self._upsampler_source(model_id, resolved, emit) if want_upsampler else None
            loaded = load_model(model_id, resolved, family_hint=info.family, device=opts.device,
                                dtype=opts.dtype, offload=plan.offload, fp8=plan.fp8,
                                single_file_config=config, upsampler=upsampler, recipe=recipe)
            self.loaded, self._key = loaded, key
        loaded.model_id = model_id
        if want_upsampler and loaded.upsampler is None:
            upsampler = self._upsampler_source(model_id, loaded.resolved, emit)
            if upsampler is not None:
                loaded.upsampler = load_upsampler(upsampler, loaded.base, opts.dtype)
                loaded.upsampler.latent_upsampler.to(opts.device)
        if opts.compile_transformer and not self._compiled and opts.device.startswith("cuda"):
            loaded.base.transformer.compile()  # compiled lazily on the first call; modules are shared
            self._compiled = True
        set_vae_tiling(loaded.base, plan.vae_tiling)
        return loaded

    def _resolve(self, source: str, emit: Emit, **options: Any) -> ResolvedModel:
        parsed = parse_source(source)

        def downloaded(done: int, total: int | None) -> None:
            frac = done / total if total else None
            emit(ProgressEvent(stage=Stage.DOWNLOADING, fraction=frac,
                               message=f"downloading {parsed.ref}: {done / 1e9:.2f}"
                                       + (f" / {total / 1e9:.2f} GB" if total else " GB")))

        return resolve(parsed, cache_dir=self.options.cache_dir, offline=self.options.offline,
                       progress=downloaded, endpoint=self.options.hub_endpoint, **options)

    def _upsampler_source(self, model_id: str, resolved: ResolvedModel, emit: Emit) -> ResolvedModel | None:
        inside = find_upsampler(resolved)
        if inside is not None:
            return inside
        ref = self.options.upsampler_paths.get(model_id) or get_model(model_id).upsampler_hub_id
        if not ref:
            return None
        try:
            return self._resolve(ref, emit)
        except GenerationError:  # an upsampler we cannot fetch costs the high-quality pass, not the job
            return None


def model_name(model_id: str) -> str:
    try:
        return get_model(model_id).name
    except KeyError:
        return model_id


def describe_source(loaded: LoadedModel, info: ModelInfo) -> dict[str, Any]:
    return {**loaded.resolved.describe(), "name": info.name, "family": loaded.family,
            "path": str(Path(loaded.resolved.path))}


def single_file_config_for(info: ModelInfo) -> str | None:
    """The diffusers repo a single file of this model takes its text encoder and configs from."""
    if info.local is not None and info.local.config_repo:
        return info.local.config_repo
    if info.local is not None and info.local.layout == "diffusers":
        return info.local.weights.repo  # the model's own diffusers repo, minus its transformer weights
    return SINGLE_FILE_CONFIGS.get((info.family, info.params))
