"""Project settings: a new project takes its first clip's size and rate (one undo step, undoable); the
Project settings dialog applies a preset or typed values as one undo step; bad values are refused in words;
"Match selected clip" takes a bin clip's size and rate; the export follows the settings."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.errors import SettingsError
from ltx_editor.core.project import Project, ProjectSettings
from ltx_editor.core.project_setup import change_settings, first_clip_settings
from ltx_editor.ui.project_settings_controller import ProjectSettingsController
from tests.fakes.media_factory import sample_video, still
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click


def test_change_settings_checks_every_field_and_undoes():
    project = Project()
    edit = change_settings(project, width=1280, height=720, fps=30)
    assert (project.settings.width, project.settings.height, project.settings.fps) == (1280, 720, 30)
    edit.undo(project)
    assert project.settings == ProjectSettings()
    with pytest.raises(SettingsError, match=r"fps: must be more than 0"):
        change_settings(project, fps=0)
    with pytest.raises(SettingsError, match="even"):
        change_settings(project, width=641)
    assert project.settings == ProjectSettings()
    assert first_clip_settings(project) is None  # no clip yet


def _import(w, path) -> str:
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(path)).toString()]) == 1
    return w.app.binModel.get(w.app.binModel.rowCount() - 1)["assetId"]


def test_a_new_project_takes_its_first_clip_and_the_dialog_changes_settings(main_window, qtbot, tmp_path):
    w = main_window
    doc = w.app.document
    asset = _import(w, sample_video(tmp_path / "wide.mp4", frames=30, fps=25, size=(320, 180)))
    assert w.app.binActions.addToTimeline(asset)
    qtbot.waitUntil(lambda: doc.project.settings.width == 320)
    s = doc.project.settings
    assert (s.width, s.height, s.fps) == (320, 180, 25)  # from the first clip
    assert doc.property("undoText") == "Match project to the first clip"
    doc.undo()
    assert doc.project.settings == ProjectSettings()  # the match is undone alone, the clip stays
    assert sum(len(t.clips) for t in doc.project.tracks) == 2  # the clip and its linked sound
    doc.redo()
    other = _import(w, still(tmp_path / "sq.png", size=(100, 100)))
    assert w.app.binActions.addToTimeline(other)
    assert (doc.project.settings.width, doc.project.settings.height) == (320, 180)  # only the first clip decides

    dialog = w.find("projectSettingsDialog")
    action = w.find("projectSettingsAction")
    action.metaObject().invokeMethod(action, "trigger")
    qtbot.waitUntil(lambda: dialog.property("visible"))
    assert w.find("projectWidth", QQuickItem).property("value") == 320
    assert w.find("projectAspect", QQuickItem).property("text") == "16:9"
    presets = w.find("projectPreset", QQuickItem)
    labels = [p["label"] for p in presets.property("model")]
    presets.activated.emit(next(i for i, label in enumerate(labels) if label.startswith("HD 720p")))
    assert w.find("projectHeight", QQuickItem).property("value") == 720
    click(w.window, w.find("applyProjectSettings", QQuickItem))
    qtbot.waitUntil(lambda: not dialog.property("visible"))
    assert (doc.project.settings.width, doc.project.settings.height, doc.project.settings.fps) == (1280, 720, 24)
    assert doc.property("undoText") == "Change project settings"

    failures: list[str] = []
    controller = w.window.findChild(ProjectSettingsController, "projectSettingsController")
    controller.failed.connect(failures.append)
    assert not controller.apply(1281, 720, 24, 48000)
    assert "even" in failures[-1] and doc.project.settings.width == 1280
    w.find("clipBin").setProperty("selectedAssetId", asset)
    assert controller.matchAsset(asset)
    assert (doc.project.settings.width, doc.project.settings.fps) == (320, 25)
    assert w.app.exporter.defaults()["width"] == 320  # the Export dialog starts from the project's settings
