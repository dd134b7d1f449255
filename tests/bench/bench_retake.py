"""Bench: retake a range and fill a gap on the tiny LTX and LTX-2 models; plan + queue a 10-take batch.

For each family, 5 runs of each (a new seed each run):
- retake frames 14-26 of a 41-frame clip: frames of gap / repeat in the new take (its length against the
  source's, every frame outside the range compared bit for bit), and the time (generate + splice + land);
- fill a 20-frame gap between two clips: gap / repeat at both joins on the timeline.
Then planning + building + queueing a 10-take retake batch (take_recipes, retake_request, JobQueue.submit on a
queue that does not run them) against one tiny retake generation timed in the same run (target: < 1%).

    python tests/bench/bench_retake.py
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402

from ltx_editor.core import timeline as tl  # noqa: E402
from ltx_editor.core.gap_plan import plan_gap  # noqa: E402
from ltx_editor.core.project import Project, Track  # noqa: E402
from ltx_editor.core.project_io import resolve_media  # noqa: E402
from ltx_editor.core.retake_plan import plan_retake  # noqa: E402
from ltx_editor.generation.landing import add_result  # noqa: E402
from ltx_editor.generation.local.provider import LocalLTXProvider  # noqa: E402
from ltx_editor.generation.queue import JobQueue  # noqa: E402
from ltx_editor.generation.request import CancelToken  # noqa: E402
from ltx_editor.generation.retake import (  # noqa: E402
    context_condition,
    gap_request,
    land_gap,
    land_retake,
    retake_request,
    retake_requests,
)
from ltx_editor.generation.takes_batch import take_recipes  # noqa: E402
from ltx_editor.generation.workflows import Recipe  # noqa: E402
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID, TINY_LTX_MODEL_ID, tiny_request, tiny_settings  # noqa: E402
from tests.fakes.tiny_models import build_tiny_ltx, build_tiny_ltx2  # noqa: E402
from tests.fakes.video_probe import read_frames  # noqa: E402

RUNS = 5


def _stats(values) -> str:
    return f"min {min(values):.4g} / median {statistics.median(values):.4g} / max {max(values):.4g}"


def _generate(provider, request, out):
    return asyncio.run(provider.generate(request, out, lambda e: None, CancelToken()))


def bench_family(family: str, model_dir: Path, model_id: str, root: Path, provider) -> float:
    path = root / f"{family}.ltxproj"
    source = _generate(provider, tiny_request(model_dir, num_frames_override=41, seed=3), root / "media")
    gaps, repeats, differ, seconds, gap_joins = [], [], [], [], []
    for run in range(RUNS):
        project = Project(tracks=[Track(id="v1", kind="video")])
        asset, take = add_result(project, path, source, "source")
        clip = tl.insert_clip(project, "v1", asset.id, 0).created[0]
        recipe = Recipe(settings=tiny_settings(model_id, seed=100 + run), model_path=str(model_dir))
        t = time.perf_counter()
        plan = plan_retake(project, clip, 14, 26, family=family)
        result = _generate(provider, retake_request(plan, project, path, recipe, root / "work"), root / "media")
        _, new_take, _ = land_retake(project, path, plan, result)
        seconds.append(time.perf_counter() - t)
        before = read_frames(resolve_media(path, take.path))
        after = read_frames(resolve_media(path, project.asset(asset.id).take(new_take).path))
        gaps.append(max(0, len(before) - len(after)))
        repeats.append(max(0, len(after) - len(before)))
        outside = np.r_[0:14, 26:len(before)]
        differ.append(int((after[outside] != before[outside]).any(axis=(1, 2, 3)).sum()))

        first = tl.insert_clip(project, "v1", asset.id, 60, out_frame=30).created[0]
        tl.insert_clip(project, "v1", asset.id, 110, in_frame=4, out_frame=41)
        gplan = plan_gap(project, "v1", 95, family=family)
        gres = _generate(provider, gap_request(gplan, path, recipe, root / "work"), root / "media")
        land_gap(project, path, gplan, gres)
        clips = [c for c in project.track("v1").clips if c.start >= 60]
        joins = [b.start - a.end for a, b in zip(clips, clips[1:], strict=False)]
        gap_joins.append(sum(abs(j) for j in joins))
        assert clips[0].id == first and len(clips) == 3
    print(f"[{family}] retake frames 14-26 of 41: gap {_stats(gaps)} frames, repeat {_stats(repeats)} frames, "
          f"untouched frames that changed {_stats(differ)}; time {_stats(seconds)} s")
    print(f"[{family}] gap fill 90-110: |gap or overlap| at both joins {_stats(gap_joins)} frames")
    return statistics.median(seconds)


def bench_batch(model_dir: Path, root: Path, provider, generation_s: float) -> None:
    """Planning + queueing (the contexts already cut) against one generation; the cut (two ffmpeg decode +
    encode runs, once per batch: every take conditions on the same frames) reported on its own."""
    path = root / "ltx-video.ltxproj"
    source = _generate(provider, tiny_request(model_dir, num_frames_override=41, seed=3), root / "media")
    recipe = Recipe(settings=tiny_settings(TINY_LTX_MODEL_ID, seed=1), model_path=str(model_dir))
    cuts, times = [], []
    for run in range(RUNS):
        project = Project(tracks=[Track(id="v1", kind="video")])
        asset, _ = add_result(project, path, source, "source")
        clip = tl.insert_clip(project, "v1", asset.id, 0).created[0]
        queue = JobQueue(lambda backend: provider, lambda: root / "media", lambda job: None)
        work = root / f"batch{run}"
        t = time.perf_counter()
        plan = plan_retake(project, clip, 14, 26)
        for ctx in (plan.before, plan.after):
            context_condition(ctx, path, work, 1.0)
        cuts.append(time.perf_counter() - t)
        t = time.perf_counter()
        plan = plan_retake(project, clip, 14, 26)
        for request in retake_requests(plan, project, path, take_recipes(recipe, 10), work):
            queue.submit(request)
        times.append(time.perf_counter() - t)
        assert len(queue.jobs) == 10
    share = [100 * t / generation_s for t in times]
    print(f"10-take retake batch, plan + build + queue: {_stats([t * 1000 for t in times])} ms = "
          f"{_stats(share)} % of one tiny retake ({generation_s:.3f} s median, same run; target < 1%)")
    print(f"  + cutting the two context clips once per batch: {_stats([c * 1000 for c in cuts])} ms = "
          f"{_stats([100 * (c + t) / (10 * generation_s) for c, t in zip(cuts, times, strict=True)])} % of the "
          "batch's 10 generations, all included")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ltx, ltx2 = build_tiny_ltx(root / "ltx", upsampler=False), build_tiny_ltx2(root / "ltx2")
        provider = LocalLTXProvider(max_sequence_length=16)
        try:
            base = bench_family("ltx-video", ltx, TINY_LTX_MODEL_ID, root, provider)
            bench_family("ltx-2", ltx2, TINY_LTX2_MODEL_ID, root, provider)
            bench_batch(ltx, root, provider, base)
        finally:
            asyncio.run(provider.close())


if __name__ == "__main__":
    main()
