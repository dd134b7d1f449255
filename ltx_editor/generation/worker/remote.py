"""RemoteWorkerProvider: local generation on another machine's `ltx-editor worker --listen` (HTTP + SSE).

No shared disk is assumed. The job's input files (keyframe images, source videos, LoRAs, cast references) are
streamed up one by one first, and the job names them by their upload names; progress comes back as server-sent
events; the finished files are streamed down in chunks into a staging folder (each to a `.part` file renamed
when whole) and moved into place like a local worker's, so a dropped connection at any moment leaves nothing.
The recipe that comes back names this machine's input paths again, so the clip can be regenerated here.
The token is a secret: it is only ever sent in the Authorization header, never logged or put in a message.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import ssl
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx

from ..errors import BadCredentials, Cancelled, GenerationError, InvalidRequest
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult, ProgressEvent, Stage
from .client import POLL_S, STAGING_PREFIX, STOPPED_HINT, WorkerStopped, _commit, _error, enhance_here
from .protocol import Failure, Generate, Preview, Progress, Result, decode_from_worker

CHUNK = 1 << 20  # bytes per read/write while streaming a file either way
TOKEN_HINT = "Set the same token here (Preferences, or LTX_WORKER_TOKEN) and on the worker."
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def base_url(address: str) -> str:
    """"host:port" (http) or a full http(s):// URL, without a trailing slash."""
    address = address.strip().rstrip("/")
    return address if address.startswith(("http://", "https://")) else f"http://{address}"


def tls_context(verify: bool | str) -> ssl.SSLContext | bool:
    """True (the system's CAs), False, or a CA bundle / self-signed certificate file that signed the worker's."""
    if isinstance(verify, bool):
        return verify
    if not Path(verify).is_file():
        raise InvalidRequest(f"The worker's TLS certificate {verify} is not a file.",
                             hint="Pick the CA or certificate file in Preferences, or clear the field.")
    return ssl.create_default_context(cafile=verify)


def input_paths(request: GenerationRequest) -> list[str]:
    """Every file on this machine the job reads: conditions, LoRAs, and the cast's references when present."""
    paths = [c.path for c in request.conditions] + [lora.path for lora in request.settings.loras]
    for use in getattr(request, "cast", None) or ():
        paths += [*use.images, *([use.voice] if use.voice else [])]
    return list(dict.fromkeys(paths))


def upload_names(paths: list[str]) -> dict[str, str]:
    """local path -> the name it is uploaded under (numbered, so two files called key.png stay apart)."""
    return {path: f"{i}-{_UNSAFE.sub('_', Path(path).name)[-120:] or 'input'}" for i, path in enumerate(paths)}


def with_input_paths(request: GenerationRequest, where: Callable[[str], str]) -> GenerationRequest:
    """The request with every input path (as input_paths lists them) replaced by where(path): upload names
    on the way out, the worker box's copies on arrival."""
    settings = request.settings.model_copy(update={"loras": [
        lora.model_copy(update={"path": where(lora.path)}) for lora in request.settings.loras]})
    update: dict[str, Any] = {"settings": settings, "conditions": [
        c.model_copy(update={"path": where(c.path)}) for c in request.conditions]}
    if getattr(request, "cast", None):
        update["cast"] = [use.model_copy(update={"images": [where(p) for p in use.images],
                                                 "voice": where(use.voice) if use.voice else None})
                          for use in request.cast]
    return request.model_copy(update=update)


