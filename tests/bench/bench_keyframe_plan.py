"""Bench: a 4-keyframe, 20-second keyframe animation on the tiny LTX model through the real JobQueue.

Prints the planner's coverage of the span on the timeline (frames of gap / overlap between the landed clips:
must be 0) and the workflow's own time against the generation time measured in the same run:
- planning + queueing: planning, the estimate, building and submitting every request, bringing results into
  the bin and landing them (target: under 1%);
- cutting each finished segment's last frames for the next one (ffmpeg decode + encode: media I/O whose
  cost is mostly two process starts, so on the tiny model it is a visible share of a ~1 s generation;
  reported separately, and in the total).

    python tests/bench/bench_keyframe_plan.py [--size 32] [--steps 2]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image  # noqa: E402

from ltx_editor.core import timeline as tl  # noqa: E402
from ltx_editor.core.keyframe_plan import ModelLimits, plan_keyframes  # noqa: E402
from ltx_editor.core.project import Project, Track  # noqa: E402
from ltx_editor.generation import workflow_runner  # noqa: E402
from ltx_editor.generation.local.provider import LocalLTXProvider  # noqa: E402
from ltx_editor.generation.workflow_runner import Landed, WorkflowRunner  # noqa: E402
from ltx_editor.generation.workflows import Recipe, estimate_requests, plan_requests  # noqa: E402
from tests.fakes.model_fixtures import TINY_LTX_MODEL_ID, tiny_settings  # noqa: E402
from tests.fakes.tiny_models import build_tiny_ltx  # noqa: E402
from tests.fakes.workflow_harness import QueueHarness, landed  # noqa: E402

FPS, SECONDS = 24.0, 20.0


class TimedCut:
    """Times the runner's tail cuts (media I/O) so they can be told apart from planning and queueing."""

    def __init__(self, cut) -> None:
        self._cut, self.seconds, self.count = cut, 0.0, 0

    def __call__(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return self._cut(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t
            self.count += 1


class TimedRunner:
    """Wraps the runner so every call the workflow makes is timed (the generation itself runs elsewhere)."""

    def __init__(self, runner: WorkflowRunner) -> None:
        self._runner, self.seconds = runner, 0.0

    def __getattr__(self, name):
        attr = getattr(self._runner, name)
        if not callable(attr):
            return attr

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t
        return timed


def coverage(project: Project, track_id: str, start: int, end: int) -> tuple[int, int]:
    """(gap, overlap) frames between the landed clips over [start, end)."""
    gap = overlap = 0
    at = start
    for c in sorted(project.track(track_id).clips, key=lambda c: c.start):
        gap += max(0, c.start - at)
        overlap += max(0, at - c.start)
        at = max(at, c.end)
    return gap + max(0, end - at), overlap + max(0, at - end)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=32, help="frame width/height (multiple of 32)")
    ap.add_argument("--steps", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-keyframes-"))
    model_dir = build_tiny_ltx(work / "tiny_ltx")
    project = Project(tracks=[Track(id="v1", kind="video")])
    last = int(SECONDS * FPS) - 1
    for i, frame in enumerate((0, 160, 320, last)):
        Image.new("RGB", (args.size, args.size), (60 * i, 200 - 40 * i, 90)).save(work / f"kf{i}.png")
        tl.add_keyframe(project, frame, f"kf{i}.png", prompt=f"scene {i}")
    path = work / "bench.ltxproj"
    recipe = Recipe(settings=tiny_settings(width_override=args.size, height_override=args.size, steps=args.steps),
                    model_path=str(model_dir))
    provider = LocalLTXProvider(max_sequence_length=16)
    cut = workflow_runner.cut_tail = TimedCut(workflow_runner.cut_tail)
    try:
        with QueueHarness(project, path, provider) as h:
            timed = TimedRunner(h.runner)
            h.runner_proxy = timed
            t0 = time.perf_counter()
            plan = plan_keyframes(project.keyframes, ModelLimits.for_model(TINY_LTX_MODEL_ID), prompt="a walk")
            estimate = estimate_requests(plan_requests(plan, project, path, recipe))
            planning = time.perf_counter() - t0
            run = timed.start_span(plan, recipe)
            h.runner = timed  # pump hands job updates to the timed runner
            wall0 = time.perf_counter()
            outcomes = h.pump(landed(1), timeout=1800)
            wall = time.perf_counter() - wall0
            jobs = [h.queue.get(j) for j in run.job_ids]
    finally:
        asyncio.run(provider.close())
    (land,) = [o for o in outcomes if isinstance(o, Landed)]
    track_id = project.find_clip(land.edit.created[0])[0].id if land.edit.created else "v1"
    gap, overlap = coverage(project, track_id, plan.span_start, plan.span_end)
    generation = sum(j.result.timings.get("total", 0.0) for j in jobs)
    workflow = planning + timed.seconds  # everything the workflow itself did, tail cuts included
    queueing = workflow - cut.seconds
    print(f"span: {plan.span_end - plan.span_start} frames ({SECONDS:g} s at {FPS:g} fps), 4 keyframes, "
          f"{len(plan.segments)} segments of {[s.num_frames for s in plan.segments]} frames, "
          f"{args.size}x{args.size}, {args.steps} steps; estimate: {estimate.text}")
    print(f"planner coverage (planned): gap {plan.gaps_and_overlaps()[0]} frames, overlap "
          f"{plan.gaps_and_overlaps()[1]} frames")
    print(f"landed coverage (timeline): gap {gap} frames, overlap {overlap} frames  (target 0 / 0)")
    print(f"landings: {[(lnd.keyframe_id, lnd.requested, lnd.landed) for lnd in plan.landings]}")
    print(f"baseline — generation time (sum of the {len(jobs)} jobs): {generation:.2f} s; wall {wall:.2f} s")
    print(f"planning + queueing (+ bin intake and landing): {queueing * 1000:.1f} ms (planning "
          f"{planning * 1000:.1f} ms) = {100 * queueing / generation:.3f}% of generation time (target < 1%)")
    print(f"tail cuts for chaining ({cut.count} × ffmpeg decode+encode): {cut.seconds * 1000:.1f} ms = "
          f"{100 * cut.seconds / generation:.2f}% of generation time")
    print(f"all workflow overhead: {workflow * 1000:.1f} ms = {100 * workflow / generation:.2f}% of generation time")
    return 0 if (gap, overlap) == (0, 0) and queueing < 0.01 * generation else 1


if __name__ == "__main__":
    sys.exit(main())
