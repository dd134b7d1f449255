"""fal.ai backend on the real fal_client.AsyncClient (queue API: submit, status, result, cancel; CDN upload).

We poll `status(with_logs=True)` ourselves about once a second (the client's own loops poll ten times a
second) and map Queued(position) / InProgress(logs) to progress. The client retries 429s and transport
errors itself; what still fails reaches `_map_error`. Results are downloaded by our own code.

The client alone never gives up on a host that accepts the connection and never answers: its submit waits
`default_timeout` per attempt and retries a timeout up to 10 times. Here `default_timeout` is our read limit
and every call has a total limit (timeouts.py), so such a host ends in a retryable "did not answer in time".
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import fal_client
import httpx
from fal_client.client import FalClientHTTPError, FalClientTimeoutError

from ..errors import BackendUnavailable, GenerationError, ServiceError
from ..request import CancelToken, GenerationRequest
from ..timeouts import timed_out, within
from .base import CloudProvider, Output, Poll
from .common import http_error, last_line, parse_steps, retry_after_s, unreachable, unreadable
from .fal_fields import build_fal_call, files_to_upload
from .shape import CloudCall

SERVICE = "fal.ai"


def _raise_for_status(response: httpx.Response) -> None:
    """fal_client's own check (a FalClientHTTPError with fal's detail), else httpx's."""
    check = getattr(fal_client.client, "_raise_for_status", None)
    if check is not None:
        check(response)
    response.raise_for_status()


def _detail(message: Any) -> str:
    """fal's error detail: a string, or pydantic-style [{loc, msg}, ...] for a 422."""
    if isinstance(message, list):
        parts = []
        for item in message:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                parts.append(f"{loc}: {item.get('msg', '')}".strip(": "))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(message, dict):
        return str(message.get("msg") or message.get("detail") or message)
    return str(message)


class FalLTXProvider(CloudProvider):
    backend = "fal"
    service = SERVICE
    key_service = "fal"

    def _new_client(self, key: str) -> fal_client.AsyncClient:
        # default_timeout becomes the httpx timeout of every call (connect is further capped at 5 s on fal's hosts)
        return fal_client.AsyncClient(key=key, default_timeout=self.timeouts.read_s)

    def _build(self, request: GenerationRequest, urls: dict[str, str] | None) -> CloudCall:
        return build_fal_call(request, urls)

    def _files(self, request: GenerationRequest) -> list[str]:
        return files_to_upload(request)

    async def _upload(self, client: fal_client.AsyncClient, path: str) -> str:
        # storage token from REST_URL, then the bytes to CDN_URL; the client falls back to GCS storage itself
        return await client.upload_file(Path(path))

    async def _submit(self, client: fal_client.AsyncClient, call: CloudCall, cancel: CancelToken) -> Any:
        return await within(client.submit(call.endpoint, call.arguments), self.request_timeout_s, SERVICE,
                            "submitting the job")

    async def _poll(self, client: fal_client.AsyncClient, handle: Any) -> Poll:
        status = await handle.status(with_logs=True)
        if isinstance(status, fal_client.Queued):
            return Poll("queued", queue_position=status.position,
                        message=f"position {status.position + 1} in the {SERVICE} queue")
        text = "\n".join(str(entry.get("message", "")) for entry in (status.logs or []) if isinstance(entry, dict))
        if isinstance(status, fal_client.InProgress):
            steps = parse_steps(text)
            return Poll("running", step=steps[0] if steps else None, total=steps[1] if steps else None,
                        message=last_line(text))
        if status.error_type == "request_cancelled":  # cancelled elsewhere (another client, the dashboard)
            return Poll("cancelled")
        if status.error:  # Completed with an error: the app failed the job
            kind = f" ({status.error_type})" if status.error_type else ""
            return Poll("failed", error=f"{status.error}{kind}")
        return Poll("done")

    async def _result(self, client: fal_client.AsyncClient, handle: Any, poll: Poll) -> Output:
        # Not handle.get(): it polls the status once more before fetching; we have just seen COMPLETED.
        try:
            response = await handle.client.get(handle.response_url, timeout=self.timeouts.httpx())
        except httpx.TimeoutException:
            raise timed_out(SERVICE, "fetching the result", self.timeouts.read_s) from None
        _raise_for_status(response)
        data = response.json()
        try:
            video = data["video"]
            url = video["url"] if isinstance(video, dict) else str(video)
        except (KeyError, TypeError):
            raise unreadable(SERVICE) from None
        meta = video if isinstance(video, dict) else {}
        seed = data.get("seed")
        return Output(url=url, seed=seed if isinstance(seed, int) else None, width=meta.get("width"),
                      height=meta.get("height"), num_frames=meta.get("num_frames"), fps=meta.get("fps"))

    async def _cancel_remote(self, client: fal_client.AsyncClient, handle: Any) -> None:
        await handle.cancel()

    def _map_error(self, exc: BaseException) -> GenerationError:
        if isinstance(exc, FalClientHTTPError):
            detail = _detail(exc.message)
            return http_error(SERVICE, exc.status_code, detail,
                              retry_after_s=retry_after_s(exc.response_headers, detail), what="the job")
        if isinstance(exc, httpx.HTTPStatusError):  # the storage-token request raises plain httpx errors
            return http_error(SERVICE, exc.response.status_code, "",
                              retry_after_s=retry_after_s(dict(exc.response.headers)), what="the upload")
        if isinstance(exc, FalClientTimeoutError | httpx.TimeoutException | httpx.TransportError | OSError):
            return unreachable(SERVICE, exc)
        if isinstance(exc, ValueError | KeyError | TypeError):  # malformed JSON, unknown status, missing field
            return unreadable(SERVICE)
        return ServiceError(f"{SERVICE} failed: {type(exc).__name__}.", hint="Retry the job.")

    async def validate_credentials(self) -> None:
        """One cheap authenticated call: ask fal's REST API for a CDN storage token."""
        key = self._require_key()
        url = f"{fal_client.client.REST_URL}/storage/auth/token?storage_type=fal-cdn-v3"
        try:
            async with httpx.AsyncClient(timeout=self.timeouts.httpx()) as http:
                resp = await within(http.post(url, headers={"Authorization": f"Key {key}"}, json={}),
                                    self.request_timeout_s, SERVICE, "checking the key")
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"Could not reach {SERVICE} ({type(exc).__name__}).",
                                     hint="Check your internet connection.") from None
        if resp.status_code >= 400:
            raise http_error(SERVICE, resp.status_code, "", what="the key check")

    async def _close_client(self, client: fal_client.AsyncClient) -> None:
        cached = vars(client).get("_client")  # the client's lazily built httpx.AsyncClient, if any
        if cached is not None:
            await (await cached).aclose()
