"""Bad settings and requests: every limit, at and past its edge; unicode and very long prompts.

At the edge a value is accepted; one step past it gives a SettingsError that names the field and the range
(never pydantic's raw text or a traceback). Sizes and frame counts derived from resolution/duration are
conformed: sizes to multiples of 32, frames to 8k+1.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ltx_editor.core.errors import SettingsError
from ltx_editor.core.settings import (
    ASPECT_RATIOS,
    MAX_SEED,
    RESOLUTIONS,
    GenerationSettings,
    LoraSpec,
    frames_for,
    size_for,
)
from ltx_editor.generation.generate_form import Form
from ltx_editor.generation.request import Condition, GenerationRequest
from tests.reliability.record import record

# field: (lowest accepted, highest accepted, just below, just above, words the message must hold)
LIMITS = {
    "width_override": (32, 4096, 0, 4128, ("at least 32", "at most 4096")),
    "height_override": (32, 4096, -32, 4160, ("at least 32", "at most 4096")),
    "duration_s": (0.01, 60.0, 0.0, 60.001, ("more than 0", "at most 60")),
    "fps": (1.0, 60.0, 0.999, 60.5, ("at least 1", "at most 60")),
    "num_frames_override": (9, 1441, 1, 1449, ("at least 9", "at most 1441")),
    "steps": (1, 200, 0, 201, ("at least 1", "at most 200")),
    "guidance_scale": (0.0, 20.0, -0.01, 20.01, ("at least 0", "at most 20")),
    "seed": (0, MAX_SEED, -1, MAX_SEED + 1, ("at least 0", f"at most {MAX_SEED}")),
}
_PAIRED = {"width_override": "height_override", "height_override": "width_override"}
_tally = {"cases": 0, "crashes": 0}


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """Record what this module tried, whichever of its tests ran (each test asserts on its own cases)."""
    yield
    record("bad_settings", cases=_tally["cases"], crashes=_tally["crashes"])


def _values(field: str, value: object) -> dict:
    values = {field: value}
    if field in _PAIRED:  # width and height overrides come together
        values[_PAIRED[field]] = 64
    return values


def _refused(field: str, value: object, *words: str) -> str:
    _tally["cases"] += 1
    try:
        GenerationSettings.checked(**_values(field, value))
    except SettingsError as e:
        message = str(e)
    except Exception as e:  # anything else would reach the person as a traceback
        _tally["crashes"] += 1
        raise AssertionError(f"{field}={value!r} raised {type(e).__name__}, not SettingsError") from e
    else:
        raise AssertionError(f"{field}={value!r} was accepted")
    assert field in message, message
    assert "Traceback" not in message and "pydantic" not in message, message
    for w in words:
        assert w in message, f"{field}={value!r}: {message!r} does not say {w!r}"
    return message


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_each_numeric_setting_at_and_past_its_limits(field):
    low, high, below, above, (low_words, high_words) = LIMITS[field]
    for ok in (low, high):
        _tally["cases"] += 1
        s = GenerationSettings.checked(**_values(field, ok))
        assert getattr(s, field) == ok
    _refused(field, below, low_words)
    _refused(field, above, high_words)
    if isinstance(low, float):
        for bad in (math.nan, math.inf, -math.inf):
            _refused(field, bad)
    _refused(field, "lots")
    _refused(field, [1])


@pytest.mark.parametrize("field,value,words", [
    ("width_override", 100, "multiple of 32"),
    ("num_frames_override", 16, "8k+1"),
    ("num_frames_override", 10**9, "at most 1441"),
    ("steps", 2.5, "integer"),
    ("resolution", "4320p", "480p"),
    ("aspect_ratio", "5:4", "16:9"),
    ("cpu_offload", "always", "none"),
    ("negative_prompt", "n" * 4001, "4000"),
    ("model_id", None, "string"),
    ("loras", [{"path": f"l{i}.safetensors"} for i in range(9)], "8"),
    ("loras", [{"path": "l.safetensors", "scale": 4.5}], "at most 4"),
    ("loras", [{"path": "l.safetensors", "bogus": 1}], "bogus"),
])
def test_wrong_kinds_and_shapes_are_named(field, value, words):
    _refused(field, value, words)


def test_only_one_size_override_and_unknown_fields_are_refused():
    _tally["cases"] += 2
    with pytest.raises(SettingsError, match="width_override and height_override"):
        GenerationSettings.checked(width_override=64)
    with pytest.raises(SettingsError, match="colour"):
        GenerationSettings.checked(colour="red")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(RESOLUTIONS)), st.sampled_from(sorted(ASPECT_RATIOS)),
       st.floats(0.001, 60.0), st.floats(1.0, 60.0))
def test_derived_sizes_and_frame_counts_always_conform(resolution, aspect, duration, fps):
    _tally["cases"] += 1
    s = GenerationSettings.checked(resolution=resolution, aspect_ratio=aspect, duration_s=duration, fps=fps)
    assert s.width % 32 == 0 and s.height % 32 == 0 and min(s.width, s.height) >= 32
    assert (s.num_frames - 1) % 8 == 0 and s.num_frames >= 9
    assert abs(s.num_frames - max(9, duration * fps)) <= 4 or duration * fps < 9  # nearest 8k+1
    assert (s.width, s.height) == size_for(resolution, aspect)
    assert s.num_frames == frames_for(duration, fps)


PROMPTS = ["猫が浜辺を歩く", "🐈‍⬛🏖️🌅" * 50, "مرحبا بالعالم", "e\u0301" * 500, "line\nbreaks\tand\ttabs",
           "quotes \" ' ` and \\ backslashes", "x" * 20_000, "NUL \x00 inside", "\u202eright-to-left override"]


@pytest.mark.parametrize("prompt", PROMPTS, ids=range(len(PROMPTS)))
def test_unicode_and_long_prompts_are_kept_exactly(prompt):
    _tally["cases"] += 1
    request = GenerationRequest(prompt=prompt)
    assert request.prompt == prompt
    again = GenerationRequest.model_validate_json(request.model_dump_json())
    assert again == request  # a request survives the project file's and the sidecar's JSON unchanged


def _form_refusal(**fields) -> str:
    _tally["cases"] += 1
    form = Form(**fields)
    try:
        form.request()
    except SettingsError as e:
        message = str(e)
    except Exception as e:
        _tally["crashes"] += 1
        raise AssertionError(f"{sorted(fields)} raised {type(e).__name__}: {str(e)[:300]}") from None
    else:
        raise AssertionError(f"{sorted(fields)} was accepted")
    assert "pydantic" not in message and "errors.pydantic.dev" not in message, message
    return message


def test_the_generate_form_names_the_bad_field_in_words():
    assert "prompt" in _form_refusal(prompt="x" * 20_001)
    assert "20000" in _form_refusal(prompt="y" * 20_001)
    assert "prompt" in _form_refusal(prompt="a lone surrogate \ud800")
    assert "steps" in _form_refusal(prompt="ok", steps=0)
    assert "duration_s" in _form_refusal(prompt="ok", duration_s=-2)
    assert "width_override" in _form_refusal(prompt="ok", custom_size=True, width=33, height=64)


@pytest.mark.parametrize("condition,words", [
    (dict(kind="image", path="a.png", frame_index=-1), "frame_index"),
    (dict(kind="image", path="a.png", strength=1.5), "strength"),
    (dict(kind="image", path="a.png", strength=-0.1), "strength"),
    (dict(kind="video", path="a.mp4", num_frames=0), "num_frames"),
    (dict(kind="depth", path="a.png"), "kind"),  # image, video, audio and reference are the kinds
])
def test_condition_limits(condition, words):
    _tally["cases"] += 1
    with pytest.raises(ValueError, match=words):
        Condition(**condition)


def test_a_condition_past_the_last_frame_is_refused_with_the_frame_numbers():
    _tally["cases"] += 1
    s = GenerationSettings(width_override=32, height_override=32, num_frames_override=9)
    with pytest.raises(ValueError, match=r"frame 9 is past the last frame \(8\)"):
        GenerationRequest(mode="image-to-video", prompt="p", settings=s,
                          conditions=[Condition(kind="image", path="a.png", frame_index=9)])
    ok = GenerationRequest(mode="image-to-video", prompt="p", settings=s,
                           conditions=[Condition(kind="image", path="a.png", frame_index=8)])
    assert ok.conditions[0].frame_index == 8


def test_lora_scale_edges():
    _tally["cases"] += 2
    assert LoraSpec(path="a.safetensors", scale=-4.0).scale == -4.0
    assert LoraSpec(path="a.safetensors", scale=4.0).scale == 4.0
