"""The storyboard panel loaded alone and clicked like a person would, on the real AppController and the tiny
LTX model: add/type/reorder/duplicate/delete shots, Generate all (estimate first, then queue), shots land
in order, regenerating adds a take, switching takes keeps both, undo."""
from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QTest

from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.landing import STORYBOARD_TRACK
from tests.fakes.chat_server import FakeChatServer
from tests.ui.workflow_app import *  # noqa: F403 (fixtures)
from tests.ui.workflow_app import click, find_item, wait_jobs_done

M = GenerationMode


def _shot_item(root, number: int):
    return find_item(root, f"shot_{number}")


def _button(root, shot: int, name: str):
    return find_item(_shot_item(root, shot), name)


def _type_prompt(qtbot, view, root, shot: int, text: str) -> None:
    field = _button(root, shot, "promptField")
    click(view, field)
    qtbot.waitUntil(lambda: field.hasActiveFocus())
    for ch in text:
        QTest.keyClick(view, ch)
    QTest.keyClick(view, Qt.Key.Key_Return)  # editingFinished: one undoable change


def _prompts(app):
    return [s.prompt for s in app.document.project.shots]


def _panel(load_qml, app):
    loaded = load_qml("StoryboardPanel.qml", size=(720, 520), document=app.document, storyboard=app.storyboard)
    own = [w for w in loaded.warnings if "Storyboard" in w or "ShotDelegate" in w]
    assert not own, own  # the panel loads alone, cleanly
    return loaded.window, loaded.root


def test_add_type_reorder_duplicate_delete_by_clicking(qtbot, load_qml, app):
    view, root = _panel(load_qml, app)
    doc = app.document
    for _ in range(3):
        click(view, find_item(root, "addShotButton"))
    assert len(doc.project.shots) == 3 and find_item(root, "shotList").property("count") == 3
    for number, text in ((1, "a red kite"), (2, "the kite dives"), (3, "it lands")):
        _type_prompt(qtbot, view, root, number, text)
    assert _prompts(app) == ["a red kite", "the kite dives", "it lands"]

    click(view, _button(root, 1, "downButton"))  # shot 1 moves below shot 2
    qtbot.waitUntil(lambda: _prompts(app)[0] == "the kite dives")
    assert _prompts(app) == ["the kite dives", "a red kite", "it lands"]
    assert not _button(root, 1, "upButton").isEnabled() and not _button(root, 3, "downButton").isEnabled()

    click(view, _button(root, 3, "duplicateButton"))
    qtbot.waitUntil(lambda: len(doc.project.shots) == 4)
    assert _prompts(app) == ["the kite dives", "a red kite", "it lands", "it lands"]
    click(view, _button(root, 1, "deleteButton"))
    qtbot.waitUntil(lambda: len(doc.project.shots) == 3)
    assert _prompts(app) == ["a red kite", "it lands", "it lands"]
    assert doc.undoText == "Delete shot"
    doc.undo()
    qtbot.waitUntil(lambda: find_item(root, "shotList").property("count") == 4)
    assert _prompts(app)[0] == "the kite dives"
    assert not app.errors and app.worker.queue.jobs == []


