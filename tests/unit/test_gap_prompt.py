"""The gap fill's suggested prompt (generation/gap_prompt.py): the neighbours' recipe prompts and the person's words
go to the real PromptEnhancer on a loopback chat server; what cannot be suggested is said in words."""
from __future__ import annotations

import asyncio
import json

import pytest

from ltx_editor.generation.enhance import PromptEnhancer
from ltx_editor.generation.errors import GenerationError
from ltx_editor.generation.gap_prompt import GapNeighbours, gap_idea, recipe_prompt, suggest_gap_prompt
from tests.fakes.chat_server import FakeChatServer

REPLY = "A gull lands on the railing, shakes the rain off its wings and looks out over the harbour."


def _recipe(path, prompt, enhanced=None):
    """A recipe file as far as recipe_prompt reads it: written by the app's own sidecar writer in real use."""
    from ltx_editor.core.settings import GenerationSettings
    from ltx_editor.generation.request import GenerationRequest, GenerationResult
    from ltx_editor.generation.sidecar import write_sidecar

    video = path.with_suffix(".mp4")
    video.write_bytes(b"")
    request = GenerationRequest(prompt=prompt, settings=GenerationSettings(model_id="ltxv-2b-0.9.8-distilled"))
    result = GenerationResult(video_path=video, num_frames=9, fps=24.0, width=32, height=32, seed=1,
                              backend="local", model_id="ltxv-2b-0.9.8-distilled", prompt=prompt,
                              enhanced_prompt=enhanced)
    return write_sidecar(result, request, path)


def test_recipe_prompts_prefer_the_enhanced_one_and_skip_what_cannot_be_read(tmp_path):
    assert recipe_prompt(_recipe(tmp_path / "a.json", "a harbour")) == "a harbour"
    assert recipe_prompt(_recipe(tmp_path / "b.json", "rain", enhanced="Heavy rain falls on a quay.")) == \
        "Heavy rain falls on a quay."
    (tmp_path / "bad.json").write_text("{not json")
    assert recipe_prompt(tmp_path / "bad.json") == "" and recipe_prompt(None) == ""
    assert recipe_prompt(tmp_path / "missing.json") == ""


def test_the_idea_names_both_sides_and_refuses_when_there_is_nothing():
    idea = gap_idea("a harbour at dawn", "", "a gull lands")
    assert "The shot before shows: a harbour at dawn" in idea and "In between: a gull lands" in idea
    assert "shot after" not in idea
    with pytest.raises(GenerationError, match="Neither clip around the gap"):
        gap_idea("", "", "  ")


def test_suggestion_through_the_enhancer_and_its_failures(tmp_path):
    before = _recipe(tmp_path / "before.json", "a harbour at dawn")
    after = _recipe(tmp_path / "after.json", "a fishing boat leaves")
    neighbours = GapNeighbours(before, after)
    with FakeChatServer(reply=REPLY) as server:
        enhancer = PromptEnhancer(server.base_url, "tiny-chat")
        assert asyncio.run(suggest_gap_prompt(enhancer, neighbours, "a gull")) == REPLY
        assert enhancer.short_prompt_words == 30  # the editor's enhancer is left as it was
        sent = json.dumps(server.requests[0][2])
        assert "a harbour at dawn" in sent and "a fishing boat leaves" in sent and "In between: a gull" in sent
    with FakeChatServer(mode="error500") as server, pytest.raises(GenerationError, match="HTTP 500"):
        asyncio.run(suggest_gap_prompt(PromptEnhancer(server.base_url, "tiny-chat"), neighbours))
