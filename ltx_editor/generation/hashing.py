"""Content hashes for the recipe: a sidecar names the exact LoRA weights and condition files it used."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ltx_editor.core.safe_files import open_regular

from .errors import InvalidRequest


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open_regular(path, what="file", error=InvalidRequest) as fh:  # a FIFO would block the hash forever
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
