"""One project, one editor: a lock file beside the project while an editor has it open.

`.~lock.<file>#` (LibreOffice's name for the same thing) holds who has the project: host, pid, user and
since when. The holder keeps an flock on it, so the lock of an editor that died (even by kill -9) is free at
once; where flock is not available (some network file systems, Windows), a lock whose process is gone on
this same host is stale. Windows of one process share their project: the lock guards against *another*
editor. Opening a locked project read-only or "anyway" is the person's choice (the UI asks).
"""
from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
import stat
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import ProjectFileError
from .safe_files import read_bytes

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

MAX_LOCK_BYTES = 4096
# Never through a symlink (a planted link must not make us truncate its target), never blocking (a FIFO).
_OPEN = (os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))


@dataclass(frozen=True)
class LockOwner:
    host: str
    pid: int
    user: str = ""
    since: str = ""  # ISO 8601, UTC

    def describe(self) -> str:
        who = f"{self.user} on {self.host}" if self.user else self.host
        when = f" since {self.since.replace('T', ' ').removesuffix('+00:00')} UTC" if self.since else ""
        return f"{who} (process {self.pid}){when}"

    @property
    def is_this_process(self) -> bool:
        return self.host == socket.gethostname() and self.pid == os.getpid()


class ProjectLocked(ProjectFileError):
    """Another editor has the project open."""

    def __init__(self, project: Path, owner: LockOwner) -> None:
        super().__init__(f"{project.name} is open in another editor: {owner.describe()}.",
                         hint="Open it read-only, open it anyway (your saves and theirs will overwrite each "
                              "other), or cancel.")
        self.owner = owner


def lock_path(project_path: str | Path) -> Path:
    p = Path(os.path.abspath(project_path))  # one spelling per file, so a document recognises its own lock
    return p.with_name(f".~lock.{p.name}#")


class ProjectLock:
    """A held lock (release it when the project closes); `owned` is False when this process already had it."""

    def __init__(self, path: Path, fd: int | None, owned: bool) -> None:
        self.path, self._fd, self.owned = path, fd, owned

    def release(self) -> None:
        if self._fd is None and not self.owned:
            return
        if self.owned:
            with contextlib.suppress(OSError):
                os.unlink(self.path)  # unlinked before the flock goes, so nobody inherits a dying file
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd, self.owned = None, False


def acquire(project_path: str | Path) -> ProjectLock:
    """Lock `project_path` for this editor; ProjectLocked (naming the owner) when another editor has it."""
    project_path = Path(project_path)
    path = lock_path(project_path)
    for _ in range(5):  # the holder may release between our open and our flock: try again on a fresh file
        try:
            fd = os.open(path, _OPEN | os.O_CREAT, 0o644)
        except OSError as exc:
            if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.ELOOP, errno.ENXIO):
                return ProjectLock(path, None, owned=False)  # read-only folder, or a planted link/special file
            raise ProjectFileError(f"Could not lock {project_path.name}: {exc.strerror or exc}.") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or device planted under the lock's name
            os.close(fd)
            return ProjectLock(path, None, owned=False)
        state = _try_flock(fd)
        if state is None:  # no flock here: decide by the recorded owner
            os.close(fd)
            return _acquire_by_pid(project_path, path)
        if not state:
            owner = _read_owner(path)
            os.close(fd)
            if owner is None or owner.is_this_process:
                return ProjectLock(path, None, owned=False)
            raise ProjectLocked(project_path, owner)
        if not _same_file(fd, path):
            os.close(fd)
            continue
        _write_owner(fd)
        return ProjectLock(path, fd, owned=True)
    raise ProjectFileError(f"Could not lock {project_path.name}: its lock file keeps changing.")


def owner(project_path: str | Path) -> LockOwner | None:
    """The *other* editor that has `project_path` open now, or None (free, stale, or this process)."""
    path = lock_path(project_path)
    found = _read_owner(path)
    if found is None or found.is_this_process:
        return None
    try:
        fd = os.open(path, _OPEN)
    except OSError:
        return found if _alive(found) else None
    try:
        state = _try_flock(fd)
    finally:
        os.close(fd)  # also lets go of the flock if we just got it: we only looked
    if state is None:
        return found if _alive(found) else None
    return None if state else found


def _try_flock(fd: int) -> bool | None:
    """True: got it; False: another process holds it; None: flock is not supported here."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return None


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _me() -> LockOwner:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (e.g. a container without passwd entry)
        user = ""
    return LockOwner(host=socket.gethostname(), pid=os.getpid(), user=user,
                     since=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _write_owner(fd: int) -> None:
    data = json.dumps(asdict(_me())).encode()
    with contextlib.suppress(OSError):  # the name is for the dialog; the flock is what holds
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)


def _read_owner(path: Path) -> LockOwner | None:
    try:
        raw = read_bytes(path, what="lock file", max_bytes=MAX_LOCK_BYTES, error=ProjectFileError)
        data = json.loads(raw)
        return LockOwner(host=str(data["host"]), pid=int(data["pid"]), user=str(data.get("user", "")),
                         since=str(data.get("since", "")))
    except (ProjectFileError, OSError, ValueError, KeyError, TypeError):
        return None  # missing, empty (being written), damaged or not a regular file: nobody we can name


def _alive(found: LockOwner) -> bool:
    """Whether the recorded owner may still run: on another host we cannot tell, so we assume it does."""
    if found.host != socket.gethostname():
        return True
    try:
        os.kill(found.pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _acquire_by_pid(project_path: Path, path: Path) -> ProjectLock:
    found = _read_owner(path)
    if found is not None and not found.is_this_process and _alive(found):
        raise ProjectLocked(project_path, found)
    if found is not None and found.is_this_process:
        return ProjectLock(path, None, owned=False)
    tmp = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _write_owner(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ProjectFileError(f"Could not lock {project_path.name}: {exc.strerror or exc}.") from None
    return ProjectLock(path, None, owned=True)
