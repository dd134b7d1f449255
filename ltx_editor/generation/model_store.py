"""The models on this machine: which catalog models are downloaded, partly downloaded or absent, where, how
big, whether they fit this GPU; downloading (in a child process, through huggingface_hub), pausing, resuming,
cancelling and deleting them. No Qt, no torch.

Where models are found, and used in place:
- the models folder: a Hugging Face cache (`models--org--name/{blobs,snapshots,refs,trees}`), by default the
  shared one (`~/.cache/huggingface/hub`), so models fetched by diffusers, ComfyUI-Manager or `hf download`
  count as downloaded;
- other folders (Preferences): a ComfyUI `models/` tree (checkpoints/, diffusion_models/, ...) or any folder of
  loose `.safetensors` files; a catalog model whose single file is found there is "downloaded" there.

Downloads run `huggingface_hub.snapshot_download` (resume from `.incomplete` files, hf_transfer/xet when
installed) in a child process (`python -m ltx_editor.generation.model_fetch`), so pause, cancel and quit are
immediate (the child is killed; huggingface_hub resumes from what it wrote) and a stall never blocks the editor.
A journal in the config folder remembers interrupted downloads so they can be resumed after a restart.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ltx_editor.core.catalog import CATALOG, ModelInfo

from . import hardware
from .model_sources import (
    DISK_MARGIN_BYTES,
    IGNORE_PATTERNS,
    DiskSpaceError,
    ModelStoreError,
    Source,
    check_space,
)
from .model_sources import parts_of_index as _parts

State = Literal["absent", "partial", "downloaded", "in_use"]
GIB = 1024**3
COMFY_DIRS = ("checkpoints", "diffusion_models", "unet", "text_encoders", "clip", "vae", "loras",
              "upscale_models", "latent_upscale_models")
WEIGHT_SUFFIXES = (".safetensors", ".sft")


# -- what the catalog asks for -------------------------------------------------------------------------------
def sources_of(info: ModelInfo) -> list[Source]:
    """What the local backend needs for `info`, from the catalog's local registry (`info.local`); a plain
    `hub_id` repo when the catalog has no registry entry. Empty for cloud-only models."""
    local = getattr(info, "local", None)
    if local is not None:
        w = local.weights
        revision = None if w.revision in (None, "main") else w.revision
        if w.file:
            out = [Source(w.repo, revision, w.file)]
            if getattr(local, "config_repo", None):
                out.append(Source(local.config_repo, skip_weights=("transformer",)))
            return out
        return [Source(w.repo, revision)]
    repo = getattr(info, "hub_id", None)
    return [Source(repo)] if repo else []


def source_of(info: ModelInfo) -> Source | None:
    """The model's main source (its weights), or None for cloud-only models."""
    sources = sources_of(info)
    return sources[0] if sources else None


def local_models() -> list[ModelInfo]:
    return [m for m in CATALOG.values() if sources_of(m)]


def vram_need_gb(info: ModelInfo, precision: str = "bf16") -> float:
    """VRAM the local backend needs at `precision` (the registry's per-precision estimate when it has one)."""
    local = getattr(info, "local", None)
    if local is not None and hasattr(local, "vram_gb"):
        if getattr(local, "stored_precision", "bf16") == "fp8":
            precision = "fp8"  # an fp8 file cannot run wider than it is stored
        return float(local.vram_gb(precision))
    base = float(getattr(info, "vram_gb", 0.0) or 0.0)
    return base * 0.6 if precision == "fp8" else base


def download_size_bytes(info: ModelInfo) -> int | None:
    """The download's size when the registry records it (else the Hub tells us when planning)."""
    local = getattr(info, "local", None)
    if local is None:
        return None
    gb = getattr(local, "disk_gb", None)
    if not gb and getattr(local, "params_b", None):  # no published size: bf16 weights + text encoder + VAE
        gb = local.params_b * 2 + getattr(local, "text_encoder_gb", 0.0) + 0.5
    return int(gb * 1e9) if gb else None


