"""The recipe beside a generated clip records what came back (the file's size, frames, rate and sound, probed)
beside what was requested: a cloud service answering with a smaller, shorter clip than asked (the real
fal_client against the loopback fal) is recorded as it is; a file that cannot be read keeps the backend's
report, marked as such with the reason."""
from __future__ import annotations

import json

import pytest

from ltx_editor.core.settings import GenerationMode, GenerationSettings
from ltx_editor.generation.request import GenerationRequest, GenerationResult
from ltx_editor.generation.sidecar import read_recipe, write_sidecar
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.media_factory import sample_video
from tests.fakes.provider_run import run_provider


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        yield server


def test_a_cloud_result_smaller_than_asked_is_recorded_as_it_came_back(fal, tmp_path):
    fal.result_video = sample_video(tmp_path / "small.mp4", frames=24, size=(96, 64), fps=24).read_bytes()
    request = GenerationRequest(backend="fal", mode=GenerationMode.TEXT_TO_VIDEO, prompt="a lighthouse",
                                settings=GenerationSettings(model_id="ltxv-13b-0.9.7-distilled", seed=7,
                                                            duration_s=2, fps=24))
    out = tmp_path / "out"
    out.mkdir()
    result = run_provider(fal.provider(), request, out)
    recipe = json.loads(result.sidecar_path.read_text())
    s = request.settings
    assert recipe["requested"] == {"width": s.width, "height": s.height, "num_frames": s.num_frames, "fps": 24.0}
    assert (s.width, s.height, s.num_frames) != (96, 64, 24)  # the service returned less than asked
    got = recipe["output"]
    assert (got["width"], got["height"], got["num_frames"], got["fps"], got["has_audio"]) == (96, 64, 24, 24.0, True)
    assert got["probed"] is True and got["video"] == result.video_path.name
    recipe_read = read_recipe(result.sidecar_path)  # the schema takes both blocks
    assert recipe_read.requested.num_frames == s.num_frames and recipe_read.output.probed is True


def test_an_unreadable_result_keeps_the_report_and_says_why(tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not a video")
    request = GenerationRequest(prompt="p", settings=GenerationSettings(seed=3, width_override=64,
                                                                         height_override=32, num_frames_override=9))
    result = GenerationResult(video_path=video, num_frames=9, fps=24, width=64, height=32, seed=3, backend="local",
                              model_id=request.settings.model_id, prompt="p")
    recipe = json.loads(write_sidecar(result, request).read_text())
    got = recipe["output"]
    assert (got["width"], got["height"], got["num_frames"], got["probed"]) == (64, 32, 9, False)
    assert "clip.mp4" in got["probe_error"]
    assert recipe["requested"] == {"width": 64, "height": 32, "num_frames": 9, "fps": 24.0}
