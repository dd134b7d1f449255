"""The job flow both cloud providers share: key -> upload -> submit -> poll about once a second -> download.

Subclasses supply the service calls (`_upload`, `_submit`, `_poll`, `_cancel_remote`, `_map_error`); this
class owns the loop around them: cancellation (the remote job is cancelled too), a deadline, tolerance for
a few failed polls in a row (a 500, a reset, malformed JSON), atomic download, cost and the recipe.

Every network call is bounded (timeouts.py): connect and read limits on the HTTP clients, and a total limit per
call here: submit, result and key check `request_timeout_s`, each poll `poll_timeout_s`, each upload
`upload_timeout_s`, the download DownloadOptions' limits. A host that accepts the connection and never answers
ends in a retryable error naming the service, never in a job that hangs.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any, Literal

from ..cost import cost_of
from ..download import DownloadOptions, cancellable_sleep, download_file, looks_like_video
from ..errors import BadCredentials, Cancelled, GenerationError, InvalidRequest, RateLimited, ServiceError
from ..output import new_video_path
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult, Stage
from ..secrets import ENV_VARS, get_api_key, redact
from ..timeouts import Timeouts, timed_out
from .common import ClientCache, Reporter
from .shape import CloudCall, Shape

log = logging.getLogger(__name__)


@dataclass
class Poll:
    """One status answer, in the service-neutral form the loop understands."""

    state: Literal["queued", "running", "done", "failed", "cancelled"]
    queue_position: int | None = None
    message: str = ""
    step: int | None = None
    total: int | None = None
    error: str = ""
    outputs: Any = None


@dataclass
class Output:
    url: str
    seed: int | None = None
    width: int | None = None
    height: int | None = None
    num_frames: int | None = None
    fps: float | None = None


class CloudProvider(BaseLTXProvider):
    service: str  # shown to people: "fal.ai", "Replicate"
    key_service: Literal["fal", "replicate"]

    def __init__(self, *, api_key: str | None = None, poll_interval_s: float = 1.0, poll_timeout_s: float = 30.0,
                 max_poll_failures: int = 5, job_timeout_s: float = 3 * 3600.0,
                 download: DownloadOptions | None = None, write_sidecars: bool = True,
                 connect_timeout_s: float = 10.0, read_timeout_s: float = 30.0, request_timeout_s: float = 60.0,
                 upload_timeout_s: float = 600.0) -> None:
        self._fixed_key = api_key
        # connect/read: the HTTP clients' limits; request: one submit/result/key-check call in all (the clients'
        # own retries included); upload: one file in all.
        self.timeouts = Timeouts(connect_s=connect_timeout_s, read_s=min(read_timeout_s, request_timeout_s),
                                 total_s=request_timeout_s)
        self.request_timeout_s = request_timeout_s
        self.upload_timeout_s = upload_timeout_s
        self.poll_interval_s = poll_interval_s
        self.poll_timeout_s = poll_timeout_s
        self.max_poll_failures = max_poll_failures
        self.job_timeout_s = job_timeout_s
        self.download_options = download or DownloadOptions()
        self.write_sidecars = write_sidecars
        self._clients: ClientCache[Any] = ClientCache(self._new_client)

    # -- for subclasses -----------------------------------------------------------------------------------
    @abstractmethod
    def _new_client(self, key: str) -> Any: ...

    @abstractmethod
    def _build(self, request: GenerationRequest, urls: dict[str, str] | None) -> CloudCall: ...

    @abstractmethod
    def _files(self, request: GenerationRequest) -> list[str]: ...

    @abstractmethod
    async def _upload(self, client: Any, path: str) -> str: ...

    @abstractmethod
    async def _submit(self, client: Any, call: CloudCall, cancel: CancelToken) -> Any: ...

    @abstractmethod
    async def _poll(self, client: Any, job: Any) -> Poll: ...

    @abstractmethod
    async def _result(self, client: Any, job: Any, poll: Poll) -> Output: ...

    @abstractmethod
    async def _cancel_remote(self, client: Any, job: Any) -> None: ...

    @abstractmethod
    def _map_error(self, exc: BaseException) -> GenerationError: ...

    async def _close_client(self, client: Any) -> None:
        return None

    # -- keys -------------------------------------------------------------------------------------------------
    def api_key(self) -> str | None:
        """The key for this job: fixed at construction, else read now (a changed key applies at once)."""
        return self._fixed_key or get_api_key(self.key_service)

    def _require_key(self) -> str:
        key = self.api_key()
        if not key:
            raise BadCredentials(f"No {self.service} API key is set.",
                                 hint=f"Add one in Preferences (or set {ENV_VARS[self.key_service]}).")
        return key

    def _client(self) -> Any:
        return self._clients.get(self._require_key())

    def _error(self, exc: BaseException) -> GenerationError:
        if isinstance(exc, GenerationError):
            return exc
        try:
            err = self._map_error(exc)
        except Exception:  # a mapping bug must still give a readable, key-free error
            err = ServiceError(f"{self.service} failed: {type(exc).__name__}.", hint="Retry the job.")
        err.message = redact(err.message)
        err.args = (err.message,)
        return err

    # -- BaseLTXProvider ----------------------------------------------------------------------------------------
    def estimate_cost(self, request: GenerationRequest) -> float | None:
        from ..cost import estimate

        return estimate(request)

    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        t0, timings = perf_counter(), {}
        report = Reporter(progress)
        request = request.model_copy(update={"settings": request.settings.resolve_seed(), "backend": self.backend})
        self._build(request, None)  # refuse an impossible job before any network traffic
        client = self._client()
        job, finished = None, False
        try:
            cancel.raise_if_cancelled()
            t = perf_counter()
            urls = await self._upload_all(client, request, report, cancel)
            call = self._build(request, urls)
            timings["upload"] = perf_counter() - t
            report(Stage.QUEUED, message=f"submitting to {self.service}")
            t = perf_counter()
            job = await self._submit(client, call, cancel)
            poll = await self._wait(client, job, report, cancel, timings, t)
            try:  # a one-off call, and giving up loses a job already paid for: the request limit, not a poll's
                output = await self._unless_cancelled(self._result(client, job, poll), cancel, self.request_timeout_s)
            except asyncio.TimeoutError:
                raise timed_out(self.service, "fetching the result", self.request_timeout_s) from None
            finished = True
            t = perf_counter()
            path = await self._download(output.url, Path(output_dir), request, report, cancel)
            timings["download"] = perf_counter() - t
        except (Cancelled, asyncio.CancelledError):
            if job is not None and not finished:
                await self._cancel_quietly(client, job)
            raise
        except BaseException as exc:
            if job is not None and not finished and isinstance(exc, Exception):
                await self._cancel_quietly(client, job)  # e.g. our deadline: do not leave it billing
            if not isinstance(exc, Exception):
                raise
            raise self._error(exc) from None
        timings["total"] = perf_counter() - t0
        return self._finish(request, call, output, path, timings, report)

    async def _upload_all(self, client: Any, request: GenerationRequest, report: Reporter,
                          cancel: CancelToken) -> dict[str, str]:
        urls: dict[str, str] = {}
        files = self._files(request)
        for i, path in enumerate(files):
            cancel.raise_if_cancelled()
            if not Path(path).is_file():
                raise InvalidRequest(f"The file {Path(path).name} is missing.", hint="Restore it or pick another.")
            report(Stage.UPLOADING, step=i + 1, total=len(files), message=f"uploading {Path(path).name}")
            try:
                urls[path] = await self._unless_cancelled(self._upload(client, path), cancel, self.upload_timeout_s)
            except asyncio.TimeoutError:
                raise timed_out(self.service, f"uploading {Path(path).name}", self.upload_timeout_s) from None
        return urls

    async def _wait(self, client: Any, job: Any, report: Reporter, cancel: CancelToken,
                    timings: dict[str, float], t_submit: float) -> Poll:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.job_timeout_s
        failures, problem, t_run = 0, "", None
        while True:
            cancel.raise_if_cancelled()
            try:
                poll = await self._unless_cancelled(self._poll(client, job), cancel, self.poll_timeout_s)
                failures = 0
            except asyncio.TimeoutError:
                poll, problem = None, "it did not answer in time"
            except Exception as exc:
                err = self._error(exc)
                if not isinstance(err, ServiceError | RateLimited) or not err.retryable:
                    raise err from None
                poll, problem = None, err.message
            if poll is None:
                failures += 1
                if failures > self.max_poll_failures:
                    raise ServiceError(f"{self.service} stopped answering about the job: {problem}",
                                       hint="Check your connection and retry the job.")
            elif poll.state == "queued":
                report(Stage.QUEUED, queue_position=poll.queue_position, message=poll.message or "waiting in queue")
            elif poll.state == "running":
                t_run = t_run or perf_counter()
                fraction = poll.step / poll.total if poll.step is not None and poll.total else None
                report(Stage.GENERATING, step=poll.step, total=poll.total, fraction=fraction,
                       message=poll.message or f"generating on {self.service}")
            elif poll.state == "done":
                now = perf_counter()
                timings["queue"] = (t_run or now) - t_submit
                timings["generate"] = now - (t_run or now)
                return poll
            elif poll.state == "cancelled":
                raise Cancelled(f"The job was cancelled on {self.service}.", hint="Retry it to run it again.")
            else:
                raise ServiceError(f"{self.service} failed the job: {redact(poll.error) or 'no reason given'}",
                                   hint="Retry; if it fails again, change the prompt or settings.")
            if loop.time() > deadline:
                raise ServiceError(f"The job did not finish within {self.job_timeout_s / 60:.0f} min on "
                                   f"{self.service}; it was cancelled.", hint="Retry later.")
            await cancellable_sleep(self.poll_interval_s, cancel)

    @staticmethod
    async def _unless_cancelled(call: Any, cancel: CancelToken, timeout_s: float = float("inf")) -> Any:
        """Await `call`, giving up at once when the job is cancelled (a hung poll must not delay a cancel by
        the whole poll timeout) and with TimeoutError after `timeout_s`. Not for submits: an abandoned submit
        could start a job we never learn the id of, and so could never cancel."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        task = asyncio.ensure_future(call)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=max(0.0, min(0.1, deadline - loop.time())))
                if done:
                    return task.result()
                cancel.raise_if_cancelled()
                if loop.time() >= deadline:
                    raise asyncio.TimeoutError
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def _cancel_quietly(self, client: Any, job: Any) -> None:
        try:
            await asyncio.shield(asyncio.wait_for(self._cancel_remote(client, job), self.poll_timeout_s))
        except BaseException as exc:  # the job is over for us either way; say so in the log, keylessly
            log.warning("Cancelling the %s job failed: %s", self.service, redact(type(exc).__name__))

    async def _download(self, url: str, output_dir: Path, request: GenerationRequest, report: Reporter,
                        cancel: CancelToken) -> Path:
        dest = new_video_path(output_dir, prefix=self.backend, seed=request.settings.seed)

        def on_bytes(got: int, total: int | None) -> None:
            fraction = round(got / total, 2) if total else None
            report(Stage.DOWNLOADING, fraction=fraction, message=f"downloading {got / 1e6:.1f} MB")

        report(Stage.DOWNLOADING, message="downloading the result")
        path = await download_file(url, dest, options=self.download_options, progress=on_bytes, cancel=cancel,
                                   service=self.service)
        if not looks_like_video(path):
            path.unlink(missing_ok=True)
            raise ServiceError(f"{self.service} returned a result that is not a video.",
                               hint="Retry the job; if it keeps happening, report it.")
        return path

    def _finish(self, request: GenerationRequest, call: CloudCall, output: Output, path: Path,
                timings: dict[str, float], report: Reporter) -> GenerationResult:
        expected = call.shape
        shape = Shape(width=output.width or expected.width, height=output.height or expected.height,
                      num_frames=output.num_frames or expected.num_frames, fps=output.fps or expected.fps,
                      resolution=expected.resolution, has_audio=expected.has_audio,
                      price_multiplier=expected.price_multiplier)
        seed = output.seed if output.seed is not None else request.settings.seed
        result = GenerationResult(
            video_path=path, num_frames=shape.num_frames, fps=shape.fps, width=shape.width, height=shape.height,
            seed=seed, has_audio=shape.has_audio, backend=self.backend, model_id=request.settings.model_id,
            prompt=request.prompt, timings=timings, cost_usd=cost_of(request, shape), notes=list(call.notes))
        if self.write_sidecars:
            report(Stage.SAVING, message="writing the recipe")
            try:
                from ..sidecar import write_sidecar

                sidecar = write_sidecar(result, request, model={"service": self.service, "endpoint": call.endpoint})
            except BaseException as exc:
                path.unlink(missing_ok=True)  # a clip without its recipe is not reproducible: keep neither
                if isinstance(exc, OSError):
                    raise GenerationError(f"Could not write the recipe beside the clip ({exc.strerror}).",
                                          hint="Check the disk space and folder permissions.") from None
                raise
            result = result.model_copy(update={"sidecar_path": sidecar})
        report(Stage.DONE, fraction=1.0, message="done")
        return result

    async def close(self) -> None:
        for client in self._clients.drain():
            with contextlib.suppress(Exception):  # best effort: the loop that owned it may be gone
                await self._close_client(client)
