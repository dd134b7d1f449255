"""Soak: 200 generate/cancel/unload cycles on the tiny model with the Qt event loop running.

The real GenerationWorker (its QThread and asyncio loop) runs the real JobQueue and local provider; the
GUI thread runs the Qt event loop and the jobs list model, fed by the worker's queued signals. Each cycle
generates one clip to the end, starts a longer one and cancels it mid-denoise, then unloads the model the
way the editor does (Preferences changed -> reset_providers, so the next job loads a fresh provider).
A 5 ms QTimer on the GUI thread measures every gap in the event loop. After warm-up: RSS grows at most
10%, no thread or file descriptor leaks, and the event loop never stalls over 50 ms.
"""
from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from ltx_editor.ui.jobs_model import JobsModel
from ltx_editor.ui.worker import GenerationWorker
from tests.fakes.model_fixtures import *  # noqa: F403 (the tiny model fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.reliability.record import record

# Each cycle now restarts the worker process (~8 s on 2 cores): 40 in CI; LTX_SOAK_CYCLES=200 for the full soak.
CYCLES = int(os.environ.get("LTX_SOAK_CYCLES", 40))
WARMUP = 10  # the first loads import torch/diffusers: not part of the steady state
MAX_RSS_GROWTH = 0.10
MAX_STALL_MS = 50.0
TICK_MS = 5


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def _run_delays_ms() -> dict[str, float]:
    """Per thread of this process: time spent runnable but waiting for a CPU (the kernel's schedstat), ms."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as fh:
                out[tid] = int(fh.read().split()[1]) / 1e6
        except OSError:  # the thread ended meanwhile
            pass
    return out


class StallMeter:
    """Largest gap between 5 ms timer ticks on the GUI thread, beyond the 5 ms itself.

    The CI machine's 2 cores are shared with other test runs, so the kernel sometimes leaves our threads
    waiting for a CPU — the GUI thread itself, or the thread holding the GIL it needs. The longest such wait
    of any of our threads during a gap (read from schedstat) is the machine's, not the editor's, and is
    taken off that gap; all other time (waiting for the GIL, running) counts. The raw worst gap is kept too.
    """

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.clock = QElapsedTimer()
        self.worst = self.worst_raw = 0.0
        self.ticks = 0
        self._delay: dict[str, float] = {}
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.worst = self.worst_raw = 0.0
        self.ticks = 0
        self.resume()

    def _tick(self) -> None:
        gap = self.clock.nsecsElapsed() / 1e6 - TICK_MS
        delay = _run_delays_ms()
        self.clock.restart()
        self.ticks += 1
        waited = max((d - self._delay.get(tid, d) for tid, d in delay.items()), default=0.0)
        self.worst_raw = max(self.worst_raw, gap)
        self.worst = max(self.worst, gap - waited)
        self._delay = delay

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self._delay = _run_delays_ms()
        self.clock.restart()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS, threads and fds from /proc")
def test_two_hundred_generate_cancel_unload_cycles(qtbot, tiny_ltx_dir, tmp_path):
    meter = StallMeter()
    meter.start()  # the idle loop first: the baseline the report compares against
    qtbot.wait(1000)
    idle_stall = meter.stop()

    worker = GenerationWorker(lambda backend: {"max_sequence_length": 16}, lambda: tmp_path)
    model = JobsModel()
    worker.jobChanged.connect(model.on_job_changed)
    worker.jobRemoved.connect(model.on_job_removed)
    worker.start()
    queue = worker.queue
    samples: list[tuple[int, int, int, int]] = []  # (cycle, rss, threads, fds)
    finished = cancelled = 0
    t0 = time.monotonic()
    try:
        for cycle in range(CYCLES):
            if cycle == WARMUP:
                gc.collect()
                meter.start()
            done = queue.submit(tiny_request(tiny_ltx_dir, seed=cycle))
            qtbot.waitUntil(lambda j=done: j.state in ("finished", "failed"), timeout=60_000)
            assert done.state == "finished", done.error
            finished += 1
            long = queue.submit(tiny_request(tiny_ltx_dir, steps=30, seed=cycle))
            qtbot.waitUntil(lambda j=long: j.progress is not None and (j.progress.step or 0) >= 1
                            or j.state != "running" and j.state != "queued", timeout=60_000)
            queue.cancel(long.id)
            qtbot.waitUntil(lambda j=long: j.state in ("cancelled", "finished", "failed"), timeout=60_000)
            cancelled += long.state == "cancelled"
            for job in (done, long):
                queue.remove(job.id)
            worker.reset_providers()  # what a Preferences change does: drop the model, load afresh next time
            if cycle >= WARMUP - 1 and cycle % 10 == 9:
                meter.pause()  # our own full collection below is not the editor's stall
                qtbot.wait(100)  # let queued signals and the loop's closing work settle before sampling
                gc.collect()
                samples.append((cycle, _rss(), _threads(), _fds()))
                meter.resume()
        qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=10_000)
        stall = meter.stop()
    finally:
        assert worker.stop(30_000)
    elapsed = time.monotonic() - t0
    base, last = samples[0], samples[-1]
    growth = (last[1] - base[1]) / base[1]
    record("soak", cases=CYCLES, max_stall_ms=round(stall, 1), baseline_stall_ms=round(idle_stall, 1),
           rss_growth_pct=round(100 * growth, 1),
           note=f"{finished} finished, {cancelled} cancelled mid-run in {elapsed:.0f} s; threads {base[2]}->{last[2]},"
                f" fds {base[3]}->{last[3]}; raw worst gap {meter.worst_raw:.0f} ms at load {os.getloadavg()[0]:.1f}")
    print(f"\n{CYCLES} cycles in {elapsed:.0f} s: RSS {base[1] / 2**20:.0f} -> {last[1] / 2**20:.0f} MiB "
          f"({100 * growth:+.1f}%), threads {base[2]} -> {last[2]}, fds {base[3]} -> {last[3]}, "
          f"max stall {stall:.1f} ms (raw gap {meter.worst_raw:.0f} ms; idle loop {idle_stall:.1f} ms) over "
          f"{meter.ticks} ticks, load {os.getloadavg()[0]:.1f}; "
          f"{cancelled} of {CYCLES} cancelled mid-denoise; python threads {threading.active_count()}")
    assert finished == CYCLES and cancelled >= CYCLES * 0.9
    assert growth <= MAX_RSS_GROWTH, [(c, r // 2**20) for c, r, _, _ in samples]
    # A thread can start lazily, once (seen 11 -> 12 between cycles 9 and 19, then 12 to the end, in a fresh
    # clone under load); a leak of one per cycle would add 10 for every sample.
    assert last[2] - base[2] <= 2, f"threads leaked: {[(c, t) for c, _, t, _ in samples]}"
    # A descriptor is opened lazily, once, by the early worker restarts (seen 18 -> 19 between cycles 19 and 29
    # on CI, 20 -> 21 between 9 and 19 here); a leak of one per cycle would add 10 for every sample.
    assert last[3] - base[3] <= 2, f"file descriptors leaked: {[(c, f) for c, _, _, f in samples]}"
    assert stall <= MAX_STALL_MS
    assert meter.ticks > CYCLES * 10  # the meter really ran through the soak
