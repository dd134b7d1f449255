"""Which fal.ai and Replicate endpoint serves each catalog model and mode, what it costs, and where that is written.

Every endpoint names the page its fields and price were read from (`source`, `price_source` when the price came
from a sibling page of the same app). fal pages were read from stored copies of `fal.ai/models/<id>/llms.txt`
(2026); the input fields of each endpoint are also pinned in tests/fakes/fal_schemas.json, which the loopback
fake enforces, so a field or value the docs do not list fails a test. Prices change: the UI labels every
figure an estimate. `with_cloud_endpoints` attaches these tables to the model catalog by model id.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .settings import GenerationMode as M


class PriceRule(BaseModel):
    """How one endpoint bills: a flat price per video, per second (maybe by resolution), or per megapixel."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["per_video", "per_second", "per_megapixel", "unknown"]
    usd: float = 0.0
    by_resolution: dict[str, float] = Field(default_factory=dict)  # per-second price by resolution label
    billed_fps: float | None = None  # per_second: seconds counted at this rate, whatever the video's fps

    def estimate(self, *, width: int, height: int, num_frames: int, fps: float,
                 resolution: str | None = None) -> float | None:
        """Estimated USD for one generation; None when the service publishes no price."""
        if self.kind == "per_video":
            return self.usd
        if self.kind == "per_second":
            rate = self.by_resolution.get(resolution or "", self.usd) if self.by_resolution else self.usd
            return rate * num_frames / (self.billed_fps or fps)
        if self.kind == "per_megapixel":  # fal rounds the megapixels up
            return self.usd * math.ceil(width * height * num_frames / 1_000_000 - 1e-9)
        return None


class CloudEndpoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    endpoint: str  # fal app id ("fal-ai/ltx-2/image-to-video/fast") or replicate "owner/name"
    price: PriceRule = PriceRule(kind="unknown")
    source: str = ""  # the page its input fields (and price) come from
    price_source: str = ""  # when the price was read elsewhere (a sibling page of the same app)


T2V, I2V, KEY, EXT_F, EXT_B, V2V = (M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO, M.KEYFRAMES, M.EXTEND_FORWARD,
                                    M.EXTEND_BACKWARD, M.VIDEO_TO_VIDEO)
A2V = M.AUDIO_TO_VIDEO


def _page(endpoint: str) -> str:
    return f"https://fal.ai/models/{endpoint}/llms.txt"


def _fal(mapping: Mapping[M, str], price: PriceRule, price_page: str = "") -> dict[M, CloudEndpoint]:
    """Endpoints of one fal app; `price_page` when the price was read on one page of the app, not each."""
    out = {}
    for mode, ep in mapping.items():
        out[mode] = CloudEndpoint(endpoint=ep, price=price, source=_page(ep),
                                  price_source="" if price_page in ("", _page(ep)) else price_page)
    return out


def _rep(mapping: Mapping[M, str]) -> dict[M, CloudEndpoint]:
    return {mode: CloudEndpoint(endpoint=name, price=_REPLICATE, source=f"https://replicate.com/{name}/api")
            for mode, name in mapping.items()}


_REPLICATE = PriceRule(kind="unknown")  # Replicate bills by GPU time; no per-video price is published

# LTX-Video 0.9.5: "$0.04 per video" (t2v and multiconditioning pages).
_V095 = PriceRule(kind="per_video", usd=0.04)
# LTX-Video 0.9.7 13B dev: "$0.20 per video" (fal-ai/ltx-video-13b-dev page).
_13B_DEV = PriceRule(kind="per_video", usd=0.20)
# LTX-Video 0.9.7 13B distilled: "$0.04 per video" (multiconditioning page; per video, not per second).
_13B_DISTILLED = PriceRule(kind="per_video", usd=0.04)
# LTX-Video 0.9.8 13B distilled: "$0.02 per second, billed at 24 frames per second"; the detail pass doubles the
# billed seconds (the mapper sets Shape.price_multiplier).
_098_DISTILLED = PriceRule(kind="per_second", usd=0.02, billed_fps=24.0)
# LTX-2 19B: "$0.0018 per megapixel of generated video data (width x height x frames), rounded up"; distilled $0.001.
_19B_MP = PriceRule(kind="per_megapixel", usd=0.0018)
_19B_DISTILLED_MP = PriceRule(kind="per_megapixel", usd=0.001)
# Hosted LTX-2 / LTX-2.3, per second by resolution (1080p / 1440p / 2160p), as each page states.
_LTX2_PRO = PriceRule(kind="per_second", usd=0.06, by_resolution={"1080p": 0.06, "1440p": 0.12, "2160p": 0.24})
_LTX2_FAST = PriceRule(kind="per_second", usd=0.04, by_resolution={"1080p": 0.04, "1440p": 0.08, "2160p": 0.16})
_LTX23_PRO_T2V = PriceRule(kind="per_second", usd=0.08, by_resolution={"1080p": 0.08, "1440p": 0.16, "2160p": 0.32})
_LTX23_PRO_I2V = PriceRule(kind="per_second", usd=0.06, by_resolution={"1080p": 0.06, "1440p": 0.12, "2160p": 0.24})
_LTX23_FAST_T2V = PriceRule(kind="per_second", usd=0.04, by_resolution={"1080p": 0.04, "1440p": 0.08, "2160p": 0.16})
_LTX23_EXTEND = PriceRule(kind="per_second", usd=0.10)  # "$0.10 per second" of extension
_UNPUBLISHED = PriceRule(kind="unknown")  # no stored page states it: shown as unknown rather than guessed


