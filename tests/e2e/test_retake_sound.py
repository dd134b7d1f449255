"""Retake the video, the audio or both of a range on the tiny LTX-2 (real LTX2ConditionPipeline, real ffmpeg).

"video": the range's picture is new, the take keeps the source's sound as it was (stream copy).
"audio": the picture is held (the whole window is one strength-1 condition at latent 0) and the new take's
picture is the source's bit for bit; the range's seconds of sound come from the generation, the rest is the
source's. "both": new picture and new sound over the range. Every mode: same length, 0 frames of gap or repeat,
one undo step. LTX-Video refuses the sound modes in words.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.project import Project, Track
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.retake_plan import RetakeError, plan_retake
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.local.audio_video import read_waveform
from ltx_editor.generation.retake import check_sound, land_retake, retake_request
from ltx_editor.generation.workflows import Recipe
from tests.e2e import test_retake as base
from tests.fakes.media_factory import ffmpeg
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID, tiny_request, tiny_settings
from tests.fakes.video_probe import read_frames

provider, _generate = base.provider, base._generate  # a local provider per module; one generation through it
RATE = 16000  # the sound is compared at one rate (ffmpeg resamples both sides the same way)


@pytest.fixture
def clip(tiny_ltx2_dir, tmp_path, provider):
    """A 41-frame tiny LTX-2 clip on V1 at frame 12 whose sound is a 440 Hz tone (the tiny model's own sound is
    near silence: a tone tells the source's sound from the generation's), and the recipe to retake it with."""
    path = tmp_path / "rt.ltxproj"
    source = _generate(provider, tiny_request(tiny_ltx2_dir, num_frames_override=41, seed=3, generate_audio=True),
                       tmp_path / "media")
    assert source.has_audio
    toned = source.video_path.with_name("toned.mp4")
    ffmpeg("-i", str(source.video_path), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
           "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", str(toned))
    toned.replace(source.video_path)
    project = Project(tracks=[Track(id="v1", kind="video")])
    asset, _ = add_result(project, path, source, "source")
    recipe = Recipe(settings=tiny_settings(TINY_LTX2_MODEL_ID), model_path=str(tiny_ltx2_dir))
    clip_id = tl.insert_clip(project, "v1", asset.id, 12).created[0]
    return project, path, asset.id, clip_id, recipe


def _sound(path, seconds):
    return read_waveform(path, RATE, channels=1, seconds=seconds)[0]


def _retake(clip, sound, provider, tmp_path):
    project, path, asset_id, clip_id, recipe = clip
    source_take = project.find_clip(clip_id)[1].take_id
    plan = replace(plan_retake(project, clip_id, 12 + 14, 12 + 26, family="ltx-2"), sound=sound)  # media 14-26
    request = retake_request(plan, project, path, recipe, tmp_path / "work", prompt="a new line")
    result = _generate(provider, request, tmp_path / "media")
    assert result.has_audio and result.num_frames == plan.num_frames
    _, take_id, edit = land_retake(project, path, plan, result)
    take = project.asset(asset_id).take
    src, new = resolve_media(path, take(source_take).path), resolve_media(path, take(take_id).path)
    return plan, request, result, src, new, edit, source_take


def test_video_only_keeps_the_sound_as_it_was(clip, provider, tmp_path):
    plan, request, result, src, new, edit, source_take = _retake(clip, "video", provider, tmp_path)
    assert [(c.frame_index, c.num_frames) for c in request.conditions] == [(0, 9), (plan.layout.after_at, 9)]
    before, after = read_frames(src), read_frames(new)
    assert after.shape == before.shape  # 0 frames of gap or repeat
    assert np.array_equal(after[np.r_[0:14, 26:41]], before[np.r_[0:14, 26:41]])
    assert np.array_equal(_sound(new, 41 / 24), _sound(src, 41 / 24))  # the same sound, not re-encoded
    edit.undo(clip[0])
    assert clip[0].find_clip(clip[3])[1].take_id == source_take


def test_audio_only_holds_the_picture_and_replaces_the_range_of_sound(clip, provider, tmp_path):
    plan, request, result, src, new, edit, source_take = _retake(clip, "audio", provider, tmp_path)
    (held,) = request.conditions  # the whole window's source frames, at latent 0, full strength
    assert (held.frame_index, held.strength) == (0, 1.0)
    # 8k+1 source frames from the before context's first on: past the kept ones, within the source
    assert held.num_frames % 8 == 1 and plan.layout.keep_out <= held.num_frames <= 41 - (14 - plan.layout.keep_in)
    assert request.settings.generate_audio
    assert np.array_equal(read_frames(new), read_frames(src))  # every frame of the picture is the source's
    seconds = 41 / 24
    old, mixed, made = _sound(src, seconds), _sound(new, seconds), _sound(result.video_path, plan.num_frames / 24)
    a, b = round(14 / 24 * RATE), round(26 / 24 * RATE)
    k = round(plan.layout.keep_in / 24 * RATE)
    margin = RATE // 50  # 20 ms either side of each join: AAC's frames smear the cut a little

    def rms(x):
        return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-9)

    outside = np.r_[0:a - margin, b + margin:len(old)]
    inside = np.r_[a + margin:b - margin]
    assert rms(mixed[outside] - old[outside]) < 0.25 * rms(old[outside])  # the source's sound around the range
    gen = made[k + (inside - a)]
    assert rms(old[inside]) > 0.05  # the tone (lavfi sine: amplitude 1/8)
    assert rms(mixed[inside] - gen) < 0.25 * rms(old[inside])  # the generation's sound in it (near silence)
    assert rms(mixed[inside] - old[inside]) > 0.5 * rms(old[inside])  # which is not the old sound
    edit.undo(clip[0])
    assert clip[0].find_clip(clip[3])[1].take_id == source_take


def test_both_replaces_picture_and_sound_of_the_range(clip, provider, tmp_path):
    plan, request, result, src, new, _, _ = _retake(clip, "both", provider, tmp_path)
    assert [(c.frame_index, c.num_frames) for c in request.conditions] == [(0, 9), (plan.layout.after_at, 9)]
    before, after, generated = read_frames(src), read_frames(new), read_frames(result.video_path)
    assert after.shape == before.shape
    assert np.array_equal(after[np.r_[0:14, 26:41]], before[np.r_[0:14, 26:41]])
    assert np.array_equal(after[14:26], generated[plan.layout.keep_in:plan.layout.keep_out])
    seconds = 41 / 24
    old, mixed = _sound(src, seconds), _sound(new, seconds)
    a, b, margin = round(14 / 24 * RATE), round(26 / 24 * RATE), RATE // 50
    diff = np.abs(mixed - old)
    assert diff[a + margin:b - margin].mean() > 4 * diff[np.r_[0:a - margin, b + margin:len(old)]].mean()


def test_sound_modes_are_refused_in_words_where_they_cannot_run():
    with pytest.raises(RetakeError, match="LTX-Video models make no sound"):
        check_sound("audio", "ltx-video", True)
    with pytest.raises(RetakeError, match="no sound to retake"):
        check_sound("both", "ltx-2", False)
    with pytest.raises(RetakeError, match="Unknown retake mode"):
        check_sound("music", "ltx-2", True)
    check_sound("video", "ltx-video", False)  # the picture can always be retaken
