"""Project files: round trips, atomic save with backup, autosave/recovery, clear load errors, media paths."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltx_editor.core import migrations, project_io
from ltx_editor.core.errors import MediaError, ProjectFileError, ProjectReadOnly
from ltx_editor.core.project import SCHEMA_VERSION
from ltx_editor.core.project_io import (
    autosave,
    autosave_path,
    backup_path,
    discard_recovery,
    is_inside_project,
    load_project,
    media_dir,
    recovery_available,
    relink,
    resolve_media,
    save_project,
    store_path,
)
from ltx_editor.core.project_snapshot import take_snapshot
from tests.fakes.projects import make_project


@pytest.fixture
def saved(tmp_path):
    project, path = make_project(tmp_path)
    save_project(project, path)
    return project, path


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), os.stat(path).st_mtime_ns


def _rewrite(path: Path, edit) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def test_round_trip_is_exact(saved):
    project, path = saved
    loaded = load_project(path)
    assert loaded.project.model_dump() == project.model_dump()
    assert loaded.missing_media == [] and loaded.recovered_from is None and loaded.path == path
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_paths_are_relative_posix_and_resolve(tmp_path):
    proj = tmp_path / "p.ltxproj"
    inside = tmp_path / "p_media" / "a.mp4"
    assert store_path(proj, inside) == "p_media/a.mp4"
    assert store_path(proj, "/elsewhere/b.mp4") == "/elsewhere/b.mp4"
    assert store_path(None, inside) == inside.as_posix()
    assert resolve_media(proj, "p_media/a.mp4") == inside
    assert resolve_media(proj, "/elsewhere/b.mp4") == Path("/elsewhere/b.mp4")
    assert media_dir(proj) == tmp_path / "p_media" and media_dir(proj).is_dir()


@pytest.mark.parametrize("stored,inside", [
    ("a.mp4", True), ("m/a.mp4", True), ("m/../a.mp4", True), ("../a.mp4", False), ("m/../../a.mp4", False),
    ("..", False), ("/abs/a.mp4", False), ("C:/x.mp4", False), ("\\\\server\\x.mp4", False), ("..\\x", False),
])
def test_is_inside_project(stored, inside):
    assert is_inside_project(stored) is inside


def test_save_keeps_previous_version_as_bak_and_leaves_no_temp(saved, tmp_path):
    project, path = saved
    first = path.read_bytes()
    project.name = "second"
    save_project(project, path)
    assert backup_path(path).read_bytes() == first
    assert load_project(path).project.name == "second"
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_a_save_after_a_writer_died_between_backup_and_replace_leaves_no_temp(saved, tmp_path):
    # That writer left .bak as a second link to the file; renaming a link onto another link of the same
    # file does nothing, so the backup step's temp name used to stay behind after every later save.
    project, path = saved
    bak = backup_path(path)
    bak.unlink(missing_ok=True)
    os.link(path, bak)
    before = path.read_bytes()
    project.name = "after the crash"
    save_project(project, path)
    assert bak.read_bytes() == before
    assert load_project(path).project.name == "after the crash"
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_save_keeps_file_permissions(saved):
    project, path = saved
    os.chmod(path, 0o640)
    save_project(project, path)
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_save_into_missing_folder_fails_clearly(tmp_path):
    project, _ = make_project(tmp_path)
    with pytest.raises(ProjectFileError, match="Could not save"):
        save_project(project, tmp_path / "nope" / "x.ltxproj")


def test_full_disk_during_save_keeps_the_previous_file(saved):
    _, path = saved
    before = path.read_bytes()
    # A child process with a 1 KB file-size limit: the write fails like on a full disk.
    code = ("import resource, signal, sys; sys.path.insert(0, '.');"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
            "from ltx_editor.core.project_io import load_project, save_project;"
            f"p = load_project({str(path)!r}).project; p.name = 'x' * 5000;"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024));"
            f"save_project(p, {str(path)!r})")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parents[2])
    assert run.returncode != 0 and "ProjectFileError" in run.stderr and "Could not save" in run.stderr
    assert path.read_bytes() == before
    assert [p for p in path.parent.iterdir() if ".tmp-" in p.name] == []


def test_autosave_is_offered_until_saved_or_discarded(saved):
    project, path = saved
    assert recovery_available(path) is None
    project.name = "unsaved work"
    auto = autosave(project, path)
    assert auto == autosave_path(path) and recovery_available(path) == auto
    assert load_project(path).project.name != "unsaved work"  # opening normally ignores it
    recovered = load_project(path, recover=True)
    assert recovered.project.name == "unsaved work" and recovered.recovered_from == str(auto)
    assert recovered.path == path
    save_project(project, path)
    assert recovery_available(path) is None and not auto.exists()
    autosave(project, path)
    discard_recovery(path)
    assert recovery_available(path) is None
    discard_recovery(path)  # nothing to discard: fine


def test_autosave_is_newer_even_within_one_clock_tick(saved):
    project, path = saved
    for _ in range(20):  # save and autosave back to back, faster than a coarse file-system clock
        save_project(project, path)
        autosave(project, path)
        assert recovery_available(path) is not None


def test_old_autosave_left_by_a_crash_after_save_is_not_offered(saved):
    project, path = saved
    autosave(project, path)
    stale = autosave_path(path).read_bytes()
    save_project(project, path)
    autosave_path(path).write_bytes(stale)  # as if save crashed before removing it...
    os.utime(autosave_path(path), ns=(os.stat(path).st_mtime_ns - 1,) * 2)  # ...with its older time
    assert recovery_available(path) is None


def test_autosave_without_a_saved_file_is_offered(tmp_path):
    project, path = make_project(tmp_path)
    autosave(project, path)
    assert recovery_available(path) == autosave_path(path)
    assert load_project(path, recover=True).project == project


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b'{"schema_version": 1, "name": "x", "tracks": [', "damaged or truncated: .* line 1, column"),
    (b'{"schema_version": 1,\n "name": "caf\xe9"}', r"not valid UTF-8 text \(line 2, column 14\)"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"name": "x"}', "no valid schema_version"),
    (b'{"schema_version": "1"}', "no valid schema_version"),
    (b'{"schema_version": 999}', "newer LTX Editor .*schema version 999"),
    (b'{"schema_version": 1, "settings": {"fps": -5}}', r"settings\.fps: Input should be greater than 0"),
    (b'{"schema_version": 1, "name": 5}', "name: Input should be a valid string"),
    (b'{"schema_version": 1, "oops": 1}', "oops: Extra inputs are not permitted"),
    (b'{"schema_version": 1, "budget_usd": 1e999}', "budget_usd: Input should be a finite number"),
    (b'{"schema_version": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
    (b'{"schema_version": 1, "spent_usd": ' + b"9" * 5000 + b"}", "cannot be read"),
])
def test_bad_files_give_a_clear_error_and_stay_untouched(tmp_path, content, message):
    path = tmp_path / "bad.ltxproj"
    path.write_bytes(content)
    before = _snapshot(path)
    with pytest.raises(ProjectFileError, match=message) as info:
        load_project(path)
    assert "bad.ltxproj" in str(info.value)
    assert _snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ltxproj"]


def test_validation_errors_name_the_field_path(saved):
    _, path = saved
    _rewrite(path, lambda d: d["tracks"][1]["clips"][0].update(out_frame=-2))
    with pytest.raises(ProjectFileError, match=r"tracks\[1\]\.clips\[0\]\.out_frame"):
        load_project(path)


def test_a_job_request_too_deep_to_save_again_is_refused_on_open(saved):
    _, path = saved
    deep: object = 1
    for _ in range(500):
        deep = {"a": deep}
    _rewrite(path, lambda d: d.update(jobs=[{"id": "j0", "request": deep, "state": "queued"}]))
    before = _snapshot(path)
    with pytest.raises(ProjectFileError, match=r"jobs\[0\]\.request.*nested more than 32 levels"):
        load_project(path)
    assert _snapshot(path) == before


def test_overlapping_clips_are_refused(saved):
    _, path = saved
    _rewrite(path, lambda d: d["tracks"][0]["clips"][1].update(start=10))
    with pytest.raises(ProjectFileError, match=r"tracks\[0\]: clips 'c0' and 'c3' overlap"):
        load_project(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ProjectFileError, match="does not exist"):
        load_project(tmp_path / "none.ltxproj")
    with pytest.raises(ProjectFileError, match="is a folder"):
        load_project(tmp_path)


def test_generated_media_must_stay_inside_the_project(saved):
    _, path = saved
    _rewrite(path, lambda d: d["assets"][0]["takes"][1].update(path="../../etc/passwd"))
    with pytest.raises(ProjectFileError, match=r"assets\[0\]\.takes\[1\]\.path: generated media must be inside"):
        load_project(path)
    _rewrite(path, lambda d: d["assets"][0]["takes"][1].update(path="/etc/passwd"))
    with pytest.raises(ProjectFileError, match="generated media"):
        load_project(path)


def test_imported_media_may_live_anywhere(saved, tmp_path):
    _, path = saved
    outside = tmp_path.parent / f"{tmp_path.name}-outside.mp4"
    outside.touch()
    _rewrite(path, lambda d: d["assets"][-3]["takes"][0].update(path=f"../{outside.name}"))
    loaded = load_project(path)
    assert loaded.missing_media == [] and not loaded.project.asset("vid").offline
    _rewrite(path, lambda d: d["assets"][-3]["takes"][0].update(path=outside.as_posix()))
    assert not load_project(path).project.asset("vid").offline


def test_missing_media_are_reported_and_relinked(saved, tmp_path):
    _, path = saved
    (tmp_path / "imports" / "holiday.mp4").unlink()
    (tmp_path / "demo_media" / "gen1_1.mp4").unlink()  # a take that is not the active one
    loaded = load_project(path)
    assert sorted(loaded.missing_media) == sorted([str(tmp_path / "imports/holiday.mp4"),
                                                   str(tmp_path / "demo_media/gen1_1.mp4")])
    project = loaded.project
    assert project.asset("vid").offline and not project.asset("gen1").offline
    found = tmp_path / "moved" / "holiday.mp4"
    found.parent.mkdir()
    found.touch()
    take = relink(project, "vid", found, project_path=path)
    assert take.path == "moved/holiday.mp4" and not project.asset("vid").offline
    save_project(project, path)
    assert not load_project(path).project.asset("vid").offline


def test_relink_refusals(saved, tmp_path):
    project, path = saved
    with pytest.raises(MediaError):
        relink(project, "vid", tmp_path / "nope.mp4", project_path=path)
    outside = tmp_path.parent / f"{tmp_path.name}-gen.mp4"
    outside.touch()
    with pytest.raises(ProjectFileError, match="inside the project folder"):
        relink(project, "gen0", outside, project_path=path)
    assert project.asset("gen0").active_take.path == "demo_media/gen0_0.mp4"


def test_migration_hook_upgrades_older_files(saved, monkeypatch):
    _, path = saved
    # Pretend the current schema is 2, where version 1's "title" became "name".
    monkeypatch.setattr(project_io, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, SCHEMA_VERSION,
                        lambda d: {**{k: v for k, v in d.items() if k != "title"}, "name": d["title"]})
    _rewrite(path, lambda d: d.update(title=d.pop("name")))
    project = load_project(path).project
    assert project.name == "demo" and project.schema_version == SCHEMA_VERSION + 1


def test_migration_without_a_step_or_failing_is_a_clear_error():
    with pytest.raises(ProjectFileError, match="can no longer be opened"):
        migrations.migrate({"schema_version": 1}, target=3, migrations={})
    with pytest.raises(ProjectFileError, match="Could not upgrade"):
        migrations.migrate({"schema_version": 1}, target=2, migrations={1: lambda d: d["missing"]})
    done = migrations.migrate({"schema_version": 1, "a": 1}, target=3,
                              migrations={1: lambda d: {**d, "b": 2}, 2: lambda d: {**d, "c": 3}})
    assert done == {"schema_version": 3, "a": 1, "b": 2, "c": 3}


def test_load_is_fast_enough_to_measure(tmp_path):
    project, path = make_project(tmp_path, n_clips=300)
    save_project(project, path)
    start = time.perf_counter()
    assert len(load_project(path).project.tracks[0].clips) == 100
    assert time.perf_counter() - start < 2.0  # generous: the real figure is in tests/bench


def test_saving_does_not_revalidate_but_opening_refuses_an_inconsistent_file(saved):
    # Edits are validated when they are made and files when they are opened; a save only encodes. A project
    # broken behind the editor's back is written, and opening it says what is wrong, the .bak intact.
    project, path = saved
    before = path.read_bytes()
    project.tracks[0].clips[1].start = 0  # overlaps the first clip
    save_project(project, path)
    with pytest.raises(ProjectFileError, match="overlap"):
        load_project(path)
    assert backup_path(path).read_bytes() == before


def test_a_job_request_too_deep_to_encode_is_a_clear_error_and_writes_nothing(saved):
    project, path = saved
    before = path.read_bytes()
    deep: object = 1
    for _ in range(2000):
        deep = {"a": deep}
    project.jobs[0].__dict__["request"] = deep  # beyond what the encoder can nest (load refuses it earlier)
    for write in (save_project, autosave):
        with pytest.raises(ProjectFileError, match="not saved because it cannot be written"):
            write(project, path)
    assert path.read_bytes() == before and not autosave_path(path).exists()
    assert not [n for n in os.listdir(path.parent) if ".tmp-" in n]


# --- encoding: pydantic's Rust encoder on a snapshot -----------------------------------------------------
def test_encoding_is_exactly_pydantics_json(tmp_path):
    project, _ = make_project(tmp_path, n_clips=2500, create_files=False)  # more items than one encoder slice
    assert project_io.encode(project) == project.model_dump_json().encode()
    assert project_io.encode(take_snapshot(project)) == project.model_dump_json().encode()


def test_an_autosave_gives_way_to_other_threads_and_a_save_runs_flat_out(tmp_path, monkeypatch):
    project, path = make_project(tmp_path, n_clips=2500, create_files=False)
    pauses: list[float] = []
    monkeypatch.setattr(project_io, "_PAUSE_EVERY_S", 0.0)  # a pause due at every check
    monkeypatch.setattr(project_io.time, "sleep", pauses.append)
    autosave(project, path)
    slices = len(project_io.encode(project)) // project_io._SLICE_BYTES
    assert len(pauses) >= slices > 10 and set(pauses) == {project_io._PAUSE_S} and project_io._PAUSE_S > 0
    assert autosave_path(path).read_bytes() == project.model_dump_json().encode()
    pauses.clear()
    save_project(project, path)  # the editor waits for it: no pauses
    assert pauses == [] and path.read_bytes() == project.model_dump_json().encode()


# --- read-only files ------------------------------------------------------------------------------------
def test_a_read_only_project_file_is_not_replaced(saved):
    project, path = saved
    before = _snapshot(path)
    path.chmod(0o444)
    try:
        project.name = "changed"
        with pytest.raises(ProjectReadOnly, match=r"demo\.ltxproj is read-only") as info:
            save_project(project, path)
        assert "Save As" in info.value.hint
        assert _snapshot(path) == before and oct(path.stat().st_mode & 0o777) == "0o444"
        autosave(project, path)  # the recovery copy is another file: work is still kept
        assert load_project(path, recover=True).project.name == "changed"
        other = path.with_name("copy.ltxproj")
        save_project(project, other)  # Save As
        assert load_project(other).project.name == "changed"
    finally:
        path.chmod(0o644)


# --- writers of one folder take turns --------------------------------------------------------------------
def test_concurrent_saves_from_threads_and_processes_leave_no_temp_files(saved):
    project, path = saved
    code = ("import sys; sys.path.insert(0, sys.argv[2]);"
            "from ltx_editor.core.project_io import load_project, save_project, autosave;"
            "p = load_project(sys.argv[1]).project\n"
            "for i in range(40):\n    p.name = f'child{i}'; save_project(p, sys.argv[1]); autosave(p, sys.argv[1])")
    root = str(Path(__file__).resolve().parents[2])
    children = [subprocess.Popen([sys.executable, "-c", code, str(path), root]) for _ in range(2)]
    errors: list[Exception] = []

    def save_loop():
        try:
            for i in range(40):
                project.name = f"thread{i}"
                save_project(project, path)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=save_loop) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [c.wait(120) for c in children] == [0, 0]
    assert errors == []
    assert not [n for n in os.listdir(path.parent) if ".tmp-" in n]
    assert load_project(path).project.name.startswith(("child", "thread"))
    assert load_project(backup_path(path)).project.name


def test_a_temp_file_of_a_live_writer_elsewhere_is_left_alone_without_the_folder_lock(saved, monkeypatch):
    project, path = saved
    fresh = path.with_name(f".{path.name}.tmp-otherwriter")
    fresh.write_bytes(b"{}")
    old = path.with_name(f".{path.name}.tmp-deadwriter")
    old.write_bytes(b"{}")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    monkeypatch.setattr(project_io, "_flock", lambda fd, folder: False)  # e.g. a network share without flock
    save_project(project, path)
    assert fresh.exists() and not old.exists()
    monkeypatch.undo()
    save_project(project, path)  # with the folder's turn held, any leftover is a dead writer's
    assert not fresh.exists()


# --- the background saver: snapshot on the caller's thread, write on one worker, in order ---------------------
def test_background_saves_land_in_order_and_skip_an_autosave_while_one_is_busy(saved, monkeypatch):
    from ltx_editor.core.project_saver import BackgroundSaver

    project, path = saved
    gate = threading.Event()
    real_autosave = project_io.autosave

    def slow_autosave(snapshot, target):
        gate.wait(10)
        return real_autosave(snapshot, target)

    monkeypatch.setattr("ltx_editor.core.project_saver.autosave", slow_autosave)
    saver = BackgroundSaver()
    project.name = "autosaved"
    first = saver.autosave(project, path)
    assert first is not None and saver.autosave(project, path) is None  # busy: skipped, the next tick retries
    project.name = "saved"  # after the snapshot: the autosave still writes "autosaved"
    saving = saver.save(project, path)
    assert not saving.done()  # queued behind the autosave: writes land in the order they were asked for
    gate.set()
    assert saving.result(10) == path and first.result(10) == autosave_path(path)
    assert load_project(path, recover=True).project.name == "saved"  # the save discarded the older autosave
    assert not autosave_path(path).exists()
    saver.wait()
    saver.close()


def test_a_background_save_reports_a_read_only_file(saved):
    from ltx_editor.core.project_saver import BackgroundSaver

    project, path = saved
    path.chmod(0o444)
    try:
        with pytest.raises(ProjectReadOnly):
            BackgroundSaver().save(project, path).result(10)
    finally:
        path.chmod(0o644)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mode=st.integers(0o400, 0o777).filter(lambda m: m & 0o400))
def test_any_file_mode_without_write_permission_is_refused_and_kept(saved, mode):
    project, path = saved
    path.chmod(0o644)
    save_project(project, path)
    before = path.read_bytes()
    path.chmod(mode)
    try:
        writable = bool(mode & 0o222) and os.access(path, os.W_OK)
        project.name = f"mode {mode:o}"
        if writable:
            save_project(project, path)
            assert load_project(path).project.name == project.name
            assert path.stat().st_mode & 0o777 == mode  # the new file keeps the old one's permissions
        else:
            with pytest.raises(ProjectReadOnly, match="read-only"):
                save_project(project, path)
            assert path.read_bytes() == before and path.stat().st_mode & 0o777 == mode
        assert not [n for n in os.listdir(path.parent) if ".tmp-" in n]
    finally:
        path.chmod(0o644)
