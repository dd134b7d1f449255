"""A cast entry's files (reference images, voice-line sample) are copied into the project's media folder, so the
cast travels with the project and a file moved or edited elsewhere later does not change it.

Only regular files are read (a FIFO, a device or a folder is refused in words, core/safe_files.py). The copy
keeps the file's name; a different file of the same name already there gets its content hash appended, and the
same file picked twice is stored once.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .cast import CastError
from .ffmpeg import temp_beside
from .project_io import media_dir, store_path
from .safe_files import IMAGE_MAX_BYTES, MiB, open_regular

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
VOICE_SUFFIXES = (".wav", ".mp3", ".flac", ".m4a", ".ogg")
VOICE_MAX_BYTES = 64 * MiB  # a voice line is seconds of sound
_KINDS = {"image": (IMAGE_SUFFIXES, IMAGE_MAX_BYTES, "an image"),
          "voice": (VOICE_SUFFIXES, VOICE_MAX_BYTES, "a sound file")}


def cast_folder(project_path: str | Path) -> Path:
    folder = media_dir(project_path) / "cast"
    folder.mkdir(exist_ok=True)
    return folder


def keep_in_project(project_path: str | Path, file: str | Path, kind: str) -> str:
    """Copy `file` (kind "image" or "voice") into the project's cast folder; its stored path. CastError (in
    words, naming the file) for a wrong type, a missing or non-regular file, or one too large."""
    suffixes, max_bytes, what = _KINDS[kind]
    file = Path(file)
    if file.suffix.lower() not in suffixes:
        raise CastError(f"{file.name} is not {what}.", hint=f"Use a {', '.join(suffixes)} file.")
    folder = cast_folder(project_path)
    if file.parent.resolve() == folder.resolve():  # already one of the cast's files
        return store_path(project_path, file)
    tmp = temp_beside(folder / file.name)  # same folder: the rename into place is atomic
    try:
        with open_regular(file, what=f"{kind} file", max_bytes=max_bytes, error=CastError) as src, \
                open(tmp, "wb") as out:
            digest = hashlib.sha256()
            while chunk := src.read(MiB):
                digest.update(chunk)
                out.write(chunk)
        if tmp.stat().st_size == 0:
            raise CastError(f"{file.name} is empty.", hint=f"Choose {what} with content.")
        dest = _destination(folder, file, digest.hexdigest())
        if not dest.exists():
            os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return store_path(project_path, dest)


def _destination(folder: Path, file: Path, sha256: str) -> Path:
    """`folder/name`, unless a different file has that name there: then `name-<hash>`."""
    dest = folder / file.name
    if dest.exists() and _sha256(dest) != sha256:
        dest = folder / f"{file.stem}-{sha256[:10]}{file.suffix}"
    return dest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path, what="cast file", error=CastError) as f:
        while chunk := f.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()
