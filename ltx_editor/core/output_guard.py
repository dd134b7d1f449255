"""Outputs never overwrite inputs: a render, export or generation target is refused when it is one of the
files the job reads, or the project file itself.

"The same file" is decided twice, so no spelling slips through: by real path (`sub/../a.mp4`, a symlink to
the file, or a symlinked folder on the way all resolve to one name) and by device + inode (a hard link has
a different name but is the same file; so is a differently-cased name on a case-insensitive disk).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import MediaError
from .project import Project
from .project_io import resolve_media


class OutputOverwritesInput(MediaError):
    """The chosen output is a file the job reads; nothing was written."""


def _identity(path: str | os.PathLike) -> tuple[str, tuple[int, int] | None]:
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        return real, (st.st_dev, st.st_ino)
    except OSError:
        return real, None  # not there (yet): only its name can collide


def project_companions(project_path: str | Path) -> list[Path]:
    """The project file and the files saved beside it under its name (backup, autosave)."""
    p = Path(project_path)
    return [p, p.with_name(p.name + ".bak"), p.with_name(p.name + ".autosave")]


def project_files(project: Project, project_path: str | Path) -> list[Path]:
    """Every file the project names: each take's media and recipe, keyframe and shot images. An export may
    use only some of them, but overwriting any one loses the person's work."""
    stored = [p for a in project.assets for t in a.takes for p in (t.path, t.sidecar) if p]
    stored += [k.image for k in project.keyframes]
    stored += [p for s in project.shots for p in (s.start_image, s.end_image) if p]
    return [resolve_media(project_path, p) for p in dict.fromkeys(stored)]


def check_export_target(project: Project, project_path: str | Path, out: str | Path) -> None:
    """An export of `project` to `out` must not replace any file of the project, nor the project file."""
    check_output(out, project_files(project, project_path), project_path=project_path, what="export",
                 role="one of the project's files")


def check_output(out: str | Path, inputs: Iterable[str | Path], *, project_path: str | Path | None = None,
                 what: str = "output", role: str = "a file this job reads") -> None:
    """OutputOverwritesInput when `out` is (by real path or by inode) one of `inputs` or the project's file.

    Also refuses an `out` that is a folder. Call it before anything is written."""
    out = Path(out)
    real_out, id_out = _identity(out)
    if os.path.isdir(real_out):
        raise OutputOverwritesInput(f"The {what} {out} is a folder.", hint="Choose a file name to write.")
    named: list[tuple[Path, str]] = [(Path(p), f"it is {role}") for p in inputs]
    if project_path is not None:
        named += [(p, "it is the project file" if i == 0 else "it is the project's own backup/autosave")
                  for i, p in enumerate(project_companions(project_path))]
    for source, why in named:
        real_in, id_in = _identity(source)
        if real_in == real_out or (id_out is not None and id_in == id_out):
            same = "" if str(source) == str(out) else f" (the same file as {source})"
            raise OutputOverwritesInput(
                f"Refusing to write the {what} to {out}{same}: {why}, and writing would destroy it.",
                hint="Choose another output file name.")
