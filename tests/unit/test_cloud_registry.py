"""The cloud side of the model registry is true: every fal/Replicate endpoint we map exists in the services'
documented schemas, cites its page, is priced the way that page says, and every call we build passes the
documented schema — while a field or value the docs do not list is refused by the loopback fakes (a 422, as
the services answer), through the real clients too."""
from __future__ import annotations

import pytest

from ltx_editor.core.catalog import CATALOG, get_model
from ltx_editor.core.cloud_catalog import DOCUMENTED_UNMAPPED, FAL_RETAKE, PriceRule
from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings, LoraSpec
from ltx_editor.generation.cloud.fal_fields import build_fal_call, files_to_upload
from ltx_editor.generation.cloud.replicate_fields import build_replicate_call
from ltx_editor.generation.cost import estimate
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.request import Condition, GenerationRequest
from tests.fakes.endpoint_schema import fal_catalog
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.provider_run import run_provider
from tests.fakes.replicate_server import REPLICATE_SCHEMAS, FakeReplicateServer

T2V, I2V, KEY, EXT_F, EXT_B, V2V = (M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO, M.KEYFRAMES, M.EXTEND_FORWARD,
                                    M.EXTEND_BACKWARD, M.VIDEO_TO_VIDEO)
FAL_ROWS = [(m.id, mode, ep.endpoint) for m in CATALOG.values() for mode, ep in m.fal.items()]
REP_ROWS = [(m.id, mode, ep.endpoint) for m in CATALOG.values() for mode, ep in m.replicate.items()]


def _ids(rows):
    return [f"{m}-{d.value}" for m, d, _ in rows]


def _conditions(mode: M) -> list[Condition]:
    return {I2V: [Condition(kind="image", path="/m/first.png", strength=0.8)],
            KEY: [Condition(kind="image", path="/m/a.png"), Condition(kind="image", path="/m/b.png", frame_index=48)],
            EXT_F: [Condition(kind="video", path="/m/clip.mp4", num_frames=17)],
            EXT_B: [Condition(kind="video", path="/m/clip.mp4", num_frames=17)],
            V2V: [Condition(kind="video", path="/m/source.mp4", strength=0.6)],
            M.AUDIO_TO_VIDEO: [Condition(kind="audio", path="/m/voice.wav")]}.get(mode, [])


def _request(backend: str, model_id: str, mode: M = T2V, **settings) -> GenerationRequest:
    settings.setdefault("seed", 11)
    return GenerationRequest(backend=backend, mode=mode, prompt="a lighthouse at dusk", conditions=_conditions(mode),
                             settings=GenerationSettings(model_id=model_id, **settings))


@pytest.fixture(scope="module")
def fal():
    with FakeFalServer() as server:
        yield server


@pytest.fixture(scope="module")
def rep():
    with FakeReplicateServer() as server:
        yield server


def _fal_call(fal: FakeFalServer, request: GenerationRequest):
    urls = {p: f"{fal.base_url}/files/{p.rsplit('/', 1)[-1]}" for p in files_to_upload(request)}
    return build_fal_call(request, urls)


def _rep_call(rep: FakeReplicateServer, request: GenerationRequest):
    urls = {c.path: f"{rep.base_url}/files/{c.path.rsplit('/', 1)[-1]}" for c in request.conditions}
    return build_replicate_call(request, urls)


# -- every entry cites its page and exists in the documented schemas ------------------------------------------------
@pytest.mark.parametrize(("model_id", "mode", "endpoint"), FAL_ROWS, ids=_ids(FAL_ROWS))
def test_every_fal_entry_cites_its_page_and_is_documented(model_id, mode, endpoint):
    entry = get_model(model_id).endpoint("fal", mode)
    assert entry.source == f"https://fal.ai/models/{endpoint}/llms.txt"
    assert entry.price_source in ("",) or entry.price_source.startswith(("https://fal.ai/models/", "https://docs.ltx.video/"))
    assert endpoint in fal_catalog(), "the fake has no documented schema for it"
    assert fal_catalog()[endpoint]["schema_from"]  # and says where that schema was read


@pytest.mark.parametrize(("model_id", "mode", "endpoint"), REP_ROWS, ids=_ids(REP_ROWS))
def test_every_replicate_entry_cites_its_page_and_is_documented(model_id, mode, endpoint):
    assert get_model(model_id).endpoint("replicate", mode).source == f"https://replicate.com/{endpoint}/api"
    assert endpoint in REPLICATE_SCHEMAS


def test_endpoints_for_later_work_are_recorded_with_their_pages():
    for endpoint in ("fal-ai/ltx-2.3/retake-video",):
        assert DOCUMENTED_UNMAPPED[endpoint].startswith("https://")


