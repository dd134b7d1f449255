"""The timeline's Python side: models pass qtmodeltester, follow edits row by row, filter clips to the
viewport; EditCommand makes one undo step (merged for drags); the controller refuses bad edits cleanly."""
from __future__ import annotations

from ltx_editor.core import timeline as tl
from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.timeline_controller import TimelineController, timecode
from tests.fakes.projects import make_project

from .timeline_helpers import png, sample_document


def test_models_pass_qtmodeltester(qtmodeltester, tmp_path):
    doc = sample_document(tmp_path)
    ctl = TimelineController(document=doc)
    ctl.setViewport(0, 1000)
    for model in (ctl.tracksModel, ctl.tracksModel.clips_model("v1"), ctl.keyframesModel, ctl.markersModel):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_models_follow_edits_without_reset(tmp_path):
    doc = sample_document(tmp_path)
    ctl = TimelineController(document=doc)
    ctl.setViewport(0, 2000)
    clips = ctl.tracksModel.clips_model("v1")
    resets = []
    clips.modelReset.connect(lambda: resets.append(1))
    before = clips.rowCount()
    assert ctl.splitAtPlayhead() is False  # playhead at 0 is inside no clip
    doc.playheadFrame = 20
    ctl.selectClip("c0", "replace")
    assert ctl.splitAtPlayhead()
    assert clips.rowCount() == before + 1 and not resets
    tail = doc.project.track("v1").clips[1].id
    assert clips.get(clips.indexOf("c0"))["end"] == 20 and clips.get(clips.indexOf(tail))["start"] == 20
    doc.undo()
    assert clips.rowCount() == before and clips.get(clips.indexOf("c0"))["end"] == 48


def test_clip_models_hold_only_the_visible_range(tmp_path):
    project, path = make_project(tmp_path, 1000, create_files=False)
    doc = ProjectDocument(project=project, path=path)
    ctl = TimelineController(document=doc)
    ctl.setViewport(0, 300)  # five clips a track fit in 300 frames
    v1 = ctl.tracksModel.clips_model("v1")
    assert 5 <= v1.rowCount() <= 10 < len(project.track("v1").clips)
    inserted, changed = [], []
    v1.rowsInserted.connect(lambda *a: inserted.append(a))
    v1.dataChanged.connect(lambda *a: changed.append(a))
    rows = v1.rowCount()
    ctl.setViewport(15_000, 15_300)
    starts = [v1.get(i)["start"] for i in range(v1.rowCount())]
    assert starts and all(14_800 <= s <= 15_500 for s in starts)
    # every row was rebound to a new clip; only the difference in count was inserted
    assert len(changed) == rows and sum(last - first + 1 for _, first, last in inserted) == v1.rowCount() - rows


def test_scrolling_and_zooming_a_step_rebind_rows_instead_of_adding_or_removing_them(tmp_path):
    project, path = make_project(tmp_path, 1000, create_files=False)
    ctl = TimelineController(document=ProjectDocument(project=project, path=path))
    ctl.pixelsPerFrame = 2.0
    ctl.setViewport(0, 600)
    v1 = ctl.tracksModel.clips_model("v1")
    added, removed = [], []
    v1.rowsInserted.connect(lambda *a: added.append(a))
    v1.rowsRemoved.connect(lambda *a: removed.append(a))
    for first in range(0, 6000, 37):  # scrolling: clips come and go by ones and twos
        ctl.setViewport(first, first + 600)
    ctl.setViewport(6000, 6000 + 600 * 0.8)  # a zoom step in, then back out
    ctl.setViewport(6000, 6600)
    assert not added and not removed
    starts = sorted(v1.get(i)["start"] for i in range(v1.rowCount()))
    assert starts[0] < 6000 and starts[-1] + 48 > 6600 and starts[-1] < 6600 + 5 * 60  # the view's clips, a few beyond


def test_clip_badges_name_the_take_and_unusual_properties():
    from ltx_editor.ui.timeline_model import badges

    assert badges(1, 1, 1.0, 1.0) == ""
    assert badges(2, 3, 0.5, 0.4) == "T2/3 · 0.5× · 40 %"
    assert badges(1, 2, 1.0, 1.0) == "T1/2" and badges(1, 1, 1.25, 1.0) == "1.25×"


