"""The CLI side of recipes: Auto picks model + precision/offload for the GPU (table shown by --list-auto) and
records why; --model FILE.safetensors maps to its catalog entry; presets fill in the recipe and are recorded."""
import json
import os
import shutil
from pathlib import Path

import pytest

from ltx_editor import cli_generate
from ltx_editor.core.auto_model import AUTO_TABLE, choose_auto
from ltx_editor.core.presets import apply_preset, distilled_sibling, final_from_draft
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation import hardware
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)

FAKE_BIN = Path(__file__).resolve().parents[1] / "fakes" / "bin"
WEIGHTS = "transformer/diffusion_pytorch_model.safetensors"


@pytest.fixture
def gpu(monkeypatch):
    """A fake nvidia-smi first on PATH (FAKE_NVIDIA_SMI picks the cards) and a fresh probe cache."""
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(hardware, "_cache", {})

    def cards(name: str) -> None:
        monkeypatch.setenv("FAKE_NVIDIA_SMI", name)
        hardware._cache.clear()  # the probe caches per process; a new machine each time here

    return cards


def _request(*argv):
    parser = cli_generate._parser()
    return cli_generate.build_request(parser.parse_args([*argv, "-o", "x.mp4", "-q"]), parser)


def test_list_auto_prints_the_table(capsys):
    assert cli_generate.main(["--list-auto"]) == 0
    out = capsys.readouterr().out
    assert all(row.model_id in out for row in AUTO_TABLE) and "fp8" in out


def test_auto_table_rows():
    assert [choose_auto(v).model_id for v in (80, 40, 24, 20, 12, 6)] == [
        "ltx-2.3-22b-distilled", "ltx-2.3-22b-distilled-fp8", "ltx-2-19b-distilled", "ltxv-13b-0.9.8-distilled",
        "ltxv-2b-0.9.8-distilled", "ltxv-2b-0.9.8-distilled"]
    assert choose_auto(6).offload == "sequential" and choose_auto(24).fp8
    cpu = choose_auto(None)
    assert not cpu.on_gpu and "no usable GPU" in cpu.reason


def test_auto_is_the_default_and_records_why(gpu):
    gpu("two")  # an RTX 4090 (24 GB) and an RTX 3060
    request = _request("--prompt", "a fox")
    s = request.settings
    assert (s.model_id, s.fp8, s.cpu_offload) == ("ltx-2-19b-distilled", True, "model")
    assert s.auto_choice.startswith("Auto: 24 GB") and (s.steps, s.guidance_scale) == (8, 1.0)
    gpu("one8")
    assert _request("--prompt", "a fox", "--model", "auto").settings.model_id == "ltxv-2b-0.9.8-distilled"
    explicit = _request("--prompt", "a fox", "--model", "ltx-2-19b")
    assert explicit.settings.auto_choice is None and explicit.settings.steps == 30  # its own recipe


def test_a_single_file_maps_to_its_catalog_entry(tiny_ltx_dir, tiny_ltx2_dir, tmp_path):
    ltx2 = tmp_path / "ltx-2.3-22b-distilled-1.1.safetensors"
    shutil.copy(tiny_ltx2_dir / WEIGHTS, ltx2)
    request = _request("--prompt", "p", "--model", str(ltx2))
    assert (request.settings.model_id, request.model_path) == ("ltx-2.3-22b-distilled", str(ltx2))
    ltxv = tmp_path / "ltxv-13b-0.9.8-dev.safetensors"
    shutil.copy(tiny_ltx_dir / WEIGHTS, ltxv)
    assert _request("--prompt", "p", "--model", str(ltxv)).settings.model_id == "ltxv-13b-0.9.8-dev"
    junk = tmp_path / "notes.safetensors"
    junk.write_bytes(len(b'{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}').to_bytes(8, "little")
                     + b'{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}' + b"\0" * 4)
    with pytest.raises(Exception, match="not an LTX checkpoint"):
        _request("--prompt", "p", "--model", str(junk))


