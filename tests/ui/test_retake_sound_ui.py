"""Retake the video, the audio or both from the timeline's retake popup (real QML, real AppController) with the
generate panel on fal's LTX-2 Pro and the loopback fal: the switch is offered for a model that makes sound,
the price shows first, the service is asked for the chosen retake_mode, and an audio retake lands as a new take
whose picture is the source's, one undo step."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtTest import QTest

from ltx_editor.core import timeline as tl
from ltx_editor.core.media import import_media
from ltx_editor.core.project_io import media_dir, resolve_media
from tests.fakes.media_factory import numbered_video, sample_video
from tests.fakes.video_probe import read_frames
from tests.ui import test_cloud_retake_ui as base
from tests.ui.fal_app import *  # noqa: F403 (fixtures)
from tests.ui.fal_app import TIMEOUT_MS
from tests.ui.timeline_helpers import center
from tests.ui.timeline_helpers import click as tl_click

cloud_clip = base.cloud_clip  # its fixture: the panel on LTX-2 Pro on fal, a 4 s clip with a 440 Hz tone on V1


def test_audio_retake_chosen_in_the_popup_keeps_the_picture(qtbot, load_qml, fal, cloud_clip, tmp_path):
    app, clip_id = cloud_clip
    src = media_dir(app.document.working_path) / "src.mp4"  # the clip's media: a 440 Hz tone under it
    fal.result_video = numbered_video(tmp_path / "back.mp4", frames=96, size=(64, 48), audio=True).read_bytes()
    old_take = app.document.project.find_clip(clip_id)[1].take_id
    view = load_qml("timeline/Timeline.qml", document=app.document, spans=app.spans, frames=app.frames,
                    retakes=app.retakes)
    qtbot.waitUntil(lambda: view.find(f"clip_{clip_id}") is not None)
    QMetaObject.invokeMethod(view.root, "openRetake", Qt.ConnectionType.DirectConnection, Q_ARG("QVariant", clip_id),
                             Q_ARG("QVariant", 24), Q_ARG("QVariant", 72))
    qtbot.waitUntil(lambda: view.find("retakePopup").property("opened"))
    switch = view.find("retakeSound")
    qtbot.waitUntil(lambda: switch.property("visible") and switch.property("width") > 0)  # LTX-2 makes sound
    summary = view.find("retakeSummary")
    assert "new picture, the sound kept" in summary.property("text")
    QMetaObject.invokeMethod(switch, "forceActiveFocus", Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(lambda: switch.hasActiveFocus())
    QTest.keyClick(view.window, Qt.Key.Key_Down)  # "Audio (keep the picture)"
    qtbot.waitUntil(lambda: "new sound, the picture kept" in summary.property("text"))
    assert "$0.37" in summary.property("text") and not fal.jobs  # the price first, nothing uploaded yet
    with qtbot.waitSignal(app.intake.landed, timeout=TIMEOUT_MS):
        tl_click(view.window, center(view.find("retakeSubmit")))
    (job,) = fal.jobs.values()
    assert job.arguments["retake_mode"] == "replace_audio"
    assert (job.arguments["start_time"], job.arguments["duration"]) == (1.0, 2.0)
    clip = app.document.project.find_clip(clip_id)[1]
    assert clip.take_id != old_take and (clip.start, clip.end) == (0, 96)
    take = app.document.project.asset(clip.asset_id).take(clip.take_id)
    assert take.has_audio
    assert np.array_equal(read_frames(resolve_media(app.document.working_path, take.path)), read_frames(src))
    assert app.document.undoText == "Retake range"
    app.document.undo()
    assert app.document.project.find_clip(clip_id)[1].take_id == old_take
    assert not app.errors


def test_a_silent_clip_refuses_a_sound_retake_in_words(qtbot, fal, make_app, tmp_path):
    app = make_app()
    app.generate.modelId = "ltx-2-pro"
    doc = app.document
    src = sample_video(media_dir(doc.working_path) / "mute.mp4", frames=96, size=(64, 48), audio=False)
    asset = import_media(doc.project, doc.working_path, src)
    doc.project.assets = [*doc.project.assets, asset]
    edit = tl.insert_clip(doc.project, "v1", asset.id, 0)
    doc.apply_edit(edit)
    clip_id = edit.created[0]
    preview = app.retakes.retakeBatchPreview(clip_id, 24, 72, 1, "seed", "", "audio")
    assert not preview["ok"] and preview["problem"] == "The clip has no sound to retake."
    assert not app.retakes.retakeBatch(clip_id, 24, 72, "", 1, "seed", "", "both")
    assert app.errors[-1][0] == "The clip has no sound to retake." and not fal.jobs
    assert app.retakes.retakeBatchPreview(clip_id, 24, 72, 1, "seed", "", "video")["ok"]
