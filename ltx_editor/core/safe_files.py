"""Reading files a person (or a hostile project) names: only regular files, with a size cap, never a hang.

A project, recipe, image, LoRA or media path may be a FIFO (opening it for reading blocks until a writer
comes: forever), a device such as /dev/zero (endless bytes), a socket or a folder, directly or through a
symlink. `open_regular` opens with O_NONBLOCK, so even a FIFO returns at once, then checks the *opened*
file with fstat (no race between the check and the read) and refuses anything but a regular file, or one
larger than the cap, before a byte is read. `check_regular` does the same check by path, for files another
program (ffmpeg, PIL) opens itself.

Every refusal is the caller's own error type (ProjectFileError, MediaError, InvalidRequest ...), naming the
path and what it really is.
"""
from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import LtxEditorError, MediaError

MiB = 1024 * 1024
RECIPE_MAX_BYTES = 16 * MiB  # a sidecar is a few KB
IMAGE_MAX_BYTES = 512 * MiB
JSON_CONFIG_MAX_BYTES = 16 * MiB  # model_index.json and friends

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words a person understands."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def is_special(path: str | os.PathLike) -> bool:
    """True when `path` exists (links followed) but is not a regular file: a FIFO, device, socket or folder.

    For views that hand a file to Qt by URL (Image, MediaPlayer): Qt opens it blocking, so a FIFO would
    freeze the window (a synchronous Image) or keep the process from exiting (an asynchronous one)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False  # missing: the view shows it as offline


def describe(path: str | Path) -> str:
    """What `path` is when it is not a readable regular file ("missing", "a named pipe (FIFO)" ...)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing" + (" (a link to nowhere)" if os.path.islink(path) else "")
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    return "a regular file" if stat.S_ISREG(st.st_mode) else kind_of(st.st_mode)


def _refuse(path: Path, what: str, st: os.stat_result, error: type[LtxEditorError]) -> LtxEditorError:
    shown = f"{path} (a link to {os.path.realpath(path)})" if os.path.islink(path) else str(path)
    return error(f"The {what} {shown} is {kind_of(st.st_mode)}, not a file (only regular files are read).",
                 hint=f"Choose a regular {what} file.")


def _too_large(path: Path, what: str, size: int, cap: int, error: type[LtxEditorError]) -> LtxEditorError:
    return error(f"The {what} {path} is too large ({size / MiB:.1f} MiB; at most {cap / MiB:.0f} MiB is read).",
                 hint=f"Check that {path.name} really is a {what}.")


def check_regular(path: str | Path, *, what: str = "file", max_bytes: int | None = None,
                  error: type[LtxEditorError] = MediaError) -> os.stat_result:
    """The stat of `path` (symlinks followed) when it is a regular file within `max_bytes`; else `error`.

    For files handed to another program by name; prefer `open_regular` when reading them yourself."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"The {what} {path} does not exist.", hint="It may have been moved or deleted.") from None
    except OSError as exc:
        raise error(f"Could not read the {what} {path}: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, what, st, error)
    if max_bytes is not None and st.st_size > max_bytes:
        raise _too_large(path, what, st.st_size, max_bytes, error)
    return st


@contextlib.contextmanager
def open_regular(path: str | Path, *, what: str = "file", max_bytes: int | None = None,
                 error: type[LtxEditorError] = MediaError) -> Iterator[BinaryIO]:
    """A binary file object for `path`, opened without blocking and checked on the open descriptor."""
    path = Path(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise error(f"The {what} {path} does not exist.", hint="It may have been moved or deleted.") from None
    except IsADirectoryError:
        raise error(f"The {what} {path} is a folder, not a file (only regular files are read).",
                    hint=f"Choose a regular {what} file.") from None
    except OSError as exc:  # e.g. ENXIO: a socket, or a FIFO on some systems
        raise error(f"Could not read the {what} {path}: {exc.strerror or exc}.",
                    hint=f"Choose a regular {what} file.") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(path, what, st, error)
        if max_bytes is not None and st.st_size > max_bytes:
            raise _too_large(path, what, st.st_size, max_bytes, error)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a regular file never blocks; plain reads from here on
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def read_bytes(path: str | Path, *, what: str = "file", max_bytes: int,
               error: type[LtxEditorError] = MediaError) -> bytes:
    """The whole content of a regular file of at most `max_bytes` (also when it grows while being read)."""
    with open_regular(path, what=what, max_bytes=max_bytes, error=error) as f:
        try:
            size = os.fstat(f.fileno()).st_size  # read(n) allocates n bytes: ask for what is there
            data = f.read(size + 1)
            if len(data) > size:  # it grew meanwhile: read on, but never past the cap
                data += f.read(max_bytes + 1 - len(data))
        except OSError as exc:
            raise error(f"Could not read the {what} {path}: {exc.strerror or exc}.") from None
    if len(data) > max_bytes:
        raise _too_large(Path(path), what, len(data), max_bytes, error)
    return data


def read_text(path: str | Path, *, what: str = "file", max_bytes: int,
              error: type[LtxEditorError] = MediaError, encoding: str = "utf-8") -> str:
    """`read_bytes` decoded; a decoding error is `error` naming the path."""
    data = read_bytes(path, what=what, max_bytes=max_bytes, error=error)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(f"The {what} {path} is not {encoding} text (byte {exc.start}).") from None