def test_the_fal_retake_endpoint_is_mapped_with_its_page_price_and_schema():
    for ep in FAL_RETAKE.values():
        assert ep.endpoint == "fal-ai/ltx-2/retake-video" and ep.endpoint not in DOCUMENTED_UNMAPPED
        assert ep.source == "https://fal.ai/models/fal-ai/ltx-2/retake-video/llms.txt"
        assert ep.price == PriceRule(kind="per_second", usd=0.10)  # "$0.10 per second"
        assert ep.endpoint in fal_catalog()


# -- the wrongs found when checking against the docs stay fixed ------------------------------------------------------
def test_each_model_maps_to_its_own_version_on_fal():
    assert get_model("ltxv-2b-0.9.8-distilled").fal == {}  # fal serves no 2B 0.9.8 (it was mapped to the 13B)
    assert get_model("ltxv-13b-0.9.8-distilled").fal[T2V].endpoint == "fal-ai/ltxv-13b-098-distilled"
    assert get_model("ltxv-2b-0.9.5").fal[T2V].endpoint == "fal-ai/ltx-video-v095"  # not the unversioned preview
    assert all(ep.endpoint != "fal-ai/ltx-video" for _, _, ep in
               ((m, d, e) for m in CATALOG.values() for d, e in m.fal.items()))
    assert get_model("ltxv-13b-0.9.7-dev").fal[T2V].endpoint == "fal-ai/ltx-video-13b-dev"


def test_ltx2_19b_extends_backward_and_re_renders_video_on_fal():
    for model_id, prefix in (("ltx-2-19b", "fal-ai/ltx-2-19b"), ("ltx-2-19b-distilled", "fal-ai/ltx-2-19b/distilled")):
        back = build_fal_call(_request("fal", model_id, EXT_B), {"/m/clip.mp4": "https://cdn/c.mp4"})
        assert back.endpoint == f"{prefix}/extend-video" and back.arguments["extend_direction"] == "backward"
        v2v = build_fal_call(_request("fal", model_id, V2V), {"/m/source.mp4": "https://cdn/s.mp4"})
        assert v2v.endpoint == f"{prefix}/video-to-video"
        assert v2v.arguments["video_url"] == "https://cdn/s.mp4" and v2v.arguments["video_strength"] == 0.6


