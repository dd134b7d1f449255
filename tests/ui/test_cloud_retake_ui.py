"""Cloud retake from the editor: the generate panel on fal with LTX-2 Pro, the retake popup's preview shows where
it runs and its price before anything is uploaded; the job goes through the app's own queue, the loopback fal
(documented fields only) returns the clip redone, and only the range lands as a new take, one undo step.
Models without a cloud retake are refused in words."""
from __future__ import annotations

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.media import import_media
from ltx_editor.core.project_io import media_dir
from tests.fakes.media_factory import numbered_video, sample_video
from tests.ui.fal_app import *  # noqa: F403 (fixtures)
from tests.ui.fal_app import TIMEOUT_MS


@pytest.fixture
def cloud_clip(make_app, fal, tmp_path):
    app = make_app()
    app.generate.modelId = "ltx-2-pro"
    doc = app.document
    src = sample_video(media_dir(doc.working_path) / "src.mp4", frames=96, size=(64, 48))
    asset = import_media(doc.project, doc.working_path, src)
    doc.project.assets = [*doc.project.assets, asset]
    doc.mark_dirty("bin")
    edit = tl.insert_clip(doc.project, "v1", asset.id, 0)
    doc.apply_edit(edit)
    fal.result_video = numbered_video(tmp_path / "back.mp4", frames=96, size=(64, 48)).read_bytes()
    return app, edit.created[0]


def test_fal_retake_from_the_editor_price_first_one_undo_step(qtbot, fal, cloud_clip):
    app, clip_id = cloud_clip
    old_take = app.document.project.find_clip(clip_id)[1].take_id
    preview = app.retakes.retakeTakesPreview(clip_id, 24, 72, 1)
    assert preview["ok"] and "fal-ai/ltx-2/retake-video" in preview["where"]
    assert "$0.37" in preview["estimate"]  # $0.10/s of the clip, before any upload
    assert not fal.jobs and not app.worker.queue.jobs
    with qtbot.waitSignal(app.intake.landed, timeout=TIMEOUT_MS):
        assert app.retakes.retakeRange(clip_id, 24, 72, "make it night")
    (job,) = fal.jobs.values()
    assert job.app == "fal-ai/ltx-2/retake-video" and job.arguments["duration"] == 2.0
    clip = app.document.project.find_clip(clip_id)[1]
    assert clip.take_id != old_take and (clip.start, clip.end) == (0, 96)
    assert app.document.undoText == "Retake range"
    app.document.undo()
    assert app.document.project.find_clip(clip_id)[1].take_id == old_take
    assert not app.errors


def test_models_without_a_cloud_retake_and_gap_fill_in_the_cloud_are_refused(qtbot, fal, cloud_clip):
    app, clip_id = cloud_clip
    app.generate.modelId = "ltx-2-19b"  # fal has no retake endpoint for it
    preview = app.retakes.retakePreview(clip_id, 24, 72)
    assert not preview["ok"] and "no retake on fal" in preview["problem"] and "LTX-2 Pro" in preview["hint"]
    app.generate.modelId = "ltx-2-pro"
    too_short = app.retakes.retakePreview(clip_id, 24, 40)
    assert not too_short["ok"] and "2-20 s" in too_short["hint"] + too_short["problem"]
    assert not app.retakes.fillGap("v1", 100, "")
    assert app.errors[-1][0] == "Gap fill runs on a local model." and not fal.jobs
