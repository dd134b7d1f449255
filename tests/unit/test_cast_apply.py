"""`@name` in a request: the description goes into the prompt, the reference image becomes a condition where
the backend/model take one (else the sidecar says why not), the sidecar records each entry (images by
sha256, how applied), and on the tiny LTX model the reference really changes the output."""
from __future__ import annotations

import asyncio
import hashlib
import json

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.cast import CastError
from ltx_editor.core.project import CastEntry, Project
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.cast_apply import CAST_GUIDE_STRENGTH, CAST_STRENGTH, VOICE_NOT_APPLIED, apply_cast
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken, Condition, GenerationRequest
from ltx_editor.generation.sidecar import read_sidecar, regeneration_request
from ltx_editor.generation.workflows import WorkflowError
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import read_frames

M = GenerationMode


@pytest.fixture
def project(tmp_path):
    """A project file at tmp_path with @Mara (a red reference, a voice sample), @Harbor (no image) and @Kite."""
    media = tmp_path / "media"
    media.mkdir()
    Image.new("RGB", (32, 32), (230, 20, 20)).save(media / "mara.png")
    Image.new("RGB", (32, 32), (20, 20, 230)).save(media / "kite.png")
    (media / "mara.wav").write_bytes(b"RIFF....WAVE")
    cast = [CastEntry(id="c1", name="Mara", description="a woman in a red coat", images=["media/mara.png"],
                      voice="media/mara.wav"),
            CastEntry(id="c2", name="Harbor", kind="place", description="a foggy harbor at dawn"),
            CastEntry(id="c3", name="Kite", kind="object", description="a blue kite", images=["media/kite.png"])]
    return Project(cast=cast), tmp_path / "p.ltxproj"


def test_text_to_video_with_a_reference_becomes_a_conditioned_generation(project, tiny_ltx_dir):
    proj, path = project
    out = apply_cast(tiny_request(tiny_ltx_dir, prompt="@Mara flies the @Kite over the @Harbor"), proj, path)
    assert out.prompt == "a woman in a red coat flies the a blue kite over the a foggy harbor at dawn"
    assert out.mode is M.IMAGE_TO_VIDEO
    assert [(c.kind, c.frame_index, c.strength, c.path) for c in out.conditions] == [
        ("image", 0, CAST_STRENGTH, str(path.parent / "media/mara.png"))]
    uses = {u.name: u for u in out.cast}
    assert uses["Mara"].applied == f"image condition at frame 0, strength {CAST_STRENGTH}"
    assert uses["Mara"].voice_applied == VOICE_NOT_APPLIED
    assert uses["Kite"].applied == "description only: this generation already holds @Mara's reference"
    assert out.label.endswith("(@Kite: description only)")  # the job list says it too
    assert uses["Harbor"].applied == "description only: no reference images"
    assert apply_cast(out, proj, path) is out  # expanded once: a retry or replay is left alone


def test_keyframes_get_the_reference_at_frame_0_when_free_else_mid_range(project, tiny_ltx_dir):
    proj, path = project
    image = str(path.parent / "media/kite.png")
    free = tiny_request(tiny_ltx_dir, M.KEYFRAMES, [Condition(kind="image", path=image, frame_index=8)],
                        prompt="@Mara runs")
    out = apply_cast(free, proj, path)
    assert [c.frame_index for c in out.conditions] == [0, 8] and out.mode is M.KEYFRAMES
    taken = free.model_copy(update={"conditions": [Condition(kind="image", path=image, frame_index=0)]})
    kept = apply_cast(taken, proj, path)
    assert kept.conditions[0] == taken.conditions[0] and kept.prompt == "a woman in a red coat runs"
    guide = kept.conditions[1]  # frames 1-8 are free: the LTX-Video grid frame nearest their middle
    assert (guide.frame_index, guide.strength) == (8, CAST_GUIDE_STRENGTH)
    assert kept.cast[0].applied == f"image condition at frame 8 (the middle of the generated frames), strength {CAST_GUIDE_STRENGTH}"


def test_a_generation_without_a_free_image_slot_keeps_the_description_and_says_so(project):
    proj, path = project
    request = GenerationRequest(mode=M.EXTEND_FORWARD, prompt="@Mara waves",
                                conditions=[Condition(kind="video", path="/x.mp4", num_frames=9)])
    out = apply_cast(request, proj, path)
    assert out.cast[0].applied == "description only: extend forward has no free image slot"
    assert out.conditions == request.conditions and out.prompt == "a woman in a red coat waves"


def test_unknown_names_and_missing_reference_files_are_refused_before_anything_runs(project, tiny_ltx_dir):
    proj, path = project
    with pytest.raises(CastError, match="@Bob"):
        apply_cast(tiny_request(tiny_ltx_dir, prompt="@Bob and @Mara"), proj, path)
    (path.parent / "media/mara.png").unlink()
    with pytest.raises(WorkflowError, match="@Mara's reference image mara.png is missing"):
        apply_cast(tiny_request(tiny_ltx_dir, prompt="@Mara"), proj, path)


def test_on_the_tiny_model_the_reference_conditions_the_output_and_the_sidecar_records_it(project, tiny_ltx_dir,
                                                                                         tmp_path):
    proj, path = project
    provider = LocalLTXProvider(max_sequence_length=16)
    base = tiny_request(tiny_ltx_dir, prompt="@Mara on a beach", seed=11)
    plain = base.model_copy(update={"prompt": "a woman in a red coat on a beach"})
    with_cast = apply_cast(base, proj, path)
    try:
        runs = [asyncio.run(provider.generate(r, tmp_path / name, lambda e: None, CancelToken()))
                for r, name in ((plain, "plain"), (with_cast, "cast"))]
    finally:
        asyncio.run(provider.close())
    a, b = (read_frames(r.video_path).astype(np.float32) for r in runs)
    assert a.shape == b.shape and np.abs(a - b).mean() > 1.0  # same prompt and seed: only the reference differs
    assert runs[1].prompt == plain.prompt  # the description is what the model read
    sidecar = read_sidecar(runs[1].sidecar_path)
    mara = next(e for e in sidecar["cast"] if e["name"] == "Mara")
    digest = hashlib.sha256((path.parent / "media/mara.png").read_bytes()).hexdigest()
    assert mara["images"] == [{"path": str(path.parent / "media/mara.png"), "sha256": digest}]
    assert mara["applied"] == f"image condition at frame 0, strength {CAST_STRENGTH}"
    assert mara["voice_applied"] == VOICE_NOT_APPLIED
    assert sidecar["conditions"][0]["sha256"] == digest and sidecar["mode"] == "image-to-video"
    assert json.loads(runs[0].sidecar_path.read_text())["cast"] == []
    # Replaying the recipe keeps the reference and does not expand again.
    again = regeneration_request(runs[1].sidecar_path)
    assert again.conditions == with_cast.conditions and again.cast == with_cast.cast
