"""One project, one editor: the lock beside the project names its holder, frees itself when the holder dies,
and never stops this process's own windows."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ltx_editor.core import project_lock
from ltx_editor.core.project_lock import LockOwner, ProjectLocked, acquire, lock_path, owner

ROOT = str(Path(__file__).resolve().parents[2])
HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from ltx_editor.core.project_lock import acquire
    lock = acquire(sys.argv[1])
    print("held", flush=True)
    sys.stdin.readline()
    lock.release()
""")


@pytest.fixture
def holder(tmp_path):
    """Another editor process holding the lock of tmp_path/film.ltxproj."""
    path = tmp_path / "film.ltxproj"
    path.write_text("{}")
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), ROOT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield path, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def test_lock_names_host_pid_user_and_time_and_goes_with_release(tmp_path):
    path = tmp_path / "film.ltxproj"
    lock = acquire(path)
    data = json.loads(lock_path(path).read_text())
    assert data["pid"] == os.getpid() and data["host"] and data["since"].endswith("+00:00")
    assert lock_path(path).name == ".~lock.film.ltxproj#"
    assert owner(path) is None  # this process is not "another editor"
    again = acquire(path)  # a second window of this process shares it
    assert not again.owned
    again.release()
    assert lock_path(path).exists()
    lock.release()
    assert not lock_path(path).exists()


def test_another_live_editor_is_named(holder):
    path, proc = holder
    found = owner(path)
    assert found is not None and found.pid == proc.pid
    with pytest.raises(ProjectLocked, match=rf"film\.ltxproj is open in another editor: .*process {proc.pid}") as e:
        acquire(path)
    assert e.value.owner.pid == proc.pid and "read-only" in e.value.hint
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(10)
    assert owner(path) is None and not lock_path(path).exists()
    acquire(path).release()


def test_the_lock_of_a_killed_editor_is_stale(holder):
    path, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert lock_path(path).exists()  # left behind by kill -9 ...
    assert owner(path) is None  # ... but nobody holds it
    lock = acquire(path)
    assert lock.owned and json.loads(lock_path(path).read_text())["pid"] == os.getpid()
    lock.release()


def test_without_flock_a_dead_pid_on_this_host_is_stale(tmp_path, monkeypatch):
    monkeypatch.setattr(project_lock, "_try_flock", lambda fd: None)  # e.g. a network share
    path = tmp_path / "film.ltxproj"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    me = project_lock._me()
    lock_path(path).write_text(json.dumps({"host": me.host, "pid": dead.pid, "user": "x", "since": ""}))
    assert owner(path) is None
    lock = acquire(path)
    assert lock.owned and json.loads(lock_path(path).read_text())["pid"] == os.getpid()
    lock.release()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock_path(path).write_text(json.dumps({"host": me.host, "pid": live.pid}))
        with pytest.raises(ProjectLocked):
            acquire(path)
        lock_path(path).write_text(json.dumps({"host": "elsewhere.example", "pid": 1}))
        assert owner(path) == LockOwner(host="elsewhere.example", pid=1)  # another host: assumed alive
    finally:
        live.kill()
        live.wait()


@pytest.mark.parametrize("content", ["", "{", "[]", '{"host": 1}', '{"pid": "x", "host": "h"}', "\0" * 10])
def test_a_damaged_lock_file_names_nobody_and_is_taken_over(tmp_path, content):
    path = tmp_path / "film.ltxproj"
    lock_path(path).write_text(content)
    assert owner(path) is None
    lock = acquire(path)
    assert lock.owned
    lock.release()


def test_a_read_only_folder_cannot_be_locked_but_opens(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "film.ltxproj"
    path.write_text("{}")
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not stop this user")
        lock = acquire(path)
        assert not lock.owned and not lock_path(path).exists()
        lock.release()
    finally:
        folder.chmod(0o755)


def test_describe_reads_like_a_sentence():
    text = LockOwner(host="studio", pid=42, user="ana", since="2026-12-01T08:00:00+00:00").describe()
    assert text == "ana on studio (process 42) since 2026-12-01 08:00:00 UTC"


def test_a_planted_link_or_fifo_under_the_lock_name_is_never_written_through(tmp_path):
    path = tmp_path / "film.ltxproj"
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    lock_path(path).symlink_to(victim)
    lock = acquire(path)  # opens, unlocked, instead of truncating the link's target
    assert not lock.owned and victim.read_text() == "keep me"
    assert owner(path) is None
    lock.release()
    assert victim.read_text() == "keep me" and lock_path(path).is_symlink()
    lock_path(path).unlink()
    os.mkfifo(lock_path(path))
    lock = acquire(path)  # returns at once (no hang on the FIFO)
    assert not lock.owned and owner(path) is None
    lock.release()
