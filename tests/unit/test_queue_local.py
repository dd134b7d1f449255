"""The queue with the real local provider: the GPU job runs on the provider's worker thread, so the same
event loop keeps serving cloud jobs meanwhile, and a cancel reaches the running diffusers pipeline."""
import asyncio

from ltx_editor.generation.local.provider import LocalLTXProvider
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe
from tests.unit.test_queue import Harness, ScriptedProvider, req, wait_until


def test_local_job_runs_while_cloud_jobs_keep_moving(tiny_ltx_dir, tmp_path):
    local = LocalLTXProvider(max_sequence_length=16)
    fal = ScriptedProvider("fal", duration=0.01)
    h = Harness(tmp_path, providers={"local": local, "fal": fal}).start()
    try:
        warm = h.queue.submit(tiny_request(tiny_ltx_dir))  # loads the model
        wait_until(lambda: warm.state == "finished", 120)
        slow = h.queue.submit(tiny_request(tiny_ltx_dir, steps=40, width_override=64, height_override=64,
                                           num_frames_override=17))
        wait_until(lambda: slow.progress is not None and slow.progress.step is not None)
        cloud = [h.queue.submit(req(f"c{i}", "fal")) for i in range(3)]
        wait_until(lambda: all(j.state == "finished" for j in cloud))
        assert slow.state == "running"  # the cloud jobs finished while the local one was still denoising
        h.queue.cancel(slow.id)
        wait_until(lambda: slow.state == "cancelled", 60)
        assert probe(warm.result.video_path).frames == 9
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".mp4") == [warm.result.video_path.name]
    finally:
        h.stop()
        asyncio.run(local.close())
