"""Where a model's weights come from: a hub id (downloaded into the shared HF cache), a local diffusers
folder, or a single .safetensors checkpoint. Only hub ids touch the network, and only when not offline.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import BackendUnavailable, BadCredentials, DownloadError, InvalidRequest

PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"})
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(@[\w.-]+)?(#[\w.-]+)?$")
# One file inside a hub repo (a Lightricks single-file checkpoint): org/name[@revision]/file.safetensors
_HUB_FILE = re.compile(r"^(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+)(@(?P<rev>[\w.-]+))?/(?P<file>[\w./-]+\.safetensors)$")
# Weights we never fetch: pickles can run code when loaded, and flax/onnx are useless to torch.
_IGNORE = ["*.bin", "*.pt", "*.pth", "*.ckpt", "*.msgpack", "*.h5", "*.onnx", "*.onnx_data", "*.gguf"]

DownloadProgress = Callable[[int, int | None], None]  # (bytes done, bytes total)


@dataclass(frozen=True)
class ModelSource:
    kind: Literal["hub", "hub_file", "folder", "file"]
    ref: str  # repo id, folder or file path
    revision: str | None = None  # hub only: branch, tag or commit
    filename: str | None = None  # hub_file: the file inside the repo
    subfolder: str | None = None  # hub: fetch only this component folder (e.g. latent_upsampler)


@dataclass(frozen=True)
class ResolvedModel:
    source: ModelSource
    path: Path  # local folder or file that from_pretrained / from_single_file reads
    revision: str | None  # the hub commit actually used (None for local weights)

    def describe(self) -> dict:
        out = {"kind": self.source.kind, "source": self.source.ref, "revision": self.revision}
        if self.source.filename:
            out["file"] = self.source.filename
        return out


def parse_source(value: str) -> ModelSource:
    """Classify `value`: an existing folder or .safetensors file, else a hub id `org/name[@revision]`."""
    path = Path(value).expanduser()
    if path.is_dir():
        return ModelSource("folder", str(path.resolve()))
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise InvalidRequest(f"{path.name} is a pickle checkpoint; pickles can run code when loaded.",
                             hint="Use the .safetensors version of the model.")
    if path.is_file():
        if path.suffix.lower() not in (".safetensors", ".sft"):
            raise InvalidRequest(f"{path.name} is not a .safetensors checkpoint or a diffusers model folder.")
        return ModelSource("file", str(path.resolve()))
    hub_file = _HUB_FILE.match(value)
    if hub_file and not value.startswith((".", "/", "~")):
        return ModelSource("hub_file", hub_file["repo"], hub_file["rev"], filename=hub_file["file"])
    if _HUB_ID.match(value) and not value.startswith((".", "/", "~")):
        value, _, subfolder = value.partition("#")
        repo, _, revision = value.partition("@")
        return ModelSource("hub", repo, revision or None, subfolder=subfolder or None)
    raise InvalidRequest(f"The model {value!r} is neither a folder, a .safetensors file nor a hub id.",
                         hint="Check the path, or use a hub id like Lightricks/LTX-Video.")


def progress_tqdm(report: DownloadProgress, min_interval_s: float = 0.25) -> type:
    """A tqdm class for huggingface_hub that forwards byte progress to `report` instead of drawing bars."""
    from tqdm.auto import tqdm

    class _Forward(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = False
            kwargs.pop("name", None)
            super().__init__(*args, **{**kwargs, "file": _Null()})
            self._last = 0.0

        def update(self, n=1):
            out = super().update(n)
            now = time.monotonic()
            is_bytes = self.unit == "B" and not str(self.desc).startswith("Downloading bytes")
            if is_bytes and (now - self._last >= min_interval_s or (self.total and self.n >= self.total)):
                self._last = now
                report(int(self.n), int(self.total) if self.total else None)
            return out

    return _Forward


class _Null:
    def write(self, _s: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _components(index_file: str) -> list[str]:
    data = json.loads(Path(index_file).read_text())
    return [k for k, v in data.items() if not k.startswith("_") and isinstance(v, list) and v[0] is not None]


def resolve(source: ModelSource, *, cache_dir: str | Path | None = None, offline: bool = False,
            progress: DownloadProgress | None = None, without_weights: tuple[str, ...] = (),
            extra_folders: tuple[str, ...] = (), endpoint: str | None = None) -> ResolvedModel:
    """A local path for `source`, downloading hub repos (resuming partial files) into the HF cache.

    without_weights: components fetched as configs only (a single-file checkpoint brings their weights, so the
    config repo's copy is never downloaded). extra_folders: folders outside model_index.json to fetch too
    (LTX-2.5's transformer_full/). endpoint: another hub (a mirror; the tests' loopback hub)."""
    if source.kind in ("folder", "file"):
        path = Path(source.ref)
        if not path.exists():
            raise InvalidRequest(f"The model {path} does not exist.", hint="Pick the model folder or file again.")
        return ResolvedModel(source, path, None)
    from huggingface_hub import hf_hub_download, snapshot_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    repo = source.ref
    try:
        if source.kind == "hub_file":
            file = hf_hub_download(repo, source.filename, revision=source.revision, cache_dir=cache_dir,
                                   local_files_only=offline, endpoint=endpoint,
                                   tqdm_class=progress_tqdm(progress) if progress else None)
            path = Path(file)
            return ResolvedModel(source, path, path.parent.name)
        if source.subfolder:
            patterns = [f"{source.subfolder}/*"]
        else:
            index = hf_hub_download(repo, "model_index.json", revision=source.revision, cache_dir=cache_dir,
                                    local_files_only=offline, endpoint=endpoint)
            # Only the folders the pipeline uses: hub repos also hold multi-GB single-file checkpoints.
            patterns = ["model_index.json", *[f"{c}/*.json" if c in without_weights else f"{c}/*"
                                              for c in _components(index)], *[f"{f}/*" for f in extra_folders]]
        folder = snapshot_download(repo, revision=source.revision, cache_dir=cache_dir, local_files_only=offline,
                                   endpoint=endpoint,
                                   allow_patterns=patterns, ignore_patterns=_IGNORE,
                                   tqdm_class=progress_tqdm(progress) if progress else None)
    except GatedRepoError:
        raise BadCredentials(f"{repo} is gated on the Hugging Face hub.",
                             hint="Accept its license on huggingface.co and log in with `hf auth login`.") from None
    except (RepositoryNotFoundError, RevisionNotFoundError):
        raise InvalidRequest(f"{repo}{'@' + source.revision if source.revision else ''} was not found on the hub.",
                             hint="Check the model id.") from None
    except (LocalEntryNotFoundError, OfflineModeIsEnabled):
        what = f"{repo}/{source.filename}" if source.filename else repo
        raise BackendUnavailable(f"{what} is not downloaded yet and the hub cannot be reached (offline), so it "
                                 "cannot be checked or fetched.",
                                 hint="Connect to the internet once to download it, or pick a local folder or "
                                      ".safetensors file you already have.") from None
    except EntryNotFoundError:  # the repo exists but not this file
        raise InvalidRequest(f"{source.filename or 'model_index.json'} is not in {repo} on the hub.",
                             hint="Check the file name against the repo's Files tab.") from None
    except (HfHubHTTPError, OSError) as exc:
        raise DownloadError(f"Downloading {repo} failed: {exc}",
                            hint="Retry: finished files are kept and partial ones resume.") from None
    path = Path(folder)
    if source.subfolder:
        return ResolvedModel(source, path / source.subfolder, path.name)
    return ResolvedModel(source, path, path.name)  # snapshot folders are named by commit hash
