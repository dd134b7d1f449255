"""Downloads of generated results, by our own code (never the clients' helpers).

Streamed with httpx into a hidden temp file beside the destination, then os.replace'd into place, so a
reader never sees half a video. A dropped connection resumes with a Range request (or starts over when the
server ignores Range); retries are bounded with backoff; the size is capped; connect, read (longest silence)
and total time are limited, so a host that accepts and never answers, or trickles, ends in a retryable error. The request carries no
Authorization header: result URLs are public links on a file host, and an API key must never reach one.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

from .errors import Cancelled, DownloadError
from .request import CancelToken

DEFAULT_MAX_BYTES = 4 * 1024**3  # 4 GiB: a long 4K clip fits; a runaway stream does not
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}

ProgressFn = Callable[[int, int | None], None]  # (bytes so far, total or None)


@dataclass(frozen=True)
class DownloadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = 4  # attempts after the first
    backoff_s: float = 0.5  # doubled per retry, capped at backoff_max_s
    backoff_max_s: float = 8.0
    connect_timeout_s: float = 15.0
    read_timeout_s: float = 60.0  # longest silence mid-stream before the connection counts as dropped
    total_timeout_s: float = 3600.0  # the whole download, retries included (a trickle never ends otherwise)


def safe_filename(name: str, default: str = "download", max_len: int = 120) -> str:
    """A name that is safe in any folder: no path parts, no control or reserved characters, bounded length."""
    name = unquote(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", name).strip().strip(".")
    name = re.sub(r"\s+", "_", name)
    if not name or name in {".", ".."}:
        name = default
    if _RESERVED.match(name):  # Windows device names open the device, not a file, whatever the extension
        name = "_" + name
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8:
        return _clip_bytes(stem, max_len - len(ext.encode()) - 1) + "." + ext if stem else default + "." + ext
    return _clip_bytes(name, max_len)


_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$")


def _clip_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes (file systems count bytes: 120 emoji would be 480 of them)."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def url_filename(url: str, default: str = "result.mp4") -> str:
    return safe_filename(urlparse(url).path, default=default)


def _temp_for(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")


def _host(url: str) -> str:
    return urlparse(url).netloc or "the file host"


class _Dropped(Exception):
    """The connection ended before the whole body arrived (retry, resuming when the server allows it)."""


async def download_file(url: str, dest: str | Path, *, options: DownloadOptions | None = None,
                        progress: ProgressFn | None = None, cancel: CancelToken | None = None,
                        client: httpx.AsyncClient | None = None, service: str = "") -> Path:
    """Fetch `url` into `dest` atomically and return `dest`.

    Raises DownloadError (too large, gone, still failing after the retries, over the total time), or Cancelled.
    Whatever happens, no partial file is left behind. `client`, when given, must not carry an Authorization
    header. `service` names who produced the result in error messages ("fal.ai").
    """
    opts = options or DownloadOptions()
    dest = Path(dest)
    if url.startswith("data:"):
        return _write_data_uri(url, dest, opts)
    if urlparse(url).scheme not in ("http", "https"):
        raise DownloadError(f"The service returned an unusable result link ({urlparse(url).scheme or 'no'} scheme).",
                            hint="Retry the job; if it keeps happening, report it.")
    tmp = _temp_for(dest)
    who = f"{service}'s file host ({_host(url)})" if service else _host(url)
    own_client = client is None
    if client is None:
        client = httpx.AsyncClient(timeout=httpx.Timeout(opts.read_timeout_s, connect=opts.connect_timeout_s),
                                   follow_redirects=True)
    try:
        await asyncio.wait_for(_fetch(client, url, tmp, opts, progress, cancel, who), opts.total_timeout_s)
        os.replace(tmp, dest)
        return dest
    except asyncio.TimeoutError:
        raise DownloadError(f"Downloading the result from {who} did not finish within {opts.total_timeout_s:g} s.",
                            hint="Check your connection and retry the job.") from None
    except OSError as exc:  # our disk, not the network: full, over a file-size limit, read-only
        raise _disk_error(dest, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
        if own_client:
            await client.aclose()


def _disk_error(dest: Path, exc: OSError) -> DownloadError:
    return DownloadError(f"Could not save the result in {dest.parent}: {exc.strerror or exc}.",
                         hint="Free some disk space or move the project to another disk, then retry the job.")


async def _fetch(client: httpx.AsyncClient, url: str, tmp: Path, opts: DownloadOptions,
                 progress: ProgressFn | None, cancel: CancelToken | None, who: str) -> None:
    with open(tmp, "wb") as fh:
        flusher = _Flusher(fh)
        try:
            await _retrying(client, url, fh, flusher, opts, progress, cancel, who)
        finally:
            await flusher.drain()  # never close the file under a flush still running in a thread


async def _retrying(client: httpx.AsyncClient, url: str, fh, flusher: _Flusher, opts: DownloadOptions,
                    progress: ProgressFn | None, cancel: CancelToken | None, who: str) -> None:
    attempt, last_problem = 0, ""
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            if await _attempt(client, url, fh, flusher, opts, progress, cancel):
                await flusher.drain()
                fh.flush()
                os.fsync(fh.fileno())  # little left to write: the flusher kept the disk busy meanwhile
                return
        except _Dropped as exc:
            last_problem = str(exc)
        except httpx.TimeoutException:
            last_problem = "the connection stalled"
        except (httpx.RemoteProtocolError, httpx.ReadError):
            last_problem = "the connection dropped mid-download"
        except httpx.ConnectError:
            last_problem = "could not connect to the file host"
        except httpx.TransportError as exc:
            last_problem = f"the connection failed ({type(exc).__name__})"
        attempt += 1
        if attempt > opts.retries:
            raise DownloadError(f"Downloading the result from {who} failed: {last_problem}.",
                                hint="Check your connection and retry the job.")
        await cancellable_sleep(min(opts.backoff_s * 2 ** (attempt - 1), opts.backoff_max_s), cancel)


_DATASYNC = getattr(os, "fdatasync", os.fsync)  # macOS and Windows have no fdatasync


class _Flusher:
    """Writes the file back to disk in a worker thread every few MB while the download goes on, so the
    fsync that makes the finished file durable does not stall at the end (it would cost ~20% on loopback)."""

    EVERY = 4 * 1024 * 1024

    def __init__(self, fh) -> None:
        self._fh = fh
        self._pending = 0
        self._task: asyncio.Future | None = None

    def wrote(self, n: int) -> None:
        self._pending += n
        if self._pending >= self.EVERY and (self._task is None or self._task.done()):
            self._pending = 0
            self._fh.flush()
            self._task = asyncio.get_running_loop().run_in_executor(None, _DATASYNC, self._fh.fileno())

    async def drain(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            with contextlib.suppress(OSError):  # the final fsync reports a real disk error
                await asyncio.shield(task)


async def cancellable_sleep(seconds: float, cancel: CancelToken | None) -> None:
    """Sleep, waking early (and raising Cancelled) when the job is cancelled."""
    end = asyncio.get_running_loop().time() + seconds
    while (left := end - asyncio.get_running_loop().time()) > 0:
        if cancel is not None:
            cancel.raise_if_cancelled()
        await asyncio.sleep(min(left, 0.1))


async def _attempt(client: httpx.AsyncClient, url: str, fh, flusher: _Flusher, opts: DownloadOptions,
                   progress: ProgressFn | None, cancel: CancelToken | None) -> bool:
    """One request; True when the file is complete. Raises _Dropped for a retryable failure."""
    have = fh.tell()
    # identity encoding: byte offsets must mean file offsets for Range to resume correctly
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
    async with client.stream("GET", url, headers=headers) as resp:
        status = resp.status_code
        if status == 416 and have:  # we already hold every byte the server has
            return True
        if status in _RETRY_STATUS:
            raise _Dropped(f"{_host(url)} answered {status}")
        if status >= 400:
            raise DownloadError(
                f"The result could not be downloaded from {_host(url)} (HTTP {status}): "
                f"{'the link has expired or is not allowed' if status in (401, 403, 404, 410) else 'the server refused'}.",
                hint="Retry the job to generate a fresh result.")
        if have and status != 206:  # the server ignored Range: start over
            fh.seek(0)
            fh.truncate()
            have = 0
        total = _expected_total(resp, have)
        if total is not None and total > opts.max_bytes:
            raise DownloadError(f"The result is {total / 1e6:.0f} MB, over the {opts.max_bytes / 1e6:.0f} MB limit.",
                                hint="Generate a shorter or smaller clip.")
        got = have
        async for chunk in resp.aiter_raw():
            got += len(chunk)
            if got > opts.max_bytes:
                raise DownloadError(f"The result is over the {opts.max_bytes / 1e6:.0f} MB limit.",
                                    hint="Generate a shorter or smaller clip.")
            fh.write(chunk)
            flusher.wrote(len(chunk))
            if progress is not None:
                progress(got, total)
            if cancel is not None and cancel.cancelled:
                raise Cancelled("Generation cancelled.")
        if total is not None and got < total:
            raise _Dropped(f"the connection dropped at {got} of {total} bytes")
        return True


def _expected_total(resp: httpx.Response, have: int) -> int | None:
    if resp.status_code == 206:
        match = re.match(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", resp.headers.get("content-range", ""))
        if match and match.group(3) != "*":
            if int(match.group(1)) != have:
                raise _Dropped("the server resumed at the wrong offset")
            return int(match.group(3))
    length = resp.headers.get("content-length")
    if length and length.isdigit() and "content-encoding" not in resp.headers:
        return have + int(length) if resp.status_code == 206 else int(length)
    return None


def _write_data_uri(url: str, dest: Path, opts: DownloadOptions) -> Path:
    """Results returned inline (fal's sync_mode, Replicate's base64 outputs)."""
    header, _, payload = url.partition(",")
    try:
        data = base64.b64decode(payload, validate=False) if header.endswith(";base64") else unquote(payload).encode()
    except ValueError:
        raise DownloadError("The service returned a damaged inline result.", hint="Retry the job.") from None
    if len(data) > opts.max_bytes:
        raise DownloadError("The inline result is over the size limit.", hint="Generate a shorter clip.")
    tmp = _temp_for(dest)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        raise _disk_error(dest, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def looks_like_video(path: str | Path) -> bool:
    """True for MP4/MOV (an 'ftyp' box), WebM/MKV (EBML) or GIF headers — not an HTML error page."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    return head[4:8] == b"ftyp" or head[:4] == b"\x1aE\xdf\xa3" or head[:4] == b"GIF8"


__all__ = ["DownloadOptions", "cancellable_sleep", "download_file", "looks_like_video", "safe_filename", "url_filename"]