def _ltx23_fal(fast: bool) -> dict[M, CloudEndpoint]:
    tail = "/fast" if fast else ""
    t2v, i2v = f"fal-ai/ltx-2.3/text-to-video{tail}", f"fal-ai/ltx-2.3/image-to-video{tail}"
    out = {T2V: CloudEndpoint(endpoint=t2v, price=_LTX23_FAST_T2V if fast else _LTX23_PRO_T2V, source=_page(t2v)),
           I2V: CloudEndpoint(endpoint=i2v, price=_UNPUBLISHED if fast else _LTX23_PRO_I2V, source=_page(i2v))}
    if not fast:  # extend-video takes mode "end" (forward) or "start" (backward)
        ext = "fal-ai/ltx-2.3/extend-video"
        out[EXT_F] = out[EXT_B] = CloudEndpoint(endpoint=ext, price=_LTX23_EXTEND, source=_page(ext))
    return out


def _ltx2_19b(prefix: str, price: PriceRule, price_page: str = "") -> dict[M, CloudEndpoint]:
    # extend-video takes extend_direction forward|backward; video-to-video re-renders a whole clip; audio-to-video
    # follows a sound (audio_url; match_audio_length off, our num_frames).
    return _fal({T2V: f"{prefix}/text-to-video", I2V: f"{prefix}/image-to-video", EXT_F: f"{prefix}/extend-video",
                 EXT_B: f"{prefix}/extend-video", V2V: f"{prefix}/video-to-video", A2V: f"{prefix}/audio-to-video"},
                price, price_page)


# LTX-2 Pro audio-to-video: "Your request will cost $0.10 per second" (audio_url of 2-10 s; the clip is as long).
_LTX2_A2V = PriceRule(kind="per_second", usd=0.10)
_LTX2_PRO_A2V = CloudEndpoint(endpoint="fal-ai/ltx-2/audio-to-video", price=_LTX2_A2V,
                              source=_page("fal-ai/ltx-2/audio-to-video"))


# Retake a range of a clip (generation/cloud/fal_retake.py): video_url, prompt, start_time 0-20 s, duration
# 2-20 s, retake_mode. "$0.10 per second" (fal's page); docs.ltx.video/pricing bills Retake "based on the
# duration of the input video", so the estimate counts the whole source clip (the larger figure, shown first).
_RETAKE = PriceRule(kind="per_second", usd=0.10)
FAL_RETAKE: dict[str, CloudEndpoint] = {
    mid: CloudEndpoint(endpoint="fal-ai/ltx-2/retake-video", price=_RETAKE, source=_page("fal-ai/ltx-2/retake-video"),
                       price_source="https://docs.ltx.video/pricing")
    for mid in ("ltx-2-pro", "ltx-2-fast")
}
# LTX-2 Pro's retake on Replicate: video, prompt, start_time, duration 2-16 s, mode (replicate.com/lightricks/
# ltx-2-retake, version a9cade39 API tab). Replicate publishes no price for it: shown as unknown.
_REPLICATE_RETAKE = "lightricks/ltx-2-retake"

