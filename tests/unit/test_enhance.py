"""Prompt enhancement against a real loopback OpenAI-compatible server; failures never stop a generation."""
import asyncio
import json
import socket

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.enhance import PromptEnhancer, clean_reply
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken, Condition
from ltx_editor.generation.sidecar import regeneration_request
from tests.fakes.chat_server import FakeChatServer
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import read_frames

REPLY = ("<think>the user wants a cat</think>Enhanced prompt: \"A grey tabby cat walks slowly along a sunlit "
         "beach,\n\npaws leaving prints in the wet sand. The camera tracks at its side in a low wide shot.\"")
CLEAN = ("A grey tabby cat walks slowly along a sunlit beach, paws leaving prints in the wet sand. The camera "
         "tracks at its side in a low wide shot.")
SECRET = "sk-test-secret-123"


def enhance(enhancer, prompt, mode=GenerationMode.TEXT_TO_VIDEO, image=None):
    return asyncio.run(enhancer.enhance(prompt, mode, image))


def test_short_prompt_is_enhanced_with_the_ltx_system_prompt():
    with FakeChatServer(reply=REPLY, expected_key=SECRET) as server:
        out = enhance(PromptEnhancer(server.base_url, "llama3.2", SECRET), "a cat on a beach")
    assert (out.prompt, out.enhanced, out.note) == (CLEAN, CLEAN, None)
    path, headers, body = server.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == f"Bearer {SECRET}"
    assert body["model"] == "llama3.2" and body["stream"] is False
    system, user = body["messages"]
    assert system["role"] == "system" and "chronological" in system["content"] and "200 words" in system["content"]
    assert user == {"role": "user", "content": "a cat on a beach"}


def test_image_to_video_prompt_and_optional_vision(tmp_path):
    img = tmp_path / "first.png"
    Image.new("RGB", (8, 8), (1, 2, 3)).save(img)
    with FakeChatServer(reply=CLEAN) as server:
        enhance(PromptEnhancer(server.base_url, "m"), "she turns", GenerationMode.IMAGE_TO_VIDEO, img)
        enhance(PromptEnhancer(server.base_url, "m", vision=True), "she turns", GenerationMode.IMAGE_TO_VIDEO, img)
    plain, vision = (body["messages"] for _, _, body in server.requests)
    assert "first frame" in plain[0]["content"] and plain[1]["content"] == "she turns"
    assert vision[1]["content"][1]["image_url"]["url"].startswith("data:image/png;base64,")


def test_long_prompts_are_left_alone():
    long_prompt = " ".join(["word"] * 40)
    with FakeChatServer() as server:
        out = enhance(PromptEnhancer(server.base_url, "m", short_prompt_words=30), long_prompt)
    assert (out.prompt, out.enhanced, out.note) == (long_prompt, None, None) and server.requests == []


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest.mark.parametrize("mode, reason", [("error500", "HTTP 500"), ("bad_json", "not a chat completion"),
                                          ("unauthorized", "refused the API key"), ("slow", "no answer within")])
def test_failures_keep_the_original_prompt_and_say_why(mode, reason):
    with FakeChatServer(mode=mode, delay_s=1.0) as server:
        # only the slow server is meant to time out: the others answer at once, however busy the machine
        enhancer = PromptEnhancer(server.base_url, "m", SECRET, timeout_s=0.3 if mode == "slow" else 30)
        out = enhance(enhancer, "a dog")
    assert out.prompt == "a dog" and out.enhanced is None
    assert reason in out.note and "used the original prompt" in out.note
    assert SECRET not in out.note and SECRET not in repr(enhancer)


def test_unreachable_endpoint():
    out = enhance(PromptEnhancer(_closed_port_url(), "m", timeout_s=2), "a dog")
    assert out.prompt == "a dog" and "cannot reach" in out.note


def test_clean_reply_caps_length_at_a_sentence():
    text = clean_reply(" ".join(["Word word word."] * 120), max_words=50)
    assert len(text.split()) <= 50 and text.endswith(".")


def test_provider_generates_with_the_enhanced_prompt_and_keeps_both(tiny_ltx_dir, tmp_path):
    seen = []
    with FakeChatServer(reply=REPLY) as server:
        provider = LocalLTXProvider(max_sequence_length=16, enhancer=PromptEnhancer(server.base_url, "m"))
        provider.before_pipeline_call = lambda name, kwargs: seen.append(kwargs["prompt"])
        img = tmp_path / "first.png"
        Image.new("RGB", (32, 32), (200, 100, 0)).save(img)
        request = tiny_request(tiny_ltx_dir, GenerationMode.IMAGE_TO_VIDEO, prompt="a cat on a beach",
                               enhance_prompt=True, conditions=[Condition(kind="image", path=str(img))])
        try:
            result = asyncio.run(provider.generate(request, tmp_path, lambda e: None, CancelToken()))
            assert "first frame" in server.requests[0][2]["messages"][0]["content"]  # the i2v system prompt
            server.reply = "Something completely different now for the replay, a red car."
            replay = asyncio.run(provider.generate(regeneration_request(result.sidecar_path), tmp_path / "again",
                                                   lambda e: None, CancelToken()))
        finally:
            asyncio.run(provider.close())
    assert seen == [CLEAN, CLEAN]  # the replay used the recorded enhancement, not a new one
    assert len(server.requests) == 1
    assert (result.prompt, result.enhanced_prompt) == ("a cat on a beach", CLEAN)
    recipe = json.loads(result.sidecar_path.read_text())
    assert (recipe["prompt"], recipe["enhanced_prompt"]) == ("a cat on a beach", CLEAN)
    assert np.array_equal(read_frames(result.video_path), read_frames(replay.video_path))


def test_unreachable_enhancer_does_not_stop_generation(tiny_ltx_dir, tmp_path):
    provider = LocalLTXProvider(max_sequence_length=16, enhancer=PromptEnhancer(_closed_port_url(), "m"))
    try:
        result = asyncio.run(provider.generate(tiny_request(tiny_ltx_dir, enhance_prompt=True), tmp_path,
                                               lambda e: None, CancelToken()))
    finally:
        asyncio.run(provider.close())
    assert result.enhanced_prompt is None and result.video_path.is_file()
    assert any("Prompt enhancement skipped" in n for n in result.notes)
