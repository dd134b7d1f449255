"""What one download fetches, as plain data the download child can read without the catalog (which costs
~0.7 s to import): a repo's pipeline folders or one file, the patterns huggingface_hub gets, the disk check.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from ltx_editor.core.errors import LtxEditorError

from . import hardware

GIB = 1024**3
DISK_MARGIN_BYTES = 512 * 1024**2  # leave room for the OS and the editor's own renders
# What a diffusers download skips: pickles can run code when loaded; flax/onnx/gguf are useless to diffusers.
IGNORE_PATTERNS = ["*.bin", "*.pt", "*.pth", "*.ckpt", "*.msgpack", "*.h5", "*.onnx", "*.onnx_data", "*.gguf"]


class ModelStoreError(LtxEditorError):
    """A model could not be downloaded, found or removed; the message names the model and the folder."""


class DiskSpaceError(ModelStoreError):
    """Not enough free space for a download (checked before any byte is written)."""


@dataclass(frozen=True)
class Source:
    """One thing to fetch from the Hub: a diffusers repo's pipeline folders, or one file in a repo.

    `skip_weights` names pipeline parts whose weights are not wanted (a single-file checkpoint's config repo:
    its transformer comes from the file, so only `transformer/config.json` is fetched from the repo)."""

    repo_id: str
    revision: str | None = None
    filename: str | None = None  # a single-file checkpoint in the repo; None = the diffusers folders
    skip_weights: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.repo_id}/{self.filename}" if self.filename else self.repo_id

    def patterns(self, parts: Iterable[str]) -> tuple[list[str], list[str]]:
        """(allow, ignore) patterns for snapshot_download, given model_index.json's parts."""
        allow = ["model_index.json"]
        for part in parts:
            allow += [f"{part}/*.json", f"{part}/*.txt", f"{part}/*.model"] if part in self.skip_weights \
                else [f"{part}/*"]
        return allow, IGNORE_PATTERNS

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Source:
        data = json.loads(text)
        return cls(data["repo_id"], data.get("revision"), data.get("filename"), tuple(data.get("skip_weights", ())))


def parts_of_index(index: Path) -> list[str] | None:
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return [k for k, v in data.items() if not k.startswith("_") and isinstance(v, list) and v and v[0] is not None]


def check_space(models_dir: Path, needed_bytes: int, name: str) -> None:
    """DiskSpaceError (before any byte is written) when `needed_bytes` would not fit in the models folder."""
    free = hardware.disk_free(models_dir)
    if needed_bytes + DISK_MARGIN_BYTES > free:
        raise DiskSpaceError(
            f"{name} needs {needed_bytes / GIB:.1f} GB more, but {hardware.existing_parent(models_dir)} "
            f"has {free / GIB:.1f} GB free.",
            hint="Free some space, or choose another models folder in Preferences.")


__all__ = ["DISK_MARGIN_BYTES", "IGNORE_PATTERNS", "DiskSpaceError", "ModelStoreError", "Source", "check_space",
           "parts_of_index"]
