"""The real main window for UI tests: an AppController with private preferences, Main.qml loaded through
ltx_editor.app.create_engine (thumbnail provider included), the generation worker running.

Use with `from tests.ui.helpers_app import *  # noqa: F403` to get the `main_window` fixture, and the helpers
below to find items by objectName, click them and type into them like a person would.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, QPointF, Qt, QUrl
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from ltx_editor.app import create_engine
from ltx_editor.ui.app_controller import AppController
from ltx_editor.ui.preferences import Preferences

__all__ = ["main_window"]


@dataclass
class MainWindow:
    app: AppController
    engine: QQmlApplicationEngine
    window: QQuickWindow
    prefs: Preferences
    qml_warnings: list[str]

    def find(self, name: str, kind: type = QObject) -> QObject:
        found = self.window.findChild(kind, name)
        if found is None and kind is QQuickItem:
            found = next(iter(items_named(self.window, name)), None)
        assert found is not None, f"no {kind.__name__} named {name!r} in the window"
        return found

    def open_file_dialog(self, qtbot, dialog_name: str, action_name: str, path: Path,
                         timeout_ms: int = 5000) -> QObject:
        """Trigger the menu action that shows this file dialog, with `path` typed into it; the dialog, open,
        for the test to check and accept."""
        dialog = self.find(dialog_name)
        choose_in_file_dialog(dialog, path)
        action = self.find(action_name)
        action.metaObject().invokeMethod(action, "trigger")
        qtbot.waitUntil(lambda: dialog.property("visible"), timeout=timeout_ms)
        return dialog


def choose_in_file_dialog(dialog: QObject, path: Path) -> None:
    """Preselect where a file dialog will open and which name it offers (before it opens: the Qt Quick
    dialog reads these when it is shown), as a person would type them."""
    dialog.setProperty("currentFolder", QUrl.fromLocalFile(str(path.parent)))
    dialog.setProperty("selectedFile", QUrl.fromLocalFile(str(path)))


def center_of(item: QQuickItem) -> QPoint:
    return item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()


def wait_settled(qtbot, read, polls: int = 3) -> None:
    """Wait until `read()` (e.g. an item's scene position and size) gives the same value `polls` times in a
    row: a layout or zoom animation has finished, however slow the machine (instead of a fixed pause)."""
    seen: list = []

    def settled() -> bool:
        seen.append(read())
        return len(seen) >= polls and all(v == seen[-1] for v in seen[-polls:])

    qtbot.waitUntil(settled)


def scroll_into_view(item: QQuickItem) -> None:
    """Scroll the nearest Flickable (ScrollView, ListView...) around `item` so the item is inside it."""
    flick = item.parentItem()
    while flick is not None and not flick.inherits("QQuickFlickable"):
        flick = flick.parentItem()
    if flick is None:
        return
    content = flick.property("contentItem")
    top = item.mapToItem(content, QPointF(0, 0)).y()
    bottom = top + item.height()
    y = flick.property("contentY")
    if top < y:
        flick.setProperty("contentY", top)
    elif bottom > y + flick.height():
        flick.setProperty("contentY", bottom - flick.height())


def click(window: QQuickWindow, item: QQuickItem, button=Qt.MouseButton.LeftButton) -> None:
    scroll_into_view(item)
    QTest.qWait(20)
    QTest.mouseClick(window, button, Qt.KeyboardModifier.NoModifier, center_of(item))


def drag(window: QQuickWindow, start: QPoint, end: QPoint, steps: int = 12) -> None:
    """Press, move in steps (past the drag threshold), release: what a DragHandler needs to see."""
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, steps + 1):
        p = QPoint(start.x() + (end.x() - start.x()) * i // steps, start.y() + (end.y() - start.y()) * i // steps)
        QTest.mouseMove(window, p)
        QTest.qWait(15)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def key(window: QQuickWindow, k, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(window, k, modifiers)


def items_named(window: QQuickWindow, name: str) -> list[QQuickItem]:
    """Items by objectName through the visual tree (view delegates and popups have no QObject parent
    chain to the window, so findChildren misses them)."""
    root = window.contentItem().parentItem() or window.contentItem()
    found, stack = [], [root]
    while stack:
        item = stack.pop()
        if item.objectName() == name:
            found.append(item)
        stack.extend(reversed(item.childItems()))
    return found


def type_text(window: QQuickWindow, text: str) -> None:
    """QTest.keyClicks exists only for widgets: type a QQuickWindow's text one key at a time."""
    for ch in text:
        QTest.keyClick(window, ch)


def visible_items(window: QQuickWindow, name: str) -> list[QQuickItem]:
    return [i for i in items_named(window, name) if i.isVisible()]


@pytest.fixture
def main_window(qtbot, tmp_path: Path):
    prefs = Preferences(path=tmp_path / "prefs" / "preferences.json")
    prefs.values.autosave_minutes = 0  # autosave has its own tests; a timer firing mid-test only adds noise
    controller = AppController(prefs)
    warnings: list[str] = []
    engine = create_engine(controller, warnings)
    assert engine.rootObjects(), "Main.qml did not load"
    window = engine.rootObjects()[0]
    window.resize(1440, 900)
    qtbot.waitExposed(window)
    controller.start()
    # The GPU check runs on a thread at start; its answer re-lays the generate panel's status line.
    qtbot.waitUntil(lambda: controller.modelManager.hardware is not None)
    yield MainWindow(controller, engine, window, prefs, warnings)
    window.setProperty("closeConfirmed", True)
    window.close()
    controller.shutdown()
    controller.document.undo_stack.blockSignals(True)  # its clean signal would reach a deleted document
    engine.deleteLater()
    QTest.qWait(10)
