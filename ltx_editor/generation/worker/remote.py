"""RemoteWorkerProvider: local generation on another machine's `ltx-editor worker --listen` (HTTP + SSE).

The job goes up as the protocol's Generate message; progress comes back as server-sent events; the finished
files are streamed to disk into a staging folder and moved into place like a local worker's. The token is a
secret: it is only ever sent in the Authorization header, never logged or put in a message.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from pathlib import Path

import httpx

from ..errors import BadCredentials, Cancelled, InvalidRequest
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult
from .client import POLL_S, STAGING_PREFIX, STOPPED_HINT, WorkerStopped, _commit, _error
from .protocol import Failure, Generate, Progress, Result, decode_from_worker


class RemoteWorkerProvider(BaseLTXProvider):
    backend = "local"

    def __init__(self, address: str, token: str, *, verify: bool | str = True, timeout_s: float = 30.0) -> None:
        """address: "host:port" (http) or a full http(s):// URL. verify: TLS check, or a CA bundle path."""
        self.base = address if address.startswith(("http://", "https://")) else f"http://{address}"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._verify = verify
        self._timeout = httpx.Timeout(timeout_s, read=None)  # the event stream is quiet while a step runs

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, headers=self._headers, verify=self._verify,
                                 timeout=self._timeout)

    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        if request.conditions:
            raise InvalidRequest("A remote worker cannot take keyframes or video conditions yet.",
                                 hint="Run this job on this machine or in the cloud.")
        cancel.raise_if_cancelled()
        job_id = uuid.uuid4().hex
        staging = Path(output_dir) / f"{STAGING_PREFIX}{os.getpid()}-{job_id}"
        staging.mkdir(parents=True, exist_ok=True)
        try:
            async with self._client() as client:
                try:
                    result = await self._run(client, job_id, request, progress, cancel)
                    result = await self._download(client, job_id, result, staging)
                except httpx.TransportError as exc:
                    raise WorkerStopped(f"The generator stopped: the connection to {self.base} was lost "
                                        f"({type(exc).__name__}).", hint=STOPPED_HINT) from None
                finally:
                    with contextlib.suppress(httpx.HTTPError):
                        await client.delete(f"/jobs/{job_id}")
            return _commit(result, staging, Path(output_dir))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _check(self, response: httpx.Response) -> None:
        if response.status_code == 401:
            raise BadCredentials(f"The worker at {self.base} refused the token.",
                                 hint="Set the same LTX_WORKER_TOKEN here and on the worker.")
        if response.status_code >= 400:
            raise InvalidRequest(f"The worker at {self.base} refused the job ({response.status_code}).")

    async def _run(self, client: httpx.AsyncClient, job_id: str, request: GenerationRequest,
                   progress: ProgressCallback, cancel: CancelToken) -> GenerationResult:
        job = Generate(job_id=job_id, request=request, output_dir="")
        self._check(await client.post("/jobs", content=job.model_dump_json(),
                                      headers={"content-type": "application/json"}))
        watcher = asyncio.create_task(self._watch_cancel(client, job_id, cancel))
        try:
            async with client.stream("GET", f"/jobs/{job_id}/events") as response:
                self._check(response)
                async for line in response.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    message = decode_from_worker(line[6:])
                    if isinstance(message, Progress):
                        progress(message.event)
                    elif isinstance(message, Result):
                        return message.result
                    elif isinstance(message, Failure):
                        raise _error(message)
            if cancel.cancelled:
                raise Cancelled("Generation cancelled.")
            raise WorkerStopped(f"The generator stopped: {self.base} ended the job without a result.",
                                hint=STOPPED_HINT)
        finally:
            watcher.cancel()

    async def _watch_cancel(self, client: httpx.AsyncClient, job_id: str, cancel: CancelToken) -> None:
        while not cancel.cancelled:
            await asyncio.sleep(POLL_S)
        with contextlib.suppress(httpx.HTTPError):
            await client.post(f"/jobs/{job_id}/cancel")

    async def _download(self, client: httpx.AsyncClient, job_id: str, result: GenerationResult,
                        staging: Path) -> GenerationResult:
        """Each file streamed to disk in chunks (a clip never has to fit in memory), paths rewritten to staging."""
        update = {}
        for key in ("video_path", "sidecar_path", "audio_path"):
            remote = getattr(result, key)
            if remote is None:
                continue
            local = staging / Path(remote).name
            async with client.stream("GET", f"/jobs/{job_id}/files/{local.name}") as response:
                self._check(response)
                with open(local, "wb") as fh:
                    async for chunk in response.aiter_bytes(1 << 20):
                        fh.write(chunk)
            update[key] = local
        return result.model_copy(update=update)

    async def validate_credentials(self) -> None:
        async with self._client() as client:
            response = await client.get("/jobs/-/events")  # no such job: 404 with a good token, 401 without
            if response.status_code != 404:
                self._check(response)

    def estimate_cost(self, request: GenerationRequest) -> float | None:
        return 0.0
