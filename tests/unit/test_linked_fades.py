"""A video's fades and its linked sound's: set together as one undo step when asked (the properties popup's
"Sound too"), separately otherwise; a fade that does not fit the linked clip is refused naming it; the export
fades the picture and the sound (levels read back from the written file)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.export import export_timeline
from ltx_editor.core.media import import_media
from ltx_editor.core.project import Asset, Clip, Project, ProjectSettings, Take, Track
from tests.fakes.media_factory import decode_gray, sample_video
from tests.unit.test_export_fades import _levels


def _pair() -> tuple[Project, str, str]:
    take = Take(id="vt", path="holiday.mp4", frame_count=100, width=64, height=64, has_audio=True)
    project = Project(assets=[Asset(id="vid", name="holiday", kind="video", active_take_id="vt", takes=[take])],
                      tracks=[Track(id="V1", kind="video", name="V1")])
    video, sound = tl.place_asset(project, "vid", "V1", 10).created[:2]
    return project, video, sound


def _fades(project: Project, clip_id: str) -> tuple[int, int]:
    clip = project.find_clip(clip_id)[1]
    return clip.fade_in, clip.fade_out


def test_fades_of_a_linked_video_fade_its_sound_too_as_one_step():
    project, video, sound = _pair()
    before = project.model_dump()
    edit = set_clip_properties(project, video, fade_in=12, fade_out=6, opacity=0.5, link_fades=True)
    assert _fades(project, video) == _fades(project, sound) == (12, 6)
    assert project.find_clip(sound)[1].opacity == 1.0  # only the fades (and speed) go to the sound
    assert {video, sound} <= set(edit.affected)
    edit.undo(project)
    assert project.model_dump() == before
    edit.redo(project)
    assert _fades(project, sound) == (12, 6)


def test_without_link_fades_picture_and_sound_fade_separately():
    project, video, sound = _pair()
    set_clip_properties(project, video, fade_in=12)
    assert _fades(project, video) == (12, 0) and _fades(project, sound) == (0, 0)
    set_clip_properties(project, sound, fade_out=30)
    assert _fades(project, video) == (12, 0) and _fades(project, sound) == (0, 30)
    # from the sound's side, "Picture too" sets the video's fades as well
    set_clip_properties(project, sound, fade_in=4, fade_out=4, link_fades=True)
    assert _fades(project, video) == _fades(project, sound) == (4, 4)


def test_a_fade_too_long_for_the_linked_clip_is_refused_naming_it():
    take = Take(id="vt", path="holiday.mp4", frame_count=100, width=64, height=64, has_audio=True)
    project = Project(
        assets=[Asset(id="vid", name="holiday", kind="video", active_take_id="vt", takes=[take])],
        tracks=[Track(id="V1", kind="video", clips=[Clip(id="v", asset_id="vid", take_id="vt", start=0,
                                                         out_frame=60, link="s")]),
                Track(id="A1", kind="audio", clips=[Clip(id="s", asset_id="vid", take_id="vt", start=0,
                                                         out_frame=20, link="v", name="its sound")])])
    before = project.model_dump()
    with pytest.raises(EditRefused) as refused:
        set_clip_properties(project, "v", fade_in=15, fade_out=15, link_fades=True)
    assert "its linked audio clip 'its sound'" in refused.value.message and "20 frames" in refused.value.message
    assert project.model_dump() == before
    set_clip_properties(project, "v", fade_in=15, fade_out=15)  # the picture alone fits
    assert _fades(project, "v") == (15, 15) and _fades(project, "s") == (0, 0)


def test_the_export_fades_the_picture_and_the_linked_sound(tmp_path):
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=24, width=64, height=48),
                      tracks=[Track(id="V1", kind="video", name="V1")])
    media = sample_video(tmp_path / "walk.mp4", frames=48, size=(64, 48), audio=True)
    asset = import_media(project, path, media)
    project.assets.append(asset)
    video, sound = tl.place_asset(project, asset.id, "V1", 0).created[:2]
    plain = export_timeline(project, path, tmp_path / "plain.mp4")
    set_clip_properties(project, video, fade_in=12, fade_out=12, link_fades=True)
    faded = export_timeline(project, path, tmp_path / "faded.mp4")
    # picture: black at the first frame, full in the middle, as the unfaded export
    plain_frames, faded_frames = decode_gray(plain), decode_gray(faded)
    assert len(faded_frames) == 48
    assert float(faded_frames[0].mean()) < 0.3 * float(plain_frames[0].mean())
    assert abs(float(faded_frames[24].mean()) - float(plain_frames[24].mean())) < 3.0
    # sound: silent at the start and near the end, as loud as before in the middle (the sound is A1's clip)
    times = [0.0, 1.0, 1.93]
    loud, quiet = _levels(plain, times), _levels(faded, times)
    assert min(loud) > 0.05
    assert quiet[0] < 0.2 * loud[0] and quiet[2] < 0.2 * loud[2]
    assert np.isclose(quiet[1], loud[1], rtol=0.1)
    assert Path(faded).is_file()
