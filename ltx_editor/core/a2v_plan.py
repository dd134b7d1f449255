"""Plan audio-to-video: an audio clip (or a range of it) drives a generated clip of exactly the same length.

Pure arithmetic on the project (no media, no generation). The range [start, end) of timeline frames under an
audio clip becomes one generation of `num_frames` (the 8k+1 count at or above the range's length: the model
makes 8k+1 frames); the audio of the range is its input, padded with silence up to the generation's length.
Only output frames [0, length) are kept: the new clip starts on the range's first frame and ends on its last,
so picture and sound meet with 0 frames of gap or overlap. It lands on a video track above the audio (the
nearest one free over the range, else a new video track).
"""
from __future__ import annotations

from dataclasses import dataclass

from .extension import ceil_to
from .placement import free_video_track
from .project import Project
from .retake_plan import RetakeError

A2V_FAMILY = "ltx-2"  # only LTX-2.x models take sound as an input


class AudioToVideoError(RetakeError):
    """The audio-to-video cannot be planned (not an audio clip, range outside it, too long for the model...)."""


@dataclass(frozen=True)
class A2VPlan:
    clip_id: str  # the audio clip that drives the picture
    source_path: str  # its media, as stored in the project
    fps: float  # the project's frame rate: timeline frames are counted at it
    start: int  # first timeline frame of the range
    end: int  # exclusive
    media_start: int  # the range's first frame in the audio media (at `fps`)
    num_frames: int  # 8k+1 >= length: what the model generates
    track_id: str | None  # the video track it lands on (None: a new video track)
    size: tuple[int, int] | None = None  # the video tracks' size, when one is known

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def audio_start_s(self) -> float:
        return self.media_start / self.fps

    @property
    def audio_seconds(self) -> float:
        """The range's sound: exactly `length` frames long."""
        return self.length / self.fps

    @property
    def generated_seconds(self) -> float:
        return self.num_frames / self.fps

    def joins(self, landed_frames: int | None = None) -> tuple[int, int]:
        """(frames of picture missing, frames too many) against the audio range when `landed_frames` (default:
        the kept frames) land at `start`: (0, 0) for every plan."""
        frames = self.length if landed_frames is None else landed_frames
        return max(0, self.length - frames), max(0, frames - self.length)


def _video_size(project: Project) -> tuple[int, int] | None:
    """The size of the pictures already on the timeline (the first sized take), to generate at the same size."""
    for track in project.tracks_of_kind("video"):
        for clip in track.clips:
            take = project.asset(clip.asset_id).take(clip.take_id)
            if take.width and take.height:
                return take.width, take.height
    return None


def plan_a2v(project: Project, clip_id: str, start: int | None = None, end: int | None = None, *,
             max_frames: int = 481) -> A2VPlan:
    """Plan generating the picture for timeline frames [start, end) of an audio clip (default: all of it)."""
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise AudioToVideoError("The audio clip is no longer on the timeline.",
                                hint="Right-click an audio clip and try again.") from None
    if track.kind != "audio":
        raise AudioToVideoError("Only a clip on an audio track can drive a generated picture.",
                                hint="Right-click a clip on an audio track.")
    take = project.asset(clip.asset_id).take(clip.take_id)
    if not take.has_audio:
        raise AudioToVideoError("That clip has no sound to follow.", hint="Choose a clip with sound.")
    start = clip.start if start is None else start
    end = clip.end if end is None else end
    if not clip.start <= start < end <= clip.end:
        raise AudioToVideoError(f"The range {start}-{end} is not inside the audio clip ({clip.start}-{clip.end}).",
                                hint="Set the in and out points inside the clip.")
    if clip.speed != 1.0:  # the range is in timeline frames; at another speed the sound's are elsewhere
        raise AudioToVideoError(f"The sound clip plays at {clip.speed:g}x; a picture can be made for it at normal "
                                "speed only.", hint="Set the clip's speed back to 1x (Properties…) first.")
    length = end - start
    num_frames = ceil_to(length - 1) + 1  # the 8k+1 count at or above the range
    if num_frames > max_frames:
        fps = project.settings.fps
        raise AudioToVideoError(f"The model makes at most {max_frames} frames ({max_frames / fps:.1f} s); this "
                                f"range is {length} frames ({length / fps:.1f} s).",
                                hint="Set in and out points around a shorter stretch of the sound.")
    return A2VPlan(clip_id=clip.id, source_path=take.path, fps=project.settings.fps, start=start, end=end,
                   media_start=clip.in_frame + start - clip.start, num_frames=max(9, num_frames),
                   track_id=free_video_track(project, start, end), size=_video_size(project))
