"""Undoable changes to the bin (import, delete, switch take), and turning a finished job into an asset."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ltx_editor.core.errors import EditRefused
from ltx_editor.core.ids import new_id
from ltx_editor.core.project import Asset, Project, Take
from ltx_editor.core.project_io import store_path
from ltx_editor.generation.request import GenerationResult


@dataclass
class AssetsEdit:
    """The project's asset list before and after a bin change (the same undo protocol as core Edits)."""

    label: str
    before: list[Asset]
    after: list[Asset]
    affected: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = ("bin",)

    def undo(self, project: Project) -> None:
        project.assets = [a.model_copy(deep=True) for a in self.before]

    def redo(self, project: Project) -> None:
        project.assets = [a.model_copy(deep=True) for a in self.after]


def _snapshot(project: Project) -> list[Asset]:
    return [a.model_copy(deep=True) for a in project.assets]


def add_assets(project: Project, assets: list[Asset], label: str) -> AssetsEdit:
    before = _snapshot(project)
    project.assets.extend(assets)
    ids = [a.id for a in assets]
    return AssetsEdit(label, before, _snapshot(project), affected=ids, created=ids)


def delete_asset(project: Project, asset_id: str) -> AssetsEdit:
    asset = project.asset(asset_id)
    users = [c for t in project.tracks for c in t.clips if c.asset_id == asset_id]
    if users:
        raise EditRefused(f"{asset.name or 'This asset'} is used by {len(users)} clip(s) on the timeline.",
                          hint="Delete those clips first.")
    before = _snapshot(project)
    project.assets = [a for a in project.assets if a.id != asset_id]
    return AssetsEdit(f"Delete {asset.name or 'asset'}", before, _snapshot(project), affected=[asset_id])


def set_active_take(project: Project, asset_id: str, take_id: str) -> AssetsEdit:
    asset = project.asset(asset_id)
    asset.take(take_id)  # KeyError for a take the asset does not have
    before = _snapshot(project)
    asset.active_take_id = take_id
    return AssetsEdit("Switch take", before, _snapshot(project), affected=[asset_id])


def take_from_result(result: GenerationResult, project_path: Path) -> Take:
    return Take(id=new_id("take"), path=store_path(project_path, result.video_path),
                sidecar=store_path(project_path, result.sidecar_path) if result.sidecar_path else None,
                backend=result.backend, model=result.model_id, seed=result.seed, frame_count=result.num_frames,
                fps=result.fps, width=result.width, height=result.height, has_audio=result.has_audio,
                created=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def asset_name(prompt: str) -> str:
    words = prompt.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def add_result(project: Project, project_path: Path, result: GenerationResult, label: str,
               target_asset_id: str | None = None) -> str:
    """Put a finished generation in the bin: a new take of `target_asset_id` (made active) when that asset
    still exists, else a new asset. Returns the asset id. Not an undo step: a result is never undone away."""
    take = take_from_result(result, project_path)
    target = next((a for a in project.assets if a.id == target_asset_id), None)
    if target is not None:
        target.takes.append(take)
        target.active_take_id = take.id
        return target.id
    asset = Asset(id=new_id("asset"), name=label or asset_name(result.prompt), kind="generated", takes=[take],
                  active_take_id=take.id)
    project.assets.append(asset)
    return asset.id
