"""Headless assembly and interchange on real media: `new` (files in order, linked sound, settings from the
first file or given), `render` with presets/size/fps/range (`--preset list`), and the OpenTimelineIO round
trip (export -> import gives the same clips, ranges, tracks and markers)."""
from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from ltx_editor.cli import main
from ltx_editor.core.errors import MediaError
from ltx_editor.core.media import count_video_frames, probe
from ltx_editor.core.otio_io import export_otio, import_otio, to_otio
from ltx_editor.core.project_io import load_project, resolve_media, save_project
from tests.fakes.media_factory import frame_numbers, numbered_video, sample_video, still, tone


@pytest.fixture
def media(tmp_path) -> list[Path]:
    return [numbered_video(tmp_path / "m" / "a.mp4", frames=20, size=(96, 64), fps=25, audio=True),
            still(tmp_path / "m" / "b.png", size=(40, 40)),
            tone(tmp_path / "m" / "c.wav", seconds=0.4),
            sample_video(tmp_path / "m" / "d.mp4", frames=10, size=(64, 48), fps=25, audio=False)]


def test_new_puts_files_in_order_with_linked_sound_and_settings_from_the_first(tmp_path, media, capsys):
    path = tmp_path / "p.ltxproj"
    assert main(["new", str(path), *map(str, media)]) == 0
    assert "96x64, 25 fps, 48000 Hz" in capsys.readouterr().out
    project = load_project(path).project
    v1, a1 = project.tracks
    assert (v1.kind, a1.kind) == ("video", "audio")
    s = project.settings
    assert (s.width, s.height, s.fps) == (96, 64, 25)
    names = [Path(project.asset(c.asset_id).active_take.path).name for c in v1.clips]
    assert names == ["a.mp4", "b.png", "d.mp4"]
    assert [(c.start, c.duration) for c in v1.clips] == [(0, 20), (20, 125), (155, 10)]  # a still holds 5 s
    sound = [(Path(project.asset(c.asset_id).active_take.path).name, c.start, c.duration) for c in a1.clips]
    assert sound == [("a.mp4", 0, 20), ("c.wav", 145, 10)]  # the video's own sound, then the wav at its turn
    assert v1.clips[0].link == a1.clips[0].id and a1.clips[0].link == v1.clips[0].id
    # Its sound plays once (from the linked clip), not twice
    out = tmp_path / "p.mp4"
    assert main(["render", str(path), "-o", str(out), "-q", "--range", "0-20", "--crf", "0"]) == 0
    assert frame_numbers(out) == list(range(20)) and probe(out).audio_codec == "aac"

    given = tmp_path / "g.ltxproj"
    assert main(["new", str(given), "--size", "128x72", "--fps", "24", str(media[3])]) == 0
    s = load_project(given).project.settings
    assert (s.width, s.height, s.fps) == (128, 72, 24)
    assert main(["new", str(given), str(media[3])]) == 1  # never replaces a project without --force
    assert "already exists" in capsys.readouterr().err
    assert main(["new", str(tmp_path / "x.ltxproj"), str(tmp_path / "nope.mp4")]) == 1
    assert "nope.mp4" in capsys.readouterr().err


