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


def test_a_linked_sound_clip_takes_the_speed_and_the_crossfade_where_it_fits():
    asset = Asset(id="a", kind="video", active_take_id="t",
                  takes=[Take(id="t", path="a.mp4", frame_count=200, width=64, height=48, has_audio=True)])

    def pair(n: int, start: int, audio_start: int) -> tuple[Clip, Clip]:
        return (Clip(id=f"v{n}", asset_id="a", take_id="t", start=start, in_frame=0, out_frame=40, link=f"s{n}"),
                Clip(id=f"s{n}", asset_id="a", take_id="t", start=audio_start, in_frame=0, out_frame=40, link=f"v{n}"))
    v0, s0 = pair(0, 0, 0)
    v1, s1 = pair(1, 40, 40)
    v2, s2 = pair(2, 80, 90)  # its sound was moved 10 frames later (unlinked edits elsewhere): no clip before it
    project = Project(assets=[asset], tracks=[Track(id="v", kind="video", clips=[v0, v1, v2]),
                                              Track(id="s", kind="audio", clips=[s0, s1, s2])])
    edit = set_clip_properties(project, "v1", crossfade=10)
    assert project.find_clip("s1")[1].crossfade == 10  # the sound crossfades with the picture
    set_clip_properties(project, "v2", crossfade=10)
    assert (project.find_clip("v2")[1].crossfade, project.find_clip("s2")[1].crossfade) == (10, 0)
    edit.undo(project)
    assert (project.find_clip("v1")[1].crossfade, project.find_clip("s1")[1].crossfade) == (0, 0)
    set_clip_properties(project, "s2", speed=2.0)  # from the sound clip: the picture follows
    assert (project.find_clip("v2")[1].duration, project.find_clip("s2")[1].duration) == (20, 20)
    with pytest.raises(EditRefused, match="would overlap"):
        set_clip_properties(project, "v0", speed=0.5)  # 80 frames: it would run into v1 (and s0 into s1)
    assert project.find_clip("v0")[1].speed == 1.0 and project.find_clip("s0")[1].speed == 1.0


def test_retake_and_audio_to_video_refuse_a_clip_at_another_speed_in_words():
    from ltx_editor.core.a2v_plan import plan_a2v
    from ltx_editor.core.retake_plan import RetakeError, plan_retake

    project = _project(2.0)
    with pytest.raises(RetakeError, match="plays at 2x; a range can be retaken at normal speed only"):
        plan_retake(project, "c", 12, 20)
    sound = Asset(id="s", kind="audio", active_take_id="st",
                  takes=[Take(id="st", path="s.wav", frame_count=200, has_audio=True)])
    project.assets.append(sound)
    project.tracks.append(Track(id="a1", kind="audio", clips=[Clip(id="m", asset_id="s", take_id="st", start=0,
                                                                   in_frame=0, out_frame=100, speed=0.5)]))
    with pytest.raises(RetakeError, match="plays at 0.5x"):
        plan_a2v(project, "m", 0, 40)
