"""ThumbnailService: thumbnails made off the GUI thread by the core cache, handed to QML as plain files."""
import threading

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage

from ltx_editor.ui.thumbnails import ThumbnailService
from tests.fakes.media_factory import sample_video, still


def test_a_video_thumbnail_is_made_off_the_gui_thread_then_announced(qtbot, tmp_path):
    video = sample_video(tmp_path / "clip.mp4", frames=24, size=(64, 48))
    service = ThumbnailService(tmp_path / "thumbs")
    makers = []
    service._made.connect(lambda *_: makers.append(threading.current_thread() is threading.main_thread()))
    with qtbot.waitSignal(service.ready, timeout=20000) as ready:
        assert service.url(video, 0.5, 32) == ""  # not made yet: the GUI thread does not wait for it
    assert ready.args == [str(video)]
    url = service.url(video, 0.5, 32)
    assert url.startswith("file:///") and url.endswith(".jpg")
    image = QImage(QUrl(url).toLocalFile())
    assert image.width() == 32 and not image.isNull()
    # queued like the service's own slot, but Qt may deliver it in a later batch of events than `ready`
    qtbot.waitUntil(lambda: len(makers) > 0, timeout=10_000)
    assert makers == [True]  # delivered on the GUI thread (queued from the pool)
    service.shutdown()


def test_stills_are_loaded_as_they_are_and_broken_files_are_not_retried(qtbot, tmp_path):
    service = ThumbnailService(tmp_path / "thumbs")
    png = still(tmp_path / "a.png")
    assert service.url(png) == QUrl.fromLocalFile(str(png)).toString()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    announced = []
    service.ready.connect(announced.append)
    assert service.url(broken, 0, 32) == ""
    assert service.wait_idle(20)
    qtbot.waitUntil(lambda: not service._pending, timeout=5000)
    assert service.url(broken, 0, 32) == "" and not service._pending  # remembered, not asked again
    assert announced == []
    service.shutdown()


def test_asking_for_thumbnails_starts_no_thread_on_the_gui_thread(qtbot, tmp_path):
    """The pool's threads start with the service: a thread started on demand made the GUI thread wait until it
    ran, inside a bin model's data() call (Thread.start() waits for the new thread)."""
    videos = [sample_video(tmp_path / f"clip{i}.mp4", frames=12, size=(32, 32)) for i in range(3)]
    service = ThumbnailService(tmp_path / "thumbs", max_threads=2)
    threads = list(service._pool._threads)
    assert len(threads) == 2  # both started with the service, not one of them on demand
    started = []
    original = threading.Thread.start
    threading.Thread.start = lambda self: (self.name.startswith("ltx-thumb") and started.append(self.name)
                                           or original(self))
    try:
        with qtbot.waitSignals([service.ready] * 3, timeout=30_000):
            for video in videos:
                assert service.url(video, 0.0, 32) == ""
    finally:
        threading.Thread.start = original
    assert started == []
    assert all(service.url(video, 0.0, 32).endswith(".jpg") for video in videos)
    service.shutdown()
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in threads), timeout=10_000)


def test_a_service_shut_down_at_once_leaves_no_thread_waiting(qtbot, tmp_path):
    """Its threads start waiting for each other; a shutdown right away lets them go (none lingers)."""
    service = ThumbnailService(tmp_path / "thumbs", max_threads=3)
    threads = list(service._pool._threads)
    service.shutdown()
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in threads), timeout=5_000)
