"""LoRAs: safetensors only, several at once with scales, each file's sha256 recorded in the recipe.

Pickle formats (.bin/.pt/.ckpt/.pth) are refused: unpickling runs arbitrary code from the file. We also
read the safetensors header ourselves, so a pickle renamed to .safetensors is refused too, and hand
diffusers a state dict rather than a path so it never chooses a file format on its own.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from ltx_editor.core.safe_files import open_regular
from ltx_editor.core.settings import LoraSpec

from .errors import InvalidRequest
from .hashing import file_sha256

PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"})
_PICKLE_HINT = "Use the .safetensors version of this LoRA (most LoRA pages offer one), or convert it once."
_MAX_HEADER = 100 * 1024 * 1024


def check_lora_file(path: str | Path) -> Path:
    """The path when it is a readable safetensors file; InvalidRequest with the reason otherwise."""
    path = Path(path).expanduser()
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise InvalidRequest(f"{path.name} is a pickle file: pickles can run code on your computer when loaded, "
                             "so LTX Editor only loads LoRAs in .safetensors format.", hint=_PICKLE_HINT)
    if not path.exists():
        raise InvalidRequest(f"The LoRA {path} does not exist.", hint="Pick the LoRA file again.")
    if path.suffix.lower() != ".safetensors":
        raise InvalidRequest(f"{path.name} is not a .safetensors LoRA.", hint=_PICKLE_HINT)
    try:
        with open_regular(path, what="LoRA", error=InvalidRequest) as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            if not 2 <= size <= min(_MAX_HEADER, path.stat().st_size - 8):
                raise ValueError("bad header size")
            header = json.loads(fh.read(size))
        if not isinstance(header, dict):
            raise ValueError("header is not a table")
    except (OSError, ValueError, struct.error, UnicodeDecodeError):
        raise InvalidRequest(f"{path.name} is not a valid safetensors file (it may be a renamed pickle).",
                             hint=_PICKLE_HINT) from None
    return path


def adapter_name(spec: LoraSpec) -> str:
    """Named by content, so the same weights are never loaded twice and a changed file is a new adapter."""
    return f"lora_{spec.sha256[:16]}" if spec.sha256 else f"lora_{Path(spec.path).stem}"


def resolve_loras(specs: list[LoraSpec]) -> list[LoraSpec]:
    """Check every file and fill in its sha256. A recorded hash that no longer matches is refused, so a
    regenerated clip can never silently use different weights."""
    out: list[LoraSpec] = []
    for spec in specs:
        path = check_lora_file(spec.path)
        digest = file_sha256(path)
        if spec.sha256 and spec.sha256 != digest:
            raise InvalidRequest(f"The LoRA {path.name} changed since this recipe was written.",
                                 hint="Restore the original file to reproduce the clip.")
        out.append(spec.model_copy(update={"sha256": digest, "path": str(path),
                                           "name": spec.name or path.stem}))
    names = [adapter_name(s) for s in out]
    if len(set(names)) != len(names):
        raise InvalidRequest("The same LoRA is listed twice.", hint="Remove the duplicate and adjust its scale.")
    return out


def _loaded_adapters(pipe: Any) -> set[str]:
    try:
        return {name for names in pipe.get_list_adapters().values() for name in names}
    except (AttributeError, ValueError):
        return set()


def apply_loras(pipe: Any, specs: list[LoraSpec]) -> None:
    """Make exactly `specs` active on `pipe` (resolved specs: sha256 set): load the new ones, drop stale ones,
    set the scales. The adapters sit on the shared transformer, so every from_pipe sibling sees them."""
    from safetensors.torch import load_file

    loaded = _loaded_adapters(pipe)
    wanted = [adapter_name(s) for s in specs]
    stale = sorted(loaded - set(wanted))
    if stale:
        pipe.delete_adapters(stale)
    for spec, name in zip(specs, wanted, strict=True):
        if name in loaded:
            continue
        try:
            pipe.load_lora_weights(load_file(spec.path), adapter_name=name)
        except (ValueError, RuntimeError, KeyError) as exc:
            raise InvalidRequest(f"The LoRA {Path(spec.path).name} does not fit this model: {exc}"[:400],
                                 hint="Use a LoRA trained for the selected model family.") from None
    if wanted:
        pipe.set_adapters(wanted, adapter_weights=[s.scale for s in specs])


def unload_loras(pipe: Any) -> None:
    if _loaded_adapters(pipe):
        pipe.unload_lora_weights()
