"""Waveform peaks from real sound through the bundled ffmpeg: levels follow the sound (a tone, then silence),
a clip's slice is read from the cached peaks without decoding again, and a file without sound is refused."""
from __future__ import annotations

import numpy as np
import pytest

from ltx_editor.core.errors import MediaError
from ltx_editor.core.waveform import PEAKS_PER_SECOND, PeakCache, Peaks, decode_peaks
from tests.fakes.media_factory import ffmpeg, sample_video
from tests.fakes.processes import record_ffmpeg_runs, started_in_the_background


@pytest.fixture(scope="module")
def tone_then_silence(tmp_path_factory):
    """One second of a 440 Hz sine at ffmpeg's default 1/8 of full scale, then one second of silence."""
    path = tmp_path_factory.mktemp("sound") / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1,apad=pad_dur=1", str(path))
    return path


def test_peaks_follow_the_sound(tone_then_silence):
    peaks = decode_peaks(tone_then_silence)
    assert len(peaks) == pytest.approx(2 * PEAKS_PER_SECOND, abs=2)
    loud, quiet = peaks[5:95], peaks[105:195]
    assert abs(int(loud.min()) - 32) <= 2 and abs(int(loud.max()) - 32) <= 2  # 1/8 of full scale = 32/255
    assert int(quiet.max()) == 0


def test_levels_slice_the_peaks_for_a_clip():
    peaks = Peaks(np.array([0, 255, 0, 51, 0, 0, 102, 0], dtype=np.uint8), per_second=4)
    assert peaks.levels(0, 2, 4) == [1.0, 0.2, 0.0, 0.4]  # each share: its loudest peak
    assert peaks.levels(0.5, 1.0, 2) == [0.0, 0.2]
    assert peaks.levels(0, 1, 8) == [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.2, 0.2]  # more shares than peaks
    assert peaks.levels(1.5, 3, 3) == [0.4, 0.0, 0.0]  # past the sound: silence
    assert peaks.levels(1, 1, 3) == [] and peaks.levels(0, 1, 0) == []


def test_the_cache_decodes_each_file_once(tone_then_silence, tmp_path):
    cache = PeakCache(tmp_path / "waveforms")
    first = cache.get(tone_then_silence)
    again = PeakCache(tmp_path / "waveforms").get(tone_then_silence)  # a new session reads the file back
    assert cache.decoded == 1 and list(first.data) == list(again.data)
    assert len(list((tmp_path / "waveforms").glob("*/*.peaks"))) == 1
    for start in range(0, 100, 10):  # trimming a clip only slices
        first.levels(start / 100, 1.5, 50)
    assert cache.decoded == 1


def test_a_file_without_sound_is_refused_in_words(tmp_path):
    silent = sample_video(tmp_path / "silent.mp4", frames=12, audio=False)
    with pytest.raises(MediaError, match="silent.mp4"):
        PeakCache(tmp_path / "w").get(silent)
    with pytest.raises(MediaError, match="does not exist"):
        PeakCache(tmp_path / "w").get(tmp_path / "gone.wav")


def test_peaks_are_decoded_by_an_ffmpeg_that_yields_to_the_editor(tone_then_silence, monkeypatch):
    """Waveforms are background work, as thumbnails are: a lower priority, the editor's session, its own group."""
    runs = record_ffmpeg_runs(monkeypatch)
    assert decode_peaks(tone_then_silence).size > 0
    (cmd, kwargs), = runs
    assert started_in_the_background(cmd, kwargs), (cmd, kwargs)
