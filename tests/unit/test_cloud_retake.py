"""Cloud retake as the editor queues it: a VIDEO_TO_VIDEO request on LTX-2 Pro whose video condition names the
range, through the real JobQueue + WorkflowRunner and the real fal_client / replicate clients against the loopback
fakes (each enforcing its endpoint's documented fields). Price first; only the range lands in the new take (every
other frame bit-identical), one undo step."""
from __future__ import annotations

import numpy as np
import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.project import Asset, Project, Take, Track
from ltx_editor.core.retake_plan import plan_retake
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.cloud.fal_retake import check_cloud_retake, retake_cloud_request
from ltx_editor.generation.cost import estimate
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.workflow_runner import Landed
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.media_factory import numbered_video, sample_video
from tests.fakes.replicate_server import FakeReplicateServer
from tests.fakes.video_probe import read_frames
from tests.fakes.workflow_harness import QueueHarness, landed


@pytest.fixture
def clip(tmp_path):
    """A 4 s (96 frames, 24 fps) 64x48 clip with sound on V1 at frame 10."""
    path = tmp_path / "p.ltxproj"
    sample_video(tmp_path / "media" / "src.mp4", frames=96, size=(64, 48))
    take = Take(id="take_src", path="media/src.mp4", frame_count=96, fps=24.0, width=64, height=48, has_audio=True)
    asset = Asset(id="asset_src", kind="generated", takes=[take], active_take_id=take.id)
    project = Project(assets=[asset], tracks=[Track(id="v1", kind="video")])
    clip_id = tl.insert_clip(project, "v1", asset.id, 10).created[0]
    return project, path, clip_id


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        yield server


@pytest.fixture
def rep():
    with FakeReplicateServer() as server:
        yield server


def _retake_through_the_queue(server, provider, clip, tmp_path, backend):
    project, path, clip_id = clip
    plan = plan_retake(project, clip_id, 10 + 24, 10 + 72, family="ltx-2", max_frames=10_000)  # 1 s to 3 s
    request = retake_cloud_request(plan, path, "make it night", "ltx-2-pro", backend)
    assert request.mode is GenerationMode.VIDEO_TO_VIDEO
    assert (request.conditions[0].frame_index, request.conditions[0].num_frames) == (24, 48)
    price = estimate(request)  # before anything is uploaded
    returned = numbered_video(tmp_path / "returned.mp4", frames=96, size=(64, 48))  # "the clip, redone"
    server.result_video = returned.read_bytes()
    with QueueHarness(project, path, provider) as h:
        run = h.runner.start_cloud_retake(plan, request)
        outcomes = h.pump(landed(1))
    (out,) = [o for o in outcomes if isinstance(o, Landed)]
    assert run.state == "landed" and out.label == "Retake range"
    take_id = project.find_clip(clip_id)[1].take_id
    new = read_frames(tmp_path / project.asset("asset_src").take(take_id).path)
    source = read_frames(tmp_path / "media" / "src.mp4")
    back = read_frames(returned)
    assert new.shape == source.shape  # 0 frames of gap or repeat
    assert np.array_equal(new[:24], source[:24]) and np.array_equal(new[72:], source[72:])
    assert np.array_equal(new[24:72], back[24:72])
    out.edit.undo(project)  # one undo step back to the source take
    assert project.find_clip(clip_id)[1].take_id == "take_src"
    return price


def test_fal_retake_from_the_queue(fal, clip, tmp_path):
    price = _retake_through_the_queue(fal, fal.provider(), clip, tmp_path, "fal")
    assert price == pytest.approx(0.10 * 89 / 24, abs=1e-4)  # $0.10 per second of the clip sent (89 of its 96 frames)
    (job,) = fal.jobs.values()  # accepted: only documented fields and values
    assert job.app == "fal-ai/ltx-2/retake-video"
    assert {k: job.arguments[k] for k in ("prompt", "start_time", "duration", "retake_mode")} == {
        "prompt": "make it night", "start_time": 1.0, "duration": 2.0, "retake_mode": "replace_video"}
    assert job.arguments["video_url"].startswith(fal.base_url)


def test_replicate_retake_from_the_queue(rep, clip, tmp_path):
    price = _retake_through_the_queue(rep, rep.provider(), clip, tmp_path, "replicate")
    assert price is None  # Replicate publishes no price for it: shown as unknown, never guessed
    (pred,) = rep.predictions.values()
    assert pred.model == "lightricks/ltx-2-retake"
    assert {k: pred.input[k] for k in ("prompt", "start_time", "duration", "mode")} == {
        "prompt": "make it night", "start_time": 1.0, "duration": 2.0, "mode": "replace_video"}
    assert pred.input["video"].startswith(rep.base_url)


@pytest.mark.parametrize(("backend", "end", "words"), [("fal", 10 + 30, "2-20 s"), ("replicate", 10 + 30, "2-16 s"),
                                                      ("replicate", 10 + 96, None)])
def test_ranges_a_service_cannot_take_are_refused_before_any_upload(clip, backend, end, words):
    project, path, clip_id = clip
    plan = plan_retake(project, clip_id, 10, end, family="ltx-2", max_frames=10_000)
    request = retake_cloud_request(plan, path, "p", "ltx-2-pro", backend)
    if words is None:
        check_cloud_retake(request)  # 4 s: within both services' limits
        return
    with pytest.raises(InvalidRequest, match=words):
        check_cloud_retake(request)
