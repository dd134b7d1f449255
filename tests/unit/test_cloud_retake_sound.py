"""Cloud retake of the video, the audio or both, through the real JobQueue + WorkflowRunner and the real fal_client /
replicate clients against the loopback fakes (each enforcing its endpoint's documented fields: fal's retake_mode,
Replicate's mode, both replace_video | replace_audio | replace_audio_and_video). The service returns the whole
clip; "audio" keeps every frame of the source's picture and takes only the range's seconds of sound; "both"
takes the range's picture and sound; around the range the source's sound stays."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ltx_editor.core.retake_plan import plan_retake
from ltx_editor.generation.cloud.fal_retake import retake_cloud_request
from ltx_editor.generation.cost import estimate
from ltx_editor.generation.local.audio_video import read_waveform
from ltx_editor.generation.workflow_runner import Landed
from tests.fakes.media_factory import numbered_video
from tests.fakes.video_probe import read_frames
from tests.fakes.workflow_harness import QueueHarness, landed
from tests.unit import test_cloud_retake as base

clip, fal, rep = base.clip, base.fal, base.rep  # its fixtures: a 4 s clip with a 440 Hz tone, the two fakes

RATE = 8000


def dominant_hz(wave: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    return float(np.fft.rfftfreq(len(wave), 1 / RATE)[int(np.argmax(spectrum))])


def _retake(server, provider, clip, tmp_path, backend, sound):
    project, path, clip_id = clip
    plan = replace(plan_retake(project, clip_id, 10 + 24, 10 + 72, family="ltx-2", max_frames=10_000), sound=sound)
    request = retake_cloud_request(plan, path, "she sings instead", "ltx-2-pro", backend)
    price = estimate(request)  # before anything is uploaded
    returned = numbered_video(tmp_path / "returned.mp4", frames=96, size=(64, 48), audio=True)  # a 330 Hz tone
    server.result_video = returned.read_bytes()
    with QueueHarness(project, path, provider) as h:
        h.runner.start_cloud_retake(plan, request)
        outcomes = h.pump(landed(1))
    (out,) = [o for o in outcomes if isinstance(o, Landed)]
    new = tmp_path / project.asset("asset_src").take(project.find_clip(clip_id)[1].take_id).path
    source = tmp_path / "media" / "src.mp4"
    sound = read_waveform(new, RATE, channels=1, seconds=4.0)[0]
    pitch = [dominant_hz(sound[a * RATE // 4:b * RATE // 4]) for a, b in ((0, 4), (5, 11), (12, 16))]
    out.edit.undo(project)  # one undo step back to the source take
    assert project.find_clip(clip_id)[1].take_id == "take_src"
    return price, read_frames(source), read_frames(new), read_frames(returned), pitch


def test_fal_retakes_only_the_sound_the_picture_stays_the_sources(fal, clip, tmp_path):
    price, source, new, _, pitch = _retake(fal, fal.provider(), clip, tmp_path, "fal", "audio")
    assert price == pytest.approx(0.10 * 89 / 24, abs=1e-4)  # the same price as any retake, shown first
    (job,) = fal.jobs.values()  # accepted by the fake: a documented value
    assert job.app == "fal-ai/ltx-2/retake-video" and job.arguments["retake_mode"] == "replace_audio"
    assert np.array_equal(new, source)  # every frame of the picture is the source's
    # 0-1 s and 3-4 s: the source's 440 Hz; 1.25-2.75 s (inside the 1-3 s range): the service's 330 Hz
    assert pitch[0] == pytest.approx(440, abs=10) and pitch[2] == pytest.approx(440, abs=10)
    assert pitch[1] == pytest.approx(330, abs=10)


def test_replicate_retakes_picture_and_sound(rep, clip, tmp_path):
    price, source, new, back, pitch = _retake(rep, rep.provider(), clip, tmp_path, "replicate", "both")
    assert price is None  # Replicate publishes no price: unknown, never guessed
    (pred,) = rep.predictions.values()
    assert pred.model == "lightricks/ltx-2-retake" and pred.input["mode"] == "replace_audio_and_video"
    assert new.shape == source.shape  # 0 frames of gap or repeat
    assert np.array_equal(new[:24], source[:24]) and np.array_equal(new[72:], source[72:])
    assert np.array_equal(new[24:72], back[24:72])
    assert pitch[0] == pytest.approx(440, abs=10) and pitch[2] == pytest.approx(440, abs=10)
    assert pitch[1] == pytest.approx(330, abs=10)


def test_replicate_video_only_keeps_the_sound(rep, clip, tmp_path):
    _, source, new, back, pitch = _retake(rep, rep.provider(), clip, tmp_path, "replicate", "video")
    (pred,) = rep.predictions.values()
    assert pred.input["mode"] == "replace_video"
    assert np.array_equal(new[24:72], back[24:72]) and np.array_equal(new[:24], source[:24])
    assert all(p == pytest.approx(440, abs=10) for p in pitch)  # the source's sound throughout
