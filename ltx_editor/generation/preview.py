"""A live preview of a running local job: a step's progress event that also carries a small JPEG.

It is a ProgressEvent, so every progress callback that knows nothing of previews keeps working; the image is
left out of every dump (it never reaches a log, a project or a sidecar) and the queue keeps only the newest.
"""
from __future__ import annotations

from pydantic import Field

from .request import ProgressEvent


class PreviewEvent(ProgressEvent):
    image: bytes = Field(exclude=True, repr=False)  # JPEG, at most PREVIEW_MAX_WIDTH wide
    width: int
    height: int


PREVIEW_MAX_WIDTH = 256
