"""The JSON sidecar beside every generated clip: the full recipe, enough to regenerate it exactly.

`<clip>.json` holds the backend, the model (id, source, revision), both prompts, the seed actually used,
every setting, the LoRAs and condition files with their sha256, timings, cost and the app version. What
came back and what was asked sit side by side: `output` is the file as probed (size, frames, rate, sound;
`probed: false` and why when it cannot be read, then the backend's report), `requested` the size, frames
and rate the settings asked for (a service may return less and say nothing; `result` keeps its report). The
`request` block is the request as it ran (seed resolved, model and memory settings after any out-of-memory
fallback), so `regeneration_request()` can replay it.
"""
from __future__ import annotations

import json
import os
import platform
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ltx_editor.core.safe_files import RECIPE_MAX_BYTES, read_text
from ltx_editor.core.settings import MAX_SEED, GenerationSettings

from .errors import InvalidRequest
from .hashing import file_sha256
from .recipe_schema import FORMAT, VERSION, Recipe, describe, version_problem
from .request import GenerationRequest, GenerationResult

__all__ = ["FORMAT", "VERSION", "Recipe", "build_sidecar", "write_sidecar", "read_sidecar", "read_recipe",
           "load_sidecar", "regeneration_request", "move_clip", "sidecar_path_for"]
_PICK = "Pick the .json file written beside a generated clip."


def sidecar_path_for(video_path: str | Path) -> Path:
    return Path(video_path).with_suffix(".json")


def _condition_entries(request: GenerationRequest) -> list[dict[str, Any]]:
    out = []
    for cond in request.conditions:
        entry = cond.model_dump(mode="json")
        path = Path(cond.path)
        entry["sha256"] = file_sha256(path) if path.is_file() else None
        out.append(entry)
    return out


def _cast_entries(request: GenerationRequest) -> list[dict[str, Any]]:
    """Each cast entry `@name` brought in: its name, its reference images by sha256, and how they were used."""
    out = []
    for use in request.cast or ():
        images = [{"path": p, "sha256": file_sha256(Path(p)) if Path(p).is_file() else None} for p in use.images]
        out.append({"name": use.name, "kind": use.kind, "images": images, "applied": use.applied,
                    "voice": use.voice, "voice_applied": use.voice_applied})
    return out


def build_sidecar(result: GenerationResult, request: GenerationRequest, *, model: dict[str, Any] | None = None,
                  environment: dict[str, Any] | None = None) -> dict[str, Any]:
    """The recipe as a JSON-ready dict. `model` adds source/revision details; `environment` the runtime."""
    from ltx_editor import __version__

    settings = request.settings
    if not 0 <= result.seed <= MAX_SEED and settings.seed is not None:
        # A service reported a seed outside every model's range: record the one we asked for, and say so.
        note = f"the service reported seed {result.seed}; the requested seed {settings.seed} is recorded"
        result = result.model_copy(update={"seed": settings.seed, "notes": [*result.notes, note]})
    return {
        "format": FORMAT,
        "version": VERSION,
        "app_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "backend": result.backend,
        "mode": request.mode.value,
        "model": {"id": result.model_id, "source": request.model_path, "revision": None, **(model or {})},
        "prompt": result.prompt,
        "enhanced_prompt": result.enhanced_prompt,
        "negative_prompt": settings.negative_prompt,
        "seed": result.seed,
        "settings": settings.model_dump(mode="json"),
        "loras": [lora.model_dump(mode="json") for lora in settings.loras],
        "conditions": _condition_entries(request),
        "cast": _cast_entries(request),
        "output": _output(result),
        "requested": {"width": settings.width, "height": settings.height, "num_frames": settings.num_frames,
                      "fps": settings.fps},
        "timings": result.timings,
        "cost_usd": result.cost_usd,
        "notes": result.notes,
        "environment": {"python": platform.python_version(), "platform": platform.platform(),
                        **(environment or {})},
        "request": request.model_dump(mode="json"),
        "result": result.model_dump(mode="json"),
    }


def _output(result: GenerationResult) -> dict[str, Any]:
    """What came back: the video's size, frames, rate and sound read from the file, else (unreadable) as the
    backend reported them, with the reason."""
    from ltx_editor.core.errors import MediaError

    from .returned import probe_returned

    out = {"video": Path(result.video_path).name, "num_frames": result.num_frames, "fps": result.fps,
           "width": result.width, "height": result.height, "has_audio": result.has_audio}
    try:
        found = probe_returned(result.video_path)
    except (MediaError, OSError) as exc:
        return out | {"probed": False, "probe_error": getattr(exc, "message", None) or str(exc)}
    return out | found | {"probed": True}