class RemoteWorkerProvider(BaseLTXProvider):
    backend = "local"

    def __init__(self, address: str, token: str | Callable[[], str | None], *, verify: bool | str = True,
                 timeout_s: float = 30.0, enhancer: Any | None = None) -> None:
        """address: "host:port" (http) or a full http(s):// URL. token: the token, or a function that reads it
        (per job, so a changed token counts at once). verify: TLS check, or a CA bundle / certificate path."""
        self.base = base_url(address)
        self._token = token
        self._verify = verify
        self._timeout = httpx.Timeout(timeout_s, read=None)  # the event stream is quiet while a step runs
        self.enhancer = enhancer

    @classmethod
    def from_settings(cls, address: str, verify: bool | str = True, *, enhancer: Any | None = None
                      ) -> RemoteWorkerProvider:
        """The editor's remote worker: the token comes from secrets ("worker": environment, session, keychain)."""
        from .. import secrets

        return cls(address, lambda: secrets.get_api_key("worker"), verify=verify, enhancer=enhancer)

    def _client(self) -> httpx.AsyncClient:
        token = self._token() if callable(self._token) else self._token
        if not token:
            raise BadCredentials(f"No token for the worker at {self.base}.", hint=TOKEN_HINT)
        return httpx.AsyncClient(base_url=self.base, headers={"Authorization": f"Bearer {token}"},
                                 verify=tls_context(self._verify), timeout=self._timeout)

    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        names = upload_names(input_paths(request))
        for path in names:
            if not Path(path).is_file():
                raise InvalidRequest(f"The input file {path} is missing; it cannot be sent to the worker.",
                                     hint="Pick the file again, or remove it from the job.")
        job = Generate(job_id=uuid.uuid4().hex, request=request, output_dir="")
        await enhance_here(job, self.enhancer, progress)  # with this machine's paths (it may look at the image)
        job.request = with_input_paths(request, names.__getitem__)
        cancel.raise_if_cancelled()
        staging = Path(output_dir) / f"{STAGING_PREFIX}{os.getpid()}-{job.job_id}"
        staging.mkdir(parents=True, exist_ok=True)
        try:
            async with self._client() as client:
                try:
                    await self._upload(client, job.job_id, names, progress, cancel)
                    result = await self._run(client, job, progress, cancel)
                    result = await self._download(client, job.job_id, result, staging)
                except httpx.TransportError as exc:
                    raise WorkerStopped(f"The generator stopped: the connection to {self.base} was lost "
                                        f"({type(exc).__name__}).", hint=STOPPED_HINT) from None
                finally:
                    with contextlib.suppress(httpx.HTTPError):
                        await client.delete(f"/jobs/{job.job_id}")
            _restore_input_paths(result, names)
            return _commit(result, staging, Path(output_dir))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _check(self, response: httpx.Response) -> None:
        if response.status_code == 401:
            raise BadCredentials(f"The worker at {self.base} refused the token.", hint=TOKEN_HINT)
        if response.status_code >= 400:
            try:  # a streamed answer has no body read yet: no detail then
                why = str(response.json().get("error", ""))[:300]
            except (ValueError, AttributeError, httpx.ResponseNotRead):
                why = ""
            raise InvalidRequest(f"The worker at {self.base} refused the job ({response.status_code}"
                                 f"{': ' + why if why else ''}).")

    async def _upload(self, client: httpx.AsyncClient, job_id: str, names: dict[str, str],
                      progress: ProgressCallback, cancel: CancelToken) -> None:
        """Each input streamed up in chunks (a source video never has to fit in memory)."""
        for i, (path, name) in enumerate(names.items()):
            cancel.raise_if_cancelled()
            progress(ProgressEvent(stage=Stage.UPLOADING, step=i + 1, total=len(names),
                                   message=f"sending {Path(path).name} to the worker"))
            response = await client.put(f"/jobs/{job_id}/inputs/{name}", content=_chunks(Path(path), cancel),
                                        headers={"content-type": "application/octet-stream"})
            self._check(response)
            if response.json().get("bytes") != Path(path).stat().st_size:
                raise WorkerStopped(f"The generator stopped: {Path(path).name} arrived incomplete at {self.base}.",
                                    hint=STOPPED_HINT)

    async def _run(self, client: httpx.AsyncClient, job: Generate, progress: ProgressCallback,
                   cancel: CancelToken) -> GenerationResult:
        self._check(await client.post("/jobs", content=job.model_dump_json(),
                                      headers={"content-type": "application/json"}))
        watcher = asyncio.create_task(self._watch_cancel(client, job.job_id, cancel))
        try:
            async with client.stream("GET", f"/jobs/{job.job_id}/events") as response:
                self._check(response)
                picture: Preview | None = None
                async for line in response.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    message = decode_from_worker(line[6:])
                    if isinstance(message, Preview):
                        picture = message  # the Progress of the same step comes next and carries it
                    elif isinstance(message, Progress):
                        progress(picture.attach(message.event) if picture else message.event)
                        picture = None
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
        """Each file streamed to a .part file in chunks (a clip never has to fit in memory), renamed when it is
        whole (the size the worker announced); paths rewritten to staging."""
        update = {}
        for key in ("video_path", "sidecar_path", "audio_path"):
            remote = getattr(result, key)
            if remote is None:
                continue
            local = staging / Path(remote).name
            part = local.with_name(f".{local.name}.part")
            async with client.stream("GET", f"/jobs/{job_id}/files/{local.name}") as response:
                self._check(response)
                with open(part, "wb") as fh:
                    async for chunk in response.aiter_bytes(CHUNK):
                        fh.write(chunk)
            expected = response.headers.get("content-length")
            if expected is not None and part.stat().st_size != int(expected):
                raise WorkerStopped(f"The generator stopped: {local.name} arrived incomplete from {self.base}.",
                                    hint=STOPPED_HINT)
            part.replace(local)
            update[key] = local
        return result.model_copy(update=update)

    async def status(self) -> dict[str, Any]:
        """The worker's own account of itself (GET /status); raises BadCredentials / httpx errors."""
        async with self._client() as client:
            response = await client.get("/status")
            self._check(response)
            return response.json()

    async def validate_credentials(self) -> None:
        await self.status()

    def estimate_cost(self, request: GenerationRequest) -> float | None:
        return 0.0


