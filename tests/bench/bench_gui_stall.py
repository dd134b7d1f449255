"""GUI responsiveness: the longest gap between ticks of a 5 ms QTimer on the GUI thread of the real main
window while tiny-model generations (in the generation worker process) and a timeline export (export thread)
run together, against the same window sitting idle for as long, in the same run.

    .venv/bin/python tests/bench/bench_gui_stall.py [--jobs 3] [--runs 5]

Phases: idle (baseline) -> cold generation (the first local job starts the worker process, which imports
torch/diffusers and loads the model; reported on its own) -> warm generations + an export at the same time.
Target: no gap over 50 ms in either phase. Each run is a fresh editor process (so each has a first job);
--runs N prints min / median / max over the runs, with /proc/loadavg before and after each run: on a machine
other work keeps busy, the idle window's longest gap (the baseline of the same run) says what the editor cannot
do better than. Each phase's longest gap is split into the GUI thread's time on a CPU, waiting in the run queue
for one, and asleep (Linux schedstat): a gap spent waiting for a CPU is the OS's doing, not the editor's.
--trace FILE (FILE.N with --runs) writes, for each gap over --trace-ms, that split and the Python stacks of every
thread sampled during it (StallTracer).
Uses QT_QPA_PLATFORM=offscreen unless a platform is set.

The event pump is QEventLoop.exec() quitting from a timer: PySide6 6.12's processEvents() drops a reference
to None on every call, so a loop calling it thousands of times ends in "Fatal Python error: none_dealloc".
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SANDBOX = tempfile.mkdtemp(prefix="ltx-bench-stall-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SANDBOX, "config")
os.environ["XDG_CACHE_HOME"] = os.path.join(_SANDBOX, "cache")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

TARGET_MS = 50.0


class GapMeter:
    """A 5 ms timer; records the wall time between consecutive ticks, and for each gap how much of it the GUI
    thread spent on a CPU and how much waiting in the run queue for one (Linux's per-thread schedstat; the rest
    it slept: blocked on the GIL or a lock, or nothing to do). Reading it costs under a microsecond a tick."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.split: list[tuple[float, float]] = []  # per gap: (on a CPU ms, waiting for a CPU ms)
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._last = 0
        self._sched = _open_schedstat()
        self._last_sched = (0, 0)
        self.on_gap = None  # --trace: called with (start ns, end ns, gap ms, cpu ms, wait ms) of each gap

    def start(self) -> None:
        self.gaps, self.split = [], []
        self._clock.start()
        self._last = 0
        self._last_sched = self._read_sched()
        self._timer.start()

    def stop(self) -> list[float]:
        self._timer.stop()
        return self.gaps

    def longest(self) -> tuple[float, float, float]:
        """The longest gap (ms) with the GUI thread's time on a CPU and waiting for one during it (ms)."""
        i = max(range(len(self.gaps)), key=self.gaps.__getitem__)
        return self.gaps[i], *self.split[i]

    def _read_sched(self) -> tuple[int, int]:
        if self._sched is None:
            return 0, 0
        run, wait = os.pread(self._sched, 64, 0).split()[:2]
        return int(run), int(wait)

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        sched = self._read_sched()
        gap = (now - self._last) / 1e6
        cpu, wait = (sched[0] - self._last_sched[0]) / 1e6, (sched[1] - self._last_sched[1]) / 1e6
        self.gaps.append(gap)
        self.split.append((cpu, wait))
        if self.on_gap is not None:
            end = time.monotonic_ns()
            self.on_gap(end - (now - self._last), end, gap, cpu, wait)
        self._last, self._last_sched = now, sched


def _open_schedstat() -> int | None:
    """The calling thread's /proc schedstat (ns on a CPU, ns runnable but waiting for one), or None off Linux."""
    try:
        return os.open(f"/proc/self/task/{threading.get_native_id()}/schedstat", os.O_RDONLY)
    except OSError:
        return None


