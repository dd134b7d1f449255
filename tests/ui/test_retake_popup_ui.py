"""The retake popup's own controls through the timeline's real QML, on the real AppController: "N takes" with a
sweep over one setting (the batch's total cost first), and the gap fill's "Suggest" (the prompt enhancer on a
loopback chat server writes the in-between from the neighbours' recipes; failures said in words, never
blocking the fill). The video/audio/both switch against the loopback fal is in test_retake_sound_ui.py."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtTest import QTest

from ltx_editor.core import timeline as tl
from ltx_editor.core.project_io import media_dir
from ltx_editor.generation.landing import add_result
from tests.fakes.chat_server import FakeChatServer
from tests.ui.helpers_app import type_text
from tests.ui.test_retake_ui import _timeline
from tests.ui.timeline_helpers import center, scene_point
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import wait_jobs_done

REPLY = "The cat pauses at the water's edge, turns its head towards the waves, then walks on along the wet sand."


@pytest.fixture
def two_clips(app, source_video):
    """V1: the tiny source (with its recipe) at [0, 25) and its last 20 frames at [35, 55): a 10-frame gap."""
    doc = app.document
    folder = media_dir(doc.working_path)
    folder.mkdir(parents=True, exist_ok=True)
    video = shutil.copy2(source_video.video_path, folder / source_video.video_path.name)
    sidecar = shutil.copy2(source_video.sidecar_path, folder / source_video.sidecar_path.name)
    asset, _ = add_result(doc.project, doc.working_path,
                          source_video.model_copy(update={"video_path": video, "sidecar_path": sidecar}), "source")
    doc.mark_dirty("bin")
    ids = []
    for start, first in ((0, 0), (35, 5)):
        edit = tl.insert_clip(doc.project, "v1", asset.id, start, in_frame=first, out_frame=25)
        doc.apply_edit(edit)
        ids.append(edit.created[0])
    return ids


def _open_retake(qtbot, view, clip_id, start, end):
    QMetaObject.invokeMethod(view.root, "openRetake", Qt.ConnectionType.DirectConnection, Q_ARG("QVariant", clip_id),
                             Q_ARG("QVariant", start), Q_ARG("QVariant", end))
    popup = view.find("retakePopup")
    qtbot.waitUntil(lambda: popup.property("opened"))
    return popup


def _key(qtbot, view, name, *keys):
    """Focus a control of the popup and press keys on it, as a person would."""
    item = view.find(name)
    qtbot.waitUntil(lambda: item.property("visible") and item.property("width") > 0)
    QMetaObject.invokeMethod(item, "forceActiveFocus", Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(lambda: item.hasActiveFocus())
    for key in keys:
        QTest.keyClick(view.window, key)


def _summary(view) -> str:
    return view.find("retakeSummary").property("text")


def test_n_takes_sweeping_guidance_from_the_retake_popup_total_cost_first(qtbot, load_qml, app, two_clips):
    first, _ = two_clips
    view = _timeline(qtbot, load_qml, app)
    _open_retake(qtbot, view, first, 8, 16)
    assert not view.find("retakeSound").property("visible")  # LTX-Video makes no sound: no video/audio switch
    assert "1 take(s)" in _summary(view)
    _key(qtbot, view, "retakeCount", Qt.Key.Key_Up)  # 2 takes
    qtbot.waitUntil(lambda: "2 take(s)" in _summary(view) and "Cost" in _summary(view))
    _key(qtbot, view, "retakeSetting", Qt.Key.Key_Down)  # vary the guidance
    values = view.find("retakeValues")
    qtbot.waitUntil(lambda: values.property("visible"))
    qtbot.waitUntil(lambda: "needs 2 values" in _summary(view))  # refused in words before anything is queued
    assert not view.find("retakeSubmit").property("enabled")
    _key(qtbot, view, "retakeValues")
    type_text(view.window, "1, 2.5")
    qtbot.waitUntil(lambda: "2 take(s)" in _summary(view) and view.find("retakeSubmit").property("enabled"))
    assert not app.worker.queue.jobs  # the total came first
    with qtbot.waitSignal(app.retakes.queued, timeout=20_000) as queued:
        tl_click(view.window, center(view.find("retakeSubmit")))
    assert len(queued.args[0]) == 2
    jobs = wait_jobs_done(qtbot, app, 2)
    assert sorted(j.request.settings.guidance_scale for j in jobs) == [1.0, 2.5]
    assert {j.request.settings.seed for j in jobs} == {7}  # only the swept setting differs
    asset = app.document.project.find_clip(first)[1].asset_id
    qtbot.waitUntil(lambda: len(app.document.project.asset(asset).takes) == 3, timeout=20_000)
    assert not app.errors


def _open_gap(qtbot, view):
    row = view.find("trackRow_v1")
    gap_x = 30 * view.root.property("ppf") - view.root.property("scrollX")
    tl_click(view.window, scene_point(row, gap_x, row.height() / 2), button=Qt.MouseButton.RightButton)
    item = view.find("fillGapItem")
    qtbot.waitUntil(lambda: item.property("visible") and item.property("width") > 0)
    tl_click(view.window, center(item))
    qtbot.waitUntil(lambda: view.find("retakePopup").property("opened"))
    suggest = view.find("gapSuggest")
    qtbot.waitUntil(lambda: suggest.property("visible") and suggest.property("enabled"))
    return suggest


def test_gap_fill_prompt_suggested_from_the_neighbours_recipes(qtbot, load_qml, app, two_clips):
    with FakeChatServer(reply=REPLY) as server:
        app.preferences.values.enhance_endpoint = server.base_url
        app.preferences.values.enhance_model = "tiny-chat"
        view = _timeline(qtbot, load_qml, app)
        suggest = _open_gap(qtbot, view)
        prompt = view.find("retakePrompt")
        _key(qtbot, view, "retakePrompt")
        type_text(view.window, "the cat turns")
        tl_click(view.window, center(suggest))
        qtbot.waitUntil(lambda: prompt.property("text") == REPLY, timeout=20_000)  # filled in, off the GUI thread
        qtbot.waitUntil(lambda: suggest.property("enabled"))
    ((_, _, body),) = server.requests
    asked = body["messages"][-1]["content"]
    # both neighbours' recipe prompt (the tiny source's) and the person's words for the middle
    assert "The shot before shows: a cat walks on the beach" in asked
    assert "The shot after shows: a cat walks on the beach" in asked and "In between: the cat turns" in asked
    _key(qtbot, view, "retakePrompt", Qt.Key.Key_End)
    type_text(view.window, " At dusk.")
    assert prompt.property("text") == REPLY + " At dusk."  # the suggestion stays editable
    assert view.find("retakeSubmit").property("enabled") and not app.worker.queue.jobs and not app.errors


def test_gap_suggestion_failures_are_said_and_never_block_the_fill(qtbot, load_qml, app, two_clips):
    view = _timeline(qtbot, load_qml, app)
    suggest = _open_gap(qtbot, view)
    note = view.find("gapSuggestNote")
    tl_click(view.window, center(suggest))  # enhancement is off in the preferences
    qtbot.waitUntil(lambda: note.property("visible") and "Prompt enhancement is off" in note.property("text"))
    assert view.find("retakeSubmit").property("enabled")
    with FakeChatServer(mode="error500") as server:
        app.preferences.values.enhance_endpoint = server.base_url
        app.preferences.values.enhance_model = "tiny-chat"
        tl_click(view.window, center(suggest))
        qtbot.waitUntil(lambda: "HTTP 500" in note.property("text"), timeout=20_000)
        qtbot.waitUntil(lambda: suggest.property("enabled"))
    assert view.find("retakePrompt").property("text") == ""  # nothing written over the field
    assert view.find("retakeSubmit").property("enabled") and not app.errors
