"""Timeline edits: each validates, refuses impossible edits without changing anything, and undoes exactly."""
from __future__ import annotations

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Clip, Project, Take, Track


def _take(tid, frames, has_audio=False):
    return Take(id=tid, path=f"m/{tid}.mp4", frame_count=frames, has_audio=has_audio)


@pytest.fixture
def project() -> Project:
    return Project(
        assets=[Asset(id="gen", name="fox", kind="generated", active_take_id="g1",
                      takes=[_take("g1", 121, has_audio=True), _take("g2", 97)]),
                Asset(id="vid", name="holiday", kind="video", active_take_id="v", takes=[_take("v", 240)]),
                Asset(id="img", name="still", kind="image", active_take_id="i", takes=[_take("i", 1)]),
                Asset(id="snd", name="music", kind="audio", active_take_id="s", takes=[_take("s", 1000, True)])],
        tracks=[Track(id="V1", kind="video", name="V1", clips=[
                    Clip(id="a", asset_id="gen", take_id="g1", start=0, in_frame=10, out_frame=60, name="a"),
                    Clip(id="b", asset_id="vid", take_id="v", start=100, in_frame=0, out_frame=50, name="b")]),
                Track(id="V2", kind="video", name="V2"),
                Track(id="A1", kind="audio", name="A1", clips=[
                    Clip(id="s1", asset_id="snd", take_id="s", start=0, out_frame=200, name="s1")])])


def _spans(project, track_id):
    return [(c.id, c.start, c.end) for c in project.track(track_id).clips]


def refused(project, fn, *args, match=None, **kw):
    """Call an edit that must be refused and check that nothing changed."""
    before = project.model_dump()
    with pytest.raises(EditRefused, match=match):
        fn(project, *args, **kw)
    assert project.model_dump() == before


def undo_redo_exact(project, edit):
    after = project.model_dump()
    edit.undo(project)
    undone = project.model_dump()
    edit.redo(project)
    assert project.model_dump() == after
    return undone


def test_append_places_after_the_end_with_full_media(project):
    before = project.model_dump()
    edit = tl.append_clip(project, "V1", "gen")
    new = edit.created[0]
    assert _spans(project, "V1")[-1] == (new, 150, 271)
    assert project.find_clip(new)[1].take_id == "g1" and edit.label == "Add fox"
    assert undo_redo_exact(project, edit) == before
    img = tl.append_clip(project, "V2", "img").created[0]
    assert project.find_clip(img)[1].duration == 120  # 5 s at 24 fps
    part = tl.append_clip(project, "V2", "vid", in_frame=20, out_frame=30).created[0]
    assert project.find_clip(part)[1].start == 120 and project.find_clip(part)[1].duration == 10


def test_placement_refusals(project):
    refused(project, tl.append_clip, "V1", "snd", match="audio only")
    refused(project, tl.append_clip, "A1", "img", match="is an image")
    refused(project, tl.append_clip, "A1", "vid", match="no sound")
    refused(project, tl.append_clip, "V1", "nope", match="Cannot use that media")
    refused(project, tl.append_clip, "V1", "gen", take_id="zz", match="no take")
    refused(project, tl.append_clip, "V9", "gen", match="no track")
    refused(project, tl.append_clip, "V1", "vid", in_frame=10, out_frame=300, match="past the media")
    refused(project, tl.append_clip, "V1", "vid", in_frame=10, out_frame=10, match="greater than")
    edit = tl.append_clip(project, "A1", "gen")  # a generated take with sound may go on an audio track
    assert project.find_clip(edit.created[0])[0].id == "A1"


def test_insert_without_ripple_needs_free_space(project):
    edit = tl.insert_clip(project, "V1", "vid", 60, out_frame=40)
    assert _spans(project, "V1") == [("a", 0, 50), (edit.created[0], 60, 100), ("b", 100, 150)]
    refused(project, tl.insert_clip, "V1", "vid", 45, out_frame=10, match="would overlap")
    refused(project, tl.insert_clip, "V1", "vid", -5, out_frame=10)


