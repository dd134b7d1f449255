"""The model store against the fake Hub, driving the real huggingface_hub in the download child: scan states,
progress, kill and resume, pause, cancel, delete, disk-space refusal, 404, a dropped connection, ComfyUI files."""
from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import pytest

from ltx_editor.generation import hardware
from ltx_editor.generation.model_store import Download, ModelStore, ModelStoreError, Progress, scan_cache
from tests.fakes.hf_hub_server import FakeHub, Fault, diffusers_repo
from tests.fakes.processes import alive

DIFFUSERS_ID, DIFFUSERS_REPO = "ltxv-2b-0.9.5", "Lightricks/LTX-Video-0.9.5"  # a diffusers-layout model
SINGLE_ID, SINGLE_REPO, SINGLE_FILE = "ltxv-13b-0.9.8-dev", "Lightricks/LTX-Video", "ltxv-13b-0.9.8-dev.safetensors"
CONFIG_REPO = "Lightricks/LTX-Video-0.9.7-dev"
MB = 1024 * 1024


@pytest.fixture
def hub():
    with FakeHub() as server:
        yield server


@pytest.fixture
def store(tmp_path):
    return ModelStore(tmp_path / "hub", journal=tmp_path / "downloads.json")


class Recorder:
    """Collects a download's reports; `wait_for` blocks on a condition, never on a fixed sleep."""

    def __init__(self) -> None:
        self.reports: list[Progress] = []
        self._cond = threading.Condition()

    def __call__(self, p: Progress) -> None:
        with self._cond:
            self.reports.append(p)
            self._cond.notify_all()

    def wait_for(self, pred, timeout: float = 60) -> Progress:
        with self._cond:
            assert self._cond.wait_for(lambda: any(pred(r) for r in self.reports), timeout), self.reports[-3:]
            return next(r for r in self.reports if pred(r))


def download(store: ModelStore, hub: FakeHub, model_id: str) -> tuple[Download, Recorder]:
    rec = Recorder()
    return Download(store, model_id, rec, endpoint=hub.base_url).start(), rec


def test_empty_cache_lists_every_local_model_absent(store):
    entries = store.scan(hardware.probe(store.models_dir))
    assert entries and {e.state for e in entries} == {"absent"}
    assert all(e.size_bytes == 0 and e.vram_gb > 0 for e in entries)


def test_download_with_progress_then_delete(store, hub):
    hub.add_repo(DIFFUSERS_REPO, diffusers_repo(6))
    dl, rec = download(store, hub, DIFFUSERS_ID)
    done = rec.wait_for(lambda r: r.stage in ("done", "failed"))
    assert done.stage == "done", done.message
    steps = [r for r in rec.reports if r.stage == "downloading"]
    assert steps and all(r.total_bytes == done.total_bytes for r in steps)
    assert [r.done_bytes for r in steps] == sorted(r.done_bytes for r in steps)
    assert "GB of" in steps[-1].describe()
    entry = store.entry(DIFFUSERS_ID)
    assert entry.state == "downloaded" and entry.size_bytes == done.total_bytes > 6 * MB
    assert entry.where == "Hugging Face cache" and Path(entry.path, "model_index.json").is_file()
    assert store.journal() == {}
    freed = store.remove(DIFFUSERS_ID)
    assert freed >= entry.size_bytes and store.entry(DIFFUSERS_ID).state == "absent"


def test_a_downloaded_model_opens_offline_as_the_local_backend_opens_it(store, hub):
    """The local backend resolves a repo by branch with the Hub unreachable: the download must leave the ref
    (refs/main) and the tree listing huggingface_hub keeps, not only the blobs and snapshot links."""
    from huggingface_hub import snapshot_download

    repo = hub.add_repo(DIFFUSERS_REPO, diffusers_repo(2))
    dl, rec = download(store, hub, DIFFUSERS_ID)
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    repo_dir = store.models_dir / f"models--{DIFFUSERS_REPO.replace('/', '--')}"
    assert (repo_dir / "refs" / "main").read_text() == repo.commit
    assert (repo_dir / "trees" / f"{repo.commit}.json").is_file()
    trees_before = len(hub.requests_to("tree"))
    hub.stop()  # offline from here on
    folder = snapshot_download(DIFFUSERS_REPO, cache_dir=store.models_dir, local_files_only=True)
    assert Path(folder, "transformer", "diffusion_pytorch_model.safetensors").is_file()
    assert trees_before == 1  # the closing snapshot_download read the stored listing instead of asking again


