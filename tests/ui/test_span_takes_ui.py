"""N takes of a keyframe span through the timeline's own QML on the real AppController and the tiny LTX model:
select the span, right-click it on the keyframe lane, "N takes of this span…" -> TakesBatchDialog shows the
batch's total cost before anything is queued -> Generate: the first take lands on the timeline, the others become
takes of that clip, which switches to each as it lands (one undo step each); undo steps back, losing no take."""
from __future__ import annotations

import time

from PIL import Image
from PySide6.QtCore import QMetaObject, Qt

from ltx_editor.core import timeline as tl
from tests.ui.timeline_helpers import center, drag, scene_point
from tests.ui.timeline_helpers import click as tl_click
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import click, find_item, wait_jobs_done

PX = 4.0  # the timeline's default zoom: pixels per frame


def _pin(app, frames):
    doc = app.document
    folder = doc.working_path.parent / "kf"
    folder.mkdir(exist_ok=True)
    for i, f in enumerate(frames):
        Image.new("RGB", (32, 32), (200 * i, 60, 200 - 150 * i)).save(folder / f"{i}.png")
        doc.apply_edit(tl.add_keyframe(doc.project, f, f"kf/{i}.png"))


def _settled(qtbot, item, still_ms: float = 150) -> None:
    """Wait until the item has stayed put for `still_ms`: a menu that has just opened may still move to fit the
    window once its items are laid out (a click at its first position can miss)."""
    since = {"at": None, "t": 0.0}

    def still() -> bool:
        here, now = center(item), time.monotonic()
        if here != since["at"]:
            since["at"], since["t"] = here, now
        return item.property("visible") and item.property("width") > 0 and now - since["t"] >= still_ms / 1000

    qtbot.waitUntil(still, timeout=10_000)


def _clips(app):
    return [c for t in app.document.project.tracks for c in t.clips]


def test_n_takes_of_a_span_from_its_menu_cost_first_then_each_take_shows_as_one_undo_step(qtbot, load_qml, app):
    doc = app.document
    _pin(app, (0, 16))
    view = load_qml("timeline/Timeline.qml", document=doc, spans=app.spans, frames=app.frames, takes=app.takes)
    own = [w for w in view.warnings if any(f in w for f in ("TakesBatchDialog", "KeyframeLane", "TimelineToolbar"))]
    assert not own, own
    window, lane = view.window, view.find("keyframeLane")
    drag(window, scene_point(view.find("ruler"), 0, 10), scene_point(view.find("ruler"), 16 * PX, 10),
         modifiers=Qt.KeyboardModifier.ShiftModifier)  # the span 0-16: both keyframes, one generation
    toolbar_button = view.find("spanTakes")
    qtbot.waitUntil(lambda: toolbar_button.property("visible") and toolbar_button.property("enabled"), timeout=10_000)

    menu = view.find("spanMenu")
    tl_click(window, scene_point(lane, 8 * PX, 10), button=Qt.MouseButton.RightButton)  # inside the span
    qtbot.waitUntil(lambda: menu.property("opened"), timeout=10_000)
    item = view.find("spanTakesItem")
    _settled(qtbot, item)
    tl_click(window, center(item))
    qtbot.waitUntil(lambda: not menu.property("visible"), timeout=10_000)
    dialog = view.find("spanTakesDialog")
    qtbot.waitUntil(lambda: dialog.property("opened"), timeout=10_000)
    assert dialog.property("title") == "Takes of this span"

    content = dialog.property("contentItem")
    find_item(content, "takesCount").setProperty("value", 2)
    QMetaObject.invokeMethod(dialog, "refresh", Qt.ConnectionType.DirectConnection)
    estimate = find_item(content, "takesEstimate")
    qtbot.waitUntil(lambda: estimate.property("text").startswith("2 takes: "), timeout=10_000)
    assert "free" in estimate.property("text").lower()
    assert not app.worker.queue.jobs  # the total cost is shown; nothing is queued until Generate

    steps = doc.undo_stack.count()
    click(window, find_item(dialog.property("footer"), "takesGenerateButton"))
    jobs = wait_jobs_done(qtbot, app, 2)  # the second is queued once the first has landed
    assert sorted(j.request.settings.seed for j in jobs) == [7, 8]
    (clip,) = _clips(app)
    assert (clip.start, clip.end) == (0, 17)
    asset = doc.project.asset(clip.asset_id)
    qtbot.waitUntil(lambda: _clips(app)[0].take_id == doc.project.asset(asset.id).takes[-1].id, timeout=20_000)
    takes = doc.project.asset(asset.id).takes
    assert len(takes) == 2 and len(doc.project.assets) == 1 and not app.errors
    assert doc.undo_stack.count() == steps + 2  # the landing, then "Take 2 of the span"
    assert doc.undoText == "Take 2 of the span"
    doc.undo()
    assert _clips(app)[0].take_id == takes[0].id  # back to the first take ...
    assert [t.id for t in doc.project.asset(asset.id).takes] == [t.id for t in takes]  # ... and no take is lost
    assert app.takes.compareClip(clip.id) and len(app.takes.takes) == 2
