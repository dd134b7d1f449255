"""The job card's live preview: a local job through the real worker process shows the generator's picture while
it runs (the model's `previewUrl`), the card's Image decodes it, and the picture goes when the job ends."""
import sys

from PySide6.QtQuick import QQuickItem

from ltx_editor.generation.worker.client import WorkerLTXProvider
from ltx_editor.ui.jobs_model import JobsModel
from ltx_editor.ui.worker import GenerationWorker
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request

# The real child with a slower step (a slow GPU), so the running job can be watched; its preview is the real one.
SLOW_WORKER = (sys.executable, "-m", "tests.fakes.slow_worker", "--step-delay", "0.4")
CARD_ROLES = ("jobId", "label", "jobState", "stateText", "backend", "modelId", "progress", "detail", "elapsed",
              "eta", "error", "errorHint", "canCancel", "canRetry", "canOpen", "costText", "previewUrl")


def test_a_running_local_job_shows_its_live_preview_on_the_card(qtbot, load_qml, tiny_ltx_dir, tmp_path):
    worker = GenerationWorker(lambda backend: {"max_sequence_length": 16}, lambda: tmp_path,
                              create=lambda backend, **options: WorkerLTXProvider(command=SLOW_WORKER, **options))
    model = JobsModel()
    worker.jobChanged.connect(model.on_job_changed)
    worker.start()
    try:
        job = worker.queue.submit(tiny_request(tiny_ltx_dir, steps=5))
        qtbot.waitUntil(lambda: model.rowCount() == 1 and model.get(0)["previewUrl"] != "", timeout=240_000)
        row = model.get(0)
        assert row["jobState"] == "running"
        assert row["previewUrl"].startswith("data:image/jpeg;base64,")

        card = load_qml("JobDelegate.qml", size=(300, 320), **{name: row[name] for name in CARD_ROLES})
        picture = card.find("jobPreview", QQuickItem)
        qtbot.waitUntil(lambda: picture.property("progress") == 1.0)  # the data URL decoded
        size = picture.property("sourceSize")
        assert (size.width(), size.height()) == (32, 32) and picture.isVisible() and picture.height() > 0
        assert not [w for w in card.warnings if "JobDelegate" in w]

        qtbot.waitUntil(lambda: job.state in ("finished", "failed"), timeout=240_000)
        assert job.state == "finished", job.error
        qtbot.waitUntil(lambda: model.get(0)["jobState"] == "finished")
        assert model.get(0)["previewUrl"] == "" and job.preview is None  # dropped when the job ends
        card.root.setProperty("previewUrl", "")
        assert not picture.isVisible()
    finally:
        assert worker.stop(30_000)