def test_edit_command_merges_a_drag_into_one_undo_step(tmp_path):
    doc = sample_document(tmp_path)
    p = doc.project
    doc.apply_edit(tl.move_clip(p, "c0", None, 4), merge_id=7)
    doc.apply_edit(tl.move_clip(p, "c0", None, 8), merge_id=7)
    doc.apply_edit(tl.move_clip(p, "c0", None, 10), merge_id=7)
    assert doc.undo_stack.count() == 1 and p.find_clip("c0")[1].start == 10
    doc.undo()
    assert p.find_clip("c0")[1].start == 0
    doc.redo()
    assert p.find_clip("c0")[1].start == 10
    doc.apply_edit(tl.move_clip(p, "c0", None, 12), merge_id=8)  # another gesture: its own step
    assert doc.undo_stack.count() == 2


def test_refused_edit_changes_nothing_and_says_why(tmp_path):
    doc = sample_document(tmp_path)
    ctl = TimelineController(document=doc)
    refused = []
    ctl.refused.connect(lambda m, h: refused.append(m))
    assert ctl.setTrackFlag("v1", "locked", True)
    before = doc.project.model_dump()
    ctl.selectClip("c0", "replace")
    assert not ctl.moveSelection("c0", "v1", 10)
    assert not ctl.deleteSelected(False)
    assert doc.project.model_dump() == before
    assert "locked" in refused[0] and "locked" in ctl.message
    assert not ctl.moveSelection("c1", "a1", 0)  # a video clip onto an audio track
    assert "audio track" in refused[-1]


def test_selection_modes(tmp_path):
    ctl = TimelineController(document=sample_document(tmp_path))
    ctl.selectClip("c0", "replace")
    ctl.selectClip("c3", "toggle")
    assert ctl.selectedClipIds == ["c0", "c3"]
    ctl.selectClip("c0", "toggle")
    assert ctl.selectedClipIds == ["c3"]
    ctl.selectClip("c0", "replace")
    ctl.selectClip("c4", "extend")  # V1..V2, frames 0..108: c0, c3 (V1) and c1, c4 (V2)
    assert set(ctl.selectedClipIds) == {"c0", "c1", "c3", "c4"}
    ctl.deleteSelected(False)
    assert ctl.selectedClipIds == []


def test_drag_delta_snaps_and_stays_on_the_timeline(tmp_path):
    ctl = TimelineController(document=sample_document(tmp_path))
    ctl.selectClip("c3", "replace")  # V1 60-108
    ctl.beginDrag(["c3"])
    ctl.pixelsPerFrame = 4.0  # tolerance 2 frames
    assert ctl.dragDelta("c3", 13) == 12  # its end (121) snaps onto c6's start (120)
    assert ctl.dragDelta("c3", -100) == -60  # never before frame 0
    ctl.snapping = False
    assert ctl.dragDelta("c3", 13) == 13


def test_keyframes_landings_and_range(tmp_path):
    doc = sample_document(tmp_path)
    ctl = TimelineController(document=doc)
    image = png(tmp_path / "pics/a.png")
    assert ctl.addKeyframe(45, str(image))
    model = ctl.keyframesModel
    row = model.get(model.indexOf(doc.project.keyframes[1].id))
    assert row["frame"] == 45 and row["landedFrame"] == 48  # the 8-frame grid from the first keyframe
    assert not ctl.addKeyframe(50, str(tmp_path / "nope.png"))
    assert not ctl.addKeyframe(50, str(tmp_path / "demo.ltxproj"))
    ctl.setRange(40, 100)
    assert ctl.keyframesInRange == 2 and (ctl.rangeStart, ctl.rangeEnd) == (40, 100)


def test_timecode():
    assert timecode(0, 24) == "00:00:00:00"
    assert timecode(24 * 3661 + 5, 24) == "01:01:01:05"


def test_a_viewport_without_a_size_keeps_the_clips_shown(tmp_path):
    """QML reports NaN bounds for a timeline view not laid out yet or closing; that is no viewport at all."""
    project, path = make_project(tmp_path, 1000, create_files=False)
    ctl = TimelineController(document=ProjectDocument(project=project, path=path))
    ctl.setViewport(0, 300)
    v1 = ctl.tracksModel.clips_model("v1")
    shown = [v1.get(i)["start"] for i in range(v1.rowCount())]
    for first, last in ((float("nan"), 300.0), (0.0, float("nan")), (float("-inf"), float("inf"))):
        ctl.setViewport(first, last)
        assert [v1.get(i)["start"] for i in range(v1.rowCount())] == shown
