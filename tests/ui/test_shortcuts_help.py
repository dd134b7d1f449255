"""Help > Keyboard shortcuts (F1) lists what the window really has: every menu action with a shortcut and
every key shortcut with its description — generated, so a new shortcut cannot be left out."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import key


def test_f1_lists_every_action_and_shortcut(main_window, qtbot):
    w = main_window
    dialog = w.find("shortcutsDialog")
    w.window.requestActivate()
    key(w.window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: dialog.property("visible"))
    rows = {(r["keys"], r["action"]) for r in dialog.property("rows")}
    for expected in [("Ctrl+E", "Export video…"), ("Ctrl+Z", "Undo"), ("Ctrl+S", "Save"), ("Space", "Play / pause"),
                     ("J", "Play backwards (again: faster)"), ("S", "Split the clip at the playhead"),
                     ("Shift+Del", "Ripple delete the selection"), ("F1", "Keyboard shortcuts")]:
        assert expected in rows, (expected, sorted(rows))
    assert not [r for r in rows if r[1] == "(no description)"]  # every Shortcut says what it does
    assert len(rows) >= 25
