"""Undo commands: a QUndoCommand around one core Edit (core/edits), and the bounds of the history.

The core function already applied the edit before it is pushed, so the first redo() (which QUndoStack.push
calls) does nothing but keep the history within its memory budget. Commands pushed with the same merge id
>= 0 merge into one step: a drag committed in parts still undoes in one go.

The history is bounded twice: at most UNDO_STEPS steps (QUndoStack's own limit, set by the document) and
about UNDO_BYTES of snapshots. Past the memory budget the oldest steps let go of their snapshots and become
obsolete (QUndoStack drops an obsolete command instead of undoing it), so old history costs nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand, QUndoStack

from ltx_editor.core.edits import Edit

if TYPE_CHECKING:
    from .document import ProjectDocument

UNDO_STEPS = 500
UNDO_BYTES = 256 * 1024 * 1024


class EditCommand(QUndoCommand):
    def __init__(self, document: ProjectDocument, edit: Edit, merge_id: int = -1) -> None:
        super().__init__(edit.label)
        self._document = document
        self.edit: Edit | None = edit
        self._merge_id = int(merge_id) if merge_id is not None and merge_id >= 0 else -1
        self._applied = True  # the edit is live in the project as we are created
        self._bytes: int | None = None

    def id(self) -> int:
        return self._merge_id

    def redo(self) -> None:
        if self._applied:
            keep_within_budget(self._document.undo_stack, self)
            return
        if self.edit is None:
            return
        self.edit.redo(self._document.project)
        self._applied = True
        self._document.notify_edited(self.edit)

    def undo(self) -> None:
        if self.edit is None:  # expired (QUndoStack normally drops it without asking)
            return
        self.edit.undo(self._document.project)
        self._applied = False
        self._document.notify_edited(self.edit)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (self._merge_id < 0 or other.id() != self._merge_id or not isinstance(other, EditCommand)
                or self.edit is None or other.edit is None):
            return False
        self.edit = self.edit.merged_with(other.edit)
        self._bytes = None
        return True

    def kept_bytes(self) -> int:
        if self._bytes is None:
            measure = getattr(self.edit, "kept_bytes", None)
            self._bytes = measure() if measure is not None else 0
        return self._bytes

    def expire(self) -> None:
        """Let go of the snapshots; the stack drops this step when it is reached."""
        self.edit = None
        self._bytes = 0
        self.setText(f"{self.text()} (too old to undo)")
        self.setObsolete(True)


def keep_within_budget(stack: QUndoStack, newest: EditCommand, budget: int = UNDO_BYTES) -> int:
    """Expire the oldest steps that do not fit in `budget` bytes with the newest; returns the bytes kept."""
    total, full = newest.kept_bytes(), False
    for i in range(stack.index() - 1, -1, -1):
        cmd = stack.command(i)
        if not isinstance(cmd, EditCommand) or cmd.edit is None or cmd is newest:
            continue
        size = cmd.kept_bytes()
        full = full or total + size > budget  # once one step does not fit, no older one is kept
        if full:
            cmd.expire()
        else:
            total += size
    return total
