"""Speed presets: Draft for quick iteration, Standard = the reference recipe, Final = recipe + multi-scale.

Draft takes the distilled sibling of a full model (same family and size: its distilled schedule), renders at
2/3 of the size (the multi-scale first pass's size, so Final refines the same composition), and the local
engine turns on First Block Cache. The preset name lands in the settings, hence in the sidecar. Torch-free.
"""
from __future__ import annotations

from typing import Literal

from .catalog import CATALOG, get_model
from .recipes import recipe_for
from .settings import GenerationSettings

Preset = Literal["draft", "standard", "final"]
PRESETS: tuple[Preset, ...] = ("draft", "standard", "final")
DRAFT_SCALE = 2 / 3


def distilled_sibling(model_id: str) -> str | None:
    """The distilled local model of the same family and size (the model itself when it is distilled)."""
    model = get_model(model_id)
    if model.distilled:
        return model.id
    for named in (model_id.replace("-dev", "-distilled"), f"{model_id}-distilled"):  # the same release first
        if named != model_id and named in CATALOG and CATALOG[named].hub_id:
            return named
    same = [m for m in CATALOG.values() if m.hub_id and m.distilled and m.family == model.family
            and m.params == model.params]
    if model.local is not None:  # prefer the same weights precision (fp8 file -> fp8 file)
        same.sort(key=lambda m: m.local.stored_precision != model.local.stored_precision)
    return same[0].id if same else None


def _draft_size(settings: GenerationSettings) -> tuple[int, int]:
    def snap(v: int) -> int:
        return max(32, int(v * DRAFT_SCALE) // 32 * 32)
    return snap(settings.width), snap(settings.height)


def apply_preset(preset: Preset, settings: GenerationSettings) -> tuple[GenerationSettings, list[str]]:
    """Settings for `preset` (the model's recipe steps/guidance) and notes saying what changed."""
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    notes: list[str] = []
    model_id = settings.model_id
    update: dict = {"preset": preset, "upscale": preset == "final"}
    if preset == "draft":
        sibling = distilled_sibling(model_id)
        if sibling and sibling != model_id:
            notes.append(f"Draft: {get_model(sibling).name} (the distilled schedule) instead of "
                         f"{get_model(model_id).name}.")
            model_id = sibling
        width, height = _draft_size(settings)
        if (width, height) != (settings.width, settings.height):
            update.update(width_override=width, height_override=height)
            notes.append(f"Draft: {width}x{height} instead of {settings.width}x{settings.height}.")
    recipe = recipe_for(model_id)
    update["model_id"] = model_id
    if recipe is not None:
        update.update(steps=recipe.steps, guidance_scale=recipe.guidance)
    return settings.model_copy(update=update), notes


def final_from_draft(draft: GenerationSettings, standard_model_id: str | None = None,
                     size: tuple[int, int] | None = None) -> GenerationSettings:
    """"Render as Final": the same seed and everything else, the full model (when given), the full size, the
    recipe's multi-scale pass."""
    update: dict = {}
    if standard_model_id:
        update["model_id"] = standard_model_id
    if size:
        update.update(width_override=size[0], height_override=size[1])
    base = draft.model_copy(update=update)
    final, _ = apply_preset("final", base)
    return final
