"""The workflow controller driven the way the GUI drives it (its slots on the real AppController, the real
worker thread and JobQueue, the tiny LTX model): keyframe spans, clip and asset extension, use-this-frame."""
from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from ltx_editor.core import timeline as tl
from ltx_editor.core.keyframe_plan import ModelLimits, plan_keyframes
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.settings import GenerationMode
from tests.fakes.video_probe import probe
from tests.ui.timeline_helpers import center, drag, scene_point
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import add_source_asset, wait_jobs_done

MAX_FRAMES = 257  # the tiny model's catalog entry (ltxv-2b-0.9.8-distilled)


def _pin_keyframes(app, frames):
    """Keyframe PNGs beside the project file, pinned on the lane as undoable edits (as the lane does)."""
    doc = app.document
    folder = doc.working_path.parent / "kf"
    folder.mkdir(exist_ok=True)
    for i, f in enumerate(frames):
        Image.new("RGB", (32, 32), (70 * i, 255 - 70 * i, 120)).save(folder / f"{i}.png")
        doc.apply_edit(tl.add_keyframe(doc.project, f, f"kf/{i}.png", prompt=f"colour {i}"))


def _landed_clips(app):
    return sorted((c for t in app.document.project.tracks for c in t.clips), key=lambda c: c.start)


@pytest.mark.parametrize("frames, segments", [((0, 40, 80), 1), ((0, 160, 320), 2)],
                         ids=["one-conditioned-generation", "chained-segments"])
def test_generate_span_lands_back_to_back_then_one_undo_removes_it(qtbot, app, frames, segments):
    _pin_keyframes(app, frames)
    wf, doc = app.spans, app.document
    plan = plan_keyframes(doc.project.keyframes, ModelLimits(max_frames=MAX_FRAMES), span=(0, frames[-1] + 1))
    assert len(plan.segments) == segments
    preview = wf.spanPreview(0, frames[-1] + 1)
    assert preview["ok"] and [s["frames"] for s in preview["segments"]] == [s.num_frames for s in plan.segments]
    assert "free" in preview["estimate"]

    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        assert wf.generateSpan(0, frames[-1] + 1)  # end exclusive: the last keyframe is in the span
    jobs = wait_jobs_done(qtbot, app, segments)
    assert len(jobs) == segments and not app.errors
    if segments == 1:  # one generation conditioned on all three keyframes
        assert jobs[0].request.mode is GenerationMode.KEYFRAMES
        assert sorted(c.frame_index for c in jobs[0].request.conditions) == [0, 40, 80]
    else:  # the second segment is conditioned on the first one's last frames
        assert [c.kind for c in jobs[1].request.conditions][0] == "video"
    clips = _landed_clips(app)
    assert len(clips) == segments and clips[0].start == 0 and clips[-1].end == frames[-1] + 1
    assert all(a.end == b.start for a, b in zip(clips, clips[1:], strict=False))  # no gap, no overlap
    for clip, seg in zip(clips, plan.segments, strict=True):
        take = doc.project.asset(clip.asset_id).take(clip.take_id)
        assert probe(resolve_media(doc.working_path, take.path)).frames == seg.num_frames == take.frame_count
        assert (clip.start, clip.in_frame, clip.out_frame) == (seg.timeline_start, seg.in_frame, seg.out_frame)
    # The results came into the bin once each (the workflow took them in, not the bin intake as well).
    assert len(doc.project.assets) == segments and {j.result_asset_id for j in jobs} == {c.asset_id for c in clips}
    assert doc.undoText == "Generate keyframe span"
    doc.undo()
    assert _landed_clips(app) == [] and len(doc.project.assets) == segments  # undo never loses a result
    assert len(doc.project.keyframes) == len(frames)
    doc.redo()
    assert [(c.start, c.end) for c in _landed_clips(app)] == [(c.start, c.end) for c in clips]


def test_generate_span_refusals_change_nothing(qtbot, app):
    wf, doc = app.spans, app.document
    assert not wf.generateSpan(0, 100)  # no keyframes
    _pin_keyframes(app, (0, 3))  # closer than the model's 8-frame grid
    assert not wf.generateSpan(0, 10)
    (resolve_media(doc.working_path, "kf/0.png")).unlink()
    doc.apply_edit(tl.move_keyframe(doc.project, doc.project.keyframes[1].id, 40))
    assert not wf.generateSpan(0, 41)  # a keyframe image is missing
    assert [m for m, _ in app.errors] == ["There are no keyframes in the selected span.",
                                         app.errors[1][0], "The image 0.png is missing."]
    assert "same frame" in app.errors[1][0]
    assert app.worker.queue.jobs == [] and _landed_clips(app) == []


@pytest.fixture
def three_clips(app, source_video):
    """V1: `before` [0, 20), the 25-frame source [24, 49), `after` [49, 69) — all of the generated clip."""
    doc = app.document
    asset = add_source_asset(app, source_video)
    ids = []
    for start, out in ((0, 20), (24, 25), (49, 20)):
        edit = tl.insert_clip(doc.project, "v1", asset, start, out_frame=out)
        doc.apply_edit(edit)
        ids.append(edit.created[0])
    return ids


