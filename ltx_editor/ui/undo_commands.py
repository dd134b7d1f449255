"""Undo commands: a QUndoCommand around one core timeline Edit.

The core function already applied the edit before it is pushed, so the first redo() (which QUndoStack.push
calls) does nothing. Commands pushed with the same merge id >= 0 merge into one step: a drag committed in
parts still undoes in one go.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from .document import ProjectDocument


class EditCommand(QUndoCommand):
    def __init__(self, document: ProjectDocument, edit: Any, merge_id: int = -1) -> None:
        super().__init__(edit.label)
        self._document = document
        self.edit = edit
        self._merge_id = int(merge_id) if merge_id is not None and merge_id >= 0 else -1
        self._applied = True  # the edit is live in the project as we are created

    def id(self) -> int:
        return self._merge_id

    def redo(self) -> None:
        if self._applied:
            return
        self.edit.redo(self._document.project)
        self._applied = True
        self._document.notify_edited(self.edit)

    def undo(self) -> None:
        self.edit.undo(self._document.project)
        self._applied = False
        self._document.notify_edited(self.edit)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if self._merge_id < 0 or other.id() != self._merge_id or not isinstance(other, EditCommand):
            return False
        self.edit = self.edit.merged_with(other.edit)
        return True