def test_sigkill_then_resume_refetches_at_most_one_chunk(store, hub):
    """A 40 MB file (four of huggingface_hub's 10 MB chunks) killed after its second chunk was reported."""
    files = diffusers_repo(40, parts=("transformer",))
    hub.add_repo(DIFFUSERS_REPO, files)
    total = sum(len(b) for b in files.values())
    hub.bytes_per_s = 20 * MB
    dl, rec = download(store, hub, DIFFUSERS_ID)
    blobs = store.models_dir / f"models--{DIFFUSERS_REPO.replace('/', '--')}" / "blobs"
    rec.wait_for(lambda r: r.stage == "downloading" and r.done_bytes >= 20 * MB)
    os.kill(dl.proc.pid, signal.SIGKILL)  # not a pause: the process dies as in a crash
    dl.wait(10)
    kept = sum(p.stat().st_size for p in blobs.glob("*.incomplete"))
    assert kept >= 10 * MB
    entry = store.entry(DIFFUSERS_ID)
    assert entry.state == "partial" and entry.paused and entry.partial_bytes == kept
    hub.bytes_per_s = None
    dl, rec = download(ModelStore(store.models_dir, journal=store.journal_path), hub, DIFFUSERS_ID)  # a restart
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    refetched = hub.served_bytes(DIFFUSERS_REPO) - total
    # what was lost: the chunk being assembled when the process died, plus what sat in the socket buffers
    assert 0 <= refetched <= 10 * MB + 4 * MB, refetched
    assert store.entry(DIFFUSERS_ID).state == "downloaded"


def test_pause_keeps_bytes_cancel_throws_them_away(store, hub):
    hub.add_repo(DIFFUSERS_REPO, diffusers_repo(24, parts=("transformer",)))
    hub.bytes_per_s = 12 * MB
    dl, rec = download(store, hub, DIFFUSERS_ID)
    rec.wait_for(lambda r: r.stage == "downloading" and r.done_bytes >= 10 * MB)
    dl.pause()
    assert rec.wait_for(lambda r: r.stage == "paused").done_bytes >= 10 * MB
    assert store.journal()[DIFFUSERS_ID]["state"] == "paused"
    dl, rec = download(store, hub, DIFFUSERS_ID)
    rec.wait_for(lambda r: r.stage == "downloading")
    dl.cancel()
    assert rec.wait_for(lambda r: r.stage == "cancelled")
    assert store.journal() == {}
    assert scan_cache(store.models_dir)[DIFFUSERS_REPO].partial_bytes == 0


def test_disk_space_is_checked_before_any_byte(store, hub):
    hub.add_repo(DIFFUSERS_REPO, diffusers_repo(1), claimed_size=1024**5)  # the Hub announces a petabyte
    dl, rec = download(store, hub, DIFFUSERS_ID)
    failed = rec.wait_for(lambda r: r.stage in ("done", "failed"))
    assert failed.stage == "failed" and "GB more" in failed.message and "GB free" in failed.message
    assert "models folder" in failed.hint
    assert hub.served_bytes(DIFFUSERS_REPO) < 1024  # model_index.json only
    assert store.entry(DIFFUSERS_ID).state in ("absent", "partial")


