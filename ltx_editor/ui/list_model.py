"""A generic list model with explicit, named roles: subclasses list their roles and how to read each one.

Rows are Python objects addressed by a stable key (an id), so updates touch one row instead of resetting. An
index by key (rebuilt lazily after inserts or removes in the middle) makes `row_of` O(1), so following an edit
costs what the edit changed, not the number of rows.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

Index = QModelIndex | QPersistentModelIndex
_NEARBY = 32  # how far row_of looks around a remembered row before indexing again


class RoleListModel(QAbstractListModel):
    """Subclasses set ROLES (role names, in order) and implement `role_value(item, name)` and `key(item)`."""

    ROLES: tuple[str, ...] = ()
    countChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._row_index: dict[str, int] | None = {}  # key -> row; None: stale (rebuilt on the next lookup)
        self._role_ids = {Qt.ItemDataRole.UserRole + 1 + i: name for i, name in enumerate(self.ROLES)}
        self._role_of = {name: rid for rid, name in self._role_ids.items()}
        self.modelReset.connect(self.countChanged)
        self.rowsInserted.connect(self.countChanged)
        self.rowsRemoved.connect(self.countChanged)

    # -- subclass hooks ---------------------------------------------------------------------------------
    def key(self, item: Any) -> str:
        return item.id

    def role_value(self, item: Any, name: str) -> Any:
        return getattr(item, name)

    # -- Qt model API -------------------------------------------------------------------------------------
    def roleNames(self) -> dict[int, QByteArray]:
        return {rid: QByteArray(name.encode()) for rid, name in self._role_ids.items()}

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.role_value(item, self.ROLES[0]) if self.ROLES else None
        name = self._role_ids.get(role)
        return None if name is None else self.role_value(item, name)

    # -- Python API ---------------------------------------------------------------------------------------
    @property
    def items(self) -> list[Any]:
        return list(self._items)

    def reset(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._row_index = None
        self.endResetModel()

    def _invalidate_index(self) -> None:
        """Subclasses that rearrange `_items` themselves call this."""
        self._row_index = None

    def row_of(self, key: str) -> int:
        """The row of `key`, or -1. The index knows exactly which keys are here; a row number may be off by
        the rows inserted or removed before it since, so it is checked and looked for nearby first."""
        index = self._row_index
        if index is None:
            index = self._row_index = {self.key(it): i for i, it in enumerate(self._items)}
        row = index.get(key)
        if row is None:
            return -1
        items, key_of = self._items, self.key
        if row < len(items) and key_of(items[row]) == key:
            return row
        for d in range(1, _NEARBY + 1):
            for r in (row - d, row + d):
                if 0 <= r < len(items) and key_of(items[r]) == key:
                    index[key] = r
                    return r
        self._row_index = None  # drifted far: index again
        return self.row_of(key)

    def item(self, key: str) -> Any | None:
        row = self.row_of(key)
        return self._items[row] if row >= 0 else None

    def upsert(self, item: Any, at: int | None = None) -> None:
        """Replace the row with the same key (one dataChanged) or insert it (at the end by default)."""
        key = self.key(item)
        row = self.row_of(key)
        if row >= 0:
            self._items[row] = item
            self.dataChanged.emit(self.index(row), self.index(row))
            return
        end = len(self._items)
        at = end if at is None else max(0, min(at, end))
        self.beginInsertRows(QModelIndex(), at, at)
        self._items.insert(at, item)
        if self._row_index is not None:
            self._row_index[key] = at  # rows after it are now one further on: row_of finds them nearby
        self.endInsertRows()

    def remove(self, key: str) -> bool:
        row = self.row_of(key)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        if self._row_index is not None:
            del self._row_index[key]  # rows after it are now one nearer: row_of finds them nearby
        self.endRemoveRows()
        return True

    def sync(self, items: list[Any], same: Callable[[Any, Any], bool] | None = None) -> None:
        """Make the rows equal `items` with row-level inserts/removes/moves/changes (no reset). Linear when
        the order is kept (the usual case); each row that moves costs one index rebuild."""
        wanted = {self.key(i) for i in items}
        gone = [row for row, it in enumerate(self._items) if self.key(it) not in wanted]
        self._remove_rows(gone)
        for pos, item in enumerate(items):
            key = self.key(item)
            if pos < len(self._items) and self.key(self._items[pos]) == key:
                self._changed(pos, item, same)
                continue
            row = self.row_of(key)
            if row < 0:
                self.upsert(item, at=pos)
            else:
                self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), pos if pos < row else pos + 1)
                self._items.insert(pos, self._items.pop(row))
                if self._row_index is not None:
                    self._row_index[key] = pos
                self.endMoveRows()
                self._changed(pos, item, same)

    def _remove_rows(self, rows: list[int]) -> None:
        """Remove these rows (ascending), one signal per run of neighbouring rows, from the end."""
        while rows:
            last = first = rows.pop()
            while rows and rows[-1] == first - 1:
                first = rows.pop()
            self.beginRemoveRows(QModelIndex(), first, last)
            if self._row_index is not None:
                for item in self._items[first:last + 1]:
                    self._row_index.pop(self.key(item), None)
            del self._items[first:last + 1]
            self.endRemoveRows()

    def _changed(self, row: int, item: Any, same: Callable[[Any, Any], bool] | None) -> None:
        old = self._items[row]
        self._items[row] = item
        if same is None or not same(old, item):
            self.dataChanged.emit(self.index(row), self.index(row))

    def role_changed(self, name: str, rows: Iterable[int]) -> None:
        """Tell views that role `name` of `rows` changed (e.g. a thumbnail that now exists)."""
        for row in rows:
            self.dataChanged.emit(self.index(row), self.index(row), [self._role_of[name]])

    # -- QML helpers --------------------------------------------------------------------------------------
    count = Property(int, lambda self: len(self._items), notify=countChanged)

    @Slot(int, result="QVariantMap")
    def get(self, row: int) -> dict:
        if not 0 <= row < len(self._items):
            return {}
        item = self._items[row]
        return {name: self.role_value(item, name) for name in self.ROLES}

    @Slot(str, result=int)
    def indexOf(self, key: str) -> int:
        return self.row_of(key)
