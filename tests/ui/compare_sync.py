"""Measure how closely the takes compare strip's players follow each other (the sync test and the bench).

Samples every player's position on each clock tick. A player reports the start of the frame it shows, and
positions reach Python a tick apart at most, so one sample can put two in-step players a frame apart; the
drift is therefore taken over short windows: each player's mean offset from the clock per WINDOW_MS, and the
drift is the largest spread of those means between players, in frames. The largest single-sample spread
is reported too.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Q_RETURN_ARG, QElapsedTimer, QMetaObject, Qt
from PySide6.QtQml import QJSValue
from PySide6.QtTest import QTest

WINDOW_MS = 500
MIN_SAMPLES = 8


def call(root, name: str):
    value = QMetaObject.invokeMethod(root, name, Qt.ConnectionType.DirectConnection, Q_RETURN_ARG("QVariant"))
    return value.toVariant() if isinstance(value, QJSValue) else value


def positions(root) -> list[int]:
    """Each player's position (ms), as the strip reports it."""
    return [int(p) for p in call(root, "playerPositions")]


@dataclass
class Sync:
    drift_frames: float  # the largest spread of windowed mean offsets between players
    max_spread_frames: float  # the largest single-sample spread
    samples: int


def measure(root, clock, seconds: float) -> Sync:
    """Sample for `seconds` of playback (the clock must be playing)."""
    frame_ms = 1000.0 / clock.property("fps")
    timer = QElapsedTimer()
    timer.start()
    windows: dict[int, list[list[float]]] = {}
    spread = 0.0
    n = 0
    while timer.elapsed() < seconds * 1000:
        QTest.qWait(15)
        now = clock.property("position")
        pos = positions(root)
        n += 1
        spread = max(spread, (max(pos) - min(pos)) / frame_ms)
        offsets = windows.setdefault(timer.elapsed() // WINDOW_MS, [[] for _ in pos])
        for i, p in enumerate(pos):
            offsets[i].append(p + frame_ms / 2 - now)
    drift = 0.0
    for offsets in windows.values():
        if len(offsets[0]) < MIN_SAMPLES:  # the last, cut-short window: too few reads to average a frame out
            continue
        means = [sum(o) / len(o) for o in offsets]
        drift = max(drift, (max(means) - min(means)) / frame_ms)
    return Sync(drift, spread, n)