def test_generate_all_estimates_first_then_lands_in_order_and_regenerates_a_take(qtbot, load_qml, app, tmp_path):
    doc, wf = app.document, app.storyboard
    Image.new("RGB", (32, 32), (200, 40, 40)).save(tmp_path / "start.png")
    Image.new("RGB", (32, 32), (40, 40, 200)).save(tmp_path / "end.png")
    for prompt, seconds in (("a red kite", 0.4), ("the kite dives", 0.7), ("it lands in the sea", 0.4)):
        assert wf.addShot(prompt, seconds)
    ids = [s.id for s in doc.project.shots]
    assert wf.updateShot(ids[1], {"startImage": (tmp_path / "start.png").as_uri()})
    assert wf.updateShot(ids[2], {"startImage": str(tmp_path / "start.png"), "endImage": str(tmp_path / "end.png")})
    assert wf.moveShot(ids[2], 0)  # storyboard order: shot 3, shot 1, shot 2
    order = [s.id for s in doc.project.shots]
    view, root = _panel(load_qml, app)
    assert _shot_item(root, 1).property("startImageUrl").endswith("start.png")

    click(view, find_item(root, "generateAllButton"))
    dialog = root.findChild(QObject, "generateAllDialog")
    qtbot.waitUntil(lambda: dialog.property("opened"))
    text = find_item(root.window().contentItem(), "estimateLabel").property("text")
    assert "3 shot(s)" in text and "3 generation(s) · free" in text
    assert app.worker.queue.jobs == []  # nothing is queued before the person confirms
    click(view, find_item(root.window().contentItem(), "confirmGenerateButton"))

    jobs = wait_jobs_done(qtbot, app, 3)
    qtbot.waitUntil(lambda: [s.status for s in doc.project.shots] == ["done"] * 3, timeout=30_000)
    assert [j.request.mode for j in jobs] == [M.KEYFRAMES, M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO]
    board = next(t for t in doc.project.tracks if t.name == STORYBOARD_TRACK)
    shots = doc.project.shots
    assert [c.asset_id for c in board.clips] == [s.asset_id for s in shots]  # in storyboard order
    assert [(c.start, c.duration) for c in board.clips] == [(0, 9), (9, 9), (18, 17)]  # back to back
    assert [s.id for s in shots] == order and len(doc.project.assets) == 3  # each result in the bin once
    assert _button(root, 2, "statusLabel").property("text") == "done"

    # Regenerate the middle shot by clicking: a new take of its asset; its clip switches to it in place.
    middle = shots[1]
    first_take = doc.project.asset(middle.asset_id).active_take_id
    app.generate.seed = 99
    click(view, _button(root, 2, "regenerateButton"))
    wait_jobs_done(qtbot, app, 4)
    asset = doc.project.asset(middle.asset_id)
    qtbot.waitUntil(lambda: _shot_item(root, 2).property("takeCount") == 2)
    second_take = asset.active_take_id
    assert second_take != first_take and len(board_clips(doc)) == 3
    clip = next(c for c in board_clips(doc) if c.asset_id == asset.id)
    assert clip.take_id == second_take and doc.undoText == "Switch take"

    # Switch back to the first take from the shot's take box: both takes stay.
    combo = _button(root, 2, "takeCombo")
    assert combo.property("currentIndex") == 1
    combo.forceActiveFocus()
    QTest.keyClick(view, Qt.Key.Key_Up)  # the keyboard picks the previous take (activated, as a click would)
    clip = next(c for c in board_clips(doc) if c.asset_id == asset.id)
    assert clip.take_id == first_take and doc.project.asset(asset.id).active_take_id == first_take
    assert [t.id for t in doc.project.asset(asset.id).takes] == [first_take, second_take]
    qtbot.waitUntil(lambda: combo.property("currentIndex") == 0)
    doc.undo()
    assert next(c for c in board_clips(doc) if c.asset_id == asset.id).take_id == second_take
    assert not app.errors


def board_clips(doc):
    return next(t for t in doc.project.tracks if t.name == STORYBOARD_TRACK).clips


def test_generate_all_refusals_queue_nothing(qtbot, app, tmp_path):
    wf = app.storyboard
    assert wf.estimateAll() == "" and not wf.generateAll()  # no shots
    assert wf.addShot("too long", 30.0)  # 720 frames: more than the model makes
    assert wf.estimateAll() == ""
    assert not wf.updateShot(app.document.project.shots[0].id, {"startImage": str(tmp_path / "nope.png")})
    assert [m for m, _ in app.errors][0] == "The storyboard has no shots."
    assert "makes at most 257" in app.errors[2][0] and "does not exist" in app.errors[3][0]
    assert app.worker.queue.jobs == []


