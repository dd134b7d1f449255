"""Bench: the model store's figures, 5 runs each, min / median / max, each against a baseline timed in the same run.

1. Scanning a Hugging Face cache of 50 models (target ≤ 100 ms): scan_cache + each repo's completeness check,
   and ModelStore.scan() on that cache; baseline: huggingface_hub.scan_cache_dir on the same folder.
2. Download throughput on the fake Hub (target ≥ 0.9x): our Download (a child process running huggingface_hub
   with the resumable pre-fetch, progress reports included) against huggingface_hub.snapshot_download called
   in-process, each into a fresh cache, alternating.
3. Resume after SIGKILL (target: re-fetch ≤ one 10 MB chunk): the download child is killed after 20 MB of a
   40 MB file, restarted, and the bytes the fake Hub sent beyond the repo's size are counted.

    python tests/bench/bench_model_store.py [--mb 256]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "0"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from ltx_editor.generation.model_store import Download, ModelStore, Source, scan_cache, source_on_disk  # noqa: E402
from tests.fakes.hf_hub_server import FakeHub, diffusers_repo  # noqa: E402

RUNS = 5
MB = 1024 * 1024
MODEL, REPO = "ltxv-2b-0.9.5", "Lightricks/LTX-Video-0.9.5"


def stats(label: str, values: list[float], unit: str) -> float:
    med = statistics.median(values)
    print(f"{label:<52} min {min(values):9.2f}  median {med:9.2f}  max {max(values):9.2f} {unit}")
    return med


def fake_cache(root: Path, n: int) -> None:
    """n repos laid out as huggingface_hub lays them out (blobs, snapshot links, refs, the tree listing)."""
    for i in range(n):
        repo = root / f"models--org{i}--model{i}"
        commit = f"{i:040x}"
        files = {"model_index.json": json.dumps({"_class_name": "LTXPipeline", "transformer": ["d", "T"],
                                                 "vae": ["d", "V"], "text_encoder": ["t", "E"],
                                                 "tokenizer": ["t", "K"], "scheduler": ["d", "S"]}).encode()}
        for part in ("transformer", "vae", "text_encoder", "tokenizer", "scheduler"):
            files[f"{part}/config.json"] = b"{}"
            files[f"{part}/diffusion_pytorch_model.safetensors"] = os.urandom(256)
        (repo / "blobs").mkdir(parents=True)
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text(commit)
        tree = {}
        for j, (path, data) in enumerate(files.items()):
            blob = f"{i:020x}{j:020x}"
            (repo / "blobs" / blob).write_bytes(data)
            link = repo / "snapshots" / commit / path
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(os.path.relpath(repo / "blobs" / blob, link.parent))
            tree[path] = {"size": len(data), "blob_id": blob}
        (repo / "trees").mkdir()
        (repo / "trees" / f"{commit}.json").write_text(json.dumps({"format_version": 1, "files": tree}))


def bench_scan() -> None:
    from huggingface_hub import scan_cache_dir

    root = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    try:
        fake_cache(root, 50)
        ours, store_scan, theirs = [], [], []
        store = ModelStore(root, journal=root / "journal.json")
        for _ in range(RUNS):
            t = time.perf_counter()
            repos = scan_cache(root)
            complete = [source_on_disk(Source(rid), repo).complete for rid, repo in repos.items()]
            ours.append((time.perf_counter() - t) * 1000)
            assert len(repos) == 50 and all(complete)
            t = time.perf_counter()
            store.scan()
            store_scan.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            info = scan_cache_dir(root)
            theirs.append((time.perf_counter() - t) * 1000)
            assert len(info.repos) == 50
        med = stats("scan 50 repos + completeness (ours)", ours, "ms")
        stats("ModelStore.scan() on that cache (catalog)", store_scan, "ms")
        base = stats("baseline: huggingface_hub.scan_cache_dir", theirs, "ms")
        print(f"  ratio ours/baseline {med / base:.2f}; target ≤ 100 ms: {'PASS' if med <= 100 else 'FAIL'}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _ours(hub: FakeHub, cache: Path) -> float:
    done = threading.Event()
    last = []

    def report(p):
        last[:] = [p]
        if p.stage in ("done", "failed", "paused", "cancelled"):
            done.set()

    t = time.perf_counter()
    Download(ModelStore(cache, journal=cache / "journal.json"), MODEL, report, endpoint=hub.base_url).start()
    done.wait(600)
    took = time.perf_counter() - t
    assert last and last[0].stage == "done", last
    return took


def _theirs(hub: FakeHub, cache: Path) -> float:
    from huggingface_hub import snapshot_download

    t = time.perf_counter()
    snapshot_download(REPO, cache_dir=cache, endpoint=hub.base_url)
    return time.perf_counter() - t


def bench_throughput(mb: float) -> None:
    files = diffusers_repo(mb, parts=("transformer", "vae", "text_encoder", "tokenizer"))
    size = sum(len(b) for b in files.values())
    ours, theirs = [], []
    with FakeHub() as hub:
        hub.add_repo(REPO, files)
        for _ in range(RUNS):
            for fn, out in ((_ours, ours), (_theirs, theirs)):
                cache = Path(tempfile.mkdtemp(prefix="bench-dl-"))
                try:
                    out.append(size / MB / fn(hub, cache))
                finally:
                    shutil.rmtree(cache, ignore_errors=True)
    med = stats(f"download {size / MB:.0f} MB, ours (child + progress)", ours, "MB/s")
    base = stats("baseline: snapshot_download in-process", theirs, "MB/s")
    print(f"  ratio ours/baseline {med / base:.2f} (min {min(ours) / max(theirs):.2f}); target ≥ 0.9: "
          f"{'PASS' if med / base >= 0.9 else 'FAIL'}")


def bench_resume() -> None:
    files = diffusers_repo(40, parts=("transformer",))
    size = sum(len(b) for b in files.values())
    refetched = []
    with FakeHub() as hub:
        for _ in range(RUNS):
            hub.add_repo(REPO, files)
            cache = Path(tempfile.mkdtemp(prefix="bench-resume-"))
            try:
                store = ModelStore(cache, journal=cache / "journal.json")
                before = hub.served_bytes(REPO)
                hub.bytes_per_s = 20 * MB
                reached = threading.Event()
                finished = threading.Event()

                def report(p, reached=reached, finished=finished):
                    if p.stage == "downloading" and p.done_bytes >= 20 * MB:
                        reached.set()
                    if p.stage in ("done", "failed"):
                        finished.set()

                dl = Download(store, MODEL, report, endpoint=hub.base_url).start()
                assert reached.wait(120)
                os.kill(dl.proc.pid, signal.SIGKILL)
                dl.wait(10)
                hub.bytes_per_s = None
                Download(store, MODEL, report, endpoint=hub.base_url).start()
                assert finished.wait(120)
                refetched.append((hub.served_bytes(REPO) - before - size) / MB)
            finally:
                shutil.rmtree(cache, ignore_errors=True)
    stats("resume after SIGKILL at 20 of 40 MB: re-fetched", refetched, "MB")
    print(f"  chunk = 10 MB (huggingface_hub DOWNLOAD_CHUNK_SIZE); max {max(refetched):.2f} MB: "
          f"{'PASS' if max(refetched) <= 10 else 'FAIL'}; baseline (huggingface_hub alone after a kill): "
          f"{size / MB:.0f} MB, the whole file again (its temporary file is per process)")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--mb", type=float, default=256, help="size of the repo for the throughput figure")
    p.add_argument("--only", choices=["scan", "throughput", "resume"])
    args = p.parse_args()
    if args.only in (None, "scan"):
        bench_scan()
    if args.only in (None, "throughput"):
        bench_throughput(args.mb)
    if args.only in (None, "resume"):
        bench_resume()
    return 0


if __name__ == "__main__":
    sys.exit(main())
