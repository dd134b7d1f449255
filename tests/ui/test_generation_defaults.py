"""The generate panel's size and rate follow the project (rounded to what the chosen model takes, said in the
panel) from the moment the project's settings are chosen, and whenever they change, until set by hand."""
from __future__ import annotations

from PySide6.QtQuick import QQuickItem

from ltx_editor.core.catalog import get_model
from ltx_editor.core.generation_size import shape_for
from ltx_editor.core.project import Project, ProjectSettings
from ltx_editor.core.project_setup import change_settings
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import center_of, click, scroll_into_view, wait_settled


def _settings(w, **values) -> None:
    doc = w.app.document
    doc.apply_edit(change_settings(doc.project, "Change project settings", **values))


def test_shape_for_rounds_to_the_models_sizes_and_rates():
    ltxv, ltx2 = get_model("ltxv-2b-0.9.8-distilled"), get_model("ltx-2-19b")
    assert (ltxv.max_resolution, ltxv.fps_options) == ("720p", (24.0,))
    s = shape_for(1920, 1080, 30.0, ltxv)
    assert (s.width, s.height, s.fps) == (1280, 704, 24.0)  # 720p at 16:9, multiples of 32; its only rate
    assert "multiples of 32" in s.note and "at most 720p" in s.note and "24 fps" in s.note
    s = shape_for(1920, 1080, 30.0, ltx2)
    assert (s.width, s.height, s.fps) == (1920, 1088, 25.0)  # 1080p fits; the nearest of 24/25/50
    s = shape_for(768, 512, 24.0, ltxv)
    assert (s.width, s.height, s.fps, s.note) == (768, 512, 24.0, "Project size 768×512, 24 fps")
    s = shape_for(1080, 1920, 24.0, ltxv)  # vertical: the short side is the width
    assert (s.width, s.height) == (704, 1280)


def test_the_panel_follows_the_project_until_set_by_hand(main_window, qtbot):
    w = main_window
    gen = w.app.generate
    note = w.find("projectSizeNote", QQuickItem)
    assert gen.projectNote == "" and not gen.customSize  # a blank project: the panel's own defaults
    assert gen.modelId == "ltxv-2b-0.9.8-distilled"

    gen.prompt = "a kite"
    _settings(w, width=1920, height=1080, fps=30.0)  # e.g. the project settings dialog, or the first clip
    assert (gen.customSize, gen.width, gen.height, gen.fps) == (True, 1280, 704, 24.0)
    assert gen.summary.startswith("1280×704")
    qtbot.waitUntil(lambda: note.isVisible() and "1280×704" in note.property("text"))
    assert "LTXV 2B Distilled takes multiples of 32" in note.property("text")

    gen.modelId = "ltx-2-19b"  # another model takes other sizes and rates
    assert (gen.width, gen.height, gen.fps) == (1920, 1088, 25.0)
    gen.modelId = "ltxv-2b-0.9.8-distilled"

    _settings(w, width=1280, height=720, fps=24.0)  # changed settings: new defaults
    assert (gen.width, gen.height, gen.fps) == (1280, 704, 24.0)
    w.app.document.undo()
    assert (gen.width, gen.height) == (1280, 704)  # 1920x1080 at 720p at most

    gen.width = 512  # by hand: the project no longer decides
    _settings(w, width=640, height=360)
    assert (gen.width, gen.height) == (512, 704) and not gen.followsProject
    qtbot.waitUntil(lambda: "set by hand" in note.property("text"))
    button = w.find("followProjectButton", QQuickItem)
    qtbot.waitUntil(button.isVisible)
    scroll_into_view(button)  # the form scrolls: the button is clicked where a person sees it
    wait_settled(qtbot, lambda: center_of(button))
    click(w.window, button)
    qtbot.waitUntil(lambda: gen.followsProject)
    assert (gen.width, gen.height) == (640, 352)

    # A project opened with chosen settings sets the defaults at once
    w.app.document.replace(Project(settings=ProjectSettings(width=1080, height=1920, fps=24.0)), None)
    assert (gen.width, gen.height, gen.fps, gen.followsProject) == (704, 1280, 24.0, True)
