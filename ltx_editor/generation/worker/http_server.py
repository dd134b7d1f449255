"""`ltx-editor worker --listen HOST:PORT`: a generation worker other machines use over HTTP (uvicorn + starlette).

The same protocol messages as the pipe, as JSON. No shared disk: PUT /jobs/{id}/inputs/{name} streams each input
file up (written to a .part file, renamed when whole); POST /jobs takes a Generate whose input paths are those
upload names (any other path is refused, so a client can never make this box read its own files); GET
/jobs/{id}/events streams Progress / Result / Failure as server-sent events; the finished files are fetched one
by one from GET /jobs/{id}/files/{name} (streamed from disk, so a clip of any size crosses), then DELETE /jobs/{id}
frees them (and its inputs). GET /status says what this box is. Every request carries `Authorization: Bearer
<token>` (LTX_WORKER_TOKEN on both sides); a wrong one gets 401 and nothing else. Jobs run in this box's own
worker child (crash isolation here too). TLS when a certificate is given.
"""
from __future__ import annotations

import asyncio
import hmac
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import GenerationError
from ..preview import PreviewEvent
from ..provider import BaseLTXProvider
from ..request import CancelToken, GenerationRequest, ProgressEvent
from .protocol import PROTOCOL_VERSION, Failure, Generate, Preview, Progress, Result, encode
from .remote import with_input_paths

TOKEN_ENV = "LTX_WORKER_TOKEN"
INPUT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")  # an upload name: no path, no leading dot
INPUTS = "inputs"  # each job's uploaded files: <work>/<job id>/inputs/<name>
KEEP_S = 600.0


def _local_request(request: GenerationRequest, inputs: Path, uploaded: set[str]) -> GenerationRequest:
    """The request with each input's upload name replaced by this box's copy. KeyError names one not uploaded."""
    def here(name: str) -> str:
        if name not in uploaded:
            raise KeyError(name)
        return str(inputs / name)

    return with_input_paths(request, here)


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


_this_job: ContextVar[Generate | None] = ContextVar("ltx_worker_job", default=None)


class EditorsEnhancement:
    """The box's prompt enhancer: the editor enhanced the prompt already (a web call on its side); each job
    carries the outcome, and this hands it over for the job whose task asks (a context variable per job, so
    jobs running at once on several GPUs never see each other's)."""

    async def enhance(self, prompt: str, mode: Any, first_image: Any) -> Any:
        from .process import _GivenEnhancement

        job = _this_job.get()
        if job is None or not job.enhanced_by_editor:
            return _GivenEnhancement(prompt, None, "the editor sent no enhanced prompt; used the prompt as written")
        return _GivenEnhancement(prompt, job.enhanced_prompt, job.enhance_note)


def box_provider(options: dict[str, Any] | None = None) -> BaseLTXProvider:
    """What a listening worker runs its jobs on: one worker child per GPU the probe finds (the CPU when it finds
    none: whoever started a worker on this box chose to), each handed the editor's prompt enhancement."""
    from ..hardware import probe
    from .pool import WorkerPool, local_devices

    options = dict(options or {})
    devices = local_devices(probe(options.get("cache_dir")), allow_cpu=False) or ["cpu"]
    return WorkerPool(devices, enhancer=EditorsEnhancement(), **options)


