"""The LoRA library: the .safetensors LoRAs in a folder (or a ComfyUI `models/loras`), each with a name, the base
model family it was trained for and its trigger words, read from the file's safetensors metadata (the JSON
header only: weights are never loaded). Qt-free, torch-free.

Trainers write different keys: kohya/sd-scripts `ss_*` (ss_output_name, ss_base_model_version,
ss_tag_frequency), the Stability "modelspec.*" keys (title, architecture, trigger_phrase), and LTX-Video
trainer / ai-toolkit / musubi `trigger_word(s)`, `base_model`, `name`. We read all of them.
"""
from __future__ import annotations

import json
import os
import struct
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_HEADER = 16 * 1024 * 1024


@dataclass(frozen=True)
class LoraInfo:
    path: str
    name: str
    family: str  # "ltx-video", "ltx-2", "unknown", or what the metadata says
    triggers: tuple[str, ...]
    size_bytes: int
    error: str = ""  # why the header could not be read (the file is listed, marked unusable)

    def as_dict(self) -> dict:
        return asdict(self)


def read_metadata(path: str | Path) -> dict[str, str]:
    """The `__metadata__` table of a safetensors header ({} when there is none)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if len(head) != 8:
            raise ValueError("too short for a safetensors file")
        (size,) = struct.unpack("<Q", head)
        if not 2 <= size <= MAX_HEADER:
            raise ValueError("bad safetensors header size")
        header = json.loads(fh.read(size))
    if not isinstance(header, dict):
        raise ValueError("the header is not a table")
    meta = header.get("__metadata__") or {}
    return {str(k): str(v) for k, v in meta.items()} if isinstance(meta, dict) else {}


def _family(meta: dict[str, str], name: str) -> str:
    text = " ".join(meta.get(k, "") for k in ("modelspec.architecture", "ss_base_model_version", "base_model",
                                               "ss_sd_model_name", "base_model_name")).lower() + " " + name.lower()
    if any(t in text for t in ("ltx-2", "ltx2", "ltx_2", "ltxv2")):
        return "ltx-2"
    if any(t in text for t in ("ltx-video", "ltxv", "ltx_video", "ltx video")):
        return "ltx-video"
    return meta.get("modelspec.architecture") or meta.get("ss_base_model_version") or "unknown"


def _triggers(meta: dict[str, str]) -> tuple[str, ...]:
    for key in ("modelspec.trigger_phrase", "trigger_phrase", "trigger_words", "trigger_word", "ss_trigger_words",
                "activation_text"):
        value = meta.get(key, "").strip()
        if value:
            try:
                parsed = json.loads(value)
                words = parsed if isinstance(parsed, list) else [parsed]
            except ValueError:
                words = value.split(",")
            return tuple(w.strip() for w in map(str, words) if w.strip())
    try:  # kohya: the most frequent caption tags are the de-facto trigger words
        freq = json.loads(meta.get("ss_tag_frequency", "{}"))
        counts: dict[str, int] = {}
        for tags in freq.values():
            for tag, n in tags.items():
                counts[tag.strip()] = counts.get(tag.strip(), 0) + int(n)
        return tuple(t for t, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:3] if t)
    except (ValueError, AttributeError, TypeError):
        return ()


def describe(path: str | Path) -> LoraInfo:
    path = Path(path)
    try:
        meta = read_metadata(path)
    except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:
        return LoraInfo(str(path), path.stem, "unknown", (), _size(path), f"unreadable header: {exc}")
    name = meta.get("modelspec.title") or meta.get("name") or meta.get("ss_output_name") or path.stem
    return LoraInfo(str(path), name, _family(meta, f"{name} {path.stem}"), _triggers(meta), _size(path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def scan(folder: str | Path) -> list[LoraInfo]:
    """LoRAs in `folder` and, for a ComfyUI tree, `models/loras` (sorted by name)."""
    root = Path(folder).expanduser()
    dirs = [root, root / "loras", root / "models" / "loras"]
    found: dict[str, LoraInfo] = {}
    for d in dirs:
        try:
            with os.scandir(d) as it:
                for entry in it:
                    if entry.name.lower().endswith(".safetensors") and entry.is_file():
                        found.setdefault(entry.path, describe(entry.path))
        except OSError:
            continue
    return sorted(found.values(), key=lambda i: i.name.lower())


__all__ = ["LoraInfo", "describe", "read_metadata", "scan"]