def test_ripple_insert_splits_and_pushes(project):
    before = project.model_dump()
    edit = tl.insert_clip(project, "V1", "vid", 20, out_frame=30, ripple=True)
    new, tail = edit.created
    assert _spans(project, "V1") == [("a", 0, 20), (new, 20, 50), (tail, 50, 80), ("b", 130, 180)]
    assert project.find_clip(tail)[1].in_frame == 30  # the tail continues the source where the head stopped
    assert _spans(project, "A1") == [("s1", 0, 200)]  # other tracks untouched
    assert undo_redo_exact(project, edit) == before


def test_move_within_and_across_tracks(project):
    before = project.model_dump()
    edit = tl.move_clip(project, "b", None, 60)
    assert _spans(project, "V1") == [("a", 0, 50), ("b", 60, 110)]
    assert undo_redo_exact(project, edit) == before
    tl.move_clip(project, "b", "V2", 10)
    assert _spans(project, "V2") == [("b", 10, 60)] and _spans(project, "V1") == [("a", 0, 50)]
    refused(project, tl.move_clip, "b", "V1", 49, match="overlap")
    refused(project, tl.move_clip, "b", "V1", -1, match="before the beginning")
    refused(project, tl.move_clip, "b", "A1", 500, match="no sound")
    refused(project, tl.move_clip, "s1", "V1", 500, match="audio only")
    refused(project, tl.move_clip, "zz", "V1", 0, match="no clip")


def test_move_with_snapping(project):
    tl.move_clip(project, "b", None, 53, snap=5)  # start edge snaps to a's end
    assert project.find_clip("b")[1].start == 50
    tl.add_marker(project, 300)
    tl.move_clip(project, "b", None, 247, snap=5)  # end edge (247 + 50) snaps to the marker at 300
    assert project.find_clip("b")[1].end == 300
    tl.move_clip(project, "b", None, 404, snap=5, playhead=400)
    assert project.find_clip("b")[1].start == 400
    tl.move_clip(project, "b", None, 420, snap=5)  # nothing near: unchanged
    assert project.find_clip("b")[1].start == 420
    tl.move_clip(project, "b", None, 420, snap=0, playhead=418)
    assert project.find_clip("b")[1].start == 420


def test_move_clips_as_a_group(project):
    edit = tl.move_clips(project, ["a", "b"], 30, track_delta=1)
    assert _spans(project, "V2") == [("a", 30, 80), ("b", 130, 180)] and _spans(project, "V1") == []
    edit.undo(project)
    assert _spans(project, "V1") == [("a", 0, 50), ("b", 100, 150)]
    refused(project, tl.move_clips, ["a", "b"], 0, track_delta=2, match="no video track")
    refused(project, tl.move_clips, ["a"], -1)
    refused(project, tl.move_clips, ["a"], 60, match="overlap")
    refused(project, tl.move_clips, [], 5)
    tl.move_clips(project, ["a", "b"], 60)  # moving together: a lands where b was, b moves on
    assert _spans(project, "V1") == [("a", 60, 110), ("b", 160, 210)]


def test_trim_edges(project):
    tl.trim_clip(project, "a", "in", 5)
    clip = project.find_clip("a")[1]
    assert (clip.start, clip.in_frame, clip.end) == (5, 15, 50)
    tl.trim_clip(project, "a", "in", 0)
    refused(project, tl.trim_clip, "a", "in", -5, match="before the beginning|first frame")
    tl.trim_clip(project, "a", "out", 90)
    assert project.find_clip("a")[1].out_frame == 100
    refused(project, tl.trim_clip, "a", "out", 101, match="overlap")
    refused(project, tl.trim_clip, "a", "in", 90, match="shorter than one frame")
    refused(project, tl.trim_clip, "a", "middle", 3, match="Unknown clip edge")
    refused(project, tl.trim_clip, "b", "out", 400, match="past the media")
    tl.delete_clips(project, ["b"])
    refused(project, tl.trim_clip, "a", "out", 122, match="past the media's 121 frames")
    tl.move_clip(project, "a", None, 50)
    refused(project, tl.trim_clip, "a", "in", 39, match="first frame of its media")


