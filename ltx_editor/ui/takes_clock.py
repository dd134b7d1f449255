"""One clock for the takes compare strip: every player follows it, so 2–4 takes play in step.

A media player keeps its own time; four of them started together drift apart (each decodes on its own
thread and starts when its first frame is ready). Here the clock is the one authority: it runs from a
monotonic timer, loops at the shortest take's end, and each player (qml/TakesCompare.qml) is nudged toward
it on every tick (`corrections`) — a slightly faster or slower playback rate for a lead or lag, a seek past
`SEEK_FRAMES` — and a seek moves the clock, which then moves every player.
"""
from __future__ import annotations

import statistics

from PySide6.QtCore import Property, QElapsedTimer, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
TICK_MS = 16  # about one screen refresh: players are checked this often
NUDGE_FRAMES = 0.5  # a player whose smoothed lead is past this plays a little faster or slower until back
SEEK_FRAMES = 3.0  # off by more than this (a stall, a late start): it is moved to the clock at once
NUDGE_GAIN = 0.15  # rate change per frame off (two frames behind: 1.3x until caught up)
NUDGE_LIMIT = 0.25  # never faster or slower than 1 +/- this
# After a start or a seek each player needs a moment before its position means anything (its decoder starts,
# it lands on the keyframe before the target): correcting it then only knocks it off again.
SETTLE_MS = 600
CLOCK_EASE = 0.05  # each tick the clock moves this share of the way onto the players
SMOOTHING = 0.15  # each tick a player's smoothed lead moves this share of the way to the one just read


@QmlElement
@QmlUncreatable("TakesClock belongs to the takes controller.")
class TakesClock(QObject):
    positionChanged = Signal()
    playingChanged = Signal()
    durationChanged = Signal()
    seeked = Signal(int)  # a seek (or a loop back to the start): every player goes there now

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._elapsed = QElapsedTimer()
        self._since_jump = QElapsedTimer()  # since the last start or seek
        self._since_jump.start()
        self._smoothed: list[float] = []  # each player's smoothed lead over the others, in frames
        self._origin_ms = 0.0  # clock position when the elapsed timer last started
        self._position = 0.0
        self._duration = 0
        self._fps = 24.0
        self._playing = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def set_media(self, duration_ms: int, fps: float) -> None:
        """The loop length (the shortest take) and the frame rate; back to the start, paused."""
        self.pause()
        self._duration, self._fps = max(0, int(duration_ms)), fps if fps > 0 else 24.0
        self.durationChanged.emit()
        self.seek(0)

    def _now(self) -> float:
        return self._origin_ms + self._elapsed.nsecsElapsed() / 1e6 if self._playing else self._position

    def _tick(self) -> None:
        now = self._now()
        if self._duration and now >= self._duration:  # loop: all players back to the start together
            self.seek(int(now % self._duration))
            return
        self._position = now
        self.positionChanged.emit()

    @Slot()
    def play(self) -> None:
        if self._playing or not self._duration:
            return
        self._origin_ms = self._position
        self._elapsed.start()
        self._since_jump.restart()
        self._smoothed = []
        self._playing = True
        self._timer.start()
        self.playingChanged.emit()

    @Slot()
    def pause(self) -> None:
        if not self._playing:
            return
        self._position = self._now()
        self._playing = False
        self._timer.stop()
        self.playingChanged.emit()
        self.positionChanged.emit()

    @Slot()
    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    @Slot(int)
    def seek(self, ms: int) -> None:
        ms = max(0, min(int(ms), max(0, self._duration - 1)))
        self._position = self._origin_ms = float(ms)
        self._since_jump.restart()
        self._smoothed = []
        if self._playing:
            self._elapsed.restart()
        self.positionChanged.emit()
        self.seeked.emit(ms)

    @Slot(list, result=list)
    def corrections(self, positions: list) -> list:
        """For each player's position (ms): the playback rate that keeps it with the others (1.0 when it is
        with them, or just after a start or seek), or -1 when it is too far off and must seek to `position`.

        Players share a start-up lag (each decoder starts before it shows a frame), so they are measured
        against each other — their median — not against the clock; the clock is eased onto that median so
        the seek bar shows what is on screen and a seek target is where the others are."""
        if not self._playing or self._since_jump.elapsed() < SETTLE_MS or not positions:
            return [1.0] * len(positions)
        frame_ms = 1000.0 / self._fps
        now = self._now()
        # A player reports the start of the frame it shows: mid-frame is where it is.
        offsets = [(float(p) + frame_ms / 2 - now) / frame_ms for p in positions]
        middle = statistics.median(offsets)
        self._origin_ms += CLOCK_EASE * middle * frame_ms
        if len(self._smoothed) != len(offsets):
            self._smoothed = [o - middle for o in offsets]
        out = []
        for i, off in enumerate(offsets):
            off -= middle  # frames ahead (+) of or behind (-) the others
            # one sample can be a frame off (a frame boundary between two reads): act on the smoothed lead
            lead = self._smoothed[i] = self._smoothed[i] + SMOOTHING * (off - self._smoothed[i])
            if abs(off) > SEEK_FRAMES:
                self._smoothed[i] = 0.0
                out.append(-1.0)
            elif abs(lead) <= NUDGE_FRAMES:
                out.append(1.0)
            else:
                out.append(round(1.0 - max(-NUDGE_LIMIT, min(NUDGE_LIMIT, NUDGE_GAIN * lead)), 2))
        return out

    position = Property(int, lambda self: int(self._now()), notify=positionChanged)
    playing = Property(bool, lambda self: self._playing, notify=playingChanged)
    duration = Property(int, lambda self: self._duration, notify=durationChanged)
    fps = Property(float, lambda self: self._fps, notify=durationChanged)
