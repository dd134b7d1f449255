"""Replicate jobs through the real replicate.Client against the loopback API: create without waiting, poll,
tqdm progress, file uploads, cancel, and our own retry of a 429 on create (the client never retries POSTs)."""
from __future__ import annotations

import pytest

from ltx_editor.core.catalog import CATALOG
from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation.cloud.replicate_fields import build_replicate_call
from ltx_editor.generation.cloud.replicate_provider import ReplicateLTXProvider
from ltx_editor.generation.errors import Cancelled, RateLimited
from ltx_editor.generation.request import CancelToken, Condition, GenerationRequest, Stage
from tests.fakes.provider_run import run_provider as _run
from tests.fakes.replicate_server import MODELS, FakeReplicateServer, throttled


@pytest.fixture
def rep():
    with FakeReplicateServer() as server:
        yield server


def _request(model_id="ltxv-13b-0.9.7-distilled", mode=M.TEXT_TO_VIDEO, conditions=(), **settings):
    settings.setdefault("seed", 99)
    return GenerationRequest(backend="replicate", mode=mode, prompt="waves on a pier", conditions=list(conditions),
                             settings=GenerationSettings(model_id=model_id, **settings))


ALL_REPLICATE = [(m.id, mode, ep.endpoint) for m in CATALOG.values() for mode, ep in m.replicate.items()]


@pytest.mark.parametrize(("model_id", "mode", "name"), ALL_REPLICATE,
                         ids=[f"{m}-{d.value}" for m, d, _ in ALL_REPLICATE])
def test_every_lightricks_model_maps_to_inputs_it_accepts(rep, model_id, mode, name):
    conditions = {M.IMAGE_TO_VIDEO: [Condition(kind="image", path="/m/first.png", strength=0.7)],
                  M.VIDEO_TO_VIDEO: [Condition(kind="video", path="/m/clip.mp4", frame_index=24, num_frames=72)],
                  M.AUDIO_TO_VIDEO: [Condition(kind="audio", path="/m/voice.wav")],
                  }.get(mode, [])
    request = _request(model_id, mode, conditions)
    call = build_replicate_call(request, {"/m/first.png": f"{rep.base_url}/files/first.png",
                                          "/m/clip.mp4": f"{rep.base_url}/files/clip.mp4",
                                          "/m/voice.wav": f"{rep.base_url}/files/voice.wav"})
    assert call.endpoint == name and name in MODELS
    assert rep.check(name, call.arguments) == []


def test_catalog_covers_the_lightricks_models():
    assert {name for _, _, name in ALL_REPLICATE} == set(MODELS)


def test_create_without_waiting_then_poll_with_tqdm_progress(rep, tmp_path):
    rep.run_s = 0.4
    events = []
    result = _run(rep.provider(), _request(), tmp_path, events=events)
    pred = next(iter(rep.predictions.values()))
    assert pred.model == "lightricks/ltx-video-0.9.7-distilled" and pred.input["seed"] == 99
    create = rep.requests_to("create")
    assert len(create) == 1 and "prefer" not in create[0].headers  # no "Prefer: wait"
    assert len(rep.requests_to("get")) >= 2
    assert result.video_path.read_bytes() == rep.files[f"{pred.id}.mp4"]
    assert "authorization" not in rep.requests_to("file")[0].headers  # our download: no token to the file host
    assert result.sidecar_path is not None and result.sidecar_path.is_file()
    assert result.cost_usd is None  # Replicate bills by GPU time: no published price
    steps = [(e.step, e.total) for e in events if e.stage is Stage.GENERATING and e.step is not None]
    assert steps and all(total == 10 for _, total in steps) and steps == sorted(steps)
    assert any("%|" in e.message for e in events if e.stage is Stage.GENERATING)
    assert any("starting on Replicate" in e.message for e in events if e.stage is Stage.QUEUED)


def test_image_is_uploaded_through_the_files_api(rep, tmp_path):
    image = tmp_path / "first.png"
    image.write_bytes(b"\x89PNG" + b"pixels" * 50)
    out = tmp_path / "out"
    out.mkdir()
    _run(rep.provider(), _request("ltx-2-19b-distilled", M.IMAGE_TO_VIDEO, [Condition(kind="image", path=str(image),
                                                                                     strength=0.6)]), out)
    assert list(rep.uploads.values()) == [image.read_bytes()]
    files_call = rep.requests_to("files")[0]
    assert files_call.headers["authorization"] == f"Bearer {rep.token}"
    pred = next(iter(rep.predictions.values()))
    assert pred.input["image"] == f"{rep.base_url}/files/{next(iter(rep.uploads))}"
    assert pred.input["image_strength"] == 0.6


@pytest.mark.parametrize("phase", ["queued", "running"])
def test_cancel_cancels_the_prediction(rep, tmp_path, phase):
    rep.queue_s, rep.run_s = (30, 1) if phase == "queued" else (0.05, 30)
    token = CancelToken()
    stage = Stage.QUEUED if phase == "queued" else Stage.GENERATING

    def on_event(event):
        if event.stage is stage and (phase == "running" or "starting" in event.message):
            token.cancel()

    with pytest.raises(Cancelled):
        _run(rep.provider(), _request(), tmp_path, cancel=token, on_event=on_event)
    pred = next(iter(rep.predictions.values()))
    assert pred.cancelled and len(rep.requests_to("cancel")) == 1
    assert list(tmp_path.iterdir()) == []


def test_429_on_create_is_retried_honouring_retry_after(rep, tmp_path):
    rep.faults.add("create", throttled(0.3))
    result = _run(rep.provider(), _request(), tmp_path)
    assert result.video_path.is_file()
    first, second = rep.requests_to("create")
    assert 0.3 <= second.at - first.at < 1.5


def test_429_without_header_waits_as_the_text_says(rep, tmp_path):
    rep.faults.add("create", throttled(0.25, header=False))
    _run(rep.provider(), _request(), tmp_path)
    first, second = rep.requests_to("create")
    assert 0.25 <= second.at - first.at < 1.5


def test_429_asking_too_long_a_wait_gives_a_clear_rate_limit_error(rep, tmp_path):
    rep.faults.add("create", throttled(120))
    with pytest.raises(RateLimited) as err:
        _run(rep.provider(max_retry_wait_s=5), _request(), tmp_path)
    assert err.value.retry_after_s == 120 and "120 s" in err.value.hint
    assert len(rep.requests_to("create")) == 1 and list(tmp_path.iterdir()) == []


def test_persistent_429_gives_up_after_the_retries(rep, tmp_path):
    rep.faults.add("create", throttled(0.01), times=10)
    with pytest.raises(RateLimited, match="limiting"):
        _run(rep.provider(create_retries=2), _request(), tmp_path)
    assert len(rep.requests_to("create")) == 3 and not rep.predictions


def test_default_polling_is_about_once_a_second():
    assert ReplicateLTXProvider(api_key="r8_x").poll_interval_s == 1.0


def test_the_video_is_picked_from_any_output_shape():
    from ltx_editor.generation.cloud.replicate_provider import _video_url

    assert _video_url("https://f/x.mp4") == "https://f/x.mp4"
    assert _video_url(["https://f/poster.png", "https://f/x.mp4?sig=1"]) == "https://f/x.mp4?sig=1"
    assert _video_url({"video": "https://f/v.webm", "seed": 3}) == "https://f/v.webm"
    assert _video_url(["https://f/only"]) == "https://f/only"
    assert _video_url(None) is None and _video_url([]) is None
