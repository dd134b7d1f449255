"""'Use this frame': the right frame of a bin asset or of the clip under the playhead, as a PNG, a keyframe
and an image-to-video input."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.errors import MediaError
from ltx_editor.core.frame_grab import frame_at, frame_of_asset, frame_to_keyframe, grab
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.output import write_video
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.generation.workflows import image_condition

LEVEL = 6  # frame i is a flat grey of i * LEVEL: the frame's number can be read back from its pixels


def _frame_number(png: Path) -> int:
    return round(float(np.asarray(Image.open(png).convert("L")).mean()) / LEVEL)


@pytest.fixture
def project_file(tmp_path: Path) -> tuple[Project, Path]:
    path = tmp_path / "demo.ltxproj"
    frames = np.stack([np.full((32, 32, 3), i * LEVEL, np.uint8) for i in range(40)])
    write_video(frames, 24.0, tmp_path / "clips" / "grey.mp4", crf=0)
    take = Take(id="t1", path="clips/grey.mp4", frame_count=40, width=32, height=32)
    still = Take(id="t2", path="clips/still.png", frame_count=1, width=32, height=32)
    Image.new("RGB", (32, 32), (10, 200, 10)).save(tmp_path / "clips" / "still.png")
    project = Project(
        assets=[Asset(id="grey", kind="video", takes=[take], active_take_id="t1"),
                Asset(id="still", kind="image", takes=[still], active_take_id="t2")],
        tracks=[Track(id="v1", kind="video", clips=[Clip(id="low", asset_id="grey", take_id="t1", start=0,
                                                          in_frame=0, out_frame=40)]),
                Track(id="v2", kind="video", clips=[Clip(id="top", asset_id="grey", take_id="t1", start=100,
                                                          in_frame=10, out_frame=30)])])
    return project, path


def test_asset_frame_to_png(project_file):
    project, path = project_file
    png = grab(project, path, frame_of_asset(project, "grey", 17))
    assert png.parent == path.parent / "demo_media" / "frames" and _frame_number(png) == 17
    last = grab(project, path, frame_of_asset(project, "grey", -1))
    assert _frame_number(last) == 39
    assert grab(project, path, frame_of_asset(project, "still")).name == "still.png"  # an image is used as is


def test_playhead_frame_comes_from_the_topmost_clip(project_file):
    project, path = project_file
    ref = frame_at(project, 105)
    assert ref.source_frame == 15  # clip 'top' starts at 100 with in_frame 10
    assert _frame_number(grab(project, path, ref)) == 15
    assert frame_at(project, 30).source_frame == 30
    assert frame_at(project, 105, clip_id="top") == ref
    with pytest.raises(MediaError, match="No video clip"):
        frame_at(project, 70)
    with pytest.raises(MediaError, match="not over that clip"):
        frame_at(project, 5, clip_id="top")
    with pytest.raises(MediaError, match="frames 0-39"):
        frame_of_asset(project, "grey", 40)


def test_frame_to_keyframe_in_one_undoable_edit(project_file):
    project, path = project_file
    edit = frame_to_keyframe(project, path, frame_at(project, 105), at_frame=48, strength=0.8)
    (kf,) = project.keyframes
    assert (kf.frame, kf.strength, kf.image) == (48, 0.8, "demo_media/frames/grey_t1_f15.png")
    again = frame_to_keyframe(project, path, frame_of_asset(project, "grey", 3), at_frame=48)
    assert len(project.keyframes) == 1 and project.keyframes[0].image.endswith("_f3.png")
    again.undo(project)
    edit.undo(project)
    assert project.keyframes == []


def test_frame_as_image_to_video_input(project_file):
    project, path = project_file
    png = grab(project, path, frame_of_asset(project, "grey", 5))
    request = GenerationRequest(mode=GenerationMode.IMAGE_TO_VIDEO, prompt="grey", conditions=[image_condition(png)])
    assert request.conditions[0].path == str(png) and request.conditions[0].frame_index == 0
