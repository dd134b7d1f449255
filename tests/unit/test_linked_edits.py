"""A video and its own sound as linked clips: placed together (A1 made when missing), moved, trimmed, split,
deleted and rippled together in one edit each, unlinked on request; cut/copy/paste keeps relative positions.
Every edit is undone and redone back to the exact project it started from."""
from __future__ import annotations

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Clip, Project, Take, Track


def _project(audio_track: bool = False) -> Project:
    assets = [Asset(id="vid", name="holiday", kind="video", active_take_id="vt",
                    takes=[Take(id="vt", path="holiday.mp4", frame_count=100, width=64, height=64, has_audio=True)]),
              Asset(id="mute", name="silent", kind="video", active_take_id="mt",
                    takes=[Take(id="mt", path="silent.mp4", frame_count=50, width=64, height=64)]),
              Asset(id="gen", name="shot", kind="generated", active_take_id="gt",
                    takes=[Take(id="gt", path="gen.mp4", frame_count=49, width=64, height=64, has_audio=True)])]
    tracks = [Track(id="V1", kind="video", name="V1")]
    if audio_track:
        tracks.append(Track(id="A1", kind="audio", name="A1"))
    return Project(assets=assets, tracks=tracks)


def _placed(project: Project, start: int = 10) -> tuple[str, str]:
    edit = tl.place_asset(project, "vid", "V1", start)
    return edit.created[0], edit.created[1]


def _span(project: Project, clip_id: str) -> tuple[str, int, int, int, int, str | None]:
    track, c = project.find_clip(clip_id)
    return track.name, c.start, c.end, c.in_frame, c.out_frame, c.link


def _round_trip(project: Project, edit) -> None:
    """Undo gives back the project before the edit; redo the one after."""
    after = project.model_dump()
    edit.undo(project)
    before = project.model_dump()
    edit.redo(project)
    assert project.model_dump() == after
    edit.undo(project)
    assert project.model_dump() == before
    edit.redo(project)


def test_a_video_with_sound_comes_with_its_sound_linked_on_a_new_a1():
    p = _project()
    before = p.model_dump()
    edit = tl.place_asset(p, "vid", "V1", 10)
    video, sound, a1 = edit.created
    assert [t.name for t in p.tracks] == ["V1", "A1"] and p.tracks[1].id == a1 and p.tracks[1].kind == "audio"
    assert _span(p, video) == ("V1", 10, 110, 0, 100, sound)
    assert _span(p, sound) == ("A1", 10, 110, 0, 100, video)
    edit.undo(p)
    assert p.model_dump() == before  # the track made for the sound goes too
    edit.redo(p)
    assert _span(p, sound) == ("A1", 10, 110, 0, 100, video)


def test_sound_goes_on_an_existing_a1_or_the_next_free_audio_track():
    p = _project(audio_track=True)
    video, sound = _placed(p, 0)
    assert _span(p, sound)[0] == "A1" and len(p.tracks) == 2
    # V1 is busy at 0-100, so a second one goes after it on V1; A1 is free there too
    edit = tl.place_asset(p, "vid")
    assert _span(p, edit.created[0])[:3] == ("V1", 100, 200) and _span(p, edit.created[1])[:3] == ("A1", 100, 200)
    # a clip on V2 at 0: A1 is busy at 0-100, so the sound gets a new A2
    tl.add_track(p, "video")
    v2 = p.tracks_of_kind("video")[0].id
    edit = tl.place_asset(p, "vid", v2, 0)
    assert _span(p, edit.created[1])[0] == "A2"
    _round_trip(p, edit)


def test_silent_and_generated_videos_and_audio_assets_stay_single_clips():
    p = _project()
    assert len(tl.place_asset(p, "mute", "V1", 0).created) == 1
    assert len(tl.place_asset(p, "gen", "V1").created) == 1
    assert [t.name for t in p.tracks] == ["V1"]


def test_linked_clips_move_together_in_one_edit():
    p = _project()
    video, sound = _placed(p)
    edit = tl.move_clips(p, [video], 20)
    assert _span(p, video)[1] == 30 and _span(p, sound)[1] == 30
    _round_trip(p, edit)
    edit = tl.move_clip(p, sound, None, 5)  # dragging the sound moves the picture as well
    assert _span(p, video)[1] == 5 and _span(p, sound)[1] == 5
    _round_trip(p, edit)


def test_moving_a_linked_pair_to_another_video_track_keeps_the_sound_on_its_track():
    p = _project()
    video, sound = _placed(p)
    tl.add_track(p, "video")
    edit = tl.move_clips(p, [video, sound], 4, track_delta=-1)  # up one video track (V2 is listed first)
    assert _span(p, video)[:2] == ("V2", 14) and _span(p, sound)[:2] == ("A1", 14)
    _round_trip(p, edit)


