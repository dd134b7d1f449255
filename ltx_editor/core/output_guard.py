"""Outputs never overwrite inputs: a render, export or generation target is refused when it is one of the
files the job reads, or the project file itself.

"The same file" is decided so that no spelling slips through: when the target exists, by device + inode
(`sub/../a.mp4`, a symlink, a chain of them, a symlinked folder on the way, a hard link and a differently
cased name on a case-insensitive disk all lead to the same inode); when it does not, by real path against
the inputs that are missing too (nothing that exists can be a file that does not).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import MediaError
from .project import Project


class OutputOverwritesInput(MediaError):
    """The chosen output is a file the job reads; nothing was written."""


def _inode(path: str | os.PathLike) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # follows symlinks, `..` and linked folders: the file itself
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _real_missing(path: str | os.PathLike, folders: dict[str, str]) -> str:
    """The real path of a file that is not there: its folder's real path (cached: a project's missing
    files share a few folders) and its name; a dangling link or a `..` spelling goes through realpath."""
    path = os.fspath(path)
    if os.path.lexists(path) or ".." in path:
        return os.path.realpath(path)
    folder, name = os.path.split(os.path.abspath(path))
    if folder not in folders:
        folders[folder] = os.path.realpath(folder)
    return os.path.join(folders[folder], name)


def project_companions(project_path: str | Path) -> list[Path]:
    """The project file and the files saved beside it under its name (backup, autosave)."""
    p = Path(project_path)
    return [p, p.with_name(p.name + ".bak"), p.with_name(p.name + ".autosave")]


def project_files(project: Project, project_path: str | Path) -> list[str]:
    """Every file the project names: each take's media and recipe, keyframe and shot images. An export may
    use only some of them, but overwriting any one loses the person's work. (Plain strings: building a
    Path per file costs more than the stat that checks it.)"""
    stored = [p for a in project.assets for t in a.takes for p in (t.path, t.sidecar) if p]
    stored += [k.image for k in project.keyframes]
    stored += [p for s in project.shots for p in (s.start_image, s.end_image) if p]
    folder = os.path.dirname(os.path.abspath(project_path))  # as resolve_media, without a Path per file
    return [p if os.path.isabs(p) else os.path.join(folder, p) for p in dict.fromkeys(stored)]


def check_export_target(project: Project, project_path: str | Path, out: str | Path) -> None:
    """An export of `project` to `out` must not replace any file of the project, nor the project file."""
    check_output(out, project_files(project, project_path), project_path=project_path, what="export",
                 role="one of the project's files")


def check_output(out: str | Path, inputs: Iterable[str | Path], *, project_path: str | Path | None = None,
                 what: str = "output", role: str = "a file this job reads") -> None:
    """OutputOverwritesInput when `out` is one of `inputs` or the project's own files; also when `out` is a
    folder. Call it before anything is written.

    When `out` exists, the same device + inode is the same file, however it is spelled (symlink, `..`,
    hard link). When it does not, no existing file can be it: only an input that is missing too can share
    its real path (an export there would later stand in for that missing source)."""
    out = Path(out)
    if os.path.isdir(out):
        raise OutputOverwritesInput(f"The {what} {out} is a folder.", hint="Choose a file name to write.")
    named: list[tuple[str | Path, str]] = [(p, f"it is {role}") for p in inputs]
    if project_path is not None:
        named += [(p, "it is the project file" if i == 0 else "it is the project's own backup/autosave")
                  for i, p in enumerate(project_companions(project_path))]
    folders: dict[str, str] = {}
    id_out = _inode(out)
    real_out = _real_missing(out, folders) if id_out is None else None
    for source, why in named:
        id_in = _inode(source)
        same = id_in == id_out if id_out is not None else id_in is None and _real_missing(source, folders) == real_out
        if same:
            also = "" if str(source) == str(out) else f" (the same file as {source})"
            raise OutputOverwritesInput(
                f"Refusing to write the {what} to {out}{also}: {why}, and writing would destroy it.",
                hint="Choose another output file name.")