def test_trim_limits(project):
    assert tl.trim_limits(project, "a", "in") == (0, 49)  # in_frame 10, but the timeline starts at 0
    assert tl.trim_limits(project, "a", "out") == (1, 100)
    assert tl.trim_limits(project, "b", "in") == (100, 149)
    assert tl.trim_limits(project, "b", "out") == (101, 340)
    for edge, (lo, hi) in (("in", tl.trim_limits(project, "b", "in")), ("out", tl.trim_limits(project, "b", "out"))):
        tl.trim_clip(project, "b", edge, lo).undo(project)
        tl.trim_clip(project, "b", edge, hi).undo(project)


def test_split(project):
    before = project.model_dump()
    edit = tl.split_clip(project, "a", 20)
    tail = edit.created[0]
    head, right = project.find_clip("a")[1], project.find_clip(tail)[1]
    assert (head.start, head.in_frame, head.out_frame) == (0, 10, 30)
    assert (right.start, right.in_frame, right.out_frame) == (20, 30, 60)
    assert undo_redo_exact(project, edit) == before
    refused(project, tl.split_clip, "b", 100, match="inside clip")
    refused(project, tl.split_clip, "b", 150, match="inside clip")


def test_delete_and_ripple_delete(project):
    tl.append_clip(project, "V1", "vid", out_frame=10)  # c at 150-160
    before = project.model_dump()
    edit = tl.delete_clips(project, ["a"])
    assert [c for c, *_ in _spans(project, "V1")][0] == "b"
    assert undo_redo_exact(project, edit) == before
    edit.undo(project)
    edit = tl.delete_clips(project, ["a", "b", "s1"], ripple=True)
    (last, start, end), = _spans(project, "V1")
    assert (start, end) == (50, 60)  # two gaps closed: 150 - 50 - 50
    assert _spans(project, "A1") == []
    assert undo_redo_exact(project, edit) == before
    refused(project, tl.delete_clips, ["zz"])


def test_locked_tracks_refuse_edits_until_unlocked(project):
    tl.update_track(project, "V1", locked=True)
    refused(project, tl.delete_clips, ["a"], match="locked")
    refused(project, tl.move_clip, "s1", "V1", 500, match="locked")
    refused(project, tl.move_clip, "a", "V2", 0, match="locked")
    refused(project, tl.remove_track, "V1", match="locked")
    refused(project, tl.append_clip, "V1", "gen", match="locked")
    edit = tl.update_track(project, "V1", locked=False, name="Main")
    assert project.track("V1").name == "Main" and not project.track("V1").locked
    edit.undo(project)
    assert project.track("V1").locked


def test_set_clip_take(project):
    tl.trim_clip(project, "a", "out", 100)  # source 10-110 of take g1 (121 frames)
    edit = tl.set_clip_take(project, "a", "g2")  # 97 frames: the clip is shortened to fit
    clip = project.find_clip("a")[1]
    assert (clip.take_id, clip.in_frame, clip.out_frame) == ("g2", 10, 97)
    edit.undo(project)
    assert project.find_clip("a")[1].take_id == "g1"
    refused(project, tl.set_clip_take, "a", "nope", match="no take")
    tl.trim_clip(project, "a", "in", 90)  # source 100-110
    refused(project, tl.set_clip_take, "a", "g2", match="only 97 frames")


