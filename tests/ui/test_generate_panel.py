"""The generate panel bound to the GenerateController: typing a prompt, picking a backend that is not ready
(and reading why), the cost line, LoRAs from the LoRA folder with switches and scales, the seed lock, and
the source image preview for image-to-video."""
from types import SimpleNamespace

from PySide6.QtCore import Q_ARG, QMetaObject, QUrl
from PySide6.QtQuick import QQuickItem

from tests.fakes.media_factory import ffmpeg
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import center_of, click, type_text, visible_items, wait_settled


def pick(combo: QQuickItem, index: int) -> None:
    """Choose an entry as the popup would: set the index, then the `activated` signal a click sends."""
    combo.setProperty("currentIndex", index)
    QMetaObject.invokeMethod(combo, "activated", Q_ARG(int, index))


def test_prompt_and_the_reason_generate_is_disabled(main_window, qtbot, tmp_path):
    w = main_window
    gen = w.app.generate
    w.prefs.localModelPath, w.prefs.allowCpu = str(tmp_path), True  # weights of one's own, on the CPU by choice
    problem = w.find("problemLabel", QQuickItem)
    button = w.find("generateButton", QQuickItem)
    qtbot.waitUntil(lambda: problem.property("text") == "Write a prompt.")  # once the GPU check is back
    assert not button.property("enabled")
    click(w.window, w.find("promptField", QQuickItem))
    type_text(w.window, "waves at dusk")
    qtbot.waitUntil(lambda: gen.prompt == "waves at dusk")
    qtbot.waitUntil(lambda: button.property("enabled") and not problem.isVisible())
    assert w.find("costLabel", QQuickItem).property("text") == "Free — runs on this machine"
    assert "×" in w.find("summaryLabel", QQuickItem).property("text")


def test_a_cloud_backend_without_a_key_says_why(main_window, qtbot):
    w = main_window
    gen = w.app.generate
    gen.prompt = "waves"
    box = w.find("backendBox", QQuickItem)
    pick(box, 1)  # fal.ai
    qtbot.waitUntil(lambda: gen.backend == "fal")
    status = w.find("backendStatus", QQuickItem)
    fal = next(b for b in gen.backends if b["id"] == "fal")
    assert not fal["ready"] and status.property("text") == fal["reason"]
    assert not w.find("generateButton", QQuickItem).property("enabled")
    assert "not ready" in w.find("problemLabel", QQuickItem).property("text")
    models = w.find("modelBox", QQuickItem)
    assert models.property("count") == gen.models.rowCount() > 0


def test_loras_from_the_folder_switch_and_scale(main_window, qtbot, tmp_path):
    w = main_window
    folder = tmp_path / "loras"
    folder.mkdir()
    (folder / "anime.safetensors").write_bytes(b"\0")
    w.prefs.loraDir = str(folder)
    loras = w.app.generate.loras
    qtbot.waitUntil(lambda: loras.rowCount() == 1)
    qtbot.waitUntil(lambda: len(visible_items(w.window, "loraSwitch")) == 1)
    switch = visible_items(w.window, "loraSwitch")[0]
    wait_settled(qtbot, lambda: (center_of(switch), switch.width()))  # laid out where the click will land
    click(w.window, switch)
    qtbot.waitUntil(lambda: loras.get(0)["enabled"])
    loras.setScale(0, 0.6)
    assert [(s.name, s.scale) for s in loras.specs()] == [("anime", 0.6)]


def test_seed_lock_and_source_image_preview(main_window, qtbot, tmp_path):
    w = main_window
    gen = w.app.generate
    click(w.window, w.find("seedLockBox", QQuickItem))
    qtbot.waitUntil(lambda: gen.seedLocked)
    image = tmp_path / "still.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", str(image))
    gen.chooseSourceImage(QUrl.fromLocalFile(str(image)).toString())
    qtbot.waitUntil(lambda: gen.mode == "image-to-video" and gen.sourceImage == str(image))
    preview = w.find("sourceImagePreview", QQuickItem)
    qtbot.waitUntil(lambda: preview.isVisible() and preview.implicitWidth() == 64)
    assert w.find("modeBox", QQuickItem).property("currentText") == "Image to video"


def test_generate_rolls_a_new_seed_into_the_panel_without_reevaluating_the_whole_panel(main_window, qtbot, tmp_path):
    """The panel's one `changed` signal re-evaluates every binding (~8 ms, a GUI stall under load); the new seed
    after each Generate comes through `seedChanged` alone."""
    w = main_window
    gen = w.app.generate
    w.prefs.localModelPath, w.prefs.allowCpu = str(tmp_path), True
    problem = w.find("problemLabel", QQuickItem)
    qtbot.waitUntil(lambda: problem.property("text") == "Write a prompt.")
    gen.prompt = "waves at dusk"
    queued = []
    gen._submit = lambda request: queued.append(request) or SimpleNamespace(id=f"job-{len(queued)}")  # the queue
    spin = w.find("seedSpin", QQuickItem)
    changes = []
    gen.changed.connect(lambda: changes.append(1))
    seeds = [gen.seed]
    for _ in range(3):
        assert gen.generate() == f"job-{len(queued)}"
        seeds.append(gen.seed)
        assert spin.property("value") == gen.seed
    assert [r.settings.seed for r in queued] == [None] * 3  # unlocked: each job draws its own, kept in its recipe
    assert len(set(seeds)) == 4 and changes == []
    gen.seed = 1234  # typed in: the whole panel follows as before
    assert spin.property("value") == 1234 and changes == [1]
