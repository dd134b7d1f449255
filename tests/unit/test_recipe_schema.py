"""Recipes (the JSON sidecar beside each clip) are a versioned pydantic schema: every malformed field ends in
InvalidRequest naming it (never a traceback), seeds stay in the models' range, and every recipe the product
writes can be read back and replayed (planned again as the same call)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from ltx_editor.core.catalog import CATALOG
from ltx_editor.core.settings import MAX_SEED, GenerationMode, GenerationSettings
from ltx_editor.generation.cloud.fal_fields import build_fal_call
from ltx_editor.generation.cloud.replicate_fields import build_replicate_call
from ltx_editor.generation.errors import GenerationError, InvalidRequest
from ltx_editor.generation.recipe_schema import VERSION, Recipe
from ltx_editor.generation.request import Condition, GenerationRequest, GenerationResult
from ltx_editor.generation.sidecar import load_sidecar, read_recipe, regeneration_request, write_sidecar

M = GenerationMode


def _files(folder: Path) -> tuple[Path, Path]:
    img = folder / "key.png"
    if not img.exists():
        Image.new("RGB", (32, 32), (200, 10, 10)).save(img)
    video = folder / "source.mp4"
    if not video.exists():
        video.write_bytes(b"not decoded by the planner")
    return img, video


def _conditions(mode: M, img: Path, video: Path, frames: int) -> list[Condition]:
    if mode is M.IMAGE_TO_VIDEO:
        return [Condition(kind="image", path=str(img))]
    if mode is M.KEYFRAMES:
        return [Condition(kind="image", path=str(img)), Condition(kind="image", path=str(img), frame_index=frames - 1)]
    if mode in (M.EXTEND_FORWARD, M.EXTEND_BACKWARD, M.VIDEO_TO_VIDEO):
        return [Condition(kind="video", path=str(video), num_frames=9)]
    return []


def _written(folder: Path, *, backend="local", model_id="ltxv-2b-0.9.8-distilled", mode=M.KEYFRAMES,
             seed=1234, result_seed=None, model=None) -> Path:
    img, video = _files(folder)
    s = GenerationSettings(model_id=model_id, seed=seed, width_override=32, height_override=32,
                           num_frames_override=9, steps=2)
    request = GenerationRequest(backend=backend, mode=mode, prompt="a cat", settings=s,
                                conditions=_conditions(mode, img, video, 9))
    out = folder / f"clip-{seed}.mp4"
    out.write_bytes(b"mp4")
    result = GenerationResult(video_path=out, num_frames=9, fps=24, width=32, height=32,
                              seed=seed if result_seed is None else result_seed, backend=backend,
                              model_id=model_id, prompt="a cat")
    return write_sidecar(result, request, model=model)


@pytest.fixture
def recipe(tmp_path) -> Path:
    return _written(tmp_path, model={"kind": "hub", "source": "Lightricks/LTX-Video", "revision": "abc123"})


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _refused(path: Path, match: str) -> InvalidRequest:
    for read in (load_sidecar, regeneration_request, read_recipe):
        with pytest.raises(InvalidRequest, match=match) as info:
            read(path)
    return info.value


# -- named malformed fields ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, match", [
    ('"abc"', r"version: Input should be a valid integer"),
    ("1e400", r"version: must be a whole number, got inf"),
    ("null", r"version: Input should be a valid integer"),
    ("0", r"version: Input should be greater than or equal to 1"),
    ("1.5", r"version: Input should be a valid integer"),
    ("true", r"version: Input should be a valid integer"),
])
def test_a_bad_version_is_named(recipe, raw, match):
    text = recipe.read_text()
    recipe.write_text(text.replace('"version": 1,', f'"version": {raw},', 1))
    _refused(recipe, match)


def test_a_newer_version_says_so(recipe):
    _edit(recipe, lambda d: d.update(version=VERSION + 1))
    _refused(recipe, rf"written by a newer LTX Editor \(recipe version {VERSION + 1}")


@pytest.mark.parametrize("change, match", [
    (lambda d: d.update(conditions="key.png"), r"conditions: Input should be a valid list"),
    (lambda d: d["conditions"][0].pop("path"), r"conditions\[0\]\.path: Field required"),
    (lambda d: d["request"]["conditions"][1].pop("path"), r"request\.conditions\[1\]\.path: Field required"),
    (lambda d: d.update(model="ltxv"), r"model: Input should be a valid dictionary"),
    (lambda d: d["model"].pop("id"), r"model\.id: Field required"),
    (lambda d: d.update(seed=-1), r"seed: Input should be greater than or equal to 0"),
    (lambda d: d.update(seed=MAX_SEED + 1), r"seed: Input should be less than or equal to 4294967295"),
    (lambda d: d["result"].update(seed=-7), r"result\.seed must be between 0 and"),
    (lambda d: d["request"]["settings"].update(seed=-3), r"request\.settings\.seed: Input should be greater"),
    (lambda d: d.update(mode="sideways"), r"mode: Input should be"),
    (lambda d: d.update(backend="cloud9"), r"backend: Input should be 'local', 'fal' or 'replicate'"),
    (lambda d: d["output"].update(fps=0), r"output\.fps: Input should be greater than 0"),
    (lambda d: d.update(cost_usd=-1), r"cost_usd: Input should be greater than or equal to 0"),
    (lambda d: d["conditions"][0].update(sha256="xyz"), r"conditions\[0\]\.sha256: String should match"),
    (lambda d: d.pop("request"), r"request: Field required"),
    (lambda d: d.update(timings={"total": "slow"}), r"timings\.total: Input should be a valid number"),
])
def test_each_malformed_field_is_named(recipe, change, match):
    _edit(recipe, change)
    error = _refused(recipe, match)
    assert "Traceback" not in str(error)


def test_fields_added_by_newer_code_are_kept(recipe):
    _edit(recipe, lambda d: d.update(local_recipe={"overrides": {"steps": 4}}))
    assert read_recipe(recipe).model_extra["local_recipe"] == {"overrides": {"steps": 4}}
    assert regeneration_request(recipe).settings.seed == 1234


def test_a_service_seed_outside_the_range_is_not_written_into_the_recipe(tmp_path):
    path = _written(tmp_path, backend="fal", model_id="ltxv-13b-0.9.7-distilled", mode=M.TEXT_TO_VIDEO,
                    seed=77, result_seed=-5)
    recipe = read_recipe(path)
    assert recipe.seed == recipe.result.seed == 77
    assert any("reported seed -5" in note for note in recipe.notes)
    assert regeneration_request(path).settings.seed == 77


# -- generated malformed recipes: InvalidRequest or a valid replay, never anything else ---------------------
JUNK = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                 st.floats(allow_nan=False), st.text(max_size=8), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _malformed_case(tmp_path: Path, pick, junk, drop: bool) -> bool:
    """Break one field of a product-written recipe (`pick` chooses it); True when it was refused, by field."""
    path = tmp_path / "gen.json"
    if not path.exists():
        _written(tmp_path).rename(path)
    original = json.loads(path.read_text())
    where = pick([p for p in _paths(original) if p and p[0] != "format"])
    doc = json.loads(json.dumps(original))
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    if drop and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = junk
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))  # 1e400-style infinities come out as "Infinity" here: also refused
    try:
        replay = regeneration_request(bad, verify=False)
    except InvalidRequest as exc:
        top = str(where[0])
        assert top in exc.message or "not an LTX Editor recipe" in exc.message, (where, exc.message)
        return True
    GenerationRequest.model_validate(replay.model_dump())  # accepted only when it is still a valid replay
    assert 0 <= replay.settings.seed <= MAX_SEED
    return False


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), junk=JUNK, drop=st.booleans())
def test_generated_malformed_recipes_are_refused_by_field(tmp_path, data, junk, drop):
    _malformed_case(tmp_path, lambda paths: data.draw(st.sampled_from(paths)), junk, drop)


def test_at_least_twenty_generated_malformed_recipes_are_refused(tmp_path):
    rng = random.Random(20261201)
    junk = [None, True, -1, 2**70, -(2**70), 1.5, float("inf"), "", "abc", [1, 2], {"x": 1}]
    refused = sum(_malformed_case(tmp_path, rng.choice, rng.choice(junk), rng.random() < 0.3) for _ in range(60))
    assert refused >= 20


# -- what the product writes, it replays ---------------------------------------------------------------------
def _plannable():
    out = []
    for model in CATALOG.values():
        for backend in model.backends:
            for mode in model.modes:
                if model.supports(backend, mode):
                    out.append((backend, model.id, mode))
    return out


def _plan(request: GenerationRequest):
    if request.backend == "fal":
        return build_fal_call(request).arguments
    if request.backend == "replicate":
        return build_replicate_call(request).arguments
    return GenerationRequest.model_validate(request.model_dump()).model_dump()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(_plannable()), seed=st.one_of(st.sampled_from([0, 1, MAX_SEED]),
                                                           st.integers(0, MAX_SEED)))
def test_every_recipe_the_product_writes_replays_as_the_same_call(tmp_path, case, seed):
    backend, model_id, mode = case
    img, video = _files(tmp_path)
    s = GenerationSettings(model_id=model_id, seed=seed)
    frames = s.num_frames
    try:
        request = GenerationRequest(backend=backend, mode=mode, prompt="a lighthouse at dusk", settings=s,
                                    conditions=_conditions(mode, img, video, frames))
        planned = _plan(request)
    except (GenerationError, ValueError):
        assume(False)  # the product could not have run this combination either
        return
    out = tmp_path / f"{backend}-{seed}.mp4"
    out.write_bytes(b"mp4")
    result = GenerationResult(video_path=out, num_frames=frames, fps=s.fps, width=s.width, height=s.height,
                              seed=seed, backend=backend, model_id=model_id, prompt=request.prompt)
    path = write_sidecar(result, request)
    assert Recipe.model_validate(json.loads(path.read_text())).seed == seed
    again = regeneration_request(path)
    assert again.settings.seed == seed and again.mode is mode and again.backend == backend
    assert _plan(again) == planned


def test_recipe_files_never_leave_temp_files(recipe):
    assert [p.name for p in recipe.parent.iterdir() if p.name.startswith(".")] == []