def test_linked_clips_trim_together_and_the_limits_hold_for_both():
    p = _project()
    video, sound = _placed(p)
    edit = tl.trim_clip(p, video, "in", 30)
    assert _span(p, video) == ("V1", 30, 110, 20, 100, sound) and _span(p, sound) == ("A1", 30, 110, 20, 100, video)
    _round_trip(p, edit)
    edit = tl.trim_clip(p, sound, "out", 90)
    assert _span(p, video)[2] == 90 and _span(p, sound)[2] == 90
    _round_trip(p, edit)
    # something after the sound on A1 limits the picture's out edge too
    p2 = _project(audio_track=True)
    v2, s2 = _placed(p2, 0)
    tl.trim_clip(p2, v2, "out", 50)
    blocker = Asset(id="snd", name="music", kind="audio", active_take_id="st",
                    takes=[Take(id="st", path="m.wav", frame_count=500, has_audio=True)])
    p2.assets = [*p2.assets, blocker]
    tl.insert_clip(p2, "A1", "snd", 60)
    assert tl.trim_limits(p2, v2, "out") == (1, 60)
    with pytest.raises(EditRefused, match="overlap"):
        tl.trim_clip(p2, v2, "out", 70)
    assert _span(p2, v2)[2] == 50 and _span(p2, s2)[2] == 50  # refused: neither changed


def test_split_cuts_both_and_links_the_new_halves():
    p = _project()
    video, sound = _placed(p)
    edit = tl.split_clip(p, video, 50)
    tail_v, tail_s = edit.created
    assert _span(p, video) == ("V1", 10, 50, 0, 40, sound) and _span(p, sound) == ("A1", 10, 50, 0, 40, video)
    assert _span(p, tail_v) == ("V1", 50, 110, 40, 100, tail_s) and _span(p, tail_s) == ("A1", 50, 110, 40, 100, tail_v)
    _round_trip(p, edit)
    # splitting both at once (no selection: everything under the playhead) is the same single cut
    p2 = _project()
    v2, s2 = _placed(p2)
    edit2 = tl.split_clips(p2, [v2, s2], 50)
    assert len(edit2.created) == 2 and sum(len(t.clips) for t in p2.tracks) == 4


def test_delete_and_ripple_delete_take_the_sound_along():
    p = _project()
    first, first_sound = _placed(p, 0)
    second, second_sound = tl.place_asset(p, "vid").created[:2]
    edit = tl.delete_clips(p, [first], ripple=True)
    assert {c.id for t in p.tracks for c in t.clips} == {second, second_sound}
    assert _span(p, second)[1] == 0 and _span(p, second_sound)[1] == 0
    _round_trip(p, edit)


def test_unlink_separates_them():
    p = _project()
    video, sound = _placed(p)
    edit = tl.unlink_clips(p, [video])
    assert _span(p, video)[-1] is None and _span(p, sound)[-1] is None
    tl.move_clips(p, [video], 5)
    assert _span(p, video)[1] == 15 and _span(p, sound)[1] == 10
    with pytest.raises(EditRefused, match="linked"):
        tl.unlink_clips(p, [video])
    p2 = _project()
    v2, s2 = _placed(p2)
    edit = tl.unlink_clips(p2, [s2])
    _round_trip(p2, edit)
    edit.undo(p2)
    assert _span(p2, v2)[-1] == s2


def test_a_link_to_a_clip_that_is_gone_is_ignored():
    """Projects saved before links were kept in step (or edited by hand) still edit."""
    p = _project()
    p.tracks[0].clips.append(Clip(id="old", asset_id="vid", take_id="vt", start=0, out_frame=10, link="nowhere"))
    p = Project.model_validate(p.model_dump())
    edit = tl.move_clips(p, ["old"], 3)
    assert _span(p, "old")[1] == 3
    _round_trip(p, edit)


def test_paste_keeps_relative_positions_and_links():
    p = _project()
    video, sound = _placed(p, 10)
    other = tl.place_asset(p, "mute", "V1", 200).created[0]
    copied = [(t.id, c) for t in p.tracks for c in t.clips]
    edit = tl.paste_clips(p, copied, 400, "V1")
    assert len(edit.created) == 3
    new = {c.id: (t.name, c) for t in p.tracks for c in t.clips if c.id in edit.created}
    starts = sorted((name, c.start, c.asset_id) for name, c in new.values())
    assert starts == [("A1", 400, "vid"), ("V1", 400, "vid"), ("V1", 590, "mute")]
    pasted_video = next(c for name, c in new.values() if name == "V1" and c.asset_id == "vid")
    assert new[pasted_video.link][0] == "A1" and new[pasted_video.link][1].link == pasted_video.id
    assert _span(p, video)[1] == 10 and _span(p, other)[1] == 200  # the originals are untouched
    _round_trip(p, edit)


def test_paste_onto_another_track_and_refusals():
    p = _project()
    video = tl.place_asset(p, "mute", "V1", 0).created[0]
    tl.add_track(p, "video")
    v2 = p.tracks_of_kind("video")[0].id
    copied = [("V1", p.find_clip(video)[1])]
    edit = tl.paste_clips(p, copied, 0, v2)
    assert p.find_clip(edit.created[0])[0].id == v2
    before = p.model_dump()
    with pytest.raises(EditRefused, match="overlap"):
        tl.paste_clips(p, copied, 20, "V1")  # on top of the original
    with pytest.raises(EditRefused, match="nothing to paste"):
        tl.paste_clips(p, [], 0, "V1")
    assert p.model_dump() == before