def _spans(app):
    return [(c.id, c.start, c.end) for c in app.document.project.track("v1").clips]


def test_extend_forward_ripple_and_undo(qtbot, app, three_clips):
    before, src, after = three_clips
    wf, doc = app.spans, app.document
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        assert wf.extendClip(src, "forward", 0.5, 9, 0.9, "ripple")
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.EXTEND_FORWARD
    cond = job.request.conditions[0]
    assert (cond.kind, cond.frame_index, cond.num_frames, cond.strength) == ("video", 0, 9, 0.9)
    assert probe(job.result.video_path).frames == 25  # 9 conditioning + 16 (12 new, rounded up to 8k)
    spans = _spans(app)
    ext = spans[2][0]
    assert spans == [(before, 0, 20), (src, 24, 49), (ext, 49, 61), (after, 61, 81)]  # 12 frames, rippled
    assert doc.project.find_clip(ext)[1].in_frame == 9  # the repeated conditioning frames are skipped
    assert doc.undoText == "Extend clip forward"
    doc.undo()
    assert _spans(app) == [(before, 0, 20), (src, 24, 49), (after, 49, 69)]


def test_extend_backward_overwrite(qtbot, app, three_clips):
    before, src, after = three_clips
    wf, doc = app.spans, app.document
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        assert wf.extendClip(src, "backward", 0.5, 9, 1.0, "overwrite")
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.EXTEND_BACKWARD
    assert job.request.conditions[0].frame_index == 16  # the clip's first 9 frames close the output
    spans = _spans(app)
    ext = spans[1][0]
    # Overwrite: `before` lost the frames the extension now covers; nothing moved.
    assert spans == [(before, 0, 12), (ext, 12, 24), (src, 24, 49), (after, 49, 69)]
    doc.undo()
    assert _spans(app) == [(before, 0, 20), (src, 24, 49), (after, 49, 69)]


def test_extend_refusals(qtbot, app, three_clips):
    _, src, _ = three_clips
    wf = app.spans
    assert not wf.extendClip(src, "sideways", 1.0, 9, 1.0, "ripple")
    assert not wf.extendClip(src, "forward", 1.0, 9, 1.0, "shove")
    assert not wf.extendClip("clip_gone", "forward", 1.0, 9, 1.0, "ripple")
    assert not wf.extendClip(src, "forward", 60.0, 9, 1.0, "ripple")  # past the model's 257 frames
    assert [m.split(" ")[0] for m, _ in app.errors] == ["Unknown", "Unknown", "The", "The"]
    assert "at most 257 frames" in app.errors[3][0] and app.errors[3][1].startswith("Extend by at most")
    assert app.worker.queue.jobs == []


def test_extend_asset_makes_a_new_asset_in_the_bin(qtbot, app, source_video):
    wf, doc = app.spans, app.document
    asset = add_source_asset(app, source_video)
    assert wf.extendAsset(asset)
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.EXTEND_FORWARD and job.request.conditions[0].num_frames == 9
    new = doc.project.asset(job.result_asset_id)
    assert new.id != asset and new.name == "source (extended)"
    assert new.active_take.frame_count == 9 + 48 == probe(job.result.video_path).frames  # 2 s at 24 fps
    assert len(doc.project.assets) == 2


def test_use_this_frame(qtbot, app, three_clips):
    before, src, _ = three_clips
    wf, doc, gen = app.frames, app.document, app.generate
    assert wf.frameToKeyframe("", 30)  # the topmost clip at frame 30: the source clip's frame 6
    (kf,) = doc.project.keyframes
    png = resolve_media(doc.working_path, kf.image)
    assert kf.frame == 30 and png.is_file() and png.suffix == ".png"
    assert png.is_relative_to(doc.output_dir()) and png.name.endswith("_f6.png")
    assert doc.undoText and doc.canUndo
    doc.undo()
    assert doc.project.keyframes == []

    asset = doc.project.find_clip(src)[1].asset_id
    assert wf.assetFrameToKeyframe(asset, 3, 100)
    assert [(k.frame, k.image.endswith("_f3.png")) for k in doc.project.keyframes] == [(100, True)]

    assert wf.frameToImageInput(before, 10)
    assert gen.mode == GenerationMode.IMAGE_TO_VIDEO.value and gen.sourceImage.endswith("_f10.png")
    assert wf.assetFrameToImageInput(asset, -1)  # -1: the last frame
    assert gen.sourceImage.endswith("_f24.png")

    assert not wf.frameToKeyframe("", 500)  # no clip there
    assert not wf.assetFrameToImageInput(asset, 99)
    assert [m for m, _ in app.errors][0] == "No video clip at frame 500."
    assert len(app.errors) == 2 and len(doc.project.keyframes) == 1


