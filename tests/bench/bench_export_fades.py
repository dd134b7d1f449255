"""Export of 20 clips with fades (picture and sound, in and out) and 5 crossfades against one hand-written ffmpeg
filter graph, timed in the same run.

    .venv/bin/python tests/bench/bench_export_fades.py [--runs 5] [--size 640x360] [--seconds 2]

Each clip is trimmed to leave CROSSFADE frames after its out point (the frames a crossfade plays on into);
clips 2, 6, 10, 14 and 18 crossfade from the clip before. Baseline: each clip an input, fade + afade per clip
in its own time, xfade (picture) and acrossfade (sound) where a crossfade joins two clips, concat of the rest,
the same x264 and AAC settings as the export, one command. Both outputs are checked to hold the timeline's
frame count. Each side runs `--runs` times (interleaved); min / median / max and the ratio of the medians are
printed. Target: ratio <= 1.2. `--crossfades 0` times the fades alone (the earlier figure).
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
CROSSFADE = 12  # frames


def crossfaded(n: int, count: int) -> set[int]:
    """The clips that crossfade from the one before: 2, 6, 10, ... (`count` of them)."""
    return set(range(2, n, 4)[:count])


def hand_written_fades(clips: list[Path], frames: int, enc: Encoding, out: Path, joined: set[int]) -> None:
    """What a person would type: fade each clip's picture and sound (each `frames` long, the one before a
    crossfade CROSSFADE frames longer), xfade/acrossfade where a crossfade joins two, concat, encode once."""
    inputs, chains, pads = [], [], []
    d_in, d_out, st_out = FADE_IN / FPS, FADE_OUT / FPS, (frames - FADE_OUT) / FPS
    d_x = CROSSFADE / FPS
    for i, clip in enumerate(clips):
        inputs += ["-i", str(clip)]
        length = frames + (CROSSFADE if i + 1 in joined else 0)
        chains.append(f"[{i}:v]trim=end_frame={length},setpts=PTS-STARTPTS,fade=t=in:st=0:d={d_in:.6f},"
                      f"fade=t=out:st={st_out:.6f}:d={d_out:.6f}[v{i}]")
        chains.append(f"[{i}:a]atrim=end={length / FPS:.6f},asetpts=PTS-STARTPTS,afade=t=in:st=0:d={d_in:.6f},"
                      f"afade=t=out:st={st_out:.6f}:d={d_out:.6f}[a{i}]")
        if i in joined:
            chains.append(f"[v{i - 1}][v{i}]xfade=transition=fade:duration={d_x:.6f}:offset={frames / FPS:.6f}[vx{i}]")
            chains.append(f"[a{i - 1}][a{i}]acrossfade=d={d_x:.6f}:c1=tri:c2=tri[ax{i}]")
            pads[-1] = f"[vx{i}][ax{i}]"
        else:
            pads.append(f"[v{i}][a{i}]")
    chains.append(f"{''.join(pads)}concat=n={len(pads)}:v=1:a=1[v][a]")
    run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", ";".join(chains),
         "-map", "[v]", "-map", "[a]", *enc.video_args(), "-r", str(FPS), *enc.audio_args(),
         "-movflags", "+faststart", str(out)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each clip on the timeline")
    parser.add_argument("--crossfades", type=int, default=5)
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    frames = int(args.seconds * FPS) + 1
    with tempfile.TemporaryDirectory(prefix="bench-fades-") as tmp:
        folder = Path(tmp)
        print(f"making 20 clips of {frames} frames at {size[0]}x{size[1]}...", flush=True)
        clips = make_clips(folder, 20, size, frames + CROSSFADE)  # CROSSFADE frames after each out point
        project, path = timeline(folder, clips, size, [(0, frames)] * len(clips))
        joined = crossfaded(len(clips), args.crossfades)
        for k, clip in enumerate([c for t in project.tracks for c in t.clips]):
            set_clip_properties(project, clip.id, fade_in=FADE_IN, fade_out=FADE_OUT,
                                crossfade=CROSSFADE if k in joined else 0)
        enc = Encoding()
        times: dict[str, list[float]] = {"export": [], "hand-written": []}
        jobs = {"export": lambda: export_timeline(project, path, folder / "export.mp4", encoding=enc),
                "hand-written": lambda: hand_written_fades(clips, frames, enc, folder / "hand.mp4", joined)}
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
        print(f"20 clips with fades and {len(joined)} crossfades ({n} frames, x264 {enc.preset} crf {enc.crf}): "
              "ratio export / hand-written "
              f"(medians) {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
