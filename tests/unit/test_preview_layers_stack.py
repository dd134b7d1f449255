"""preview_layers.picture_at stacks what the export blends: on random timelines of see-through clips,
crossfades and speeds, every frame's layers and their shares equal those read from the export's own plan
(export_plan.plan_export's pieces, blended by export_graph._draw's rule), up to the preview's cap of
MAX_PICTURES pictures, under which it draws black."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from ltx_editor.core.export_plan import VideoPiece, plan_export
from ltx_editor.core.media import import_media
from ltx_editor.core.preview_layers import MAX_PICTURES, picture_at
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from tests.fakes.media_factory import numbered_video

MEDIA_FRAMES = 60


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("stack")
    return [numbered_video(folder / f"m{i}.mp4", frames=MEDIA_FRAMES) for i in range(2)]


def _random_project(rng: random.Random, media: list[Path], path: Path) -> Project:
    project = Project(settings=ProjectSettings(fps=24, width=64, height=48))
    assets = [import_media(project, path, m) for m in media]
    project.assets += assets
    for t in range(rng.randint(2, 5)):
        clips, start = [], rng.randint(0, 6)
        for c in range(rng.randint(1, 3)):
            asset = rng.choice(assets)
            in_frame = rng.randint(0, 20)
            clip = Clip(id=f"t{t}c{c}", asset_id=asset.id, take_id=asset.active_take_id, start=start,
                        in_frame=in_frame, out_frame=in_frame + rng.randint(8, 30),
                        opacity=rng.choice([1.0, 1.0, 0.8, 0.5, 0.25]), speed=rng.choice([1.0, 1.0, 0.5, 2.0]),
                        crossfade=rng.choice([0, 4, 9]) if c else 0)
            clips.append(clip)
            start = clip.end + rng.choice([0, 0, 3])  # mostly touching: the crossfades are drawn
        project.tracks.append(Track(id=f"v{t}", kind="video", clips=clips))
    return project


def _export_shares(piece: VideoPiece, share: float = 1.0) -> list[tuple[str, int, float]]:
    """(clip, source frame, share) of a one-frame piece, blended as export_graph._draw draws it: the dissolve
    (this clip at i / crossfade over the clip before) at the clip's opacity over what is under it."""
    if piece.path is None:
        return [("black", 0, share)]
    drawn = share * piece.opacity
    if piece.dissolve_from is not None:
        mix = piece.clip_offset / piece.crossfade
        out = [(piece.clip_id, piece.source_frame, drawn * mix), *_export_shares(piece.dissolve_from, drawn * (1 - mix))]
    else:
        out = [(piece.clip_id, piece.source_frame, drawn)]
    if piece.opacity < 1.0:
        out += _export_shares(piece.under or VideoPiece(start=piece.start, frames=1), share * (1 - piece.opacity))
    return out


def _preview_shares(project: Project, frame: int) -> list[tuple[str, int, float]]:
    out = [(layer.clip.id, layer.source_frame, share) for layer, share in picture_at(project, frame).weights()]
    return out + [("black", 0, 1.0 - sum(share for *_rest, share in out))]


def _merged(shares: list[tuple[str, int, float]]) -> dict[tuple[str, int], float]:
    merged: dict[tuple[str, int], float] = {}
    for clip, frame, share in shares:
        merged[clip, frame] = round(merged.get((clip, frame), 0.0) + share, 9)
    return {k: v for k, v in merged.items() if v > 1e-9}


@pytest.mark.parametrize("seed", range(12))
def test_every_frame_stacks_the_layers_the_export_blends(media, tmp_path, seed):
    project = _random_project(random.Random(seed), media, tmp_path / "p.ltxproj")
    plan = plan_export(project, tmp_path / "p.ltxproj")
    capped = 0
    for piece in plan.video:
        for k in range(piece.frames):
            frame = piece.start + k
            export = _export_shares(piece.cut(k, 1, frame))
            pictures = sum(1 for clip, *_rest in export if clip != "black")
            preview = _preview_shares(project, frame)
            if pictures <= MAX_PICTURES:
                assert _merged(preview) == _merged(export), (seed, frame)
            else:  # the upper pictures as the export blends them, black under the last level drawn
                capped += 1
                drawn = [s for s in preview if s[0] != "black"]
                assert 0 < len(drawn) <= MAX_PICTURES
                assert _merged(drawn) == _merged(export[:len(drawn)]), (seed, frame)
    assert capped < plan.total_frames  # most frames are within the cap


def test_a_fifth_see_through_layer_is_not_drawn(media, tmp_path):
    project = Project(settings=ProjectSettings(fps=24, width=64, height=48))
    asset = import_media(project, tmp_path / "p.ltxproj", media[0])
    project.assets.append(asset)
    project.tracks = [Track(id=f"v{t}", kind="video", clips=[Clip(
        id=f"c{t}", asset_id=asset.id, take_id=asset.active_take_id, start=0, in_frame=t, out_frame=t + 10,
        opacity=0.5)]) for t in range(6)]
    picture = picture_at(project, 3)
    assert [level.layer.clip.id for level in picture.levels] == ["c0", "c1", "c2", "c3"]
    assert [round(share, 6) for _layer, share in picture.weights()] == [0.5, 0.25, 0.125, 0.0625]