def test_tracks_add_and_remove(project):
    before = project.model_dump()
    v = tl.add_track(project, "video")
    a = tl.add_track(project, "audio", name="FX")
    assert [t.name for t in project.tracks] == ["V3", "V1", "V2", "A1", "FX"]  # a new video track on top
    assert project.tracks[0].id == v.created[0] and project.tracks[4].id == a.created[0]
    rm = tl.remove_track(project, "V1")
    assert [t.name for t in project.tracks] == ["V3", "V2", "A1", "FX"]
    for e in (rm, a, v):
        e.undo(project)
    assert project.model_dump() == before
    refused(project, tl.add_track, "subtitle")
    refused(project, tl.add_track, "video", index=9)
    first = tl.add_track(project, "video", index=0)
    assert project.tracks[0].id == first.created[0]


def test_keyframes(project):
    k1 = tl.add_keyframe(project, 48, "k/one.png", strength=0.7, prompt="sunrise").created[0]
    k0 = tl.add_keyframe(project, 0, "k/zero.png").created[0]
    assert [k.id for k in project.keyframes] == [k0, k1]  # kept in time order
    refused(project, tl.add_keyframe, 48, "k/x.png", match="share frame 48")
    refused(project, tl.add_keyframe, 10, "k/x.png", strength=1.5, match="strength")
    refused(project, tl.add_keyframe, -1, "k/x.png", match="frame")
    refused(project, tl.move_keyframe, k0, 48, match="share frame")
    before = project.model_dump()
    edit = tl.move_keyframe(project, k0, 96)
    assert [k.id for k in project.keyframes] == [k1, k0]
    assert undo_redo_exact(project, edit) == before
    tl.update_keyframe(project, k1, prompt="dusk", strength=0.2)
    assert project.keyframe(k1).prompt == "dusk" and project.keyframe(k1).frame == 48
    tl.remove_keyframe(project, k1)
    refused(project, tl.remove_keyframe, k1, match="no keyframe")


def test_markers(project):
    m = tl.add_marker(project, 30, name="beat").created[0]
    tl.add_marker(project, 30, name="same frame is fine")
    refused(project, tl.add_marker, 10, color="blue", match="color")
    tl.move_marker(project, m, 5)
    assert project.markers[0].id == m
    tl.update_marker(project, m, name="drop", color="#ff0000")
    assert project.marker(m).name == "drop"
    edit = tl.remove_marker(project, m)
    edit.undo(project)
    assert project.marker(m).color == "#ff0000"
    refused(project, tl.move_marker, "nope", 3)


def test_merged_edits_undo_as_one(project):
    before = project.model_dump()
    first = tl.move_clip(project, "b", None, 60)
    second = tl.move_clip(project, "b", "V2", 80)
    third = tl.add_track(project, "video")
    fourth = tl.move_clip(project, "b", third.created[0], 5)
    merged = first.merged_with(second).merged_with(third).merged_with(fourth)
    after = project.model_dump()
    merged.undo(project)
    assert project.model_dump() == before
    merged.redo(project)
    assert project.model_dump() == after


def test_snap_frame(project):
    tl.add_keyframe(project, 70, "k.png")
    assert tl.snap_frame(project, 52, 3) == 50
    assert tl.snap_frame(project, 53, 2) == 53
    assert tl.snap_frame(project, 72, 3) == 70
    tl.add_marker(project, 80)
    assert tl.snap_frame(project, 75, 5) == 70  # the earlier point wins a tie
    assert tl.snap_frame(project, 52, 3, exclude_ids={"a"}) == 52
    assert tl.snap_frame(project, 333, 5, playhead=330) == 330
    assert tl.snap_frame(project, 2, 5) == 0
    assert tl.snap_frame(project, 52, 0) == 52


def test_edits_report_what_they_touched(project):
    edit = tl.delete_clips(project, ["a"], ripple=True)
    assert {"a", "b", "V1"} <= set(edit.affected) and "clips" in edit.kinds
    kf = tl.add_keyframe(project, 3, "k.png")
    assert kf.kinds == ("keyframes", "timeline") and kf.affected == kf.created