async def _chunks(path: Path, cancel: CancelToken) -> AsyncIterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := await asyncio.to_thread(fh.read, CHUNK):
            cancel.raise_if_cancelled()
            yield chunk


def _restore_input_paths(result: GenerationResult, names: dict[str, str]) -> None:
    """The recipe the worker wrote names its copies of the inputs; name this machine's files again."""
    sidecar = result.sidecar_path
    if not names or sidecar is None or not Path(sidecar).is_file():
        return
    back = {name: path for path, name in names.items()}

    def restore(value: Any) -> Any:
        if isinstance(value, str) and Path(value).name in back and Path(value).parent.name == "inputs":
            return back[Path(value).name]
        if isinstance(value, str) and value in back:
            return back[value]
        if isinstance(value, dict):
            return {k: restore(v) for k, v in value.items()}
        if isinstance(value, list):
            return [restore(v) for v in value]
        return value

    path = Path(sidecar)
    data = restore(json.loads(path.read_text(encoding="utf-8")))
    part = path.with_name(f".{path.name}.part")
    part.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    part.replace(path)


async def check_connection(address: str, token: str | None, verify: bool | str = True,
                           timeout_s: float = 5.0) -> tuple[str, str]:
    """("ok" | "refused" | "unreachable", in words) for Preferences' Test connection. Never names the token."""
    if not address.strip():
        return "unreachable", "No address: enter the worker's HOST:PORT."
    if not token:
        return "refused", "No token: enter the worker's token (or set LTX_WORKER_TOKEN)."
    provider = RemoteWorkerProvider(address, token, verify=verify, timeout_s=timeout_s)
    try:
        status = await asyncio.wait_for(provider.status(), timeout_s + 1)
    except InvalidRequest as exc:
        return "unreachable", exc.message
    except BadCredentials:
        return "refused", f"The worker at {provider.base} refused the token."
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        why = str(exc).split("\n")[0][:200] or type(exc).__name__
        if "CERTIFICATE" in why.upper() or "SSL" in why.upper():
            why = f"TLS: {why}"
        return "unreachable", f"Could not reach {provider.base}: {why}"
    except (GenerationError, ValueError) as exc:
        return "unreachable", f"{provider.base} did not answer like an LTX Editor worker ({type(exc).__name__})."
    return "ok", f"Connected to {provider.base}: {status.get('summary') or 'an LTX Editor worker'}."
