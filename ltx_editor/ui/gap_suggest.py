"""The gap fill's "Suggest": a prompt from the neighbours' recipes through the prompt enhancer, off the GUI thread.

The request to the enhancer runs on its own short-lived thread (like the storyboard's Enhance); the answer comes
back through a queued signal. Only the newest request's answer is delivered (a popup reopened on another gap
drops the old one). Nothing here blocks the fill: a failure is said in words in the popup, and the person can
write the prompt and fill anyway.
"""
from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.gap_plan import plan_gap
from ltx_editor.generation.errors import GenerationError
from ltx_editor.generation.gap_prompt import gap_neighbours, suggest_gap_prompt

from .document import ProjectDocument
from .refusals import Refusal, words

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("GapPromptSuggester is made with the retake controller.")
class GapPromptSuggester(QObject):
    suggested = Signal(str)  # the prompt, for the (editable) prompt field
    failed = Signal(str)  # why there is no suggestion, in words
    busyChanged = Signal()
    _done = Signal(int, str, str)  # request number, prompt, problem (from the worker thread)

    def __init__(self, document: ProjectDocument, enhancer: Callable[[], Any] | None,
                 parent: QObject | None = None) -> None:
        """enhancer() gives the PromptEnhancer, or None when enhancement is off (read when asked)."""
        super().__init__(parent)
        self._doc, self._enhancer = document, enhancer
        self._asked = itertools.count(1)
        self._latest = 0
        self._done.connect(self._on_done)

    def _busy(self) -> bool:
        return self._latest > 0

    busy = Property(bool, _busy, notify=busyChanged)

    @Slot(str, int, str, result=bool)
    def suggest(self, trackId: str, frame: int, hint: str) -> bool:
        """Ask for a prompt for the gap under `frame` on the track; `suggested` or `failed` follows."""
        try:
            enhancer = self._enhancer() if self._enhancer else None
            if enhancer is None:
                raise GenerationError("Prompt enhancement is off, so there is nothing to suggest from.",
                                      hint="Set an OpenAI-compatible endpoint and model in Preferences, or write "
                                           "the prompt yourself.")
            plan = plan_gap(self._doc.project, trackId, frame, max_frames=1_000_000)
            neighbours = gap_neighbours(self._doc.project, self._doc.working_path, plan)
        except Refusal as exc:
            self.failed.emit(" ".join(w for w in words(exc) if w))
            return False
        number = next(self._asked)
        self._latest = number
        self.busyChanged.emit()

        def work() -> None:
            try:
                self._done.emit(number, asyncio.run(suggest_gap_prompt(enhancer, neighbours, hint)), "")
            except Exception as exc:  # a thread must not die silently: every failure is said in the popup
                message = " ".join(w for w in words(exc) if w) if isinstance(exc, Refusal) else str(exc)
                self._done.emit(number, "", message or type(exc).__name__)

        threading.Thread(target=work, name="gap-suggest", daemon=True).start()
        return True

    @Slot()
    def forget(self) -> None:
        """Drop the answer of the request in flight (the popup closed or moved on)."""
        if self._latest:
            self._latest = 0
            self.busyChanged.emit()

    def _on_done(self, number: int, prompt: str, problem: str) -> None:
        if number != self._latest:
            return  # an older request, or forgotten
        self._latest = 0
        self.busyChanged.emit()
        if prompt:
            self.suggested.emit(prompt)
        else:
            self.failed.emit(problem)
