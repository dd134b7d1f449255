"""A prompt for a gap fill, suggested by the prompt enhancer from the recipes of the clips around the gap.

The clip before and the clip after each carry the recipe they were generated with (their take's sidecar); their
prompts (the enhanced one when there was one) tell the enhancer what happens on either side, and the person's
own words (if any) what should happen in between. The enhancer (generation/enhance.py) writes one paragraph for
the in-between; a neighbour without a recipe (imported media) is simply left out.
"""
from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from pathlib import Path

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.gap_plan import GapPlan
from ltx_editor.core.project import Project
from ltx_editor.core.project_io import resolve_media

from .enhance import PromptEnhancer
from .errors import GenerationError
from .sidecar import read_sidecar


@dataclass(frozen=True)
class GapNeighbours:
    """The recipe files of the clips before and after a gap (None: no clip there, or no recipe)."""

    before: Path | None
    after: Path | None


def gap_neighbours(project: Project, project_path: Path | str, plan: GapPlan) -> GapNeighbours:
    def recipe(clip_id: str | None) -> Path | None:
        if clip_id is None:
            return None
        _, clip = project.find_clip(clip_id)
        take = project.asset(clip.asset_id).take(clip.take_id)
        return resolve_media(project_path, take.sidecar) if take.sidecar else None

    return GapNeighbours(recipe(plan.before_clip), recipe(plan.after_clip))


def recipe_prompt(path: Path | None) -> str:
    """The prompt a clip was generated from (the enhanced one when there was one); "" without a readable recipe."""
    if path is None:
        return ""
    try:
        data = read_sidecar(path)
    except LtxEditorError:
        return ""
    return str(data.get("enhanced_prompt") or data.get("prompt") or "").strip()


def gap_idea(before: str, after: str, hint: str = "") -> str:
    """What the enhancer is asked to expand: the two sides and the person's words for the middle."""
    if not (before or after or hint.strip()):
        raise GenerationError("Neither clip around the gap has a recipe prompt to start from.",
                              hint="Write a few words for the in-between, then Suggest again.")
    parts = ["Write the shot that bridges two shots of one continuous video, so it joins both seamlessly."]
    if before:
        parts.append(f"The shot before shows: {before}")
    if after:
        parts.append(f"The shot after shows: {after}")
    if hint.strip():
        parts.append(f"In between: {hint.strip()}")
    return "\n".join(parts)


async def suggest_gap_prompt(enhancer: PromptEnhancer, neighbours: GapNeighbours, hint: str = "") -> str:
    """One paragraph for the gap; GenerationError in words when the enhancer gave none (its note says why)."""
    idea = gap_idea(recipe_prompt(neighbours.before), recipe_prompt(neighbours.after), hint)
    asked = copy(enhancer)
    asked.short_prompt_words = 1 << 30  # asked for explicitly: expand whatever the length
    outcome = await asked.enhance(idea)
    if not outcome.enhanced:
        raise GenerationError(outcome.note or "The prompt enhancer suggested nothing.",
                              hint="Write the prompt yourself; the gap fills without a suggestion too.")
    return outcome.enhanced
