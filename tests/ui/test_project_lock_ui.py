"""One project, one editor, in the window: a project another editor has open asks first (read-only / anyway /
cancel); a read-only document or file is never saved over, and Save As is offered; autosave runs off the GUI
thread and still lands."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.project_io import autosave_path, load_project
from ltx_editor.core.project_lock import lock_path, owner
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click

ROOT = str(Path(__file__).resolve().parents[2])
HOLDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from ltx_editor.core.project_lock import acquire
    lock = acquire(sys.argv[1])
    print("held", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def other_editor(main_window, tmp_path):
    """A saved project that another process (another editor) has open."""
    path = tmp_path / "shared.ltxproj"
    assert main_window.app.saveAs(str(path))
    main_window.app.newProject()  # this editor lets go of it
    assert not lock_path(path).exists()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), ROOT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield path, proc
    proc.kill()
    proc.wait(10)


def _offered(w, qtbot, name):
    dialog = w.find(name, QObject)
    qtbot.waitUntil(lambda: dialog.property("opened"))  # fully open: its buttons take clicks
    return dialog


def _press(w, qtbot, button):
    item = w.find(button, QQuickItem)
    qtbot.waitUntil(lambda: item.isVisible() and item.width() > 0)
    click(w.window, item)


def test_a_project_open_elsewhere_asks_and_opens_read_only_then_offers_save_as(main_window, qtbot, other_editor,
                                                                                  tmp_path):
    w = main_window
    path, proc = other_editor
    before = path.read_bytes()
    assert not w.app.openProject(str(path))  # asks first
    dialog = _offered(w, qtbot, "lockDialog")
    message = w.find("lockMessage", QQuickItem).property("text")
    assert "shared.ltxproj" in message and f"process {proc.pid}" in message
    _press(w, qtbot, "openReadOnlyButton")
    qtbot.waitUntil(lambda: w.app.document.path == str(path))
    doc = w.app.document
    assert doc.readOnly and "(read-only)" in w.window.property("title")
    assert not dialog.property("visible")

    doc.project.name = "my changes"
    doc.mark_dirty("settings")
    assert not doc.autosave_in_background()  # the recovery file beside it is the other editor's
    assert not w.app.save()  # refused: the other editor's file is not replaced
    offer = _offered(w, qtbot, "saveAsOfferDialog")
    assert "opened read-only" in w.find("saveAsOfferMessage", QQuickItem).property("text")
    assert path.read_bytes() == before
    _press(w, qtbot, "offeredSaveAsButton")
    save_as = w.find("saveAsDialog", QObject)
    qtbot.waitUntil(lambda: save_as.property("visible") and not offer.property("visible"))
    save_as.metaObject().invokeMethod(save_as, "reject")

    mine = tmp_path / "mine.ltxproj"
    assert w.app.saveAs(str(mine))  # what the file dialog does on accept
    assert not doc.readOnly and load_project(mine).project.name == "my changes"
    assert owner(path).pid == proc.pid  # the other editor still has its project
    assert lock_path(mine).exists() and owner(mine) is None  # ours now
    assert [m for m in w.qml_warnings if "LockDialog.qml" in m or "SaveAsOfferDialog.qml" in m] == []


def test_open_anyway_edits_beside_the_other_editor_and_cancel_opens_nothing(main_window, qtbot, other_editor):
    w = main_window
    path, proc = other_editor
    assert not w.app.openProject(str(path))
    _offered(w, qtbot, "lockDialog")
    _press(w, qtbot, "cancelOpenButton")
    qtbot.waitUntil(lambda: not w.find("lockDialog", QObject).property("visible"))
    assert w.app.document.path == ""

    assert not w.app.openProject(str(path))
    _offered(w, qtbot, "lockDialog")
    _press(w, qtbot, "openAnywayButton")
    qtbot.waitUntil(lambda: w.app.document.path == str(path))
    assert not w.app.document.readOnly
    w.app.document.project.name = "anyway"
    w.app.document.mark_dirty("settings")
    assert w.app.save()
    assert load_project(path).project.name == "anyway" and owner(path).pid == proc.pid


def test_a_read_only_file_is_not_saved_over_and_save_as_is_offered(main_window, qtbot, tmp_path):
    w = main_window
    path = tmp_path / "locked-down.ltxproj"
    assert w.app.saveAs(str(path))
    path.chmod(0o444)
    try:
        before = path.read_bytes()
        w.app.document.project.name = "edited"
        w.app.document.mark_dirty("settings")
        assert not w.app.save()
        _offered(w, qtbot, "saveAsOfferDialog")
        text = w.find("saveAsOfferMessage", QQuickItem).property("text")
        assert text == "locked-down.ltxproj is read-only, so it was not replaced."
        assert path.read_bytes() == before and w.app.document.dirty
    finally:
        path.chmod(0o644)


def test_autosave_is_written_by_the_save_worker(main_window, qtbot, tmp_path):
    w = main_window
    path = tmp_path / "auto.ltxproj"
    assert w.app.saveAs(str(path))
    w.app.document.project.name = "autosaved"
    w.app.document.mark_dirty("settings")
    w.app.autosaveNow()
    qtbot.waitUntil(lambda: autosave_path(path).exists())
    qtbot.waitUntil(lambda: load_project(path, recover=True).project.name == "autosaved")
    assert load_project(path).project.name != "autosaved"  # the project file itself is untouched


def test_the_document_holds_its_projects_lock_until_it_closes(qapp, tmp_path):
    import json
    import os

    from ltx_editor.core.project_io import save_project
    from ltx_editor.ui.document import ProjectDocument, blank_project
    from tests.fakes.projects import make_project

    project, path = make_project(tmp_path)
    save_project(project, path)
    doc = ProjectDocument()
    doc.replace(load_project(path).project, path)
    assert json.loads(lock_path(path).read_text())["pid"] == os.getpid()
    doc.replace(load_project(path).project, os.path.relpath(path))  # reopened, spelled another way: still ours
    assert lock_path(path).exists()
    doc.replace(blank_project(), None)  # New project: the old one is free
    assert not lock_path(path).exists()
    doc.replace(load_project(path).project, path, access="read-only")  # read-only takes no lock
    assert doc.read_only and not lock_path(path).exists()
    doc.replace(load_project(path).project, path)
    doc.close()  # quitting: free again
    assert not lock_path(path).exists()
