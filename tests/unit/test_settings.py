import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltx_editor.core.errors import SettingsError
from ltx_editor.core.settings import (
    ASPECT_RATIOS,
    RESOLUTIONS,
    GenerationSettings,
    frames_for,
    size_for,
)


@pytest.mark.parametrize("resolution", list(RESOLUTIONS))
@pytest.mark.parametrize("aspect", list(ASPECT_RATIOS))
def test_derived_size_is_multiple_of_32_and_keeps_the_ratio(resolution, aspect):
    w, h = size_for(resolution, aspect)
    assert w % 32 == 0 and h % 32 == 0
    a, b = ASPECT_RATIOS[aspect]
    assert abs(w / h - a / b) < 0.1
    assert abs(min(w, h) - RESOLUTIONS[resolution]) <= 16


def test_common_sizes():
    assert size_for("720p", "16:9") == (1280, 704)
    assert size_for("480p", "9:16") == (480, 864)
    assert GenerationSettings(resolution="1080p", aspect_ratio="16:9").width == 1920


@given(st.floats(0.1, 60.0), st.sampled_from([8.0, 24.0, 25.0, 30.0, 50.0, 60.0]))
def test_frames_are_8k_plus_1_and_close_to_the_duration(duration, fps):
    n = frames_for(duration, fps)
    assert (n - 1) % 8 == 0 and n >= 9
    assert abs(n - duration * fps) <= max(4.5, 9 - duration * fps)


def test_five_seconds_at_24fps_is_121_frames():
    assert GenerationSettings(duration_s=5, fps=24).num_frames == 121


def test_overrides_win_and_are_validated():
    s = GenerationSettings(width_override=32, height_override=64, num_frames_override=17)
    assert (s.width, s.height, s.num_frames) == (32, 64, 17)
    with pytest.raises(ValueError, match="8k\\+1"):
        GenerationSettings(num_frames_override=20)
    with pytest.raises(ValueError, match="together"):
        GenerationSettings(width_override=64)
    with pytest.raises(ValueError, match="multiple"):
        GenerationSettings(width_override=50, height_override=64)


def test_checked_names_the_field_and_the_range():
    with pytest.raises(SettingsError) as err:
        GenerationSettings.checked(steps=500, guidance_scale=-1)
    text = str(err.value)
    assert "steps: must be at most 200 (got 500)" in text
    assert "guidance_scale: must be at least 0.0 (got -1)" in text


def test_unknown_setting_is_refused():
    with pytest.raises(SettingsError, match="bogus"):
        GenerationSettings.checked(bogus=1)


def test_random_seed_is_recorded_as_the_seed_used():
    s = GenerationSettings(seed=None)
    resolved = s.resolve_seed(random.Random(7))
    assert resolved.seed is not None and s.seed is None
    assert resolved.resolve_seed() is resolved  # a concrete seed is kept as is
    assert GenerationSettings(seed=42).resolve_seed().seed == 42


def test_settings_round_trip_through_json():
    s = GenerationSettings(seed=3, loras=[{"path": "/x.safetensors", "scale": 0.5}], fp8=True)
    assert GenerationSettings.model_validate_json(s.model_dump_json()) == s
