"""Undoable changes to the bin (import, delete, switch take) as core Edits of asset entities.

Each edit snapshots only the assets it touched (core/edits.EntityChanges), so undoing an import leaves an
asset a job delivered in the meantime where it is, and restoring an asset keeps every take it gained since
(undo never loses generated work). Finished jobs come in through ui/job_intake.JobIntake (generation/landing.add_result),
which is not an undo step.
"""
from __future__ import annotations

from ltx_editor.core.edits import Changes, EntityChanges, entity_changes
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Project, index_of

KINDS = ("bin",)


def AssetsEdit(label: str, before: list[Asset], after: list[Asset], affected: list[str] = (),  # noqa: N802
               created: list[str] = ()) -> Changes:
    """An applied bin change given as two versions of the asset list: only `affected` assets are kept."""
    ids = list(dict.fromkeys([*affected, *created]))
    step = entity_changes("assets", before, after, ids)
    step.after = {k: (s[0], _own(s[1])) if s is not None else None for k, s in step.after.items()}
    return Changes(label, [step], created=list(created), affected=list(affected), kinds=KINDS)


def _own(asset: Asset) -> Asset:
    # The snapshot gets a take list of its own: a take appended to the live asset is not one it knows.
    return asset.model_copy(update={"takes": list(asset.takes)})


def add_assets(project: Project, assets: list[Asset], label: str) -> Changes:
    """Add new assets at the end of the bin (one undo step)."""
    ids = [a.id for a in assets]
    start = len(project.assets)
    step = EntityChanges("assets", dict.fromkeys(ids), {a.id: (start + i, _own(a)) for i, a in enumerate(assets)})
    step.put(project, True)
    return Changes(label, [step], created=ids, affected=ids, kinds=KINDS)


def _one(project: Project, label: str, asset_id: str, new: Asset | None) -> Changes:
    i = index_of(project, "assets", asset_id)
    step = EntityChanges("assets", {asset_id: (i, _own(project.assets[i]))},
                         {asset_id: (i, _own(new)) if new is not None else None})
    step.put(project, True)
    return Changes(label, [step], affected=[asset_id], kinds=KINDS)


def delete_asset(project: Project, asset_id: str) -> Changes:
    asset = project.asset(asset_id)
    users = sum(1 for t in project.tracks for c in t.clips if c.asset_id == asset_id)
    if users:
        raise EditRefused(f"{asset.name or 'This asset'} is used by {users} clip(s) on the timeline.",
                          hint="Delete those clips first.")
    return _one(project, f"Delete {asset.name or 'asset'}", asset_id, None)


def delete_assets(project: Project, asset_ids: list[str]) -> Changes:
    """Delete several assets as one edit; refused (nothing deleted) when any is used on the timeline."""
    ids = list(dict.fromkeys(asset_ids))
    if not ids:
        raise EditRefused("Select the media to delete first.")
    if len(ids) == 1:
        return delete_asset(project, ids[0])
    used = {c.asset_id for t in project.tracks for c in t.clips}
    busy = [project.asset(a).name or a for a in ids if a in used]
    if busy:
        raise EditRefused(f"{', '.join(busy)} {'is' if len(busy) == 1 else 'are'} used on the timeline.",
                          hint="Delete those clips first.")
    before = {a: (index_of(project, "assets", a), _own(project.asset(a))) for a in ids}
    step = EntityChanges("assets", before, dict.fromkeys(ids))
    step.put(project, True)
    return Changes(f"Delete {len(ids)} assets", [step], affected=ids, kinds=KINDS)


def set_active_take(project: Project, asset_id: str, take_id: str) -> Changes:
    asset = project.asset(asset_id)
    asset.take(take_id)  # KeyError for a take the asset does not have
    return _one(project, "Switch take", asset_id, asset.model_copy(update={"active_take_id": take_id}))
