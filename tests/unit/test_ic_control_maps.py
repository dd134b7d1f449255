"""Control maps for IC-LoRA references: motion tracks from OpenCV's Farneback flow on a coded test video, depth from
a tiny random Depth Anything model and poses from a tiny random RT-DETR + ViTPose (built offline) run through the
editor's own path (a child process), the detailer's reference being the clip itself; every map cached beside its
media and reused."""
from __future__ import annotations

import numpy as np
import pytest

from ltx_editor.generation.control_depth import depth_frames, depth_path, load_estimator
from ltx_editor.generation.control_maps import CONTROLS, read_video, reference_video
from ltx_editor.generation.control_motion import motion_map, motion_path, tracks
from ltx_editor.generation.control_pose import draw_poses, people, pose_path
from ltx_editor.generation.control_pose import load_estimators as load_pose
from ltx_editor.generation.errors import InvalidRequest
from tests.fakes.media_factory import ffmpeg, sample_video
from tests.fakes.tiny_depth import build_tiny_depth
from tests.fakes.tiny_pose import build_tiny_pose
from tests.fakes.video_probe import read_frames

STEP = 2  # pixels the square moves right per frame


def moving_square(path, frames: int = 17):
    """A white 8x8 square on black moving STEP px right each frame (lossless H.264)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x48:r=24", "-f", "lavfi", "-i", "color=c=white:s=8x8:r=24",
           "-filter_complex", f"[0][1]overlay=x='8+{STEP}*n':y=20:shortest=1,format=yuv420p",
           "-frames:v", str(frames), "-c:v", "libx264", "-qp", "0", str(path))
    return path


@pytest.fixture(scope="module")
def tiny_depth(tmp_path_factory):
    return build_tiny_depth(tmp_path_factory.mktemp("depth") / "tiny-depth-anything")


def test_motion_tracks_follow_what_moves(tmp_path):
    src = moving_square(tmp_path / "media" / "square.mp4")
    positions, size = tracks(read_video(src, "motion")[1])
    assert size == (48, 64) and len(positions) == 17
    on_square = (positions[0][:, 1] > 16) & (positions[0][:, 1] < 32)  # the corners found on the square
    assert on_square.any()
    moved = positions[8][on_square] - positions[0][on_square]
    assert np.allclose(moved[:, 0], 8 * STEP, atol=3) and np.allclose(moved[:, 1], 0, atol=2)


def test_the_motion_map_draws_the_tracks_and_is_cached_beside_the_media(tmp_path):
    src = moving_square(tmp_path / "media" / "square.mp4")
    out = reference_video(src, "motion")
    assert out == motion_path(src) and out.parent == src.parent
    frames = read_frames(out)
    assert frames.shape == (17, 48, 64, 3)
    lit = np.argwhere(frames[12].max(axis=2) > 128)  # the trails' newest circles ride on the square's corners
    assert len(lit) and lit[:, 1].max() >= 8 + 12 * STEP and lit[:, 0].min() >= 14 and lit[:, 0].max() <= 34
    assert frames[0].max() > 128 and not np.array_equal(frames[0], frames[12])
    stamp = out.stat().st_mtime_ns
    assert motion_map(src) == out and out.stat().st_mtime_ns == stamp  # reused, not recomputed
    assert motion_map(src, points=8) != out  # other settings, another cached map


def test_depth_is_computed_in_a_child_process_with_the_estimator_and_cached(tmp_path, tiny_depth):
    src = sample_video(tmp_path / "media" / "shot.mp4", frames=9, size=(64, 48), audio=False)
    out = reference_video(src, "depth", {"depth": str(tiny_depth)})  # the editor's path: a child process
    assert out == depth_path(src, str(tiny_depth)) and out.parent == src.parent
    got = read_frames(out)
    assert got.shape == (9, 48, 64, 3)
    processor, estimator, device = load_estimator(str(tiny_depth))  # the same estimator here, for comparison
    expected = np.stack(depth_frames(read_video(src, "depth")[1], processor, estimator, device))
    assert expected.min() == 0 and expected.max() == 255  # each frame spans the grey range
    assert np.mean(np.abs(got.astype(int) - expected.astype(int)) < 16) > 0.9  # the depth, through H.264
    stamp = out.stat().st_mtime_ns
    assert reference_video(src, "depth", {"depth": str(tiny_depth)}) == out and out.stat().st_mtime_ns == stamp


def test_a_depth_model_that_cannot_load_is_named(tmp_path):
    src = sample_video(tmp_path / "media" / "shot.mp4", frames=9, size=(64, 48), audio=False)
    missing = tmp_path / "no-such-model"
    missing.mkdir()
    with pytest.raises(InvalidRequest, match="depth model .*no-such-model could not be loaded"):
        load_estimator(str(missing))
    assert not depth_path(src, str(missing)).exists()


def test_the_detailer_follows_the_clip_itself_and_bad_input_is_refused_in_words(tmp_path):
    src = sample_video(tmp_path / "media" / "shot.mp4", frames=9, size=(64, 48), audio=False)
    assert reference_video(src, "detailer") == src
    assert set(CONTROLS) == {"canny", "depth", "pose", "motion", "detailer"}
    assert all(c.lora and c.card.startswith("https://") for c in CONTROLS.values())
    with pytest.raises(InvalidRequest, match="Unknown control 'normals'"):
        reference_video(src, "normals")
    with pytest.raises(InvalidRequest, match="gone.mp4 is missing"):
        reference_video(tmp_path / "gone.mp4", "motion")
    broken = tmp_path / "media" / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(InvalidRequest, match="Cannot read the video broken.mp4 for its motion"):
        motion_map(broken)


def test_poses_are_found_and_drawn_in_a_child_process_and_cached(tmp_path):
    pose_model, detector = build_tiny_pose(tmp_path / "models")
    src = sample_video(tmp_path / "media" / "shot.mp4", frames=5, size=(64, 48), audio=False)
    models = {"pose": str(pose_model), "detector": str(detector)}
    out = reference_video(src, "pose", models)  # the editor's path: a child process
    assert out == pose_path(src, str(pose_model), str(detector)) and out.parent == src.parent
    got = read_frames(out)
    assert got.shape == (5, 48, 64, 3)
    estimators = load_pose(str(pose_model), str(detector))  # the same models here, for comparison
    first = next(read_video(src, "poses")[1])
    found = people(first, estimators)
    assert found and all(k.shape == (17, 2) and s.shape == (17,) for k, s in found)  # people, 17 COCO keypoints
    expected = draw_poses(found, (48, 64))
    assert expected.max() == 255 and np.mean(np.abs(got[0].astype(int) - expected.astype(int)) < 48) > 0.9
    stamp = out.stat().st_mtime_ns
    assert reference_video(src, "pose", models) == out and out.stat().st_mtime_ns == stamp  # reused
    with pytest.raises(InvalidRequest, match="person detector .*nowhere could not be loaded"):
        load_pose(str(pose_model), str(tmp_path / "nowhere"))  # what the child says when it cannot load one
