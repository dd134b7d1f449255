"""A loopback fal.ai: queue submit/status/result/cancel, storage token + CDN upload (and the GCS fallback).

Speaks the HTTP paths fal_client 1.0.3 uses. Point the client here with `fal_server.patch_client(monkeypatch)`,
which sets fal_client.client's QUEUE_URL_FORMAT, RUN_URL_FORMAT, REST_URL and CDN_URL to this server.

Jobs run on the wall clock: `queue_s` in the queue (position counting down), then `run_s` in progress (log
lines "step i/n"), then COMPLETED. `outcomes` (a deque) overrides the outcome of the next jobs: "ok",
"fail" (COMPLETED with an error), "stuck" (never finishes). Inputs are checked against the endpoint's
documented schema (fal_schemas.json, built into a strict pydantic model like fal's own backend): a field or
value the docs do not list gets fal's 422 with a pydantic-style detail.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .endpoint_schema import errors as schema_errors
from .endpoint_schema import fal_model
from .http_fault import LoopbackServer, Request, Response, fake_mp4

ISO = "%Y-%m-%dT%H:%M:%S+00:00"


def _fast_options() -> dict[str, Any]:
    from ltx_editor.generation.download import DownloadOptions

    return {"poll_interval_s": 0.02, "poll_timeout_s": 2.0, "max_poll_failures": 3,
            "download": DownloadOptions(retries=2, backoff_s=0.01, backoff_max_s=0.02, read_timeout_s=2.0)}


# Poll, retry and download timings shrunk so a fault test takes milliseconds, not the real seconds.
FAST_OPTIONS = _fast_options()


@dataclass
class FalJob:
    id: str
    app: str
    arguments: dict[str, Any]
    created: float
    queue_s: float
    run_s: float
    outcome: str = "ok"
    cancelled: bool = False
    steps: int = 8

    def status(self, now: float) -> dict[str, Any]:
        t = now - self.created
        if self.cancelled:
            return {"status": "COMPLETED", "logs": [], "metrics": {}, "error": "Request was cancelled",
                    "error_type": "request_cancelled"}
        if t < self.queue_s:
            return {"status": "IN_QUEUE", "queue_position": int((self.queue_s - t) / max(self.queue_s, 1e-9) * 3)}
        running = t - self.queue_s
        if running < self.run_s or self.outcome == "stuck":
            done = min(self.steps, int(running / max(self.run_s, 1e-9) * self.steps))
            logs = [{"message": f"step {i}/{self.steps}", "level": "INFO", "source": "user",
                     "timestamp": datetime.now(timezone.utc).strftime(ISO)} for i in range(1, done + 1)]
            return {"status": "IN_PROGRESS", "logs": logs}
        if self.outcome == "fail":
            return {"status": "COMPLETED", "logs": [], "metrics": {}, "error": "CUDA error: device-side assert",
                    "error_type": "runner_error"}
        return {"status": "COMPLETED", "logs": [{"message": "done"}], "metrics": {"inference_time": self.run_s}}

    def finished(self, now: float) -> bool:
        return not self.cancelled and self.outcome == "ok" and now - self.created >= self.queue_s + self.run_s


def _err(loc: list[str], msg: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": msg, "type": "value_error"}


class FakeFalServer(LoopbackServer):
    def __init__(self, key: str = "fal-test-key", queue_s: float = 0.05, run_s: float = 0.15,
                 result_size: int = 64 * 1024) -> None:
        super().__init__()
        self.key = key
        self.queue_s, self.run_s, self.result_size = queue_s, run_s, result_size
        self.outcomes: deque[str] = deque()
        self.jobs: dict[str, FalJob] = {}
        self.uploads: dict[str, bytes] = {}
        self.validate = True
        self.result_video: bytes | None = None  # a real mp4 to answer with (a retake test splices it)
        self._ids = itertools.count(1)
        self._jobs_lock = threading.Lock()
        self._tokens: set[str] = set()
        q = r"/queue/(?P<owner>[^/]+)/(?P<alias>[^/]+)/requests/(?P<rid>[^/]+)"
        self.route("POST", r"/queue/(?P<app>.+)", "submit", self._submit)
        self.route("GET", q + r"/status", "status", self._status)
        self.route("GET", q, "result", self._result)
        self.route("PUT", q + r"/cancel", "cancel", self._cancel)
        self.route("POST", r"/rest/storage/auth/token", "token", self._token)
        self.route("POST", r"/rest/storage/upload/initiate", "initiate", self._initiate)
        self.route("PUT", r"/gcs/(?P<uid>[^/]+)", "gcs", self._gcs_put)
        self.route("POST", r"/cdn/files/upload", "upload", self._cdn_upload)

    def provider(self, key: str | None = None, **options: Any):
        """A FalLTXProvider for this fake (call patch_client first) with test-sized poll and retry timings."""
        from ltx_editor.generation.cloud.fal_provider import FalLTXProvider

        return FalLTXProvider(api_key=self.key if key is None else (key or None), **{**FAST_OPTIONS, **options})

    def patch_client(self, monkeypatch: Any) -> None:
        import fal_client.client as fc

        monkeypatch.setattr(fc, "QUEUE_URL_FORMAT", f"{self.base_url}/queue/")
        monkeypatch.setattr(fc, "RUN_URL_FORMAT", f"{self.base_url}/run/")
        monkeypatch.setattr(fc, "REST_URL", f"{self.base_url}/rest")
        monkeypatch.setattr(fc, "CDN_URL", f"{self.base_url}/cdn")

    # -- auth ---------------------------------------------------------------------------------------------
    def _unauthorized(self, req: Request) -> Response | None:
        got = req.headers.get("authorization", "")
        if got == f"Key {self.key}":
            return None
        # Like some real services, echo what was sent: the client must never surface this text verbatim.
        return Response(401, {"detail": f"Invalid authorization header: {got}"})

    # -- queue --------------------------------------------------------------------------------------------
    def _submit(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        app, args = req.match["app"], req.json()
        if self.validate and (errors := self.check(app, args)):
            return Response(422, {"detail": errors})
        rid = f"req-{next(self._ids):04d}"
        with self._jobs_lock:
            outcome = self.outcomes.popleft() if self.outcomes else "ok"
            job = FalJob(rid, app, args, time.monotonic(), self.queue_s, self.run_s, outcome)
            self.jobs[rid] = job
        self.add_file(f"{rid}.mp4", self.result_video or fake_mp4(rid, self.result_size))
        owner, alias = app.split("/")[:2]
        base = f"{self.base_url}/queue/{owner}/{alias}/requests/{rid}"
        return Response(200, {"request_id": rid, "response_url": base, "status_url": f"{base}/status",
                              "cancel_url": f"{base}/cancel", "queue_position": 0},
                        {"x-fal-request-id": rid})

    def _job(self, req: Request) -> FalJob | None:
        with self._jobs_lock:
            return self.jobs.get(req.match["rid"])

    def _status(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        job = self._job(req)
        if job is None:
            return Response(404, {"detail": "Request not found"})
        data = job.status(time.monotonic())
        if req.query.get("logs", ["0"])[0].lower() not in ("1", "true") and "logs" in data:
            data["logs"] = None  # fal answers null, not nothing, when logs were not asked for
        return Response(200, data)

    def _result(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        job = self._job(req)
        if job is None:
            return Response(404, {"detail": "Request not found"})
        if not job.finished(time.monotonic()):
            return Response(400, {"detail": "Request is not completed or failed"})
        video = {"url": f"{self.base_url}/files/{job.id}.mp4", "content_type": "video/mp4",
                 "file_name": f"{job.id}.mp4", "file_size": len(self.result_video or b"") or self.result_size}
        if "ltx-2" in job.app:
            video.update(width=1248, height=704, fps=25, num_frames=161)
        return Response(200, {"video": video, "seed": job.arguments.get("seed", 42), "prompt": job.arguments.get("prompt")})

    def _cancel(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        job = self._job(req)
        if job is None:
            return Response(404, {"detail": "Request not found"})
        if job.finished(time.monotonic()):
            return Response(400, {"status": "ALREADY_COMPLETED"})
        job.cancelled = True
        return Response(202, {"status": "CANCELLATION_REQUESTED"})

    # -- storage --------------------------------------------------------------------------------------------
    def _token(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        token = f"cdn-token-{next(self._ids)}"
        self._tokens.add(token)
        expires = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
        return Response(200, {"token": token, "token_type": "Bearer", "base_url": f"{self.base_url}/cdn",
                              "expires_at": expires})

    def _store(self, data: bytes, name: str) -> str:
        uid = f"up-{next(self._ids):04d}-{name or 'upload.bin'}"
        self.uploads[uid] = data
        return self.add_file(uid, data)

    def _cdn_upload(self, req: Request) -> Response:
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._tokens:
            return Response(401, {"detail": "invalid CDN token"})
        return Response(200, {"access_url": self._store(req.body, req.headers.get("x-fal-file-name", ""))})

    def _initiate(self, req: Request) -> Response:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        uid = f"gcs-{next(self._ids)}"
        return Response(200, {"upload_url": f"{self.base_url}/gcs/{uid}",
                              "file_url": f"{self.base_url}/files/{uid}"})

    def _gcs_put(self, req: Request) -> Response:
        self.add_file(req.match["uid"], req.body)
        return Response(200, {})

    # -- input schema ----------------------------------------------------------------------------------------
    def check(self, app: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """fal's 422 detail for `args` on `app`: the endpoint's documented schema (fal_schemas.json; extra fields,
        values outside a range or enum, wrong types and missing required fields are refused), and every file
        URL must be one this fake serves (an unuploaded local path would reach fal as a bad URL)."""
        model = fal_model(app)
        if model is None:
            return [_err(["app"], f"application {app!r} is not documented in fal_schemas.json")]
        errors = schema_errors(model, args)
        for loc, url in _file_urls(args):
            if not (isinstance(url, str) and url.startswith(f"{self.base_url}/files/")):
                errors.append(_err(loc, "must be an uploaded file URL"))
        return errors


def _file_urls(args: dict[str, Any]) -> list[tuple[list[str], Any]]:
    """(location, value) of every file URL in a request: top-level *_url fields, images[], videos[], video, loras[]."""
    found = [([key], value) for key, value in args.items() if key.endswith("_url") and value is not None]
    for key, url_key in (("images", "image_url"), ("videos", "video_url"), ("loras", "path")):
        for i, item in enumerate(args.get(key) or []):
            if isinstance(item, dict):
                found.append(([key, str(i), url_key], item.get(url_key)))
    if isinstance(args.get("video"), dict):
        found.append((["video", "video_url"], args["video"].get("video_url")))
    return found
