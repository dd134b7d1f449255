"""The JSON recipe beside each clip: complete, atomic, and enough to replay the generation."""
import json

import pytest
from PIL import Image

from ltx_editor import __version__
from ltx_editor.core.settings import GenerationMode, GenerationSettings, LoraSpec
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.hashing import file_sha256
from ltx_editor.generation.request import Condition, GenerationRequest, GenerationResult
from ltx_editor.generation.sidecar import (
    load_sidecar,
    regeneration_request,
    sidecar_path_for,
    write_sidecar,
)


def _case(tmp_path, model_path=None):
    img = tmp_path / "key.png"
    Image.new("RGB", (32, 32), (200, 10, 10)).save(img)
    lora = tmp_path / "style.safetensors"
    lora.write_bytes(b"not really weights")
    settings = GenerationSettings(seed=1234, width_override=32, height_override=32, num_frames_override=9,
                                  steps=2, enhance_prompt=True,
                                  loras=[LoraSpec(path=str(lora), scale=0.7, sha256=file_sha256(lora))])
    request = GenerationRequest(mode=GenerationMode.KEYFRAMES, prompt="a cat", settings=settings,
                                conditions=[Condition(kind="image", path=str(img), frame_index=8)],
                                model_path=model_path)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"mp4")
    result = GenerationResult(video_path=video, num_frames=9, fps=24, width=32, height=32, seed=1234,
                              backend="local", model_id=settings.model_id, prompt="a cat",
                              enhanced_prompt="A small grey cat walks slowly across a sunny kitchen floor.",
                              timings={"total": 1.5, "generate": 1.0}, cost_usd=0.0,
                              notes=["out of memory: turned on VAE tiling"])
    return request, result, img


def test_recipe_holds_everything(tmp_path):
    request, result, img = _case(tmp_path)
    path = write_sidecar(result, request, model={"kind": "hub", "source": "Lightricks/LTX-Video",
                                                 "revision": "abc123"})
    assert path == sidecar_path_for(result.video_path) == tmp_path / "clip.json"
    data = json.loads(path.read_text())
    assert data["app_version"] == __version__
    assert data["backend"] == "local" and data["mode"] == "keyframes"
    assert data["model"] == {"id": "ltxv-2b-0.9.8-distilled", "source": "Lightricks/LTX-Video",
                             "revision": "abc123", "kind": "hub"}
    assert data["prompt"] == "a cat" and data["enhanced_prompt"].startswith("A small grey cat")
    assert data["seed"] == 1234 and data["settings"]["steps"] == 2
    assert data["loras"][0]["sha256"] == file_sha256(tmp_path / "style.safetensors")
    assert data["conditions"][0]["sha256"] == file_sha256(img) and data["conditions"][0]["frame_index"] == 8
    assert data["timings"]["total"] == 1.5 and data["cost_usd"] == 0.0
    assert data["notes"] == ["out of memory: turned on VAE tiling"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_load_round_trip(tmp_path):
    request, result, _ = _case(tmp_path)
    path = write_sidecar(result, request)
    req2, res2 = load_sidecar(path)
    assert req2 == request
    assert res2.video_path == result.video_path and res2.sidecar_path == path and res2.seed == 1234


def test_regeneration_replays_the_enhanced_prompt_and_pins_the_revision(tmp_path):
    request, result, _ = _case(tmp_path)
    path = write_sidecar(result, request, model={"kind": "hub", "source": "Lightricks/LTX-Video",
                                                 "revision": "abc123"})
    again = regeneration_request(path)
    assert again.prompt == result.enhanced_prompt
    assert again.settings.enhance_prompt is False and again.settings.seed == 1234
    assert again.model_path == "Lightricks/LTX-Video@abc123"
    assert again.conditions == request.conditions


def test_local_folder_is_not_pinned(tmp_path):
    request, result, _ = _case(tmp_path, model_path=str(tmp_path))
    path = write_sidecar(result, request, model={"kind": "folder", "source": str(tmp_path), "revision": None})
    assert regeneration_request(path).model_path == str(tmp_path)


def test_changed_condition_file_is_refused(tmp_path):
    request, result, img = _case(tmp_path)
    path = write_sidecar(result, request)
    Image.new("RGB", (32, 32), (0, 0, 255)).save(img)
    with pytest.raises(InvalidRequest, match="changed"):
        regeneration_request(path)
    assert regeneration_request(path, verify=False).conditions[0].path == str(img)
    img.unlink()
    with pytest.raises(InvalidRequest, match="missing"):
        regeneration_request(path)


def test_not_a_recipe(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(InvalidRequest, match="not an LTX Editor recipe"):
        load_sidecar(bad)
    bad.write_text("{broken")
    with pytest.raises(InvalidRequest, match="Cannot read"):
        load_sidecar(bad)
