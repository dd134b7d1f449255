"""Opacity, speed and crossfades through OpenTimelineIO: our own metadata brings them back exactly; without
it (another editor's file) the speed comes from the clip's LinearTimeWarp and the crossfade from the
SMPTE dissolve Transition before the clip."""
from __future__ import annotations

import opentimelineio as otio

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.media import import_media
from ltx_editor.core.otio_io import import_otio, to_otio
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.core.project_io import save_project
from tests.fakes.media_factory import numbered_video


def _props(project: Project) -> list[tuple]:
    return [(c.start, c.in_frame, c.out_frame, c.duration, c.speed, c.opacity, c.crossfade)
            for t in project.tracks for c in t.clips]


def test_opacity_speed_and_crossfades_round_trip(tmp_path):
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=24, width=64, height=48))
    asset = import_media(project, path, numbered_video(tmp_path / "n.mp4", frames=40))
    project.assets.append(asset)
    clips = [Clip(id="a", asset_id=asset.id, take_id=asset.active_take_id, start=0, in_frame=0, out_frame=10),
             Clip(id="b", asset_id=asset.id, take_id=asset.active_take_id, start=10, in_frame=5, out_frame=35)]
    project.tracks = [Track(id="v1", kind="video", name="V1", clips=clips)]
    set_clip_properties(project, "b", speed=2.5, crossfade=6, opacity=0.7)
    save_project(project, path)
    timeline = to_otio(project, path)
    out = tmp_path / "t.otio"
    otio.adapters.write_to_file(timeline, str(out))
    assert _props(import_otio(out, tmp_path / "again.ltxproj")) == _props(project)

    for item in [timeline, *timeline.tracks, *timeline.find_clips()]:
        item.metadata.pop("ltx_editor", None)
    bare = tmp_path / "bare.otio"
    otio.adapters.write_to_file(timeline, str(bare))
    back = import_otio(bare, tmp_path / "bare.ltxproj")
    b = back.tracks[0].clips[1]
    assert (b.start, b.in_frame, b.out_frame, b.duration, b.speed, b.crossfade) == (10, 5, 35, 12, 2.5, 6)
