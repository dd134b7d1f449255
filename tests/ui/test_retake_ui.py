"""Retake a range and fill a gap from the timeline's own QML, on the real AppController (worker thread, JobQueue,
intake, undo stack) and the tiny LTX model: timeline in/out range -> clip menu "Retake range…" -> cost shown ->
a new take of the clip, one undo step; right-click on a gap -> "Fill gap…" -> a clip exactly in the gap."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ltx_editor.core import timeline as tl
from ltx_editor.core.settings import GenerationMode
from ltx_editor.ui.timeline_controller import TimelineController
from tests.ui.timeline_helpers import center, scene_point
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import add_source_asset, wait_jobs_done


@pytest.fixture
def two_clips(app, source_video):
    """V1: the 25-frame source at [0, 25) and its last 20 frames at [35, 55): a 10-frame gap between them."""
    doc = app.document
    asset = add_source_asset(app, source_video)
    ids = []
    for start, first in ((0, 0), (35, 5)):
        edit = tl.insert_clip(doc.project, "v1", asset, start, in_frame=first, out_frame=25)
        doc.apply_edit(edit)
        ids.append(edit.created[0])
    return ids


def _timeline(qtbot, load_qml, app):
    view = load_qml("timeline/Timeline.qml", document=app.document, spans=app.spans, frames=app.frames,
                    retakes=app.retakes)
    ids = [c.id for c in app.document.project.track("v1").clips]
    qtbot.waitUntil(lambda: all(view.find(f"clip_{c}") is not None and view.find(f"clip_{c}").property("width") > 0
                                for c in ids))
    return view


def _clips(app):
    return [(c.id, c.start, c.end, c.take_id) for c in app.document.project.track("v1").clips]


def test_retake_range_from_the_clip_menu(qtbot, load_qml, app, two_clips):
    first, second = two_clips
    view = _timeline(qtbot, load_qml, app)
    view.root.findChild(TimelineController).setRange(8, 15)  # in/out points: frames 8..15 inclusive
    old_take = app.document.project.find_clip(first)[1].take_id
    menu = view.find("clipMenu")
    tl_click(view.window, center(view.find(f"clip_{first}")), button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: menu.property("opened"))
    item = view.find("retakeItem")
    qtbot.waitUntil(lambda: item.property("visible") and item.property("enabled") and item.property("width") > 0)
    tl_click(view.window, center(item))
    popup = view.find("retakePopup")
    qtbot.waitUntil(lambda: popup.property("visible"))
    summary = view.find("retakeSummary").property("text")
    assert "8 frames regenerated" in summary and "Cost" in summary  # what it does and costs, before queueing
    view.find("retakePrompt").setProperty("text", "a red ball")
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        tl_click(view.window, center(view.find("retakeSubmit")))
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.KEYFRAMES and job.request.prompt == "a red ball"
    assert [c.kind for c in job.request.conditions] == ["video", "video"]
    clips = _clips(app)
    assert clips[0][:3] == (first, 0, 25) and clips[0][3] != old_take  # same place, a new take
    assert clips[1][:3] == (second, 35, 55)
    assert app.document.undoText == "Retake range"
    app.document.undo()  # one step back to the old take
    assert app.document.project.find_clip(first)[1].take_id == old_take
    assert not app.errors


def test_fill_gap_from_a_right_click_on_the_track(qtbot, load_qml, app, two_clips):
    first, second = two_clips
    view = _timeline(qtbot, load_qml, app)
    row = view.find("trackRow_v1")
    px = view.root.property("ppf")
    gap_x = 30 * px - view.root.property("scrollX")
    tl_click(view.window, scene_point(row, gap_x, row.height() / 2), button=Qt.MouseButton.RightButton)
    menu = view.find("gapMenu")
    qtbot.waitUntil(lambda: menu.property("opened"))
    item = view.find("fillGapItem")
    qtbot.waitUntil(lambda: item.property("visible") and item.property("width") > 0)
    tl_click(view.window, center(item))
    qtbot.waitUntil(lambda: view.find("retakePopup").property("visible"))
    assert "Frames 25–34" in view.find("retakeSummary").property("text")
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        tl_click(view.window, center(view.find("retakeSubmit")))
    wait_jobs_done(qtbot, app, 1)
    clips = _clips(app)
    assert [c[1:3] for c in clips] == [(0, 25), (25, 35), (35, 55)]  # no gap, no overlap at either join
    assert app.document.undoText == "Fill gap"
    app.document.undo()
    assert [c[0] for c in _clips(app)] == [first, second]
    assert not app.errors


def test_two_takes_of_a_range_queue_as_one_batch_with_the_total_first(qtbot, app, two_clips):
    first, _ = two_clips
    preview = app.retakes.retakeTakesPreview(first, 8, 16, 2)
    assert preview["ok"] and preview["takes"] == 2 and preview["estimate"]  # cost before anything is queued
    assert not app.worker.queue.jobs
    with qtbot.waitSignal(app.retakes.queued) as queued:
        assert app.retakes.retakeTakes(first, 8, 16, "", 2)
    assert len(queued.args[0]) == 2
    jobs = wait_jobs_done(qtbot, app, 2)
    assert sorted(j.request.settings.seed for j in jobs) == [7, 8]  # the panel's seed, then the next
    qtbot.waitUntil(lambda: len(app.document.project.asset(app.document.project.find_clip(first)[1].asset_id)
                                .takes) == 3)
    assert not app.retakes.retakeTakes(first, 8, 16, "", 0)  # refused in words, nothing queued
    assert app.errors[-1][0].startswith("Takes: between 1 and 16") and len(app.worker.queue.jobs) == 2
