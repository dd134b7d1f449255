"""Secrets: with known keys set, run the cloud flows and every write path, then scan for the keys.

The fal key sits in a keychain (an in-memory keyring backend of our own); the Replicate token sits in the
environment. Flows: jobs through the real JobQueue and both providers (including 401/500 answers that echo
the key back, as some services do), the headless `generate` command, a project save with the job records,
an autosave, sidecars, and the root logger at DEBUG writing to a file. Afterwards every file written under
the test's folders, the log and all captured stdout/stderr are scanned for the keys (and their halves):
zero hits.
"""
from __future__ import annotations

import base64
import logging

import keyring
import pytest

from ltx_editor import cli_generate
from ltx_editor.core.project import JobRecord
from ltx_editor.core.project_io import autosave, load_project, save_project
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.secrets import get_api_key, install_log_redaction, keychain_status, set_api_key
from ltx_editor.generation.sidecar import write_sidecar
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.http_fault import Fault
from tests.fakes.keychains import MemoryKeyring
from tests.fakes.projects import make_project
from tests.fakes.replicate_server import FakeReplicateServer
from tests.reliability.record import record
from tests.unit.test_queue import Harness, wait_until

FAL_KEY = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
REPLICATE_TOKEN = "r8_QuietLeakCanaryToken0123456789abcdEF"


def _needles() -> dict[str, bytes]:
    """The keys, their secret halves, and the forms a leak could take (base64 of an auth header)."""
    out = {}
    for name, key in (("fal", FAL_KEY), ("replicate", REPLICATE_TOKEN)):
        out[f"{name} key"] = key.encode()
        out[f"{name} key tail"] = key[len(key) // 2:].encode()
        out[f"{name} key base64"] = base64.b64encode(key.encode())[:24]
    out["fal secret"] = FAL_KEY.split(":")[1].encode()
    return out


@pytest.fixture
def keychain():
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def debug_log(tmp_path):
    """The root logger at DEBUG into a file, redaction installed as the editor installs it."""
    path = tmp_path / "logs" / "ltx-editor.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_log_redaction([handler])
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


def test_no_key_reaches_any_file_log_or_output(tmp_path, monkeypatch, keychain, debug_log, capfd):
    monkeypatch.setenv("REPLICATE_API_TOKEN", REPLICATE_TOKEN)
    set_api_key("fal", FAL_KEY)
    assert keychain.store[("ltx-editor", "fal")] == FAL_KEY and keychain_status()[0]
    assert get_api_key("fal") == FAL_KEY and get_api_key("replicate") == REPLICATE_TOKEN
    import fal_client.client as fc

    monkeypatch.setattr(fc, "BASE_DELAY", 0.002)
    project, path = make_project(tmp_path / "project", n_clips=6)
    media = tmp_path / "project" / "demo_media"
    with FakeFalServer(key=FAL_KEY, queue_s=0.02, run_s=0.05) as fal, \
            FakeReplicateServer(token=REPLICATE_TOKEN, queue_s=0.02, run_s=0.05) as rep:
        fal.patch_client(monkeypatch)
        # the key echoed back in error bodies, as some services do
        fal.faults.add("submit", Fault.http(401, {"detail": f"Invalid authorization header: Key {FAL_KEY}"}))
        fal.faults.add("status", Fault.http(500, {"detail": f"upstream said: Authorization: Key {FAL_KEY}"}), 4)
        fal.faults.add("submit", Fault.http(422, {"detail": [{"loc": ["body", "prompt"],
                                                             "msg": f"rejected for key {FAL_KEY}"}]}))
        rep.faults.add("create", Fault.http(401, {"title": "Unauthenticated", "status": 401,
                                                  "detail": f"bad token Bearer {REPLICATE_TOKEN}"}))
        rep.faults.add("create", Fault.http(422, {"title": "Invalid input", "status": 422,
                                                  "detail": f"input.prompt: echo {REPLICATE_TOKEN}"}))
        rep.faults.add("get", Fault.http(500, {"detail": f"token={REPLICATE_TOKEN}"}), 4)
        providers = {"fal": fal.provider(key=""), "replicate": rep.provider(key="")}  # keys from keychain/env
        h = Harness(media, providers=providers).start()
        try:
            jobs = [h.queue.submit(_request(i, b)) for i in range(4) for b in ("fal", "replicate")]
            wait_until(lambda: all(j.state in ("finished", "failed") for j in jobs), 60)
        finally:
            h.stop()
        for job in jobs:
            print(f"job {job.label}: {job.state} {job.error or ''}")  # what a log view or the CLI would show
            logging.getLogger("ltx_editor.test").debug("job %s ended %s: %s", job.id, job.state, job.error)
        assert any(j.state == "failed" for j in jobs) and any(j.state == "finished" for j in jobs)
        assert all(fal.requests_to("status")), "the flows did run"

        # the headless command, through the factory's own provider, once failing with an echoed key
        fal.faults.add("submit", Fault.http(401, {"detail": f"Invalid authorization header: Key {FAL_KEY}"}))
        argv = ["--backend", "fal", "--model", "ltxv-13b-0.9.7-distilled", "--prompt", "a quiet harbour",
                "--duration", "1", "--seed", "3", "--quiet", "-o"]
        assert cli_generate.main([*argv, str(tmp_path / "cli" / "failed.mp4")]) == 1
        assert cli_generate.main([*argv, str(tmp_path / "cli" / "clip.mp4")]) == 0

    finished = [j for j in jobs if j.state == "finished"]
    for job in finished:
        add_result(project, path, job.result, job.label)
    project.jobs = [JobRecord.model_validate(r) for r in h.queue.to_records()]
    save_project(project, path)
    project.name = "after autosave"
    autosave(project, path)
    write_sidecar(finished[0].result, finished[0].request, tmp_path / "project" / "again.json")
    assert load_project(path, recover=True).project.name == "after autosave"

    out, err = capfd.readouterr()
    scanned = {str(p): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    scanned["<stdout>"], scanned["<stderr>"] = out.encode(), err.encode()
    hits = [(where, what) for where, data in scanned.items() for what, needle in _needles().items() if needle in data]
    record("secrets_scan", cases=len(scanned), secrets_leaked=len(hits),
           note=f"{len(scanned)} files and streams scanned for {len(_needles())} key forms")
    print(f"\nscanned {len(scanned)} files/streams ({sum(map(len, scanned.values())) // 1024} KiB): {len(hits)} hits")
    assert len(scanned) > 20 and debug_log.stat().st_size > 1000, "the flows wrote too little to mean anything"
    # the service text that echoed a key did reach messages people see — with the key taken out
    assert out.count("[redacted]") >= 2, out
    assert hits == []


def _request(i: int, backend: str):
    from ltx_editor.generation.request import GenerationRequest

    return GenerationRequest(backend=backend, prompt=f"secret-free prompt {i}", label=f"{backend}-{i}",
                             settings={"model_id": "ltxv-13b-0.9.7-distilled", "seed": i, "duration_s": 1.0})