class StallTracer:
    """--trace FILE: a thread samples every thread's Python stack each 2 ms; for each tick over --trace-ms
    (default 80) late, FILE gets the gap, the GUI thread's time on a CPU / waiting for one / asleep in it, and
    the stacks seen during it, counted. A GUI thread seen only in the event loop (no Python frame of ours
    above pump) did C++/QML work when it was on a CPU; a gap it spent waiting for a CPU is the OS's doing;
    a gap it slept through waited for the GIL (another thread's stack then shows who held it) or a lock: the
    "GUI in the kernel" samples say which (its state and the kernel function it sleeps in, from /proc)."""

    def __init__(self, meter: GapMeter, path: str, late_ms: float = 80.0) -> None:
        import collections

        self._out = open(path, "w")  # noqa: SIM115 (open for the whole run)
        self._late_ms = late_ms
        self._gui = threading.get_ident()
        self._gui_kernel = _open_kernel_state(threading.get_native_id())
        self._samples: collections.deque = collections.deque(maxlen=4000)
        self._stop = threading.Event()
        self.phase = "idle"
        meter.on_gap = self._gap
        threading.Thread(target=self._sample, name="stall-sampler", daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._out.close()

    def _sample(self) -> None:
        names = {}
        while not self._stop.wait(0.002):
            now = time.monotonic_ns()
            if self._gui_kernel is not None:  # where the kernel has the GUI thread: why it sleeps
                self._samples.append((now, "GUI in the kernel", _kernel_state(*self._gui_kernel)))
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                if ident not in names:
                    names[ident] = next((t.name for t in threading.enumerate() if t.ident == ident), str(ident))
                self._samples.append((now, "GUI" if ident == self._gui else names[ident], _stack(frame)))

    def _gap(self, start: int, end: int, gap: float, cpu: float, wait: float) -> None:
        if gap < self._late_ms:
            return
        import collections

        seen = collections.Counter((who, stack) for t, who, stack in list(self._samples) if start <= t <= end)
        print(f"=== {self.phase}: gap {gap:.1f} ms; GUI thread on a CPU {cpu:.1f} ms, waiting for a CPU {wait:.1f} ms, "
              f"asleep {max(0.0, gap - cpu - wait):.1f} ms", file=self._out)
        for (who, stack), n in sorted(seen.items(), key=lambda kv: (kv[0][0] != "GUI", -kv[1])):
            print(f"  [{who}] x{n}: {stack}", file=self._out)
        self._out.flush()


def _open_kernel_state(tid: int) -> tuple[int, int] | None:
    """The thread's /proc stat and wchan (Linux), kept open: each sample is two preads."""
    try:
        return (os.open(f"/proc/self/task/{tid}/stat", os.O_RDONLY),
                os.open(f"/proc/self/task/{tid}/wchan", os.O_RDONLY))
    except OSError:
        return None


def _kernel_state(stat: int, wchan: int) -> str:
    """R (on a CPU or waiting for one), S (asleep) or D, and the kernel function it sleeps in: futex_* is the
    GIL or a lock, do_sys_poll / ep_poll the event loop waiting for events, rwsem/mmap a memory-map lock."""
    state = os.pread(stat, 512, 0).rsplit(b")", 1)[1].split()[0].decode()
    where = os.pread(wchan, 128, 0).decode() or "-"
    return f"{state} {where}"


def _stack(frame, depth: int = 16) -> str:
    """The innermost `depth` frames, innermost first, as file:line function."""
    parts = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        parts.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)


def pump(app: QGuiApplication, until, timeout_s: float) -> None:
    """Run the GUI's event loop until `until()` holds (checked every 5 ms) or `timeout_s` passes."""
    end = time.monotonic() + timeout_s
    loop, check = QEventLoop(), QTimer()
    check.setInterval(5)
    timed_out = []

    def poll() -> None:
        if until():
            loop.quit()
        elif time.monotonic() > end:
            timed_out.append(True)
            loop.quit()

    check.timeout.connect(poll)
    check.start()
    if not until():
        loop.exec()
    check.stop()
    if timed_out:
        raise SystemExit("timed out")


