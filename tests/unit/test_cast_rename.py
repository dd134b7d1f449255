"""Renaming a cast entry rewrites `@old` as `@new` in every prompt the project holds (shots, their enhanced
prompts, keyframe spans), whole names only, as one undo step that undo and redo restore exactly."""
from __future__ import annotations

from ltx_editor.core import cast
from ltx_editor.core.cast import rename_mentions
from ltx_editor.core.project import CastEntry, Keyframe, Project, Shot


def test_whole_names_only_in_any_case_and_punctuation_kept():
    text = "@ann meets @anna and @Ann-b; @ANN's hat, (@ann). mail ann@ann.org, @@ann stays"
    assert rename_mentions(text, "ann", "Beth") == (
        "@Beth meets @anna and @Ann-b; @Beth's hat, (@Beth). mail ann@ann.org, @@ann stays")
    assert rename_mentions("no names", "ann", "Beth") == "no names"
    assert rename_mentions("@red-car and @red", "red-car", "blue-car") == "@blue-car and @red"


def _project() -> Project:
    return Project(
        cast=[CastEntry(id="c1", name="ann", description="a girl"), CastEntry(id="c2", name="anna")],
        shots=[Shot(id="s1", prompt="@ann runs", enhanced_prompt="A girl, @ann, runs fast"),
               Shot(id="s2", prompt="@anna waits"), Shot(id="s3", prompt="")],
        keyframes=[Keyframe(id="k1", frame=0, image="a.png", prompt="@Ann jumps"),
                   Keyframe(id="k2", frame=16, image="b.png", prompt="@anna lands")])


def test_a_rename_rewrites_every_prompt_as_one_undo_step():
    project = _project()
    before = project.model_dump()
    edit = cast.rename_entry(project, "c1", "Beth")
    assert [c.name for c in project.cast] == ["Beth", "anna"]
    assert [(s.prompt, s.enhanced_prompt) for s in project.shots] == [
        ("@Beth runs", "A girl, @Beth, runs fast"), ("@anna waits", None), ("", None)]
    assert [k.prompt for k in project.keyframes] == ["@Beth jumps", "@anna lands"]
    assert {"cast", "shots", "keyframes"} <= set(edit.kinds)
    assert {"c1", "s1", "k1"} <= set(edit.affected) and "s2" not in edit.affected and "k2" not in edit.affected
    after = project.model_dump()
    edit.undo(project)
    assert project.model_dump() == before  # every prompt and the name come back
    edit.redo(project)
    assert project.model_dump() == after


def test_a_rename_without_mentions_touches_only_the_cast():
    project = Project(cast=[CastEntry(id="c1", name="ann")], shots=[Shot(id="s1", prompt="@anna only")])
    shots = project.shots
    edit = cast.rename_entry(project, "c1", "Beth")
    assert edit.kinds == ("cast",) and project.shots is shots and len(edit.steps) == 1
