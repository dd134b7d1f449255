"""N takes: seeds base, base + 1, ... or a sweep over one setting, each take's settings validated."""
from __future__ import annotations

import random

import pytest

from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.takes_batch import parse_values, take_recipes
from ltx_editor.generation.workflows import Recipe


def _recipe(**settings) -> Recipe:
    return Recipe(settings=GenerationSettings(model_id="ltxv-2b-0.9.8-distilled", **settings))


def test_seed_takes_count_up_from_the_recipe_seed():
    takes = take_recipes(_recipe(seed=41, steps=6), 3)
    assert [t.settings.seed for t in takes] == [41, 42, 43] and {t.settings.steps for t in takes} == {6}


def test_seed_takes_without_a_seed_draw_one_base():
    takes = take_recipes(_recipe(), 4, rng=random.Random(1))
    seeds = [t.settings.seed for t in takes]
    assert seeds == list(range(seeds[0], seeds[0] + 4))


def test_a_sweep_keeps_one_seed_and_varies_the_setting():
    takes = take_recipes(_recipe(seed=5), 3, setting="guidance_scale", values=[1.0, 3.0, 5.0])
    assert [(t.settings.seed, t.settings.guidance_scale) for t in takes] == [(5, 1.0), (5, 3.0), (5, 5.0)]


@pytest.mark.parametrize(("n", "kwargs", "words"), [
    (0, {}, "between 1 and 16"), (17, {}, "between 1 and 16"),
    (2, {"setting": "prompt"}, "can sweep"),
    (2, {"setting": "steps", "values": [4]}, "needs 2 values"),
    (2, {"setting": "steps", "values": [4, 500]}, "steps = 500"),
])
def test_bad_batches_are_refused_in_words(n, kwargs, words):
    with pytest.raises(InvalidRequest, match=words):
        take_recipes(_recipe(seed=1), n, **kwargs)


def test_sweep_values_as_typed():
    assert parse_values("1, 3.5  7", "guidance_scale") == [1.0, 3.5, 7.0]
    assert parse_values("4,8", "steps") == [4, 8] and parse_values("  ", "seed") is None
    with pytest.raises(InvalidRequest, match="whole numbers"):
        parse_values("4, 8.5", "steps")
    with pytest.raises(InvalidRequest, match="not a list of numbers"):
        parse_values("4, lots", "guidance_scale")
