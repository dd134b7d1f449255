"""Our own result downloads over a real loopback file host: resume, restart, caps, retries, atomicity."""
from __future__ import annotations

import asyncio
import os

import pytest

from ltx_editor.generation.download import (
    DownloadOptions,
    download_file,
    looks_like_video,
    safe_filename,
    url_filename,
)
from ltx_editor.generation.errors import Cancelled, DownloadError
from ltx_editor.generation.request import CancelToken
from tests.fakes.http_fault import Fault, LoopbackServer, fake_mp4

FAST = DownloadOptions(retries=3, backoff_s=0.01, backoff_max_s=0.05, read_timeout_s=2.0)


@pytest.fixture
def host():
    with LoopbackServer() as server:
        yield server


def _fetch(url, dest, **kw):
    return asyncio.run(download_file(url, dest, options=kw.pop("options", FAST), **kw))


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_plain_download_is_atomic_and_sends_no_authorization(host, tmp_path):
    data = fake_mp4("plain", 300_000)
    url = host.add_file("clip.mp4", data)
    seen = []
    out = _fetch(url, tmp_path / "clip.mp4", progress=lambda got, total: seen.append((got, total)))
    assert out.read_bytes() == data and looks_like_video(out)
    assert _leftovers(tmp_path) == ["clip.mp4"]
    assert seen[-1] == (len(data), len(data))
    assert all("authorization" not in r.headers for r in host.requests)


def test_cut_halfway_resumes_with_range(host, tmp_path):
    data = fake_mp4("resume", 2_000_000)
    url = host.add_file("r.mp4", data)
    host.faults.add("file", Fault.cut(0.5))
    out = _fetch(url, tmp_path / "r.mp4")
    assert out.read_bytes() == data
    reqs = host.requests_to("file")
    assert len(reqs) == 2 and reqs[1].headers["range"].startswith("bytes=")
    assert int(reqs[1].headers["range"][6:-1]) > 0  # resumed, not restarted
    assert _leftovers(tmp_path) == ["r.mp4"]


def test_server_ignoring_range_restarts_from_scratch(host, tmp_path):
    host.honour_range = False
    data = fake_mp4("restart", 1_000_000)
    url = host.add_file("x.mp4", data)
    host.faults.add("file", Fault.cut(0.3))
    assert _fetch(url, tmp_path / "x.mp4").read_bytes() == data


def test_retries_are_bounded_and_leave_nothing(host, tmp_path):
    url = host.add_file("y.mp4", fake_mp4("y", 100_000))
    host.faults.add("file", Fault.cut(0.2), times=10)
    with pytest.raises(DownloadError, match="dropped") as err:
        _fetch(url, tmp_path / "y.mp4")
    assert "Check your connection" in str(err.value)
    assert len(host.requests_to("file")) == FAST.retries + 1
    assert _leftovers(tmp_path) == []


def test_transient_5xx_and_resets_are_retried(host, tmp_path):
    data = fake_mp4("t", 50_000)
    url = host.add_file("t.mp4", data)
    host.faults.add("file", Fault.http(503))
    host.faults.add("file", Fault.reset())
    assert _fetch(url, tmp_path / "t.mp4").read_bytes() == data


def test_expired_link_is_not_retried(host, tmp_path):
    with pytest.raises(DownloadError, match="expired"):
        _fetch(f"{host.base_url}/files/missing.mp4", tmp_path / "m.mp4")
    assert len(host.requests_to("file")) == 1
    assert _leftovers(tmp_path) == []


def test_size_cap(host, tmp_path):
    url = host.add_file("big.mp4", fake_mp4("big", 500_000))
    with pytest.raises(DownloadError, match="limit"):
        _fetch(url, tmp_path / "big.mp4", options=DownloadOptions(max_bytes=100_000))
    assert _leftovers(tmp_path) == []


def test_stalled_read_times_out_then_retries(host, tmp_path):
    data = fake_mp4("slow", 10_000)
    url = host.add_file("s.mp4", data)
    host.faults.add("file", Fault.hang(1.0))
    opts = DownloadOptions(retries=2, backoff_s=0.01, read_timeout_s=0.3)
    assert _fetch(url, tmp_path / "s.mp4", options=opts).read_bytes() == data


def test_cancel_mid_download_leaves_nothing(host, tmp_path):
    url = host.add_file("c.mp4", fake_mp4("c", 3_000_000))
    host.file_chunk = 64 * 1024
    token = CancelToken()
    with pytest.raises(Cancelled):
        _fetch(url, tmp_path / "c.mp4", cancel=token, progress=lambda got, total: token.cancel())
    assert _leftovers(tmp_path) == []


def test_data_uri_and_bad_scheme(tmp_path):
    out = _fetch("data:video/mp4;base64," + __import__("base64").b64encode(fake_mp4("d", 100)).decode(),
                 tmp_path / "d.mp4")
    assert looks_like_video(out)
    with pytest.raises(DownloadError, match="unusable"):
        _fetch("ftp://example.com/x.mp4", tmp_path / "f.mp4")


def test_not_a_video_is_detected(tmp_path):
    page = tmp_path / "page.mp4"
    page.write_bytes(b"<html>error</html>")
    assert not looks_like_video(page)


@pytest.mark.parametrize("raw, want", [
    ("../../etc/passwd", "passwd"), ("a\\b\\c.mp4", "c.mp4"), ("my clip?.mp4", "my_clip_.mp4"),
    ("", "download"), ("..", "download"), ("x" * 300 + ".mp4", "x" * 116 + ".mp4"), ("bad\x00name.mov", "bad_name.mov"),
])
def test_safe_filename(raw, want):
    assert safe_filename(raw) == want
    assert os.sep not in safe_filename(raw)


def test_url_filename():
    assert url_filename("https://v3.fal.media/files/b/abc/My%20Clip.mp4?sig=1") == "My_Clip.mp4"
    assert url_filename("https://host/") == "result.mp4"
