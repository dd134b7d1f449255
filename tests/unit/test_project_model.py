"""The project domain model: validation, invariants and lookups."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from ltx_editor.core.ids import new_id
from ltx_editor.core.project import (
    Asset,
    Clip,
    Folder,
    Keyframe,
    Marker,
    Project,
    ProjectSettings,
    Take,
    Track,
)


def _asset(aid="a1", kind="video", frames=100, has_audio=False):
    return Asset(id=aid, name=aid, kind=kind, active_take_id=f"{aid}t",
                 takes=[Take(id=f"{aid}t", path=f"media/{aid}.mp4", frame_count=frames, has_audio=has_audio)])


def _project(**kw) -> Project:
    return Project(assets=[_asset()], tracks=[Track(id="v1", kind="video", clips=kw.pop("clips", []))], **kw)


def test_new_id_is_short_prefixed_and_unique():
    ids = {new_id("clip") for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(i.startswith("clip_") and len(i) == 15 for i in ids)


def test_clips_are_sorted_and_lookups_work():
    p = _project(clips=[Clip(id="c2", asset_id="a1", take_id="a1t", start=50, out_frame=10),
                        Clip(id="c1", asset_id="a1", take_id="a1t", start=0, in_frame=5, out_frame=55)])
    assert [c.id for c in p.tracks[0].clips] == ["c1", "c2"]
    track, clip = p.find_clip("c2")
    assert track.id == "v1" and clip.end == 60 and clip.duration == 10
    assert p.duration() == 60
    assert p.asset("a1").active_take.frame_count == 100
    assert p.track("v1").kind == "video"
    with pytest.raises(KeyError):
        p.find_clip("nope")
    with pytest.raises(KeyError):
        p.asset("nope")
    with pytest.raises(KeyError):
        p.track("nope")
    assert Project().duration() == 0


@pytest.mark.parametrize("bad", [
    {"start": -1}, {"in_frame": -3}, {"in_frame": 10, "out_frame": 10}, {"in_frame": 11, "out_frame": 10},
    {"start": 10**12},
])
def test_clip_frames_are_validated(bad):
    fields = {"id": "c", "asset_id": "a1", "take_id": "a1t", "start": 0, "out_frame": 10} | bad
    with pytest.raises(ValidationError):
        Clip(**fields)


@pytest.mark.parametrize("fps", [0, -24, float("nan"), float("inf")])
def test_fps_must_be_positive_and_finite(fps):
    with pytest.raises(ValidationError):
        ProjectSettings(fps=fps)


def test_overlapping_clips_are_refused_with_their_ids():
    with pytest.raises(ValidationError, match="'c1' and 'c2' overlap"):
        _project(clips=[Clip(id="c1", asset_id="a1", take_id="a1t", start=0, out_frame=50),
                        Clip(id="c2", asset_id="a1", take_id="a1t", start=49, out_frame=10)])


def test_clip_past_the_media_end_is_refused():
    with pytest.raises(ValidationError, match="past the media's 100 frames"):
        _project(clips=[Clip(id="c1", asset_id="a1", take_id="a1t", start=0, out_frame=101)])


def test_images_have_no_length_limit():
    img = Asset(id="i", kind="image", active_take_id="t", takes=[Take(id="t", path="x.png", frame_count=1)])
    p = Project(assets=[img], tracks=[Track(id="v", kind="video", clips=[
        Clip(id="c", asset_id="i", take_id="t", start=0, out_frame=500)])])
    assert p.duration() == 500


def test_references_are_checked():
    with pytest.raises(ValidationError, match="missing asset"):
        _project(clips=[Clip(id="c", asset_id="zz", take_id="a1t", start=0, out_frame=5)])
    with pytest.raises(ValidationError, match="does not have"):
        _project(clips=[Clip(id="c", asset_id="a1", take_id="zz", start=0, out_frame=5)])
    with pytest.raises(ValidationError, match="active_take_id"):
        Asset(id="a", kind="video", active_take_id="x", takes=[Take(id="t", path="p", frame_count=1)])
    with pytest.raises(ValidationError, match="missing folder"):
        Project(assets=[_asset().model_copy(update={"folder_id": "f9"})])
    with pytest.raises(ValidationError, match="inside itself"):
        Project(folders=[Folder(id="f1", parent_id="f2"), Folder(id="f2", parent_id="f1")])


def test_duplicate_ids_are_refused():
    with pytest.raises(ValidationError, match="clip id 'c' is used more than once"):
        Project(assets=[_asset()], tracks=[
            Track(id="v1", kind="video", clips=[Clip(id="c", asset_id="a1", take_id="a1t", start=0, out_frame=5)]),
            Track(id="v2", kind="video", clips=[Clip(id="c", asset_id="a1", take_id="a1t", start=0, out_frame=5)])])
    with pytest.raises(ValidationError, match="track id"):
        Project(tracks=[Track(id="t", kind="video"), Track(id="t", kind="audio")])


def test_track_kinds_are_enforced():
    audio = _asset("snd", kind="audio")
    with pytest.raises(ValidationError, match="audio only"):
        Project(assets=[audio], tracks=[Track(id="v", kind="video", clips=[
            Clip(id="c", asset_id="snd", take_id="sndt", start=0, out_frame=5)])])
    silent = _asset("mute", kind="video")
    with pytest.raises(ValidationError, match="no sound"):
        Project(assets=[silent], tracks=[Track(id="a", kind="audio", clips=[
            Clip(id="c", asset_id="mute", take_id="mutet", start=0, out_frame=5)])])
    loud = _asset("loud", kind="generated", has_audio=True)
    p = Project(assets=[loud], tracks=[Track(id="a", kind="audio", clips=[
        Clip(id="c", asset_id="loud", take_id="loudt", start=0, out_frame=5)])])
    assert p.tracks[0].clips[0].asset_id == "loud"


def test_unknown_fields_and_bad_values_are_refused():
    with pytest.raises(ValidationError):
        Project.model_validate({"name": "x", "surprise": 1})
    with pytest.raises(ValidationError):
        Marker(id="m", frame=1, color="red")
    with pytest.raises(ValidationError):
        Keyframe(id="k", frame=1, image="a.png", strength=1.5)
    with pytest.raises(ValidationError):
        Project(budget_usd=-1)


def test_round_trip_through_model_dump():
    p = _project(clips=[Clip(id="c1", asset_id="a1", take_id="a1t", start=3, out_frame=50)],
                 keyframes=[Keyframe(id="k", frame=4, image="k.png", prompt="hi")],
                 markers=[Marker(id="m", frame=9)], budget_usd=5.0)
    assert Project.model_validate(p.model_dump(mode="json")) == p
