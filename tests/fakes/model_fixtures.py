"""Session fixtures with the tiny LTX / LTX-2 pipelines, and small request helpers for tests.

Use from any test module with `from tests.fakes.model_fixtures import *  # noqa: F403` (exports only the
fixtures), or `pytest_plugins = ["tests.fakes.model_fixtures"]` in the root conftest. The folders are built once per
session (a marker file makes every later request free); set LTX_TINY_MODELS_DIR to reuse them across runs.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ltx_editor.core.settings import GenerationMode, GenerationSettings
from ltx_editor.generation.request import Condition, GenerationRequest
from tests.fakes.tiny_models import build_tiny_ltx, build_tiny_ltx2

__all__ = ["tiny_models_root", "tiny_ltx_dir", "tiny_ltx2_dir"]  # the fixtures, for star imports

TINY_LTX_MODEL_ID = "ltxv-2b-0.9.8-distilled"  # catalog entries whose modes match what the tiny folders can do
TINY_LTX2_MODEL_ID = "ltx-2-19b"


@pytest.fixture(scope="session")
def tiny_models_root(tmp_path_factory) -> Path:
    env = os.environ.get("LTX_TINY_MODELS_DIR")
    return Path(env) if env else tmp_path_factory.getbasetemp() / "tiny_models"


@pytest.fixture(scope="session")
def tiny_ltx_dir(tiny_models_root) -> Path:
    return build_tiny_ltx(tiny_models_root / "ltx")


@pytest.fixture(scope="session")
def tiny_ltx2_dir(tiny_models_root) -> Path:
    return build_tiny_ltx2(tiny_models_root / "ltx2")


def tiny_settings(model_id: str = TINY_LTX_MODEL_ID, **overrides) -> GenerationSettings:
    """32x32, 9 frames, 2 steps, fixed seed, no CFG: each tiny generation takes a fraction of a second."""
    values = dict(model_id=model_id, width_override=32, height_override=32, num_frames_override=9, steps=2,
                  guidance_scale=1.0, seed=7, fps=24.0)
    values.update(overrides)
    return GenerationSettings(**values)


def tiny_request(model_dir: Path, mode: GenerationMode = GenerationMode.TEXT_TO_VIDEO,
                 conditions: list[Condition] | None = None, prompt: str = "a cat walks on the beach",
                 model_id: str | None = None, model_path: str | None = None, **settings) -> GenerationRequest:
    """A tiny request for the model in `model_dir` (loaded from `model_path` instead when given)."""
    family_id = model_id or (TINY_LTX2_MODEL_ID if "ltx2" in Path(model_dir).name else TINY_LTX_MODEL_ID)
    return GenerationRequest(mode=mode, prompt=prompt, settings=tiny_settings(family_id, **settings),
                             conditions=conditions or [], model_path=model_path or str(model_dir))
