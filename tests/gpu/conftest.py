"""What every GPU test shares: the tiny-model fixtures and a local provider closed after the test.

The tests themselves import torch with pytest.importorskip and skip without a CUDA GPU (run them on a lent
one: `pytest tests/gpu`)."""
import asyncio

import pytest

from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures: tiny_ltx_dir, tiny_ltx2_dir, ...)


@pytest.fixture
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


@pytest.fixture
def generate():
    """generate(provider, request, out_dir) -> the provider's result, run to the end."""
    def run(provider, request, out_dir):
        return asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))
    return run
