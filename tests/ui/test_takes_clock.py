"""The compare strip's one clock: play/pause/seek/loop, and its corrections — players measured against each
other (their shared start-up lag is not an error), a small lag eased out by rate, a stall fixed by a seek."""
from __future__ import annotations

from ltx_editor.ui.takes_clock import SETTLE_MS, TakesClock


def test_play_pause_seek_and_loop(qtbot):
    clock = TakesClock()
    clock.set_media(1000, 24.0)
    assert (clock.position, clock.playing, clock.duration) == (0, False, 1000)
    with qtbot.waitSignal(clock.seeked) as seek:
        clock.seek(400)
    assert seek.args == [400] and clock.position == 400
    clock.play()
    qtbot.waitUntil(lambda: clock.position > 700)
    with qtbot.waitSignal(clock.seeked, timeout=2000) as looped:  # past the end: back to the start, all together
        pass
    assert looped.args[0] < 200 and clock.playing
    clock.pause()
    paused_at = clock.position
    qtbot.waitUntil(lambda: not clock.playing)
    assert clock.position == paused_at
    clock.seek(5000)
    assert clock.position == 999  # clamped inside the media


def test_corrections_follow_the_players_not_their_shared_lag(qtbot):
    clock = TakesClock()
    clock.set_media(60_000, 25.0)  # 40 ms frames
    clock.play()
    assert clock.corrections([0, 0, 0, 0]) == [1.0] * 4  # just started: players are left to settle
    qtbot.waitUntil(lambda: clock.property("position") > SETTLE_MS + 100)
    now = clock.position
    lagging = now - 300  # all four 300 ms late (decoders starting): in step with each other, nothing to fix
    assert clock.corrections([lagging] * 4) == [1.0] * 4
    for _ in range(30):  # one player 2 frames behind the others (for a while): it plays a little faster
        now = clock.position
        rates = clock.corrections([now, now, now, now - 80])
    assert rates[:3] == [1.0, 1.0, 1.0] and 1.0 < rates[3] <= 1.25
    now = clock.position
    assert clock.corrections([now, now, now + 400, now])[2] == -1.0  # 10 frames ahead (a stall elsewhere): seek
