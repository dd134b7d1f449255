"""SIGKILL the generation worker at random moments of load / generate / decode / save.

Each case: the job fails with "The generator stopped: …" and a hint (or, when the kill came too late, it
finished whole), nothing half-written is left in the output folder, the killed process is gone, and the next
job starts a fresh worker and succeeds. Every finished job has exactly its one clip and recipe (none lost, none
twice), and no clip is there that no job reported. LTX_WORKER_KILLS sets the number of cases (default 20;
`LTX_WORKER_KILLS=100` for the issue's 100 random kill moments, about 10 minutes here).
"""
import asyncio
import os
import random
import signal
from pathlib import Path

import pytest

from ltx_editor.generation.request import CancelToken, Stage
from ltx_editor.generation.worker.client import WorkerLTXProvider, WorkerStopped
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe
from tests.reliability.record import record

KILLS = int(os.environ.get("LTX_WORKER_KILLS", 20))
# stage -> the longest random wait after that stage's first event before the kill (seconds)
STAGES = {Stage.LOADING: 1.5, Stage.GENERATING: 0.06, Stage.DECODING: 0.05, Stage.SAVING: 0.04}


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def _killed_job(provider, request, out: Path, stage: Stage, delay: float):
    """Run one job and SIGKILL its worker `delay` s after the first `stage` event. Returns (result|error, pid)."""
    loop = asyncio.get_running_loop()
    fired: list[int] = []
    timer: list[asyncio.TimerHandle] = []

    def kill():
        pid = provider.worker_pid
        if pid is not None:
            os.kill(pid, signal.SIGKILL)  # the worker alone, as the OOM killer would
            fired.append(pid)

    def progress(event):
        if event.stage is stage and not timer:
            timer.append(loop.call_later(delay, kill))

    try:
        outcome = await provider.generate(request, out, progress, CancelToken())
    except WorkerStopped as exc:
        outcome = exc
    finally:
        for t in timer:
            t.cancel()
    return outcome, fired


@pytest.mark.slow
@pytest.mark.timeout(max(600, KILLS * 25))  # a case restarts the worker up to twice: ~5-15 s each here
def test_killing_the_worker_at_random_moments_loses_nothing(tiny_ltx_dir, tmp_path):
    rng = random.Random(14)
    out = tmp_path / "media"
    out.mkdir()
    provider = WorkerLTXProvider(max_sequence_length=16)
    stopped = landed = 0
    finished: list = []  # every result a job reported: each must have its one clip on disk
    problems: list[str] = []

    async def go():
        nonlocal stopped, landed
        for case in range(KILLS):
            stage = list(STAGES)[case % len(STAGES)]
            if stage is Stage.LOADING:
                await provider.unload()  # the next job loads in a fresh worker: that load is what gets killed
            delay = rng.uniform(0.0, STAGES[stage])
            outcome, fired = await _killed_job(provider, tiny_request(tiny_ltx_dir, steps=4, seed=case), out,
                                               stage, delay)
            landed += bool(fired)
            if isinstance(outcome, WorkerStopped):
                stopped += 1
                if not str(outcome).startswith("The generator stopped:") or "smaller model" not in outcome.hint:
                    problems.append(f"case {case}: unclear message {outcome}")
            else:
                finished.append(outcome)
                if probe(outcome.video_path).frames != 9:
                    problems.append(f"case {case}: a finished clip is not whole")
            if fired and not all(_gone(pid) for pid in fired):
                problems.append(f"case {case}: the killed worker {fired} is still there")
            stray = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
            if stray:
                problems.append(f"case {case} ({stage.value}, {delay * 1000:.0f} ms): left {stray}")
            after = await provider.generate(tiny_request(tiny_ltx_dir, seed=1000 + case), out, lambda e: None,
                                            CancelToken())
            finished.append(after)
            assert after.video_path.is_file()
        await provider.close()

    asyncio.run(go())
    clips = {p.name for p in out.glob("*.mp4")}
    recipes = {p.stem for p in out.glob("*.json")}
    reported = [r.video_path.name for r in finished]
    lost = sum(name not in clips for name in reported)
    duplicated = (len(reported) - len(set(reported))) + len(clips - set(reported))  # reported twice / by nobody
    left = len([p for p in out.iterdir() if p.suffix not in (".mp4", ".json")]) + len(recipes ^ {Path(c).stem
                                                                                                  for c in clips})
    # The editor here is this test's process: reaching this line with its event loop alive is 0 editor crashes.
    record("worker_kill", cases=KILLS, crashes=0, data_lost=lost + duplicated, files_left=left,
           note=f"{landed} kills landed, {stopped} jobs stopped, {len(finished)} finished, {lost} lost, "
                f"{duplicated} duplicated, {left} half/stray files")
    assert problems == []
    assert lost == 0 and duplicated == 0 and left == 0
    assert stopped >= KILLS // 2, f"only {stopped} of {KILLS} kills hit a running job"
