"""Control with a reference (IC-LoRA) from the timeline's own QML on the real AppController and the tiny LTX-2:
right-click a video clip -> "Control a new clip with this one (Canny IC-LoRA)…" -> pick the LoRA file -> frames
and cost first -> the clip's Canny map is computed beside its media and the IC-LoRA generation lands in the bin."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMetaObject, Qt

from ltx_editor.core import timeline as tl
from ltx_editor.core.project_io import resolve_media
from ltx_editor.generation.control_maps import canny_path
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID
from tests.fakes.tiny_models import build_tiny_lora
from tests.ui.timeline_helpers import center
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import add_source_asset, wait_jobs_done


@pytest.fixture
def reference_clip(app, source_video, tiny_ltx2_dir, tmp_path):
    """The 25-frame source clip on V1, the generate panel on the tiny LTX-2, an IC-LoRA file for it."""
    app._prefs.values.local_model_path = str(tiny_ltx2_dir)
    app.generate.modelId = TINY_LTX2_MODEL_ID
    app.generate.steps, app.generate.guidance = 2, 1.0  # a model switch takes its recipe's 30 steps
    doc = app.document
    edit = tl.insert_clip(doc.project, "v1", add_source_asset(app, source_video), 0)
    doc.apply_edit(edit)
    return edit.created[0], build_tiny_lora(tiny_ltx2_dir, tmp_path / "canny_ic.safetensors", seed=5)


def test_control_a_new_clip_with_a_canny_reference_from_the_clip_menu(qtbot, load_qml, app, reference_clip):
    clip_id, lora = reference_clip
    view = load_qml("timeline/Timeline.qml", document=app.document, spans=app.spans, frames=app.frames,
                    retakes=app.retakes)
    qtbot.waitUntil(lambda: view.find(f"clip_{clip_id}") is not None
                    and view.find(f"clip_{clip_id}").property("width") > 0)
    tl_click(view.window, center(view.find(f"clip_{clip_id}")), button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: view.find("clipMenu").property("opened"))
    item = view.find("inContextItem")
    qtbot.waitUntil(lambda: item.property("visible") and item.property("width") > 0)
    tl_click(view.window, center(item))
    popup = view.find("retakePopup")
    qtbot.waitUntil(lambda: popup.property("visible"))
    assert "IC-LoRA file" in view.find("retakeSummary").property("text")  # refused in words until a file is set
    view.find("icLoraPath").setProperty("text", str(lora))
    QMetaObject.invokeMethod(popup, "refreshControl")  # what the field's onTextEdited does
    summary = view.find("retakeSummary").property("text")
    assert "25-frame clip following this clip's Canny edges" in summary and "Cost" in summary
    assert not app.worker.queue.jobs  # the price before anything is queued
    before = {a.id for a in app.document.project.assets}
    tl_click(view.window, center(view.find("retakeSubmit")))
    (job,) = wait_jobs_done(qtbot, app, 1)  # fails fast, with the job's error, if it failed
    project, where = app.document.project, app.document.working_path
    src = resolve_media(where, project.asset(project.find_clip(clip_id)[1].asset_id).take().path)
    assert canny_path(src).is_file()  # cached beside the clip's media
    assert [c.kind for c in job.request.conditions] == ["reference"] and job.request.settings.loras[0].path == str(lora)
    new_asset = job.result_asset_id  # a plain generation: into the bin
    assert new_asset not in before and new_asset in {a.id for a in app.document.project.assets}
    sidecar = app.document.project.asset(new_asset).take().sidecar
    recipe = json.loads(resolve_media(where, sidecar).read_text())
    assert recipe["model"]["recipe"]["pipeline"] == "LTX2InContextPipeline"
    assert not app.errors


def test_control_refuses_in_words(app, reference_clip):
    clip_id, lora = reference_clip
    assert not app.retakes.inContext.generate(clip_id, "", "")
    assert app.errors[-1][0].startswith("Choose the IC-LoRA file")
    app.generate.modelId = "ltxv-2b-0.9.8-distilled"
    assert not app.retakes.inContext.preview(clip_id, str(lora))["ok"]
    assert not app.worker.queue.jobs


def test_the_control_map_is_made_off_the_gui_thread_and_its_failure_is_said(qtbot, app, reference_clip, monkeypatch):
    import threading

    from ltx_editor.generation import control_maps
    from ltx_editor.generation.errors import InvalidRequest

    clip_id, lora = reference_clip
    threads = []

    def unreadable(src, *args):
        threads.append(threading.current_thread())
        raise InvalidRequest(f"Cannot read the video {src.name} for its edges: test")

    monkeypatch.setattr(control_maps, "canny_map", unreadable)
    assert app.retakes.inContext.generate(clip_id, str(lora), "")  # accepted: the map is made in the background
    qtbot.waitUntil(lambda: bool(app.errors) and app.errors[-1][0].startswith("Cannot read the video"))
    assert threads and threads[0] is not threading.main_thread()
    assert not app.worker.queue.jobs  # nothing queued without its map