def describe(name: str, gaps: list[float]) -> str:
    gaps = sorted(gaps)
    p99 = gaps[int(len(gaps) * 0.99) - 1] if gaps else 0.0
    return (f"{name:<34} ticks {len(gaps):5d}  median {statistics.median(gaps):5.1f} ms  p99 {p99:5.1f} ms  "
            f"max {gaps[-1]:6.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=1, help="fresh editor processes; min/median/max over them")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run, figures as JSON
    parser.add_argument("--trace", metavar="FILE", help="write every thread's stack there during each stall")
    parser.add_argument("--trace-ms", type=float, default=80.0, help="a tick this late is a stall to --trace")
    args = parser.parse_args()
    if args.runs > 1:
        return many_runs(args)

    app = QGuiApplication(sys.argv[:1])
    from ltx_editor.app import create_engine
    from ltx_editor.ui.app_controller import AppController
    from ltx_editor.ui.preferences import Preferences, thumbnail_cache_dir
    from ltx_editor.ui.thumbnails import install as install_thumbnails
    from tests.fakes.media_factory import sample_video

    work = Path(_SANDBOX)
    # Built in a child process, so this process meets torch first where a user does: in the first local job.
    model = work / "tiny_ltx"
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                    "from tests.fakes.tiny_models import build_tiny_ltx; build_tiny_ltx(sys.argv[2], upsampler=False)",
                    str(ROOT), str(model)], check=True, capture_output=True)
    assert "torch" not in sys.modules
    thumbs = install_thumbnails(thumbnail_cache_dir())
    prefs = Preferences(path=work / "prefs.json")
    prefs.values.autosave_minutes = 0
    prefs.values.local_model_path = str(model)
    prefs.values.allow_cpu = True  # no GPU here: local runs on the CPU only when asked (honest readiness)
    ctl = AppController(prefs)
    engine = create_engine(ctl)
    window = engine.rootObjects()[0]
    ctl.start()
    gen = ctl.generate
    gen.customSize, gen.width, gen.height, gen.durationS, gen.steps = True, 32, 32, 1.0, 4
    gen.prompt = "a lighthouse in the fog"
    # something to export: ten seconds of 640x360 test video on the timeline
    clip = sample_video(work / "long.mp4", frames=240, size=(640, 360))
    ctl.binActions.importFiles([QUrl.fromLocalFile(str(clip)).toString()])
    ctl.binActions.addToTimeline(ctl.binModel.get(0)["assetId"])
    meter = GapMeter()
    tracer = StallTracer(meter, args.trace, args.trace_ms) if args.trace else None  # kept: Qt holds its slot only weakly
    pump(app, lambda: window.isExposed(), 10)

    meter.start()
    t0 = time.monotonic()
    pump(app, lambda: time.monotonic() - t0 > 3.0, 10)
    idle = meter.stop()
    idle_split = meter.longest()

    def finished(n: int) -> bool:
        return sum(1 for j in ctl.worker.queue.jobs if j.state in ("finished", "failed")) >= n

    clicks: list[tuple[str, float]] = []  # each click's own work on the GUI thread (ms)

    def click(name: str, action) -> None:
        """One person's click, then the events of the next 100 ms: a person does not click four times within
        one 5 ms tick, and four handlers back to back would be measured as one stall."""
        t = time.perf_counter()
        action()
        clicks.append((name, (time.perf_counter() - t) * 1e3))
        pump(app, lambda: time.perf_counter() - t > 0.1, 10)

    if tracer:
        tracer.phase = "first job"
    meter.start()
    click("generate", gen.generate)
    pump(app, lambda: finished(1), 300)
    cold = meter.stop()
    cold_split = meter.longest()

    exported = []
    ctl.exporter.finished.connect(exported.append)
    ctl.exporter.failed.connect(lambda m, h: exported.append(f"failed: {m} {h}"))
    if tracer:
        tracer.phase = "generations + export"
    meter.start()
    t1 = time.monotonic()
    for _ in range(args.jobs):
        click("generate", gen.generate)
    click("export", lambda: ctl.exporter.start(str(work / "out.mp4")))
    pump(app, lambda: finished(1 + args.jobs) and exported, 300)
    busy = meter.stop()
    busy_split = meter.longest()
    busy_s = time.monotonic() - t1
    failed = [j.error for j in ctl.worker.queue.jobs if j.state == "failed"]

    print(f"platform {os.environ['QT_QPA_PLATFORM']}; {args.jobs} warm tiny generations (32x32, 25 frames, "
          f"4 steps) + export of a 10 s 640x360 timeline, together {busy_s:.1f} s")
    print(describe("idle window (baseline)", idle))
    print(describe("first job (worker start + load)", cold))
    print(describe("generations + export", busy))
    for name, split in (("idle", idle_split), ("first job", cold_split), ("generations + export", busy_split)):
        print(f"longest gap, {name}: {split[0]:.1f} ms, the GUI thread on a CPU {split[1]:.1f} ms, waiting for a "
              f"CPU {split[2]:.1f} ms, asleep {max(0.0, split[0] - split[1] - split[2]):.1f} ms")
    print("clicks, each one's work on the GUI thread: " + ", ".join(f"{n} {ms:.1f} ms" for n, ms in clicks))
    worst = max(busy)
    print(f"longest stall, generations + export: {worst:.1f} ms = {worst / max(idle):.2f}x the idle window's "
          f"longest gap ({max(idle):.1f} ms); target <= {TARGET_MS:.0f} ms  {'OK' if worst <= TARGET_MS else 'OVER'}")
    print(f"longest stall, first local job (the worker process starts, imports torch and loads the model): "
          f"{max(cold):.1f} ms  {'OK' if max(cold) <= TARGET_MS else 'OVER'}")
    problems = bool(failed or not str(exported[0]).endswith("out.mp4"))
    if problems:
        print(f"problems: jobs {failed}, export {exported}")
    ctl.shutdown()
    thumbs.shutdown()
    assert "torch" not in sys.modules, "the editor process imported torch"
    if tracer:
        tracer.close()
    if args.json:
        print("FIGURES " + json.dumps({"busy": worst, "cold": max(cold), "idle": max(idle), "problems": problems,
                                       "click": max(ms for _, ms in clicks), "splits": {
                                           "idle": idle_split[1:], "cold": cold_split[1:], "busy": busy_split[1:]}}))
    return 0 if worst <= TARGET_MS and max(cold) <= TARGET_MS and not problems else 1


