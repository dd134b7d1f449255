"""Renaming a cast entry in its panel rewrites `@old` as `@new` in every prompt the project holds (a storyboard
shot, a keyframe span's prompt), whole names only, as one undo step; undo brings every prompt back."""
from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ltx_editor.core import timeline as tl
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import click, find_item


def test_a_rename_in_the_panel_rewrites_the_prompts_as_one_undo_step(qtbot, load_qml, app):
    doc, stack = app.document, app.document.undo_stack
    ann = app.cast.addEntry("ann", "character", "a girl in a yellow raincoat")
    assert ann and app.cast.addEntry("anna", "character", "her grandmother")
    assert app.storyboard.addShot("@ann runs to @anna", 0.3)
    Image.new("RGB", (32, 32), (20, 200, 40)).save(doc.working_path.parent / "k.png")
    doc.apply_edit(tl.add_keyframe(doc.project, 0, "k.png", prompt="@Ann jumps; @anna waits"))
    loaded = load_qml("CastPanel.qml", size=(560, 520), cast=app.cast)
    view, root = loaded.window, loaded.root
    steps = stack.count()

    field = find_item(find_item(root, "cast_ann"), "nameField")
    click(view, field)
    qtbot.waitUntil(lambda: field.hasActiveFocus())
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for ch in "Beth":  # typed over the selected name
        QTest.keyClick(view, ch)
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(c.name == "Beth" for c in doc.project.cast), timeout=10_000)
    assert doc.project.shots[0].prompt == "@Beth runs to @anna"  # @anna is another name: left alone
    assert doc.project.keyframes[0].prompt == "@Beth jumps; @anna waits"
    assert stack.count() == steps + 1 and stack.undoText() == "Rename @ann to @Beth"
    assert find_item(root, "cast_Beth") is not None and not app.errors

    doc.undo()
    assert [c.name for c in doc.project.cast] == ["ann", "anna"]
    assert doc.project.shots[0].prompt == "@ann runs to @anna"
    assert doc.project.keyframes[0].prompt == "@Ann jumps; @anna waits"
    qtbot.waitUntil(lambda: find_item(root, "cast_ann") is not None)
