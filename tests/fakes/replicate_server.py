"""A loopback Replicate API: predictions create/get/cancel, files, account; results on a file host.

Point the real client here with `replicate.Client(api_token=..., base_url=server.base_url)`. Predictions run
on the wall clock: `queue_s` "starting", then `run_s` "processing" with tqdm bars in the logs, then
"succeeded" with an http:// output URL on /files/. `outcomes` (a deque) overrides the next predictions:
"ok", "fail", "stuck". Inputs are checked against the model's documented schema (REPLICATE_SCHEMAS, strict:
a field or value it does not list is refused); a bad field gets Replicate's 422 problem document. A 429 carries Retry-After and "resets in ~Ns".
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from typing import Any

from .endpoint_schema import errors as schema_errors
from .endpoint_schema import model_for
from .fal_server import FAST_OPTIONS
from .http_fault import Fault, LoopbackServer, Request, Response, fake_mp4


def _s(**fields: dict) -> dict:
    return {"type": "object", "properties": fields}


_STR, _OPT_STR = {"type": "string"}, {"type": "string", "optional": True}
_SEED, _BOOL = {"type": "integer", "optional": True}, {"type": "boolean", "optional": True}


def _enum(*values, optional: bool = True) -> dict:
    return {"type": "enum", "enum": list(values), "optional": optional}


def _num(kind: str, low: float, high: float) -> dict:
    return {"type": kind, "min": low, "max": high, "optional": True}


# Each model's input schema (Replicate's API tab, shared/docs/CLOUD-APIS.md; lightricks/ltx-video's value lists
# as its Cog mirror https://www.segmind.com/models/ltx-video/api shows them). Anything else gets a 422.
_LTX23 = {"prompt": _STR, "duration": _enum(6, 8, 10), "resolution": _enum("1080p", "2k", "4k"),
          "aspect_ratio": _enum("16:9", "9:16"), "fps": _enum(24, 25, 48, 50), "generate_audio": _BOOL,
          "image": _OPT_STR}
REPLICATE_SCHEMAS: dict[str, dict] = {
    "lightricks/ltx-video": _s(
        prompt=_STR, negative_prompt=_OPT_STR, image=_OPT_STR, seed=_SEED, cfg=_num("number", 1, 20),
        steps=_num("integer", 1, 100), length=_enum(97, 129, 161, 193, 225, 257),
        target_size=_enum(*range(512, 1025, 64)),
        aspect_ratio=_enum("1:1", "1:2", "2:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "9:21",
                           "21:9")),
    "lightricks/ltx-video-0.9.7-distilled": _s(
        prompt=_STR, negative_prompt=_OPT_STR, image=_OPT_STR, seed=_SEED, resolution=_enum(480, 720),
        aspect_ratio=_enum("16:9", "9:16", "1:1"), num_frames=_num("integer", 9, 257), fps=_num("integer", 1, 60),
        num_inference_steps=_num("integer", 1, 50), guidance_scale=_num("number", 1, 20)),
    "lightricks/ltx-2-distilled": _s(
        prompt=_STR, image=_OPT_STR, image_strength=_num("number", 0, 1), seed=_SEED, enhance_prompt=_BOOL,
        num_frames=_num("integer", 9, 481), aspect_ratio=_enum("16:9", "9:16", "4:3", "3:4", "1:1", "21:9")),
    "lightricks/ltx-2.3-pro": _s(**_LTX23, task=_enum("text_to_video", "image_to_video")),
    "lightricks/ltx-2.3-fast": _s(**{**_LTX23, "duration": _enum(*range(6, 21, 2))}),
    # replicate.com/lightricks/ltx-2-retake (version a9cade39) API tab: start_time default 0, duration 2-16 s
    "lightricks/ltx-2-retake": _s(video=_STR, prompt=_STR, start_time={"type": "number", "min": 0, "optional": True},
                                  duration=_num("number", 2, 16),
                                  mode=_enum("replace_video", "replace_audio", "replace_audio_and_video")),
    # replicate.com/lightricks/audio-to-video (version 208e8ab7) API schema; guidance 1-50 as docs.ltx.video's API
    "lightricks/audio-to-video": _s(audio=_STR, image=_OPT_STR, prompt=_OPT_STR, guidance_scale=_num("number", 1, 50)),
}
MODELS = tuple(REPLICATE_SCHEMAS)


def throttled(seconds: float = 1, header: bool = True) -> Fault:
    """Replicate's 429 on create: Retry-After (unless `header` is False) plus the "resets in ~Ns" text."""
    return Fault.http(429, {"title": "Request was throttled.", "status": 429,
                            "detail": f"Request was throttled. Your rate limit resets in ~{seconds:g}s."},
                      {"Retry-After": f"{seconds:g}"} if header else {})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def tqdm_line(done: int, total: int) -> str:
    pct = int(done / total * 100)
    bar = "█" * (pct // 10) + " " * (10 - pct // 10)
    return f"{pct:3d}%|{bar}| {done}/{total} [00:01<00:01,  3.00it/s]"


@dataclass
class Prediction:
    id: str
    model: str
    input: dict[str, Any]
    created: float
    queue_s: float
    run_s: float
    outcome: str = "ok"
    cancelled: bool = False
    steps: int = 10

    def status(self, now: float) -> str:
        t = now - self.created
        if self.cancelled:
            return "canceled"
        if t < self.queue_s:
            return "starting"
        if t < self.queue_s + self.run_s or self.outcome == "stuck":
            return "processing"
        return "failed" if self.outcome == "fail" else "succeeded"

    def as_json(self, base_url: str, now: float) -> dict[str, Any]:
        status = self.status(now)
        logs = ""
        if status in ("processing", "succeeded", "failed"):
            running = min(now - self.created - self.queue_s, self.run_s)
            done = self.steps if status != "processing" else int(running / max(self.run_s, 1e-9) * self.steps)
            logs = "Loading pipeline\n" + "\r".join(tqdm_line(i, self.steps) for i in range(0, done + 1))
        get = f"{base_url}/v1/predictions/{self.id}"
        return {
            "id": self.id, "model": self.model, "version": "0123456789abcdef", "status": status,
            "input": self.input, "logs": logs, "created_at": _now(),
            "output": f"{base_url}/files/{self.id}.mp4" if status == "succeeded" else None,
            "error": "CUDA out of memory. Tried to allocate 2.00 GiB" if status == "failed" else None,
            "metrics": {"predict_time": self.run_s} if status == "succeeded" else {},
            "started_at": _now() if status != "starting" else None,
            "completed_at": _now() if status in ("succeeded", "failed", "canceled") else None,
            "urls": {"get": get, "cancel": f"{get}/cancel"},
        }


def _problem(status: int, title: str, detail: str) -> Response:
    return Response(status, {"title": title, "detail": detail, "status": status},
                    {"Content-Type": "application/problem+json"})


class FakeReplicateServer(LoopbackServer):
    def __init__(self, token: str = "r8_testtoken0123456789abcdef", queue_s: float = 0.05, run_s: float = 0.15,
                 result_size: int = 64 * 1024) -> None:
        super().__init__()
        self.token = token
        self.queue_s, self.run_s, self.result_size = queue_s, run_s, result_size
        self.outcomes: deque[str] = deque()
        self.predictions: dict[str, Prediction] = {}
        self.uploads: dict[str, bytes] = {}
        self.validate = True
        self.result_video: bytes | None = None  # a real mp4 to answer with (a retake test splices it)
        self._ids = itertools.count(1)
        self._lock2 = threading.Lock()
        self.route("POST", r"/v1/models/(?P<owner>[^/]+)/(?P<name>[^/]+)/predictions", "create", self._create)
        self.route("GET", r"/v1/predictions/(?P<pid>[^/]+)", "get", self._get)
        self.route("POST", r"/v1/predictions/(?P<pid>[^/]+)/cancel", "cancel", self._cancel)
        self.route("POST", r"/v1/files", "files", self._files)
        self.route("GET", r"/v1/account", "account", self._account)

    def provider(self, key: str | None = None, **options: Any):
        """A ReplicateLTXProvider on this fake with test-sized poll and retry timings (key "" = none fixed)."""
        from ltx_editor.generation.cloud.replicate_provider import ReplicateLTXProvider

        return ReplicateLTXProvider(api_key=self.token if key is None else (key or None),
                                    **{"base_url": self.base_url, **FAST_OPTIONS, **options})

    def _unauthorized(self, req: Request) -> Response | None:
        got = req.headers.get("authorization", "")
        if got == f"Bearer {self.token}":
            return None
        return _problem(401, "Unauthenticated", f"You did not pass a valid authentication token ({got})")

    def _create(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        model = f"{req.match['owner']}/{req.match['name']}"
        if model not in MODELS:
            return _problem(404, "Not found", f"Model {model} does not exist")
        if "prefer" in req.headers:
            return _problem(400, "Bad request", "this fake expects predictions created without waiting")
        body = req.json()
        inputs = body.get("input", {})
        if self.validate and (problems := self.check(model, inputs)):
            return _problem(422, "Input validation failed", "\n".join(f"- input.{p}" for p in problems))
        with self._lock2:
            pid = f"pred{next(self._ids):04d}"
            outcome = self.outcomes.popleft() if self.outcomes else "ok"
            pred = Prediction(pid, model, inputs, time.monotonic(), self.queue_s, self.run_s, outcome)
            self.predictions[pid] = pred
        self.add_file(f"{pid}.mp4", self.result_video or fake_mp4(pid, self.result_size))
        return Response(201, pred.as_json(self.base_url, time.monotonic()))

    def _pred(self, req: Request) -> Prediction | None:
        with self._lock2:
            return self.predictions.get(req.match["pid"])

    def _get(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        pred = self._pred(req)
        if pred is None:
            return _problem(404, "Not found", "Prediction not found")
        return Response(200, pred.as_json(self.base_url, time.monotonic()))

    def _cancel(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        pred = self._pred(req)
        if pred is None:
            return _problem(404, "Not found", "Prediction not found")
        if pred.status(time.monotonic()) in ("starting", "processing"):
            pred.cancelled = True
        return Response(200, pred.as_json(self.base_url, time.monotonic()))

    def _files(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        head = f"Content-Type: {req.headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + req.body)
        part = next((p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "content"),
                    None)
        if part is None:
            return _problem(400, "Bad request", "missing multipart field 'content'")
        data = part.get_payload(decode=True) or b""
        fid = f"file{next(self._ids):04d}"
        self.uploads[fid] = data
        self.add_file(fid, data)
        return Response(201, {
            "id": fid, "name": part.get_filename() or "file", "content_type": part.get_content_type(),
            "size": len(data), "etag": "e", "checksums": {}, "metadata": {}, "created_at": _now(),
            "expires_at": None, "urls": {"get": f"{self.base_url}/files/{fid}"}})

    def _account(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        return Response(200, {"type": "user", "username": "tester", "name": "Test User", "github_url": None})

    def check(self, model: str, inputs: dict[str, Any]) -> list[str]:
        """Replicate's 422 lines for `inputs`: the model's schema (strict: unlisted fields are refused), 8k+1
        frames on LTX-2, and file inputs that are URLs this fake serves."""
        problems = [f"{'.'.join(e['loc'][1:])}: {e['msg']}"
                    for e in schema_errors(_replicate_model(model), inputs)]
        if model == "lightricks/ltx-2-distilled" and (inputs.get("num_frames", 121) - 1) % 8:
            problems.append("num_frames: must be 8k+1")
        if "image" in inputs and not str(inputs["image"]).startswith(f"{self.base_url}/files/"):
            problems.append("image: must be an uploaded file URL")
        return problems


@cache
def _replicate_model(model: str):
    return model_for(REPLICATE_SCHEMAS[model], "Replicate" + model.split("/")[-1].replace("-", "").replace(".", ""))
