"""Live previews: the real worker process sends small JPEGs of the clip so far (both model families), they cross
the protocol as base64 JSON, ride on the step's progress event, and a clip made with previews is the same clip."""
import asyncio
import io
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ltx_editor.generation.local.latent_preview import LatentPreviewer
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.preview import PREVIEW_MAX_WIDTH, PreviewEvent
from ltx_editor.generation.request import CancelToken, ProgressEvent, Stage
from ltx_editor.generation.worker.client import WorkerLTXProvider
from ltx_editor.generation.worker.protocol import Preview, Progress, decode_from_worker, encode
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import read_frames


def _generate(provider, request, out: Path) -> list[ProgressEvent]:
    events: list[ProgressEvent] = []

    async def go():
        try:
            return await provider.generate(request, out, events.append, CancelToken())
        finally:
            await provider.close()

    events.append(asyncio.run(go()))
    return events


def test_a_preview_crosses_the_protocol_as_base64_json_and_rides_on_its_step():
    jpeg = b"\xff\xd8\xff\xe0 not text \x00\n\xff\xd9"
    line = encode(Preview(job_id="j1", step=3, width=32, height=24, jpeg=jpeg))
    assert line.count(b"\n") == 1 and b"\x00" not in line
    message = decode_from_worker(line)
    assert isinstance(message, Preview) and message.jpeg == jpeg
    step = ProgressEvent(stage=Stage.GENERATING, step=3, total=4, fraction=0.75, message="step 3/4")
    carried = message.attach(step)
    assert isinstance(carried, PreviewEvent) and (carried.image, carried.width, carried.height) == (jpeg, 32, 24)
    assert carried.step == 3 and carried.message == "step 3/4"
    assert message.attach(step.model_copy(update={"step": 4})) == step.model_copy(update={"step": 4})
    # The picture never leaks into a dump (logs, sidecars) nor into a Progress message.
    assert "image" not in carried.model_dump() and "image" not in json.loads(carried.model_dump_json())
    assert "image" not in Progress(job_id="j1", event=carried).model_dump_json()
    with pytest.raises(ValueError, match="width"):
        Preview(job_id="j1", step=1, width=PREVIEW_MAX_WIDTH + 1, height=10, jpeg=jpeg)


@pytest.mark.parametrize("family", ["ltx", "ltx2"])
def test_the_worker_process_sends_previews_of_the_expected_size(family, tiny_ltx_dir, tiny_ltx2_dir, tmp_path):
    model_dir = tiny_ltx_dir if family == "ltx" else tiny_ltx2_dir
    events = _generate(WorkerLTXProvider(max_sequence_length=16), tiny_request(model_dir, steps=3), tmp_path)
    result, events = events[-1], events[:-1]
    shots = [e for e in events if isinstance(e, PreviewEvent)]
    assert shots, [e.message for e in events]
    assert [(e.step, e.total) for e in events if e.stage is Stage.GENERATING] == [(1, 3), (2, 3), (3, 3)]
    for shot in shots:
        assert shot.step >= 2  # the first step has no earlier latents to estimate the clean clip from
        image = Image.open(io.BytesIO(shot.image))
        assert image.format == "JPEG" and image.size == (shot.width, shot.height) == (32, 32)
        assert np.asarray(image).std() > 0  # a picture, not a flat fill
    assert result.video_path.is_file()


def test_previews_can_be_turned_off_and_the_in_process_default_is_off(tiny_ltx_dir, tmp_path):
    off = _generate(WorkerLTXProvider(max_sequence_length=16, live_previews=False), tiny_request(tiny_ltx_dir),
                    tmp_path / "worker")
    in_process = _generate(LocalLTXProvider(max_sequence_length=16), tiny_request(tiny_ltx_dir), tmp_path / "cli")
    assert not any(isinstance(e, PreviewEvent) for e in off + in_process)


@pytest.mark.parametrize("family", ["ltx", "ltx2"])
def test_a_clip_made_with_previews_is_the_same_clip(family, tiny_ltx_dir, tiny_ltx2_dir, tmp_path):
    model_dir = tiny_ltx_dir if family == "ltx" else tiny_ltx2_dir
    request = tiny_request(model_dir, steps=4, seed=11)
    made = {}
    for previews in (True, False):
        events = _generate(LocalLTXProvider(max_sequence_length=16, live_previews=previews), request,
                           tmp_path / str(previews))
        assert any(isinstance(e, PreviewEvent) for e in events) is previews
        made[previews] = read_frames(events[-1].video_path)
    assert np.array_equal(made[True], made[False])


def test_previews_keep_to_their_interval_and_their_share_of_the_time(tiny_ltx_dir):
    """A clock that moves a quarter second per reading makes every preview cost 0.25 s: with no cap they come
    every 0.5 s; with a 5% cap the first one already spent the budget of the next 5 s, so no second one."""
    import torch
    from diffusers import LTXPipeline

    pipe = LTXPipeline.from_pretrained(tiny_ltx_dir)
    grid = 3 * 8 * 8  # (9 - 1) // 4 + 1 latent frames of 8x8 (the tiny VAE compresses 4x)
    made = {}
    for cap in (1.0, 0.05):
        ticks = itertools.count(1)
        previewer = LatentPreviewer(every_s=0.5, max_share=cap, clock=lambda ticks=ticks: 0.25 * next(ticks))
        previewer.begin(pipe, {"num_frames": 9, "height": 32, "width": 32})
        pipe.scheduler.set_timesteps(10)
        shots = []
        for step in range(1, 10):
            pipe.scheduler._step_index = step
            shots.append(previewer(pipe, torch.randn(1, grid, 8, generator=torch.Generator().manual_seed(step))))
        assert shots[0] is None and shots[1] is not None  # no earlier latents at the first step
        made[cap] = previewer.made
        assert previewer.seconds == pytest.approx(0.25 * previewer.made)
    assert made == {1.0: 4, 0.05: 1}


def test_the_clean_estimate_from_two_steps_is_exact_for_a_flow_matching_step():
    """x_next = x + (sigma_next - sigma) * v with v = noise - x0: two latents and the schedule give x0 back."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler

    from ltx_editor.generation.local.latent_preview import _x0

    scheduler = FlowMatchEulerDiscreteScheduler()
    scheduler.set_timesteps(8)
    g = torch.Generator().manual_seed(3)
    x0, noise = torch.randn(64, 8, generator=g), torch.randn(64, 8, generator=g)
    for i, t in enumerate(scheduler.timesteps[:-1]):
        sigma = scheduler.sigmas[i]
        x = (1 - sigma) * x0 + sigma * noise
        x_next = scheduler.step(noise - x0, t, x, return_dict=False)[0]
        assert torch.allclose(_x0(scheduler, x, x_next), x0, atol=1e-4), i
    assert _x0(scheduler, x, x_next) is not x_next  # not the noisy latents passed through