def many_runs(args: argparse.Namespace) -> int:
    """Each run in a fresh process (its own first job); min / median / max of each figure. With --trace FILE,
    run N traces to FILE.N."""
    runs, jobs = args.runs, args.jobs
    figures = []
    print(f"load average before: {_loadavg()}", flush=True)
    for i in range(runs):
        trace = ["--trace", f"{args.trace}.{i + 1}", "--trace-ms", str(args.trace_ms)] if args.trace else []
        done = subprocess.run([sys.executable, __file__, "--jobs", str(jobs), "--json", *trace], capture_output=True,
                              text=True, timeout=900)
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith("FIGURES ")), None)
        if line is None:
            print(f"run {i + 1} gave no figures (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            return 1
        figures.append(json.loads(line[8:]))
        splits = figures[-1]["splits"]
        print(f"run {i + 1}: " + "  ".join(f"{k} {figures[-1][k]:.1f} ms" + (
            f" (GUI thread on a CPU {splits[k][0]:.1f}, waiting for one {splits[k][1]:.1f})" if k in splits else "")
            for k in ("idle", "cold", "busy", "click")) + f"  (load average {_loadavg()})", flush=True)
    ok = True
    for key, name in (("idle", "idle window (baseline)"), ("cold", "first local job (worker start + load)"),
                      ("busy", f"{jobs} generations + export"), ("click", "slowest click's own GUI work")):
        values = sorted(f[key] for f in figures)
        over = sum(v > TARGET_MS for v in values) if key in ("cold", "busy") else 0
        ok &= over == 0
        print(f"longest stall, {name:<38} min {values[0]:6.1f}  median {statistics.median(values):6.1f}  "
              f"max {values[-1]:6.1f} ms" + (f"  over {TARGET_MS:.0f} ms in {over} of {runs} runs"
                                              if key in ("cold", "busy") else ""))
    for key, name in (("cold", "first local job"), ("busy", "generations + export")):
        cpu, wait = (sorted(f["splits"][key][i] for f in figures) for i in (0, 1))
        print(f"  its longest gap, {name}: the GUI thread on a CPU min {cpu[0]:.1f}  median {statistics.median(cpu):.1f}"
              f"  max {cpu[-1]:.1f} ms; waiting for a CPU min {wait[0]:.1f}  median {statistics.median(wait):.1f}  "
              f"max {wait[-1]:.1f} ms")
    busy_ratio = sorted(f["busy"] / f["idle"] for f in figures)
    print(f"ratio busy / idle longest gap: min {busy_ratio[0]:.2f}x  median {statistics.median(busy_ratio):.2f}x  "
          f"max {busy_ratio[-1]:.2f}x")
    problems = sum(f["problems"] for f in figures)
    if problems:
        print(f"{problems} runs had failed jobs or a failed export")
    return 0 if ok and not problems else 1


def _loadavg() -> str:
    """/proc/loadavg's 1, 5 and 15 minute figures (other work on the machine takes cores from the GUI too)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
