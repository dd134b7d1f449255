"""One worker per device: each local job takes a free device, so no GPU ever runs two jobs at once.

The devices come from the hardware probe (`local_devices`): one worker per CUDA GPU found, each child seeing only
its own card (CUDA_VISIBLE_DEVICES), and a CPU worker only when the person allowed CPU generation. The queue
runs as many local jobs at once as the pool has devices (`parallel_jobs`); a job that finds every device busy
waits here for the first one to free up (a cancel while waiting ends it at once).
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ..errors import BackendUnavailable
from ..hardware import Hardware
from ..provider import BaseLTXProvider, ProgressCallback
from ..request import CancelToken, GenerationRequest, GenerationResult
from .client import POLL_S, WorkerLTXProvider
from .supervisor import WORKER_COMMAND


def local_devices(hw: Hardware, *, allow_cpu: bool) -> list[str]:
    """"cuda:N" for each NVIDIA GPU the probe found, else ["cpu"] when the person allowed the CPU, else [].

    A CPU-only torch build with the CPU allowed runs on the CPU (what the person asked for); otherwise GPUs win,
    and a torch that cannot use them is the readiness check's to explain."""
    gpus = [g for g in hw.gpus if g.vendor == "nvidia"]
    if gpus and not (allow_cpu and hw.torch.build == "cpu"):
        return [f"cuda:{g.index}" for g in gpus]
    if not gpus and hw.gpus and hw.torch_can_use_gpu:  # one AMD (ROCm) or Apple (MPS) GPU: torch picks it
        return ["auto"]
    return ["cpu"] if allow_cpu else []


def worker_for(device: str, command: list[str] | tuple[str, ...], options: dict[str, Any]) -> WorkerLTXProvider:
    """A worker child for one device. A CUDA card is the only one its child sees (so it is "cuda" in there);
    a CPU worker sees no card at all, so nothing it loads can land on a GPU another worker owns."""
    kind, _, index = device.partition(":")
    if kind == "cuda" and index:
        return WorkerLTXProvider(command=command, device="cuda", env={"CUDA_VISIBLE_DEVICES": index}, **options)
    if kind == "cpu":
        return WorkerLTXProvider(command=command, device="cpu", env={"CUDA_VISIBLE_DEVICES": ""}, **options)
    return WorkerLTXProvider(command=command, device=None if kind == "auto" else device, **options)


class WorkerPool(BaseLTXProvider):
    backend = "local"

    def __init__(self, devices: list[str], *, command: list[str] | tuple[str, ...] = WORKER_COMMAND,
                 **options: Any) -> None:
        options.pop("device", None)
        self.workers = [worker_for(device, command, options) for device in devices]
        self.devices = list(devices)
        self._free: asyncio.Queue | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def parallel_jobs(self) -> int:
        return max(1, len(self.workers))

    def _free_workers(self) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self._free is None or self._loop is not loop:
            self._free, self._loop = asyncio.Queue(), loop
            for worker in self.workers:
                self._free.put_nowait(worker)
        return self._free

    async def generate(self, request: GenerationRequest, output_dir: Path, progress: ProgressCallback,
                       cancel: CancelToken) -> GenerationResult:
        if not self.workers:
            raise BackendUnavailable("No GPU was found for local generation, and running on the CPU is off.",
                                     hint="Allow the CPU in Preferences (slow), use a remote worker, or run it "
                                          "in the cloud.")
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
        if self.workers:
            await self.workers[0].validate_credentials()

    async def unload(self) -> None:
        await asyncio.gather(*(w.unload() for w in self.workers))

    async def close(self) -> None:
        await self.unload()
