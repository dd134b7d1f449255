"""The thumbnail disk cache: right frame and width, hits on the second call, misses when the file changes,
safe from many threads at once."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.errors import MediaError
from ltx_editor.core.thumbnails import ThumbnailCache
from tests.fakes.media_factory import LEVEL, numbered_video, sample_video, still
from tests.fakes.processes import record_ffmpeg_runs, started_in_the_background


def _level(path) -> float:
    return float(np.asarray(Image.open(path).convert("L")).mean())


def test_thumbnail_at_a_time_and_width(tmp_path):
    src = numbered_video(tmp_path / "n.mp4", frames=40, fps=20)
    cache = ThumbnailCache(tmp_path / "cache")
    thumb = cache.get(src, 1.0, 32)
    assert thumb.is_relative_to(tmp_path / "cache") and Image.open(thumb).size == (32, 24)
    assert round(_level(thumb) / LEVEL) == 20  # frame 20 is at 1.0 s at 20 fps
    past_end = cache.get(src, 99.0, 32)  # past the end: the last frames, not an error
    assert round(_level(past_end) / LEVEL) >= 30
    assert Image.open(cache.get(still(tmp_path / "s.png", size=(80, 40)), 0, 20)).size == (20, 10)


def test_second_call_hits_changed_file_misses(tmp_path):
    src = sample_video(tmp_path / "v.mp4", frames=24)
    cache = ThumbnailCache(tmp_path / "cache")
    first = cache.get(src, 0.5, 48)
    assert (cache.hits, cache.misses) == (0, 1)
    assert cache.get(src, 0.5, 48) == first and (cache.hits, cache.misses) == (1, 1)
    assert cache.get(src, 0.5, 64) != first and cache.misses == 2  # another width is another image
    assert ThumbnailCache(tmp_path / "cache").get(src, 0.5, 48) == first  # survives a restart (on disk)
    sample_video(src, frames=24, size=(96, 64))  # the same name, new content
    os.utime(src, ns=(1, 1))
    changed = cache.get(src, 0.5, 48)
    assert changed != first and cache.misses == 3
    assert not [p for p in (tmp_path / "cache").rglob("*") if ".part" in p.name]


def test_many_threads_make_each_thumbnail_once(tmp_path):
    src = sample_video(tmp_path / "v.mp4", frames=48)
    cache = ThumbnailCache(tmp_path / "cache")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: cache.get(src, (i % 2) * 1.0, 40), range(16)))
    assert len(set(results)) == 2 and cache.misses == 2 and cache.hits == 14
    assert all(r.stat().st_size > 0 for r in results)


def test_missing_or_bad_file_raises(tmp_path):
    cache = ThumbnailCache(tmp_path / "cache")
    with pytest.raises(MediaError, match="does not exist"):
        cache.get(tmp_path / "gone.mp4", 0, 32)
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(MediaError):
        cache.get(bad, 0, 32)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


def test_prune_keeps_the_newest_within_a_budget(tmp_path):
    src = sample_video(tmp_path / "v.mp4", frames=48)
    cache = ThumbnailCache(tmp_path / "cache")
    made = [cache.get(src, t / 10, 48) for t in range(6)]
    for i, f in enumerate(made):
        os.utime(f, ns=(i * 10**9, i * 10**9))  # made one after another
    sizes = [f.stat().st_size for f in made]
    assert cache.prune(sum(sizes[-2:])) == 4
    assert [f.exists() for f in made] == [False] * 4 + [True] * 2
    assert cache.get(src, 0.0, 48).is_file() and cache.misses == 7  # a pruned one is simply made again


def test_thumbnails_are_made_in_the_background(monkeypatch, tmp_path):
    """ffmpeg for a thumbnail yields the CPU to the editor (low_priority: a lower priority, its own process group):
    thumbnails are asked for when a result lands, when the GUI thread has the most to do. The past-the-end
    fallback too."""
    src = numbered_video(tmp_path / "n.mp4", frames=20, fps=20)
    runs = record_ffmpeg_runs(monkeypatch)
    cache = ThumbnailCache(tmp_path / "cache")
    assert cache.get(src, 0.5, 32).is_file() and cache.get(src, 99.0, 32).is_file()
    assert len(runs) == 3  # the frame at 0.5 s; past the end: the seek that gives nothing, then the last frame
    for cmd, kwargs in runs:
        assert started_in_the_background(cmd, kwargs), (cmd, kwargs)
