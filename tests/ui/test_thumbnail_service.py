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
