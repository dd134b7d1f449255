"""Help > Keyboard shortcuts, generated from what the window really has: every menu Action with a shortcut and
every Shortcut (which carries its description in a `help` property), so the list cannot go stale."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtQml import QmlElement

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


def key_text(value: object) -> str:
    """A shortcut as people read it ('Ctrl+S'), from a string, a QKeySequence or a StandardKey number."""
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return QKeySequence(QKeySequence.StandardKey(value)).toString(QKeySequence.SequenceFormat.NativeText)
    return QKeySequence(value).toString(QKeySequence.SequenceFormat.NativeText)


def shortcut_rows(root: QObject) -> list[dict]:
    """{keys, action, where} for each Action with a shortcut and each described Shortcut under `root`,
    menus first, then by description; a Shortcut without `help` is listed by its keys with 'no description'."""
    rows = []
    for obj in root.findChildren(QObject):
        meta = obj.metaObject()
        if meta.indexOfProperty("shortcut") >= 0 and meta.indexOfProperty("checkable") >= 0:  # an Action
            keys = key_text(obj.property("shortcut"))
            if keys:
                rows.append({"keys": keys, "action": str(obj.property("text")).replace("&", ""), "where": "Menu"})
        elif meta.indexOfProperty("sequences") >= 0 and meta.className().startswith("QQuickShortcut"):
            sequences = [key_text(s) for s in (obj.property("sequences") or [])] or [key_text(obj.property("sequence"))]
            keys = ", ".join(k for k in sequences if k)
            if keys:
                help_text = obj.property("help") if meta.indexOfProperty("help") >= 0 else ""
                rows.append({"keys": keys, "action": help_text or "(no description)", "where": "Window"})
    unique = {(r["keys"], r["action"]): r for r in rows}
    return sorted(unique.values(), key=lambda r: (r["where"] != "Menu", r["action"].lower()))


@QmlElement
class KeyboardShortcuts(QObject):
    @Slot(QObject, result="QVariantList")
    def collect(self, root: QObject) -> list[dict]:
        return shortcut_rows(root)
