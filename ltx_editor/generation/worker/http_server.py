"""`ltx-editor worker --listen HOST:PORT`: a generation worker other machines use over HTTP (uvicorn + starlette).

The same protocol messages as the pipe, as JSON: POST /jobs takes a Generate; GET /jobs/{id}/events streams
Progress / Result / Failure as server-sent events; the finished files are fetched one by one from
GET /jobs/{id}/files/{name} (streamed from disk, so a clip of any size crosses without shared disks), then
DELETE /jobs/{id} frees them. Every request carries `Authorization: Bearer <token>` (LTX_WORKER_TOKEN on
both sides); a wrong one gets 401 and nothing else. Jobs run in this box's own worker child (crash isolation
here too). TLS when a certificate is given.
"""
from __future__ import annotations

import asyncio
import hmac
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import GenerationError
from ..provider import BaseLTXProvider
from ..request import CancelToken
from .protocol import Failure, Generate, Progress, Result, encode

TOKEN_ENV = "LTX_WORKER_TOKEN"


@dataclass
class _Job:
    folder: Path
    cancel: CancelToken = field(default_factory=CancelToken)
    messages: list[bytes] = field(default_factory=list)
    files: set[str] = field(default_factory=set)  # the names a client may fetch
    done: bool = False
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, message: Any) -> None:
        self.messages.append(encode(message))
        self.done = isinstance(message, Result | Failure)
        self.changed.set()


def create_app(token: str, provider: BaseLTXProvider, work_dir: Path | None = None) -> Any:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, StreamingResponse
    from starlette.routing import Route

    if not token:
        raise ValueError(f"a worker that listens needs a token ({TOKEN_ENV})")
    root = Path(work_dir or tempfile.mkdtemp(prefix="ltx-worker-"))
    jobs: dict[str, _Job] = {}
    tasks: set[asyncio.Task] = set()
    expected = f"Bearer {token}".encode()

    async def check_token(request: Request, call_next: Any) -> Any:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"error": "wrong or missing worker token"}, status_code=401)
        return await call_next(request)

    async def run(job_id: str, message: Generate, job: _Job) -> None:
        try:
            result = await provider.generate(message.request, job.folder,
                                             lambda event: job.add(Progress(job_id=job_id, event=event)), job.cancel)
        except GenerationError as exc:
            job.add(Failure(job_id=job_id, error_type=type(exc).__name__, message=exc.message, hint=exc.hint,
                            retryable=exc.retryable))
            return
        except Exception as exc:  # a bug fails its job, not the server
            job.add(Failure(job_id=job_id, error_type="GenerationError",
                            message=f"Local generation failed: {type(exc).__name__}: {exc}"[:500]))
            return
        job.files = {Path(p).name for p in (result.video_path, result.sidecar_path, result.audio_path) if p}
        job.add(Result(job_id=job_id, result=result))

    async def submit(request: Request) -> Any:
        try:
            message = Generate.model_validate_json(await request.body())
        except ValidationError as exc:
            return JSONResponse({"error": str(exc)[:2000]}, status_code=422)
        if message.request.conditions:
            return JSONResponse({"error": "conditions (keyframes, videos) cannot be sent to a remote worker yet"},
                                status_code=422)
        if message.job_id in jobs or not message.job_id.isalnum():
            return JSONResponse({"error": "job id taken or not alphanumeric"}, status_code=409)
        folder = root / message.job_id
        folder.mkdir(parents=True)
        job = jobs[message.job_id] = _Job(folder)
        task = asyncio.create_task(run(message.job_id, message, job))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse({"job_id": message.job_id}, status_code=202)

    def find(request: Request) -> _Job | None:
        return jobs.get(request.path_params["job_id"])

    async def events(request: Request) -> Any:
        job = find(request)
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)

        async def stream() -> AsyncIterator[bytes]:
            sent = 0
            while True:
                job.changed.clear()
                while sent < len(job.messages):
                    yield b"data: " + job.messages[sent].rstrip(b"\n") + b"\n\n"
                    sent += 1
                if job.done and sent == len(job.messages):
                    return
                await job.changed.wait()

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def cancel(request: Request) -> Any:
        job = find(request)
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        job.cancel.cancel()
        return JSONResponse({"cancelled": True})

    async def file(request: Request) -> Any:
        job, name = find(request), request.path_params["name"]
        if job is None or name not in job.files:
            return JSONResponse({"error": "no such file"}, status_code=404)
        return FileResponse(job.folder / name)

    async def forget(request: Request) -> Any:
        job = jobs.pop(request.path_params["job_id"], None)
        if job is not None:
            job.cancel.cancel()
            shutil.rmtree(job.folder, ignore_errors=True)
        return JSONResponse({"removed": job is not None})

    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        for job in jobs.values():
            job.cancel.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await provider.close()

    routes = [Route("/jobs", submit, methods=["POST"]),
              Route("/jobs/{job_id}/events", events),
              Route("/jobs/{job_id}/cancel", cancel, methods=["POST"]),
              Route("/jobs/{job_id}/files/{name}", file),
              Route("/jobs/{job_id}", forget, methods=["DELETE"])]
    from contextlib import asynccontextmanager

    return Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=check_token)],
                     lifespan=asynccontextmanager(lifespan))


def serve(address: str, token: str, *, certfile: str | None = None, keyfile: str | None = None,
          options: dict[str, Any] | None = None) -> int:
    import uvicorn

    from .client import WorkerLTXProvider

    host, _, port = address.rpartition(":")
    app = create_app(token, WorkerLTXProvider(**(options or {})))
    uvicorn.run(app, host=host or "127.0.0.1", port=int(port), ssl_certfile=certfile, ssl_keyfile=keyfile,
                log_level="warning")
    return 0