# -- what is on disk -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """What one source has on disk."""

    path: str  # snapshot folder or file
    size_bytes: int
    where: Literal["cache", "comfyui", "folder"]
    partial_bytes: int = 0  # bytes of unfinished files (.incomplete)
    complete: bool = True


@dataclass(frozen=True)
class CachedRepo:
    """A repo in a Hugging Face cache folder, as huggingface_hub laid it out."""

    repo_dir: Path
    commit: str
    done_bytes: int
    partial_bytes: int

    @property
    def snapshot(self) -> Path:
        return self.repo_dir / "snapshots" / self.commit

    def tree(self) -> dict[str, dict] | None:
        """The Hub's file list for this commit (huggingface_hub >= 1.x keeps it in trees/), or None."""
        try:
            files = json.loads((self.repo_dir / "trees" / f"{self.commit}.json").read_text(encoding="utf-8"))
            return files.get("files") if isinstance(files, dict) else None
        except (OSError, ValueError):
            return None


def _blob_sizes(blobs: Path) -> tuple[int, int]:
    done = partial = 0
    try:
        with os.scandir(blobs) as it:
            for entry in it:
                try:
                    size = entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
                if entry.name.endswith(".incomplete"):
                    partial += size
                else:
                    done += size
    except OSError:
        pass
    return done, partial


