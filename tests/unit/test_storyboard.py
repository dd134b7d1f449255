"""Storyboard edits: add, reorder, duplicate, delete, change — each undoable, refusals change nothing."""
from __future__ import annotations

import pytest

from ltx_editor.core import storyboard as sb
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Project


def _ids(project: Project) -> list[str]:
    return [s.id for s in project.shots]


def _board(n: int = 3) -> tuple[Project, list[str]]:
    project = Project()
    ids = [sb.add_shot(project, f"shot {i}", 2.0 + i).created[0] for i in range(n)]
    return project, ids


def test_add_appends_or_inserts_and_undoes():
    project, ids = _board()
    edit = sb.add_shot(project, "first", 1.5, index=0)
    new = edit.created[0]
    assert _ids(project) == [new, *ids]
    assert project.shots[0].prompt == "first" and project.shots[0].status == "draft"
    edit.undo(project)
    assert _ids(project) == ids
    edit.redo(project)
    assert _ids(project) == [new, *ids]


def test_move_reorders_and_undo_restores_order():
    project, (a, b, c) = _board()
    edit = sb.move_shot(project, c, 0)
    assert _ids(project) == [c, a, b]
    edit.undo(project)
    assert _ids(project) == [a, b, c]
    sb.move_shot(project, a, 99)
    assert _ids(project) == [b, c, a]


def test_duplicate_is_a_draft_copy_after_the_original():
    project, (a, b, _) = _board()
    sb.set_shot_result(project, a, status="done", asset_id="asset_x")
    edit = sb.duplicate_shot(project, a)
    dup = project.shots[1]
    assert dup.id == edit.created[0] and dup.id != a
    assert (dup.prompt, dup.duration_s, dup.status, dup.asset_id) == ("shot 0", 2.0, "draft", None)
    assert _ids(project)[2] == b


def test_delete_and_undo_brings_shots_back_in_place():
    project, (a, b, c) = _board()
    edit = sb.delete_shots(project, [a, c])
    assert _ids(project) == [b] and edit.label == "Delete 2 shots"
    edit.undo(project)
    assert _ids(project) == [a, b, c]


def test_update_validates_and_undo_keeps_generation_results():
    project, (a, _, _) = _board()
    edit = sb.update_shot(project, a, prompt="a fox", duration_s=4.0, start_image="media/s.png")
    sb.set_shot_result(project, a, status="done", asset_id="asset_1")  # arrives after the edit
    edit.undo(project)
    restored = sb.shot(project, a)
    assert (restored.prompt, restored.duration_s, restored.start_image) == ("shot 0", 2.0, None)
    assert (restored.status, restored.asset_id) == ("done", "asset_1")  # undo never loses a result


def test_refusals_leave_the_board_unchanged():
    project, ids = _board()
    before = [s.model_dump() for s in project.shots]
    with pytest.raises(EditRefused, match="duration_s"):
        sb.update_shot(project, ids[0], duration_s=-1)
    with pytest.raises(EditRefused, match="Cannot change"):
        sb.update_shot(project, ids[0], status="done")
    with pytest.raises(EditRefused, match="no shot"):
        sb.move_shot(project, "shot_missing", 0)
    with pytest.raises(EditRefused, match="No shots"):
        sb.delete_shots(project, [])
    assert [s.model_dump() for s in project.shots] == before
