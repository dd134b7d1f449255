"""Audio-to-video end to end on the tiny LTX-2 (real diffusers pipelines, a real sound encoded by its audio VAE).

The sound of a range drives a generated clip that lands on a video track above it, starting on the range's first
frame and exactly as long (0 frames of gap or overlap), silent, as one undo step; another sound with the same
seed gives another picture (the audio really conditions the video). LTX-Video models refuse in words.
"""
from __future__ import annotations

import asyncio
import wave

import numpy as np
import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.a2v_plan import plan_a2v
from ltx_editor.core.media import import_media
from ltx_editor.core.project import Project, Track
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.audio_to_video import a2v_request, land_a2v
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from ltx_editor.generation.workflow_runner import Landed
from ltx_editor.generation.workflows import Recipe
from tests.fakes.media_factory import tone
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID, TINY_LTX_MODEL_ID, tiny_settings
from tests.fakes.tiny_a2v import build_tiny_ltx2_a2v
from tests.fakes.video_probe import read_frames
from tests.fakes.workflow_harness import QueueHarness, landed


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


@pytest.fixture(scope="session")
def tiny_a2v_dir(tiny_models_root):
    return build_tiny_ltx2_a2v(tiny_models_root / "ltx2_a2v")


def _project(tmp_path, freq: int = 440):
    path = tmp_path / "a2v.ltxproj"
    project = Project(tracks=[Track(id="v1", kind="video"), Track(id="a1", kind="audio")])
    sound = import_media(project, path, tone(tmp_path / f"voice_{freq}.wav", seconds=2.0, freq=freq))
    project.assets = [*project.assets, sound]
    clip_id = tl.insert_clip(project, "a1", sound.id, 10).created[0]
    return project, path, clip_id


def _generate(provider, request, out_dir):
    return asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))


def test_the_sound_drives_a_clip_of_exactly_its_length_above_it(tiny_a2v_dir, tmp_path, provider):
    project, path, clip_id = _project(tmp_path)
    plan = plan_a2v(project, clip_id, 15, 41)  # 26 frames: not an 8k+1 length
    assert (plan.length, plan.num_frames, plan.track_id, plan.media_start) == (26, 33, "v1", 5)
    recipe = Recipe(settings=tiny_settings(TINY_LTX2_MODEL_ID), model_path=str(tiny_a2v_dir))
    job = a2v_request(plan, path, recipe, tmp_path / "work", prompt="a singer")
    assert job.mode is GenerationMode.AUDIO_TO_VIDEO and job.settings.num_frames == 33
    assert [c.kind for c in job.conditions] == ["audio"]
    with wave.open(job.conditions[0].path) as wav:  # the sound from the range's first frame, to the sample,
        assert wav.getnframes() == 33 * 48000 // 24  # as long as the 33 generated frames (26 of them kept)
    result = _generate(provider, job, tmp_path / "media")
    assert result.num_frames == 33 and not result.has_audio
    assert any("freeze_audio" in n for n in result.notes)

    before = [(t.id, [c.id for c in t.clips]) for t in project.tracks]
    _, take_id, edit = land_a2v(project, path, plan, result)
    (new,) = project.track("v1").clips
    assert (new.start, new.end, new.in_frame, new.out_frame, new.take_id) == (15, 41, 0, 26, take_id)
    sound = project.find_clip(clip_id)[1]
    assert plan.joins(new.duration) == (0, 0) and new.start == 15 and new.end == 41 <= sound.end
    edit.undo(project)  # one undo step takes the clip away (the take stays in the bin)
    assert [(t.id, [c.id for c in t.clips]) for t in project.tracks] == before
    edit.redo(project)
    assert [c.id for c in project.track("v1").clips] == [new.id]


def test_another_sound_gives_another_picture(tiny_a2v_dir, tmp_path, provider):
    recipe = Recipe(settings=tiny_settings(TINY_LTX2_MODEL_ID), model_path=str(tiny_a2v_dir))
    frames = []
    for freq in (220, 3000):
        project, path, clip_id = _project(tmp_path / str(freq), freq)
        job = a2v_request(plan_a2v(project, clip_id, 10, 19), path, recipe, tmp_path / str(freq), prompt="a drum")
        frames.append(read_frames(_generate(provider, job, tmp_path / str(freq) / "media").video_path))
    assert frames[0].shape == frames[1].shape == (9, 32, 32, 3)
    assert not np.array_equal(frames[0], frames[1])


def test_a_locked_track_means_a_new_video_track_and_it_lands_through_the_queue(tiny_a2v_dir, tmp_path, provider):
    project, path, clip_id = _project(tmp_path)
    tl.update_track(project, "v1", locked=True)
    plan = plan_a2v(project, clip_id)  # the whole clip: 48 frames
    assert plan.track_id is None and plan.length == 48 and plan.num_frames == 49
    recipe = Recipe(settings=tiny_settings(TINY_LTX2_MODEL_ID), model_path=str(tiny_a2v_dir))
    with QueueHarness(project, path, provider) as h:
        run = h.runner.start_a2v(plan, a2v_request(plan, path, recipe, tmp_path / "work"))
        outcomes = h.pump(landed(1))
    (out,) = [o for o in outcomes if isinstance(o, Landed)]
    assert run.state == "landed" and out.label == "Audio to video"
    new_track = project.tracks_of_kind("video")[0]
    assert new_track.id != "v1" and [(c.start, c.end) for c in new_track.clips] == [(10, 58)]
    out.edit.undo(project)  # the new track and its clip go in one step
    assert [t.id for t in project.tracks] == ["v1", "a1"]


def test_ltx_video_models_refuse_in_words(tiny_ltx_dir, tmp_path, provider):
    project, path, clip_id = _project(tmp_path)
    recipe = Recipe(settings=tiny_settings(TINY_LTX_MODEL_ID), model_path=str(tiny_ltx_dir))
    job = a2v_request(plan_a2v(project, clip_id, 10, 19), path, recipe, tmp_path / "work")
    with pytest.raises(InvalidRequest, match="cannot do audio-to-video"):
        _generate(provider, job, tmp_path / "media")
