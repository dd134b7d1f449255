"""The golden path, end to end in the real window on the tiny local LTX model: new project, type a prompt,
Generate, watch the job in the queue, see the clip in the bin with a thumbnail, drag it onto the timeline,
trim, split, undo and redo, save, close the window, launch again and reopen the same timeline, export an MP4
of the timeline's duration."""
from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from ltx_editor.app import create_engine
from ltx_editor.ui.app_controller import AppController
from ltx_editor.ui.preferences import Preferences
from tests.fakes.model_fixtures import *  # noqa: F403 (tiny model fixtures)
from tests.fakes.video_probe import probe
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import (
    center_of,
    choose_in_file_dialog,
    click,
    drag,
    key,
    type_text,
    visible_items,
    wait_settled,
)

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def timeline_state(project):
    return [(t.kind, [(c.asset_id, c.start, c.in_frame, c.out_frame) for c in t.clips]) for t in project.tracks]


def video_clips(project):
    return project.tracks_of_kind("video")[0].clips


def accept_file_dialog(dialog: QObject) -> None:
    dialog.metaObject().invokeMethod(dialog, "accept")


def test_golden_path(main_window, qtbot, tiny_ltx_dir, tmp_path):
    w = main_window
    app, doc, win = w.app, w.app.document, w.window
    win.requestActivate()

    # -- new project ---------------------------------------------------------------------------------------
    key(win, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: doc.name == "Untitled" and not doc.dirty)
    assert app.binModel.rowCount() == 0 and doc.durationFrames == 0

    # -- the tiny local model and a short, small clip --------------------------------------------------------
    w.prefs.localModelPath = str(tiny_ltx_dir)
    w.prefs.allowCpu = True  # no GPU here: local runs on the CPU only when asked (honest readiness)
    gen = app.generate
    assert gen.backend == "local" and gen.modelId == "ltxv-2b-0.9.8-distilled"
    click(win, w.find("customSizeBox", QQuickItem))
    qtbot.waitUntil(lambda: gen.customSize)
    gen.width, gen.height, gen.durationS, gen.steps = 32, 32, 2.0, 2
    prompt = w.find("promptField", QQuickItem)
    click(win, prompt)
    type_text(win, "a red kite over the dunes")
    qtbot.waitUntil(lambda: gen.prompt == "a red kite over the dunes")
    assert gen.canGenerate, gen.problem

    # -- Generate, and watch the job in the queue --------------------------------------------------------------
    seen: list[tuple[str, float, str]] = []

    def note(*_):
        if app.jobs.rowCount():
            row = app.jobs.get(0)
            seen.append((row["jobState"], row["progress"], row["detail"]))

    app.jobs.dataChanged.connect(note)
    app.jobs.rowsInserted.connect(note)
    click(win, w.find("generateButton", QQuickItem))
    qtbot.waitUntil(lambda: app.jobs.rowCount() == 1)
    assert w.find("sideTabs", QQuickItem).property("currentIndex") == 1  # the job queue came to the front
    qtbot.waitUntil(lambda: app.jobs.get(0)["jobState"] == "finished", timeout=180_000)
    states = [s for s, _, _ in seen]
    assert "running" in states and states[-1] == "finished"
    assert any(0 < p < 1 or "step" in d for s, p, d in seen if s == "running"), seen
    qtbot.waitUntil(lambda: [i.property("text") for i in visible_items(win, "jobState")] == ["Done"])

    # -- the clip in the bin, with a thumbnail; the preview plays it ---------------------------------------------
    qtbot.waitUntil(lambda: app.binModel.rowCount() == 1)
    asset_id = app.binModel.get(0)["assetId"]
    # the model that ran: the tiny model's own folder, named (not the catalog entry the panel shows)
    assert app.binModel.get(0)["badge"] == f"Local · {tiny_ltx_dir.name} (custom folder)"
    def thumbnail_shown() -> bool:  # the card is drawn a moment after the row exists; its picture after that
        thumbs = visible_items(win, "binThumbnail")
        return bool(thumbs) and thumbs[0].property("progress") == 1.0 and thumbs[0].implicitWidth() > 0

    qtbot.waitUntil(thumbnail_shown, timeout=20_000)
    assert app.preview.mode == "asset" and app.preview.source.endswith(".mp4")

    # -- drag it onto the first video track -----------------------------------------------------------------
    tracks = w.find("tracksView", QQuickItem)
    qtbot.waitUntil(lambda: tracks.isVisible() and tracks.height() > 0)
    drop_at = tracks.mapToScene(tracks.boundingRect().topLeft()).toPoint() + QPoint(40, 20)
    drag(win, center_of(visible_items(win, "binCard")[0]), drop_at)
    qtbot.waitUntil(lambda: len(video_clips(doc.project)) == 1)
    clip = video_clips(doc.project)[0]
    assert clip.asset_id == asset_id and clip.duration == 49

    # -- trim the clip's end with its handle ------------------------------------------------------------------
    key(win, Qt.Key.Key_Z, SHIFT)  # zoom to fit: the clip fills the lanes
    handle = next(i for i in visible_items(win, "trimOut"))
    qtbot.waitUntil(lambda: handle.width() > 0)
    wait_settled(qtbot, lambda: (center_of(handle), handle.width()))  # the zoom has finished
    start = center_of(handle)
    body = visible_items(win, "clipBody")[0]
    drag(win, start, start - QPoint(int(body.width() * 0.25), 0))
    qtbot.waitUntil(lambda: video_clips(doc.project)[0].duration < 49)
    trimmed = video_clips(doc.project)[0].duration
    assert 25 < trimmed < 49

    # -- split at the playhead, undo, redo -------------------------------------------------------------------
    doc.playheadFrame = video_clips(doc.project)[0].start + trimmed // 2
    key(win, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: len(video_clips(doc.project)) == 2)
    split_state = timeline_state(doc.project)
    key(win, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: len(video_clips(doc.project)) == 1)
    assert video_clips(doc.project)[0].duration == trimmed
    key(win, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: len(video_clips(doc.project)) == 2)
    assert timeline_state(doc.project) == split_state

    # -- save (Ctrl+S asks for a file the first time) --------------------------------------------------------------
    project_file = tmp_path / "kite.ltxproj"
    save_dialog = w.find("saveAsDialog", QObject)
    choose_in_file_dialog(save_dialog, project_file)
    key(win, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: save_dialog.property("visible"))
    qtbot.wait(200)
    accept_file_dialog(save_dialog)
    qtbot.waitUntil(lambda: not doc.dirty and doc.path == str(project_file))
    assert project_file.is_file()
    media = doc.media_path(doc.project.asset(asset_id).active_take.path)
    assert media.is_file() and media.resolve().is_relative_to(tmp_path.resolve())  # moved in from scratch

    mine = [m for m in w.qml_warnings if "/qml/timeline/" not in m and "StoryboardPanel" not in m
            and "ShotDelegate" not in m]
    assert mine == [], mine  # the whole session ran without a QML warning from the window's own files

    # -- close the window, launch again, reopen: the same timeline --------------------------------------------
    win.close()
    qtbot.waitUntil(lambda: not win.isVisible())
    app.shutdown()
    again = AppController(Preferences(path=tmp_path / "prefs2.json"))
    engine = create_engine(again)
    try:
        win2 = engine.rootObjects()[0]
        qtbot.waitExposed(win2)
        again.start()
        assert again.openProject(str(project_file))
        assert timeline_state(again.document.project) == split_state
        assert again.binModel.rowCount() == 1 and not again.document.dirty
        qtbot.waitUntil(lambda: len(visible_items(win2, "binCard")) == 1)

        # -- export through the menu shortcut: an MP4 of the timeline's duration -------------------------------
        out = tmp_path / "kite.mp4"
        win2.requestActivate()
        export_dialog = win2.findChild(QObject, "exportDialog")  # the Export dialog, filled from the project
        key(win2, Qt.Key.Key_E, CTRL)
        qtbot.waitUntil(lambda: export_dialog.property("visible"))
        target = next(i for i in visible_items(win2, "exportTarget"))
        qtbot.waitUntil(lambda: target.property("text") == str(tmp_path / "kite.mp4"))
        finished: list[str] = []
        again.exporter.finished.connect(finished.append)
        click(win2, next(i for i in visible_items(win2, "startExportButton")))
        qtbot.waitUntil(lambda: finished == [str(out)], timeout=120_000)
        qtbot.waitUntil(lambda: bool(visible_items(win2, "openFolderButton")))  # done: the file was probed
        clip_frames = sum(c.duration for c in video_clips(again.document.project))
        assert clip_frames == trimmed
        assert probe(out).frames == again.document.project.duration()
        QTest.qWait(10)
    finally:
        win2.setProperty("closeConfirmed", True)
        win2.close()
        again.shutdown()
        again.document.undo_stack.blockSignals(True)
        engine.deleteLater()
