"""`ltx-editor worker`: the child process that owns torch, diffusers and the loaded model.

It reads protocol messages from stdin and answers on stdout, one JSON line each. Jobs run through the ordinary
LocalLTXProvider; the files land in the staging folder each Generate names. stdout is kept for the protocol
alone: file descriptor 1 is pointed at stderr, so a library's stray print cannot corrupt a message.
When stdin closes (the editor went away) the worker cancels its jobs (they stop at the next step) and exits.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from ..errors import GenerationError
from ..preview import PreviewEvent
from ..request import CancelToken, ProgressEvent
from .protocol import (
    Cancel,
    Failure,
    Generate,
    Preview,
    Progress,
    Ready,
    Result,
    Shutdown,
    Start,
    decode_to_worker,
    encode,
)

log = logging.getLogger("ltx_editor.worker")


@dataclass
class _GivenEnhancement:
    """The editor's prompt-enhancement outcome, handed to the provider as if its enhancer had produced it."""

    prompt: str
    enhanced: str | None
    note: str | None

    async def enhance(self, prompt: str, mode: Any, first_image: Any) -> _GivenEnhancement:
        return self


class _Channel:
    """Writes messages to the editor. Only the event loop's thread writes, so lines never interleave."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out

    def send(self, message: Any) -> None:
        try:
            self._out.write(encode(message))
            self._out.flush()
        except (BrokenPipeError, ValueError):  # the editor is gone: nobody to tell
            os._exit(0)


def _read_stdin(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue) -> None:
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            message = decode_to_worker(line)
        except ValidationError as exc:
            print(f"ltx-editor worker: refused a malformed message: {exc.errors()[:1]}", file=sys.stderr)
            continue
        loop.call_soon_threadsafe(inbox.put_nowait, message)
    loop.call_soon_threadsafe(inbox.put_nowait, None)  # EOF: the editor closed the pipe or died


async def _run_job(provider: Any, job: Generate, cancel: CancelToken, channel: _Channel) -> None:
    if job.enhanced_by_editor:
        provider.enhancer = _GivenEnhancement(job.request.prompt, job.enhanced_prompt, job.enhance_note)
    else:
        provider.enhancer = None
    def report(event: ProgressEvent) -> None:
        if isinstance(event, PreviewEvent):  # the picture first; the step's Progress carries it on in the editor
            channel.send(Preview(job_id=job.job_id, step=event.step or 0, width=event.width, height=event.height,
                                 jpeg=event.image))
        channel.send(Progress(job_id=job.job_id, event=event))

    try:
        result = await provider.generate(job.request, Path(job.output_dir), report, cancel)
    except GenerationError as exc:
        channel.send(Failure(job_id=job.job_id, error_type=type(exc).__name__, message=exc.message, hint=exc.hint,
                             retryable=exc.retryable))
    except Exception as exc:  # a bug must fail its job, not the worker
        log.exception("job %s", job.job_id)
        channel.send(Failure(job_id=job.job_id, error_type="GenerationError",
                             message=f"Local generation failed: {type(exc).__name__}: {exc}"[:500],
                             hint="Retry; if it keeps failing, try other settings or the cloud."))
    else:
        channel.send(Result(job_id=job.job_id, result=result))


async def serve(channel: _Channel) -> int:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    threading.Thread(target=_read_stdin, args=(loop, inbox), name="worker-stdin", daemon=True).start()
    start = await inbox.get()
    if not isinstance(start, Start):
        print("ltx-editor worker: the first message must be 'start'", file=sys.stderr)
        return 2
    from ..local.provider import LocalLTXProvider  # torch itself loads on the first job

    provider = LocalLTXProvider(**{"live_previews": True, **start.options})  # the editor shows them on its job card
    channel.send(Ready(pid=os.getpid()))
    running: dict[str, tuple[asyncio.Task, CancelToken]] = {}
    try:
        while True:
            message = await inbox.get()
            if message is None or isinstance(message, Shutdown):
                break
            if isinstance(message, Generate):
                token = CancelToken()
                task = loop.create_task(_run_job(provider, message, token, channel))
                running[message.job_id] = (task, token)
                task.add_done_callback(lambda _t, job_id=message.job_id: running.pop(job_id, None))
            elif isinstance(message, Cancel) and message.job_id in running:
                running[message.job_id][1].cancel()
    finally:
        for _task, token in running.values():
            token.cancel()
        if running:
            await asyncio.gather(*(task for task, _ in running.values()), return_exceptions=True)
        await provider.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="ltx-editor worker",
                                     description="Run local generations for an editor over stdin/stdout, or "
                                                 "for editors on other machines over HTTP (--listen).")
    parser.add_argument("--listen", metavar="HOST:PORT", help="serve over HTTP; the token comes from "
                                                              "LTX_WORKER_TOKEN")
    parser.add_argument("--certfile", help="TLS certificate (PEM) for --listen")
    parser.add_argument("--keyfile", help="TLS private key (PEM) for --listen")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.listen:
        from .http_server import TOKEN_ENV
        from .http_server import serve as serve_http

        token = os.environ.get(TOKEN_ENV, "")
        if not token:
            print(f"error: set {TOKEN_ENV} to the token editors will send (it is never read from the command "
                  "line, where other users could see it)", file=sys.stderr)
            return 2
        return serve_http(args.listen, token, certfile=args.certfile, keyfile=args.keyfile)
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints (libraries, progress bars) now go to stderr
    return asyncio.run(serve(_Channel(protocol_out)))
