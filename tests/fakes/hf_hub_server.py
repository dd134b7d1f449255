"""A loopback fake of the Hugging Face Hub, for the real `huggingface_hub` client pointed at it (endpoint=/HF_ENDPOINT).

It serves what `hf_hub_download` and `snapshot_download` ask for: the revision info
(`/api/models/{repo}/revision/{rev}`), the recursive tree (`/api/models/{repo}/tree/{rev}`), and files under
`/{repo}/resolve/{rev}/{path}` (HEAD with X-Repo-Commit / ETag / X-Linked-Size, GET with Range). Weights
(.safetensors, .bin) are served as LFS files (ETag = sha256), the rest as git blobs (ETag = git sha1), as the
Hub does, so the client lays out its cache exactly as it would for huggingface.co.

Faults, on top of LoopbackServer's per-route queue (route "resolve" = file GETs, "head", "tree", "revision"):
- slow: `server.bytes_per_s = N` throttles every file body;
- dropped: `server.faults.add("resolve", Fault.cut(0.3))` closes the connection part-way;
- 404: `server.faults.add("resolve", Fault.http(404))`, or a repo / file that does not exist;
- disk full: `add_repo(..., claimed_size=N)` makes the Hub announce files bigger than any disk, so a client's
  disk-space check must refuse before a byte is written.

    python -m tests.fakes.hf_hub_server --repo org/name --mb 100    # serve until Ctrl-C (benchmarks, children)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.http_fault import Fault, LoopbackServer, Request, Response

LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".ckpt", ".pth")

__all__ = ["Fault", "FakeHub", "HubFile", "HubRepo", "diffusers_repo"]


def _git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class HubFile:
    path: str
    data: bytes
    claimed_size: int | None = None  # announced instead of len(data) (the "disk full" fault)

    @property
    def lfs(self) -> bool:
        return self.path.endswith(LFS_SUFFIXES)

    @property
    def size(self) -> int:
        return self.claimed_size if self.claimed_size is not None else len(self.data)

    # Hashed once, as the Hub stores them: hashing 100 MB per request made the fake, not the client, the
    # bottleneck of every tree listing and file GET (and of the download benchmark).
    @cached_property
    def etag(self) -> str:
        return hashlib.sha256(self.data).hexdigest() if self.lfs else self.oid

    @cached_property
    def oid(self) -> str:
        """The git blob id (the tree listing's `oid`)."""
        return _git_sha1(self.data)


@dataclass
class HubRepo:
    repo_id: str
    commit: str
    files: dict[str, HubFile] = field(default_factory=dict)


def diffusers_repo(megabytes: float = 1.0, parts: tuple[str, ...] = ("transformer", "vae", "text_encoder"),
                   seed: int = 0) -> dict[str, bytes]:
    """Files shaped like a diffusers repo: model_index.json, a config and one weights file per part."""
    rng = hashlib.sha256(str(seed).encode()).digest()
    weight = int(megabytes * 1024 * 1024 / max(1, len(parts)))
    block = (rng * (1 + 65536 // len(rng)))[:65536]
    files = {"model_index.json": json.dumps({"_class_name": "LTXPipeline", "_diffusers_version": "0.42.1",
                                             **{p: ["diffusers", "X"] for p in parts}}).encode()}
    for i, part in enumerate(parts):
        files[f"{part}/config.json"] = json.dumps({"part": part, "seed": seed}).encode()
        body = (block * (weight // len(block) + 1))[:weight]
        files[f"{part}/diffusion_pytorch_model.safetensors"] = bytes([i % 256]) + body[1:]
    return files


class FakeHub(LoopbackServer):
    def __init__(self) -> None:
        self._served: list[tuple[str, int]] = []  # (repo, body bytes) per file GET
        super().__init__()
        self.repos: dict[str, HubRepo] = {}
        self.bytes_per_s: float | None = None  # the "slow" fault: throttle file bodies
        self.file_chunk = 1024 * 1024
        repo = r"(?P<repo>[^/]+/[^/]+)"
        self.route("GET", rf"/api/models/{repo}/revision/(?P<rev>[^/]+)", "revision", self._revision)
        self.route("GET", rf"/api/models/{repo}/tree/(?P<rev>[^/]+)(?:/(?P<sub>.*))?", "tree", self._tree)
        self.route("HEAD", rf"/{repo}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "head", self._resolve)
        self.route("GET", rf"/{repo}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "resolve", self._resolve)
        owner = self
        self._httpd.RequestHandlerClass.do_HEAD = lambda h: owner._dispatch(h, "HEAD")

    # -- content -------------------------------------------------------------------------------------------
    def add_repo(self, repo_id: str, files: dict[str, bytes], *, claimed_size: int | None = None) -> HubRepo:
        """Publish a repo (a new commit each time). `claimed_size` announces every weights file at that size."""
        digest = hashlib.sha1(f"{repo_id}{sorted(files)}{time.time_ns()}".encode())
        repo = HubRepo(repo_id, digest.hexdigest())
        for path, data in files.items():
            f = HubFile(path, data)
            if claimed_size is not None and f.lfs:
                f.claimed_size = claimed_size
            _ = f.etag, f.oid  # hashed at publish time, as on the Hub, not inside a timed request
            repo.files[path] = f
        with self._lock:
            self.repos[repo_id] = repo
        return repo

    def _count(self, h: BaseHTTPRequestHandler, n: int) -> None:
        if h.command == "GET" and "/resolve/" in h.path:
            with self._lock:
                self._served.append(("/".join(h.path.split("/")[1:3]), n))

    def served_bytes(self, repo_id: str | None = None) -> int:
        """File body bytes written to sockets so far (a resume must not fetch a file again)."""
        with self._lock:
            return sum(n for rid, n in self._served if repo_id is None or rid == repo_id)

    def _repo(self, req: Request) -> HubRepo | None:
        repo = self.repos.get(req.match["repo"])
        if repo is None or req.match["rev"] not in ("main", repo.commit):
            return None
        return repo

    @staticmethod
    def _missing(what: str) -> Response:
        return Response(404, {"error": f"{what} not found"}, {"X-Error-Code": "RepoNotFound"})

    def _revision(self, req: Request) -> Response:
        repo = self._repo(req)
        if repo is None:
            return self._missing("Repository")
        return Response(200, {"id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.commit, "private": False,
                              "gated": False, "disabled": False, "tags": [],
                              "siblings": [{"rfilename": p} for p in repo.files]})

    def _tree(self, req: Request) -> Response:
        repo = self._repo(req)
        if repo is None:
            return self._missing("Repository")
        sub = (req.match.get("sub") or "").strip("/")
        rows: list[dict[str, Any]] = []
        folders = sorted({p.rsplit("/", 1)[0] for p in repo.files if "/" in p})
        rows += [{"type": "directory", "oid": _git_sha1(d.encode()), "path": d} for d in folders
                 if not sub or d.startswith(sub + "/")]
        for f in repo.files.values():
            if sub and not f.path.startswith(sub + "/"):
                continue
            row: dict[str, Any] = {"type": "file", "oid": f.oid, "size": f.size, "path": f.path}
            if f.lfs:
                row["lfs"] = {"oid": f.etag, "size": f.size, "pointerSize": 134}
            rows.append(row)
        return Response(200, rows)

    def _resolve(self, req: Request) -> Response:
        repo = self._repo(req)
        if repo is None:
            return self._missing("Repository")
        f = repo.files.get(req.match["path"])
        if f is None:
            return Response(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound",
                                                                  "X-Repo-Commit": repo.commit})
        headers = {"X-Repo-Commit": repo.commit, "ETag": f'"{f.etag}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        if f.lfs:
            headers |= {"X-Linked-Etag": f'"{f.etag}"', "X-Linked-Size": str(f.size)}
        if req.method == "HEAD":
            return Response(200, _HeadBody(f.size), headers)
        match = re.match(r"bytes=(\d+)-(\d*)$", req.headers.get("range", ""))
        data = f.data
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else len(data) - 1
            if start >= len(data):
                return Response(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            body = data[start:end + 1]
            status = 206
        else:
            body, status = data, 200
        return Response(status, body, headers)

    # -- sending: HEAD has no body; file bodies may be throttled ----------------------------------------------
    def _send(self, h: BaseHTTPRequestHandler, resp: Response, cut: float | None = None) -> None:
        if h.command == "HEAD":  # any answer to a HEAD (200, 404, an injected fault): headers only (RFC 9110 9.3.2)
            return self._send_head(h, resp)
        rate = self.bytes_per_s  # read once: a test may lift the throttle mid-stream
        if rate and isinstance(resp.body, bytes) and len(resp.body) > 4096:
            return self._send_slowly(h, resp, cut, rate)
        super()._send(h, resp, cut)
        if isinstance(resp.body, bytes):
            self._count(h, len(resp.body) if cut is None else int(len(resp.body) * cut))

    @staticmethod
    def _send_head(h: BaseHTTPRequestHandler, resp: Response) -> None:
        """The headers a GET would have sent, Content-Length included, and no body: a body after a HEAD answer
        would be read by a keep-alive client as the start of its next response."""
        body, headers = resp.body, dict(resp.headers)
        if isinstance(body, _HeadBody):
            size = body.size
        else:
            if isinstance(body, dict | list):
                body = json.dumps(body).encode()
                headers.setdefault("Content-Type", "application/json")
            size = len(body.encode() if isinstance(body, str) else body or b"")
        try:
            h.send_response(resp.status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(size))
            h.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def _send_slowly(self, h: BaseHTTPRequestHandler, resp: Response, cut: float | None, rate: float) -> None:
        body = resp.body
        stop = len(body) if cut is None else int(len(body) * cut)
        step = max(1024, int(rate / 20))
        try:
            h.send_response(resp.status)
            for k, v in resp.headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            for start in range(0, stop, step):
                piece = body[start:min(stop, start + step)]
                h.wfile.write(piece)
                h.wfile.flush()
                self._count(h, len(piece))
                time.sleep(step / rate)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True
            return
        if cut is not None:
            self._drop(h)


class _HeadBody:
    def __init__(self, size: int) -> None:
        self.size = size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", default=[], help="org/name to publish (repeatable)")
    parser.add_argument("--mb", type=float, default=4.0, help="weights per repo, in MB")
    parser.add_argument("--bytes-per-s", type=float, default=None)
    args = parser.parse_args()
    hub = FakeHub().start()
    hub.bytes_per_s = args.bytes_per_s
    for i, repo in enumerate(args.repo or ["Lightricks/LTX-Video-0.9.8-2B-distilled"]):
        hub.add_repo(repo, diffusers_repo(args.mb, seed=i))
    print(hub.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        hub.stop()


if __name__ == "__main__":
    main()
