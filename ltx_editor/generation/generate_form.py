"""What the generate panel's fields hold, and how they become a validated GenerationRequest. No Qt."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from pydantic import ValidationError

from ltx_editor.core.catalog import get_model
from ltx_editor.core.errors import SettingsError
from ltx_editor.core.settings import (
    ASPECT_RATIOS,
    DEFAULT_NEGATIVE_PROMPT,
    RESOLUTIONS,
    GenerationMode,
    GenerationSettings,
    LoraSpec,
    describe_validation_error,
)
from ltx_editor.generation.request import Condition, GenerationRequest
from ltx_editor.generation.workflows import Recipe

MODE_NAMES = {
    GenerationMode.TEXT_TO_VIDEO: "Text to video",
    GenerationMode.IMAGE_TO_VIDEO: "Image to video",
    GenerationMode.KEYFRAMES: "Keyframes",
    GenerationMode.EXTEND_FORWARD: "Extend forward",
    GenerationMode.EXTEND_BACKWARD: "Extend backward",
    GenerationMode.VIDEO_TO_VIDEO: "Video to video",
}
IMAGE_MODES = (GenerationMode.IMAGE_TO_VIDEO,)
VIDEO_MODES = (GenerationMode.EXTEND_FORWARD, GenerationMode.EXTEND_BACKWARD, GenerationMode.VIDEO_TO_VIDEO)


@dataclass
class Form:
    backend: str = "local"
    model_id: str = "ltxv-2b-0.9.8-distilled"
    mode: str = GenerationMode.TEXT_TO_VIDEO.value
    prompt: str = ""
    negative_prompt: str = DEFAULT_NEGATIVE_PROMPT
    enhance: bool = False
    resolution: str = "480p"
    aspect_ratio: str = "16:9"
    custom_size: bool = False  # width x height below instead of resolution + aspect (multiples of 32)
    width: int = 768
    height: int = 512
    duration_s: float = 5.0
    fps: float = 24.0
    steps: int = 8
    guidance: float = 1.0
    seed: int = 42
    seed_locked: bool = False
    source_image: str = ""
    source_video: str = ""
    keyframes: list[Condition] = field(default_factory=list)  # filled from the timeline in keyframes mode
    preset: str = ""  # "" = the fields as set; draft | standard | final (core/presets.py, local only)
    multiscale: bool = False  # the recipe's upsampler pass
    audio: bool = True  # LTX-2.x: generate the synchronized audio

    def modes(self) -> list[GenerationMode]:
        model = get_model(self.model_id)
        # Audio-to-video starts from a sound on the timeline (its clip menu), not from this panel.
        return [m for m in GenerationMode if model.supports(self.backend, m) and m is not GenerationMode.AUDIO_TO_VIDEO]

    def resolutions(self) -> list[str]:
        limit = RESOLUTIONS[get_model(self.model_id).max_resolution]
        return [r for r, short in RESOLUTIONS.items() if short <= limit]

    def problem(self) -> str:
        """Why Generate cannot run with these fields ("" when it can)."""
        mode = GenerationMode(self.mode)
        if not self.prompt.strip():
            return "Write a prompt."
        if mode not in self.modes():
            return f"{get_model(self.model_id).name} cannot do {MODE_NAMES[mode].lower()} on this backend."
        if mode in IMAGE_MODES and not self.source_image:
            return "Choose a source image (bin: right-click → use frame as image-to-video input)."
        if mode in VIDEO_MODES and not self.source_video:
            return "Choose a source clip (bin: right-click → extend)."
        if mode is GenerationMode.KEYFRAMES and not self.keyframes:
            return "Add image keyframes to the timeline's keyframe lane first."
        return ""

    def settings(self, *, local_memory: dict | None = None, loras: list[LoraSpec] | None = None
                 ) -> GenerationSettings:
        values: dict = dict(model_id=self.model_id, resolution=self.resolution, aspect_ratio=self.aspect_ratio,
                            duration_s=self.duration_s, fps=self.fps, steps=self.steps,
                            guidance_scale=self.guidance, seed=self.seed if self.seed_locked else None,
                            negative_prompt=self.negative_prompt, enhance_prompt=self.enhance)
        if self.custom_size:
            values.update(width_override=self.width, height_override=self.height)
        values.update(upscale=self.multiscale, generate_audio=self.audio)
        if self.backend == "local":
            values.update(local_memory or {})
            values["loras"] = loras or []
        settings = GenerationSettings.checked(**values)
        if self.preset and self.backend == "local":
            from ltx_editor.core.presets import apply_preset

            settings, _ = apply_preset(self.preset, settings)
        return settings

    def conditions(self) -> list[Condition]:
        mode = GenerationMode(self.mode)
        if mode in IMAGE_MODES:
            return [Condition(kind="image", path=self.source_image)]
        if mode in VIDEO_MODES:
            return [Condition(kind="video", path=self.source_video)]
        if mode is GenerationMode.KEYFRAMES:
            return list(self.keyframes)
        return []

    def request(self, *, model_path: str | None = None, local_memory: dict | None = None,
                loras: list[LoraSpec] | None = None) -> GenerationRequest:
        """Raises SettingsError/ValueError with words a person can act on."""
        settings = self.settings(local_memory=local_memory, loras=loras)
        try:
            return GenerationRequest(backend=self.backend, mode=GenerationMode(self.mode), prompt=self.prompt.strip(),
                                     settings=settings, conditions=self.conditions(),
                                     model_path=model_path if self.backend == "local" and model_path else None)
        except ValidationError as exc:  # pydantic's own text ends in a URL, not in words a person can act on
            raise SettingsError(describe_validation_error(exc), hint="Fix the setting and try again.") from None


    def recipe(self, *, model_path: str | None = None, local_memory: dict | None = None,
               loras: list[LoraSpec] | None = None) -> Recipe:
        """The form's backend, model, size, quality, memory options and LoRAs as a workflow recipe. Pure: the
        form is not changed. The mode and source media do not apply (a workflow brings its own conditions),
        so the settings are checked as text-to-video; the prompt becomes the base prompt (may be empty)."""
        as_t2v = replace(self, mode=GenerationMode.TEXT_TO_VIDEO.value, prompt=self.prompt.strip() or "workflow")
        request = as_t2v.request(model_path=model_path, local_memory=local_memory, loras=loras)
        return Recipe(request.backend, request.settings, request.model_path, self.prompt.strip())


def aspect_ratios() -> list[str]:
    return list(ASPECT_RATIOS)