def scan_cache(cache_dir: str | Path) -> dict[str, CachedRepo]:
    """Repos in a Hugging Face cache folder, by repo id (fast: a few directory listings per repo)."""
    out: dict[str, CachedRepo] = {}
    try:
        entries = list(os.scandir(Path(cache_dir).expanduser()))
    except OSError:
        return out
    for entry in entries:
        if not entry.name.startswith("models--") or not entry.is_dir():
            continue
        repo_dir = Path(entry.path)
        repo_id = entry.name[len("models--"):].replace("--", "/", 1)
        done, partial = _blob_sizes(repo_dir / "blobs")
        try:
            commit = (repo_dir / "refs" / "main").read_text(encoding="utf-8").strip()
        except OSError:
            snaps = sorted((repo_dir / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime, reverse=True)
            commit = snaps[0].name if snaps else ""
        out[repo_id] = CachedRepo(repo_dir, commit, done, partial)
    return out


@lru_cache(maxsize=256)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled regex for a list of fnmatch patterns (huggingface_hub's allow/ignore semantics)."""
    return re.compile("|".join(fnmatch.translate(p) for p in patterns) or "(?!)")


def _matches(path: str, allow: list[str], ignore: list[str]) -> bool:
    return bool(_pattern(tuple(allow)).match(path)) and not _pattern(tuple(ignore)).match(path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def source_on_disk(src: Source, repo: CachedRepo) -> Found:
    """What `src` has in a cached repo: complete when every file a download would fetch is in the snapshot."""
    snapshot = repo.snapshot
    if src.filename:
        f = snapshot / src.filename
        return Found(str(f), _size(f), "cache", repo.partial_bytes, f.is_file())
    parts = _parts(snapshot / "model_index.json") if repo.commit else None
    if parts is None:
        return Found(str(snapshot), 0, "cache", repo.partial_bytes, False)
    allow, ignore = src.patterns(parts)
    tree = repo.tree()
    if tree:
        allow_re, ignore_re = _pattern(tuple(allow)), _pattern(tuple(ignore))
        wanted = [p for p in tree if allow_re.match(p) and not ignore_re.match(p)]
        base = str(snapshot)
        present = [p for p in wanted if os.path.exists(os.path.join(base, p))]
        size = sum(int(tree[p].get("size", 0)) for p in present)
        complete = len(present) == len(wanted)
    else:  # an older cache without the Hub's file list: every part's folder holds something
        complete = all((snapshot / p).is_dir() and any((snapshot / p).iterdir()) for p in parts)
        size = sum(_size(f) for p in parts for f in (snapshot / p).glob("*") if _matches(f"{p}/{f.name}", allow, ignore))
    return Found(str(snapshot), size, "cache", repo.partial_bytes, complete and repo.partial_bytes == 0)


def scan_files(folder: str | Path) -> dict[str, Found]:
    """Loose weights in a folder or a ComfyUI tree (`models/<kind>/`), by file name."""
    root = Path(folder).expanduser()
    dirs = [root]
    for base in (root, root / "models"):
        dirs += [base / d for d in COMFY_DIRS if (base / d).is_dir()]
    where: Literal["comfyui", "folder"] = "comfyui" if len(dirs) > 1 else "folder"
    out: dict[str, Found] = {}
    for d in dirs:
        try:
            with os.scandir(d) as it:
                for entry in it:
                    if entry.name.endswith(WEIGHT_SUFFIXES) and entry.is_file():
                        out.setdefault(entry.name, Found(path=entry.path, size_bytes=entry.stat().st_size,
                                                         where=where))
        except OSError:
            continue
    return out


# -- entries: a catalog model with its state here ---------------------------------------------------------
@dataclass
class ModelEntry:
    model_id: str
    name: str
    family: str
    repo_id: str
    filename: str | None
    state: State
    size_bytes: int  # on disk (finished files; a partial download's unfinished bytes are in partial_bytes)
    partial_bytes: int
    download_bytes: int | None  # the whole download, when known
    vram_gb: float  # need at full precision
    precision: str  # the recommended precision on this machine ("bf16", "fp8", "bf16 + CPU offload", "")
    fits: bool
    verdict: str  # "fits: 24 GB GPU", "needs 20 GB VRAM, this GPU has 8", "no GPU: runs on the CPU, slowly"
    path: str = ""
    where: str = ""  # "Hugging Face cache", "ComfyUI", "folder" or ""
    paused: bool = False  # a download was interrupted or paused and can be resumed

    def as_dict(self) -> dict:
        return asdict(self)


def fit_verdict(info: ModelInfo, hw: hardware.Hardware | None) -> tuple[bool, str, str]:
    """(fits, precision, verdict) for running `info` locally on this machine."""
    need = vram_need_gb(info)
    if hw is None or not hw.gpus:
        return False, "", "no GPU: would run on the CPU, very slowly"
    have = hw.vram_gb
    if need <= have:
        return True, "bf16", f"fits this GPU ({have:.0f} GB)"
    fp8 = vram_need_gb(info, "fp8")
    if fp8 <= have:
        return True, "fp8", f"fits in fp8 (needs {fp8:.0f} GB of {have:.0f} GB)"
    if need <= have + hw.ram_available_bytes / GIB * 0.5:
        return True, "bf16 + CPU offload", f"needs {need:.0f} GB VRAM, this GPU has {have:.0f}: runs with CPU offload, slower"
    return False, "", f"needs {need:.0f} GB VRAM, this GPU has {have:.0f}"


class ModelStore:
    """The models folder (a Hugging Face cache), extra folders scanned in place, and the download journal."""

    def __init__(self, models_dir: str | Path | None = None, extra_dirs: Iterable[str | Path] = (),
                 journal: str | Path | None = None) -> None:
        self.models_dir = Path(models_dir).expanduser() if models_dir else hardware.default_models_dir()
        self.extra_dirs = [Path(d).expanduser() for d in extra_dirs if str(d).strip()]
        self.journal_path = Path(journal) if journal else _default_journal()
        self.in_use: set[str] = set()  # model ids the local backend has loaded or is running now

    # -- journal: downloads to resume after a restart ---------------------------------------------------------
    def journal(self) -> dict[str, dict]:
        try:
            data = json.loads(self.journal_path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write_journal(self, data: dict[str, dict]) -> None:
        self.journal_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.journal_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.journal_path)

    def note_download(self, model_id: str, **fields: object) -> None:
        data = self.journal()
        data[model_id] = {**data.get(model_id, {}), **fields, "updated": time.time()}
        self._write_journal(data)

    def forget_download(self, model_id: str) -> None:
        data = self.journal()
        if data.pop(model_id, None) is not None:
            self._write_journal(data)

    # -- scanning -----------------------------------------------------------------------------------------------
    def scan(self, hw: hardware.Hardware | None = None) -> list[ModelEntry]:
        """Every local catalog model with its state here, in catalog order."""
        cache = scan_cache(self.models_dir)
        loose: dict[str, Found] = {}
        for d in self.extra_dirs:
            for name, found in scan_files(d).items():
                loose.setdefault(name, found)
            for repo_id, repo in scan_cache(d).items():  # another HF cache
                cache.setdefault(repo_id, repo)
        journal = self.journal()
        return [self._entry(info, cache, loose, journal, hw) for info in local_models()]

    def entry(self, model_id: str, hw: hardware.Hardware | None = None) -> ModelEntry:
        for e in self.scan(hw):
            if e.model_id == model_id:
                return e
        known = ", ".join(m.id for m in local_models())
        raise ModelStoreError(f"{model_id!r} is not a model the local backend can download.",
                              hint=f"Known local models: {known}.")

    def _entry(self, info: ModelInfo, cache: dict[str, CachedRepo], loose: dict[str, Found], journal: dict,
               hw: hardware.Hardware | None) -> ModelEntry:
        sources = sources_of(info)
        founds: list[Found | None] = []
        for src in sources:
            found = loose.get(src.filename) if src.filename else None  # a loose file is used in place
            if found is None and src.repo_id in cache:
                found = source_on_disk(src, cache[src.repo_id])
            founds.append(found)
        main = founds[0]
        record = journal.get(info.id, {})
        if all(f is not None and f.complete for f in founds) and not record:
            state: State = "in_use" if info.id in self.in_use else "downloaded"
        elif record or any(f is not None and (f.size_bytes or f.partial_bytes) for f in founds):
            state = "partial"
        else:
            state = "absent"
        fits, precision, verdict = fit_verdict(info, hw) if hw is not None else (False, "", "")
        where = {"cache": "Hugging Face cache", "comfyui": "ComfyUI", "folder": "folder"}
        return ModelEntry(
            model_id=info.id, name=info.name, family=info.family, repo_id=sources[0].repo_id,
            filename=sources[0].filename, state=state, size_bytes=sum(f.size_bytes for f in founds if f),
            partial_bytes=sum(f.partial_bytes for f in founds if f),
            download_bytes=record.get("total") or download_size_bytes(info), vram_gb=vram_need_gb(info),
            precision=precision, fits=fits, verdict=verdict, path=main.path if main else "",
            where=where[main.where] if main else "", paused=bool(record))

    def discard_partial(self, model_id: str) -> None:
        """Cancel a paused download (no child running): its unfinished bytes go, and the journal entry."""
        for src in sources_of(CATALOG[model_id]):
            for part in (self.models_dir / f"models--{src.repo_id.replace('/', '--')}" / "blobs").glob("*.incomplete"):
                part.unlink(missing_ok=True)
        self.forget_download(model_id)

    def found_in_place(self, model_id: str) -> list[str]:
        """The model's single files already present in the extra folders (used there, not downloaded)."""
        loose: dict[str, Found] = {}
        for d in self.extra_dirs:
            loose.update(scan_files(d))
        return [s.filename for s in sources_of(CATALOG[model_id]) if s.filename and s.filename in loose]

    # -- removing ------------------------------------------------------------------------------------------------
    def remove(self, model_id: str) -> int:
        """Delete a model's weights from the models folder; returns the bytes freed. A diffusers repo goes
        whole; a single file goes alone (its repo may hold other models' files); a config repo another
        downloaded model still needs stays. Models found in other folders (ComfyUI, loose files) are never
        deleted: they belong to those tools."""
        entry = self.entry(model_id)
        if entry.state == "in_use":
            raise ModelStoreError(f"{entry.name} is in use by a running job.", hint="Cancel the job first.")
        if entry.where not in ("Hugging Face cache", ""):
            raise ModelStoreError(f"{entry.name} is used in place from {entry.path}; LTX Editor does not delete "
                                  "files in other tools' folders.", hint="Delete the file there if you want to.")
        others = {s.repo_id for e in self.scan() if e.model_id != model_id and e.state != "absent"
                  for s in sources_of(CATALOG[e.model_id])}
        cache = scan_cache(self.models_dir)
        freed = 0
        for i, src in enumerate(sources_of(CATALOG[model_id])):
            repo = cache.get(src.repo_id)
            if repo is None:
                continue
            if src.filename:
                freed += _remove_file(repo, src.filename)
            elif i == 0 or src.repo_id not in others:  # the model's own repo, or a config repo no one else uses
                freed += repo.done_bytes + repo.partial_bytes
                shutil.rmtree(repo.repo_dir, ignore_errors=True)
                shutil.rmtree(self.models_dir / ".locks" / repo.repo_dir.name, ignore_errors=True)
        self.forget_download(model_id)
        return freed

    # -- planning a download --------------------------------------------------------------------------------------
    def check_space(self, needed_bytes: int, name: str) -> None:
        check_space(self.models_dir, needed_bytes, name)


def _remove_file(repo: CachedRepo, filename: str) -> int:
    """Remove one file of a cached repo: its snapshot link and the blob it points to (and its .incomplete)."""
    link = repo.snapshot / filename
    freed = 0
    try:
        blob = link.resolve(strict=True)
        freed = blob.stat().st_size
        blob.unlink()
    except OSError:
        pass
    link.unlink(missing_ok=True)
    for part in (repo.repo_dir / "blobs").glob("*.incomplete"):  # unfinished bytes of this repo
        freed += _size(part)
        part.unlink(missing_ok=True)
    return freed


def _default_journal() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("ltx-editor", appauthor=False)) / "downloads.json"


# -- downloading in a child process ----------------------------------------------------------------------------
@dataclass
class Progress:
    """One report from a running download."""

    model_id: str
    stage: Literal["planning", "downloading", "done", "paused", "cancelled", "failed"]
    done_bytes: int = 0
    total_bytes: int | None = None
    speed_bps: float = 0.0
    eta_s: float | None = None
    message: str = ""
    hint: str = ""
    path: str = ""

    @property
    def fraction(self) -> float | None:
        return self.done_bytes / self.total_bytes if self.total_bytes else None

    def describe(self) -> str:
        if self.stage != "downloading":
            return self.message or self.stage
        total = f" of {self.total_bytes / GIB:.2f} GB" if self.total_bytes else ""
        eta = f", {_clock(self.eta_s)} left" if self.eta_s is not None else ""
        return f"{self.done_bytes / GIB:.2f} GB{total} at {self.speed_bps / 1e6:.1f} MB/s{eta}"


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


@dataclass
class Download:
    """A download running in a child process; `on_progress` is called from a reader thread."""

    store: ModelStore
    model_id: str
    on_progress: Callable[[Progress], None]
    endpoint: str | None = None  # the Hub's address (HF_ENDPOINT otherwise)
    proc: subprocess.Popen | None = None
    last: Progress | None = None
    _stopping: str = ""  # "paused" / "cancelled" once asked
    _blobs_before: dict[Path, set[str]] = field(default_factory=dict, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> Download:
        info = CATALOG.get(self.model_id)
        if info is None or not sources_of(info):
            raise ModelStoreError(f"{self.model_id!r} is not a model the local backend can download.")
        in_place = set(self.store.found_in_place(self.model_id))  # ComfyUI / loose copies: used, never fetched
        argv = [sys.executable, "-m", "ltx_editor.generation.model_fetch", "--cache-dir", str(self.store.models_dir),
                "--name", info.name, "--exit-with-parent"]
        for src in sources_of(info):
            if not (src.filename and src.filename in in_place):
                argv += ["--source", src.to_json()]
        env = {**os.environ, "HF_HUB_OFFLINE": "0", "PYTHONUNBUFFERED": "1"}
        if self.endpoint:
            env["HF_ENDPOINT"] = self.endpoint
        self._blobs_before = {repo: set(os.listdir(repo / "blobs")) if (repo / "blobs").is_dir() else set()
                              for repo in self._repo_dirs()}  # what a cancel must leave in place
        self.store.note_download(self.model_id, state="running")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     stdin=subprocess.PIPE,  # never written: its end tells the child we are gone
                                     text=True, bufsize=1,
                                     start_new_session=True)  # Ctrl-C in a terminal reaches only us
        self._thread = threading.Thread(target=self._read, name=f"download-{self.model_id}", daemon=True)
        self._thread.start()
        return self

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            self._report(Progress(model_id=self.model_id, **data))
        code = self.proc.wait()
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        last = self.last
        if self._stopping == "cancelled":
            self._discard_added()  # before the report: whoever rescans on "cancelled" sees the model as it was
        if self._stopping:
            self._report(Progress(self.model_id, self._stopping, last.done_bytes if last else 0,
                                  last.total_bytes if last else None,
                                  message="Paused: resume continues where it stopped." if self._stopping == "paused"
                                  else "Download cancelled."))
        elif last is None or last.stage not in ("done", "failed"):
            self._report(Progress(self.model_id, "failed", message=f"The download stopped unexpectedly (exit {code}).",
                                  hint="Resume it: finished files are kept."))

    def _report(self, progress: Progress) -> None:
        self.last = progress
        if progress.stage == "done":
            self.store.forget_download(self.model_id)
        elif progress.stage == "planning" and progress.total_bytes:
            self.store.note_download(self.model_id, state="running", total=progress.total_bytes)
        elif progress.stage in ("paused", "failed"):
            self.store.note_download(self.model_id, state=progress.stage)
        self.on_progress(progress)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _stop(self, how: str) -> None:
        self._stopping = how
        if self.running:
            assert self.proc is not None
            self.proc.kill()  # immediate: huggingface_hub resumes from its .incomplete files

    def pause(self) -> None:
        self._stop("paused")

    def _repo_dirs(self) -> list[Path]:
        return [self.store.models_dir / f"models--{src.repo_id.replace('/', '--')}"
                for src in sources_of(CATALOG[self.model_id])]

    def cancel(self) -> None:
        """Stop and throw away what this download added: unfinished bytes, and the files it finished (blobs
        that were there before it started, e.g. another model's, stay), so the model is back where it was.
        The "cancelled" report comes once that is done."""
        self._stop("cancelled")
        self.wait(10)

    def _discard_added(self) -> None:
        for repo in self._repo_dirs():
            for blob in (repo / "blobs").glob("*"):
                if blob.name.endswith(".incomplete") or blob.name not in self._blobs_before.get(repo, set()):
                    blob.unlink(missing_ok=True)
            for link in (repo / "snapshots").rglob("*"):
                if link.is_symlink() and not link.exists():  # its blob was just removed
                    link.unlink()
        self.store.forget_download(self.model_id)

    def wait(self, timeout: float | None = None) -> Progress | None:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.last


__all__ = ["DISK_MARGIN_BYTES", "IGNORE_PATTERNS", "DiskSpaceError", "Download", "Found", "ModelEntry", "ModelStore", "ModelStoreError", "Progress",
           "Source", "fit_verdict", "local_models", "scan_cache", "scan_files", "source_of", "vram_need_gb"]
