"""Cloud figures on the loopback fakes, each printed with a ratio against a baseline measured in the same run.

1. HTTP requests per job for a 20 s job (queue + run), counted at the fake server: our providers (poll about
   once a second) vs the clients' own waiting loops (fal_client's handle.get() polls every 0.1 s;
   replicate's Prediction.async_wait() every 0.5 s). Target: <= 30 requests per job.
2. Download of a 50 MB result over loopback: our download_file (temp file, Range resume, size cap, fsync,
   atomic rename) vs a bare httpx streamed copy of the same file. Target: >= 0.8x the bare throughput.

    .venv/bin/python tests/bench/bench_cloud.py [--job-s 20] [--mb 50] [--rounds 5]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import fal_client  # noqa: E402
import fal_client.client as fc  # noqa: E402
import httpx  # noqa: E402
import replicate  # noqa: E402

from ltx_editor.core.settings import GenerationSettings  # noqa: E402
from ltx_editor.generation.download import download_file  # noqa: E402
from ltx_editor.generation.request import CancelToken, GenerationRequest  # noqa: E402
from tests.fakes.fal_server import FakeFalServer  # noqa: E402
from tests.fakes.http_fault import LoopbackServer, fake_mp4  # noqa: E402
from tests.fakes.replicate_server import FakeReplicateServer  # noqa: E402


def _point_fal_at(server: FakeFalServer) -> None:
    fc.QUEUE_URL_FORMAT = f"{server.base_url}/queue/"
    fc.RUN_URL_FORMAT = f"{server.base_url}/run/"
    fc.REST_URL = f"{server.base_url}/rest"
    fc.CDN_URL = f"{server.base_url}/cdn"


def _request(backend: str) -> GenerationRequest:
    return GenerationRequest(backend=backend, prompt="a harbour at dawn",
                             settings=GenerationSettings(model_id="ltxv-13b-0.9.7-distilled", seed=1, duration_s=2))


async def _ours(server, out: Path) -> None:
    provider = server.provider(poll_interval_s=1.0)  # the shipped default
    try:
        await provider.generate(_request(provider.backend), out, lambda _e: None, CancelToken())
    finally:
        await provider.close()


async def _fal_client_default(server: FakeFalServer) -> None:
    client = fal_client.AsyncClient(key=server.key)
    handle = await client.submit("fal-ai/ltx-video-13b-distilled", {"prompt": "a harbour at dawn"})
    data = await handle.get()  # the client's own wait: status every 0.1 s
    async with httpx.AsyncClient() as http:
        (await http.get(data["video"]["url"])).raise_for_status()


async def _replicate_client_default(server: FakeReplicateServer) -> None:
    client = replicate.Client(api_token=server.token, base_url=server.base_url)
    prediction = await client.models.predictions.async_create(model="lightricks/ltx-video-0.9.7-distilled",
                                                              input={"prompt": "a harbour at dawn"})
    await prediction.async_wait()  # the client's own wait: every client.poll_interval (0.5 s)
    async with httpx.AsyncClient() as http:
        (await http.get(prediction.output)).raise_for_status()


def _fal_requests(server: FakeFalServer, request_id: str) -> int:
    """Requests one fal job made: its submit plus every call naming its request id (status, result, file)."""
    return 1 + sum(1 for r in server.requests if request_id in r.path)


def bench_requests(job_s: float) -> bool:
    queue_s = min(2.0, job_s / 10)
    # fal_client reads its hosts from module constants, so both fal jobs share one fake (split by request id)
    fal, rep_ours, rep_client = FakeFalServer(), FakeReplicateServer(), FakeReplicateServer()
    for server in (fal, rep_ours, rep_client):
        server.queue_s, server.run_s = queue_s, job_s - queue_s
        server.start()
    _point_fal_at(fal)
    fal.validate = False  # the baseline sends only a prompt
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()

        async def main():
            await asyncio.gather(_ours(fal, Path(tmp)), _fal_client_default(fal), _ours(rep_ours, Path(tmp)),
                                 _replicate_client_default(rep_client))

        asyncio.run(main())
        wall = time.perf_counter() - t0
    ours_id = next(rid for rid, job in fal.jobs.items() if "seed" in job.arguments)  # ours always sends one
    client_id = next(rid for rid in fal.jobs if rid != ours_id)
    counts = {"fal ours": _fal_requests(fal, ours_id), "fal client": _fal_requests(fal, client_id),
              "replicate ours": len(rep_ours.requests), "replicate client": len(rep_client.requests)}
    for server in (fal, rep_ours, rep_client):
        server.stop()
    print(f"HTTP requests per {job_s:g} s job (all four jobs ran concurrently, {wall:.1f} s wall):")
    ok = True
    target = job_s + 10  # one poll a second, plus submit, result, download and slack: 30 for the 20 s job
    for service in ("fal", "replicate"):
        ours, base = counts[f"{service} ours"], counts[f"{service} client"]
        ok &= ours <= target
        print(f"  {service:<9} ours {ours:4d}   client default {base:4d}   ratio ours/client {ours / base:.2f}"
              f"   target <= {target:.0f}: {'ok' if ours <= target else 'MISSED'}")
    return ok


async def _bare_copy(url: str, dest: Path) -> None:
    async with httpx.AsyncClient() as client, client.stream("GET", url) as resp:
        resp.raise_for_status()
        with open(dest, "wb") as fh:
            async for chunk in resp.aiter_raw():
                fh.write(chunk)


def bench_download(mb: int, rounds: int) -> bool:
    size = mb * 1_000_000
    with LoopbackServer() as host, tempfile.TemporaryDirectory() as tmp:
        url = host.add_file("result.mp4", fake_mp4("bench", size))
        times: dict[str, list[float]] = {"bare httpx": [], "download_file": []}
        for i in range(rounds):
            for name in (("bare httpx", "download_file") if i % 2 == 0 else ("download_file", "bare httpx")):
                dest = Path(tmp) / f"{name.replace(' ', '_')}.mp4"
                t0 = time.perf_counter()
                if name == "bare httpx":
                    asyncio.run(_bare_copy(url, dest))
                else:
                    asyncio.run(download_file(url, dest))
                times[name].append(time.perf_counter() - t0)
                assert dest.stat().st_size == size
                os.unlink(dest)
    speed = {name: size / statistics.median(ts) / 1e6 for name, ts in times.items()}
    spread = {name: f"min/median/max {size / max(ts) / 1e6:.0f}/{size / statistics.median(ts) / 1e6:.0f}/"
                    f"{size / min(ts) / 1e6:.0f} MB/s" for name, ts in times.items()}
    ratio = speed["download_file"] / speed["bare httpx"]
    print(f"Download of {mb} MB over loopback ({rounds} rounds each, ratio of medians):")
    print(f"  bare httpx streamed copy {spread['bare httpx']}")
    print(f"  download_file            {spread['download_file']}   ratio {ratio:.2f}x   target >= 0.8x: "
          f"{'ok' if ratio >= 0.8 else 'MISSED'}")
    return ratio >= 0.8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job-s", type=float, default=20.0)
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ok = bench_download(args.mb, args.rounds)
    ok &= bench_requests(args.job_s)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
