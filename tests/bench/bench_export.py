"""Export speed against ffmpeg commands written by hand, timed in the same run.

    .venv/bin/python tests/bench/bench_export.py [--runs 5] [--size 768x512] [--seconds 5]

1. Stream copy: 20 compatible, untrimmed clips back to back. Baseline: raw
   `ffmpeg -f concat -safe 0 -i list.txt -c copy out.mp4` of the same clips. Target: ratio <= 1.3.
2. Re-encoding: 10 clips with in/out trims. Baseline: one hand-written ffmpeg command (each clip an input
   seeked with -ss/-t, trim + setpts, atrim, concat of picture and sound, the same x264 preset/crf and AAC
   settings as the export). Both outputs are checked to have the same frame count. Target: ratio <= 1.2.

export_timeline's time includes everything it does: planning, probing the sources, writing the filter
graph, the progress pipe, the temp file and the rename. Runs are interleaved; the best of each is compared.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ltx_editor.core.export import export_timeline, prepare  # noqa: E402
from ltx_editor.core.export_graph import Encoding  # noqa: E402
from ltx_editor.core.ffmpeg import ffmpeg_exe  # noqa: E402
from ltx_editor.core.media import import_media, probe  # noqa: E402
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track  # noqa: E402
from tests.fakes.media_factory import ffmpeg  # noqa: E402

COPY_TARGET, ENCODE_TARGET = 1.3, 1.2
FPS = 24


def make_clips(folder: Path, n: int, size: tuple[int, int], frames: int) -> list[Path]:
    """Clips as the generators write them: H.264 High yuv420p + stereo AAC 48 kHz, moving testsrc2."""
    w, h = size
    clips = []
    for i in range(n):
        out = folder / f"clip{i:02d}.mp4"
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={FPS},hue=h={i * 17}",
               "-f", "lavfi", "-i", f"sine=frequency={200 + 40 * i}:sample_rate=48000:duration={frames / FPS}",
               "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-ac", "2", "-ar", "48000", str(out))
        clips.append(out)
    return clips


def timeline(folder: Path, clips: list[Path], size: tuple[int, int], trims: list[tuple[int, int]] | None
             ) -> tuple[Project, Path]:
    path = folder / "bench.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=size[0], height=size[1]))
    track = Track(id="v1", kind="video")
    start = 0
    for i, clip in enumerate(clips):
        asset = import_media(project, path, clip)
        project.assets.append(asset)
        a, b = trims[i] if trims else (0, asset.active_take.frame_count)
        track.clips.append(Clip(id=f"c{i}", asset_id=asset.id, take_id=asset.active_take_id, start=start,
                                in_frame=a, out_frame=b))
        start += b - a
    project.tracks = [track]
    return project, path


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def raw_concat(clips: list[Path], out: Path) -> None:
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{c}'\n" for c in clips))
    run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-c", "copy", str(out)])


def hand_written_trim_concat(clips: list[Path], trims: list[tuple[int, int]], enc: Encoding, out: Path) -> None:
    """What a person would type: seek each input, trim, concat picture and sound, encode once."""
    inputs, chains, pads = [], [], []
    for i, (clip, (a, b)) in enumerate(zip(clips, trims, strict=True)):
        inputs += ["-ss", f"{max(0.0, (a - 0.5) / FPS):.6f}", "-t", f"{(b - a + 1) / FPS:.6f}", "-i", str(clip)]
        chains.append(f"[{i}:v]trim=end_frame={b - a},setpts=PTS-STARTPTS[v{i}]")
        chains.append(f"[{i}:a]atrim=end={(b - a) / FPS:.6f},asetpts=PTS-STARTPTS[a{i}]")
        pads.append(f"[v{i}][a{i}]")
    chains.append(f"{''.join(pads)}concat=n={len(clips)}:v=1:a=1[v][a]")
    run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", ";".join(chains),
         "-map", "[v]", "-map", "[a]", *enc.video_args(), "-r", str(FPS), *enc.audio_args(),
         "-movflags", "+faststart", str(out)])


def best_of(runs: int, fns: dict[str, callable]) -> dict[str, float]:
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="768x512")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each generated clip")
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    frames = int(args.seconds * FPS) + 1  # 8k+1, like LTX output
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        print(f"making 20 clips of {frames} frames at {size[0]}x{size[1]}...", flush=True)
        clips = make_clips(folder, 20, size, frames)

        # 1. stream copy
        project, path = timeline(folder, clips, size, None)
        assert prepare(project, path)[1].stream_copy, "the compatible timeline should be stream-copied"
        t = best_of(args.runs, {"export": lambda: export_timeline(project, path, folder / "copy_export.mp4"),
                                "baseline": lambda: raw_concat(clips, folder / "copy_raw.mp4")})
        assert probe(folder / "copy_export.mp4").frame_count == project.duration() == 20 * frames
        ratio = t["export"] / t["baseline"]
        ok &= ratio <= COPY_TARGET
        print(f"stream copy, 20 clips ({20 * frames} frames): export {t['export'] * 1000:.0f} ms, "
              f"raw concat -c copy {t['baseline'] * 1000:.0f} ms, ratio {ratio:.2f} (target <= {COPY_TARGET})")

        # 2. re-encoding with trims
        ten = clips[:10]
        trims = [(3 + i, frames - 5 - 2 * i) for i in range(10)]
        project, path = timeline(folder, ten, size, trims)
        enc = Encoding()
        assert not prepare(project, path, enc)[1].stream_copy
        t = best_of(args.runs, {
            "export": lambda: export_timeline(project, path, folder / "enc_export.mp4", encoding=enc),
            "baseline": lambda: hand_written_trim_concat(ten, trims, enc, folder / "enc_hand.mp4")})
        mine, hand = probe(folder / "enc_export.mp4"), probe(folder / "enc_hand.mp4")
        assert mine.frame_count == hand.frame_count == project.duration(), (mine.frame_count, hand.frame_count)
        ratio = t["export"] / t["baseline"]
        ok &= ratio <= ENCODE_TARGET
        print(f"re-encode, 10 trimmed clips ({project.duration()} frames, x264 {enc.preset} crf {enc.crf}): "
              f"export {t['export']:.2f} s, hand-written ffmpeg {t['baseline']:.2f} s, ratio {ratio:.2f} "
              f"(target <= {ENCODE_TARGET})")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
