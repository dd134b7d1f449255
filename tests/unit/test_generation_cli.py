"""`ltx-editor generate` end to end on the tiny models: progress bar, every input form, exact regeneration."""
import json

import numpy as np
import pytest
from PIL import Image

from ltx_editor.cli_generate import main
from ltx_editor.generation.output import write_video
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.tiny_models import build_tiny_lora
from tests.fakes.video_probe import probe, read_frames

TINY = ["--width", "32", "--height", "32", "--frames", "9", "--steps", "2", "--guidance", "1",
        "--max-sequence-length", "16"]


def test_text_to_video_with_progress_bar(tiny_ltx_dir, tmp_path, capsys):
    out = tmp_path / "out" / "cat.mp4"
    code = main(["--model", str(tiny_ltx_dir), "--prompt", "a cat", "--seed", "5", *TINY, "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "generating" in captured.err and "100%" in captured.err
    assert str(out) in captured.out and "seed 5" in captured.out
    assert probe(out).frames == 9
    recipe = json.loads((tmp_path / "out" / "cat.json").read_text())
    assert recipe["output"]["video"] == "cat.mp4" and recipe["result"]["video_path"] == str(out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["cat.json", "cat.mp4"]  # no temp folder left


def test_from_sidecar_regenerates_the_same_frames(tiny_ltx_dir, tmp_path):
    first = tmp_path / "first.mp4"
    assert main(["--model", str(tiny_ltx_dir), "--prompt", "a red balloon", *TINY, "-q", "-o", str(first)]) == 0
    seed = json.loads(first.with_suffix(".json").read_text())["seed"]  # random seed, recorded
    again = tmp_path / "again.mp4"
    assert main(["--from-sidecar", str(first.with_suffix(".json")), "--max-sequence-length", "16", "-q",
                 "-o", str(again)]) == 0
    assert np.array_equal(read_frames(first), read_frames(again))
    assert json.loads(again.with_suffix(".json").read_text())["seed"] == seed


def test_keyframes_and_loras(tiny_ltx_dir, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.new("RGB", (32, 32), (255, 0, 0)).save(a)
    Image.new("RGB", (32, 32), (0, 0, 255)).save(b)
    lora = build_tiny_lora(tiny_ltx_dir, tmp_path / "style.safetensors")
    out = tmp_path / "kf.mp4"
    assert main(["--model", str(tiny_ltx_dir), "--prompt", "red to blue", "--keyframe", f"{a}@0",
                 "--keyframe", f"{b}@8:0.8", "--lora", f"{lora}:0.7", *TINY, "-q", "-o", str(out)]) == 0
    recipe = json.loads(out.with_suffix(".json").read_text())
    assert recipe["mode"] == "keyframes"
    assert [(c["frame_index"], c["strength"]) for c in recipe["conditions"]] == [(0, 1.0), (8, 0.8)]
    assert recipe["loras"][0]["scale"] == 0.7 and len(recipe["loras"][0]["sha256"]) == 64


def test_extend_backward_and_ltx2_audio(tiny_ltx2_dir, tmp_path):
    clip = tmp_path / "clip.mp4"
    write_video((np.random.default_rng(0).random((17, 32, 32, 3)) * 255).astype(np.uint8), 24, clip)
    out = tmp_path / "before.mp4"
    args = ["--model", str(tiny_ltx2_dir), "--prompt", "what came before", "--extend", str(clip),
            "--direction", "backward", *TINY, "-q", "-o", str(out)]
    args[args.index("--frames") + 1] = "17"
    assert main(args) == 0
    recipe = json.loads(out.with_suffix(".json").read_text())
    assert recipe["mode"] == "extend-backward" and recipe["model"]["id"] == "ltx-2-19b"
    assert recipe["conditions"][0]["frame_index"] == 8
    p = probe(out)
    assert (p.frames, p.audio_codec) == (17, "aac")


def test_errors_are_readable(tiny_ltx_dir, tmp_path, capsys):
    pt = tmp_path / "style.pt"
    pt.write_bytes(b"\x80\x04pickle")
    assert main(["--model", str(tiny_ltx_dir), "--prompt", "x", "--lora", str(pt), *TINY, "-o",
                 str(tmp_path / "x.mp4")]) == 1
    assert "pickles can run code" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["--model", str(tiny_ltx_dir), "--prompt", "x", "--keyframe", "nope", "-o", str(tmp_path / "y.mp4")])
    assert info.value.code == 2
    assert main(["--model", str(tiny_ltx_dir), "--prompt", "x", "--image", str(pt), "--keyframe",
                 f"{pt}@99", *TINY, "-o", str(tmp_path / "z.mp4")]) == 2
    assert "past the last frame" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.mp4"))
