"""Reading and writing project files: JSON with a schema version, media paths relative to the file.

Saving is atomic (temp file in the same folder, fsync, os.replace, fsync of the folder), keeps the
previous version as `<file>.bak`, and autosave writes `<file>.autosave` the same way. Loading only ever
reads: a damaged, newer or invalid file raises ProjectFileError naming the problem, the file untouched.
Nothing a project file says decides where anything is written: every written path derives from the
project's own path.
"""
from __future__ import annotations

import codecs
import contextlib
import json
import os
import posixpath
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError, to_json

from .edits import replace_asset
from .errors import MediaError, ProjectFileError, ProjectReadOnly
from .migrations import migrate
from .project import SCHEMA_VERSION, Project, Take
from .project_snapshot import ProjectSnapshot, take_snapshot

try:
    import fcntl
except ImportError:  # Windows: writers of one process still take turns
    fcntl = None
from .safe_files import read_bytes

PROJECT_SUFFIX = ".ltxproj"
MAX_FILE_BYTES = 256 * 1024 * 1024  # far beyond any real project; refuses to slurp a wrong, huge file
_SHOWN_ERRORS = 3
_write_lock = threading.Lock()  # autosave may run on a worker thread while the user saves
# Bytes per Rust encoder call (~0.1 ms, a few times that under load; lists longer than _FIRST_SLICE items go in
# slices), and how often a save lets go of the GIL for how long, so a waiting GUI thread runs within ~1 ms.
_SLICE_BYTES, _FIRST_SLICE = 32 * 1024, 16
_PAUSE_EVERY_S, _PAUSE_S = 0.001, 0.0001
Buffer = bytes | memoryview  # a piece of the file
LOCK_WAIT_S = 30.0  # how long a save waits for another process's save in the same folder
STALE_TEMP_S = 600.0  # without a cross-process lock, a temp file this old belongs to a dead writer


@dataclass
class LoadedProject:
    project: Project
    path: Path  # the project file (also when the content came from its autosave)
    missing_media: list[str] = field(default_factory=list)  # resolved paths of takes whose file is gone
    recovered_from: str | None = None  # the autosave file the content came from, if any


# --- paths ---------------------------------------------------------------------------------------------
def media_dir(path: str | Path) -> Path:
    """`<project dir>/<stem>_media/`, where generated media go (created on demand)."""
    p = Path(path)
    d = p.parent / f"{p.stem}_media"
    d.mkdir(parents=True, exist_ok=True)
    return d


def autosave_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + ".autosave")


def backup_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + ".bak")


def resolve_media(project_path: str | Path, stored: str) -> Path:
    """The file a stored media path names: relative paths are relative to the project file's folder."""
    if os.path.isabs(stored):
        return Path(stored)
    return Path(os.path.join(os.path.dirname(os.path.abspath(project_path)), stored))


def store_path(project_path: str | Path | None, file: str | Path) -> str:
    """How a media path is stored: posix and relative when inside the project folder, else absolute."""
    file = os.path.abspath(file)
    if project_path is not None:
        folder = os.path.dirname(os.path.abspath(project_path))
        if os.path.commonpath([folder, file]) == folder:
            return Path(os.path.relpath(file, folder)).as_posix()
    return Path(file).as_posix()


def is_inside_project(stored: str) -> bool:
    """True when a stored path is relative and does not climb out of the project folder."""
    if stored.startswith(("/", "\\")) or stored[1:2] == ":" or os.path.isabs(stored):
        return False
    if ".." not in stored:
        return True  # the common case, without normalizing
    norm = posixpath.normpath(stored.replace("\\", "/"))
    return norm != ".." and not norm.startswith("../")


