"""The cast in core: `@name` parsing and expansion, unknown names refused in words, cast edits as undo steps,
and the cast saved in and read back from the project file."""
from __future__ import annotations

import json

import pytest

from ltx_editor.core import cast
from ltx_editor.core.cast import CastError, expand, mentions
from ltx_editor.core.errors import ProjectFileError
from ltx_editor.core.project import CastEntry, Project
from ltx_editor.core.project_io import load_project, save_project


def _cast() -> list[CastEntry]:
    return [CastEntry(id="c1", name="Mara", description="a tall woman in a red coat", images=["mara.png"]),
            CastEntry(id="c2", name="old-car", kind="object", description="a rusty green 1960s sedan"),
            CastEntry(id="c3", name="Harbor", kind="place")]


def test_mentions_in_order_once_each_and_not_in_email_addresses():
    text = "@Mara drives the @old-car. @mara waves; mail bob@example.com, @@literal stays, (@Harbor)"
    assert mentions(text) == ["Mara", "old-car", "Harbor"]
    assert mentions("no names here, just @ signs @ 3") == []


def test_expand_replaces_each_name_by_its_description_and_lists_the_entries_used():
    out = expand("@Mara parks the @old-car at the @Harbor; @mara's keys.", _cast())
    assert out.prompt == ("a tall woman in a red coat parks the a rusty green 1960s sedan at the Harbor; "
                          "a tall woman in a red coat's keys.")  # no description: the name itself
    assert [e.id for e in out.entries] == ["c1", "c2", "c3"]
    plain = expand("a quiet street", _cast())
    assert plain.prompt == "a quiet street" and plain.entries == ()


def test_unknown_names_are_refused_naming_them_and_the_cast():
    with pytest.raises(CastError) as err:
        expand("@Mara meets @Bob and @Eve", _cast())
    assert "@Bob, @Eve" in err.value.message and "not in the cast" in err.value.message
    assert "@Mara" in err.value.hint and "Cast panel" in err.value.hint
    with pytest.raises(CastError, match="@Zed"):
        expand("@Zed", [])


def test_each_cast_edit_is_one_undo_step_and_undo_redo_restore_it():
    project = Project()
    add = cast.add_entry(project, "@Mara", "character", "a tall woman")
    mara = project.cast[0]
    assert (mara.name, mara.description) == ("Mara", "a tall woman") and add.created == [mara.id]
    steps = [cast.rename_entry(project, mara.id, "Maya"),
             cast.update_entry(project, mara.id, description="a tall woman in red", kind="character"),
             cast.add_image(project, mara.id, "media/maya.png"),
             cast.set_voice(project, mara.id, "media/maya.wav"),
             cast.remove_image(project, mara.id, 0)]
    assert project.cast[0].name == "Maya" and project.cast[0].images == [] and project.cast[0].voice
    for edit in reversed(steps):
        edit.undo(project)
    assert project.cast == [mara]
    for edit in steps:
        edit.redo(project)
    assert project.cast[0].description == "a tall woman in red" and project.cast[0].voice == "media/maya.wav"
    gone = cast.remove_entry(project, mara.id)
    assert project.cast == []
    gone.undo(project)
    assert project.cast[0].name == "Maya"
    add.undo(project)  # the add, undone after everything else came back: the cast is empty again
    assert [c.id for c in project.cast] == []


def test_refused_edits_name_the_problem_and_change_nothing():
    project = Project()
    cast.add_entry(project, "Mara")
    before = list(project.cast)
    with pytest.raises(CastError, match="already has @Mara"):
        cast.add_entry(project, "mara")
    with pytest.raises(CastError, match="cannot follow an @"):
        cast.add_entry(project, "two words")
    with pytest.raises(CastError, match="Invalid cast kind"):
        cast.add_entry(project, "Lamp", kind="animal")
    with pytest.raises(CastError, match="no cast entry"):
        cast.rename_entry(project, "nope", "X")
    with pytest.raises(CastError, match="no reference image 1"):
        cast.remove_image(project, before[0].id, 0)
    assert project.cast == before


def test_the_cast_is_saved_with_the_project_and_read_back(tmp_path):
    project = Project(cast=_cast())
    path = tmp_path / "p.ltxproj"
    save_project(project, path)
    assert json.loads(path.read_text())["cast"][1]["name"] == "old-car"
    loaded = load_project(path).project
    assert loaded.cast == project.cast
    # An older file without a cast opens with an empty one (the field has a default: no migration needed).
    data = json.loads(path.read_text())
    del data["cast"]
    path.write_text(json.dumps(data))
    assert load_project(path).project.cast == []


def test_a_damaged_cast_in_a_file_is_refused_naming_the_field(tmp_path):
    data = Project(cast=_cast()).model_dump(mode="json")
    data["cast"][2]["name"] = "mara"  # the same name as entry 1, in another case
    path = tmp_path / "bad.ltxproj"
    path.write_text(json.dumps(data))
    with pytest.raises(ProjectFileError, match="the cast has two entries named 'mara'"):
        load_project(path)
