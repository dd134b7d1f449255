"""Storyboard end to end on the tiny LTX model through the real JobQueue: generate all (text, image and
first/last-frame shots), finished shots land in storyboard order, regenerate adds a take and the clip switches
takes without losing any; undo."""
from __future__ import annotations

import asyncio

import pytest
from PIL import Image

from ltx_editor.core import storyboard as sb
from ltx_editor.core import timeline as tl
from ltx_editor.core.project import Project, Track
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.workflow_runner import Landed, ShotChanged
from ltx_editor.generation.workflows import Recipe, estimate_requests, shot_request
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_settings
from tests.fakes.video_probe import probe
from tests.fakes.workflow_harness import QueueHarness, landed

M = GenerationMode


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


def test_generate_all_then_regenerate_a_shot(tmp_path, tiny_ltx_dir, provider):
    path = tmp_path / "board.ltxproj"
    for name, colour in (("start.png", (200, 40, 40)), ("end.png", (40, 40, 200))):
        Image.new("RGB", (32, 32), colour).save(tmp_path / name)
    project = Project(tracks=[Track(id="v1", kind="video")])
    ids = [sb.add_shot(project, "a red kite", 0.4).created[0],
           sb.add_shot(project, "the kite dives", 0.7, start_image="start.png").created[0],
           sb.add_shot(project, "it lands in the sea", 0.4, start_image="start.png", end_image="end.png").created[0]]
    sb.move_shot(project, ids[2], 0)  # storyboard order: shot 3, shot 1, shot 2
    order = [s.id for s in project.shots]
    recipe = Recipe(settings=tiny_settings(), model_path=str(tiny_ltx_dir))
    requests = [shot_request(s, project, path, recipe) for s in project.shots]
    assert estimate_requests(requests).usd == 0.0  # what "Generate all" shows before queueing
    with QueueHarness(project, path, provider) as h:
        runs = h.runner.start_shots(list(reversed(order)), recipe)  # queued in storyboard order regardless
        assert [r.shot_id for r in runs] == order
        assert all(s.status == "queued" for s in project.shots)
        outcomes = h.pump(landed(3), timeout=240)
        jobs = [h.queue.get(r.job_id) for r in runs]
        assert [j.request.mode for j in jobs] == [M.KEYFRAMES, M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO]
        assert {o.status for o in outcomes if isinstance(o, ShotChanged)} >= {"generating", "done"}
        assert [s.status for s in project.shots] == ["done"] * 3
        board = next(t for t in project.tracks if t.name == "Storyboard")
        clips = board.clips
        assert [c.asset_id for c in clips] == [s.asset_id for s in project.shots]  # in storyboard order
        assert [c.start for c in clips] == [0, clips[0].end, clips[1].end]  # back to back
        assert [c.duration for c in clips] == [9, 9, 17]  # 0.4 s and 0.7 s at 24 fps, as 8k+1 frames
        assert [probe(j.result.video_path).frames for j in jobs] == [9, 9, 17]

        # Regenerate the middle shot: a new take of the same asset, and its clip switches to it.
        middle = project.shots[1]
        first_take = project.asset(middle.asset_id).active_take_id
        (rerun,) = h.runner.start_shots([middle.id], recipe.__class__(
            settings=tiny_settings(seed=99), model_path=str(tiny_ltx_dir)))
        (switch,) = [o for o in h.pump(landed(1)) if isinstance(o, Landed)]
    asset = project.asset(middle.asset_id)
    assert len(asset.takes) == 2 and asset.active_take_id != first_take
    board = next(t for t in project.tracks if t.name == "Storyboard")  # edits replace track objects
    clip = next(c for c in board.clips if c.asset_id == asset.id)
    assert clip.take_id == asset.active_take_id and switch.edit.label == "Switch take"
    assert len(board.clips) == 3  # switched in place, not placed again
    switch.edit.undo(project)
    clip = next(c for t in project.tracks for c in t.clips if c.asset_id == asset.id)
    assert clip.take_id == first_take and len(project.asset(asset.id).takes) == 2  # no take lost
    tl.set_clip_take(project, clip.id, asset.active_take_id)  # and either take can be shown again
    # Undo every landing: the storyboard track and its clips go; all three assets stay in the bin.
    for o in reversed([o for o in outcomes if isinstance(o, Landed)]):
        o.edit.undo(project)
    assert all(t.name != "Storyboard" for t in project.tracks) and len(project.assets) == 3
