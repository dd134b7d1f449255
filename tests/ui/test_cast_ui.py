"""The cast panel loaded alone and used like a person would, on the real AppController and the tiny LTX model:
add an entry, describe, rename, change its kind, add and remove a reference image, set a voice sample, remove
it — each one undo step; then `@name` in the generate panel's prompt queues a job whose recipe carries the
description and the reference, and an unknown name is refused before anything is queued."""
from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtTest import QTest

from ltx_editor.generation.cast_apply import CAST_STRENGTH
from ltx_editor.generation.sidecar import read_sidecar
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import click, find_item, wait_jobs_done


def _panel(load_qml, app):
    loaded = load_qml("CastPanel.qml", size=(560, 520), cast=app.cast)
    own = [w for w in loaded.warnings if "Cast" in w]
    assert not own, own  # the panel loads alone, cleanly
    return loaded.window, loaded.root


def _type(qtbot, view, field, text: str, clear: bool = False) -> None:
    click(view, field)
    qtbot.waitUntil(lambda: field.hasActiveFocus())
    if clear:
        QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(view, Qt.Key.Key_Delete)
    for ch in text:
        QTest.keyClick(view, ch)
    QTest.keyClick(view, Qt.Key.Key_Return)


def _call(root, name: str, *args: str) -> None:
    QMetaObject.invokeMethod(root, name, Qt.ConnectionType.DirectConnection, *[Q_ARG("QString", a) for a in args])


def test_the_cast_is_edited_in_its_panel_one_undo_step_per_action(qtbot, load_qml, app, tmp_path):
    view, root = _panel(load_qml, app)
    doc, stack = app.document, app.document.undo_stack
    _type(qtbot, view, find_item(root, "newNameField"), "Mara")
    qtbot.waitUntil(lambda: len(doc.project.cast) == 1)
    mara = doc.project.cast[0]
    assert mara.name == "Mara" and find_item(root, "castList").property("count") == 1
    assert stack.count() == 1 and stack.undoText() == "Add @Mara to the cast"

    entry = find_item(root, "cast_Mara")
    _type(qtbot, view, find_item(entry, "descriptionField"), "a woman in a red coat")
    qtbot.waitUntil(lambda: doc.project.cast[0].description == "a woman in a red coat")
    _type(qtbot, view, find_item(entry, "nameField"), "Maya", clear=True)
    qtbot.waitUntil(lambda: doc.project.cast[0].name == "Maya")
    entry = find_item(root, "cast_Maya")
    image = tmp_path / "maya.png"
    Image.new("RGB", (32, 32), (230, 20, 20)).save(image)
    _call(root, "imageChosen", mara.id, image.as_uri())  # what the file dialog calls when accepted
    qtbot.waitUntil(lambda: len(doc.project.cast[0].images) == 1)
    assert find_item(entry, "castImage_0") is not None
    voice = tmp_path / "line.wav"
    voice.write_bytes(b"RIFF0000WAVE")
    _call(root, "voiceChosen", mara.id, voice.as_uri())
    qtbot.waitUntil(lambda: doc.project.cast[0].voice is not None)
    assert "Voice: line.wav" in find_item(entry, "voiceButton").property("text")
    assert "kept but not used by today's models" in find_item(root, "voiceNote").property("text")
    stored = doc.project.cast[0].voice  # copied into the project's media folder, the original left alone
    assert doc.media_path(stored).read_bytes() == voice.read_bytes() and doc.media_path(stored) != voice
    assert stack.count() == 5  # add, describe, rename, image, voice: one step each

    thumb = find_item(entry, "castImage_0")
    picture = find_item(thumb, "castPicture")
    qtbot.waitUntil(lambda: picture.property("progress") == 1.0)  # loaded: the row has settled
    click(view, find_item(thumb, "removeImageButton"))
    qtbot.waitUntil(lambda: doc.project.cast[0].images == [])
    assert stack.count() == 6
    doc.undo()
    qtbot.waitUntil(lambda: len(doc.project.cast[0].images) == 1)
    click(view, find_item(find_item(root, "cast_Maya"), "removeEntryButton"))
    qtbot.waitUntil(lambda: doc.project.cast == [])
    assert find_item(root, "castList").property("count") == 0
    doc.undo()
    qtbot.waitUntil(lambda: len(doc.project.cast) == 1)
    for _ in range(4):  # voice, image, rename, description
        doc.undo()
    assert doc.project.cast[0].model_dump() == {**mara.model_dump(), "description": ""}
    assert find_item(root, "cast_Mara") is not None

    # A name that cannot follow an @ is refused in words and nothing changes.
    _type(qtbot, view, find_item(root, "newNameField"), "two words")
    assert app.errors and "cannot follow an @" in app.errors[-1][0]
    assert len(doc.project.cast) == 1


def test_at_name_in_the_generate_panel_brings_the_reference_into_the_recipe(qtbot, app, tmp_path):
    cast, gen = app.cast, app.generate
    image = tmp_path / "mara.png"
    Image.new("RGB", (32, 32), (230, 20, 20)).save(image)
    mara = cast.addEntry("Mara", "character", "a woman in a red coat")
    assert cast.addImage(mara, str(image))

    gen.prompt = "@Mara and @Bob on a beach"
    assert cast.promptProblem(gen.prompt).startswith("The prompt names @Bob")
    assert gen.generate() == ""  # refused before anything is queued
    assert "@Bob" in app.errors[-1][0] and app.worker.queue.jobs == []

    gen.prompt = "@Mara on a beach"
    assert cast.promptProblem(gen.prompt) == ""
    job_id = gen.generate()
    assert job_id
    job = app.worker.queue.get(job_id)
    assert job.request.prompt == "a woman in a red coat on a beach"
    kept = app.document.media_path(app.document.project.cast[0].images[0])  # the copy in the project's media
    assert kept != image and kept.read_bytes() == image.read_bytes()
    assert [(c.path, c.frame_index, c.strength) for c in job.request.conditions] == [(str(kept), 0, CAST_STRENGTH)]
    (done,) = wait_jobs_done(qtbot, app, 1)
    sidecar = read_sidecar(done.result.sidecar_path)
    assert sidecar["cast"][0]["name"] == "Mara" and sidecar["cast"][0]["images"][0]["sha256"]
    assert sidecar["cast"][0]["applied"] == f"image condition at frame 0, strength {CAST_STRENGTH}"
