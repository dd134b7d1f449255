"""Crash during export: SIGKILL a real child process running export_timeline at >= 200 random moments.

After every kill: the file at the target name is absent or a complete export (the right size, rate and
frame count — never half a file), no other visible file appears, no ffmpeg the dead editor started is
left running, and the project still opens. At the end one more export runs cleanly and leaves no
temporary file from the crashed ones behind.
"""
from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from ltx_editor.core.export import export_timeline
from ltx_editor.core.media import import_media, probe
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.core.project_io import load_project, save_project
from tests.fakes.media_factory import sample_video, still
from tests.reliability.fork_server import ForkServer, kill_and_wait, wait_for_one_more_line
from tests.reliability.record import record

KILLS = 200
FINISH_FIRST = 8  # every 8th worker completes an export before its kill: kills land between exports too
MAX_DELAY_S = 0.25  # at least: about one export's length on an idle machine (measured again in the test)
CHILD = Path(__file__).with_name("export_crash_child.py")
W, H, FPS = 64, 48, 24

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc").is_dir(), reason="needs fork and /proc")


def _project(folder: Path) -> tuple[Path, int]:
    project, path = Project(settings=ProjectSettings(fps=FPS, width=W, height=H)), folder / "film.ltxproj"
    media = folder / "media"
    files = [sample_video(media / "a.mp4", frames=24), sample_video(media / "b.mp4", frames=16, size=(80, 40)),
             still(media / "c.png", size=(30, 30))]
    assets = [import_media(project, path, f) for f in files]
    project.assets += assets
    clips, start = [], 0
    for i, (asset, length) in enumerate(zip(assets, (20, 16, 12), strict=True)):
        clips.append(Clip(id=f"c{i}", asset_id=asset.id, take_id=asset.active_take_id, start=start, in_frame=0,
                          out_frame=length))
        start += length + 4  # gaps of black
    project.tracks = [Track(id="v1", kind="video", clips=clips)]
    save_project(project, path)
    return path, start - 4


def _ffmpegs_in(folder: Path) -> list[int]:
    """Running ffmpeg processes whose command line names `folder` (ours, even when orphaned)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ffmpeg" in cmd and str(folder).encode() in cmd:
            found.append(int(entry))
    return found


def _describe(pid: int) -> str:
    """A running process's state, parent and command line (for a report on one that outlived its editor)."""
    try:
        status = dict(ln.split(":\t", 1) for ln in Path(f"/proc/{pid}/status").read_text().splitlines() if ":\t" in ln)
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return f"{pid}: gone"
    return f"{pid}: {status.get('State', '?').strip()}, parent {status.get('PPid', '?').strip()}, {cmd[:300]}"


def _exports(log: Path) -> int:
    """Exports the workers completed so far (each appends a line)."""
    return len(log.read_text().splitlines())


@pytest.mark.slow
def test_sigkill_during_export_never_leaves_half_a_file(tmp_path):
    path, frames = _project(tmp_path)
    out_dir = tmp_path / "renders"
    out_dir.mkdir()
    out, log = out_dir / "film.mp4", tmp_path / "exports.log"
    log.touch()
    rng = random.Random(20261125)
    # Kills land in every phase of an export: delays up to a bit more than one export takes on this machine
    # now (a busy machine, or an export that also probes its result, takes longer than MAX_DELAY_S).
    t_export = time.monotonic()
    export_timeline(load_project(path).project, path, tmp_path / "timing.mp4")
    max_delay = max(MAX_DELAY_S, 1.3 * (time.monotonic() - t_export))
    server = ForkServer(CHILD, path, out, log)
    seen: dict[tuple[int, int], bool] = {}
    bad_outputs = orphans = stray = mid_export = 0
    slow: list[str] = []  # ffmpeg still running 15 s after its editor died: what they were doing
    t0 = time.monotonic()
    try:
        for i in range(KILLS):
            pid = server.fork()
            if i % FINISH_FIRST == 0:  # let this one complete an export first, however slow the machine is
                wait_for_one_more_line(log, pid)
            time.sleep(rng.uniform(0.0, max_delay))
            kill_and_wait(pid)
            # ffmpeg dies with the editor (low_priority: parent-death signal); one started in the instant the
            # editor died, before that signal was set, ends with its encode. Waited for, not slept: the loop ends
            # when it is gone. One still running after 15 s is described; one after 60 s counts as an orphan.
            end = time.monotonic() + 15.0
            while _ffmpegs_in(tmp_path) and time.monotonic() < end:
                time.sleep(0.01)
            if _ffmpegs_in(tmp_path):
                slow.extend(_describe(p) for p in _ffmpegs_in(tmp_path))
                end = time.monotonic() + 45.0
                while _ffmpegs_in(tmp_path) and time.monotonic() < end:
                    time.sleep(0.05)
            left = _ffmpegs_in(tmp_path)
            orphans += len(left)
            for p in left:  # do not let them pile up on a 2-core machine (and count them as failures)
                os.kill(p, signal.SIGKILL)
            names = os.listdir(out_dir)
            stray += len([n for n in names if not n.startswith(".") and n != out.name])
            mid_export += any(n.startswith(".") for n in names)
            if out.exists():
                st = out.stat()
                key = (st.st_size, st.st_mtime_ns)
                if key not in seen:
                    try:
                        info = probe(out)
                        seen[key] = (info.width, info.height, info.fps, info.frame_count) == (W, H, FPS, frames)
                    except Exception:
                        seen[key] = False
                bad_outputs += not seen[key]
            load_project(path)  # raises if the project were damaged
    finally:
        server.close()
    completed = _exports(log)
    export_timeline(load_project(path).project, path, out)  # the next export works and tidies up
    leftovers = sorted(n for n in os.listdir(out_dir) if n != out.name)
    record("crash_export", cases=KILLS, crashes=bad_outputs + orphans, data_lost=bad_outputs + len(leftovers),
           note=f"{completed} exports completed between kills, {mid_export} kills left a temp file")
    print(f"\n{KILLS} kills in {time.monotonic() - t0:.0f} s: {completed} exports completed, {mid_export} kills "
          f"mid-export, {len(seen)} distinct outputs checked, {orphans} orphaned ffmpeg, leftovers {leftovers}, "
          f"{len(slow)} ffmpeg ended 15-60 s after their editor: {slow}")
    assert bad_outputs == 0, "a half-written or wrong file sat at the target name"
    assert stray == 0
    assert orphans == 0, f"ffmpeg kept running after the editor died: {slow}"
    assert leftovers == [], "temp files of killed exports were never cleaned up"
    assert completed >= KILLS // FINISH_FIRST and mid_export > KILLS // 4  # kills between and inside exports
    assert probe(out).frame_count == frames