# --- loading -------------------------------------------------------------------------------------------
def load_project(path: str | Path, *, recover: bool = False) -> LoadedProject:
    """Read a project; with recover=True, take the content from a newer autosave when there is one.

    Raises ProjectFileError (file untouched). Missing media do not fail the load: they are listed in
    `missing_media` and their assets marked offline.
    """
    path = Path(path)
    source = path
    recovered_from = None
    if recover:
        auto = recovery_available(path)
        if auto is not None:
            source, recovered_from = auto, str(auto)
    try:
        data = _parse(source)
    except ProjectFileError:
        if source == path or os.path.exists(source):
            raise
        # The autosave went between the look and the read (a save elsewhere discarded it): it was older
        # than that save, so the project file is the newest version.
        source, recovered_from = path, None
        data = _parse(source)
    project = _validate(data, source)
    _check_generated_paths(project, source)
    missing = _mark_offline(project, path)
    return LoadedProject(project=project, path=path, missing_media=missing, recovered_from=recovered_from)


def _parse(source: Path) -> dict:
    name = source.name
    # Only a regular file, checked on the open descriptor: a FIFO, /dev/zero or a folder is refused at once.
    raw = read_bytes(source, what="project file", max_bytes=MAX_FILE_BYTES, error=ProjectFileError)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise ProjectFileError(f"{name} is not valid UTF-8 text (line {line}, column {col}).",
                               hint="The file is damaged; try its .bak copy.") from None
    if not text.strip():
        raise ProjectFileError(f"{name} is empty.", hint="Try its .bak copy.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProjectFileError(f"{name} is damaged or truncated: {e.msg} at line {e.lineno}, column {e.colno}.",
                               hint="Try its .bak copy.") from None
    except RecursionError:
        raise ProjectFileError(f"{name} is nested too deeply to be a project file.") from None
    except ValueError as e:  # e.g. an integer with thousands of digits
        raise ProjectFileError(f"{name} holds a value that cannot be read: {e}.") from None
    if not isinstance(data, dict):
        raise ProjectFileError(f"{name} is not an LTX Editor project (expected a JSON object).")
    return data


def _validate(data: dict, source: Path) -> Project:
    name = source.name
    version = data.get("schema_version")
    if type(version) is not int or version < 1:
        raise ProjectFileError(f"{name} is not an LTX Editor project: it has no valid schema_version.")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"{name} was saved by a newer LTX Editor (schema version {version}; this one reads up to "
            f"{SCHEMA_VERSION}).", hint="Update LTX Editor to open it.")
    if version < SCHEMA_VERSION:
        try:
            data = migrate(data, target=SCHEMA_VERSION)
        except ProjectFileError as e:
            raise ProjectFileError(f"{name}: {e.message}", hint=e.hint) from None
    try:
        return Project.model_validate(data)
    except ValidationError as e:
        raise ProjectFileError(f"{name} is not a valid project: {describe_validation_error(e)}.",
                               hint="The file may be damaged or edited by hand; try its .bak copy.") from None
    except (ValueError, TypeError, RecursionError) as e:
        raise ProjectFileError(f"{name} is not a valid project: {e}.") from None


def describe_validation_error(error: ValidationError) -> str:
    """Pydantic's errors as 'field.path: problem; ...' (the first few)."""
    parts = []
    errors = error.errors(include_url=False, include_input=False)
    for err in errors[:_SHOWN_ERRORS]:
        msg = err["msg"].removeprefix("Value error, ")
        where = _field_path(err["loc"])
        parts.append(f"{where}: {msg}" if where else msg)
    more = len(errors) - _SHOWN_ERRORS
    return "; ".join(parts) + (f" (and {more} more problems)" if more > 0 else "")


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _check_generated_paths(project: Project, source: Path) -> None:
    # Imported media are wherever the user picked them; generated media are ours and live in the project
    # folder, so a path leading out of it means a damaged or hostile file.
    for i, asset in enumerate(project.assets):
        if asset.kind != "generated":
            continue
        for j, take in enumerate(asset.takes):
            for attr in ("path", "sidecar"):
                stored = getattr(take, attr)
                if stored is not None and not is_inside_project(stored):
                    raise ProjectFileError(
                        f"{source.name} is not a valid project: assets[{i}].takes[{j}].{attr}: generated media "
                        f"must be inside the project folder, but it names {stored!r}.",
                        hint="The file may be damaged or edited by hand; try its .bak copy.")