def test_enhance_shot_prompt_through_the_endpoint(qtbot, load_qml, app):
    reply = "A red kite climbs over a windy beach at dawn, the camera tilting up slowly."
    with FakeChatServer(reply=reply) as server:
        app.preferences.values.enhance_endpoint = server.base_url
        app.preferences.values.enhance_model = "tiny-chat"
        wf, doc = app.storyboard, app.document
        assert wf.addShot("a red kite", 1.0)
        shot_id = doc.project.shots[0].id
        view, root = _panel(load_qml, app)
        with qtbot.waitSignal(wf.shotEnhanced, timeout=30_000) as done:
            click(view, _button(root, 1, "enhanceButton"))
        assert done.args == [shot_id, True]
        assert doc.project.shots[0].enhanced_prompt == reply
        qtbot.waitUntil(lambda: _button(root, 1, "enhancedLabel").isVisible())
        assert server.requests[0][2]["messages"][1]["content"] == "a red kite"
        # The shot now generates from the enhanced prompt, and is not enhanced a second time.
        assert wf.generateShot(shot_id)
        (job,) = app.worker.queue.jobs
        assert job.request.prompt == reply and job.request.settings.enhance_prompt is False
        wait_jobs_done(qtbot, app, 1)
        doc.undo()  # the landing
        doc.undo()  # the enhancement
        assert doc.project.shots[0].enhanced_prompt is None


def test_enhancement_failure_keeps_the_prompt(qtbot, app):
    with FakeChatServer(mode="error500") as server:
        app.preferences.values.enhance_endpoint = server.base_url
        app.preferences.values.enhance_model = "tiny-chat"
        notes = []
        app.storyboard.notice.connect(notes.append)
        assert app.storyboard.addShot("a red kite", 1.0)
        with qtbot.waitSignal(app.storyboard.shotEnhanced, timeout=30_000) as done:
            assert app.storyboard.enhanceShotPrompt(app.document.project.shots[0].id)
    assert done.args[1] is False and app.document.project.shots[0].enhanced_prompt is None
    assert "HTTP 500" in notes[-1] and app.document.undoText == "Add shot"


def test_enhance_refused_when_off(qtbot, app):
    assert app.storyboard.addShot("a red kite", 1.0)
    assert not app.storyboard.enhanceShotPrompt(app.document.project.shots[0].id)
    assert app.errors == [("Prompt enhancement is off.",
                           "Set an OpenAI-compatible endpoint and model in Preferences.")]


def test_cloud_estimate_sums_every_shot_before_queueing(qtbot, app, tmp_path, monkeypatch):
    from ltx_editor.generation.cost import estimate
    from ltx_editor.generation.workflows import Recipe, shot_request

    monkeypatch.setenv("FAL_KEY", "test-key")  # the backend is ready; nothing is sent anywhere
    gen, wf, doc = app.generate, app.storyboard, app.document
    gen.refreshBackends()
    gen.backend = "fal"
    gen.modelId = "ltxv-13b-0.9.8-distilled"  # on fal: its text, image and multiconditioning endpoints
    gen.customSize = False
    gen.resolution = "480p"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(tmp_path / "a.png")
    assert wf.addShot("a red kite", 2.0) and wf.addShot("the kite dives", 3.0)
    assert wf.updateShot(doc.project.shots[1].id, {"startImage": str(tmp_path / "a.png")})
    text = wf.estimateAll()
    recipe = Recipe(backend="fal", settings=gen.form.settings())
    total = sum(estimate(shot_request(s, doc.project, doc.working_path, recipe)) for s in doc.project.shots)
    assert total > 0 and text == f"2 generation(s) · ≈ ${total:.2f} (estimate)"
    assert app.worker.queue.jobs == []

    gen.modelId = "ltx-2-fast"  # text and image only on fal: a first/last-frame shot cannot run there
    assert wf.updateShot(doc.project.shots[0].id, {"startImage": str(tmp_path / "a.png"),
                                                   "endImage": str(tmp_path / "a.png")})
    assert wf.estimateAll() == "" and not wf.generateAll()
    assert app.errors[-1] == ("LTX-2 Fast (cloud) cannot do keyframes on fal.",
                              "Choose another model or backend in the generate panel.")
    assert app.worker.queue.jobs == []
