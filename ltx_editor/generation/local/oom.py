"""The out-of-memory fallback chain: retry with less memory-hungry settings, one step at a time.

Each step changes one thing (VAE tiling, then CPU offload, then a smaller model), says so in a note the
person sees, and the call is retried. When every step is spent, OutOfMemory suggests the cloud.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from ..errors import OutOfMemory

T = TypeVar("T")
CLOUD_HINT = ("Lower the resolution or the number of frames, or run this job in the cloud "
              "(fal or Replicate) instead.")


@dataclass
class StepOutcome:
    note: str
    retry: bool = True  # False: the step could not help here (noted, then the next step is tried)


@dataclass
class FallbackStep:
    name: str
    apply: Callable[[], StepOutcome | None]  # None: nothing left to change for this step
    repeat: bool = False  # e.g. "smaller model" may apply more than once down the ladder


def run_with_fallback(attempt: Callable[[], T], steps: Iterable[FallbackStep], *,
                      is_oom: Callable[[BaseException], bool], on_note: Callable[[str], None],
                      cleanup: Callable[[], None], describe: str = "this job") -> T:
    pending = list(steps)
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not is_oom(exc):
                raise
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        cleanup()  # outside the except block, so the failed attempt's frames (and tensors) are released
        while pending:
            step = pending[0]
            outcome = step.apply()
            if outcome is None or not step.repeat or not outcome.retry:
                pending.pop(0)
            if outcome is None:
                continue
            on_note(outcome.note)
            if outcome.retry:
                break
        else:
            raise OutOfMemory(f"Not enough memory for {describe}, even after every fallback ({reason}).",
                              hint=CLOUD_HINT)
