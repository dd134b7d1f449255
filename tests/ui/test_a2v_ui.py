"""Audio clip -> generate from the timeline's own QML, on the real AppController (worker thread, JobQueue, intake,
undo stack) and the tiny LTX-2: right-click a sound -> "Generate video from this sound…" -> what it makes and
costs -> a silent clip exactly over the sound on the video track above it, one undo step."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ltx_editor.core import timeline as tl
from ltx_editor.core.media import import_media
from ltx_editor.core.project_io import media_dir
from ltx_editor.core.settings import GenerationMode
from tests.fakes.media_factory import tone
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID, TINY_LTX_MODEL_ID
from tests.fakes.tiny_a2v import build_tiny_ltx2_a2v
from tests.ui.timeline_helpers import center
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import wait_jobs_done


@pytest.fixture(scope="session")
def tiny_a2v_dir(tiny_models_root):
    return build_tiny_ltx2_a2v(tiny_models_root / "ltx2_a2v")


@pytest.fixture
def sound_clip(app, tiny_a2v_dir):
    """A1 under V1 holding a 1 s tone at frames 6-30; the generate panel on the tiny LTX-2."""
    app._prefs.values.local_model_path = str(tiny_a2v_dir)
    app.generate.modelId = TINY_LTX2_MODEL_ID
    app.generate.steps, app.generate.guidance = 2, 1.0  # a model switch takes its recipe's 30 steps
    doc = app.document
    doc.apply_edit(tl.add_track(doc.project, "audio", "A1"))
    a1 = doc.project.tracks_of_kind("audio")[0].id
    wav = tone(media_dir(doc.working_path) / "voice.wav", seconds=1.0)
    asset = import_media(doc.project, doc.working_path, wav)
    doc.project.assets = [*doc.project.assets, asset]
    doc.mark_dirty("bin")
    edit = tl.insert_clip(doc.project, a1, asset.id, 6)
    doc.apply_edit(edit)
    return edit.created[0]


def _open_menu_item(qtbot, view, clip_id, name):
    tl_click(view.window, center(view.find(f"clip_{clip_id}")), button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: view.find("clipMenu").property("opened"))
    item = view.find(name)
    qtbot.waitUntil(lambda: item.property("visible") and item.property("width") > 0)
    return item


def test_audio_clip_to_generated_video_from_the_clip_menu(qtbot, load_qml, app, sound_clip):
    view = load_qml("timeline/Timeline.qml", document=app.document, spans=app.spans, frames=app.frames,
                    retakes=app.retakes)
    qtbot.waitUntil(lambda: view.find(f"clip_{sound_clip}") is not None
                    and view.find(f"clip_{sound_clip}").property("width") > 0)
    tl_click(view.window, center(_open_menu_item(qtbot, view, sound_clip, "audioToVideoItem")))
    popup = view.find("retakePopup")
    qtbot.waitUntil(lambda: popup.property("visible"))
    summary = view.find("retakeSummary").property("text")
    assert "24-frame clip following the sound" in summary and "Cost" in summary  # before anything is queued
    assert not app.worker.queue.jobs
    view.find("retakePrompt").setProperty("text", "a singer on a stage")
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        tl_click(view.window, center(view.find("retakeSubmit")))
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.AUDIO_TO_VIDEO and job.request.prompt == "a singer on a stage"
    (clip,) = app.document.project.track("v1").clips
    sound = app.document.project.find_clip(sound_clip)[1]
    assert (clip.start, clip.end) == (6, 30) == (sound.start, sound.end)  # 0 frames of gap or overlap
    assert (clip.in_frame, clip.out_frame) == (0, 24)
    assert app.document.undoText == "Audio to video"
    app.document.undo()  # one step
    assert app.document.project.track("v1").clips == []
    assert not app.errors


def test_an_ltx_video_model_refuses_in_words(app, sound_clip):
    app.generate.modelId = TINY_LTX_MODEL_ID
    preview = app.retakes.audioToVideo.preview(sound_clip, -1, -1)
    assert not preview["ok"] and "cannot follow a sound" in preview["problem"]
    assert not app.retakes.audioToVideo.generate(sound_clip, -1, -1, "")
    assert "cannot follow a sound" in app.errors[-1][0] and not app.worker.queue.jobs
    assert app.retakes.audioToVideo.isSound(sound_clip) and not app.retakes.audioToVideo.isSound("nope")
