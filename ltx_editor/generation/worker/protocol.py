"""The messages between the editor and a generation worker: pydantic models sent as JSON, one per line.

Never pickle: a message is plain data, validated on arrival, so a confused or hostile peer can only be refused.
Editor -> worker: Start (once), Generate, Cancel, Shutdown. Worker -> editor: Ready, Progress, Preview, Result,
Failure. Every message after Start names the job it is about.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ..preview import PREVIEW_MAX_WIDTH, PreviewEvent
from ..request import GenerationRequest, GenerationResult, ProgressEvent

PROTOCOL_VERSION = 1


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- editor -> worker -------------------------------------------------------------------------------------
class Start(_Message):
    """The provider's keyword options (JSON values only: paths, device, dtype, flags)."""

    type: Literal["start"] = "start"
    version: int = PROTOCOL_VERSION
    options: dict[str, Any] = Field(default_factory=dict)


class Generate(_Message):
    type: Literal["generate"] = "generate"
    job_id: str
    request: GenerationRequest
    output_dir: str  # the job's own staging folder: the editor moves the finished files into place
    # Prompt enhancement runs in the editor (a web call, not torch); its outcome travels with the job.
    enhanced_by_editor: bool = False
    enhanced_prompt: str | None = None
    enhance_note: str | None = None


class Cancel(_Message):
    type: Literal["cancel"] = "cancel"
    job_id: str


class Shutdown(_Message):
    """Free everything and exit (what 'unload' means: the process's memory goes back to the system)."""

    type: Literal["shutdown"] = "shutdown"


# -- worker -> editor -------------------------------------------------------------------------------------
class Ready(_Message):
    type: Literal["ready"] = "ready"
    version: int = PROTOCOL_VERSION
    pid: int


class Progress(_Message):
    type: Literal["progress"] = "progress"
    job_id: str
    event: ProgressEvent


class Preview(_Message):
    """A small decoded look at the clip so far (a JPEG, base64 in the JSON), where the pipeline allows one.
    Sent just before the Progress of the same step, which carries it on to the editor's job card."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")
    type: Literal["preview"] = "preview"
    job_id: str
    step: int
    width: int = Field(gt=0, le=PREVIEW_MAX_WIDTH)
    height: int = Field(gt=0, le=4 * PREVIEW_MAX_WIDTH)
    jpeg: bytes = Field(max_length=1 << 20)

    def attach(self, event: ProgressEvent) -> ProgressEvent:
        """The step's event carrying this picture (the event as it is when it is about another step)."""
        if event.step != self.step:
            return event
        return PreviewEvent(**event.model_dump(), image=self.jpeg, width=self.width, height=self.height)


class Result(_Message):
    type: Literal["result"] = "result"
    job_id: str
    result: GenerationResult


class Failure(_Message):
    """The job ended with a GenerationError (error_type names its class, e.g. Cancelled, OutOfMemory)."""

    type: Literal["failure"] = "failure"
    job_id: str
    error_type: str
    message: str
    hint: str = ""
    retryable: bool = True


ToWorker = Annotated[Start | Generate | Cancel | Shutdown, Field(discriminator="type")]
FromWorker = Annotated[Ready | Progress | Preview | Result | Failure, Field(discriminator="type")]
_to_worker: TypeAdapter[Any] = TypeAdapter(ToWorker)
_from_worker: TypeAdapter[Any] = TypeAdapter(FromWorker)


def encode(message: _Message) -> bytes:
    """One JSON line."""
    return message.model_dump_json().encode() + b"\n"


def decode_to_worker(line: bytes | str) -> Start | Generate | Cancel | Shutdown:
    return _to_worker.validate_json(line)


def decode_from_worker(line: bytes | str) -> Ready | Progress | Preview | Result | Failure:
    return _from_worker.validate_json(line)
