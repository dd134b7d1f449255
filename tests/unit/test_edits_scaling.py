"""Edits cost what they change: with 10x the clips (or assets, or markers), one edit, its undo and its redo
take at most 2x the time, as the editor runs them on the GUI thread (the core edit, the undo stack, and the
timeline and bin models following it). Growth is asserted, not absolute times; each figure is the GUI
thread's CPU time (time.thread_time), the minimum of several repetitions, small and large taken in turn, so
a busy machine slows both alike. tests/bench/bench_edits.py prints the figures."""
from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from ltx_editor.core import bin_edits
from ltx_editor.core import timeline as tl
from ltx_editor.core.project import Asset, Clip, Marker, Project, Take, Track
from ltx_editor.ui.bin_model import BinModel
from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.timeline_controller import TimelineController

STEP = 50
REPEATS = 9
GROWTH = 2.0


def _project(clips: int, assets: int = 20, markers: int = 0) -> Project:
    made = [Asset(id=f"a{i}", name=f"a{i}", kind="video", active_take_id=f"a{i}-t0",
                  takes=[Take(id=f"a{i}-t{k}", path=f"m/a{i}-{k}.mp4", frame_count=100) for k in range(2)])
            for i in range(assets)]
    return Project(assets=made, tracks=[Track(id="V1", kind="video", clips=[
        Clip(id=f"c{i}", asset_id=f"a{i % 20}", take_id=f"a{i % 20}-t0", start=i * STEP, out_frame=40)
        for i in range(clips)])], markers=[Marker(id=f"m{i}", frame=i * 3) for i in range(markers)])


class _Editor:
    """A document with the models the editor hangs on it (timeline tracks/clips/markers/keyframes, bin)."""

    def __init__(self, project: Project) -> None:
        self.doc = ProjectDocument(project=project)
        self.timeline = TimelineController(document=self.doc)
        self.timeline.setViewport(0, 2000)
        self.bin = BinModel(document=self.doc)

    def edit_undo_redo(self, make: Callable[[Project], object]) -> tuple[float, float, float]:
        doc = self.doc
        t0 = time.thread_time()
        doc.apply_edit(make(doc.project))
        t1 = time.thread_time()
        doc.undo()
        t2 = time.thread_time()
        doc.redo()
        t3 = time.thread_time()
        doc.undo()
        return t1 - t0, t2 - t1, t3 - t2


def _growth(small: Project, large: Project, make_small, make_large) -> list[float]:
    editors = {"small": (_Editor(small), make_small), "large": (_Editor(large), make_large)}
    best = {name: [float("inf")] * 3 for name in editors}
    for _ in range(REPEATS):
        for name, (editor, make) in editors.items():
            best[name] = [min(a, b) for a, b in zip(best[name], editor.edit_undo_redo(make), strict=True)]
    return [lg / max(sm, 1e-6) for sm, lg in zip(best["small"], best["large"], strict=True)]


CLIP_EDITS = {
    "trim": lambda n: lambda p: tl.trim_clip(p, f"c{n // 2}", "out", (n // 2) * STEP + 30),
    "split": lambda n: lambda p: tl.split_clip(p, f"c{n // 2}", (n // 2) * STEP + 10),
    "move": lambda n: lambda p: tl.move_clip(p, f"c{n // 2}", None, (n // 2) * STEP + 5),
    "delete": lambda n: lambda p: tl.delete_clips(p, [f"c{n // 2}"]),
    "switch take": lambda n: lambda p: tl.set_clip_take(p, f"c{n // 2}", f"a{(n // 2) % 20}-t1"),
    "append": lambda n: lambda p: tl.append_clip(p, "V1", "a1", out_frame=20),
    "ripple delete near the end": lambda n: lambda p: tl.delete_clips(p, [f"c{n - 5}"], ripple=True),
}


@pytest.mark.parametrize("name", sorted(CLIP_EDITS))
def test_a_clip_edit_costs_the_same_at_10x_the_clips(qapp, name):
    ratios = _growth(_project(1_000), _project(10_000), CLIP_EDITS[name](1_000), CLIP_EDITS[name](10_000))
    assert max(ratios) <= GROWTH, f"{name}: edit/undo/redo grew {ratios} with 10x the clips"


def test_a_bin_change_costs_the_same_at_10x_the_assets(qapp):
    ratios = _growth(_project(100, assets=500), _project(100, assets=5_000),
                     lambda p: bin_edits.set_active_take(p, "a250", "a250-t1"),
                     lambda p: bin_edits.set_active_take(p, "a2500", "a2500-t1"))
    assert max(ratios) <= GROWTH, f"switch take grew {ratios} with 10x the assets"


def test_a_marker_edit_costs_the_same_at_10x_the_markers(qapp):
    ratios = _growth(_project(100, markers=200), _project(100, markers=2_000),
                     lambda p: tl.move_marker(p, "m100", 5_000), lambda p: tl.move_marker(p, "m1000", 50_000))
    assert max(ratios) <= GROWTH, f"moving a marker grew {ratios} with 10x the markers"


def test_a_ripple_costs_what_it_moves_not_what_it_leaves(qapp):
    """Deleting near the end of a long track moves a few clips: as cheap as on a short track, while a ripple
    at the start moves every clip and may cost more (what it changes)."""
    ratios = _growth(_project(1_000), _project(10_000), lambda p: tl.delete_clips(p, ["c990"], ripple=True),
                     lambda p: tl.delete_clips(p, ["c9990"], ripple=True))
    assert max(ratios) <= GROWTH
