"""Where the editor writes media (generated clips, extracted frames), and moving them in on save.

A project that has a file keeps its media in `<stem>_media/`. An unsaved project writes to a scratch folder;
the first save moves those files into the project's media folder, and "Save As" into another folder copies
the project's own media along, so a saved project never points outside itself for media it made.
"""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from platformdirs import user_cache_dir

from ltx_editor.core.project import Project
from ltx_editor.core.project_io import is_inside_project, media_dir, resolve_media, store_path

_scratch: Path | None = None


def scratch_dir() -> Path:
    """This session's folder for media of a project that has no file yet."""
    global _scratch
    if _scratch is None:
        _scratch = Path(user_cache_dir("ltx-editor", appauthor=False)) / "unsaved" / uuid.uuid4().hex[:12]
    _scratch.mkdir(parents=True, exist_ok=True)
    return _scratch


def scratch_project_path() -> Path:
    """Where an unsaved project pretends to live, so media paths resolve the same way as for saved ones."""
    return scratch_dir() / "untitled.ltxproj"


def is_scratch(path: Path) -> bool:
    return _scratch is not None and path.resolve().is_relative_to(_scratch.resolve())


def _bring(stored: str, old: Path, new: Path, moved: dict[str, str]) -> str:
    """The stored path of `stored` after saving `old` (the working path) as `new`: files in scratch move
    in, the project's own media are copied along when the folder changes, imported media stay put."""
    if stored not in moved:
        src = resolve_media(old, stored)
        ours = is_inside_project(stored)
        same_folder = old.parent.resolve() == new.parent.resolve()
        if not src.exists():
            moved[stored] = stored
        elif is_scratch(src) or (ours and not same_folder):
            dest = media_dir(new) / src.name
            if dest.exists():
                dest = dest.with_name(f"{dest.stem}-{uuid.uuid4().hex[:6]}{dest.suffix}")
            (shutil.move if is_scratch(src) else shutil.copy2)(str(src), str(dest))
            moved[stored] = store_path(new, dest)
        else:
            moved[stored] = stored if ours else store_path(new, src)
    return moved[stored]


def adopt_media(project: Project, old: Path, new: Path) -> None:
    """Rewrite the project's media paths for being saved at `new` (moving/copying files as described)."""
    moved: dict[str, str] = {}
    for asset in project.assets:
        for take in asset.takes:
            if take.sidecar:  # the recipe first, so it travels next to its video
                take.sidecar = _bring(take.sidecar, old, new, moved)
            take.path = _bring(take.path, old, new, moved)
    for kf in project.keyframes:
        kf.image = _bring(kf.image, old, new, moved)
    for entry in project.cast:  # its reference images and voice sample
        entry.images = [_bring(p, old, new, moved) for p in entry.images]
        if entry.voice:
            entry.voice = _bring(entry.voice, old, new, moved)
