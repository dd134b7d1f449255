"""Where generated clips land: ripple pushes later clips, overwrite replaces the range, all or nothing."""
from __future__ import annotations

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.placement import clear_range, place_clip
from ltx_editor.core.project import Asset, Clip, Project, Take, Track


def _asset(aid: str, frames: int = 100) -> Asset:
    return Asset(id=aid, kind="video", takes=[Take(id=f"t_{aid}", path=f"{aid}.mp4", frame_count=frames)],
                 active_take_id=f"t_{aid}")


def _project(*spans: tuple[int, int]) -> Project:
    clips = [Clip(id=f"c{i}", asset_id="a", take_id="t_a", start=s, in_frame=0, out_frame=e - s)
             for i, (s, e) in enumerate(spans)]
    return Project(assets=[_asset("a"), _asset("new")], tracks=[Track(id="v", kind="video", clips=clips)])


def _spans(project: Project) -> list[tuple[str, int, int]]:
    return [(c.asset_id, c.start, c.end) for c in project.track("v").clips]


def test_clear_range_deletes_trims_and_splits():
    p = _project((0, 10), (12, 18), (20, 40), (50, 90))
    before = p.model_dump()
    edit = clear_range(p, "v", 5, 25)
    assert _spans(p) == [("a", 0, 5), ("a", 25, 40), ("a", 50, 90)]
    assert p.track("v").clips[1].in_frame == 5  # the trimmed head keeps its picture in place
    edit.undo(p)
    assert p.model_dump() == before
    edit = clear_range(p, "v", 60, 70)
    assert _spans(p) == [("a", 0, 10), ("a", 12, 18), ("a", 20, 40), ("a", 50, 60), ("a", 70, 90)]
    assert p.track("v").clips[-1].in_frame == 20
    edit.undo(p)
    assert p.model_dump() == before
    assert clear_range(p, "v", 41, 49) is None


def test_overwrite_places_exactly_and_undoes():
    p = _project((0, 30), (30, 60))
    before = p.model_dump()
    edit = place_clip(p, "v", "new", None, 20, 5, 25, "overwrite")
    assert _spans(p) == [("a", 0, 20), ("new", 20, 40), ("a", 40, 60)]
    _, placed = p.find_clip(edit.primary)
    assert (placed.asset_id, placed.in_frame, placed.out_frame) == ("new", 5, 25)
    edit.undo(p)
    assert p.model_dump() == before
    edit.redo(p)
    assert _spans(p)[1] == ("new", 20, 40)


def test_ripple_pushes_later_clips_right():
    p = _project((0, 30), (30, 60))
    place_clip(p, "v", "new", None, 30, 0, 12, "ripple")
    assert _spans(p) == [("a", 0, 30), ("new", 30, 42), ("a", 42, 72)]


def test_refused_placement_changes_nothing():
    p = _project((0, 30), (30, 60))
    tl.update_track(p, "v", locked=True)
    before = p.model_dump()
    with pytest.raises(EditRefused, match="locked"):
        place_clip(p, "v", "new", None, 10, 0, 12, "overwrite")
    assert p.model_dump() == before
    tl.update_track(p, "v", locked=False)
    before = p.model_dump()
    with pytest.raises(EditRefused, match="past the media"):  # the insert fails after the clear ran
        place_clip(p, "v", "new", None, 10, 0, 200, "overwrite")
    assert p.model_dump() == before
    with pytest.raises(EditRefused, match="before the beginning"):
        place_clip(p, "v", "new", None, -5, 0, 10, "overwrite")
