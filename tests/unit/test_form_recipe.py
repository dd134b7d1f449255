"""GenerateForm.recipe(): the generate panel's settings as a workflow recipe, without touching the form (the
workflows used to swap the panel's form, call its private request builder and swap it back)."""
from __future__ import annotations

import copy

import pytest

from ltx_editor.core.errors import SettingsError
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.generate_form import Form


def test_recipe_is_pure_and_carries_the_panel_settings_as_text_to_video():
    form = Form(backend="local", mode=GenerationMode.IMAGE_TO_VIDEO.value, prompt="  a red kite  ",
                source_image="/nowhere/kite.png", steps=6, seed=7, seed_locked=True, duration_s=2.0)
    before = copy.deepcopy(form)
    recipe = form.recipe(model_path="/models/ltx", local_memory={"vae_tiling": True})
    assert form == before  # nothing on the form changed
    assert recipe.backend == "local" and recipe.model_path == "/models/ltx" and recipe.prompt == "a red kite"
    assert recipe.settings.steps == 6 and recipe.settings.seed == 7 and recipe.settings.vae_tiling
    assert recipe.settings.model_id == form.model_id


def test_an_empty_prompt_is_an_empty_base_prompt_and_bad_settings_are_refused_in_words():
    assert Form(prompt="").recipe().prompt == ""
    with pytest.raises(SettingsError) as err:
        Form(steps=0).recipe()
    assert "steps" in str(err.value).lower()
