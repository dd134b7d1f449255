"""WorkerLTXProvider: the editor's local backend. Same interface as LocalLTXProvider, the work in a child.

The child (`ltx-editor worker`) is started on the first job and kept for the next ones (the model stays
loaded). Each job gets a hidden staging folder inside the output folder; the child writes there, and only a
finished result is moved into place here (a rename on the same disk), so a crash or a kill at any moment
leaves no half file: the staging folder is simply removed. Cancel asks the child to stop at the next step
and kills it when it has not answered within `cancel_grace_s`; the next job starts a fresh child.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from .. import errors as error_types
from ..errors import Cancelled, GenerationError, InvalidRequest
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult, ProgressEvent, Stage
from ..sidecar import move_clip
from .protocol import Cancel, Failure, Generate, Preview, Progress, Result
from .supervisor import WORKER_COMMAND, Stopped, WorkerProcess

STAGING_PREFIX = ".ltx-worker-"
STOPPED_HINT = "Retry, retry with a smaller model, or run it in the cloud."
POLL_S = 0.02  # how often a waiting job looks at its cancel token


class WorkerStopped(GenerationError):
    """The generator process ended in the middle of a job (crash, kill, out of memory)."""


class _StoppedBeforeTheJob(WorkerStopped):
    """The generator ended before it said a word about the job: it died idle (killed between jobs)."""


class WorkerLTXProvider(BaseLTXProvider):
    backend = "local"

    def __init__(self, *, enhancer: Any | None = None, command: list[str] | tuple[str, ...] = WORKER_COMMAND,
                 cancel_grace_s: float = 0.8, start_timeout_s: float = 120.0, env: dict[str, str] | None = None,
                 **options: Any) -> None:
        """options: LocalLTXProvider's keyword options, JSON values only (they cross to the child).
        command: how to start the child (tests start an instrumented one). env: set for the child (its GPU)."""
        for name, value in options.items():
            try:
                json.dumps(value)
            except TypeError:
                raise InvalidRequest(f"Local option {name!r} cannot be sent to the generator process "
                                     f"({type(value).__name__} is not plain data).") from None
        self.enhancer = enhancer
        self.options = options
        self.command = tuple(command)
        self.cancel_grace_s = cancel_grace_s
        self.start_timeout_s = start_timeout_s
        self.env = dict(env or {})
        self._worker: WorkerProcess | None = None
        self._starting: asyncio.Lock | None = None

    # -- the child ------------------------------------------------------------------------------------
    @property
    def worker_pid(self) -> int | None:
        """The running child's pid (None when none runs): for diagnostics and the fault tests."""
        return self._worker.pid if self._worker is not None and self._worker.alive else None

    async def _ensure_worker(self) -> WorkerProcess:
        if self._worker is not None and self._worker.loop is not asyncio.get_running_loop():
            self._worker.kill_now()  # started on an event loop that has ended (asyncio.run per call)
            self._worker, self._starting = None, None
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._worker is None or not self._worker.alive:
                if self._worker is not None:
                    await self._worker.kill()  # reap it and anything it left running
                worker = WorkerProcess(self.command, self.env)
                self._worker = worker
                try:
                    await worker.start(self.options, self.start_timeout_s)
                except (OSError, RuntimeError, TimeoutError) as exc:
                    self._worker = None
                    raise WorkerStopped(f"The generator stopped: {exc} (while starting).", hint=STOPPED_HINT) from None
            return self._worker

    async def _start(self, cancel: CancelToken) -> WorkerProcess:
        """The running child, or a fresh one; a cancel while it starts kills it at once."""
        task = asyncio.ensure_future(self._ensure_worker())
        while not task.done():
            await asyncio.wait({task}, timeout=POLL_S)
            if cancel.cancelled and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                worker, self._worker = self._worker, None
                if worker is not None:
                    await worker.kill()
                raise Cancelled("Generation cancelled.")
        return task.result()

    async def unload(self) -> None:
        """Free the model: the child exits, and its memory goes back to the system."""
        worker, self._worker = self._worker, None
        if worker is not None and worker.loop is not asyncio.get_running_loop():
            worker.kill_now()
        elif worker is not None:
            await worker.shutdown(timeout_s=5.0)

    async def close(self) -> None:
        await self.unload()

    # -- BaseLTXProvider ------------------------------------------------------------------------------
    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        job = Generate(job_id=uuid.uuid4().hex, request=request, output_dir="")
        await enhance_here(job, self.enhancer, progress)
        cancel.raise_if_cancelled()
        output_dir = Path(output_dir)
        _sweep_orphans(output_dir)
        staging = output_dir / f"{STAGING_PREFIX}{os.getpid()}-{job.job_id}"
        staging.mkdir(parents=True, exist_ok=True)
        job.output_dir = str(staging)
        try:
            if self._worker is None or not self._worker.alive:
                progress(ProgressEvent(stage=Stage.LOADING, message="starting the generator"))
            worker = await self._start(cancel)
            try:
                result = await self._run(worker, job, progress, cancel)
            except _StoppedBeforeTheJob:  # it died idle, before this job reached it: a fresh one takes it, once
                worker = await self._start(cancel)
                result = await self._run(worker, job, progress, cancel)
            return _commit(result, staging, output_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    async def _run(self, worker: WorkerProcess, job: Generate, progress: ProgressCallback,
                   cancel: CancelToken) -> GenerationResult:
        inbox: asyncio.Queue = asyncio.Queue()
        worker.inboxes[job.job_id] = inbox
        cancel_sent: float | None = None
        picture: Preview | None = None
        heard = False  # whether the worker said anything about this job
        try:
            cancel.raise_if_cancelled()
            if worker.stopped is not None:  # it ended after it was picked: nothing would reach this inbox
                inbox.put_nowait(worker.stopped)
            worker.send(job)
            while True:
                if cancel.cancelled and cancel_sent is None:
                    worker.send(Cancel(job_id=job.job_id))
                    cancel_sent = time.monotonic()
                if cancel_sent is not None and time.monotonic() - cancel_sent > self.cancel_grace_s:
                    worker.kill_now()  # it did not answer in time: the next job reaps it and starts afresh
                    raise Cancelled("Generation cancelled (the generator was restarted to stop at once).")
                try:
                    message = await asyncio.wait_for(inbox.get(), POLL_S)
                except TimeoutError:
                    continue
                if isinstance(message, Stopped):
                    await worker.kill()  # whatever it started (ffmpeg) goes too, before its folder is removed
                    if cancel.cancelled:
                        raise Cancelled("Generation cancelled.")
                    stopped = WorkerStopped if heard else _StoppedBeforeTheJob
                    raise stopped(f"The generator stopped: {message.why}.", hint=STOPPED_HINT)
                heard = True
                if isinstance(message, Preview):
                    picture = message  # the Progress of the same step comes next and carries it
                elif isinstance(message, Progress):
                    progress(picture.attach(message.event) if picture else message.event)
                    picture = None
                elif isinstance(message, Result):
                    return message.result
                elif isinstance(message, Failure):
                    raise _error(message)
        except asyncio.CancelledError:  # the queue is stopping: do not leave the child working for nobody
            await worker.kill()
            raise
        finally:
            worker.inboxes.pop(job.job_id, None)

    async def validate_credentials(self) -> None:
        import importlib.util

        missing = [m for m in ("torch", "diffusers", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            raise error_types.BackendUnavailable(
                f"Local generation needs {', '.join(missing)}, which is not installed.",
                hint="Install the [local] extra: pip install 'ltx-editor[local]'.")

    def estimate_cost(self, request: GenerationRequest) -> float | None:
        return 0.0


async def enhance_here(job: Generate, enhancer: Any | None, progress: ProgressCallback) -> None:
    """Prompt enhancement runs in the editor (a web call, not torch); its outcome travels with the job."""
    request = job.request
    if request.settings.enhance_prompt and enhancer is not None:
        progress(ProgressEvent(stage=Stage.ENCODING_PROMPT, message="enhancing the prompt"))
        first_image = next((c.path for c in request.conditions if c.kind == "image"), None)
        outcome = await enhancer.enhance(request.prompt, request.mode, first_image)
        job.enhanced_by_editor, job.enhanced_prompt, job.enhance_note = True, outcome.enhanced, outcome.note


def _error(failure: Failure) -> GenerationError:
    cls = getattr(error_types, failure.error_type, None)
    if not (isinstance(cls, type) and issubclass(cls, GenerationError)) or cls is error_types.RateLimited:
        cls = GenerationError
    error = cls(failure.message, hint=failure.hint)
    error.retryable = failure.retryable
    return error


def _sweep_orphans(output_dir: Path) -> None:
    """Remove staging folders an editor that died mid-job left behind (named after its pid, now gone)."""
    for folder in output_dir.glob(f"{STAGING_PREFIX}*-*"):
        pid = folder.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # another user's live process
            continue


def _commit(result: GenerationResult, staging: Path, output_dir: Path) -> GenerationResult:
    """Move the finished clip (and its recipe, and a kept audio track) from staging into the output folder."""
    video = Path(result.video_path)
    if video.parent.resolve() != staging.resolve() or not video.is_file():
        raise GenerationError(f"The generator reported a clip that is not in its folder: {video.name}.",
                              hint="Retry; this is a bug in LTX Editor.")
    audio = Path(result.audio_path) if result.audio_path else None
    if audio is not None and audio.parent.resolve() == staging.resolve() and audio.is_file():
        final_audio = output_dir / audio.name
        audio.replace(final_audio)
        result = result.model_copy(update={"audio_path": final_audio})
    return move_clip(result, output_dir / video.name)


def create_for_editor(backend: str, **options: Any) -> BaseLTXProvider:
    """The editor's providers: local generation in a worker process, the cloud ones as the factory makes them.

    When the factory's `create` has been replaced (tests that hand the editor an in-process provider with
    Python hooks), the replacement is used for every backend.
    Editor-only options: `remote_worker` ({"address", "verify"}: local jobs go to that machine, token from
    secrets), `allow_cpu` (with it and no `devices`, the devices come from the hardware probe)."""
    from ..factory import LTXVideoProviderFactory, create_provider

    remote = options.pop("remote_worker", None)
    allow_cpu = options.pop("allow_cpu", None)
    if backend == "local" and LTXVideoProviderFactory.create is create_provider:
        if remote:
            from .remote import RemoteWorkerProvider

            return RemoteWorkerProvider.from_settings(remote["address"], remote.get("verify") or True,
                                                      enhancer=options.get("enhancer"))
        if "devices" not in options and allow_cpu is not None:
            from ..hardware import probe
            from .pool import local_devices

            options["devices"] = local_devices(probe(options.get("cache_dir")), allow_cpu=allow_cpu)
        if "devices" in options:  # one worker per device
            from .pool import WorkerPool

            return WorkerPool(**options)
        return WorkerLTXProvider(**options)
    return LTXVideoProviderFactory.create(backend, **options)
