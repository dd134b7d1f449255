"""Several bin assets deleted as one edit: all or nothing (refused while any is on the timeline), undone back
to the same bin; placed on the timeline in order as one step."""
from __future__ import annotations

import pytest

from ltx_editor.core import bin_edits
from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import group
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Project, Take


def _project() -> Project:
    assets = [Asset(id=f"a{i}", name=f"clip {i}", kind="video", active_take_id=f"t{i}",
                    takes=[Take(id=f"t{i}", path=f"{i}.mp4", frame_count=24, width=64, height=64, has_audio=i == 1)])
              for i in range(4)]
    return Project(assets=assets)


def test_deleting_several_assets_is_one_edit():
    p = _project()
    before = p.model_dump()
    edit = bin_edits.delete_assets(p, ["a0", "a2", "a3"])
    assert [a.id for a in p.assets] == ["a1"] and edit.label == "Delete 3 assets"
    edit.undo(p)
    assert p.model_dump() == before
    edit.redo(p)
    assert [a.id for a in p.assets] == ["a1"]


def test_deleting_is_refused_while_one_is_on_the_timeline():
    p = _project()
    tl.place_asset(p, "a2")  # makes V1 for it
    before = p.model_dump()
    with pytest.raises(EditRefused, match="clip 2 is used on the timeline"):
        bin_edits.delete_assets(p, ["a0", "a2"])
    assert p.model_dump() == before
    with pytest.raises(EditRefused, match="Select the media"):
        bin_edits.delete_assets(p, [])


def test_placing_several_assets_goes_in_order_as_one_step():
    p = _project()
    with group(p, "Add to timeline") as g:
        for a in ("a0", "a1", "a2"):
            g.add(tl.place_asset(p, a))
    video = p.tracks_of_kind("video")[0]
    assert [(c.asset_id, c.start) for c in video.clips] == [("a0", 0), ("a1", 24), ("a2", 48)]
    sound = p.tracks_of_kind("audio")[0]  # only a1 has sound: A1 made for it, linked
    assert [(c.asset_id, c.start, c.link) for c in sound.clips] == [("a1", 24, video.clips[1].id)]
    g.edit.undo(p)
    assert p.tracks == []
