"""Edits on a clip at another speed: its in and out stay source frames; a trim moves an edge by the timeline
frames dragged (speed x that many source frames); a split cuts at a source frame and the halves together
last exactly as long as the clip, each showing what the clip showed there."""
from __future__ import annotations

import pytest

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.timeline import split_clip, trim_clip, trim_limits


def _project(speed: float, out_frame: int = 100) -> Project:
    asset = Asset(id="a", kind="video", active_take_id="t",
                  takes=[Take(id="t", path="a.mp4", frame_count=200, width=64, height=48)])
    clip = Clip(id="c", asset_id="a", take_id="t", start=10, in_frame=20, out_frame=out_frame)
    after = Clip(id="z", asset_id="a", take_id="t", start=10 + clip.duration + 500, in_frame=0, out_frame=5)
    project = Project(assets=[asset], tracks=[Track(id="v1", kind="video", clips=[clip, after])])
    set_clip_properties(project, "c", speed=speed)
    return project


@pytest.mark.parametrize("speed", [0.25, 0.3, 0.5, 0.75, 1.5, 2.0, 2.5, 3.0, 4.0])
def test_split_halves_show_what_the_clip_showed_and_last_as_long(speed):
    project = _project(speed)
    whole = project.find_clip("c")[1]
    shown = [whole.in_frame + whole.source_offset(i) for i in range(whole.duration)]
    for at in (1, whole.duration // 3, whole.duration // 2, whole.duration - 1):
        p = _project(speed)
        edit = split_clip(p, "c", whole.start + at)
        head, tail = p.find_clip("c")[1], p.find_clip(edit.created[0])[1]
        assert head.end == tail.start and tail.end == whole.end  # no gap, no overlap, same length
        assert abs(tail.start - (whole.start + at)) <= max(4, 2 / speed)  # at a source frame nearby
        halves = [head.in_frame + head.source_offset(i) for i in range(head.duration)]
        halves += [tail.in_frame + tail.source_offset(i) for i in range(tail.duration)]
        if (source := head.out_frame - head.in_frame) / speed == round(source / speed):  # on a whole frame
            assert halves == shown  # frame for frame what the clip showed
        else:  # a source frame spanning the cut: the tail's frames may lag by one
            assert max(abs(a - b) for a, b in zip(halves, shown, strict=True)) <= 1
        assert (head.speed, tail.speed, head.in_frame, tail.out_frame) == (speed, speed, 20, 100)


def test_trim_moves_edges_in_source_frames_at_the_clip_speed():
    project = _project(2.0)
    clip = project.find_clip("c")[1]
    assert clip.duration == 40
    trim_clip(project, "c", "out", clip.end - 10)  # 10 timeline frames = 20 source frames
    clip = project.find_clip("c")[1]
    assert (clip.in_frame, clip.out_frame, clip.duration) == (20, 80, 30)
    trim_clip(project, "c", "in", clip.start + 5)
    clip = project.find_clip("c")[1]
    assert (clip.in_frame, clip.out_frame, clip.start, clip.duration) == (30, 80, 15, 25)
    lo, hi = trim_limits(project, "c", "in")
    assert lo == 0  # 30 source frames before the in point are 15 timeline frames: the timeline's start first
    lo, hi = trim_limits(project, "c", "out")
    assert hi == clip.end + (200 - 80) // 2  # the media's last frame, at 2x
    with pytest.raises(EditRefused, match="first frame of its media"):
        trim_clip(project, "c", "in", clip.start - 16)


def test_a_single_source_frame_at_slow_speed_cannot_be_split():
    project = _project(0.25, out_frame=21)
    clip = project.find_clip("c")[1]
    assert clip.duration == 4
    with pytest.raises(EditRefused, match="single source frame"):
        split_clip(project, "c", clip.start + 2)
