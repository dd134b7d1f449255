"""Cloud retake on fal (fal-ai/ltx-2/retake-video) through the real fal_client against the loopback fake,
which enforces the endpoint's documented fields: price first, the range sent in seconds, the whole clip back,
only the range spliced into a new take (every other frame bit-identical), one undo step."""
from __future__ import annotations

import numpy as np
import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.project import Asset, Project, Take, Track
from ltx_editor.core.retake_plan import RetakeError, plan_retake
from ltx_editor.generation.cloud.fal_retake import (
    FalRetakeProvider,
    retake_cloud_request,
    retake_estimate,
    retake_window,
)
from ltx_editor.generation.retake import land_retake
from tests.fakes.fal_server import FAST_OPTIONS, FakeFalServer
from tests.fakes.media_factory import numbered_video, sample_video
from tests.fakes.provider_run import run_provider
from tests.fakes.video_probe import read_frames


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        yield server


@pytest.fixture
def clip(tmp_path):
    """A 4 s (96 frames, 24 fps) 64x48 clip with sound on V1 at frame 0."""
    path = tmp_path / "p.ltxproj"
    sample_video(tmp_path / "media" / "src.mp4", frames=96, size=(64, 48))
    take = Take(id="take_src", path="media/src.mp4", frame_count=96, fps=24.0, width=64, height=48, has_audio=True)
    asset = Asset(id="asset_src", kind="generated", takes=[take], active_take_id=take.id)
    project = Project(assets=[asset], tracks=[Track(id="v1", kind="video")])
    clip_id = tl.insert_clip(project, "v1", asset.id, 0).created[0]
    return project, path, clip_id


def test_fal_retake_price_first_fields_as_documented_and_an_exact_splice(fal, clip, tmp_path):
    project, path, clip_id = clip
    plan = plan_retake(project, clip_id, 24, 72, family="ltx-2")  # 1 s to 3 s
    window = retake_window(plan, project)
    assert retake_estimate(window, "ltx-2-pro") == pytest.approx(0.10 * 4)  # the whole 4 s clip, before uploading
    assert not fal.jobs
    returned = numbered_video(tmp_path / "returned.mp4", frames=96, size=(64, 48))  # "the clip, redone"
    fal.result_video = returned.read_bytes()
    request = retake_cloud_request(plan, path, "make it night", "ltx-2-pro")
    provider = FalRetakeProvider(window, api_key=fal.key, **FAST_OPTIONS)
    result = run_provider(provider, request, tmp_path / "media")

    (job,) = fal.jobs.values()  # the fake accepted the call: only documented fields and values
    assert job.app == "fal-ai/ltx-2/retake-video"
    assert {k: job.arguments[k] for k in ("prompt", "start_time", "duration", "retake_mode")} == {
        "prompt": "make it night", "start_time": 1.0, "duration": 2.0, "retake_mode": "replace_video"}
    assert job.arguments["video_url"].startswith(fal.base_url)  # uploaded through the client, not a local path
    assert result.cost_usd == pytest.approx(0.4)

    _, take_id, edit = land_retake(project, path, plan, result, output_range=(plan.start, plan.end))
    new = read_frames(tmp_path / project.asset("asset_src").take(take_id).path)
    source = read_frames(tmp_path / "media" / "src.mp4")
    back = read_frames(returned)
    assert new.shape == source.shape  # 0 frames of gap or repeat
    assert np.array_equal(new[:24], source[:24]) and np.array_equal(new[72:], source[72:])
    assert np.array_equal(new[24:72], back[24:72]) and not np.array_equal(new[24:72], source[24:72])
    assert project.find_clip(clip_id)[1].take_id == take_id
    edit.undo(project)
    assert project.find_clip(clip_id)[1].take_id == "take_src"


@pytest.mark.parametrize(("start", "end", "words"), [(24, 40, "2-20 s"), (0, 96, None)])
def test_fal_retake_ranges_the_endpoint_cannot_take_are_refused_before_any_call(fal, clip, start, end, words):
    project, path, clip_id = clip
    plan = plan_retake(project, clip_id, start, end, family="ltx-2")
    if words is None:
        assert retake_window(plan, project).duration == 4.0  # the whole clip: within 2-20 s
        with pytest.raises(RetakeError, match="no retake for"):
            retake_cloud_request(plan, path, "x", "ltxv-13b-0.9.7-distilled")
    else:
        with pytest.raises(RetakeError, match=words):
            retake_window(plan, project)
    assert not fal.jobs
