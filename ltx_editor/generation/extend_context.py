"""What an extension of a clip generates with: the clip's own recipe (its sidecar: backend, model, custom model
folder, prompt, settings) at the clip's probed size and rate, rounded to what the model takes, so the new frames
continue the clip instead of following whatever the generate panel was last set to. A clip without a readable
recipe (imported footage) keeps its size and rate and takes the panel's backend, model and prompt.

The extend popup shows this and lets the person change the prompt, model, size and rate before it runs
(`with_choices`)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ltx_editor.core.catalog import get_model
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.generation_size import SIZE_STEP, shape_for
from ltx_editor.core.project import Project, Take
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.settings import GenerationMode

from .workflows import Recipe, WorkflowError


@dataclass(frozen=True)
class ExtendContext:
    recipe: Recipe  # backend, settings (model, steps...), model folder, prompt
    width: int
    height: int
    fps: float
    source: str  # "recipe": the clip's sidecar; "clip": its size and rate with the panel's model and prompt
    note: str  # where the values came from, in words for the popup

    def as_map(self) -> dict:
        """For the extend popup."""
        return {"backend": self.recipe.backend, "modelId": self.recipe.settings.model_id,
                "modelName": get_model(self.recipe.settings.model_id).name, "prompt": self.recipe.prompt,
                "width": self.width, "height": self.height, "fps": self.fps, "source": self.source,
                "note": self.note, "customFolder": self.recipe.model_path or ""}


def clip_take(project: Project, clip_id: str) -> Take:
    try:
        _track, clip = project.find_clip(clip_id)
    except KeyError:
        raise WorkflowError("The clip to extend is no longer on the timeline.",
                            hint="Select a clip and try again.") from None
    return project.asset(clip.asset_id).take(clip.take_id)


def _source_recipe(project_path: Path | str, take: Take) -> Recipe | None:
    """The recipe the take was generated with, or None (imported, or its sidecar is missing or unreadable)."""
    if not take.sidecar:
        return None
    from .sidecar import read_recipe

    path = resolve_media(project_path, take.sidecar)
    try:
        ran = read_recipe(path).request
    except (LtxEditorError, OSError):
        return None
    settings = ran.settings.model_copy(update={"seed": None})  # a new generation: a new seed
    return Recipe(ran.backend, settings, ran.model_path, ran.prompt)


def extend_context(project: Project, project_path: Path | str, take: Take, panel: Recipe) -> ExtendContext:
    """The recipe an extension of `take` (a timeline clip's, or a bin asset's) runs with before the person
    changes anything."""
    recipe = _source_recipe(project_path, take)
    source = "recipe" if recipe is not None else "clip"
    recipe = recipe or panel
    width, height = (take.width, take.height) if take.width and take.height else \
        (project.settings.width, project.settings.height)
    shape = shape_for(width, height, take.fps, get_model(recipe.settings.model_id))
    model = get_model(recipe.settings.model_id).name
    folder = f" (folder {Path(recipe.model_path).name})" if recipe.model_path else ""
    note = (f"From the clip's recipe: {model}{folder} on {recipe.backend}, {shape.width}×{shape.height}, "
            f"{shape.fps:g} fps" if source == "recipe" else
            f"No recipe (imported clip): its size and rate, the generate panel's {model}")
    return ExtendContext(recipe, shape.width, shape.height, shape.fps, source, note)


def with_choices(context: ExtendContext, choices: dict, panel: Recipe) -> tuple[Recipe, tuple[int, int], float]:
    """The context as the person edited it in the popup: prompt, modelId, width, height, fps (any may be
    absent). Another model drops the clip's custom folder (unless the panel runs that model from one) and
    takes that model's steps and guidance. WorkflowError naming a bad value."""
    recipe = context.recipe
    model_id = str(choices.get("modelId") or recipe.settings.model_id)
    try:
        model = get_model(model_id)
    except (KeyError, LtxEditorError):
        raise WorkflowError(f"Unknown model {model_id!r}.", hint="Choose a model from the list.") from None
    if model_id != recipe.settings.model_id:
        folder = panel.model_path if panel.settings.model_id == model_id and panel.backend == recipe.backend else None
        settings = recipe.settings.model_copy(update={"model_id": model_id, "steps": model.default_steps,
                                                      "guidance_scale": model.default_guidance})
        recipe = replace(recipe, settings=settings, model_path=folder)
    if "prompt" in choices:
        recipe = replace(recipe, prompt=str(choices["prompt"]).strip())
    width, height = int(choices.get("width") or context.width), int(choices.get("height") or context.height)
    if width % SIZE_STEP or height % SIZE_STEP or min(width, height) < SIZE_STEP:
        raise WorkflowError(f"The size must be multiples of {SIZE_STEP} (got {width}×{height}).",
                            hint=f"{model.name} generates in steps of {SIZE_STEP} pixels.")
    fps = float(choices.get("fps") or context.fps)
    if not 1.0 <= fps <= 60.0:
        raise WorkflowError(f"The frame rate must be between 1 and 60 fps (got {fps:g}).")
    return recipe, (width, height), fps


def extend_models(backend: str, direction: str) -> list[dict]:
    """The models that can extend in `direction` on `backend` (for the popup's model list)."""
    from ltx_editor.core.model_defaults import models_for

    modes = {"forward": (GenerationMode.EXTEND_FORWARD,), "backward": (GenerationMode.EXTEND_BACKWARD,),
             "both": (GenerationMode.EXTEND_FORWARD, GenerationMode.EXTEND_BACKWARD)}[direction]
    return [{"id": m.id, "name": m.name} for m in models_for(backend) if all(m.supports(backend, x) for x in modes)]
