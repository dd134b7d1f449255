"""The download child: `python -m ltx_editor.generation.model_fetch MODEL_ID --cache-dir DIR`.

Runs huggingface_hub for each of the catalog model's sources (snapshot_download for a diffusers repo's pipeline
folders, hf_hub_download for a single-file checkpoint)
and prints one JSON line per report on stdout: {"stage", "done_bytes", "total_bytes", "speed_bps", "eta_s",
"message", "hint", "path"}. The editor kills this process to pause or cancel; huggingface_hub resumes from the
`.incomplete` files it leaves. Before the first byte it checks the free space for what is still missing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import deque
from pathlib import Path

from ltx_editor.core.catalog import CATALOG

from .model_store import ModelStore, ModelStoreError, Source, _parts, sources_of

REPORT_EVERY_S = 0.2
SPEED_WINDOW_S = 3.0


def emit(stage: str, **fields: object) -> None:
    print(json.dumps({"stage": stage, **fields}), flush=True)


class Meter:
    """Bytes done (cached files + what huggingface_hub has written), speed over the last few seconds, ETA."""

    def __init__(self, total: int, already: int) -> None:
        self.total, self.already = total, already
        self.written = 0
        self._lock = threading.Lock()
        self._samples: deque[tuple[float, int]] = deque()
        self._last = 0.0

    def add(self, n: int) -> None:
        with self._lock:
            self.written += n
            now = time.monotonic()
            if now - self._last < REPORT_EVERY_S:
                return
            self._last = now
            done = min(self.total, self.already + self.written)
            self._samples.append((now, done))
            while self._samples and now - self._samples[0][0] > SPEED_WINDOW_S:
                self._samples.popleft()
            t0, d0 = self._samples[0]
            speed = (done - d0) / (now - t0) if now > t0 else 0.0
            eta = (self.total - done) / speed if speed > 0 else None
        emit("downloading", done_bytes=done, total_bytes=self.total, speed_bps=round(speed), eta_s=eta)


def tqdm_for(meter: Meter) -> type:
    """A tqdm class that feeds the meter from huggingface_hub's byte bars (never drawing anything)."""
    from tqdm.std import tqdm

    class _Null:
        def write(self, _s: str) -> None:
            pass

        def flush(self) -> None:
            pass

    class _Bytes(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs.pop("name", None)
            super().__init__(*args, **{**kwargs, "file": _Null(), "disable": False})
            # Written bytes only: not the file counter, not snapshot_download's separate "transfer" bar.
            self._counts = self.unit == "B" and not str(self.desc).startswith("Downloading bytes")
            if self._counts and kwargs.get("initial"):
                meter.add(int(kwargs["initial"]))  # resumed from an .incomplete file

        def update(self, n=1):
            if self._counts and n:
                meter.add(int(n))
            return super().update(n)

    return _Bytes


def _incomplete_bytes(cache_dir: str, repo: str) -> int:
    blobs = Path(cache_dir) / f"models--{repo.replace('/', '--')}" / "blobs"
    return sum(p.stat().st_size for p in blobs.glob("*.incomplete"))


def _plan(src: Source, cache_dir: str) -> tuple[list, dict]:
    """(huggingface_hub's dry-run file list, the keyword arguments of the real download) for one source."""
    from huggingface_hub import hf_hub_download, snapshot_download

    common = {"revision": src.revision, "cache_dir": cache_dir}
    if src.filename:
        return [hf_hub_download(src.repo_id, src.filename, dry_run=True, **common)], \
            {"filename": src.filename, **common}
    index = hf_hub_download(src.repo_id, "model_index.json", **common)
    allow, ignore = src.patterns(_parts(Path(index)) or [])
    kwargs = {"allow_patterns": allow, "ignore_patterns": ignore, **common}
    return snapshot_download(src.repo_id, dry_run=True, **kwargs), kwargs


def prefetch(repo_id: str, files: list, cache_dir: str, tqdm_class: type, workers: int = 8) -> None:
    """Fetch each missing blob into `blobs/<etag>.incomplete`, resuming what an earlier process left there.

    huggingface_hub >= 2 downloads into a process-unique temporary file and deletes it on failure (its PR
    #4228), so a killed or paused download would start over. Here its own `http_get` (Range resume, retries)
    writes to a stable name instead, then the blob is renamed to `blobs/<etag>`, where hf_hub_download finds
    it and only links the snapshot. Xet-backed files are left to hf_xet, which keeps its own chunk cache."""
    from concurrent.futures import ThreadPoolExecutor

    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    blobs = Path(cache_dir) / f"models--{repo_id.replace('/', '--')}" / "blobs"
    headers = build_hf_headers()

    def one(info) -> None:
        meta = get_hf_file_metadata(hf_hub_url(repo_id, info.filename, revision=info.commit_hash))
        if meta.xet_file_data is not None and _xet_available() or not meta.etag:
            return
        blob = blobs / meta.etag
        if blob.exists():
            return
        blobs.mkdir(parents=True, exist_ok=True)
        part = blobs / f"{meta.etag}.incomplete"
        with open(part, "ab") as fh:
            http_get(meta.location, fh, resume_size=fh.tell(), headers=headers, expected_size=meta.size,
                     tqdm_class=tqdm_class, displayed_filename=info.filename)
        if meta.size is not None and part.stat().st_size != meta.size:
            raise OSError(f"{info.filename} arrived with {part.stat().st_size} of {meta.size} bytes")
        os.replace(part, blob)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, f) for f in files]:
            future.result()