def test_presets():
    base = GenerationSettings(model_id="ltx-2-19b", resolution="720p", seed=5)
    draft, notes = apply_preset("draft", base)
    assert (draft.model_id, draft.steps, draft.guidance_scale, draft.preset, draft.upscale) == (
        "ltx-2-19b-distilled", 8, 1.0, "draft", False)
    assert (draft.width, draft.height) == (832, 448) and len(notes) == 2
    standard, _ = apply_preset("standard", base)
    assert (standard.model_id, standard.steps, standard.guidance_scale, standard.upscale) == ("ltx-2-19b", 30, 3.0,
                                                                                             False)
    final, _ = apply_preset("final", base)
    assert final.upscale and final.preset == "final" and final.steps == 30
    again = final_from_draft(draft, "ltx-2-19b", (base.width, base.height))  # "Render as Final"
    assert (again.model_id, again.seed, again.upscale, again.width, again.steps) == ("ltx-2-19b", 5, True, 1280, 30)
    assert distilled_sibling("ltx-2.5-22b-dev") == "ltx-2.5-22b-distilled"


def test_cli_draft_generates_and_records_the_preset(tiny_ltx_dir, tmp_path):
    out = tmp_path / "draft.mp4"
    code = cli_generate.main(["--prompt", "a fox", "--model", str(tiny_ltx_dir), "--model-id", "ltxv-2b-0.9.8-distilled",
                              "--preset", "draft", "--width", "64", "--height", "64", "--frames", "9", "--steps", "2",
                              "--max-sequence-length", "16", "--device", "cpu", "--seed", "3", "-o", str(out), "-q"])
    assert code == 0
    sidecar = json.loads(out.with_suffix(".json").read_text())
    s = sidecar["settings"]
    assert (s["preset"], s["width_override"], s["steps"]) == ("draft", 32, 2)
    recipe = sidecar["model"]["recipe"]
    assert recipe["overrides"] == {"steps": {"recipe": 8, "used": 2}}  # --steps is the person's override
    assert recipe["pipeline"] == "LTXConditionPipeline"


def test_the_auto_reason_reaches_the_notes_and_the_sidecar(tiny_ltx_dir, tmp_path):
    import asyncio

    from ltx_editor.generation.local.provider import LocalLTXProvider
    from ltx_editor.generation.request import CancelToken
    from tests.fakes.model_fixtures import tiny_request

    reason = choose_auto(None).reason
    provider = LocalLTXProvider(max_sequence_length=16)
    try:
        result = asyncio.run(provider.generate(tiny_request(tiny_ltx_dir, auto_choice=reason), tmp_path,
                                               lambda e: None, CancelToken()))
    finally:
        asyncio.run(provider.close())
    sidecar = json.loads(result.sidecar_path.read_text())
    assert reason in result.notes and sidecar["settings"]["auto_choice"] == reason and reason in sidecar["notes"]


def test_first_block_cache_turns_on_where_the_transformer_supports_it():
    from types import SimpleNamespace

    from diffusers import LTXVideoTransformer3DModel

    from ltx_editor.generation.local.speed import first_block_cache

    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, num_attention_heads=4,
                                             attention_head_dim=8, cross_attention_dim=32, num_layers=2,
                                             caption_channels=32)
    notes = []
    with first_block_cache(SimpleNamespace(transformer=transformer), True, notes.append) as on:
        assert on and transformer.is_cache_enabled
    assert not transformer.is_cache_enabled and not notes
    one_layer = SimpleNamespace(transformer=LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
        num_layers=1, caption_channels=32))
    with first_block_cache(one_layer, True, notes.append) as on:
        assert not on
    assert notes and "First Block Cache is not available" in notes[0]


def test_the_generate_form_carries_multiscale_audio_and_the_preset():
    from ltx_editor.generation.generate_form import Form

    form = Form(model_id="ltx-2-19b", prompt="a fox", steps=30, guidance=3.0, multiscale=True, audio=False)
    s = form.request().settings
    assert (s.upscale, s.generate_audio, s.preset) == (True, False, None)
    form.preset = "draft"
    s = form.request().settings
    assert (s.model_id, s.preset, s.upscale, s.steps) == ("ltx-2-19b-distilled", "draft", False, 8)
    form.preset, form.backend = "final", "fal"  # presets are a local matter: the cloud gets the fields as set
    assert form.request().settings.preset is None
