"""Control with a reference (IC-LoRA) from the timeline's own QML on the real AppController and the tiny LTX-2:
set in/out inside a video clip, right-click it -> "Control a new clip with this range (IC-LoRA)…" -> pick a control
and the LoRA file -> frames, where it lands and cost first -> the clip's control map is computed off the GUI thread
and cached beside its media, and the IC-LoRA generation lands above the range, aligned to it, as one undo step (and
in the bin)."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMetaObject, Qt

from ltx_editor.core import timeline as tl
from ltx_editor.core.project_io import resolve_media
from ltx_editor.generation.control_motion import motion_path
from ltx_editor.ui.timeline_controller import TimelineController
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID
from tests.fakes.tiny_models import build_tiny_lora
from tests.ui.timeline_helpers import center
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import add_source_asset, wait_jobs_done


@pytest.fixture
def reference_clip(app, source_video, tiny_ltx2_dir, tmp_path):
    """The 25-frame source clip at frame 4 of V1, the generate panel on the tiny LTX-2, an IC-LoRA file for it."""
    app._prefs.values.local_model_path = str(tiny_ltx2_dir)
    app.generate.modelId = TINY_LTX2_MODEL_ID
    app.generate.steps, app.generate.guidance = 2, 1.0  # a model switch takes its recipe's 30 steps
    doc = app.document
    edit = tl.insert_clip(doc.project, "v1", add_source_asset(app, source_video), 4)
    doc.apply_edit(edit)
    return edit.created[0], build_tiny_lora(tiny_ltx2_dir, tmp_path / "ic.safetensors", seed=5)


def _media(app, clip_id):
    project = app.document.project
    return resolve_media(app.document.working_path, project.asset(project.find_clip(clip_id)[1].asset_id).take().path)


def test_a_range_controls_a_new_clip_that_lands_above_it(qtbot, load_qml, app, reference_clip):
    clip_id, lora = reference_clip
    view = load_qml("timeline/Timeline.qml", document=app.document, spans=app.spans, frames=app.frames,
                    retakes=app.retakes)
    qtbot.waitUntil(lambda: view.find(f"clip_{clip_id}") is not None
                    and view.find(f"clip_{clip_id}").property("width") > 0)
    view.root.findChild(TimelineController).setRange(8, 17)  # in/out: frames 8..17 inside the clip (4..29)
    tl_click(view.window, center(view.find(f"clip_{clip_id}")), button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: view.find("clipMenu").property("opened"))
    item = view.find("inContextItem")
    qtbot.waitUntil(lambda: item.property("visible") and item.property("width") > 0)
    assert "this range" in item.property("text")
    tl_click(view.window, center(item))
    popup = view.find("inContextPopup")
    qtbot.waitUntil(lambda: popup.property("visible"))
    assert "IC-LoRA file" in view.find("icSummary").property("text")  # refused in words until a file is set
    combo = view.find("icControl")
    combo.setProperty("currentIndex", [c["id"] for c in app.retakes.inContext.controls].index("motion"))
    view.find("icLoraPath").setProperty("text", str(lora))
    QMetaObject.invokeMethod(popup, "refresh")  # what the fields' onActivated / onTextEdited do
    summary = view.find("icSummary").property("text")
    assert "Frames 8–17: a 10-frame clip following the clip's motion tracks (17 generated)" in summary
    assert "a new video track" in summary and "Cost" in summary
    assert not app.worker.queue.jobs  # the price before anything is queued
    view.find("icPrompt").setProperty("text", "a paper boat")
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        tl_click(view.window, center(view.find("icSubmit")))
    (job,) = wait_jobs_done(qtbot, app, 1)  # fails fast, with the job's error, if it failed
    assert motion_path(_media(app, clip_id)).is_file()  # the map, cached beside the clip's media
    assert [c.kind for c in job.request.conditions] == ["reference"] and job.request.settings.loras[-1].path == str(lora)
    assert job.request.prompt == "a paper boat" and job.request.settings.num_frames == 17
    project = app.document.project
    (above,) = [t for t in project.tracks_of_kind("video") if t.id != "v1"]
    assert [t.id for t in project.tracks_of_kind("video")] == [above.id, "v1"]  # above the reference
    (clip,) = above.clips
    assert (clip.start, clip.end, clip.in_frame) == (8, 18, 0) and clip.asset_id == job.result_asset_id
    recipe = json.loads(resolve_media(app.document.working_path, project.asset(clip.asset_id).take().sidecar)
                        .read_text())
    assert recipe["model"]["recipe"]["pipeline"] == "LTX2InContextPipeline"
    assert app.document.undoText == "Control with a reference"
    app.document.undo()  # one step: the clip and its track go, the take stays in the bin
    assert [t.id for t in app.document.project.tracks_of_kind("video")] == ["v1"]
    assert job.result_asset_id in {a.id for a in app.document.project.assets}
    assert not app.errors


def test_control_refuses_in_words(app, reference_clip):
    clip_id, lora = reference_clip
    control = app.retakes.inContext
    assert not control.generate(clip_id, -1, -1, "canny", "", "")
    assert app.errors[-1][0].startswith("Choose the IC-LoRA file") and "Canny-Control" in app.errors[-1][1]
    assert not control.preview(clip_id, 0, 10, "depth", str(lora))["ok"]  # the range starts before the clip
    assert "Unknown control" in control.preview(clip_id, -1, -1, "normals", str(lora))["problem"]
    whole = control.preview(clip_id, -1, -1, "detailer", str(lora))
    assert whole["ok"] and (whole["start"], whole["end"], whole["generated"]) == (4, 29, 25)
    app.generate.modelId = "ltxv-2b-0.9.8-distilled"
    assert not control.preview(clip_id, -1, -1, "canny", str(lora))["ok"]
    assert not app.worker.queue.jobs


def test_the_control_map_is_made_off_the_gui_thread_and_its_failure_is_said(qtbot, app, reference_clip, monkeypatch):
    import threading

    from ltx_editor.generation import control_maps
    from ltx_editor.generation.errors import InvalidRequest

    clip_id, lora = reference_clip
    threads = []

    def unreadable(src, control_id, models):
        threads.append((threading.current_thread(), control_id, models))
        raise InvalidRequest(f"Cannot read the video {src.name} for its depth: test")

    monkeypatch.setattr(control_maps, "reference_video", unreadable)
    assert app.retakes.inContext.setEstimator("depth", "/models/depth")
    assert not app.retakes.inContext.setEstimator("normals", "/models/x") and "no 'normals'" in app.errors[-1][0]
    assert app.retakes.inContext.generate(clip_id, -1, -1, "depth", str(lora), "")  # the map is made in the background
    qtbot.waitUntil(lambda: bool(app.errors) and app.errors[-1][0].startswith("Cannot read the video"), timeout=20_000)
    assert threads and threads[0][0] is not threading.main_thread()
    assert threads[0][1] == "depth" and threads[0][2]["depth"] == "/models/depth"
    assert app.retakes.inContext.estimators["pose"] == "usyd-community/vitpose-base-simple"
    assert not app.worker.queue.jobs  # nothing queued without its map
