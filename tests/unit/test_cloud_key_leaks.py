"""No API key in any log line, sidecar, project file or exception text written during cloud work.

Runs successful and failing jobs on both services through the real JobQueue and the real clients (uploads,
a 401 that the fake answers by echoing the key back, 422, 429, a failed job, a cut download, a cancel,
key checks), records every log record of every logger at DEBUG, unfiltered, saves the project with its job
records and spend, then greps all of it for every key that was in play.
"""
from __future__ import annotations

import asyncio
import logging
import traceback

import keyring
import pytest

from ltx_editor.core.project import JobRecord, Project
from ltx_editor.core.project_io import save_project
from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation import secrets
from ltx_editor.generation.errors import GenerationError
from ltx_editor.generation.queue import JobQueue
from ltx_editor.generation.request import Condition, GenerationRequest
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.http_fault import Fault
from tests.fakes.keychains import MemoryKeyring
from tests.fakes.replicate_server import FakeReplicateServer, throttled

FAL_KEY = "9e8d7c6b-1234-5678-9abc-def012345678:a1b2c3d4e5f60718293a4b5c6d7e8f90"
REP_KEY = "r8_LeakHuntToken_ZYXWVUTSRQ9876543"
WRONG_FAL = "wrong-fal-secret-5f5f5f5f5f5f5f"
WRONG_REP = "r8_WrongReplicateToken00000000000"
ALL_KEYS = (FAL_KEY, REP_KEY, WRONG_FAL, WRONG_REP)


class Everything(logging.Handler):
    """Keeps every formatted record, tracebacks included: what a log file would hold."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def everything():
    handler, root = Everything(), logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture
def keychain():
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    secrets.set_api_key("fal", FAL_KEY)
    secrets.set_api_key("replicate", REP_KEY)
    yield
    secrets.forget_session_keys()  # set_api_key also keeps them in memory: later tests must see no key
    keyring.set_keyring(previous)


def _req(backend, prompt, mode=M.TEXT_TO_VIDEO, conditions=()):
    return GenerationRequest(backend=backend, mode=mode, prompt=prompt, conditions=list(conditions),
                             settings=GenerationSettings(model_id="ltxv-13b-0.9.7-distilled", seed=11, duration_s=1))


async def _drain(queue: JobQueue, n: int, cancel_prompt: str) -> None:
    runner = asyncio.create_task(queue.run())
    for _ in range(2000):
        await asyncio.sleep(0.01)
        for job in queue.jobs:
            waiting = job.progress is not None and job.progress.queue_position is not None  # on the service
            if job.request.prompt == cancel_prompt and job.state == "running" and waiting:
                queue.cancel(job.id)
        if len(queue.jobs) == n and all(j.state in ("finished", "failed", "cancelled") for j in queue.jobs):
            break
    queue.stop()
    await runner


def test_no_key_anywhere(keychain, everything, monkeypatch, tmp_path):
    image = tmp_path / "still.png"
    image.write_bytes(b"\x89PNG" + b"x" * 500)
    out = tmp_path / "media"
    out.mkdir()
    errors: list[BaseException] = []
    with FakeFalServer(key=FAL_KEY) as fal, FakeReplicateServer(token=REP_KEY) as rep:
        fal.patch_client(monkeypatch)
        fal.queue_s = rep.queue_s = 0.3  # so the cancel lands while queued
        providers = {"fal": fal.provider(key=""), "replicate": rep.provider(key="")}
        fal.outcomes.extend(["ok", "ok", "ok", "fail", "ok", "ok"])
        fal.faults.add("submit", Fault.http(429, {"detail": "slow down"}, {"Retry-After": "0.05"}))
        fal.faults.add("file", Fault.cut(0.5))
        rep.faults.add("create", throttled(0.05))
        rep.faults.add("get", Fault.http(500))
        rep.outcomes.extend(["ok", "fail", "ok"])
        queue = JobQueue(providers.__getitem__, lambda: out, lambda _job: None,
                         concurrency={"fal": 1, "replicate": 1})
        prompts = [("fal", "fal ok", M.TEXT_TO_VIDEO), ("fal", "fal upload", M.IMAGE_TO_VIDEO),
                   ("fal", "fal cancelled", M.TEXT_TO_VIDEO), ("fal", "fal fails", M.TEXT_TO_VIDEO),
                   ("replicate", "rep upload", M.IMAGE_TO_VIDEO), ("replicate", "rep fails", M.TEXT_TO_VIDEO)]
        for backend, prompt, mode in prompts:
            conditions = [Condition(kind="image", path=str(image))] if mode is M.IMAGE_TO_VIDEO else []
            queue.submit(_req(backend, prompt, mode, conditions))

        async def scenario():
            await _drain(queue, len(prompts), "fal cancelled")
            # wrong keys (the fakes echo them back in their 401 bodies), and a 422
            for provider in (fal.provider(key=WRONG_FAL), rep.provider(key=WRONG_REP)):
                for call in (provider.validate_credentials(), provider.generate(
                        _req(provider.backend, "bad key"), out, lambda _e: None, queue.jobs[0]._cancel)):
                    try:
                        await call
                    except GenerationError as exc:
                        errors.append(exc)
                await provider.close()
            fal.faults.add("submit", Fault.http(422, {"detail": [{"loc": ["body", "prompt"], "msg": f"bad {FAL_KEY}"}]}))
            try:
                await providers["fal"].generate(_req("fal", "invalid"), out, lambda _e: None, queue.jobs[0]._cancel)
            except GenerationError as exc:
                errors.append(exc)
            for provider in providers.values():
                await provider.close()

        asyncio.run(scenario())
        seen_keys = {r.headers.get("authorization", "") for s in (fal, rep) for r in s.requests}

    jobs = {j.request.prompt: j for j in queue.jobs}
    assert [jobs[p].state for _, p, _ in prompts] == ["finished", "finished", "cancelled", "failed", "finished",
                                                       "failed"]
    assert {f"Key {FAL_KEY}", f"Bearer {REP_KEY}", f"Key {WRONG_FAL}", f"Bearer {WRONG_REP}"} <= seen_keys
    assert len(errors) == 5 and sum("rejected the API key" in str(e) for e in errors) == 4

    project = Project(name="leak hunt", spent_usd=sum(j.result.cost_usd or 0 for j in queue.jobs if j.result),
                      jobs=[JobRecord.model_validate(r) for r in queue.to_records()])
    project_file = save_project(project, tmp_path / "leak.ltxproj")

    sidecars = sorted(out.glob("*.json"))
    assert len(sidecars) == 3
    texts = {
        "log": "\n".join(everything.lines),
        "sidecars": "\n".join(p.read_text() for p in sidecars),
        "project": project_file.read_text(),
        "errors": "\n".join(f"{e}\n{e.hint}\n{e!r}\n{''.join(traceback.format_exception(e))}" for e in errors),
        "job errors": "\n".join(f"{j.error.message}\n{j.error.hint}" for j in queue.jobs if j.error),
    }
    assert "HTTP Request" in texts["log"] and "CUDA" in texts["job errors"]  # the corpus really holds the run
    leaks = {(name, key[:8]) for name, text in texts.items() for key in ALL_KEYS if key in text}
    assert leaks == set()
