"""The bin and job cards show what came back, not what was asked: a cloud result smaller and shorter than the
request is labelled with its probed size and length (through the editor's own wiring and the loopback fal
fake answering with a real mp4); a local job run from a custom folder names that folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from ltx_editor.generation.landing import as_returned, model_label
from ltx_editor.generation.request import GenerationRequest, GenerationResult
from tests.fakes.media_factory import sample_video
from tests.ui.fal_app import *  # noqa: F403 (the fal fake and the AppController built on it)
from tests.ui.fal_app import TIMEOUT_MS


@pytest.fixture
def app(make_app):
    return make_app()


def test_a_cloud_result_is_labelled_with_its_probed_size_and_length(app, fal, qtbot, tmp_path):
    fal.result_video = sample_video(tmp_path / "small.mp4", frames=24, size=(96, 64), fps=24).read_bytes()
    gen = app.generate
    assert (gen.form.settings().width, gen.form.settings().height, gen.durationS) == (864, 480, 5.0)  # asked
    job_id = gen.generate()
    assert job_id
    qtbot.waitUntil(lambda: app.binModel.rowCount() == 1, timeout=TIMEOUT_MS)
    row = app.binModel.get(0)
    assert (row["width"], row["height"], row["frameCount"]) == (96, 64, 24)
    assert row["durationText"] == "0:01.0" and row["model"] == gen.modelId
    qtbot.waitUntil(lambda: app.jobs.get(0)["detail"].startswith("96×64 · 1.0 s"))
    take = app.document.project.assets[0].active_take
    assert (take.width, take.height, take.frame_count, take.fps) == (96, 64, 24, 24.0)


def test_as_returned_reads_the_file_and_names_a_custom_folder(tmp_path):
    video = sample_video(tmp_path / "v.mp4", frames=12, size=(64, 48), fps=12, audio=False)
    request = GenerationRequest(backend="local", prompt="p", model_path=str(tmp_path / "my-ltx-finetune"))
    claimed = GenerationResult(video_path=video, num_frames=121, fps=24, width=768, height=512, seed=1,
                               backend="local", model_id="ltxv-2b-0.9.8-distilled", prompt="p", has_audio=True)
    got = as_returned(claimed, request)
    assert (got.width, got.height, got.num_frames, got.fps, got.has_audio) == (64, 48, 12, 12.0, False)
    assert model_label(got.model_id, got.model_path) == "my-ltx-finetune (custom folder)"
    assert model_label("ltx-2-fast", None) == "ltx-2-fast"
    missing = claimed.model_copy(update={"video_path": Path(tmp_path / "gone.mp4")})
    kept = as_returned(missing, request.model_copy(update={"model_path": None}))
    assert (kept.width, kept.num_frames, kept.model_path) == (768, 121, None)  # unreadable: as reported
