"""N takes of one generation (a shot, a span, a retake): the same recipe with different seeds, or a sweep over
one setting, queued as one batch whose total cost is shown first (workflows.estimate_requests).

Pure: recipes in, recipes out. Each take's settings are validated as the generate panel's would be, so a
sweep value the model cannot take is refused, naming the setting, before anything is queued.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from pydantic import ValidationError

from ltx_editor.core.settings import MAX_SEED, GenerationSettings

from .errors import InvalidRequest
from .workflows import Recipe

MAX_TAKES = 16
SWEEPABLE = ("seed", "guidance_scale", "steps")  # the settings a sweep may vary


def take_recipes(recipe: Recipe, n: int, *, setting: str = "seed", values: Sequence[float] | None = None,
                 rng: random.Random | None = None) -> list[Recipe]:
    """`n` recipes: seeds base, base + 1, ... (base = the recipe's seed, else a random one), or `values` of
    `setting` (one per take) with everything else, the seed included, as in the recipe."""
    if not 1 <= n <= MAX_TAKES:
        raise InvalidRequest(f"Takes: between 1 and {MAX_TAKES}, not {n}.")
    if setting not in SWEEPABLE:
        raise InvalidRequest(f"Takes can sweep {', '.join(SWEEPABLE)}, not {setting!r}.")
    base = recipe.settings
    if setting == "seed" and values is None:
        first = base.seed if base.seed is not None else (rng or random.Random()).randrange(MAX_SEED - n)
        values = [(first + i) % (MAX_SEED + 1) for i in range(n)]
    if values is None or len(values) != n:
        raise InvalidRequest(f"A sweep over {setting} needs {n} values, one per take.")
    if setting != "seed" and base.seed is None:  # the same seed for every take: only the setting differs
        base = base.model_copy(update={"seed": (rng or random.Random()).randrange(MAX_SEED)})
    out = []
    for v in values:
        try:
            settings = GenerationSettings.model_validate({**base.model_dump(), setting: v})
        except ValidationError as exc:
            raise InvalidRequest(f"Takes: {setting} = {v} cannot be generated "
                                 f"({exc.errors()[0]['msg']}).") from None
        out.append(replace(recipe, settings=settings))
    return out


def parse_values(text: str, setting: str) -> list[float] | None:
    """A sweep's values as typed ("3, 5.5, 7" or "3 5.5 7"); None for an empty text (seeds: base, base + 1...)."""
    parts = [p for p in text.replace(",", " ").split() if p]
    if not parts:
        return None
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InvalidRequest(f"Takes: {text!r} is not a list of numbers for {setting}.",
                             hint="Type the values separated by commas, e.g. 3, 5, 7.") from None
    if setting in ("seed", "steps"):
        if any(v != int(v) for v in values):
            raise InvalidRequest(f"Takes: {setting} takes whole numbers, not {text!r}.")
        return [int(v) for v in values]
    return values