def test_render_presets_size_fps_and_range(tmp_path, media, capsys):
    path = tmp_path / "p.ltxproj"
    assert main(["new", str(path), str(media[0]), str(media[3])]) == 0
    assert main(["render", "--preset", "list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in ("h264", "h265", "prores", "webm"))
    out = tmp_path / "r.webm"
    assert main(["render", str(path), "-o", str(out), "-q", "--size", "64x48", "--fps", "50", "--range", "5-25"]) == 0
    info = probe(out)
    assert (info.video_codec, info.audio_codec, info.width, info.height) == ("vp9", "opus", 64, 48)
    assert count_video_frames(out) == 40  # 20 frames at 25 fps = 0.8 s = 40 frames at 50 fps
    mov = tmp_path / "r.mov"
    assert main(["render", str(path), "-o", str(mov), "-q", "--preset", "prores", "--no-audio"]) == 0
    assert (probe(mov).video_codec, probe(mov).audio) == ("prores", None)
    assert main(["render", str(path), "-o", str(tmp_path / "r.mp4"), "--preset", "prores"]) == 1
    assert "does not end in .mov" in capsys.readouterr().err
    assert main(["render", str(path), "-o", str(tmp_path / "r.mp4"), "--range", "10-99"]) == 1
    assert "ends after the timeline" in capsys.readouterr().err
    assert main(["render", str(path), "-o", str(tmp_path / "r.mp4"), "--size", "63x48"]) == 1
    assert "even" in capsys.readouterr().err


def _shape(project, project_path):
    """What a round trip must keep: tracks (order, kind, name, flags), clips (id, file, place, range, link),
    markers (frame, name, colour)."""
    tracks = [(t.id, t.kind, t.name, t.muted, t.hidden, t.locked,
               [(c.id, resolve_media(project_path, project.asset(c.asset_id).active_take.path).resolve(), c.start,
                 c.in_frame, c.out_frame, c.link, c.volume, c.fade_in, c.fade_out) for c in t.clips])
              for t in project.tracks]
    return tracks, [(m.frame, m.name, m.color) for m in project.markers], project.settings


def test_otio_round_trip_keeps_clips_ranges_tracks_and_markers(tmp_path, media, capsys):
    path = tmp_path / "p.ltxproj"
    assert main(["new", str(path), *map(str, media)]) == 0
    project = load_project(path).project
    v1 = project.tracks[0]
    top = numbered_video(tmp_path / "m" / "top.mp4", frames=30, size=(96, 64), fps=25)
    from ltx_editor.core import timeline as tl
    from ltx_editor.core.media import import_media

    asset = import_media(project, path, top)
    project.assets.append(asset)
    v2 = tl.add_track(project, "video", name="V2").created[0]
    tl.insert_clip(project, v2, asset.id, 30, in_frame=4, out_frame=19)
    tl.update_track(project, v2, hidden=True)
    tl.update_track(project, project.tracks[-1].id, muted=True)
    tl.add_marker(project, 12, name="beat", color="#ff0000")
    tl.add_marker(project, 40, name="drop")
    from ltx_editor.core.clip_properties import set_clip_properties

    set_clip_properties(project, v1.clips[0].id, fade_in=5, fade_out=3, volume=0.5)
    save_project(project, path)
    assert project.tracks[0].id == v2 and project.tracks[1].id == v1.id  # V2 over V1

    timeline = to_otio(project, path)
    video_tracks = [t.name for t in timeline.video_tracks()]
    assert video_tracks == ["V1", "V2"]  # OTIO stacks bottom to top
    assert len(timeline.tracks.markers) == 2

    out = tmp_path / "edit.otio"
    assert main(["export-otio", str(path), str(out)]) == 0
    again = tmp_path / "again.ltxproj"
    assert main(["import-otio", str(out), str(again)]) == 0
    assert "6 clips on 3 tracks, 2 markers" in capsys.readouterr().out
    back = load_project(again).project
    assert _shape(back, again) == _shape(load_project(path).project, path)

    # A plain OTIO file (no editor metadata, as another editor writes it) imports too
    plain = otio.adapters.read_from_file(str(out))
    for item in [plain, *plain.tracks, *plain.find_clips(), *plain.tracks.markers]:
        item.metadata.pop("ltx_editor", None)
    bare = tmp_path / "bare.otio"
    otio.adapters.write_to_file(plain, str(bare))
    imported = import_otio(bare, tmp_path / "bare.ltxproj")
    assert [t.kind for t in imported.tracks] == ["video", "video", "audio"]
    assert [(c.start, c.in_frame, c.out_frame) for c in imported.tracks[0].clips] == [(30, 4, 19)]
    assert imported.tracks[0].hidden and imported.tracks[2].muted  # from the tracks' enabled flags
    assert [m.frame for m in imported.markers] == [12, 40]


def test_otio_errors_name_the_file(tmp_path, media):
    path = tmp_path / "p.ltxproj"
    assert main(["new", str(path), str(media[0])]) == 0
    loaded = load_project(path)
    out = export_otio(loaded.project, loaded.path, tmp_path / "e.otio")
    media[0].rename(tmp_path / "moved.mp4")
    with pytest.raises(MediaError, match="a.mp4, which is missing"):
        import_otio(out, tmp_path / "q.ltxproj")
    (tmp_path / "junk.otio").write_text("{not json")
    assert main(["import-otio", str(tmp_path / "junk.otio"), str(tmp_path / "j.ltxproj")]) == 1
    assert not (tmp_path / "j.ltxproj").exists()
