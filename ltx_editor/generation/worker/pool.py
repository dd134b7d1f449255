"""One worker per device: each local job takes a free device, so no GPU ever runs two jobs at once.

The queue runs as many local jobs at once as the pool has devices (`parallel_jobs`); a job that finds every
device busy waits here for the first one to free up (a cancel while waiting ends it at once). A CPU device is
in the list only when the person asked for CPU generation.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ..errors import InvalidRequest
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult
from .client import POLL_S, WorkerLTXProvider
from .supervisor import WORKER_COMMAND


class WorkerPool(BaseLTXProvider):
    backend = "local"

    def __init__(self, devices: list[str], *, command: list[str] | tuple[str, ...] = WORKER_COMMAND,
                 **options: Any) -> None:
        if not devices:
            raise InvalidRequest("Local generation needs at least one device (a GPU, or the CPU when allowed).")
        options.pop("device", None)
        self.workers = [WorkerLTXProvider(command=command, device=device, **options) for device in devices]
        self.devices = list(devices)
        self._free: asyncio.Queue | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def parallel_jobs(self) -> int:
        return len(self.workers)

    def _free_workers(self) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self._free is None or self._loop is not loop:
            self._free, self._loop = asyncio.Queue(), loop
            for worker in self.workers:
                self._free.put_nowait(worker)
        return self._free

    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        free = self._free_workers()
        while True:
            cancel.raise_if_cancelled()
            try:
                worker = await asyncio.wait_for(free.get(), POLL_S)
                break
            except TimeoutError:
                continue
        try:
            return await worker.generate(request, output_dir, progress, cancel)
        finally:
            free.put_nowait(worker)

    async def validate_credentials(self) -> None:
        await self.workers[0].validate_credentials()

    async def unload(self) -> None:
        await asyncio.gather(*(w.unload() for w in self.workers))

    async def close(self) -> None:
        await self.unload()

