"""The download child: `python -m ltx_editor.generation.model_fetch --cache-dir DIR --name NAME --source JSON...`.

For each source (model_sources.Source as JSON: a diffusers repo's pipeline folders, or one file of a repo) it
asks the Hub once for the commit and its file list (sizes, blob ids), checks the free space for what is still
missing, fetches the missing blobs with huggingface_hub's own `http_get` into resumable `blobs/<etag>.incomplete`
files, then lets `snapshot_download` / `hf_hub_download` lay out the snapshot (links only, nothing re-fetched).
It prints one JSON line per report on stdout: {"stage", "done_bytes", "total_bytes", "speed_bps", "eta_s",
"message", "hint", "path"}. The editor kills this process to pause or cancel; when the editor itself dies (its
end of our stdin closes) this process exits too, so no orphan keeps writing into a file a later download resumes.
It never imports the catalog (0.7 s): the parent passes the sources.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from .model_sources import ModelStoreError, Source, check_space, parts_of_index

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


@dataclass(frozen=True)
class Wanted:
    """One file of a source: where the cache keeps its blob, how big it is."""

    path: str
    size: int
    etag: str  # the blob's name in the cache: the LFS sha256, else the git blob id
    xet: bool


@dataclass
class Plan:
    source: Source
    commit: str
    files: list[Wanted]
    kwargs: dict


def _blobs(cache_dir: str, repo: str) -> Path:
    return Path(cache_dir) / f"models--{repo.replace('/', '--')}" / "blobs"


def plan(src: Source, cache_dir: str) -> Plan:
    """The commit and the files to have, from one revision call and one tree listing (sizes, blob ids)."""
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.hf_api import RepoFile

    api = HfApi()
    revision = src.revision or "main"
    commit = api.model_info(src.repo_id, revision=revision).sha
    tree = [f for f in api.list_repo_tree(src.repo_id, recursive=True, revision=commit) if isinstance(f, RepoFile)]
    repo_dir = _blobs(cache_dir, src.repo_id).parent
    _keep_tree(repo_dir, commit, tree)
    _keep_ref(repo_dir, revision, commit)
    if src.filename:
        chosen = [f for f in tree if f.path == src.filename]
        if not chosen:
            raise ModelStoreError(f"{src.filename} is not in {src.repo_id} on the Hub.",
                                  hint="The catalog's file name may be wrong or the file was moved; report it.")
        kwargs = {"filename": src.filename, "revision": commit, "cache_dir": cache_dir}
    else:
        index = hf_hub_download(src.repo_id, "model_index.json", revision=commit, cache_dir=cache_dir)
        allow, ignore = src.patterns(parts_of_index(Path(index)) or [])
        chosen = [f for f in tree if any(fnmatch(f.path, p) for p in allow)
                  and not any(fnmatch(f.path, p) for p in ignore)]
        kwargs = {"allow_patterns": allow, "ignore_patterns": ignore, "revision": commit, "cache_dir": cache_dir}
    files = [Wanted(f.path, f.size, f.lfs.sha256 if f.lfs is not None else f.blob_id, f.xet_hash is not None)
             for f in chosen]
    return Plan(src, commit, files, kwargs)


def _keep_tree(repo_dir: Path, commit: str, tree: list) -> None:
    """Store the listing where huggingface_hub keeps it (`trees/<commit>.json`), so the closing
    snapshot_download reads it instead of asking the Hub for the same listing again, and the model store's scan
    knows the file list while the download runs."""
    try:
        from huggingface_hub._tree_cache import TreeCacheEntry, write_tree_cache
    except ImportError:  # an older/newer huggingface_hub: snapshot_download lists the tree itself (slower)
        return
    write_tree_cache(str(repo_dir), commit, {
        f.path: TreeCacheEntry(size=f.size, blob_id=f.blob_id, lfs_sha256=f.lfs.sha256 if f.lfs else None,
                               lfs_size=f.lfs.size if f.lfs else None, xet_hash=f.xet_hash) for f in tree})


def _keep_ref(repo_dir: Path, revision: str, commit: str) -> None:
    """`refs/<revision>` -> commit, as snapshot_download writes it for a branch: every call here passes the commit
    itself (so a branch moving mid-download cannot mix two commits), and without the ref an offline
    `from_pretrained(repo)` could not find the snapshot."""
    if revision == commit:
        return
    ref = repo_dir / "refs" / revision
    ref.parent.mkdir(parents=True, exist_ok=True)
    tmp = ref.with_name(f".{ref.name}.{os.getpid()}.tmp")
    tmp.write_text(commit, encoding="utf-8")
    os.replace(tmp, ref)


def prefetch(p: Plan, cache_dir: str, tqdm_class: type, workers: int = 8) -> None:
    """Fetch each missing blob into `blobs/<etag>.incomplete`, resuming what an earlier process left there.

    huggingface_hub >= 2 downloads into a process-unique temporary file and deletes it on failure (its PR
    #4228), so a killed or paused download would start over. Here its own `http_get` (Range resume, retries)
    writes to a stable name instead, then the blob is renamed to `blobs/<etag>`, where hf_hub_download finds
    it and only links the snapshot. Xet-backed files are left to hf_xet, which keeps its own chunk cache."""
    from concurrent.futures import ThreadPoolExecutor

    from huggingface_hub import hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import WeakFileLock, build_hf_headers

    blobs = _blobs(cache_dir, p.source.repo_id)
    locks = Path(cache_dir) / ".locks" / blobs.parent.name
    headers = build_hf_headers()
    xet = _xet_available()

    def one(f: Wanted) -> None:
        blob = blobs / f.etag
        if f.xet and xet:
            return
        if not blob.exists():
            blobs.mkdir(parents=True, exist_ok=True)
            locks.mkdir(parents=True, exist_ok=True)
            # huggingface_hub's own per-blob lock: another writer of this cache (diffusers, `hf download`, a
            # second download of ours) finishes the blob first, and this one then finds it instead of appending
            # to the same .incomplete file. A killed holder's lock goes with it.
            with WeakFileLock(locks / f"{f.etag}.lock"):
                if not blob.exists():
                    part = blobs / f"{f.etag}.incomplete"
                    with open(part, "ab") as fh:
                        http_get(hf_hub_url(p.source.repo_id, f.path, revision=p.commit), fh,
                                 resume_size=fh.tell(), headers=headers, expected_size=f.size,
                                 tqdm_class=tqdm_class, displayed_filename=f.path)
                    if part.stat().st_size != f.size:
                        raise OSError(f"{f.path} arrived with {part.stat().st_size} of {f.size} bytes")
                    os.replace(part, blob)
        _link(blob, blobs.parent / "snapshots" / p.commit / f.path)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, f) for f in p.files]:
            future.result()


def _link(blob: Path, pointer: Path) -> None:
    """The snapshot entry for a blob, made by huggingface_hub's own helper (relative symlink, or a copy where
    symlinks are not allowed), so the final snapshot_download finds it and sends no HEAD per file."""
    if pointer.exists():
        return
    try:
        from huggingface_hub.file_download import _create_symlink
    except ImportError:  # a future huggingface_hub without it: the final snapshot_download links (slower)
        return
    pointer.parent.mkdir(parents=True, exist_ok=True)
    _create_symlink(str(blob), str(pointer), new_blob=False)


def _xet_available() -> bool:
    try:
        from huggingface_hub.utils import is_xet_available
    except ImportError:
        return False
    return bool(is_xet_available())


def _have(p: Plan, cache_dir: str) -> tuple[int, int]:
    """(bytes already complete, bytes in resumable .incomplete files) for a plan."""
    blobs = _blobs(cache_dir, p.source.repo_id)
    done = sum(f.size for f in p.files if (blobs / f.etag).exists())
    partial = sum((blobs / f"{f.etag}.incomplete").stat().st_size for f in p.files
                  if (blobs / f"{f.etag}.incomplete").exists())
    return done, partial


def fetch(sources: list[Source], cache_dir: str, name: str) -> list[str]:
    from huggingface_hub import hf_hub_download, snapshot_download

    emit("planning", message=f"Asking the Hub what {name} needs…")
    plans = [plan(src, cache_dir) for src in sources]
    total = sum(f.size for p in plans for f in p.files)
    have = [_have(p, cache_dir) for p in plans]
    already, resumable = sum(h[0] for h in have), sum(h[1] for h in have)
    check_space(Path(cache_dir), max(0, total - already - resumable), name)
    emit("planning", total_bytes=total, done_bytes=already, message=f"{total / 1e9:.2f} GB in all")
    meter = Meter(total, already)
    for p in plans:
        prefetch(p, cache_dir, tqdm_for(meter))
    paths = []  # every blob is in place: huggingface_hub links the snapshot and records the tree
    for p in plans:
        if p.source.filename:
            paths.append(hf_hub_download(p.source.repo_id, tqdm_class=tqdm_for(meter), **p.kwargs))
        else:
            paths.append(snapshot_download(p.source.repo_id, tqdm_class=tqdm_for(meter), **p.kwargs))
    emit("done", done_bytes=total, total_bytes=total, path=str(paths[0]) if paths else "",
         message=f"{name} is downloaded.")
    return paths


def _exit_with_parent() -> None:
    """Exit when stdin reaches its end: the editor holds the other end of that pipe, and the system closes it
    when the editor exits or is killed (any platform; a pause or cancel kills this process directly)."""
    if sys.stdin is None:
        return

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except (OSError, ValueError):
            pass
        os._exit(4)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="model_fetch")
    p.add_argument("--cache-dir", required=True)
    p.add_argument("--name", default="the model")
    p.add_argument("--source", action="append", default=[], help="a model_sources.Source as JSON (repeatable)")
    p.add_argument("--exit-with-parent", action="store_true", help="exit when stdin ends (the editor's pipe)")
    args = p.parse_args(argv)
    if args.exit_with_parent:
        _exit_with_parent()
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    name = args.name
    try:
        fetch([Source.from_json(s) for s in args.source], args.cache_dir, name)
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