def _xet_available() -> bool:
    try:
        from huggingface_hub.utils import is_xet_available
    except ImportError:
        return False
    return bool(is_xet_available())


def fetch(model_id: str, cache_dir: str, skip_files: tuple[str, ...] = ()) -> list[str]:
    from huggingface_hub import hf_hub_download, snapshot_download

    info = CATALOG[model_id]
    sources = [s for s in sources_of(info) if not (s.filename and s.filename in skip_files)]
    if not sources_of(info):
        raise ModelStoreError(f"{info.name} runs only in the cloud; there is nothing to download.")
    emit("planning", message=f"Asking the Hub what {info.name} needs…")
    plans = [(src, *_plan(src, cache_dir)) for src in sources]
    total = sum(f.file_size for _, plan, _ in plans for f in plan)
    already = sum(f.file_size for _, plan, _ in plans for f in plan if not f.will_download)
    resumable = sum(_incomplete_bytes(cache_dir, r) for r in {src.repo_id for src in sources})
    ModelStore(cache_dir, journal=os.devnull).check_space(max(0, total - already - resumable), info.name)
    emit("planning", total_bytes=total, done_bytes=already, message=f"{total / 1e9:.2f} GB in all")
    meter = Meter(total, already)
    for src, plan, _ in plans:
        prefetch(src.repo_id, [f for f in plan if f.will_download], cache_dir, tqdm_for(meter))
    paths = []  # every blob is in place now: huggingface_hub only links the snapshot and records the tree
    for src, _, kwargs in plans:
        if src.filename:
            paths.append(hf_hub_download(src.repo_id, tqdm_class=tqdm_for(meter), **kwargs))
        else:
            paths.append(snapshot_download(src.repo_id, tqdm_class=tqdm_for(meter), **kwargs))
    emit("done", done_bytes=total, total_bytes=total, path=str(paths[0]) if paths else "",
         message=f"{info.name} is downloaded.")
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="model_fetch")
    p.add_argument("model_id")
    p.add_argument("--cache-dir", required=True)
    p.add_argument("--skip-file", action="append", default=[], help="a single file already found in place")
    args = p.parse_args(argv)
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    name = CATALOG[args.model_id].name if args.model_id in CATALOG else args.model_id
    try:
        fetch(args.model_id, args.cache_dir, tuple(args.skip_file))
    except ModelStoreError as exc:
        emit("failed", message=exc.message, hint=exc.hint)
        return 3
    except GatedRepoError:
        emit("failed", message=f"{name} is gated on the Hugging Face Hub.",
             hint="Accept its license on huggingface.co and log in with `hf auth login`.")
    except (RepositoryNotFoundError, RevisionNotFoundError) as exc:
        emit("failed", message=f"{name} was not found on the Hub ({type(exc).__name__}).",
             hint="The catalog's hub id may be wrong or the repo was moved; report it.")
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        emit("failed", message=f"Downloading {name} failed: {first[:300]}",
             hint="Check the connection and resume: finished files are kept, partial ones continue.")
    else:
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
