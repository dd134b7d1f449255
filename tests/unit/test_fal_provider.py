"""fal.ai jobs through the real fal_client.AsyncClient against the loopback fal: submit, queue updates as
progress, uploads through the client (storage token + CDN), our own download, the recipe, cancel, polling."""
from __future__ import annotations

import json

import pytest

from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings, LoraSpec
from ltx_editor.generation.cloud.fal_provider import FalLTXProvider
from ltx_editor.generation.errors import Cancelled
from ltx_editor.generation.request import CancelToken, Condition, GenerationRequest, Stage
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.provider_run import run_provider as _run


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        yield server


def _request(model_id="ltxv-13b-0.9.7-distilled", mode=M.TEXT_TO_VIDEO, conditions=(), **settings):
    settings.setdefault("seed", 1234)
    return GenerationRequest(backend="fal", mode=mode, prompt="a lighthouse at dusk", conditions=list(conditions),
                             settings=GenerationSettings(model_id=model_id, **settings))


def test_text_to_video_end_to_end(fal, tmp_path):
    events = []
    result = _run(fal.provider(), _request(duration_s=2, fps=24), tmp_path, events=events)
    job = next(iter(fal.jobs.values()))
    assert job.app == "fal-ai/ltx-video-13b-distilled"
    assert job.arguments["seed"] == 1234 and job.arguments["num_frames"] == 49
    assert result.video_path.read_bytes() == fal.files[f"{job.id}.mp4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([result.video_path.name, result.sidecar_path.name])
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["backend"] == "fal" and recipe["model"]["endpoint"] == "fal-ai/ltx-video-13b-distilled"
    assert recipe["cost_usd"] == result.cost_usd == 0.04  # the 0.9.7 distilled app bills per video
    assert recipe["seed"] == 1234
    # every fal call carried the key; the file host saw none
    routes = [r.route for r in fal.requests]
    assert routes[0] == "submit" and routes[-2:] == ["result", "file"] and "status" in routes
    assert all(r.headers["authorization"] == f"Key {fal.key}" for r in fal.requests if r.route != "file")
    assert "authorization" not in fal.requests_to("file")[0].headers
    stages = [e.stage for e in events]
    assert stages[0] is Stage.QUEUED and stages[-1] is Stage.DONE and Stage.DOWNLOADING in stages


def test_queue_position_and_log_lines_become_progress(fal, tmp_path):
    fal.queue_s, fal.run_s = 0.3, 0.4
    events = []
    _run(fal.provider(), _request(), tmp_path, events=events)
    positions = [e.queue_position for e in events if e.stage is Stage.QUEUED and e.queue_position is not None]
    assert positions and positions == sorted(positions, reverse=True)
    assert any("in the fal.ai queue" in e.message for e in events)
    steps = [(e.step, e.total) for e in events if e.stage is Stage.GENERATING and e.step is not None]
    assert steps and all(total == 8 for _, total in steps)
    assert [s for s, _ in steps] == sorted(s for s, _ in steps)
    assert any(e.message.startswith("step ") for e in events if e.stage is Stage.GENERATING)


def test_local_files_are_uploaded_through_the_client(fal, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    first, last, lora = media / "first.png", media / "last.png", media / "style.safetensors"
    for path in (first, last, lora):
        path.write_bytes(path.name.encode() * 100)
    conditions = [Condition(kind="image", path=str(first), frame_index=0),
                  Condition(kind="image", path=str(last), frame_index=40, strength=0.8)]
    request = _request(mode=M.KEYFRAMES, conditions=conditions, loras=[LoraSpec(path=str(lora), scale=0.5)])
    out = tmp_path / "out"
    out.mkdir()
    events = []
    result = _run(fal.provider(), request, out, events=events)
    assert result.video_path.is_file()
    assert sorted(fal.uploads.values()) == sorted(p.read_bytes() for p in (first, last, lora))
    token_calls, uploads = fal.requests_to("token"), fal.requests_to("upload")
    assert len(token_calls) >= 1 and token_calls[0].headers["authorization"] == f"Key {fal.key}"
    assert len(uploads) == 3 and all(r.headers["authorization"].startswith("Bearer cdn-token-") for r in uploads)
    args = next(iter(fal.jobs.values())).arguments
    by_name = {name.split("-", 2)[2]: f"{fal.base_url}/files/{name}" for name in fal.uploads}
    assert [i["image_url"] for i in args["images"]] == [by_name["first.png"], by_name["last.png"]]
    assert [i["start_frame_num"] for i in args["images"]] == [0, 40]
    assert args["loras"] == [{"path": by_name["style.safetensors"], "scale": 0.5}]
    assert sum(e.stage is Stage.UPLOADING for e in events) == 3


def test_default_polling_is_about_once_a_second():
    assert FalLTXProvider(api_key="k").poll_interval_s == 1.0


def test_polls_are_spaced_by_the_poll_interval(fal, tmp_path):
    fal.queue_s, fal.run_s = 0.2, 0.8  # a 1 s job polled every 0.1 s: about 10 polls (the client default: 100)
    _run(fal.provider(poll_interval_s=0.1), _request(), tmp_path)
    polls = fal.requests_to("status")
    assert 6 <= len(polls) <= 13
    gaps = [b.at - a.at for a, b in zip(polls, polls[1:], strict=False)]
    assert min(gaps) >= 0.09  # no back-to-back status calls (fal_client's handle.get() would add one)


def _cancel_when(token, predicate):
    def on_event(event):
        if predicate(event):
            token.cancel()
    return on_event


@pytest.mark.parametrize("phase", ["queued", "running"])
def test_cancel_cancels_the_job_on_fal(fal, tmp_path, phase):
    fal.queue_s, fal.run_s = (30, 1) if phase == "queued" else (0.05, 30)
    token = CancelToken()
    stage = Stage.QUEUED if phase == "queued" else Stage.GENERATING
    on_event = _cancel_when(token, lambda e: e.stage is stage and (phase == "running" or e.queue_position is not None))
    with pytest.raises(Cancelled):
        _run(fal.provider(), _request(), tmp_path, cancel=token, on_event=on_event)
    job = next(iter(fal.jobs.values()))
    assert job.cancelled
    cancel_calls = fal.requests_to("cancel")
    assert len(cancel_calls) == 1 and cancel_calls[0].path.endswith(f"/requests/{job.id}/cancel")
    assert cancel_calls[0].headers["authorization"] == f"Key {fal.key}"
    assert list(tmp_path.iterdir()) == []


def test_ltx2_result_reports_its_own_size_and_audio(fal, tmp_path):
    result = _run(fal.provider(), _request("ltx-2-fast", duration_s=6, fps=25, generate_audio=True), tmp_path)
    assert (result.width, result.height, result.num_frames, result.fps) == (1248, 704, 161, 25)
    assert result.has_audio and result.cost_usd == pytest.approx(0.04 * 161 / 25, abs=1e-4)
    assert any("no seed" in note for note in result.notes)


def test_a_job_cancelled_elsewhere_ends_as_cancelled(fal, tmp_path):
    fal.run_s = 30

    def cancel_on_fal(event):
        if event.stage is Stage.GENERATING:
            for job in fal.jobs.values():
                job.cancelled = True  # e.g. from fal's dashboard

    with pytest.raises(Cancelled, match="cancelled on fal.ai"):
        _run(fal.provider(), _request(), tmp_path, on_event=cancel_on_fal)
    assert list(tmp_path.iterdir()) == []


def test_extend_uploads_the_source_video(fal, tmp_path):
    source = tmp_path / "source.mp4"
    source.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"v" * 1000)
    out = tmp_path / "out"
    out.mkdir()
    request = _request("ltx-2-19b", M.EXTEND_FORWARD, [Condition(kind="video", path=str(source), num_frames=25)],
                       fps=25, duration_s=3)
    result = _run(fal.provider(), request, out)
    job = next(iter(fal.jobs.values()))
    assert job.app == "fal-ai/ltx-2-19b/extend-video"
    assert list(fal.uploads.values()) == [source.read_bytes()]
    assert job.arguments["video_url"].endswith(next(iter(fal.uploads)))
    assert job.arguments["extend_direction"] == "forward" and job.arguments["num_context_frames"] == 25
    assert result.has_audio and result.video_path.is_file()
