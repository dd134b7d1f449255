"""Sample projects for tests and benchmarks: every kind of asset, track, keyframe, marker, shot and job.

Media files are created empty: project I/O only checks that they exist (probing is media's business).
"""
from __future__ import annotations

from pathlib import Path

from ltx_editor.core.project import (
    Asset,
    Clip,
    Folder,
    JobRecord,
    Keyframe,
    Marker,
    Project,
    Shot,
    Take,
    Track,
)

CLIP_FRAMES = 48


def make_project(folder: str | Path, n_clips: int = 12, *, stem: str = "demo",
                 create_files: bool = True) -> tuple[Project, Path]:
    """A project at `<folder>/<stem>.ltxproj` with about `n_clips` clips spread over three tracks."""
    folder = Path(folder)
    media = f"{stem}_media"
    (folder / media).mkdir(parents=True, exist_ok=True)
    outside = folder / "imports"
    outside.mkdir(exist_ok=True)

    def take(tid: str, rel: str, **kw) -> Take:
        if create_files:
            (folder / rel).touch()
        fields = {"frame_count": 121, "fps": 24.0, "width": 768, "height": 512,
                  "created": "2026-11-25T10:00:00Z"} | kw
        return Take(id=tid, path=rel, **fields)

    n_gen = max(1, n_clips // 2)
    assets = [Asset(id=f"gen{i}", name=f"shot {i}", kind="generated", folder_id="f_gen", active_take_id=f"gen{i}t0",
                    takes=[take(f"gen{i}t{j}", f"{media}/gen{i}_{j}.mp4", sidecar=f"{media}/gen{i}_{j}.mp4.json",
                                backend="local", model="ltxv-2b-0.9.8-distilled", seed=1000 + i, has_audio=j == 1)
                           for j in range(2)])
              for i in range(n_gen)]
    assets.append(Asset(id="vid", name="imported video", kind="video", active_take_id="vidt",
                        takes=[take("vidt", "imports/holiday.mp4", frame_count=2400, has_audio=True)]))
    assets.append(Asset(id="img", name="still", kind="image", active_take_id="imgt",
                        takes=[take("imgt", "imports/still.png", frame_count=1)]))
    assets.append(Asset(id="snd", name="music", kind="audio", active_take_id="sndt",
                        takes=[take("sndt", "imports/music.wav", frame_count=24 * 600, width=0, height=0,
                                    has_audio=True)]))

    v1, v2, a1 = (Track(id="v1", kind="video", name="V1"), Track(id="v2", kind="video", name="V2"),
                  Track(id="a1", kind="audio", name="A1"))
    for i in range(n_clips):
        track = (v1, v2, a1)[i % 3]
        if track is a1:
            clip = Clip(id=f"c{i}", asset_id="snd", take_id="sndt", start=len(track.clips) * 60,
                        in_frame=i, out_frame=i + CLIP_FRAMES, name=f"clip {i}")
        elif track is v2 and i % 2:
            clip = Clip(id=f"c{i}", asset_id="img", take_id="imgt", start=len(track.clips) * 60, out_frame=CLIP_FRAMES)
        else:
            g = i % n_gen
            clip = Clip(id=f"c{i}", asset_id=f"gen{g}", take_id=f"gen{g}t{i % 2}", start=len(track.clips) * 60,
                        in_frame=4, out_frame=4 + CLIP_FRAMES, name=f"clip {i}")
        track.clips.append(clip)
    project = Project(
        name=stem, folders=[Folder(id="f_gen", name="Generated"), Folder(id="f_sub", name="Keepers", parent_id="f_gen")],
        assets=assets, tracks=[v1, v2, a1],
        keyframes=[Keyframe(id="k0", frame=0, image=f"{media}/k0.png", prompt="a red fox"),
                   Keyframe(id="k1", frame=96, image="imports/still.png", strength=0.8)],
        markers=[Marker(id="m0", frame=24, name="beat"), Marker(id="m1", frame=120, color="#00ff00")],
        shots=[Shot(id="s0", prompt="a fox runs", duration_s=4.0, status="done", asset_id="gen0")],
        jobs=[JobRecord(id="j0", request={"prompt": "a fox runs", "backend": "local"}, state="finished",
                        created="2026-11-25T10:00:00Z", result_asset_id="gen0")],
        budget_usd=10.0, spent_usd=1.25)
    return project, folder / f"{stem}.ltxproj"
