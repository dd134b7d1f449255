"""Export of 20 clips with fades (picture and sound, in and out) against one hand-written ffmpeg filter graph,
timed in the same run.

    .venv/bin/python tests/bench/bench_export_fades.py [--runs 5] [--size 640x360] [--seconds 2]

Baseline: each clip an input, fade + afade per clip, concat of picture and sound, the same x264 and AAC
settings as the export, one command. Both outputs are checked to hold the timeline's frame count. Each side
runs `--runs` times (interleaved); min / median / max and the ratio of the medians are printed.
Target: ratio <= 1.2. (Crossfades are not in the editor yet, so none are timed here.)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ltx_editor.core.clip_properties import set_clip_properties  # noqa: E402
from ltx_editor.core.export import export_timeline  # noqa: E402
from ltx_editor.core.export_graph import Encoding  # noqa: E402
from ltx_editor.core.ffmpeg import ffmpeg_exe  # noqa: E402
from ltx_editor.core.media import count_video_frames  # noqa: E402
from tests.bench.bench_export import FPS, make_clips, run, timeline  # noqa: E402

TARGET = 1.2
FADE_IN, FADE_OUT = 6, 8


def hand_written_fades(clips: list[Path], frames: int, enc: Encoding, out: Path) -> None:
    """What a person would type: fade each clip's picture and sound, concat, encode once."""
    inputs, chains, pads = [], [], []
    d_in, d_out, st_out = FADE_IN / FPS, FADE_OUT / FPS, (frames - FADE_OUT) / FPS
    for i, clip in enumerate(clips):
        inputs += ["-i", str(clip)]
        chains.append(f"[{i}:v]fade=t=in:st=0:d={d_in:.6f},fade=t=out:st={st_out:.6f}:d={d_out:.6f}[v{i}]")
        chains.append(f"[{i}:a]atrim=end={frames / FPS:.6f},afade=t=in:st=0:d={d_in:.6f},"
                      f"afade=t=out:st={st_out:.6f}:d={d_out:.6f}[a{i}]")
        pads.append(f"[v{i}][a{i}]")
    chains.append(f"{''.join(pads)}concat=n={len(clips)}:v=1:a=1[v][a]")
    run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", ";".join(chains),
         "-map", "[v]", "-map", "[a]", *enc.video_args(), "-r", str(FPS), *enc.audio_args(),
         "-movflags", "+faststart", str(out)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each generated clip")
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    frames = int(args.seconds * FPS) + 1
    with tempfile.TemporaryDirectory(prefix="bench-fades-") as tmp:
        folder = Path(tmp)
        print(f"making 20 clips of {frames} frames at {size[0]}x{size[1]}...", flush=True)
        clips = make_clips(folder, 20, size, frames)
        project, path = timeline(folder, clips, size, None)
        for clip in [c for t in project.tracks for c in t.clips]:
            set_clip_properties(project, clip.id, fade_in=FADE_IN, fade_out=FADE_OUT)
        enc = Encoding()
        times: dict[str, list[float]] = {"export": [], "hand-written": []}
        jobs = {"export": lambda: export_timeline(project, path, folder / "export.mp4", encoding=enc),
                "hand-written": lambda: hand_written_fades(clips, frames, enc, folder / "hand.mp4")}
        for _ in range(args.runs):
            for name, job in jobs.items():
                t0 = time.perf_counter()
                job()
                times[name].append(time.perf_counter() - t0)
        n = project.duration()
        assert count_video_frames(folder / "export.mp4") == count_video_frames(folder / "hand.mp4") == n
        for name, ts in times.items():
            ts = sorted(ts)
            print(f"{name:<13} min {ts[0]:.2f} s  median {statistics.median(ts):.2f} s  max {ts[-1]:.2f} s")
        ratio = statistics.median(times["export"]) / statistics.median(times["hand-written"])
        print(f"20 clips with fades ({n} frames, x264 {enc.preset} crf {enc.crf}): ratio export / hand-written "
              f"(medians) {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