def write_sidecar(result: GenerationResult, request: GenerationRequest, path: str | Path | None = None, *,
                  model: dict[str, Any] | None = None, environment: dict[str, Any] | None = None) -> Path:
    """Write the recipe atomically to `path` (default: beside the video) and return the path."""
    path = Path(path) if path is not None else sidecar_path_for(result.video_path)
    data = build_sidecar(result.model_copy(update={"sidecar_path": path}), request, model=model,
                         environment=environment)
    try:  # what the product writes, it can replay: the recipe is checked against its schema first
        Recipe.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(f"The recipe for {Path(result.video_path).name} would not be valid: "
                             f"{describe(exc)}.", hint="This is a bug in LTX Editor; the clip itself is kept.") from None
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_sidecar(path: str | Path) -> dict[str, Any]:
    """The recipe's JSON, checked field by field against the schema (InvalidRequest naming the field)."""
    return _read(Path(path))[0]


def read_recipe(path: str | Path) -> Recipe:
    """The recipe as its typed schema (InvalidRequest naming the first bad fields)."""
    return _read(Path(path))[1]


def _read(path: Path) -> tuple[dict[str, Any], Recipe]:
    # Only a regular file of sane size: a FIFO or /dev/zero named as a recipe must not hang or fill memory.
    text = read_text(path, what="recipe", max_bytes=RECIPE_MAX_BYTES, error=InvalidRequest)
    try:
        data = json.loads(text)
    except (RecursionError, ValueError) as exc:
        raise InvalidRequest(f"Cannot read the recipe {path.name}: {exc}", hint=_PICK) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidRequest(f"{path.name} is not an LTX Editor recipe.", hint=_PICK)
    problem = version_problem(data)
    if problem == "newer":
        raise InvalidRequest(f"{path.name} was written by a newer LTX Editor (recipe version {data['version']}; "
                             f"this one reads up to {VERSION}).", hint="Update LTX Editor.")
    if problem is not None:
        raise InvalidRequest(f"The recipe {path.name} is not valid: {problem}.", hint=_PICK)
    try:
        return data, Recipe.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(f"The recipe {path.name} is not valid: {describe(exc)}.",
                             hint="The file may be damaged or edited by hand.") from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise InvalidRequest(f"The recipe {path.name} is not valid: {exc}.") from None


def load_sidecar(path: str | Path) -> tuple[GenerationRequest, GenerationResult]:
    """(request as it ran, result) from a sidecar. Relative result paths resolve beside the sidecar."""
    path = Path(path)
    recipe = read_recipe(path)
    video = path.parent / Path(recipe.result.video_path).name
    return recipe.request, recipe.result.model_copy(update={"video_path": video, "sidecar_path": path})


def regeneration_request(path: str | Path, *, verify: bool = True) -> GenerationRequest:
    """The request that reproduces the clip: the used seed, the enhanced prompt verbatim (no second LLM
    call, which would answer differently), the pinned model revision. With `verify`, a condition file
    whose content changed since raises InvalidRequest instead of silently giving a different clip."""
    recipe = read_recipe(path)
    request, result = recipe.request, recipe.result
    prompt = result.enhanced_prompt or request.prompt
    model = recipe.model
    model_path = request.model_path
    source, revision = model.source, model.revision
    # A hub model is pinned to the exact commit it ran with ("org/name@sha"); local folders stay as they are.
    if revision and model.kind == "hub" and source and "@" not in source:
        model_path = f"{source}@{revision}"
    try:  # re-validated, not copied: the replay is a request like any other
        settings = GenerationSettings.model_validate(
            {**request.settings.model_dump(), "seed": result.seed, "enhance_prompt": False})
        again = GenerationRequest.model_validate(
            {**request.model_dump(), "settings": settings, "prompt": prompt, "model_path": model_path})
    except ValidationError as exc:
        raise InvalidRequest(f"The recipe {Path(path).name} cannot be replayed: {describe(exc)}.") from None
    if verify:
        for entry in recipe.conditions:
            want = entry.sha256
            cond_path = Path(entry.path)
            if not cond_path.is_file():
                raise InvalidRequest(f"The condition file {cond_path} is missing.",
                                     hint="Restore the file to regenerate this clip exactly.")
            if want and file_sha256(cond_path) != want:
                raise InvalidRequest(f"The condition file {cond_path.name} changed since this clip was made.",
                                     hint="Restore the original file to regenerate this clip exactly.")
    return again


def move_clip(result: GenerationResult, new_video_path: str | Path) -> GenerationResult:
    """Move a generated clip and its recipe together (e.g. into the project's media folder or to the CLI's
    -o path), keeping the recipe's references to the video right. Returns the updated result."""
    import shutil

    new_video = Path(new_video_path)
    new_video.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(result.video_path), new_video)
    moved = result.model_copy(update={"video_path": new_video})
    if result.sidecar_path is None or not Path(result.sidecar_path).is_file():
        return moved
    old_sidecar, new_sidecar = Path(result.sidecar_path), sidecar_path_for(new_video)
    data = read_sidecar(old_sidecar)
    data["output"]["video"] = new_video.name
    data["result"].update(video_path=str(new_video), sidecar_path=str(new_sidecar))
    tmp = new_sidecar.with_name(f".{new_sidecar.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, new_sidecar)
    finally:
        tmp.unlink(missing_ok=True)
    if old_sidecar.resolve() != new_sidecar.resolve():
        old_sidecar.unlink(missing_ok=True)
    return moved.model_copy(update={"sidecar_path": new_sidecar})
