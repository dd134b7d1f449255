"""Helpers both cloud providers share: error mapping, Retry-After parsing, progress from logs, clients per key."""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

from ..errors import BadCredentials, GenerationError, InvalidRequest, RateLimited, ServiceError
from ..provider import ProgressCallback
from ..request import ProgressEvent, Stage
from ..secrets import redact

log = logging.getLogger(__name__)


def http_error(service: str, status: int, detail: str = "", *, retry_after_s: float | None = None,
               what: str = "the request") -> GenerationError:
    """A typed, actionable error for an HTTP status from `service`. `detail` is the service's own text."""
    detail = redact(detail).strip()[:500]
    if status in (401, 403):
        return BadCredentials(f"{service} rejected the API key.", hint="Set a valid key in Preferences.")
    if status == 402:
        err = ServiceError(f"{service} refused {what}: the account is out of credit or billing is not set up.",
                           hint=f"Add credit on the {service} website, then retry.")
        err.retryable = False
        return err
    if status in (400, 422):
        return InvalidRequest(f"{service} refused {what}: {detail or 'invalid input'}",
                              hint="Change the setting named above and retry.")
    if status == 404:
        return ServiceError(f"{service} does not know {what} (HTTP 404).",
                            hint="The model may have moved; update LTX Editor or pick another model.")
    if status == 429:
        wait = f"Wait about {int(retry_after_s + 0.999)} s and retry" if retry_after_s else "Wait a minute and retry"
        return RateLimited(f"{service} is limiting how fast this account can start jobs.", retry_after_s=retry_after_s,
                           hint=f"{wait}, or run fewer jobs at once.")
    if status >= 500:
        return ServiceError(f"{service} had a server error (HTTP {status}) on {what}.",
                            hint="Retry in a minute; if it keeps failing, check the service's status page.")
    return ServiceError(f"{service} answered HTTP {status} to {what}: {detail or 'no details'}",
                        hint="Retry; if it keeps failing, report it.")


def unreachable(service: str, exc: BaseException) -> ServiceError:
    if "timeout" in type(exc).__name__.lower():
        return ServiceError(f"{service} did not answer in time.", hint="Check your connection and retry.")
    return ServiceError(f"Could not reach {service} ({type(exc).__name__}).",
                        hint="Check your internet connection and retry.")


def unreadable(service: str) -> ServiceError:
    return ServiceError(f"{service} sent an answer LTX Editor could not read.",
                        hint="Retry; if it keeps happening, the service may have changed — update LTX Editor.")


_RESETS_IN = re.compile(r"resets in\s*~?\s*(\d+(?:\.\d+)?)\s*s", re.IGNORECASE)


def retry_after_s(headers: Mapping[str, str] | None, text: str = "") -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), else from "resets in ~30s" text."""
    value = ""
    if headers:
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
            except (TypeError, ValueError):
                pass
    match = _RESETS_IN.search(text or "")
    return float(match.group(1)) if match else None


_TQDM = re.compile(r"(\d+)%\s*\|[^|]*\|\s*(\d+)\s*/\s*(\d+)")
_STEP = re.compile(r"(?i)\bstep\s*(\d+)\s*(?:/|of)\s*(\d+)")


def parse_steps(text: str) -> tuple[int, int] | None:
    """(current, total) from the last tqdm bar ("40%|####  | 4/10 [...]") or "step 4/10" in log text."""
    for line in reversed((text or "").replace("\r", "\n").splitlines()):
        match = _TQDM.search(line)
        if match:
            return int(match.group(2)), int(match.group(3))
        match = _STEP.search(line)
        if match:
            return int(match.group(1)), int(match.group(2))
    return None


def last_line(text: str, limit: int = 200) -> str:
    lines = [ln.strip() for ln in (text or "").replace("\r", "\n").splitlines() if ln.strip()]
    return redact(lines[-1])[:limit] if lines else ""


class Reporter:
    """Sends ProgressEvents, skipping repeats; a failing callback is logged, never fails the job."""

    def __init__(self, progress: ProgressCallback) -> None:
        self._progress = progress
        self._last: ProgressEvent | None = None

    def __call__(self, stage: Stage, **fields: Any) -> None:
        event = ProgressEvent(stage=stage, **fields)
        if event == self._last:
            return
        self._last = event
        try:
            self._progress(event)
        except Exception:  # the UI's problem, not the job's
            log.exception("progress callback failed")


C = TypeVar("C")


class ClientCache(Generic[C]):
    """One client per (API key, event loop). fal_client and replicate cache an httpx client bound to the loop
    that first used it, and hold the key they were built with: a new key or loop needs a new client."""

    def __init__(self, factory: Callable[[str], C]) -> None:
        self._factory = factory
        self._current: tuple[str, asyncio.AbstractEventLoop, C] | None = None
        self.retired: list[C] = []

    def get(self, key: str) -> C:
        loop = asyncio.get_running_loop()
        if self._current is None or self._current[0] != key or self._current[1] is not loop:
            if self._current is not None:
                self.retired.append(self._current[2])
            self._current = (key, loop, self._factory(key))
        return self._current[2]

    def drain(self) -> list[C]:
        """Every client built so far (for closing); the cache starts empty afterwards."""
        clients = [*self.retired, *([self._current[2]] if self._current else [])]
        self._current, self.retired = None, []
        return clients
