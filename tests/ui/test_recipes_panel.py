"""The generate panel's speed preset, multi-scale and audio controls reach the request the panel makes."""
from PySide6.QtCore import Q_ARG, QMetaObject
from PySide6.QtQuick import QQuickItem

from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click


def test_preset_multiscale_and_audio_controls(main_window, qtbot):
    w = main_window
    gen = w.app.generate
    gen.prompt = "waves at dusk"
    gen.modelId = "ltx-2-19b"
    audio = w.find("audioCheck", QQuickItem)
    qtbot.waitUntil(lambda: audio.isVisible())  # LTX-2 makes audio: the switch shows
    click(w.window, audio)
    qtbot.waitUntil(lambda: gen.audio is False)
    click(w.window, w.find("multiscaleCheck", QQuickItem))
    qtbot.waitUntil(lambda: gen.multiscale is True)
    settings = gen.form.request().settings
    assert (settings.generate_audio, settings.upscale) == (False, True)
    box = w.find("presetBox", QQuickItem)
    box.setProperty("currentIndex", 1)
    QMetaObject.invokeMethod(box, "activated", Q_ARG(int, 1))  # Draft, as a click in the popup sends it
    qtbot.waitUntil(lambda: gen.preset == "draft")
    assert not w.find("multiscaleCheck", QQuickItem).property("enabled")  # the preset decides now
    settings = gen.form.request().settings
    assert (settings.preset, settings.model_id, settings.steps) == ("draft", "ltx-2-19b-distilled", 8)
    gen.modelId = "ltxv-2b-0.9.5"
    qtbot.waitUntil(lambda: not audio.isVisible())  # LTX-Video makes no audio
