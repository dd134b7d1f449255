"""Disk trouble: a full disk during project save, autosave, result download and export.

Two ways to fill the disk: RLIMIT_FSIZE in a child process (a write past the limit fails with EFBIG;
works everywhere on POSIX), and — where this machine lets us mount one — a real 1 MiB tmpfs that runs
out of space (ENOSPC). Either way: a clear LtxEditorError, the previous file byte for byte intact, and
no temporary file left behind.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ltx_editor.core.errors import ProjectFileError
from ltx_editor.core.project import Marker
from ltx_editor.core.project_io import autosave, autosave_path, load_project, save_project
from ltx_editor.generation.download import DownloadOptions, download_file
from ltx_editor.generation.errors import DownloadError
from tests.fakes.http_fault import LoopbackServer, fake_mp4
from tests.fakes.projects import make_project
from tests.reliability.record import record

CHILD = Path(__file__).with_name("disk_child.py")
_tally = {"cases": 0, "crashes": 0, "data_lost": 0}


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """Record what this module tried, whichever of its tests ran (each test asserts on its own cases)."""
    yield
    record("disk_full", cases=_tally["cases"], crashes=_tally["crashes"], data_lost=_tally["data_lost"])


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and tmpfs are POSIX")


def _child(*args: object) -> dict:
    out = subprocess.run([sys.executable, str(CHILD), *map(str, args)], capture_output=True, text=True, timeout=120)
    lines = out.stdout.strip().splitlines()
    assert lines, f"the child printed nothing; stderr:\n{out.stderr[-2000:]}"
    result = json.loads(lines[-1])
    _tally["cases"] += 1
    if not result["ok"] and not result.get("clear"):
        _tally["crashes"] += 1
    return result


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _check_intact(before: dict[str, bytes], folder: Path) -> None:
    after = _snapshot(folder)
    lost = [n for n in before if after.get(n) != before[n]]
    extra = sorted(set(after) - set(before))
    _tally["data_lost"] += len(lost)
    assert not lost, f"changed or lost: {lost}"
    assert not extra, f"left behind: {extra}"


@pytest.mark.parametrize("headroom", [0, 1, 4096, 60_000])
@pytest.mark.parametrize("action", ["save", "autosave"])
def test_file_size_limit_during_save_keeps_the_previous_file(tmp_path, action, headroom):
    project, path = make_project(tmp_path, n_clips=12)
    save_project(project, path)
    autosave(project, path)  # an earlier autosave that must survive a failed one
    limit = max(path.stat().st_size, autosave_path(path).stat().st_size) + headroom
    before = _snapshot(tmp_path)
    result = _child(limit, action, path, 2000)  # 2,000 markers: far more than the limit allows
    assert not result["ok"], "the write should not fit"
    assert result["type"] == "ProjectFileError", result["message"]
    assert "previous version is unchanged" in result["message"] and "disk space" in result["message"]
    _check_intact(before, tmp_path)
    assert load_project(path).project.model_dump() == project.model_dump()


def test_a_save_that_fits_the_limit_still_succeeds(tmp_path):
    project, path = make_project(tmp_path, n_clips=12)
    save_project(project, path)
    result = _child(10 * 1024 * 1024, "save", path, 50)
    assert result == {"ok": True, "type": "", "message": ""}
    assert len(load_project(path).project.markers) == len(project.markers) + 50


@pytest.fixture(scope="module")
def file_host():
    with LoopbackServer() as server:
        yield server


@pytest.mark.parametrize("limit", [0, 10_000, 300_000])
def test_file_size_limit_during_download_gives_a_clear_error(tmp_path, file_host, limit):
    url = file_host.add_file("big.mp4", fake_mp4("big", 512 * 1024))
    (tmp_path / "keep.mp4").write_bytes(b"earlier clip")
    before = _snapshot(tmp_path)
    result = _child(limit, "download", url, tmp_path / "result.mp4")
    assert result["type"] == "DownloadError", result["message"]
    assert "disk" in result["message"].lower()
    _check_intact(before, tmp_path)


def _film(folder: Path) -> tuple[Path, Path]:
    """A saved project with one 4-second clip, and an earlier export of it at renders/film.mp4."""
    from ltx_editor.core.export import export_timeline
    from ltx_editor.core.media import import_media
    from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
    from tests.fakes.media_factory import sample_video

    project, path = Project(settings=ProjectSettings(fps=24, width=320, height=240)), folder / "film.ltxproj"
    asset = import_media(project, path, sample_video(folder / "media" / "a.mp4", frames=96, size=(320, 240)))
    project.assets.append(asset)
    project.tracks = [Track(id="v1", kind="video", clips=[Clip(id="c", asset_id=asset.id,
                                                                take_id=asset.active_take_id, start=0,
                                                                in_frame=0, out_frame=90)])]
    save_project(project, path)
    out = folder / "renders" / "film.mp4"
    export_timeline(project, path, out)
    return path, out


@pytest.mark.parametrize("headroom", [0, 20_000])
def test_file_size_limit_during_export_keeps_the_previous_export(tmp_path, headroom):
    path, out = _film(tmp_path)
    before = _snapshot(tmp_path)
    result = _child(headroom, "export", path, out)
    assert result["type"] == "MediaError", result["message"]
    assert "disk" in result["message"].lower() and out.name in result["message"]
    _check_intact(before, tmp_path)


# -- a real full disk -----------------------------------------------------------------------------------------
@contextlib.contextmanager
def _tiny_tmpfs(size_kib: int):
    folder = Path(tempfile.mkdtemp(prefix="ltx-full-"))
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
                        capture_output=True).returncode == 0 if hasattr(os, "geteuid") and os.geteuid() == 0 else False
    try:
        yield folder if ok else None
    finally:
        if ok:
            subprocess.run(["umount", str(folder)], capture_output=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):  # unbuffered, so "full" is reached here and not at close
            while os.write(fd, b"\0" * 512):
                pass
    finally:
        os.close(fd)


@pytest.fixture
def full_disk():
    with _tiny_tmpfs(1024) as folder:
        if folder is None:  # the RLIMIT_FSIZE tests above cover the same paths everywhere
            pytest.skip("cannot mount a tmpfs here (needs root); RLIMIT_FSIZE tests cover this")
        yield folder


def test_a_really_full_disk_during_save_autosave_and_download(full_disk, file_host):
    project, path = make_project(full_disk, n_clips=6)
    save_project(project, path)
    autosave(project, path)
    _fill(full_disk)
    before = _snapshot(full_disk)
    project.markers += [Marker(id=f"full{i}", frame=i, name="n" * 100) for i in range(300)]
    for write in (save_project, autosave):
        _tally["cases"] += 1
        with pytest.raises(ProjectFileError, match="No space left on device.*previous version is unchanged"):
            write(project, path)
        _check_intact(before, full_disk)
    _tally["cases"] += 1
    url = file_host.add_file("full.mp4", fake_mp4("full", 256 * 1024))
    with pytest.raises(DownloadError, match="(?i)disk"):
        asyncio.run(download_file(url, full_disk / "r.mp4", options=DownloadOptions(retries=0)))
    _check_intact(before, full_disk)
    _tally["cases"] += 1
    from ltx_editor.core.errors import MediaError
    from ltx_editor.core.export import export_timeline

    (full_disk / "filler.bin").unlink()
    film, out = _film(full_disk / "film")
    _fill(full_disk)
    before = _snapshot(full_disk)
    with pytest.raises(MediaError, match="(?i)disk"):
        export_timeline(load_project(film).project, film, out)
    _check_intact(before, full_disk)
    (full_disk / "filler.bin").unlink()  # space again: the next save works and keeps everything
    save_project(project, path)
    assert len(load_project(path).project.markers) == len(project.markers)