def create_app(token: str, provider: BaseLTXProvider, work_dir: Path | None = None, *,
               keep_s: float = KEEP_S) -> Any:
    """keep_s: how long a finished job's files wait for the client that asked (one whose connection dropped
    never comes back for them)."""
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

    uploads: dict[str, set[str]] = {}  # job id -> the input names uploaded for it (whole files only)

    def drop(job_id: str) -> bool:
        """Forget a job: cancel it if it runs, remove its inputs and files."""
        job, had_inputs = jobs.pop(job_id, None), uploads.pop(job_id, None) is not None
        if job is not None:
            job.cancel.cancel()
        if (job is not None or had_inputs) and job_id.isalnum():
            shutil.rmtree(root / job_id, ignore_errors=True)
        return job is not None or had_inputs

    async def run(job_id: str, message: Generate, job: _Job) -> None:
        try:
            await generate(job_id, message, job)
        finally:  # nobody fetching its files within keep_s: they go
            asyncio.get_running_loop().call_later(keep_s, lambda: jobs.get(job_id) is job and drop(job_id))

    def forward(job_id: str, job: _Job, event: ProgressEvent) -> None:
        if isinstance(event, PreviewEvent):  # the picture goes as its own message, as from a local worker
            job.add(Preview(job_id=job_id, step=event.step or 0, width=event.width, height=event.height,
                            jpeg=event.image))
        job.add(Progress(job_id=job_id, event=event))

    async def generate(job_id: str, message: Generate, job: _Job) -> None:
        _this_job.set(message)  # this task's own context: what the box's enhancer hands this job
        try:
            result = await provider.generate(message.request, job.folder, lambda event: forward(job_id, job, event),
                                             job.cancel)
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
        if message.job_id in jobs or not message.job_id.isalnum():
            return JSONResponse({"error": "job id taken or not alphanumeric"}, status_code=409)
        folder = root / message.job_id
        try:
            message.request = _local_request(message.request, folder / INPUTS, uploads.get(message.job_id, set()))
        except KeyError as exc:
            return JSONResponse({"error": f"the input {exc.args[0]!r} was not uploaded for this job "
                                          f"(PUT /jobs/{message.job_id}/inputs/<name> first)"}, status_code=422)
        folder.mkdir(parents=True, exist_ok=True)
        job = jobs[message.job_id] = _Job(folder)
        task = asyncio.create_task(run(message.job_id, message, job))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse({"job_id": message.job_id}, status_code=202)

    async def upload(request: Request) -> Any:
        """One input file, streamed to disk; only a whole file gets its name (a drop leaves just a .part)."""
        job_id, name = request.path_params["job_id"], request.path_params["name"]
        if not job_id.isalnum() or job_id in jobs or not INPUT_NAME.fullmatch(name):
            return JSONResponse({"error": "job id not alphanumeric or already running, or a bad input name"},
                                status_code=409 if job_id in jobs else 422)
        folder = root / job_id / INPUTS
        folder.mkdir(parents=True, exist_ok=True)
        part, size = folder / f".{name}.part", 0
        try:
            with open(part, "wb") as fh:
                async for chunk in request.stream():
                    await asyncio.to_thread(fh.write, chunk)
                    size += len(chunk)
            os.replace(part, folder / name)
        finally:
            part.unlink(missing_ok=True)
        uploads.setdefault(job_id, set()).add(name)
        return JSONResponse({"name": name, "bytes": size})

    async def status(request: Request) -> Any:
        from ..hardware import probe

        hw = await asyncio.to_thread(probe)
        return JSONResponse({"version": PROTOCOL_VERSION, "summary": hw.summary(),
                             "running": sum(not j.done for j in jobs.values())})

    def find(request: Request) -> _Job | None:
        return jobs.get(request.path_params["job_id"])

    async def events(request: Request) -> Any:
        job = find(request)
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)

        async def stream() -> AsyncIterator[bytes]:
            sent = 0
            try:
                while True:
                    job.changed.clear()
                    while sent < len(job.messages):
                        yield b"data: " + job.messages[sent].rstrip(b"\n") + b"\n\n"
                        sent += 1
                    if job.done and sent == len(job.messages):
                        return
                    await job.changed.wait()
            finally:
                if not job.done:  # the client went away mid-job: nobody will take the result
                    job.cancel.cancel()

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
        return JSONResponse({"removed": drop(request.path_params["job_id"])})

    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        for job in jobs.values():
            job.cancel.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await provider.close()

    routes = [Route("/status", status),
              Route("/jobs", submit, methods=["POST"]),
              Route("/jobs/{job_id}/inputs/{name}", upload, methods=["PUT"]),
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

    host, _, port = address.rpartition(":")
    app = create_app(token, box_provider(options))
    uvicorn.run(app, host=host or "127.0.0.1", port=int(port), ssl_certfile=certfile, ssl_keyfile=keyfile,
                log_level="warning")
    return 0