def _mark_offline(project: Project, path: Path) -> list[str]:
    folder = os.path.dirname(os.path.abspath(path))
    missing = []
    isabs, join, exists = os.path.isabs, os.path.join, os.path.exists  # hot loop: one stat per take
    for asset in project.assets:
        offline = False
        for take in asset.takes:
            stored = take.path
            full = stored if isabs(stored) else join(folder, stored)
            if not exists(full):
                missing.append(full)
                offline = offline or take.id == asset.active_take_id
        if asset.offline != offline:
            asset.offline = offline
    return missing


# --- saving --------------------------------------------------------------------------------------------
def save_project(project: Project | ProjectSnapshot, path: str | Path) -> Path:
    """Write the project atomically; the previous file becomes `<file>.bak`; a stale autosave is removed.

    Refuses (ProjectReadOnly) a project file that is read-only: its owner made it so on purpose."""
    path = Path(path)
    refuse_read_only(path)
    flat_out = _Pauses(None)  # asked for: the caller waits for it
    _write_atomic(path, _encoded(project, flat_out), flat_out, backup=True, newer_than=autosave_path(path))
    discard_recovery(path)
    return path


def autosave(project: Project | ProjectSnapshot, path: str | Path) -> Path:
    """Write the recovery copy `<file>.autosave` atomically; the project file itself is untouched. It gives
    way: on a worker, it lets go of the GIL every _PAUSE_EVERY_S, so the GUI thread it runs beside stays smooth."""
    auto = autosave_path(path)
    gentle = _Pauses(_PAUSE_EVERY_S)
    _write_atomic(auto, _encoded(project, gentle), gentle, backup=False, newer_than=Path(path))
    return auto


def refuse_read_only(path: str | Path) -> None:
    """ProjectReadOnly when `path` exists and is not writable (0444, or not ours to write)."""
    try:
        st = os.stat(path)
    except OSError:
        return  # a new file: the folder decides
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise ProjectReadOnly(f"{Path(path).name} is read-only, so it was not replaced.",
                              hint="Use Save As to keep your work in another file.")


def recovery_available(path: str | Path) -> Path | None:
    """The autosave when it is newer than the project file (or the file was never saved), else None."""
    auto = autosave_path(path)
    try:
        auto_time = os.stat(auto).st_mtime_ns
    except OSError:
        return None
    try:
        file_time = os.stat(path).st_mtime_ns
    except OSError:
        return auto
    return auto if auto_time > file_time else None


def discard_recovery(path: str | Path) -> None:
    try:
        os.unlink(autosave_path(path))
    except FileNotFoundError:
        pass
    except OSError as e:
        raise ProjectFileError(f"Could not remove the recovery file: {e.strerror or e}.") from e


def encode(project: Project | ProjectSnapshot) -> bytes:
    """The file's bytes: pydantic's Rust JSON encoder (byte for byte `model_dump_json()`), in slices."""
    return b"".join(_encoded(project, _Pauses(None)))


def _encoded(project: Project | ProjectSnapshot, pause: _Pauses) -> list[Buffer]:
    """The file's bytes as pieces, written one after the other (never joined: one 5 MB copy held the GIL for
    milliseconds), in slices of about _SLICE_BYTES with a `pause` check between them.

    Nothing is validated here: every edit is validated when it is made, and every file when it is opened."""
    snap = project if isinstance(project, ProjectSnapshot) else take_snapshot(project)
    out: list[Buffer] = []
    try:
        _encode_into(out, snap.fields, pause)
    except (PydanticSerializationError, ValueError, TypeError, RecursionError) as e:
        raise ProjectFileError(f"The project was not saved because it cannot be written: {e}.",
                               hint="This is a bug in LTX Editor; the previous file is unchanged.") from None
    return out


