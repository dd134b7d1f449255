"""Bench: audio-to-video on the tiny LTX-2 (the only family that takes sound; LTX-Video refuses in words).

5 runs (a new seed and a new range length each run, lengths that are not 8k+1 included): plan a sound's range,
generate (LTX2DFRPipeline, the sound encoded and held clean), land; report the frames of picture missing / too
many against the sound's range (the landed clip's start and end against the range's), and the time of one
audio-to-video job against a plain text-to-video job of the same frame count timed in the same run (ratio).

    python tests/bench/bench_a2v.py
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltx_editor.core import timeline as tl  # noqa: E402
from ltx_editor.core.a2v_plan import plan_a2v  # noqa: E402
from ltx_editor.core.media import import_media  # noqa: E402
from ltx_editor.core.project import Project, Track  # noqa: E402
from ltx_editor.generation.audio_to_video import a2v_request, land_a2v  # noqa: E402
from ltx_editor.generation.local.provider import LocalLTXProvider  # noqa: E402
from ltx_editor.generation.request import CancelToken  # noqa: E402
from ltx_editor.generation.workflows import Recipe  # noqa: E402
from tests.fakes.media_factory import tone  # noqa: E402
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID, tiny_request, tiny_settings  # noqa: E402
from tests.fakes.tiny_a2v import build_tiny_ltx2_a2v  # noqa: E402

RUNS = 5
LENGTHS = (9, 20, 26, 33, 47)  # frames of sound: 8k+1 and not


def _stats(values) -> str:
    return f"min {min(values):.4g} / median {statistics.median(values):.4g} / max {max(values):.4g}"


def _generate(provider, request, out):
    return asyncio.run(provider.generate(request, out, lambda e: None, CancelToken()))


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench_a2v_"))
    model_dir = build_tiny_ltx2_a2v(root / "ltx2_a2v")
    provider = LocalLTXProvider(max_sequence_length=16)
    missing, extra, a2v_s, t2v_s = [], [], [], []
    try:
        for run, length in enumerate(LENGTHS[:RUNS]):
            path = root / f"run{run}" / "a2v.ltxproj"
            project = Project(tracks=[Track(id="v1", kind="video"), Track(id="a1", kind="audio")])
            sound = import_media(project, path, tone(path.parent / "media" / "voice.wav", seconds=3.0))
            project.assets = [*project.assets, sound]
            clip_id = tl.insert_clip(project, "a1", sound.id, 7).created[0]
            recipe = Recipe(settings=tiny_settings(TINY_LTX2_MODEL_ID, seed=run), model_path=str(model_dir))
            plan = plan_a2v(project, clip_id, 11, 11 + length)
            t = time.perf_counter()
            result = _generate(provider, a2v_request(plan, path, recipe, path.parent / "work"), path.parent / "media")
            land_a2v(project, path, plan, result)
            a2v_s.append(time.perf_counter() - t)
            (clip,) = project.track("v1").clips
            missing.append(max(0, clip.start - plan.start) + max(0, plan.end - clip.end))
            extra.append(max(0, plan.start - clip.start) + max(0, clip.end - plan.end))
            t = time.perf_counter()
            _generate(provider, tiny_request(model_dir, num_frames_override=plan.num_frames, seed=run),
                      path.parent / "media")
            t2v_s.append(time.perf_counter() - t)
    finally:
        asyncio.run(provider.close())
    print(f"audio-to-video, tiny LTX-2, {RUNS} runs (range lengths {LENGTHS[:RUNS]} frames):")
    print(f"  frames of picture missing against the sound: {_stats(missing)}")
    print(f"  frames of picture too many:                  {_stats(extra)}")
    print(f"  one audio-to-video job (s):                  {_stats(a2v_s)}")
    print(f"  plain text-to-video, same frames (s):        {_stats(t2v_s)}")
    ratios = [a / b for a, b in zip(a2v_s, t2v_s, strict=True)]
    print(f"  ratio a2v / t2v:                             {_stats(ratios)}")


if __name__ == "__main__":
    main()