def test_ltx2_pro_image_to_video_sends_no_aspect_ratio_and_the_fake_refuses_one(fal):
    call = _fal_call(fal, _request("fal", "ltx-2-pro", I2V, aspect_ratio="9:16"))
    assert "aspect_ratio" not in call.arguments and any("16:9" in n for n in call.notes)
    problems = fal.check(call.endpoint, {**call.arguments, "aspect_ratio": "16:9"})
    assert [p["loc"] for p in problems] == [["body", "aspect_ratio"]] and problems[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize(("model_id", "settings", "mode", "usd"), [
    ("ltxv-13b-0.9.7-distilled", {"duration_s": 5}, KEY, 0.04),  # multiconditioning: $0.04 per video, not per s
    ("ltxv-13b-0.9.7-distilled", {"duration_s": 3}, KEY, 0.04),
    ("ltxv-13b-0.9.7-dev", {"duration_s": 5}, T2V, 0.20),
    ("ltxv-2b-0.9.5", {"duration_s": 5}, EXT_F, 0.04),
    ("ltxv-13b-0.9.8-distilled", {"duration_s": 2, "fps": 30}, T2V, 0.02 * 57 / 24),  # billed at 24 fps
    ("ltx-2.3-pro", {"duration_s": 6, "fps": 25}, T2V, 0.08 * 6),
    ("ltx-2.3-pro", {"duration_s": 6, "fps": 25}, I2V, 0.06 * 6),  # its image-to-video page: $0.06/s at 1080p
    ("ltx-2.3-pro", {"duration_s": 3, "fps": 25}, EXT_B, 0.10 * 73 / 25),  # extend: $0.10/s of extension
    ("ltx-2-19b-distilled", {"duration_s": 4, "fps": 25, "resolution": "480p"}, T2V, 0.001 * 41),
])
def test_prices_follow_each_endpoints_page(model_id, settings, mode, usd):
    assert estimate(_request("fal", model_id, mode, **settings)) == pytest.approx(usd, abs=1e-4)


def test_megapixel_prices_round_up_like_fal():
    # fal's own example: 121 frames at 1280x720 is "≈112 MP" and costs $0.2016 at $0.0018/MP.
    assert PriceRule(kind="per_megapixel", usd=0.0018).estimate(
        width=1280, height=720, num_frames=121, fps=25) == pytest.approx(0.2016)


def test_loras_on_ltx2_19b_go_to_the_lora_endpoint(fal):
    request = _request("fal", "ltx-2-19b", loras=[LoraSpec(path="/l/style.safetensors", scale=0.8)])
    call = _fal_call(fal, request)
    assert call.endpoint == "fal-ai/ltx-2-19b/text-to-video/lora"
    assert call.arguments["loras"] == [{"path": f"{fal.base_url}/files/style.safetensors", "scale": 0.8}]
    assert fal.check(call.endpoint, call.arguments) == []


# -- every call we build passes the documented schema; anything undocumented is refused -----------------------------
@pytest.mark.parametrize(("model_id", "mode", "endpoint"), FAL_ROWS, ids=_ids(FAL_ROWS))
def test_fal_calls_pass_their_schema_and_an_undocumented_field_is_refused(fal, model_id, mode, endpoint):
    for settings in ({}, {"resolution": "720p", "aspect_ratio": "9:16", "fps": 30, "upscale": True,
                          "enhance_prompt": True, "duration_s": 10}):
        call = _fal_call(fal, _request("fal", model_id, mode, **settings))
        assert fal.check(call.endpoint, call.arguments) == [], settings
    problems = fal.check(call.endpoint, {**call.arguments, "guidance_rescale": 0.7})
    assert [(p["loc"], p["type"]) for p in problems] == [(["body", "guidance_rescale"], "extra_forbidden")]


@pytest.mark.parametrize(("model_id", "mode", "endpoint"), REP_ROWS, ids=_ids(REP_ROWS))
def test_replicate_calls_pass_their_schema_and_an_undocumented_field_is_refused(rep, model_id, mode, endpoint):
    for settings in ({}, {"resolution": "720p", "aspect_ratio": "9:16", "fps": 30, "duration_s": 10}):
        call = _rep_call(rep, _request("replicate", model_id, mode, **settings))
        assert rep.check(call.endpoint, call.arguments) == [], settings
    assert rep.check(call.endpoint, {**call.arguments, "guidance_rescale": 0.7}) == [
        "guidance_rescale: Extra inputs are not permitted"]


@pytest.mark.parametrize(("endpoint", "field", "value"), [
    ("fal-ai/ltx-video-13b-distilled", "num_frames", 257),  # 0.9.7 distilled stops at 161 frames
    ("fal-ai/ltx-video-13b-distilled", "enable_detail_pass", True),  # only 0.9.8 has a detail pass
    ("fal-ai/ltx-2/text-to-video", "duration", 12),  # Pro: 6, 8 or 10 s
    ("fal-ai/ltx-2/text-to-video", "aspect_ratio", "9:16"),  # LTX-2 Pro text-to-video: 16:9 only
    ("fal-ai/ltx-2-19b/text-to-video", "video_size", {"width": 768, "height": 512, "depth": 3}),
    ("fal-ai/ltx-video-v095/multiconditioning", "images", [{"image_url": "x", "start_frame_num": 121}]),
    ("fal-ai/ltx-2.3/extend-video", "duration", 25.0),
])
def test_values_outside_the_documented_ranges_are_refused(fal, endpoint, field, value):
    problems = fal.check(endpoint, {"prompt": "p", "video_url": f"{fal.base_url}/files/v.mp4", field: value}
                         if endpoint.endswith("extend-video") else {"prompt": "p", field: value})
    assert problems and all(p["loc"][1] == field for p in problems), problems


def test_the_real_fal_client_gets_a_422_naming_an_undocumented_field(monkeypatch, tmp_path):
    from ltx_editor.generation.cloud.fal_provider import FalLTXProvider

    class Sloppy(FalLTXProvider):  # a mapping mistake: a field the endpoint does not document
        def _build(self, request, urls):
            call = super()._build(request, urls)
            call.arguments["seed"] = 5  # the hosted LTX-2 Pro documents no seed
            return call

    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        provider = Sloppy(api_key=server.key, poll_interval_s=0.02)
        with pytest.raises(InvalidRequest, match="seed: Extra inputs are not permitted"):
            run_provider(provider, _request("fal", "ltx-2-pro"), tmp_path)
        assert server.jobs == {}


def test_the_real_replicate_client_gets_a_422_naming_an_undocumented_field(tmp_path):
    from ltx_editor.generation.cloud.replicate_provider import ReplicateLTXProvider

    class Sloppy(ReplicateLTXProvider):
        def _build(self, request, urls):
            call = super()._build(request, urls)
            call.arguments["seed"] = 5  # LTX-2.3 Pro on Replicate documents no seed
            return call

    with FakeReplicateServer() as server:
        provider = Sloppy(api_key=server.token, base_url=server.base_url, poll_interval_s=0.02)
        with pytest.raises(InvalidRequest, match="seed"):
            run_provider(provider, _request("replicate", "ltx-2.3-pro"), tmp_path)
        assert server.predictions == {}