def _encode_into(out: list[Buffer], value: object, pause: _Pauses) -> None:
    if type(value) is dict:
        sep = b"{"
        for k, v in value.items():
            out.append(sep + to_json(k) + b":")
            _encode_into(out, v, pause)
            sep = b","
        out.append(b"{}" if sep == b"{" else b"}")
    elif type(value) is list and value and type(value[0]) is dict:  # a few tracks, each with its clips
        sep = b"["
        for v in value:
            out.append(sep)
            _encode_into(out, v, pause)
            sep = b","
        out.append(b"]")
    elif type(value) is list and len(value) > _FIRST_SLICE:
        _encode_slices(out, value, pause)
    else:
        out.append(to_json(value))


def _encode_slices(out: list[Buffer], items: list, pause: _Pauses) -> None:
    # The first slice measures how big an item encodes; the next ones take as many items as fit _SLICE_BYTES
    # (an asset with its takes is ~650 bytes, a clip ~200: a count that suits clips made 6 ms slices of assets).
    start, n, sep = 0, _FIRST_SLICE, b"["
    while start < len(items):
        pause()
        piece = to_json(items[start:start + n])
        out.append(sep)
        out.append(memoryview(piece)[1:-1])  # without its brackets (a view, not a copy)
        start, sep = start + n, b","
        n = max(1, n * _SLICE_BYTES // len(piece))
    out.append(b"]")


class _Pauses:
    """Called often while saving: lets go of the GIL for a moment at least every `every_s` (None: never).

    Only a real sleep hands the GIL over. A thread waiting for it is woken when it is released, but a release
    taken back at once (sleep(0), each write) usually wins that race, and the waiter then waits out another
    5 ms switch interval (CPython's convoy effect): measured, GUI gaps of 5-12 ms."""

    __slots__ = ("_every", "_last")

    def __init__(self, every_s: float | None) -> None:
        self._every = every_s
        self._last = time.perf_counter()

    def __call__(self) -> None:
        if self._every is not None and time.perf_counter() - self._last >= self._every:
            time.sleep(_PAUSE_S)
            self._last = time.perf_counter()


def _write_atomic(target: Path, data: Iterable[Buffer], pause: _Pauses, *, backup: bool, newer_than: Path) -> None:
    """Replace `target` with `data` so that a crash at any moment leaves either the old or the new file.

    Writers of one folder take turns (a thread lock, and an flock on the folder across processes), so a
    temp file present while we hold the turn belongs to a writer that died: it is removed, and no writer
    ever removes another's file in flight."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix = f".{target.name}.tmp-"
    with _writers_turn(folder) as exclusive:
        _remove_stale(folder, prefix, exclusive)
        if backup:  # a real save also clears what a dead writer left of the autosave
            _remove_stale(folder, f".{autosave_path(target).name}.tmp-", exclusive)
        tmp = os.path.join(folder, prefix + secrets.token_hex(6))
        try:
            # Not mkstemp: its 0600 mode would replace the file's permissions; this honours the umask.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except OSError as e:
            raise ProjectFileError(f"Could not save {target.name}: {e.strerror or e}.",
                                   hint="Check that the folder exists and is writable.") from e
        try:
            with os.fdopen(fd, "wb") as f:
                for piece in data:  # big pieces go straight to the file, the GIL let go while each is written
                    f.write(piece)
                    pause()
                f.flush()
                _copy_mode(f.fileno(), target)
                _stamp_after(f.fileno(), newer_than)
                os.fsync(f.fileno())
            if backup and target.exists():
                _keep_backup(target, exclusive)
            os.replace(tmp, target)
        except OSError as e:
            _unlink_quietly(tmp)
            raise ProjectFileError(f"Could not save {target.name}: {e.strerror or e}. The previous version "
                                   "is unchanged.", hint="Free some disk space or choose another folder.") from e
        except BaseException:
            _unlink_quietly(tmp)
            raise
        _fsync_dir(folder)


@contextlib.contextmanager
def _writers_turn(folder: Path) -> Iterator[bool]:
    """Hold this folder's write turn; yields True when it is exclusive across processes (flock held)."""
    with _write_lock:
        fd = _open_folder(folder) if fcntl is not None else None
        try:
            yield fd is not None and _flock(fd, folder)
        finally:
            if fd is not None:
                os.close(fd)  # releases the flock


def _open_folder(folder: Path) -> int | None:
    try:
        return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None


def _flock(fd: int, folder: Path) -> bool:
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise ProjectFileError(f"Another program has been saving in {folder} for {LOCK_WAIT_S:.0f} s.",
                                       hint="Try again in a moment.") from None
            time.sleep(0.002)
        except OSError:
            return False  # e.g. a network file system without flock: only this process's writers take turns


def _copy_mode(fd: int, target: Path) -> None:
    try:
        mode = os.stat(target).st_mode & 0o7777
    except OSError:
        return
    if os.chmod in os.supports_fd:
        os.chmod(fd, mode)


def _stamp_after(fd: int, other: Path) -> None:
    # The newest of file and autosave is found by mtime; file systems stamp with a coarse clock, so give
    # this write a time strictly after the other file's, whatever the clock granularity.
    now = time.time_ns()
    with contextlib.suppress(OSError):
        now = max(now, os.stat(other).st_mtime_ns + 1)
    if os.utime in os.supports_fd:
        os.utime(fd, ns=(now, now))


def _keep_backup(target: Path, exclusive: bool) -> None:
    # A hard link makes the current file also the .bak without copying; the target name stays valid all
    # along, and os.replace then swaps in the new content. Fall back to a copy where links are refused.
    bak = backup_path(target)
    prefix = f".{bak.name}.tmp-"
    _remove_stale(target.parent, prefix, exclusive)
    tmp = os.path.join(target.parent, prefix + secrets.token_hex(6))
    try:
        try:
            os.link(target, tmp)
        except OSError:
            with open(target, "rb") as src, open(tmp, "xb") as dst:
                dst.write(src.read())
                dst.flush()
                os.fsync(dst.fileno())
        os.replace(tmp, bak)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    # When .bak already is a link to the file (a writer died between this step and its final replace),
    # rename() of one link onto another of the same inode does nothing and leaves the temp name behind.
    _unlink_quietly(tmp)


def _remove_stale(folder: Path, prefix: str, exclusive: bool) -> None:
    """Temp files of an earlier, interrupted write to the same target. Without the cross-process turn only
    old ones go (a live writer elsewhere finishes within seconds)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return
    oldest = time.time() - STALE_TEMP_S
    for n in names:
        full = os.path.join(folder, n)
        if not exclusive:
            try:
                if os.stat(full).st_mtime > oldest:
                    continue
            except OSError:
                continue
        _unlink_quietly(full)


def _unlink_quietly(path: str | os.PathLike) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows cannot open folders; os.replace is still atomic there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- relinking -----------------------------------------------------------------------------------------
def relink(project: Project, asset_id: str, new_path: str | Path, *, project_path: str | Path | None = None,
           take_id: str | None = None) -> Take:
    """Point a take (the active one by default) at `new_path`; the asset comes back online.

    With project_path the path is stored relative to the project when inside its folder.
    """
    asset = project.asset(asset_id)
    take = asset.take(take_id)
    if not os.path.isfile(new_path):
        raise MediaError(f"{new_path} does not exist or is not a file.")
    stored = store_path(project_path, new_path)
    if asset.kind == "generated" and not is_inside_project(stored):
        raise ProjectFileError(f"Generated media must be inside the project folder; {new_path} is not.",
                               hint="Copy the file into the project's media folder first.")
    # New versions of the take and the asset, not changes in place: a save in flight shares them.
    moved = take.model_copy(update={"path": stored})
    update = {"takes": [moved if t is take else t for t in asset.takes]}
    if take.id == asset.active_take_id:
        update["offline"] = False
    replace_asset(project, asset.model_copy(update=update))
    return moved