# Video-to-video on LTX-2 Pro/Fast is the retake: the video condition names the range (whole clip by default).
# model id -> mode -> endpoint. fal has no 2B 0.9.8 endpoint: the 2B 0.9.8 model runs locally only.
# `fal-ai/ltx-video` is fal's unversioned "LTX Video (preview)" (research-only licence): mapped to nothing.
FAL: dict[str, dict[M, CloudEndpoint]] = {
    "ltxv-2b-0.9.5": _fal({T2V: "fal-ai/ltx-video-v095", I2V: "fal-ai/ltx-video-v095/multiconditioning",
                           KEY: "fal-ai/ltx-video-v095/multiconditioning", EXT_F: "fal-ai/ltx-video-v095/extend"},
                          _V095, _page("fal-ai/ltx-video-v095")),
    "ltxv-13b-0.9.7-dev": _fal({T2V: "fal-ai/ltx-video-13b-dev", I2V: "fal-ai/ltx-video-13b-dev/image-to-video",
                                KEY: "fal-ai/ltx-video-13b-dev/multiconditioning",
                                EXT_F: "fal-ai/ltx-video-13b-dev/extend"}, _13B_DEV, _page("fal-ai/ltx-video-13b-dev")),
    "ltxv-13b-0.9.7-distilled": _fal(
        {T2V: "fal-ai/ltx-video-13b-distilled", I2V: "fal-ai/ltx-video-13b-distilled/image-to-video",
         KEY: "fal-ai/ltx-video-13b-distilled/multiconditioning", EXT_F: "fal-ai/ltx-video-13b-distilled/extend"},
        _13B_DISTILLED, _page("fal-ai/ltx-video-13b-distilled/multiconditioning")),
    "ltxv-13b-0.9.8-distilled": _fal(
        {T2V: "fal-ai/ltxv-13b-098-distilled", I2V: "fal-ai/ltxv-13b-098-distilled/image-to-video",
         KEY: "fal-ai/ltxv-13b-098-distilled/multiconditioning", EXT_F: "fal-ai/ltxv-13b-098-distilled/extend"},
        _098_DISTILLED, _page("fal-ai/ltxv-13b-098-distilled/extend")),
    "ltx-2-19b": _ltx2_19b("fal-ai/ltx-2-19b", _19B_MP),
    "ltx-2-19b-distilled": _ltx2_19b("fal-ai/ltx-2-19b/distilled", _19B_DISTILLED_MP,
                                     _page("fal-ai/ltx-2-19b/distilled/audio-to-video/lora")),
    "ltx-2-pro": {**_fal({T2V: "fal-ai/ltx-2/text-to-video", I2V: "fal-ai/ltx-2/image-to-video"}, _LTX2_PRO),
                  A2V: _LTX2_PRO_A2V, V2V: FAL_RETAKE["ltx-2-pro"]},
    "ltx-2-fast": {**_fal({T2V: "fal-ai/ltx-2/text-to-video/fast", I2V: "fal-ai/ltx-2/image-to-video/fast"},
                          _LTX2_FAST), V2V: FAL_RETAKE["ltx-2-fast"]},
    "ltx-2.3-pro": _ltx23_fal(fast=False),
    "ltx-2.3-fast": _ltx23_fal(fast=True),
}

# Replicate model pages (API tab); fields as listed in shared/docs/CLOUD-APIS.md, pinned in the fake's schemas.
REPLICATE: dict[str, dict[M, CloudEndpoint]] = {
    "ltxv-2b-0.9.5": _rep({T2V: "lightricks/ltx-video", I2V: "lightricks/ltx-video"}),
    "ltxv-13b-0.9.7-distilled": _rep({T2V: "lightricks/ltx-video-0.9.7-distilled",
                                      I2V: "lightricks/ltx-video-0.9.7-distilled"}),
    "ltx-2-19b-distilled": _rep({T2V: "lightricks/ltx-2-distilled", I2V: "lightricks/ltx-2-distilled"}),
    "ltx-2.3-pro": _rep({T2V: "lightricks/ltx-2.3-pro", I2V: "lightricks/ltx-2.3-pro"}),
    "ltx-2.3-fast": _rep({T2V: "lightricks/ltx-2.3-fast", I2V: "lightricks/ltx-2.3-fast"}),
    # LTX-2 Pro following a sound: audio, image?, prompt?, guidance_scale? (replicate.com/lightricks/audio-to-video,
    # version 208e8ab7; generation/cloud/replicate_a2v.py). No published price: shown as unknown.
    "ltx-2-pro": _rep({V2V: _REPLICATE_RETAKE, A2V: "lightricks/audio-to-video"}),
}


# Endpoints that exist (pages read) but no mode of ours maps to yet (the audio-to-video ones are mapped above).
DOCUMENTED_UNMAPPED: dict[str, str] = {
    "fal-ai/ltx-2.3/retake-video": "https://clawhub.ai/api/v1/skills/corespeed-art/file?path=references%2Fltx.md",
}


def with_cloud_endpoints(catalog: Mapping[str, Any]) -> dict[str, Any]:
    """The catalog with each model's fal/Replicate endpoints set from the tables above (by model id)."""
    return {mid: m.model_copy(update={"fal": FAL.get(mid, {}), "replicate": REPLICATE.get(mid, {})})
            for mid, m in catalog.items()}
