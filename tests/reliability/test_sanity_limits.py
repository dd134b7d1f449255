"""Sanity limits ask first (issue 16 item 8): a render past MAX_RENDER_HOURS never starts silently.

Hypothesis builds timelines around the limit (any rate, a still held up to 999,999,999 frames, clips far
along the timeline): core asks exactly when the timeline is longer than the limit. `ltx-editor render`
refuses such a timeline without `--yes` (exit 1, the question and the flag named, nothing written) and
starts it with `--yes` (then Ctrl-C leaves nothing). The editor's export controller asks through
confirmationNeeded, its dialog shows the question, and only startConfirmed starts the export.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMetaObject

from ltx_editor.core.limits import MAX_RENDER_HOURS, NeedsConfirmation, export_question, require_confirmation
from ltx_editor.core.project import MAX_FRAME, Asset, Clip, Project, ProjectSettings, Take, Track
from ltx_editor.core.project_io import save_project
from tests.fakes.media_factory import still
from tests.reliability.hardening import ROOT, changes, record_tally, run_cli, snapshot
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)

_tally = {"cases": 0, "crashes": 0, "modified": 0, "left": 0, "hangs": 0}
RATES = [1.0, 12.0, 23.976, 24.0, 25.0, 29.97, 30.0, 60.0, 120.0, 1000.0]


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_tally("sanity_limits", _tally)


def held_still(fps: float, start: int, frames: int, image: str = "still.png") -> Project:
    take = Take(id="t", path=image, frame_count=1, fps=fps, width=64, height=48)
    return Project(name="held", settings=ProjectSettings(width=64, height=48, fps=fps),
                   assets=[Asset(id="s", name="s", kind="image", active_take_id="t", takes=[take])],
                   tracks=[Track(id="v", kind="video", clips=[Clip(id="c", asset_id="s", take_id="t", start=start,
                                                                   out_frame=frames)])])


@settings(max_examples=60, deadline=None)
@given(fps=st.sampled_from(RATES), start=st.integers(0, 10_000_000), frames=st.integers(1, 999_999_999),
       near=st.booleans())
def test_core_asks_exactly_past_the_limit(fps, start, frames, near):
    limit = round(MAX_RENDER_HOURS * 3600 * fps)
    if near:  # half the examples land within a few frames of the limit
        start, frames = 0, max(1, limit + frames % 5 - 2)
    frames = min(frames, MAX_FRAME - start)
    project = held_still(fps, start, frames)
    question = export_question(project)
    _tally["cases"] += 1
    assert (question is not None) == ((start + frames) / fps > MAX_RENDER_HOURS * 3600), (fps, start, frames)
    # An in/out range (or another rate) is judged by what is really rendered: 48 frames never ask.
    assert export_question(project, frames=48, fps=fps) is None
    assert (export_question(project, frames=start + frames, fps=fps * 2) is not None) == (
        (start + frames) / (fps * 2) > MAX_RENDER_HOURS * 3600)
    if question is not None:
        assert f"{start + frames:,} frames" in question and "anyway?" in question
        with pytest.raises(NeedsConfirmation, match="Export it anyway"):
            require_confirmation(question, False, how="say yes")
        require_confirmation(question, True, how="say yes")  # confirmed: goes ahead


@pytest.fixture
def folder(tmp_path) -> Path:
    still(tmp_path / "still.png")
    return tmp_path


LONG = [(24.0, 0, 999_999_999), (24.0, 0, round(MAX_RENDER_HOURS * 3600 * 24) + 1), (1000.0, 0, MAX_FRAME),
        (23.976, 5_000_000, 1_000_000), (1.0, 0, 7201)]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("fps, start, frames", LONG)
def test_render_asks_instead_of_starting_a_days_long_encode(folder, fps, start, frames):
    save_project(held_still(fps, start, frames), folder / "p.ltxproj")
    before = snapshot(folder)
    t0 = time.monotonic()
    result = run_cli("render", str(folder / "p.ltxproj"), "-o", str(folder / "out.mp4"), timeout=60)
    _tally["cases"] += 1
    _tally["hangs"] += result.hung
    _tally["crashes"] += bool(result.tracebacks)
    modified, added = changes(before, snapshot(folder))
    _tally["modified"] += len(modified)
    _tally["left"] += len(added)
    assert result.returncode == 1 and not result.tracebacks, result.stderr
    assert "Export it anyway?" in result.stderr and "--yes" in result.stderr
    assert not modified and not added, (modified, added)
    assert time.monotonic() - t0 < 60


@pytest.mark.timeout(300)
def test_render_with_yes_starts_and_ctrl_c_leaves_nothing(folder):
    save_project(held_still(24.0, 0, 999_999_999), folder / "p.ltxproj")
    before = snapshot(folder)
    # A run started in the background by a script (`cmd &` without job control) ignores SIGINT, and a child
    # inherits that: Python then never raises KeyboardInterrupt. A handler of ours resets to the default at
    # exec, so the CLI starts as one started from a terminal does, whatever started this test run.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "ltx_editor.cli", "render", str(folder / "p.ltxproj"), "-o",
                                 str(folder / "out.mp4"), "--yes"], cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        deadline = time.monotonic() + 120
        while not any(n.endswith(".part.mp4") for n in os.listdir(folder)):  # the encode has begun
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate(timeout=10)
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _tally["cases"] += 1
    modified, added = changes(before, snapshot(folder))
    _tally["left"] += len(added)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert not modified and not added, (modified, added)


@pytest.mark.timeout(300)
def test_the_editor_asks_and_starts_only_when_confirmed(main_window, qtbot, folder):
    save_project(held_still(24.0, 0, 999_999_999), folder / "p.ltxproj")
    app = main_window.app
    assert app.openProjectFile(str(folder / "p.ltxproj"), False)
    exporter = app.exporter
    before = snapshot(folder)
    with qtbot.waitSignal(exporter.confirmationNeeded, timeout=10_000) as asked:
        assert not exporter.start(str(folder / "out.mp4"))
    _tally["cases"] += 1
    assert "Export it anyway?" in asked.args[0] and asked.args[1] == str(folder / "out.mp4")
    assert not exporter.property("running") and changes(before, snapshot(folder)) == ([], [])
    dialog = main_window.find("exportConfirmDialog")
    qtbot.waitUntil(lambda: dialog.property("visible"), timeout=20_000)
    assert dialog.property("question") == asked.args[0]
    QMetaObject.invokeMethod(dialog, "reject")  # "Don't export": nothing starts
    qtbot.waitUntil(lambda: not dialog.property("visible"), timeout=20_000)
    assert not exporter.property("running")

    ended: list[tuple] = []  # whichever way it ends, with its words (a failure must say why)
    exporter.cancelled.connect(lambda: ended.append(("cancelled",)))
    exporter.failed.connect(lambda message, hint: ended.append(("failed", message, hint)))
    exporter.finished.connect(lambda path: ended.append(("finished", path)))
    assert exporter.startConfirmed(str(folder / "out.mp4"))
    assert exporter.property("running")
    exporter.cancel()
    qtbot.waitUntil(lambda: bool(ended), timeout=60_000)
    assert ended == [("cancelled",)], ended
    _tally["cases"] += 1
    modified, added = changes(before, snapshot(folder))
    _tally["left"] += len(added)
    assert not modified and not added, (modified, added)
