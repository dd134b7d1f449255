"""N takes of a shot and of a keyframe span on the real AppController and the tiny LTX model: the batch's total
cost first, seeds base, base + 1, ... (or a sweep over one setting), every take landing as a take of the one
clip, then compared and picked (one undo step). Bad sweeps are refused in words before anything is queued."""
from __future__ import annotations

from PIL import Image

from ltx_editor.core import timeline as tl
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import add_source_asset, click, find_item, wait_jobs_done


def _clips(app):
    return [c for t in app.document.project.tracks for c in t.clips]


def test_three_takes_of_a_shot_land_as_takes_of_its_clip_then_one_is_picked(qtbot, app):
    sb, takes, doc = app.storyboard, app.takes, app.document
    assert sb.addShot("a red kite over the sea", 0.3)
    shot = doc.project.shots[0].id
    preview = takes.shotTakesPreview(shot, 3, "seed", "")
    assert preview["ok"] and preview["takes"] == 3 and "free" in preview["estimate"].lower()
    assert not app.worker.queue.jobs  # the cost came first; nothing is queued yet
    assert takes.generateShotTakes(shot, 3, "seed", "")
    jobs = wait_jobs_done(qtbot, app, 3)
    assert sorted(j.request.settings.seed for j in jobs) == [7, 8, 9]  # the panel's seed 7, then 8, 9
    qtbot.waitUntil(lambda: len(_clips(app)) == 1 and len(doc.project.asset(_clips(app)[0].asset_id).takes) == 3)
    clip = _clips(app)[0]
    asset = doc.project.asset(clip.asset_id)
    assert {t.seed for t in asset.takes} == {7, 8, 9} and not app.errors

    assert takes.compareClip(clip.id)
    assert len(takes.takes) == 3 and sum(t["shown"] for t in takes.takes) == 1
    first = asset.takes[0].id
    steps = doc.undo_stack.count()
    assert takes.pick(first)
    assert _clips(app)[0].take_id == first and doc.project.asset(asset.id).active_take_id == first
    assert doc.undo_stack.count() == steps + 1 and doc.undoText == "Pick take"
    doc.undo()
    assert _clips(app)[0].take_id == clip.take_id


def test_a_sweep_over_one_setting_and_bad_sweeps(qtbot, app):
    sb, takes, doc = app.storyboard, app.takes, app.document
    assert sb.addShot("a lighthouse at dusk", 0.3)
    shot = doc.project.shots[0].id
    bad = takes.shotTakesPreview(shot, 2, "steps", "2, 2.5")
    assert not bad["ok"] and "whole numbers" in bad["problem"]
    bad = takes.shotTakesPreview(shot, 3, "guidance_scale", "1, 3")
    assert not bad["ok"] and "needs 3 values" in bad["problem"]
    bad = takes.shotTakesPreview(shot, 2, "width", "32, 64")
    assert not bad["ok"] and "can sweep" in bad["problem"]
    assert not takes.generateShotTakes(shot, 2, "guidance_scale", "x, y") and "not a list of numbers" in app.errors[-1][0]
    assert app.worker.queue.jobs == []
    assert takes.shotTakesPreview(shot, 2, "guidance_scale", "1, 3")["ok"]
    assert takes.generateShotTakes(shot, 2, "guidance_scale", "1, 3")
    jobs = wait_jobs_done(qtbot, app, 2)
    assert sorted(j.request.settings.guidance_scale for j in jobs) == [1.0, 3.0]
    assert {j.request.settings.seed for j in jobs} == {7}  # only the swept setting differs


def test_two_takes_of_a_span_become_takes_of_the_landed_clip(qtbot, app):
    doc, takes = app.document, app.takes
    folder = doc.working_path.parent / "kf"
    folder.mkdir(exist_ok=True)
    for i, frame in enumerate((0, 16)):
        Image.new("RGB", (32, 32), (200 * i, 40, 200 - 150 * i)).save(folder / f"{i}.png")
        doc.apply_edit(tl.add_keyframe(doc.project, frame, f"kf/{i}.png"))
    chained = takes.spanTakesPreview(0, 600, 2, "seed", "")  # longer than one generation: refused in words
    assert not chained["ok"] and "chained generations" in chained["problem"]
    preview = takes.spanTakesPreview(0, 17, 2, "seed", "")
    assert preview["ok"] and preview["takes"] == 2
    assert takes.generateSpanTakes(0, 17, 2, "seed", "")
    jobs = wait_jobs_done(qtbot, app, 2)  # the second is queued once the first has landed
    assert sorted(j.request.settings.seed for j in jobs) == [7, 8]
    (clip,) = _clips(app)
    qtbot.waitUntil(lambda: len(doc.project.asset(clip.asset_id).takes) == 2)
    assert (clip.start, clip.end) == (0, 17) and len(doc.project.assets) == 1 and not app.errors
    assert takes.compareClip(clip.id) and len(takes.takes) == 2


def test_takes_of_a_retake_sweep_one_setting_then_compare_them(qtbot, app, source_video):
    doc = app.document
    asset = add_source_asset(app, source_video)
    edit = tl.insert_clip(doc.project, "v1", asset, 0, in_frame=0, out_frame=25)
    doc.apply_edit(edit)
    clip = edit.created[0]
    bad = app.retakes.retakeSweepPreview(clip, 8, 16, 2, "guidance_scale", "1")
    assert not bad["ok"] and "needs 2 values" in bad["problem"]
    preview = app.retakes.retakeSweepPreview(clip, 8, 16, 2, "guidance_scale", "1, 2.5")
    assert preview["ok"] and preview["takes"] == 2 and preview["estimate"] and not app.worker.queue.jobs
    assert app.retakes.retakeSweep(clip, 8, 16, "", 2, "guidance_scale", "1, 2.5")
    jobs = wait_jobs_done(qtbot, app, 2)
    assert sorted(j.request.settings.guidance_scale for j in jobs) == [1.0, 2.5]
    assert {j.request.settings.seed for j in jobs} == {7}
    qtbot.waitUntil(lambda: len(doc.project.asset(asset).takes) == 3)  # the source and two retakes
    assert app.takes.compareClip(clip) and len(app.takes.takes) == 3 and not app.errors


def test_n_takes_from_the_storyboard_panel_cost_first(qtbot, load_qml, app):
    loaded = load_qml("StoryboardPanel.qml", size=(720, 520), document=app.document, storyboard=app.storyboard,
                      takes=app.takes)
    view, root = loaded.window, loaded.root
    assert app.storyboard.addShot("a paper boat on a pond", 0.3)
    click(view, find_item(find_item(root, "shot_1"), "takesButton"))
    dialog = loaded.find("takesBatchDialog")
    qtbot.waitUntil(lambda: dialog.property("opened"))
    estimate = find_item(dialog.property("contentItem"), "takesEstimate")
    assert estimate.property("text").startswith("4 takes: ") and "free" in estimate.property("text").lower()
    assert not app.worker.queue.jobs  # the cost is shown; nothing is queued until Generate
    click(view, find_item(dialog.property("footer"), "takesGenerateButton"))
    jobs = wait_jobs_done(qtbot, app, 4)
    assert sorted(j.request.settings.seed for j in jobs) == [7, 8, 9, 10] and not app.errors
