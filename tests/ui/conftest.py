"""Shared pytest-qt fixtures for the QML views: load one QML file alone, offscreen, with initial properties.

    def test_x(load_qml):
        loaded = load_qml("timeline/Timeline.qml", document=doc)   # path relative to qml/ (or absolute)
        loaded.root, loaded.window, loaded.find("objectName"), loaded.warnings, loaded.grab("/tmp/x.png")

A root that is itself a window (ApplicationWindow) is shown as is; an Item root is put in a fresh
QQuickWindow and resized with it. QML warnings (binding errors, missing properties) are collected in
`warnings` so a test can require none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from ltx_editor.ui.qml_types import QML_DIR, register_types


@dataclass
class LoadedQml:
    engine: QQmlApplicationEngine
    root: QObject
    window: QQuickWindow
    warnings: list[str] = field(default_factory=list)

    def find(self, object_name: str, kind: type = QObject) -> QObject | None:
        """The first descendant (items included) with this objectName."""
        if self.root.objectName() == object_name:
            return self.root
        found = self.root.findChild(kind, object_name)
        if found is None and isinstance(self.root, QQuickItem):
            found = _find_item(self.root, object_name)
        if found is None:
            found = _find_item(self.window.contentItem(), object_name)
        return found

    def grab(self, path: str | Path) -> Path:
        """Render the window and save it (for looking at it, or for the README)."""
        image = self.window.grabWindow()
        image.save(str(path))
        return Path(path)


def _find_item(item: QQuickItem, name: str) -> QQuickItem | None:
    for child in item.childItems():
        if child.objectName() == name:
            return child
        hit = _find_item(child, name)
        if hit is not None:
            return hit
    return None


@pytest.fixture
def load_qml(qapp):
    register_types()
    loaded: list[LoadedQml] = []

    def load(qml: str | Path, *, size: tuple[int, int] = (1280, 720), **initial) -> LoadedQml:
        path = Path(qml) if Path(qml).is_absolute() else QML_DIR / qml
        engine = QQmlApplicationEngine()
        warnings: list[str] = []
        engine.warnings.connect(lambda errors: warnings.extend(e.toString() for e in errors))
        engine.setInitialProperties(initial)
        engine.load(QUrl.fromLocalFile(str(path)))
        roots = engine.rootObjects()
        if not roots:
            raise AssertionError(f"{path.name} did not load:\n" + "\n".join(warnings))
        root = roots[0]
        if isinstance(root, QQuickWindow):
            window = root
            window.resize(*size)
        else:
            window = QQuickWindow()
            root.setParentItem(window.contentItem())
            window.resize(*size)
            root.setSize(window.size().toSizeF())
            window.widthChanged.connect(lambda w: root.setWidth(w))
            window.heightChanged.connect(lambda h: root.setHeight(h))
        window.show()
        QTest.qWaitForWindowExposed(window)
        result = LoadedQml(engine, root, window, warnings)
        loaded.append(result)
        return result

    yield load
    for item in reversed(loaded):
        item.window.close()
        item.engine.deleteLater()
        if not isinstance(item.root, QQuickWindow):
            item.window.deleteLater()
