"""Run one generation through a provider on a fresh event loop, the way the queue does, collecting progress."""
from __future__ import annotations

import asyncio

from ltx_editor.generation.request import CancelToken


def run_provider(provider, request, out, cancel=None, events=None, on_event=None):
    """provider.generate(request) into `out`; progress events go to `events` (and `on_event`); the provider is
    closed on the same loop afterwards (the cloud clients break if they outlive their loop)."""
    events = [] if events is None else events

    def progress(event):
        events.append(event)
        if on_event is not None:
            on_event(event)

    async def go():
        try:
            return await provider.generate(request, out, progress, cancel or CancelToken())
        finally:
            await provider.close()

    return asyncio.run(go())
