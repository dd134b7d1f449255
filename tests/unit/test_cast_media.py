"""A cast entry's files are copied into the project's media folder (regular files only, the same file once, a
different file of the same name kept apart), and move with the project when an unsaved one is first saved."""
from __future__ import annotations

import os

import pytest

from ltx_editor.core.cast import CastError
from ltx_editor.core.cast_media import keep_in_project
from ltx_editor.core.media_place import adopt_media
from ltx_editor.core.project import CastEntry, Project
from ltx_editor.core.project_io import resolve_media


def test_a_voice_sample_is_copied_once_and_a_namesake_kept_apart(tmp_path):
    project_path = tmp_path / "film.ltxproj"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    line = outside / "line.wav"
    line.write_bytes(b"RIFF-first-WAVE")
    stored = keep_in_project(project_path, line, "voice")
    assert stored == "film_media/cast/line.wav"
    assert resolve_media(project_path, stored).read_bytes() == line.read_bytes()
    assert keep_in_project(project_path, line, "voice") == stored  # the same file again: stored once
    assert keep_in_project(project_path, resolve_media(project_path, stored), "voice") == stored
    line.write_bytes(b"RIFF-second-WAVE")  # another file of the same name
    other = keep_in_project(project_path, line, "voice")
    assert other != stored and other.startswith("film_media/cast/line-") and other.endswith(".wav")
    assert resolve_media(project_path, stored).read_bytes() == b"RIFF-first-WAVE"
    assert not [p for p in (tmp_path / "film_media/cast").iterdir() if p.name.startswith(".")]  # no temps left


def test_only_regular_files_of_the_right_kind(tmp_path):
    project_path = tmp_path / "film.ltxproj"
    with pytest.raises(CastError, match="notes.txt is not a sound file"):
        keep_in_project(project_path, tmp_path / "notes.txt", "voice")
    with pytest.raises(CastError, match="does not exist"):
        keep_in_project(project_path, tmp_path / "gone.png", "image")
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    with pytest.raises(CastError, match="named pipe"):
        keep_in_project(project_path, fifo, "voice")  # refused at once: no hang waiting for a writer
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(CastError, match="empty.png is empty"):
        keep_in_project(project_path, tmp_path / "empty.png", "image")


def test_the_cast_files_move_in_when_an_unsaved_project_is_first_saved(tmp_path):
    scratch = tmp_path / "scratch" / "untitled.ltxproj"
    scratch.parent.mkdir()
    (tmp_path / "ref.png").write_bytes(b"png-bytes")
    (tmp_path / "v.wav").write_bytes(b"wav-bytes")
    project = Project(cast=[CastEntry(id="c1", name="Mara", images=[keep_in_project(scratch, tmp_path / "ref.png", "image")],
                                      voice=keep_in_project(scratch, tmp_path / "v.wav", "voice"))])
    saved = tmp_path / "saved" / "film.ltxproj"
    saved.parent.mkdir()
    adopt_media(project, scratch, saved)  # not scratch by is_scratch(): copied along as the project's own media
    entry = project.cast[0]
    assert resolve_media(saved, entry.images[0]).read_bytes() == b"png-bytes"
    assert resolve_media(saved, entry.voice).read_bytes() == b"wav-bytes"
    assert resolve_media(saved, entry.voice).is_relative_to(saved.parent)
