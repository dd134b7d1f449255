"""Audio-to-video on Replicate (lightricks/audio-to-video, LTX-2 Pro) through the real replicate client against the
loopback fake, which enforces the model's documented inputs (audio, image?, prompt?, guidance_scale?): the price
first (unknown: Replicate publishes none), the sound uploaded, the 25 fps result re-timed and landed over the
sound with exactly the range's length, one undo step. Ranges it cannot take are refused before any upload."""
from __future__ import annotations

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.a2v_plan import plan_a2v
from ltx_editor.core.catalog import get_model
from ltx_editor.core.media import import_media
from ltx_editor.core.project import Project, Track
from ltx_editor.core.settings import GenerationMode, GenerationSettings
from ltx_editor.generation.audio_to_video import a2v_request
from ltx_editor.generation.cloud.replicate_fields import build_replicate_call
from ltx_editor.generation.cost import estimate
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.workflow_runner import Landed
from ltx_editor.generation.workflows import Recipe, WorkflowError, check_supported
from tests.fakes.media_factory import sample_video, tone
from tests.fakes.replicate_server import FakeReplicateServer
from tests.fakes.workflow_harness import QueueHarness, landed


@pytest.fixture
def rep():
    with FakeReplicateServer() as server:
        yield server


def _project(tmp_path, seconds=4.0):
    path = tmp_path / "a2v.ltxproj"
    project = Project(tracks=[Track(id="v1", kind="video"), Track(id="a1", kind="audio")])
    sound = import_media(project, path, tone(tmp_path / "media" / "voice.wav", seconds=seconds))
    project.assets = [*project.assets, sound]
    return project, path, tl.insert_clip(project, "a1", sound.id, 0).created[0]


def _recipe(model_id: str = "ltx-2-pro") -> Recipe:
    return Recipe(backend="replicate", settings=GenerationSettings(model_id=model_id, fps=24.0, seed=5,
                                                                   guidance_scale=4.0))


def test_ltx2_pro_on_replicate_follows_the_sound_and_lands_to_the_frame(rep, tmp_path):
    assert get_model("ltx-2-pro").endpoint("replicate", GenerationMode.AUDIO_TO_VIDEO).endpoint == \
        "lightricks/audio-to-video"
    project, path, clip_id = _project(tmp_path)
    plan = plan_a2v(project, clip_id, 0, 48)  # 2 s -> 49 frames = 2.04 s of sound
    request = a2v_request(plan, path, _recipe(), tmp_path / "work", prompt="a singer on a stage")
    check_supported([request])
    assert estimate(request) is None  # the price first: Replicate publishes none, so it is unknown
    assert not rep.predictions
    rep.result_video = sample_video(tmp_path / "back.mp4", frames=51, fps=25, size=(64, 64)).read_bytes()
    with QueueHarness(project, path, rep.provider()) as h:
        run = h.runner.start_a2v(plan, request)
        outcomes = h.pump(landed(1))
    (out,) = [o for o in outcomes if isinstance(o, Landed)]
    assert run.state == "landed"
    (pred,) = rep.predictions.values()  # accepted by the fake: only the documented inputs
    assert pred.model == "lightricks/audio-to-video"
    assert set(pred.input) == {"audio", "prompt", "guidance_scale"}
    assert pred.input["audio"].startswith(rep.base_url)  # the cut sound, uploaded through /v1/files
    assert (pred.input["prompt"], pred.input["guidance_scale"]) == ("a singer on a stage", 4.0)
    (new,) = project.track("v1").clips
    assert (new.start, new.end, new.in_frame, new.out_frame) == (0, 48, 0, 48)  # 0 frames of gap or overlap
    assert project.asset(new.asset_id).take(new.take_id).fps == 24.0  # the 25 fps clip re-timed before landing
    out.edit.undo(project)
    assert project.track("v1").clips == []


def test_ranges_and_models_replicate_cannot_take_are_refused_in_words(tmp_path):
    project, path, clip_id = _project(tmp_path, seconds=24.0)
    long = a2v_request(plan_a2v(project, clip_id, 0, 24 * 22, max_frames=2000), path, _recipe(), tmp_path / "w")
    with pytest.raises(InvalidRequest, match="2-20 s of sound"):
        build_replicate_call(long)
    short = a2v_request(plan_a2v(project, clip_id, 0, 24), path, _recipe(), tmp_path / "w")
    with pytest.raises(InvalidRequest, match="2-20 s of sound"):
        build_replicate_call(short)
    other = a2v_request(plan_a2v(project, clip_id, 0, 48), path, _recipe("ltx-2.3-pro"), tmp_path / "w")
    with pytest.raises(WorkflowError, match="cannot do audio to video on replicate"):
        check_supported([other])