def test_missing_repo_and_404_say_so(store, hub):
    dl, rec = download(store, hub, DIFFUSERS_ID)
    failed = rec.wait_for(lambda r: r.stage in ("done", "failed"))
    assert failed.stage == "failed" and "not found on the Hub" in failed.message
    hub.add_repo(DIFFUSERS_REPO, diffusers_repo(1))
    hub.faults.add("resolve", Fault.http(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"}))
    dl, rec = download(store, hub, DIFFUSERS_ID)
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "failed"


def test_dropped_connection_is_resumed_by_huggingface_hub(store, hub):
    files = diffusers_repo(4, parts=("transformer",))
    hub.add_repo(DIFFUSERS_REPO, files)
    hub.faults.add("resolve", Fault.cut(0.5), times=1)
    dl, rec = download(store, hub, DIFFUSERS_ID)
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    assert ("resolve", "cut") in hub.faults.applied
    assert store.entry(DIFFUSERS_ID).state == "downloaded"


def test_single_file_in_a_comfyui_tree_is_used_in_place(tmp_path, hub):
    comfy = tmp_path / "ComfyUI"
    (comfy / "models" / "checkpoints").mkdir(parents=True)
    (comfy / "models" / "checkpoints" / SINGLE_FILE).write_bytes(b"\0" * 4096)
    store = ModelStore(tmp_path / "hub", [comfy], journal=tmp_path / "downloads.json")
    assert store.entry(SINGLE_ID).state == "partial"  # the file, not yet the config repo's text encoder
    hub.add_repo(CONFIG_REPO, diffusers_repo(3))
    hub.add_repo(SINGLE_REPO, {SINGLE_FILE: b"must not be fetched"})
    dl, rec = download(store, hub, SINGLE_ID)
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    assert hub.served_bytes(SINGLE_REPO) == 0
    snapshot = next((tmp_path / "hub" / f"models--{CONFIG_REPO.replace('/', '--')}" / "snapshots").iterdir())
    assert (snapshot / "transformer" / "config.json").is_file()
    assert not (snapshot / "transformer" / "diffusion_pytorch_model.safetensors").exists()  # the file has it
    entry = store.entry(SINGLE_ID)
    assert entry.state == "downloaded" and entry.where == "ComfyUI" and entry.path.endswith(SINGLE_FILE)
    with pytest.raises(ModelStoreError, match="in place"):
        store.remove(SINGLE_ID)


def test_single_file_from_the_hub_and_its_removal_alone(store, hub):
    hub.add_repo(CONFIG_REPO, diffusers_repo(2))
    hub.add_repo(SINGLE_REPO, {SINGLE_FILE: os.urandom(2 * MB), "other-model.safetensors": b"x" * 100})
    dl, rec = download(store, hub, SINGLE_ID)
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    assert hub.served_bytes(SINGLE_REPO) == 2 * MB  # one file of the repo, not the whole repo
    assert store.entry(SINGLE_ID).state == "downloaded"
    assert store.remove(SINGLE_ID) >= 2 * MB
    assert store.entry(SINGLE_ID).state != "downloaded"


def test_in_use_and_partial_from_a_broken_snapshot(store, hub):
    hub.add_repo(DIFFUSERS_REPO, diffusers_repo(1))
    dl, rec = download(store, hub, DIFFUSERS_ID)
    assert rec.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    store.in_use.add(DIFFUSERS_ID)
    assert store.entry(DIFFUSERS_ID).state == "in_use"
    with pytest.raises(ModelStoreError, match="in use"):
        store.remove(DIFFUSERS_ID)
    store.in_use.clear()
    snapshot = Path(store.entry(DIFFUSERS_ID).path)
    (snapshot / "vae" / "diffusion_pytorch_model.safetensors").unlink()  # a file gone from the snapshot
    assert store.entry(DIFFUSERS_ID).state == "partial"


def test_fit_verdicts_against_fake_gpus(store, monkeypatch):
    fake_bin = Path(__file__).resolve().parents[1] / "fakes" / "bin"
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NVIDIA_SMI", "one8")
    small = {e.model_id: e for e in store.scan(hardware.probe(store.models_dir, refresh=True))}
    assert small[DIFFUSERS_ID].fits and small[DIFFUSERS_ID].precision == "bf16"
    big = next(e for e in small.values() if e.vram_gb > 40)
    assert not big.fits and "this GPU has 8" in big.verdict
    monkeypatch.setenv("FAKE_NVIDIA_SMI", "none")
    none = store.entry(DIFFUSERS_ID, hardware.probe(store.models_dir, refresh=True))
    assert not none.fits and "no GPU" in none.verdict


def test_journal_survives_garbage(store):
    store.journal_path.parent.mkdir(parents=True, exist_ok=True)
    store.journal_path.write_text("{not json")
    assert store.journal() == {}
    store.note_download(DIFFUSERS_ID, state="paused")
    assert json.loads(store.journal_path.read_text())[DIFFUSERS_ID]["state"] == "paused"
    assert store.entry(DIFFUSERS_ID).state == "partial"


def test_cancelling_a_paused_download_after_a_restart(store, hub):
    hub.add_repo(DIFFUSERS_REPO, diffusers_repo(40, parts=("transformer",)))
    hub.bytes_per_s = 12 * MB
    dl, rec = download(store, hub, DIFFUSERS_ID)
    # huggingface_hub counts a 10 MB chunk before writing it: at 20 MB counted, the first 10 MB are on disk
    rec.wait_for(lambda r: r.stage == "downloading" and r.done_bytes >= 20 * MB)
    dl.pause()
    rec.wait_for(lambda r: r.stage == "paused")
    later = ModelStore(store.models_dir, journal=store.journal_path)  # the editor restarted
    assert later.entry(DIFFUSERS_ID).paused and later.entry(DIFFUSERS_ID).partial_bytes > 0
    later.discard_partial(DIFFUSERS_ID)
    entry = later.entry(DIFFUSERS_ID)
    assert not entry.paused and entry.partial_bytes == 0 and later.journal() == {}


def test_the_fake_hub_answers_head_with_headers_only(hub):
    """A HEAD answer carries no body, a 404 or an injected fault included: on a keep-alive connection the
    client would read such a body as the start of its next response."""
    import http.client
    from urllib.parse import urlparse

    repo = hub.add_repo(DIFFUSERS_REPO, diffusers_repo(1))
    hub.faults.add("head", Fault.http(500))
    conn = http.client.HTTPConnection(urlparse(hub.base_url).netloc, timeout=10)
    try:
        for path, status in ((f"/{DIFFUSERS_REPO}/resolve/main/nope.json", 500),  # the injected fault
                             (f"/{DIFFUSERS_REPO}/resolve/main/nope.json", 404),
                             (f"/{DIFFUSERS_REPO}/resolve/main/model_index.json", 200)):
            conn.request("HEAD", path)
            resp = conn.getresponse()
            assert resp.status == status and resp.read() == b""
            assert int(resp.headers["Content-Length"]) > 0  # what a GET would have sent
        conn.request("GET", f"/{DIFFUSERS_REPO}/resolve/main/model_index.json")  # same connection, still in step
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == repo.files["model_index.json"].data
    finally:
        conn.close()


def test_the_download_child_exits_when_the_editor_is_killed(store, hub, tmp_path):
    """No orphan keeps working for an editor that is gone (and later appends to a file the next editor's download
    resumes): the child is kept silent, waiting for huggingface_hub's lock on its blob (as when another program
    of this cache fetches it), so a broken stdout pipe cannot be what stops it."""
    import subprocess
    import sys
    import time

    from huggingface_hub.utils import WeakFileLock

    repo = hub.add_repo(DIFFUSERS_REPO, diffusers_repo(4, parts=("transformer",)))
    etag = repo.files["transformer/diffusion_pytorch_model.safetensors"].etag
    lock = store.models_dir / ".locks" / f"models--{DIFFUSERS_REPO.replace('/', '--')}" / f"{etag}.lock"
    lock.parent.mkdir(parents=True)
    with WeakFileLock(lock):  # someone else is fetching this blob
        editor = subprocess.Popen([sys.executable, "-c", """
import sys, threading
from ltx_editor.generation.model_store import Download, ModelStore
planned = threading.Event()
report = lambda p: p.stage == "planning" and p.total_bytes and planned.set()
dl = Download(ModelStore(sys.argv[1], journal=sys.argv[2]), sys.argv[3], report, endpoint=sys.argv[4]).start()
planned.wait(60)
print(dl.proc.pid, flush=True)
threading.Event().wait()
""", str(store.models_dir), str(store.journal_path), DIFFUSERS_ID, hub.base_url],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
        child = int(editor.stdout.readline())
        try:
            assert alive(child)
            editor.kill()  # SIGKILL: the editor cleans nothing up
            editor.wait(10)
            deadline = time.monotonic() + 10
            while alive(child) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not alive(child)
        finally:
            editor.kill()
            editor.wait(10)
            if alive(child):
                os.kill(child, signal.SIGKILL)
    assert hub.served_bytes(DIFFUSERS_REPO) < len(repo.files["transformer/diffusion_pytorch_model.safetensors"].data)


def test_two_downloads_of_one_model_fetch_its_weights_once(store, hub):
    """huggingface_hub's per-blob lock: the second writer waits for the first and finds the blob (a second
    editor, diffusers or `hf download` on the same shared cache), never appending to the same file."""
    files = diffusers_repo(16, parts=("transformer",))
    hub.add_repo(DIFFUSERS_REPO, files)
    weights = len(files["transformer/diffusion_pytorch_model.safetensors"])
    hub.bytes_per_s = 2 * MB  # 8 s: the second starts while the first is still writing
    first, rec1 = download(store, hub, DIFFUSERS_ID)
    rec1.wait_for(lambda r: r.stage == "downloading" and r.done_bytes > MB)
    second, rec2 = download(ModelStore(store.models_dir, journal=store.journal_path), hub, DIFFUSERS_ID)
    rec2.wait_for(lambda r: r.stage == "planning" and r.total_bytes)
    assert first.running  # they overlap
    assert rec1.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    assert rec2.wait_for(lambda r: r.stage in ("done", "failed")).stage == "done"
    assert weights <= hub.served_bytes(DIFFUSERS_REPO) < 2 * weights
    assert store.entry(DIFFUSERS_ID).state == "downloaded"
