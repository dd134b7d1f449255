"""Audio-to-video on fal through the real fal_client against the loopback fake, which enforces each endpoint's
documented fields: the price first, the sound uploaded as audio_url, the result landed over the sound with
exactly the range's length (a 25 fps result re-timed to the project's 24 first)."""
from __future__ import annotations

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.a2v_plan import plan_a2v
from ltx_editor.core.media import import_media
from ltx_editor.core.project import Project, Track
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation.audio_to_video import a2v_request, land_a2v
from ltx_editor.generation.cost import estimate
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.workflows import Recipe
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.media_factory import sample_video, tone
from tests.fakes.provider_run import run_provider


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        yield server


def _project(tmp_path):
    path = tmp_path / "a2v.ltxproj"
    project = Project(tracks=[Track(id="v1", kind="video"), Track(id="a1", kind="audio")])
    sound = import_media(project, path, tone(tmp_path / "media" / "voice.wav", seconds=4.0))
    project.assets = [*project.assets, sound]
    return project, path, tl.insert_clip(project, "a1", sound.id, 0).created[0]


def _recipe(model_id: str) -> Recipe:
    return Recipe(backend="fal", settings=GenerationSettings(model_id=model_id, width_override=64,
                                                             height_override=64, fps=24.0, seed=5))


def test_ltx2_19b_follows_the_sound_with_our_frame_count(fal, tmp_path):
    project, path, clip_id = _project(tmp_path)
    plan = plan_a2v(project, clip_id, 12, 38)  # 26 frames -> 33 generated
    request = a2v_request(plan, path, _recipe("ltx-2-19b"), tmp_path / "work", prompt="a singer")
    assert estimate(request) == pytest.approx(0.0018)  # 64x64x33 = 0.14 MP, rounded up: before any call
    assert not fal.jobs
    fal.result_video = sample_video(tmp_path / "back.mp4", frames=33, fps=24, size=(64, 64)).read_bytes()
    result = run_provider(fal.provider(), request, tmp_path / "media")

    (job,) = fal.jobs.values()  # accepted: only documented fields and values
    assert job.app == "fal-ai/ltx-2-19b/audio-to-video"
    args = job.arguments
    assert args["audio_url"].startswith(fal.base_url) and args["match_audio_length"] is False
    assert (args["num_frames"], args["fps"], args["video_size"]) == (33, 24.0, {"width": 64, "height": 64})
    assert "generate_audio" not in args and args["prompt"] == "a singer"

    _, _, edit = land_a2v(project, path, plan, result)
    (new,) = project.track("v1").clips
    assert (new.start, new.end, new.in_frame, new.out_frame) == (12, 38, 0, 26)  # 0 frames of gap or overlap
    take = project.asset(new.asset_id).take(new.take_id)
    assert not take.has_audio or new.volume == 0.0  # the sound plays once, from its own track
    edit.undo(project)
    assert project.track("v1").clips == []


def test_ltx2_pro_prices_per_second_and_a_25fps_clip_lands_to_the_frame(fal, tmp_path):
    project, path, clip_id = _project(tmp_path)
    plan = plan_a2v(project, clip_id, 0, 48)  # 2 s -> 49 frames = 2.04 s of sound
    request = a2v_request(plan, path, _recipe("ltx-2-pro"), tmp_path / "work")
    assert estimate(request) == pytest.approx(0.10 * 51 / 25)  # $0.10 per second of the 51-frame clip
    fal.result_video = sample_video(tmp_path / "back.mp4", frames=51, fps=25, size=(64, 64)).read_bytes()
    result = run_provider(fal.provider(), request, tmp_path / "media")
    (job,) = fal.jobs.values()
    assert job.app == "fal-ai/ltx-2/audio-to-video" and set(job.arguments) == {"audio_url", "prompt",
                                                                               "guidance_scale"}
    _, take_id, _ = land_a2v(project, path, plan, result)
    (new,) = project.track("v1").clips
    assert (new.start, new.end, new.out_frame) == (0, 48, 48)
    assert project.asset(new.asset_id).take(take_id).fps == 24.0  # re-timed before landing


def test_ltx2_pro_refuses_a_sound_outside_2_to_10_seconds_before_any_call(fal, tmp_path):
    project, path, clip_id = _project(tmp_path)
    request = a2v_request(plan_a2v(project, clip_id, 0, 24), path, _recipe("ltx-2-pro"), tmp_path / "work")
    with pytest.raises(InvalidRequest, match="2-10 s of sound"):
        run_provider(fal.provider(), request, tmp_path / "media")
    assert not fal.jobs
