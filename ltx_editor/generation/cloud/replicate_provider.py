"""Replicate backend on the real replicate.Client (predictions create/get/cancel, files, account).

The prediction is created without waiting (no "Prefer: wait"), then polled about once a second; progress
comes from the tqdm bars in its logs. The client never retries a POST, so a 429 on create is retried here,
honouring Retry-After or the "resets in ~Ns" text. Outputs are downloaded by our own code: the client's
FileOutput would send the API token to the file host.
"""
from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

import httpx
import replicate
from replicate.exceptions import ModelError, ReplicateError

from ..download import cancellable_sleep
from ..errors import BackendUnavailable, GenerationError, ServiceError
from ..request import CancelToken, GenerationRequest
from ..timeouts import within
from .base import CloudProvider, Output, Poll
from .common import http_error, last_line, parse_steps, retry_after_s, unreachable, unreadable
from .replicate_fields import build_replicate_call, files_to_upload
from .shape import CloudCall

SERVICE = "Replicate"
_VIDEO_EXTS = (".mp4", ".mov", ".webm", ".mkv", ".gif")

# The last 429's Retry-After, seen by an httpx response hook in the calling task (ReplicateError has no headers).
_retry_after: ContextVar[float | None] = ContextVar("replicate_retry_after", default=None)


async def _note_retry_after(response: httpx.Response) -> None:
    if response.status_code == 429:
        _retry_after.set(retry_after_s(dict(response.headers)))


def _video_url(output: Any) -> str | None:
    """The video among a prediction's outputs: a URL string, a list of them, or a dict holding one."""
    if isinstance(output, str):
        return output
    items = list(output.values()) if isinstance(output, dict) else list(output or [])
    urls = [u for u in items if isinstance(u, str)]
    return next((u for u in urls if u.split("?")[0].lower().endswith(_VIDEO_EXTS)), urls[0] if urls else None)


class ReplicateLTXProvider(CloudProvider):
    backend = "replicate"
    service = SERVICE
    key_service = "replicate"

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None, create_retries: int = 5,
                 max_retry_wait_s: float = 60.0, **options: Any) -> None:
        super().__init__(api_key=api_key, **options)
        self.base_url = base_url
        self.create_retries = create_retries
        self.max_retry_wait_s = max_retry_wait_s

    def _new_client(self, key: str) -> replicate.Client:
        return replicate.Client(api_token=key, base_url=self.base_url, timeout=self.timeouts.httpx(),
                                event_hooks={"response": [_note_retry_after]})

    def _build(self, request: GenerationRequest, urls: dict[str, str] | None) -> CloudCall:
        return build_replicate_call(request, urls)

    def _files(self, request: GenerationRequest) -> list[str]:
        return files_to_upload(request)

    async def _upload(self, client: replicate.Client, path: str) -> str:
        # The client sends file uploads and creates with timeout=None (no limit at all): the base class bounds
        # each upload (upload_timeout_s) and _submit each create.
        with open(path, "rb") as fh:
            uploaded = await client.files.async_create(fh, filename=Path(path).name)
        return uploaded.urls["get"]

    async def _submit(self, client: replicate.Client, call: CloudCall, cancel: CancelToken) -> Any:
        for attempt in range(self.create_retries + 1):
            _retry_after.set(None)
            try:
                return await within(
                    client.models.predictions.async_create(model=call.endpoint, input=call.arguments),
                    self.request_timeout_s, SERVICE, "submitting the job")
            except ReplicateError as exc:
                if exc.status != 429:
                    raise
                text = f"{exc.title or ''} {exc.detail or ''}"
                wait = _retry_after.get()
                wait = retry_after_s(None, text) if wait is None else wait
                if attempt == self.create_retries or (wait or 0) > self.max_retry_wait_s:
                    raise http_error(SERVICE, 429, text, retry_after_s=wait, what="the job") from None
                await cancellable_sleep(wait if wait is not None else min(2.0 ** attempt, 30.0), cancel)
        raise AssertionError("unreachable")

    async def _poll(self, client: replicate.Client, prediction: Any) -> Poll:
        current = await client.predictions.async_get(prediction.id)
        status = current.status
        if status == "starting":
            return Poll("queued", message=f"starting on {SERVICE} (the model may be booting)")
        if status == "processing":
            steps = parse_steps(current.logs or "")
            return Poll("running", step=steps[0] if steps else None, total=steps[1] if steps else None,
                        message=last_line(current.logs or ""))
        if status == "succeeded":
            return Poll("done", outputs=current.output)
        if status == "canceled":
            return Poll("cancelled")
        if status == "failed":
            return Poll("failed", error=str(current.error or ""))
        raise ValueError(f"unknown prediction status {status!r}")

    async def _result(self, client: replicate.Client, prediction: Any, poll: Poll) -> Output:
        url = _video_url(poll.outputs)
        if not url:
            raise ServiceError(f"{SERVICE} finished the job without a video.", hint="Retry the job.")
        return Output(url=url)

    async def _cancel_remote(self, client: replicate.Client, prediction: Any) -> None:
        await client.predictions.async_cancel(prediction.id)

    def _map_error(self, exc: BaseException) -> GenerationError:
        if isinstance(exc, ReplicateError):
            text = exc.detail or exc.title or ""
            return http_error(SERVICE, exc.status or 500, text, retry_after_s=retry_after_s(None, text),
                              what="the job")
        if isinstance(exc, ModelError):
            return ServiceError(f"The model failed on {SERVICE}: {getattr(exc.prediction, 'error', '') or 'no reason'}",
                                hint="Retry; if it fails again, change the prompt or settings.")
        if isinstance(exc, httpx.TimeoutException | httpx.TransportError | OSError):
            return unreachable(SERVICE, exc)
        if isinstance(exc, ValueError | KeyError | TypeError):  # malformed JSON or a prediction we cannot parse
            return unreadable(SERVICE)
        return ServiceError(f"{SERVICE} failed: {type(exc).__name__}.", hint="Retry the job.")

    async def validate_credentials(self) -> None:
        """One cheap authenticated call: GET /v1/account."""
        client = self._client()
        try:
            await within(client.accounts.async_current(), self.request_timeout_s, SERVICE, "checking the key")
        except ReplicateError as exc:
            raise http_error(SERVICE, exc.status or 500, exc.detail or "", what="the key check") from None
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"Could not reach {SERVICE} ({type(exc).__name__}).",
                                     hint="Check your internet connection.") from None
        except (ValueError, TypeError):
            raise unreadable(SERVICE) from None

    async def _close_client(self, client: replicate.Client) -> None:
        http = getattr(client, "_Client__async_client", None)  # built lazily by the client on first use
        if http is not None:
            await http.aclose()
