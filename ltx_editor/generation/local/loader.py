"""Load one model's weights once and derive every mode's pipeline from them with `from_pipe`.

The text-to-video pipeline is loaded from disk; image-to-video and the condition pipeline (keyframes,
extension, video-to-video) are built with `from_pipe`, so they hold the very same module objects: switching
modes costs nothing and never loads weights twice.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from struct import error as struct_error
from typing import Any

from ..errors import BackendUnavailable, InvalidRequest
from .memory import apply_offload, enable_fp8_storage, free_memory
from .source import ResolvedModel

PIPELINES = {
    "ltx-video": {"t2v": "LTXPipeline", "i2v": "LTXImageToVideoPipeline", "cond": "LTXConditionPipeline"},
    "ltx-2": {"t2v": "LTX2Pipeline", "i2v": "LTX2ImageToVideoPipeline", "cond": "LTX2ConditionPipeline"},
}
UPSAMPLER_FOLDER = "latent_upsampler"
_TRANSFORMERS = {"ltx-video": "LTXVideoTransformer3DModel", "ltx-2": "LTX2VideoTransformer3DModel"}
# Header keys that tell the two families apart in a single file (diffusers single_file_utils CHECKPOINT_KEY_NAMES:
# LTX-2 checkpoints carry audio-video cross-attention and an audio VAE; LTX-Video ones do not).
_LTX2_KEY_MARKS = ("av_ca_a2v_gate_adaln_single", "audio_vae.", "audio_attn1")


def single_file_family(path: Path) -> str | None:
    """'ltx-2' / 'ltx-video' from a .safetensors header (reads only the JSON header); None if not LTX."""
    import struct

    with open(path, "rb") as fh:
        size = struct.unpack("<Q", fh.read(8))[0]
        if size > 200_000_000:
            raise InvalidRequest(f"{path.name} is not a valid .safetensors file (header of {size} bytes).")
        header = json.loads(fh.read(size))
    keys = [k for k in header if k != "__metadata__"]
    if any(mark in k for k in keys for mark in _LTX2_KEY_MARKS):
        return "ltx-2"
    if any(("patchify_proj" in k or "scale_shift_table" in k or k.startswith("vae.")) for k in keys):
        return "ltx-video"
    return None


def check_single_file(path: Path, info: Any) -> None:
    """Refuse a single file of the wrong family before loading gigabytes (and before fetching a config repo)."""
    try:
        family = single_file_family(path)
    except (OSError, ValueError, struct_error) as exc:
        raise InvalidRequest(f"Cannot read {path.name} as a .safetensors checkpoint: {exc}") from None
    names = {"ltx-2": "an LTX-2", "ltx-video": "an LTX-Video"}
    if family is None:
        raise InvalidRequest(f"{path.name} is not an LTX checkpoint (no LTX-Video or LTX-2 weights inside).",
                             hint="Pick a Lightricks .safetensors file, or a diffusers model folder.")
    if family != info.family:
        raise InvalidRequest(f"{path.name} is {names[family]} checkpoint, but {info.name} is "
                             f"{names[info.family]} model.",
                             hint=f"Pick an {'LTX-2' if family == 'ltx-2' else 'LTX-Video'} model for this file.")


def detect_family(resolved: ResolvedModel, hint: str) -> str:
    """'ltx-2' or 'ltx-video' from the folder's model_index.json; the catalog's family for single files."""
    index = resolved.path / "model_index.json" if resolved.path.is_dir() else None
    if index is not None and index.is_file():
        name = json.loads(index.read_text()).get("_class_name", "")
        if name.startswith("LTX2"):
            return "ltx-2"
        if name.startswith("LTX"):
            return "ltx-video"
        raise InvalidRequest(f"{resolved.path.name} holds a {name or 'unknown'} pipeline, not an LTX model.")
    return hint


@dataclass
class LoadedModel:
    model_id: str
    family: str
    resolved: ResolvedModel
    device: str
    dtype: Any
    pipes: dict[str, Any]
    upsampler: Any | None = None  # LTXLatentUpsamplePipeline sharing the VAE, when the model has one
    fp8: bool = False
    offload: str = "none"
    _offload_owner: str | None = field(default=None, repr=False)

    @property
    def base(self) -> Any:
        return self.pipes["t2v"]

    def pipe(self, name: str) -> Any:
        """The pipeline for `name`, with the offload hooks installed on it (hooks live on the shared modules
        but the bookkeeping that frees them after a call lives on the pipeline that installed them)."""
        pipe = self.pipes[name]
        if self.offload in ("model", "sequential") and self._offload_owner != name:
            apply_offload(pipe, self.offload, self.device)
            self._offload_owner = name
        return pipe

    def set_offload(self, mode: str) -> None:
        """Change offload in place. Leaving sequential/group offload needs a reload (weights sit on 'meta')."""
        if mode == self.offload:
            return
        if self.offload in ("sequential", "group"):
            raise ValueError("reload needed to leave sequential/group offload")
        if self.offload == "model":
            for pipe in self.pipes.values():
                pipe.remove_all_hooks()
        self.offload = mode
        self._offload_owner = None
        if mode in ("none", "group"):
            apply_offload(self.base, mode, self.device)
        free_memory()

    def unload(self) -> None:
        for pipe in self.pipes.values():
            if hasattr(pipe, "remove_all_hooks"):
                pipe.remove_all_hooks()
        self.pipes.clear()
        self.upsampler = None
        free_memory()


def _diffusers_class(name: str) -> Any:
    import diffusers

    return getattr(diffusers, name)


def load_model(model_id: str, resolved: ResolvedModel, *, family_hint: str, device: str, dtype: Any,
               offload: str = "none", fp8: bool = False, single_file_config: str | None = None,
               upsampler: ResolvedModel | None = None, recipe: Any | None = None) -> LoadedModel:
    """Load the weights once, derive the other modes' pipelines, then place them per the memory options.

    recipe (core.recipes.Recipe): its transformer subfolder (LTX-2.5's transformer_full/) and scheduler config
    overrides (fixed sigmas for distilled LTX-2.x, dynamic shifting for the 2.5 SFT DiT) are applied at load."""
    family = detect_family(resolved, family_hint)
    names = PIPELINES[family]
    base_cls = _diffusers_class(names["t2v"])
    _quiet_loading()
    subfolder = recipe.transformer_subfolder if recipe is not None else "transformer"
    try:
        if resolved.path.is_dir() and subfolder != "transformer" and (resolved.path / subfolder).is_dir():
            transformer_cls = _diffusers_class(_TRANSFORMERS[family])
            transformer = transformer_cls.from_pretrained(resolved.path, subfolder=subfolder, dtype=dtype)
            base = base_cls.from_pretrained(resolved.path, transformer=transformer, dtype=dtype)
        elif resolved.path.is_dir():
            base = base_cls.from_pretrained(resolved.path, dtype=dtype)
        else:
            if single_file_config is None:
                raise ValueError("no diffusers config folder for this checkpoint")
            base = _load_single_file(base_cls, family, resolved.path, single_file_config, dtype)
    except (OSError, ValueError, KeyError) as exc:
        hint = ("A single-file checkpoint needs the model's diffusers folder (text encoder, tokenizer, "
                "configs) too." if resolved.path.is_file() else "Is this a diffusers LTX folder?")
        raise BackendUnavailable(f"Could not load {resolved.path.name}: {exc}", hint=hint) from None
    base.set_progress_bar_config(disable=True)
    if recipe is not None and recipe.scheduler:  # before from_pipe: every mode's pipeline shares this scheduler
        base.scheduler = type(base.scheduler).from_config(base.scheduler.config, **recipe.scheduler)
    pipes = {"t2v": base}
    for key in ("i2v", "cond"):
        # dtype passed explicitly: from_pipe otherwise casts the shared modules to float32.
        with _diffusers_log_level(40):  # from_pipe's cast warns about fp32 modules none of these have
            pipes[key] = _diffusers_class(names[key]).from_pipe(base, dtype=dtype)
        pipes[key].set_progress_bar_config(disable=True)
    loaded = LoadedModel(model_id=model_id, family=family, resolved=resolved, device=device, dtype=dtype,
                         pipes=pipes)
    if upsampler is not None:
        loaded.upsampler = load_upsampler(upsampler, base, dtype)
    if fp8:
        enable_fp8_storage(base.transformer)
        loaded.fp8 = True
    if offload in ("none", "group"):
        apply_offload(base, offload, device)
    if loaded.upsampler is not None:
        # Small, and used between two transformer passes: it stays on the device whatever the offload mode.
        loaded.upsampler.latent_upsampler.to(device)
    loaded.offload = offload
    return loaded


def find_upsampler(resolved: ResolvedModel) -> ResolvedModel | None:
    """A latent upsampler shipped inside the model folder (`latent_upsampler/`), if any."""
    folder = resolved.path / UPSAMPLER_FOLDER if resolved.path.is_dir() else None
    if folder is not None and (folder / "config.json").is_file():
        return ResolvedModel(resolved.source, folder, resolved.revision)
    return None


def load_upsampler(resolved: ResolvedModel, base: Any, dtype: Any) -> Any:
    """The 2x spatial latent upsampler as an upsample pipeline sharing the base model's VAE (either family)."""
    folder = resolved.path
    if not (folder / "config.json").is_file() and (folder / UPSAMPLER_FOLDER / "config.json").is_file():
        folder = folder / UPSAMPLER_FOLDER  # a hub upsampler repo in pipeline layout
    if type(base).__name__.startswith("LTX2"):
        from diffusers.pipelines.ltx2 import LTX2LatentUpsamplePipeline
        from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel

        model_cls, pipe_cls = LTX2LatentUpsamplerModel, LTX2LatentUpsamplePipeline
    else:
        from diffusers import LTXLatentUpsamplePipeline
        from diffusers.pipelines.ltx.modeling_latent_upsampler import LTXLatentUpsamplerModel

        model_cls, pipe_cls = LTXLatentUpsamplerModel, LTXLatentUpsamplePipeline
    model = model_cls.from_pretrained(Path(folder), dtype=dtype)
    pipe = pipe_cls(vae=base.vae, latent_upsampler=model)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _load_single_file(base_cls: Any, family: str, path: Path, config: str, dtype: Any) -> Any:
    """Transformer (and the VAE when the file holds one) from the checkpoint; the rest from `config`.

    Release checkpoints carry transformer + VAE but never the text encoder, which comes from the config folder.
    """
    import diffusers

    transformer_cls, vae_cls = {
        "ltx-video": (diffusers.LTXVideoTransformer3DModel, diffusers.AutoencoderKLLTXVideo),
        "ltx-2": (diffusers.LTX2VideoTransformer3DModel, diffusers.AutoencoderKLLTX2Video),
    }[family]
    parts = {"transformer": transformer_cls.from_single_file(str(path), config=config, subfolder="transformer",
                                                             torch_dtype=dtype)}
    # A transformer-only checkpoint has no VAE keys: the config folder's VAE is used then.
    with suppress(KeyError, ValueError, NotImplementedError, RuntimeError):
        parts["vae"] = vae_cls.from_single_file(str(path), config=config, subfolder="vae", torch_dtype=dtype)
    return base_cls.from_pretrained(config, dtype=dtype, **parts)


def _quiet_loading() -> None:
    """No tqdm bars on stderr while loading: progress reaches people through our own events."""
    import diffusers
    import transformers

    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()


@contextmanager
def _diffusers_log_level(level: int) -> Iterator[None]:
    from diffusers.utils import logging as dlog

    old = dlog.get_verbosity()
    dlog.set_verbosity(level)
    try:
        yield
    finally:
        dlog.set_verbosity(old)
