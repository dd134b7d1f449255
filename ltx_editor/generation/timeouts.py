"""Limits on every network call generation makes, and the error a breach becomes.

Three limits, because each catches what the others miss: `connect_s` a host that never accepts; `read_s` a
host that accepts and then says nothing (httpx's per-read timeout); `total_s` a host that trickles bytes or a
client that retries a stalled call by itself (fal_client retries timeouts up to 10 times), which per-read
limits never end. A breach is a retryable ServiceError that names the service and the step.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from .errors import ServiceError

T = TypeVar("T")


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 30.0  # longest silence while waiting for or reading an answer
    total_s: float = 60.0  # the whole call, the client's own retries included

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_s, connect=min(self.connect_s, self.read_s))


def timed_out(service: str, what: str, seconds: float) -> ServiceError:
    err = ServiceError(f"{service} did not answer in time ({what}: nothing within {seconds:g} s).",
                       hint="Check your connection and retry; if it keeps happening, the service may be overloaded.")
    err.retryable = True
    return err


async def within(call: Awaitable[T], seconds: float, service: str, what: str) -> T:
    """Await `call`, giving up after `seconds` with `timed_out(service, what)`."""
    try:
        return await asyncio.wait_for(call, seconds)
    except asyncio.TimeoutError:
        raise timed_out(service, what, seconds) from None