# -- through the timeline's own QML (qml/timeline/), with the span controller and frame actions ----------------------
def _timeline(qtbot, load_qml, app):
    """The timeline QML, returned once every clip's delegate is laid out (not after a fixed pause)."""
    tl = load_qml("timeline/Timeline.qml", document=app.document, spans=app.spans, frames=app.frames)
    clip_ids = [c.id for t in app.document.project.tracks for c in t.clips]

    def laid_out():
        items = [tl.find(f"clip_{c}") for c in clip_ids]
        return all(i is not None and i.property("width") > 0 for i in items)

    qtbot.waitUntil(laid_out)
    return tl


def test_timeline_range_on_the_keyframe_lane_generates_a_span(qtbot, load_qml, app):
    _pin_keyframes(app, (0, 40, 80))
    tl = _timeline(qtbot, load_qml, app)
    ruler, button = tl.find("ruler"), tl.find("generateSpan")
    px = 4.0  # the timeline's default zoom: pixels per frame
    drag(tl.window, scene_point(ruler, 0, 10), scene_point(ruler, 80 * px, 10),
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: button.property("visible") and button.property("enabled"))
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        tl_click(tl.window, center(button))
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.KEYFRAMES and len(job.request.conditions) == 3
    (clip,) = _landed_clips(app)
    assert (clip.start, clip.end) == (0, 81) and probe(job.result.video_path).frames == 81
    qtbot.waitUntil(lambda: tl.find(f"clip_{clip.id}") is not None)  # the landed clip shows on the timeline
    assert not app.errors


def _pick_from_clip_menu(qtbot, tl, clip_item, entry):
    """Right-click the clip, wait until its menu has finished opening (a busy machine is slow to lay it out),
    then click `entry` and wait for the menu to close."""
    menu = tl.find("clipMenu")
    tl_click(tl.window, center(clip_item), button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: menu.property("opened"))
    target = tl.find(entry)
    qtbot.waitUntil(lambda: target.property("visible") and target.property("width") > 0)
    tl_click(tl.window, center(target))
    qtbot.waitUntil(lambda: not menu.property("visible"))


def test_timeline_clip_menu_extends_a_clip_and_pins_a_frame(qtbot, load_qml, app, three_clips):
    before, src, after = three_clips
    tl = _timeline(qtbot, load_qml, app)
    app.document.playheadFrame = 30
    item = tl.find(f"clip_{src}")
    _pick_from_clip_menu(qtbot, tl, item, "frameToKeyframeItem")
    qtbot.waitUntil(lambda: len(app.document.project.keyframes) == 1)  # the click lands after the menu opened
    (kf,) = app.document.project.keyframes
    assert kf.frame == 30 and resolve_media(app.document.working_path, kf.image).is_file()

    _pick_from_clip_menu(qtbot, tl, item, "extendItem")
    qtbot.waitUntil(lambda: tl.find("extendPopup").property("visible"))
    tl.find("extendSeconds").setProperty("value", 1)  # forward, 9 conditioning frames, ripple: the defaults
    with qtbot.waitSignal(app.intake.landed, timeout=240_000):
        tl_click(tl.window, center(tl.find("extendSubmit")))
    (job,) = wait_jobs_done(qtbot, app, 1)
    assert job.request.mode is GenerationMode.EXTEND_FORWARD and probe(job.result.video_path).frames == 33
    spans = _spans(app)
    assert spans == [(before, 0, 20), (src, 24, 49), (spans[2][0], 49, 73), (after, 73, 93)]
    qtbot.waitUntil(lambda: tl.find(f"clip_{spans[2][0]}") is not None)
    assert not app.errors


def test_dropping_a_video_asset_on_the_keyframe_lane_pins_its_first_frame(qtbot, load_qml, app, source_video):
    from tests.ui.test_timeline_qml import drop_asset  # the bin's drag: Drag.keys ltx-asset + assetId

    asset = add_source_asset(app, source_video)
    tl = _timeline(qtbot, load_qml, app)
    drop_asset(tl, asset, tl.find("keyframeLane"), 4.0 * 120)
    qtbot.waitUntil(lambda: len(app.document.project.keyframes) == 1)
    (kf,) = app.document.project.keyframes
    png = resolve_media(app.document.working_path, kf.image)
    assert kf.frame == 120 and png.is_file() and png.name.endswith("_f0.png")
    assert app.document.undoText and not app.errors


def test_extension_of_a_clip_deleted_meanwhile_stays_in_the_bin_once(qtbot, app, three_clips):
    before, src, after = three_clips
    doc = app.document
    assert app.spans.extendClip(src, "forward", 0.5, 9, 1.0, "ripple")
    doc.apply_edit(tl.delete_clips(doc.project, [src]))  # before the job can finish (updates arrive later)
    steps = doc.undo_stack.count()
    (job,) = wait_jobs_done(qtbot, app, 1)
    qtbot.waitUntil(lambda: bool(app.errors))
    assert app.errors == [("The extended clip is no longer on the timeline; the extension is in the bin.",
                           "Drag it from the bin to place it.")]
    assert len(doc.project.assets) == 2 and job.result_asset_id != doc.project.assets[0].id  # taken in once
    assert _spans(app) == [(before, 0, 20), (after, 49, 69)] and doc.undo_stack.count() == steps  # nothing placed
