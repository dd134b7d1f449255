"""Motion tracks of a clip for a motion-track IC-LoRA: points followed through the clip with OpenCV's dense
optical flow (Farneback), drawn as coloured trails of circles on black.

The LTX-2.3 motion-track IC-LoRA follows "sparse point trajectories" given as a video of coloured spline overlays
(its card: huggingface.co/yrrhall/LTX-2.3-22b-IC-LoRA-Motion-Track-Control; docs.ltx.video's IC-LoRA guide:
"trails of circles"). The points are the first frame's strongest corners (cv2.goodFeaturesToTrack; a grid where a
flat frame has none), each moved every frame by the flow under it and kept inside the picture. Frame t shows each
track's last `trail` positions, older ones smaller, joined by a line: one colour per track.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .control_maps import cached, write_map
from .errors import InvalidRequest


def motion_path(src: Path, points: int = 24, trail: int = 8) -> Path:
    return src.with_name(f"{src.stem}.motion-{points}-{trail}.mp4")


def _start_points(grey: np.ndarray, count: int) -> np.ndarray:
    import cv2

    h, w = grey.shape
    found = cv2.goodFeaturesToTrack(grey, maxCorners=count, qualityLevel=0.01, minDistance=max(2, min(h, w) // 8))
    if found is not None and len(found):
        return found.reshape(-1, 2).astype(np.float32)
    side = max(1, int(np.sqrt(count)))
    xs, ys = np.meshgrid((np.arange(side) + 0.5) * w / side, (np.arange(side) + 0.5) * h / side)
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def tracks(frames: Iterator[np.ndarray], points: int = 24) -> tuple[list[np.ndarray], tuple[int, int]]:
    """The (N, 2) x/y positions of every track at each frame, and the frames' (height, width)."""
    import cv2

    positions: list[np.ndarray] = []
    prev = None
    size = (0, 0)
    for frame in frames:
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        if prev is None:
            size = grey.shape
            positions.append(_start_points(grey, points))
        else:
            # pyramid 0.5 x 3 levels, 15 px windows, 3 iterations, poly_n 5 / sigma 1.2: OpenCV's documented example
            flow = cv2.calcOpticalFlowFarneback(prev, grey, None, 0.5, 3, 15, 3, 5, 1.2, 0)
            last = positions[-1]
            xi = np.clip(last[:, 0].round().astype(int), 0, size[1] - 1)
            yi = np.clip(last[:, 1].round().astype(int), 0, size[0] - 1)
            moved = last + flow[yi, xi]
            moved[:, 0] = np.clip(moved[:, 0], 0, size[1] - 1)
            moved[:, 1] = np.clip(moved[:, 1], 0, size[0] - 1)
            positions.append(moved.astype(np.float32))
        prev = grey
    return positions, size


def _colours(n: int) -> list[tuple[int, int, int]]:
    import cv2

    hues = np.linspace(0, 180, num=max(n, 1), endpoint=False).astype(np.uint8)
    hsv = np.stack([hues, np.full_like(hues, 255), np.full_like(hues, 255)], axis=1)[None]
    return [tuple(int(v) for v in c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0]]


def draw_tracks(positions: list[np.ndarray], size: tuple[int, int], trail: int = 8) -> list[np.ndarray]:
    import cv2

    h, w = size
    radius = max(1, min(h, w) // 48)
    colours = _colours(len(positions[0]) if positions else 0)
    out = []
    for t in range(len(positions)):
        canvas = np.zeros((h, w, 3), np.uint8)
        recent = positions[max(0, t - trail + 1):t + 1]
        for i, colour in enumerate(colours):
            path = np.array([p[i] for p in recent]).round().astype(np.int32)
            if len(path) > 1:
                cv2.polylines(canvas, [path.reshape(-1, 1, 2)], False, colour, 1, cv2.LINE_AA)
            for age, (x, y) in enumerate(reversed(path)):  # the newest is the largest
                cv2.circle(canvas, (int(x), int(y)), max(1, radius - age * radius // trail), colour, -1, cv2.LINE_AA)
        out.append(canvas)
    return out


def motion_map(src: str | Path, points: int = 24, trail: int = 8) -> Path:
    """The motion-track video of `src` (cached beside it); InvalidRequest naming the file when it cannot be read."""
    src = Path(src)
    if not 1 <= points <= 256 or not 1 <= trail <= 64:
        raise InvalidRequest(f"Motion tracks need 1-256 points and a trail of 1-64 frames, not {points}/{trail}.")
    out = motion_path(src, points, trail)
    if cached(out, src):
        return out

    def render(frames: Iterator[np.ndarray]) -> list[np.ndarray]:
        positions, size = tracks(frames, points)
        return draw_tracks(positions, size, trail)

    return write_map(src, out, "motion", render)
