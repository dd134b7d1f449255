"""`ltx-editor generate`: one generation from the terminal, with a progress bar. No Qt.

    ltx-editor generate --model ID_OR_PATH --prompt "..." [--image F] [--keyframe IMG@FRAME ...]
        [--extend CLIP --direction forward|backward] [--video F] [--lora F:SCALE ...] [--seed N] -o OUT.mp4
    ltx-editor generate --from-sidecar CLIP.json -o AGAIN.mp4      # regenerates that clip exactly
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ltx_editor.core.auto_model import AUTO
from ltx_editor.core.catalog import CATALOG
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.safe_text import for_terminal
from ltx_editor.core.settings import GenerationMode, GenerationSettings, LoraSpec, describe_validation_error

M = GenerationMode


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ltx-editor generate", description="Generate one clip with LTX.")
    p.add_argument("--from-sidecar", metavar="JSON", help="regenerate the clip this recipe describes, exactly")
    p.add_argument("--backend", choices=["local", "fal", "replicate"], default="local")
    p.add_argument("--model", help="auto (default, local: the best model for this GPU; see --list-auto), a "
                                   "catalog id, a hub id (org/name[@revision]), a diffusers folder or a .safetensors")
    p.add_argument("--model-id", help="catalog id describing --model when it is a path (auto-detected)")
    p.add_argument("--single-file-config", help="diffusers folder/hub id with the text encoder and configs for a "
                                                ".safetensors --model (default: the catalog entry's config repo)")
    p.add_argument("--preset", choices=["draft", "standard", "final"],
                   help="draft: distilled schedule, 2/3 size, First Block Cache; standard: the model's reference "
                        "recipe; final: the recipe plus its multi-scale pass")
    p.add_argument("--list-auto", action="store_true", help="print the Auto model table and exit")
    p.add_argument("--offline", action="store_true", help="never touch the network (use downloaded models only)")
    p.add_argument("--prompt")
    p.add_argument("--negative", help="negative prompt")
    p.add_argument("--image", help="first-frame image (image-to-video)")
    p.add_argument("--keyframe", action="append", default=[], metavar="IMG@FRAME[:STRENGTH]")
    p.add_argument("--extend", metavar="CLIP", help="clip to extend")
    p.add_argument("--direction", choices=["forward", "backward"], default="forward")
    p.add_argument("--overlap", type=int, default=9, help="frames of the clip that condition the extension")
    p.add_argument("--video", help="source clip for video-to-video")
    p.add_argument("--strength", type=float, default=0.6, help="how closely video-to-video follows --video")
    p.add_argument("--lora", action="append", default=[], metavar="FILE[:SCALE]")
    p.add_argument("--seed", type=int)
    p.add_argument("--steps", type=int)
    p.add_argument("--guidance", type=float)
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p.add_argument("--resolution", default="480p")
    p.add_argument("--aspect", default="16:9")
    p.add_argument("--frames", type=int, help="frame count, 8k+1")
    p.add_argument("--duration", type=float, default=5.0, help="seconds (when --frames is not given)")
    p.add_argument("--fps", type=float, default=24.0)
    p.add_argument("--upscale", action="store_true", help="multi-scale pass with the latent upsampler")
    p.add_argument("--fp8", action="store_true")
    p.add_argument("--offload", choices=["none", "model", "sequential", "group"], default="none")
    p.add_argument("--no-tiling", action="store_true")
    p.add_argument("--no-audio", action="store_true")
    p.add_argument("--enhance", action="store_true", help="expand a short prompt with an LLM first")
    p.add_argument("--enhance-url", default=os.environ.get("LTX_ENHANCE_URL", "http://localhost:11434/v1"))
    p.add_argument("--enhance-model", default=os.environ.get("LTX_ENHANCE_MODEL", "llama3.2"))
    p.add_argument("--device", help="cuda, cuda:1, cpu (default: cuda when available)")
    p.add_argument("--worker", metavar="HOST:PORT", help="run a local job on another machine's `ltx-editor worker "
                                                         "--listen` (token from LTX_WORKER_TOKEN)")
    p.add_argument("--max-sequence-length", type=int, help="cap on prompt tokens")
    p.add_argument("-o", "--output", help="output .mp4 (its recipe goes beside it as .json); required")
    p.add_argument("-q", "--quiet", action="store_true")
    return p


class ProgressBar:
    """One redrawn line on stderr: stage, bar, percent, message."""

    def __init__(self, stream=None, width: int = 30) -> None:
        self.stream, self.width, self.last = stream or sys.stderr, width, None

    def __call__(self, event: Any) -> None:
        frac = event.fraction if event.fraction is not None else 0.0
        filled = int(round(frac * self.width))
        line = (f"\r{event.stage.value:<15} [{'#' * filled}{'.' * (self.width - filled)}] {frac * 100:3.0f}% "
                f"{for_terminal(event.message)}"[:120])  # service text: no terminal control sequences
        if self.last is not None and event.stage != self.last.stage:
            self.stream.write("\n")
        self.stream.write(line.ljust(100))
        self.stream.flush()
        self.last = event

    def close(self) -> None:
        if self.last is not None:
            self.stream.write("\n")


def _model_fields(args: argparse.Namespace) -> tuple[str, str | None]:
    """(catalog id, model_path) for --model: auto, a catalog id, a known hub id, or a path of some family."""
    if not args.model or args.model == AUTO:
        return args.model_id or default_model_id(args), None
    if args.model in CATALOG:
        return args.model, None
    if args.model_id:
        return args.model_id, args.model
    repo = args.model.split("@")[0]
    for info in CATALOG.values():
        if info.hub_id == repo:
            return info.id, args.model
    if Path(args.model).suffix.lower() in (".safetensors", ".sft") and Path(args.model).is_file():
        return model_for_file(Path(args.model)), str(Path(args.model).resolve())
    index = Path(args.model) / "model_index.json"
    if index.is_file() and json.loads(index.read_text()).get("_class_name", "").startswith("LTX2"):
        return "ltx-2-19b", args.model
    return "ltxv-2b-0.9.8-distilled", args.model


def model_for_file(path: Path) -> str:
    """The catalog entry (and so the recipe and config repo) for a Lightricks single file: its family from the
    header, the release and distilled/dev from the name the makers give their files."""
    from ltx_editor.generation.errors import InvalidRequest
    from ltx_editor.generation.local.loader import single_file_family

    family = single_file_family(path)
    if family is None:
        raise InvalidRequest(f"{path.name} is not an LTX checkpoint (no LTX-Video or LTX-2 weights inside).",
                             hint="Pick a Lightricks .safetensors file, or a diffusers model folder.")
    name = path.name.lower()
    kind = "distilled" if "distilled" in name else "dev"
    if family == "ltx-2":
        fp8 = "-fp8" if "fp8" in name else ""
        if "2.5" in name:
            return f"ltx-2.5-22b-{kind}"
        if "2.3" in name:
            return f"ltx-2.3-22b-{kind}{fp8}"
        return "ltx-2-19b-distilled" if kind == "distilled" else "ltx-2-19b"
    if "13b" in name:
        release = "0.9.7" if "0.9.7" in name else "0.9.8"
        return f"ltxv-13b-{release}-{kind}"
    return "ltxv-2b-0.9.8-distilled" if kind == "distilled" else "ltxv-2b-0.9.5"


def _auto(args: argparse.Namespace, mode: GenerationMode) -> tuple[str, Any]:
    """The Auto pick for this machine (the hardware probe's VRAM) as (model id, AutoChoice)."""
    from ltx_editor.core.auto_model import choose_auto
    from ltx_editor.generation.hardware import probe

    choice = choose_auto(probe().vram_gb or None)
    model = CATALOG[choice.model_id]
    if not model.supports("local", mode):
        from ltx_editor.core.model_defaults import best_model

        other = best_model("local", mode, choice.vram_gb)
        if other is not None:
            return other.id, choice
    return choice.model_id, choice


def default_model_id(args: argparse.Namespace) -> str:
    """The backend's best model for the requested mode (local: the Auto pick for this GPU), so
    `--backend replicate` alone never lands on a model Replicate cannot run."""
    from ltx_editor.core.model_defaults import best_model

    mode = (M.EXTEND_FORWARD if args.extend and args.direction == "forward" else M.EXTEND_BACKWARD if args.extend
            else M.VIDEO_TO_VIDEO if args.video else M.KEYFRAMES if args.keyframe
            else M.IMAGE_TO_VIDEO if args.image else M.TEXT_TO_VIDEO)
    if args.backend == "local":
        model_id, args.auto_choice = _auto(args, mode)
        return model_id
    model = best_model(args.backend, mode, None)
    if model is None:
        from ltx_editor.generation.errors import InvalidRequest

        raise InvalidRequest(f"No {args.backend} model can do {mode.value}.",
                             hint="Pick another backend for this mode (ltx-editor models list).")
    return model.id


def _split_scaled(value: str, sep: str) -> tuple[str, float | None]:
    head, _, tail = value.rpartition(sep)
    if head and tail.replace(".", "", 1).replace("-", "", 1).isdigit():
        return head, float(tail)
    return value, None


def build_request(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Any:
    from ltx_editor.generation.local.conditions import extend_condition
    from ltx_editor.generation.request import Condition, GenerationRequest

    if not args.prompt:
        parser.error("--prompt is required (or use --from-sidecar)")
    args.auto_choice = None
    model_id, model_path = _model_fields(args)
    info = CATALOG[model_id]
    auto = args.auto_choice
    fp8 = args.fp8 or bool(auto and auto.fp8)
    offload = args.offload if args.offload != "none" or auto is None else auto.offload
    size = {}
    if args.width or args.height:
        if not (args.width and args.height):
            parser.error("--width and --height go together")
        size = {"width_override": args.width, "height_override": args.height}
    loras = []
    for item in args.lora:
        path, scale = _split_scaled(item, ":")
        loras.append(LoraSpec(path=str(Path(path).resolve()), scale=1.0 if scale is None else scale))
    settings = GenerationSettings.checked(
        model_id=model_id, resolution=args.resolution, aspect_ratio=args.aspect, duration_s=args.duration,
        fps=args.fps, num_frames_override=args.frames, steps=args.steps or info.default_steps,
        guidance_scale=args.guidance if args.guidance is not None else info.default_guidance, seed=args.seed,
        enhance_prompt=args.enhance, vae_tiling=not args.no_tiling, fp8=fp8, cpu_offload=offload,
        upscale=args.upscale, generate_audio=not args.no_audio, loras=loras, **size,
        auto_choice=auto.reason if auto else None,
        **({"negative_prompt": args.negative} if args.negative is not None else {}))
    if auto is not None and not args.quiet:
        print(auto.reason, file=sys.stderr)
    if args.preset:
        from ltx_editor.core.presets import apply_preset

        settings, preset_notes = apply_preset(args.preset, settings)
        if args.steps or args.guidance is not None:  # the person's own values still win over the preset's
            settings = settings.model_copy(update={k: v for k, v in (("steps", args.steps),
                                                                      ("guidance_scale", args.guidance)) if v})
        for note in preset_notes:
            if not args.quiet:
                print(note, file=sys.stderr)
    conditions: list[Condition] = []
    if sum(bool(x) for x in (args.extend, args.video, args.image or args.keyframe)) > 1:
        parser.error("use one of --image/--keyframe, --extend, --video")
    if args.extend:
        mode = M.EXTEND_FORWARD if args.direction == "forward" else M.EXTEND_BACKWARD
        conditions.append(extend_condition(Path(args.extend).resolve(), args.direction, settings.num_frames,
                                           args.overlap))
    elif args.video:
        mode = M.VIDEO_TO_VIDEO
        conditions.append(Condition(kind="video", path=str(Path(args.video).resolve()), strength=args.strength,
                                    num_frames=settings.num_frames))
    elif args.keyframe:
        mode = M.KEYFRAMES
        if args.image:
            conditions.append(Condition(kind="image", path=str(Path(args.image).resolve())))
        for item in args.keyframe:
            image, sep, rest = item.rpartition("@")
            frame, _, strength = rest.partition(":")
            if not sep or not frame.isdigit():
                parser.error(f"--keyframe wants IMAGE@FRAME[:STRENGTH], got {item!r}")
            conditions.append(Condition(kind="image", path=str(Path(image).resolve()), frame_index=int(frame),
                                        strength=float(strength) if strength else 1.0))
    elif args.image:
        mode = M.IMAGE_TO_VIDEO
        conditions.append(Condition(kind="image", path=str(Path(args.image).resolve())))
    else:
        mode = M.TEXT_TO_VIDEO
    return GenerationRequest(backend=args.backend, mode=mode, prompt=args.prompt, settings=settings,
                             conditions=conditions, model_path=model_path)


def _provider(args: argparse.Namespace, backend: str) -> Any:
    from ltx_editor.generation.factory import LTXVideoProviderFactory

    if backend != "local":
        return LTXVideoProviderFactory.create(backend)
    if getattr(args, "worker", None):
        from ltx_editor.generation.errors import BadCredentials
        from ltx_editor.generation.worker.http_server import TOKEN_ENV
        from ltx_editor.generation.worker.remote import RemoteWorkerProvider

        if not os.environ.get(TOKEN_ENV):
            raise BadCredentials(f"--worker needs the worker's token in {TOKEN_ENV}.")
        return RemoteWorkerProvider(args.worker, os.environ[TOKEN_ENV])
    enhancer = None
    if args.enhance:
        from ltx_editor.generation.enhance import PromptEnhancer

        enhancer = PromptEnhancer(args.enhance_url, args.enhance_model, os.environ.get("LTX_ENHANCE_API_KEY"))
    return LTXVideoProviderFactory.create("local", device=args.device, enhancer=enhancer,
                                          max_sequence_length=args.max_sequence_length,
                                          offline=getattr(args, "offline", False),
                                          single_file_config=getattr(args, "single_file_config", None))


def _check_outputs(out: Path, request: Any, recipe: str | None) -> None:
    """The clip and its recipe must not replace a file this generation reads (condition, LoRA, model, the
    recipe being replayed): OutputOverwritesInput, before any work starts."""
    from ltx_editor.core.output_guard import check_output

    inputs = [c.path for c in request.conditions] + [lora.path for lora in request.settings.loras]
    inputs += [p for p in (request.model_path, recipe) if p and os.path.exists(p)]
    for target, what in ((out, "clip"), (out.with_suffix(".json"), "clip's recipe")):
        check_output(target, inputs, what=what)


async def _run(provider: Any, request: Any, out: Path, progress: Any) -> Any:
    from ltx_editor.generation.request import CancelToken
    from ltx_editor.generation.sidecar import move_clip

    work = Path(tempfile.mkdtemp(prefix=".ltx-generate-", dir=out.parent))  # same disk: the move is a rename
    cancel = CancelToken()
    try:
        task = asyncio.ensure_future(provider.generate(request, work, progress, cancel))
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError:  # Ctrl-C: stop the pipeline within a step, then leave
            cancel.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise
        return move_clip(result, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        await provider.close()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_auto:
        from ltx_editor.core.auto_model import table_text

        print(table_text())
        return 0
    if not args.output:
        parser.error("the following arguments are required: -o/--output")
    if Path(args.output).suffix.lower() != ".mp4":  # the name given; a link may point elsewhere (checked later)
        parser.error("-o must name an .mp4 file")
    out = Path(args.output).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    bar = ProgressBar() if not args.quiet else (lambda event: None)
    try:
        if args.from_sidecar:
            from ltx_editor.generation.sidecar import regeneration_request

            request = regeneration_request(args.from_sidecar)
        else:
            request = build_request(args, parser)
        _check_outputs(out, request, args.from_sidecar)
        result = asyncio.run(_run(_provider(args, request.backend), request, out, bar))
    except ValidationError as exc:
        print(f"error: {describe_validation_error(exc)}", file=sys.stderr)
        return 2
    except LtxEditorError as exc:
        if isinstance(bar, ProgressBar):
            bar.close()
        print(f"error: {for_terminal(exc.message)}" + (f"\n  {for_terminal(exc.hint)}" if exc.hint else ""),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncancelled", file=sys.stderr)
        return 130
    if isinstance(bar, ProgressBar):
        bar.close()
    print(f"{result.video_path}  ({result.num_frames} frames, {result.width}x{result.height}, seed {result.seed},"
          f" {result.timings.get('total', 0):.1f} s)")
    for note in result.notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
