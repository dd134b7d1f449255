"""The window's dialogs, driven like a person would: a corrupt project file and a failed save end in an error
dialog (and nothing is lost), a newer autosave offers recovery, New/Quit on unsaved work ask first,
the preferences dialog says where keys live, the recipe dialog shows a sidecar."""
import json

from PySide6.QtCore import QObject, Qt
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.project_io import autosave
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click, key, visible_items


def dialog(w, name):
    return w.find(name, QObject)


def test_corrupt_project_file_shows_an_error_and_is_left_untouched(main_window, qtbot, tmp_path):
    w = main_window
    bad = tmp_path / "broken.ltxproj"
    bad.write_bytes(b'{"schema_version": 1, "tracks": [')
    before = bad.read_bytes()
    assert not w.app.openProject(str(bad))
    err = dialog(w, "errorDialog")
    qtbot.waitUntil(lambda: err.property("visible"))
    assert err.property("message") != ""
    shown = [i.property("text") for i in visible_items(w.window, "errorMessage")]
    assert shown == [err.property("message")]
    assert bad.read_bytes() == before and w.app.document.name == "Untitled"


def test_errors_that_arrive_together_are_shown_one_after_another(main_window, qtbot):
    w = main_window
    err = dialog(w, "errorDialog")
    w.app.errorOccurred.emit("First problem.", "Do this.")
    w.app.errorOccurred.emit("Second problem.", "")
    qtbot.waitUntil(lambda: err.property("visible") and err.property("message") == "First problem.")
    assert err.property("hint") == "Do this."
    err.metaObject().invokeMethod(err, "accept")
    qtbot.waitUntil(lambda: err.property("visible") and err.property("message") == "Second problem.")
    assert err.property("shownCount") == 2


def test_newer_autosave_offers_recovery(main_window, qtbot, tmp_path):
    w = main_window
    path = tmp_path / "film.ltxproj"
    assert w.app.saveAs(str(path))
    project = w.app.document.project.model_copy(deep=True)
    project.name = "recovered work"
    autosave(project, path)  # stamped newer than the file whatever the clock's granularity
    w.app.newProject()
    assert not w.app.openProject(str(path))  # asks first
    rec = dialog(w, "recoveryDialog")
    qtbot.waitUntil(lambda: rec.property("opened"))  # fully open: its buttons take clicks
    click(w.window, w.find("recoverButton", QQuickItem))
    qtbot.waitUntil(lambda: w.app.document.project.name == "recovered work")
    assert w.app.document.dirty  # recovered work is unsaved until saved
    assert not rec.property("visible")


def test_new_on_unsaved_work_asks_and_cancel_keeps_it(main_window, qtbot):
    w = main_window
    w.app.document.project.name = "precious"
    w.app.document.mark_dirty("settings")
    w.window.requestActivate()
    key(w.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    ask = dialog(w, "unsavedDialog")
    qtbot.waitUntil(lambda: ask.property("visible"))
    ask.metaObject().invokeMethod(ask, "reject")
    qtbot.waitUntil(lambda: not ask.property("visible"))
    assert w.app.document.project.name == "precious"
    key(w.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ask.property("opened"))
    discard = next(b for b in visible_items(w.window, "") if b.property("text") in ("Discard", "Don't Save", "Close without Saving"))
    click(w.window, discard)
    qtbot.waitUntil(lambda: w.app.document.project.name == "Untitled" and not w.app.document.dirty)


def test_closing_with_unsaved_work_asks_first(main_window, qtbot):
    w = main_window
    w.app.document.mark_dirty("settings")
    w.window.close()
    ask = dialog(w, "unsavedDialog")
    qtbot.waitUntil(lambda: ask.property("visible"))
    assert w.window.isVisible()  # still open until answered
    ask.metaObject().invokeMethod(ask, "reject")


def test_preferences_dialog_names_the_environment_variables_without_a_keychain(main_window, qtbot):
    w = main_window
    prefs = dialog(w, "preferencesDialog")
    w.window.requestActivate()
    key(w.window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: prefs.property("visible"))
    note = w.find("keychainNote", QQuickItem).property("text")
    assert "FAL_KEY" in note and "REPLICATE_API_TOKEN" in note  # the test sandbox has no keychain
    spin = w.find("autosaveSpin", QQuickItem)
    spin.setProperty("value", 7)
    spin.metaObject().invokeMethod(spin, "valueModified")
    assert w.prefs.values.autosave_minutes == 7
    prefs.metaObject().invokeMethod(prefs, "reject")
    qtbot.waitUntil(lambda: not prefs.property("visible"))
    assert json.loads(w.prefs.path.read_text())["autosave_minutes"] == 7  # written on close


def test_recipe_dialog_shows_the_sidecar(main_window, qtbot):
    w = main_window
    w.app.binActions.recipeReady.emit("clip.mp4.json", '{\n  "seed": 42\n}')
    rec = dialog(w, "recipeDialog")
    qtbot.waitUntil(lambda: rec.property("visible"))
    assert '"seed": 42' in w.find("recipeText", QQuickItem).property("text")


def test_export_of_an_empty_timeline_is_an_error_in_words(main_window, qtbot, tmp_path):
    w = main_window
    assert not w.app.exporter.start(str(tmp_path / "out.mp4"))
    err = dialog(w, "errorDialog")
    qtbot.waitUntil(lambda: err.property("visible"))
    assert err.property("message") == "The timeline is empty."
