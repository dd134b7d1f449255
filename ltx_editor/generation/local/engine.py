"""One blocking local generation: model -> pipeline call (with the out-of-memory chain) -> mp4 + recipe.

Runs on the provider's single worker thread; everything that reports back goes through `emit`.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

from ltx_editor.core.catalog import choose_local_model, get_model, smaller_local_model
from ltx_editor.core.recipes import overrides, recipe_for
from ltx_editor.core.settings import GenerationMode

from ..errors import InvalidRequest
from ..lora import apply_loras, resolve_loras
from ..output import new_video_path, write_video
from ..request import CancelToken, GenerationRequest, GenerationResult, ProgressEvent, Stage
from ..sidecar import write_sidecar
from .memory import OFFLOAD_LADDER, free_memory, is_out_of_memory, total_vram_gb
from .models import MemoryPlan, ModelCache, describe_source, model_name
from .modes import PipeFacts, build_call
from .oom import FallbackStep, StepOutcome, run_with_fallback
from .runner import PipelineOutput, StepReporter, refine_steps, run_call, run_multiscale
from .speed import first_block_cache, refine_lora_for

Emit = Callable[[ProgressEvent], None]
Hook = Callable[[str, dict], None]


def pipe_facts(loaded: Any) -> PipeFacts:
    base = loaded.base
    crf = 0
    if loaded.family == "ltx-2":
        from diffusers.pipelines.ltx2.utils import resolve_default_image_crf

        crf = resolve_default_image_crf(base.text_encoder)
    return PipeFacts(family=loaded.family, temporal_ratio=int(base.vae_temporal_compression_ratio),
                     vae_timestep_conditioning=bool(getattr(base.vae.config, "timestep_conditioning", False)),
                     image_crf=crf)


class _Run:
    """The state one generation carries through its attempts (model and memory plan may change)."""

    def __init__(self, request: GenerationRequest, plan: MemoryPlan, emit: Emit) -> None:
        self.request = request
        self.model_id = request.settings.model_id
        self.override = request.model_path  # only for the model the person picked
        self.plan = plan
        self.emit = emit
        self.notes: list[str] = []
        self.used: dict[str, Any] = {}  # the pipeline class and passes actually run (for the sidecar)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
            self.emit(ProgressEvent(stage=Stage.LOADING, message=text))

    def switch_model(self, model_id: str, why: str | None = None) -> None:
        """Run another model with its own reference recipe (steps, guidance, schedule): the person's overrides
        were made for the old model, so they are dropped, and the note says what the new recipe is."""
        recipe = recipe_for(model_id)
        update: dict[str, Any] = {"model_id": model_id}
        text = f"{why}: using {get_model(model_id).name}"
        if recipe is not None:
            update.update(steps=recipe.steps, guidance_scale=recipe.guidance)
            text += f" with its own recipe ({recipe.summary()})"
        self.model_id = model_id
        self.request = self.request.model_copy(update={"settings": self.request.settings.model_copy(update=update)})
        if why is not None:
            self.note(text + ".")


class LocalEngine:
    def __init__(self, cache: ModelCache, *, max_sequence_length: int | None = None, auto_select: bool = False,
                 write_sidecars: bool = True, live_previews: bool = False) -> None:
        self.cache = cache
        self.live_previews = live_previews  # step events carry small pictures now and then (latent_preview.py)
        self.max_sequence_length = max_sequence_length
        self.auto_select = auto_select
        self.write_sidecars = write_sidecars
        self.before_pipeline_call: Hook | None = None  # diagnostics and tests (e.g. injecting an OOM)

    @property
    def device(self) -> str:
        return self.cache.options.device

    # -- planning -------------------------------------------------------------------------------------
    def _plan(self, run: _Run) -> None:
        s = run.request.settings
        on_gpu = self.device.startswith("cuda")
        if s.fp8 and not on_gpu:
            run.plan.fp8 = False
            run.note("fp8 storage needs a CUDA GPU; ignored on the CPU.")
        if s.cpu_offload != "none" and not on_gpu:
            run.plan.offload = "none"
            run.note("CPU offload only helps with a GPU; ignored on the CPU.")
        vram = total_vram_gb(self.device)
        if self.auto_select and vram is not None and run.override is None:
            info = get_model(run.model_id)
            choice = choose_local_model(vram)
            if info.vram_gb > vram and choice is not None and choice.family == info.family:
                run.switch_model(choice.id, f"{info.name} needs about {info.vram_gb:g} GB and this GPU has "
                                            f"{vram:.0f} GB")

    def _fallback_steps(self, run: _Run) -> list[FallbackStep]:
        def tiling() -> StepOutcome | None:
            if run.plan.vae_tiling:
                return None
            run.plan.vae_tiling = True
            return StepOutcome("Out of memory: turned on VAE tiling and tried again.")

        def offload() -> StepOutcome | None:
            if not self.device.startswith("cuda"):
                return StepOutcome("Out of memory: CPU offload cannot help when running on the CPU; skipped.",
                                   retry=False)
            ladder = list(OFFLOAD_LADDER)
            current = run.plan.offload if run.plan.offload in ladder else ladder[-1]
            if current == ladder[-1]:
                return None
            run.plan.offload = ladder[ladder.index(current) + 1]
            return StepOutcome(f"Out of memory: turned on {run.plan.offload} CPU offload (slower) and tried again.")

        def smaller() -> StepOutcome | None:
            down = smaller_local_model(run.model_id)
            while down is not None and self.cache.source_for(down.id) is None:
                down = smaller_local_model(down.id)
            if down is None:
                return None
            old = run.model_id
            run.override = None
            run.switch_model(down.id)  # the chain's own note below says so
            self.cache.unload()
            recipe = recipe_for(down.id)
            own = f" with its own recipe ({recipe.summary()})" if recipe else ""
            return StepOutcome(f"Out of memory: switched from {model_name(old)} to the smaller {down.name}{own}.")

        return [FallbackStep("vae tiling", tiling), FallbackStep("cpu offload", offload),
                FallbackStep("smaller model", smaller, repeat=True)]

    # -- one attempt ----------------------------------------------------------------------------------
    def _attempt(self, run: _Run, prompt: str, cancel: CancelToken, timings: dict[str, float]) -> PipelineOutput:
        import torch

        cancel.raise_if_cancelled()
        s = run.request.settings
        source = self.cache.source_for(run.model_id, run.override)
        t = perf_counter()
        loaded = self.cache.ensure(run.model_id, source, run.plan, run.emit, want_upsampler=s.upscale)
        timings["load"] = timings.get("load", 0.0) + perf_counter() - t
        cancel.raise_if_cancelled()
        facts = pipe_facts(loaded)
        apply_loras(loaded.base, s.loras)
        recipe = recipe_for(run.model_id)
        call_notes: list[str] = []
        call = build_call(run.request, prompt, facts, self.max_sequence_length, recipe, call_notes)
        for text in call_notes:
            run.note(text)
        if call.prepare is not None:
            call.prepare(loaded)

        def generator() -> Any:
            return torch.Generator("cpu").manual_seed(s.seed)  # CPU noise: the same on every device

        call.kwargs["generator"] = generator()
        multiscale = bool(s.upscale and loaded.upsampler is not None and recipe and recipe.multiscale
                          and call.prepare is None)  # a prepared call (audio-to-video) runs in one pass
        run.used = {"pipeline": type(loaded.pipe(call.pipe)).__name__, "multiscale": multiscale}
        total = s.steps + (refine_steps(s.steps, recipe) if multiscale else 0)
        reporter = StepReporter(run.emit, cancel, total, previewer=self._previewer(loaded))
        run.emit(ProgressEvent(stage=Stage.ENCODING_PROMPT, message="encoding prompt"))
        t = perf_counter()
        with first_block_cache(loaded.base, s.preset == "draft", run.note):
            if multiscale:
                # Both passes need sizes divisible by 32 (the pipelines' check) and by the VAE's ratio.
                spatial = max(32, int(loaded.base.vae_spatial_compression_ratio))
                lora = refine_lora_for(run, loaded, recipe, self.cache)
                out = run_multiscale(loaded, call, facts, reporter, generator, spatial, recipe,
                                     self.before_pipeline_call, lora)
            else:
                out = run_call(loaded, call, reporter, self.before_pipeline_call)
        timings["generate"] = perf_counter() - t
        return out

    def _previewer(self, loaded: Any) -> Any | None:
        if not self.live_previews or loaded.offload != "none":  # offload: a mid-loop decode would thrash it
            return None
        from .latent_preview import LatentPreviewer

        return LatentPreviewer()

    # -- the whole job --------------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, output_dir: Path, emit: Emit, cancel: CancelToken,
                 enhanced_prompt: str | None = None, notes: list[str] | None = None) -> GenerationResult:
        t0 = perf_counter()
        timings: dict[str, float] = {}
        settings = request.settings.resolve_seed()
        settings = settings.model_copy(update={"loras": resolve_loras(settings.loras)})
        request = request.model_copy(update={"settings": settings})
        info = get_model(settings.model_id)
        if self.cache.source_for(info.id, request.model_path) is None:
            raise InvalidRequest(f"{info.name} runs only in the cloud.", hint="Pick fal or Replicate as backend.")
        if request.mode not in info.modes and not (request.mode is GenerationMode.AUDIO_TO_VIDEO and info.audio):
            raise InvalidRequest(f"{info.name} cannot do {request.mode.value}.", hint="Pick another model.")
        run = _Run(request, MemoryPlan(settings.vae_tiling, settings.cpu_offload, settings.fp8), emit)
        run.notes.extend(notes or [])
        if settings.auto_choice:  # the "Auto" model pick and why: on the job card and in the sidecar's notes
            run.note(settings.auto_choice)
        self._plan(run)
        prompt = enhanced_prompt or request.prompt
        out = run_with_fallback(
            lambda: self._attempt(run, prompt, cancel, timings), self._fallback_steps(run),
            is_oom=is_out_of_memory, on_note=run.note, cleanup=free_memory,
            describe=f"{settings.width}x{settings.height}, {settings.num_frames} frames on {self.device}")
        loaded = self.cache.loaded
        if settings.upscale and loaded.upsampler is None:
            run.note("No latent upsampler is available for this model; generated at full size directly.")
        cancel.raise_if_cancelled()
        return self._save(run, out, output_dir, enhanced_prompt, timings, t0)

    def _save(self, run: _Run, out: PipelineOutput, output_dir: Path, enhanced_prompt: str | None,
              timings: dict[str, float], t0: float) -> GenerationResult:
        emit, loaded = run.emit, self.cache.loaded
        settings = run.request.settings.model_copy(update={
            "model_id": run.model_id, "vae_tiling": run.plan.vae_tiling, "cpu_offload": run.plan.offload,
            "fp8": run.plan.fp8})
        request = run.request.model_copy(update={"settings": settings, "model_path": run.override})
        emit(ProgressEvent(stage=Stage.SAVING, message="writing the video"))
        t = perf_counter()
        audio = out.audio if settings.generate_audio else None
        path = write_video(out.frames, settings.fps, new_video_path(output_dir, seed=settings.seed), audio)
        timings["save"] = perf_counter() - t
        timings["total"] = perf_counter() - t0
        n, h, w = out.frames.shape[:3]
        result = GenerationResult(
            video_path=path, num_frames=n, fps=settings.fps, width=w, height=h, seed=settings.seed,
            has_audio=audio is not None, backend="local", model_id=run.model_id, prompt=run.request.prompt,
            enhanced_prompt=enhanced_prompt, timings=timings, cost_usd=0.0, notes=run.notes)
        if self.write_sidecars:
            try:
                model = describe_source(loaded, get_model(run.model_id))
                model["recipe"] = recipe_record(run.model_id, settings, run.used)
                sidecar = write_sidecar(result, request, model=model, environment=_environment(self.device))
            except BaseException:
                path.unlink(missing_ok=True)  # a clip without its recipe is not reproducible: keep neither
                raise
            result = result.model_copy(update={"sidecar_path": sidecar})
        emit(ProgressEvent(stage=Stage.DONE, fraction=1.0, message="done"))
        return result


def recipe_record(model_id: str, settings: Any, used: dict[str, Any]) -> dict[str, Any] | None:
    """The reference recipe this clip followed and what the person changed from it (sidecar `model.recipe`)."""
    recipe = recipe_for(model_id)
    if recipe is None:
        return None
    return {"id": recipe.id, "source": recipe.source, "steps": recipe.steps, "guidance_scale": recipe.guidance,
            "schedule": recipe.schedule, "kwargs": recipe.kwargs, **used,
            "multiscale_recipe": recipe.multiscale.source if recipe.multiscale else None,
            "overrides": overrides(recipe, steps=settings.steps, guidance_scale=settings.guidance_scale)}


def _environment(device: str) -> dict[str, Any]:
    import diffusers
    import torch

    env = {"torch": torch.__version__, "diffusers": diffusers.__version__, "device": device}
    if device.startswith("cuda") and torch.cuda.is_available():
        env["gpu"] = torch.cuda.get_device_name(torch.device(device))
    return env
