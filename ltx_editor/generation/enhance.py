"""Prompt enhancement through any OpenAI-compatible chat endpoint (Ollama, LM Studio, llama.cpp, vLLM, OpenAI).

LTX models follow long, literal, chronological descriptions much better than a few words, so a short
prompt is expanded before generation. It is a best effort: when the endpoint is unreachable, slow or
answers nonsense, generation goes on with the original prompt and a note naming the endpoint says so. The
call has connect, read and total limits (a server that accepts and never answers, or trickles, is given up
on after `timeout_s` in all). The API key is sent
only in the Authorization header and never appears in notes, logs or reprs.
"""
from __future__ import annotations

import asyncio
import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from ltx_editor.core.safe_files import IMAGE_MAX_BYTES, read_bytes
from ltx_editor.core.settings import GenerationMode

from .errors import InvalidRequest
from .timeouts import Timeouts

_COMMON = (
    "Write ONE paragraph of at most 200 words, in English, present tense, no lists, no headings, no quotes, "
    "no preamble — only the prompt itself. Start directly with the main action. Describe in chronological "
    "order: the subject's appearance and movements, the setting and background, the camera (shot size, "
    "angle, movement such as a slow dolly in or a handheld pan) and the lighting and colours. Be literal "
    "and precise; keep every element the user asked for and invent nothing that contradicts it."
)
SYSTEM_PROMPTS: dict[str, str] = {
    "text-to-video": "You expand short ideas into detailed video-generation prompts for the LTX video model. "
                     + _COMMON,
    "image-to-video": "You expand short ideas into detailed video-generation prompts for the LTX video model. "
                      "The video starts from an image the user provides: describe how that scene moves and "
                      "evolves from its first frame, staying consistent with what the image shows. " + _COMMON,
}
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_LABEL = re.compile(r"^(enhanced|improved|video)?\s*prompt\s*:\s*", re.IGNORECASE)


@dataclass
class EnhanceOutcome:
    prompt: str  # what to generate with
    enhanced: str | None  # the expansion, None when the prompt was kept
    note: str | None = None  # shown to the person when enhancement was wanted but did not happen


def clean_reply(text: str, max_words: int = 250) -> str:
    """One plain paragraph: drop reasoning blocks, labels, quotes and line breaks; cap the length."""
    text = _THINK.sub("", text).strip()
    text = _LABEL.sub("", text).strip().strip('"“”\'').strip()
    text = " ".join(text.split())
    words = text.split(" ")
    if len(words) > max_words:
        text = " ".join(words[:max_words])
        end = max(text.rfind(". "), text.rfind("! "), text.rfind("? "))
        text = text[:end + 1] if end > len(text) // 2 else text
    return text


class PromptEnhancer:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, short_prompt_words: int = 30,
                 timeout_s: float = 30.0, connect_timeout_s: float = 5.0, temperature: float = 0.7,
                 max_tokens: int = 400, vision: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        """base_url: e.g. http://localhost:11434/v1 (Ollama). short_prompt_words: prompts with fewer words are
        enhanced, longer ones are taken as already detailed. vision: send the first frame for image-to-video
        (only for multimodal models)."""
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self.short_prompt_words = short_prompt_words
        self.timeouts = Timeouts(connect_s=connect_timeout_s, read_s=timeout_s, total_s=timeout_s)
        self.timeout_s = timeout_s
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.vision = vision
        self._transport = transport

    def __repr__(self) -> str:
        key = "set" if self._api_key else "none"
        return f"PromptEnhancer(base_url={self.base_url!r}, model={self.model!r}, api_key={key})"

    def should_enhance(self, prompt: str) -> bool:
        return 0 < len(prompt.split()) < self.short_prompt_words

    def messages(self, prompt: str, mode: GenerationMode, image: str | Path | None = None) -> list[dict]:
        kind = "image-to-video" if mode is GenerationMode.IMAGE_TO_VIDEO else "text-to-video"
        user: str | list[dict] = prompt
        if self.vision and image is not None and Path(image).is_file():
            mime = mimetypes.guess_type(str(image))[0] or "image/png"
            raw = read_bytes(image, what="image", max_bytes=IMAGE_MAX_BYTES, error=InvalidRequest)  # capped
            data = base64.b64encode(raw).decode()
            user = [{"type": "text", "text": prompt},
                    {"type": "image_url", "image_url": {"url": f"data:{mime};base64,{data}"}}]
        return [{"role": "system", "content": SYSTEM_PROMPTS[kind]}, {"role": "user", "content": user}]

    async def enhance(self, prompt: str, mode: GenerationMode = GenerationMode.TEXT_TO_VIDEO,
                      image: str | Path | None = None) -> EnhanceOutcome:
        if not self.should_enhance(prompt):
            return EnhanceOutcome(prompt, None)
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        body = {"model": self.model, "messages": self.messages(prompt, mode, image),
                "temperature": self.temperature, "max_tokens": self.max_tokens, "stream": False}
        try:
            async with httpx.AsyncClient(timeout=self.timeouts.httpx(), transport=self._transport) as client:
                response = await asyncio.wait_for(
                    client.post(f"{self.base_url}/chat/completions", json=body, headers=headers), self.timeout_s)
            if response.status_code in (401, 403):
                return self._failed(prompt, "the endpoint refused the API key")
            if response.status_code >= 400:
                return self._failed(prompt, f"the endpoint answered HTTP {response.status_code}")
            text = response.json()["choices"][0]["message"]["content"]
        except (httpx.TimeoutException, asyncio.TimeoutError):
            return self._failed(prompt, f"no answer within {self.timeout_s:g} s from {self._host}")
        except httpx.HTTPError as exc:
            return self._failed(prompt, f"cannot reach {self.base_url} ({type(exc).__name__})")
        except (ValueError, KeyError, IndexError, TypeError):
            return self._failed(prompt, "the endpoint's answer was not a chat completion")
        enhanced = clean_reply(text or "")
        if len(enhanced.split()) < 3:
            return self._failed(prompt, "the endpoint answered with an empty prompt")
        return EnhanceOutcome(enhanced, enhanced)

    @property
    def _host(self) -> str:
        return f"the prompt enhancer at {urlparse(self.base_url).netloc or self.base_url}"

    @staticmethod
    def _failed(prompt: str, reason: str) -> EnhanceOutcome:
        return EnhanceOutcome(prompt, None, f"Prompt enhancement skipped: {reason}; used the original prompt.")
