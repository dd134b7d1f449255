"""Where each local model's weights live on the Hugging Face hub, how they are laid out, what they need.

Every entry names a repo (diffusers folders) or one file inside a repo (a Lightricks single-file checkpoint,
loaded with `from_single_file` and the config repo's text encoder/tokenizer/scheduler — never a second copy of
the transformer). `verified` says the repo/file was seen on a stored Hugging Face page or in diffusers'
docs/sources (cited per entry); unverified entries are kept but marked, and the GUI/CLI say so.

Sizes: `file_gb` is the published size of the weights file(s) when a page shows it; `disk_gb` adds the shared
text encoder (estimate: T5-XXL 4.8B params / Gemma 3 12B / Gemma 4 12B in bf16). VRAM (GB) is an estimate at
768x512x121 with model CPU offload (text encoder off the GPU while denoising): transformer weights at that
precision + ~4 GB for activations and the VAE decode (tiled). The bench (tests/bench/gpu_generate.py)
measures the real figures when a GPU is available.
Torch-free.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Layout = Literal["diffusers", "single_file"]

# Hub pages (read through the stored copies, 2026-12-01):
_LTXV_FILES = "https://huggingface.co/Lightricks/LTX-Video (file pages: sizes shown there)"
_LTXV_DOCS = "diffusers docs api/pipelines/ltx_video.md"
_LTX2_DOCS = "diffusers docs api/pipelines/ltx2.md"
_SINGLE_FILE_MAP = "diffusers loaders/single_file_utils.py DIFFUSERS_DEFAULT_PIPELINE_PATHS (0.42.1)"
_LTX23_MODELS = "https://raw.githubusercontent.com/Lightricks/LTX-2/main/MODELS-LTX-2.3.md"
_LTX23_COMMIT = "https://huggingface.co/Lightricks/LTX-2.3/commit/76730e634e70a28f4e8d51f5e29c08e40e2d8e74"
_LTX25_FILES = "https://huggingface.co/tugrulv89/LTX_2.5-handler (byte-for-byte listing of Lightricks/LTX-2.5)"

T5_GB = 9.5  # T5-XXL encoder in bf16 (estimate)
GEMMA3_GB = 24.0  # Gemma 3 12B in bf16 (estimate)
GEMMA4_GB = 26.26  # gemma4-12b-with-proj-ltx-2.5-bf16.safetensors (_LTX25_FILES)
ACTIVATIONS_GB = 4.0


class HubWeights(BaseModel):
    """One thing to fetch: a diffusers repo (optionally one subfolder of it) or one file in a repo."""

    model_config = ConfigDict(frozen=True)

    repo: str
    revision: str = "main"
    file: str | None = None  # single-file layout: the .safetensors inside `repo`
    subfolder: str | None = None  # diffusers layout: a component folder inside `repo`
    gb: float | None = None  # published size; None = not shown on any page we read
    verified: bool = True
    source: str = ""

    @property
    def ref(self) -> str:
        """The string `generation.local.source.parse_source` reads: org/name[@rev] or org/name[@rev]/file."""
        rev = f"@{self.revision}" if self.revision != "main" else ""
        if self.file:
            return f"{self.repo}{rev}/{self.file}"
        return f"{self.repo}{rev}" + (f"#{self.subfolder}" if self.subfolder else "")


class LocalWeights(BaseModel):
    model_config = ConfigDict(frozen=True)

    layout: Layout
    weights: HubWeights  # the checkpoint (diffusers repo or single file)
    config_repo: str | None = None  # single files: the diffusers repo holding text encoder, tokenizer, configs
    params_b: float  # transformer parameters, billions
    text_encoder_gb: float
    upsampler: HubWeights | None = None  # spatial latent upsampler (2x)
    distilled_lora: HubWeights | None = None  # dev checkpoints: the official distilled LoRA (refine pass)
    alternatives: tuple[HubWeights, ...] = ()  # the same weights in the other layout
    gated: bool = False  # needs the license accepted and `hf auth login`
    stored_precision: Literal["bf16", "fp8"] = "bf16"
    notes: str = ""

    @property
    def verified(self) -> bool:
        """The checkpoint itself was seen on a page (the upsampler is marked on its own HubWeights)."""
        return self.weights.verified

    @property
    def disk_gb(self) -> float | None:
        gb = self.weights.gb if self.weights.gb is not None else None
        if gb is None:
            return None
        return round(gb + (self.text_encoder_gb if self.layout == "single_file" else 0.0), 2)

    def vram_gb(self, precision: Literal["bf16", "fp8"] = "bf16", guided: bool = False) -> float:
        """guided: classifier-free guidance runs the transformer on a batch of two (twice the activations)."""
        per_param = 1.0 if precision == "fp8" else 2.0
        return round(self.params_b * per_param + ACTIVATIONS_GB * (2 if guided else 1), 1)

    def vram_table(self, guided: bool = False) -> dict[str, float]:
        return {"bf16": self.vram_gb("bf16", guided), "fp8": self.vram_gb("fp8", guided)}


def _file(repo: str, file: str, gb: float | None, source: str, verified: bool = True) -> HubWeights:
    return HubWeights(repo=repo, file=file, gb=gb, source=source, verified=verified)


def _repo(repo: str, source: str, gb: float | None = None, subfolder: str | None = None,
          verified: bool = True) -> HubWeights:
    return HubWeights(repo=repo, subfolder=subfolder, gb=gb, source=source, verified=verified)


# The 0.9.8 spatial upscaler file is a copy of 0.9.7's (its file page: "Copy ltxv-spatial-upscaler-0.9.7.safetensors
# to ltxv-spatial-upscaler-0.9.8.safetensors", 505 MB), so the diffusers-format 0.9.7 repo serves both.
_LTXV_UPSAMPLER = _repo("Lightricks/ltxv-spatial-upscaler-0.9.7", _LTXV_DOCS + " (0.9.7 examples)", gb=0.505)
_LTX2_UPSAMPLER = _repo("Lightricks/LTX-2", _LTX2_DOCS + " (latent_upsampler subfolder)", gb=0.996,
                        subfolder="latent_upsampler")
_LTX23_CONFIG = "diffusers/LTX-2.3-Diffusers"  # named as the VAE's source on rootonchair/LTX-2.3-*-Diffusers cards
_LTX23_UPSAMPLER = _repo(_LTX23_CONFIG, "assumed latent_upsampler/ of the diffusers conversion; not on a page",
                         subfolder="latent_upsampler", verified=False)
_LTX23_LORA = _file("Lightricks/LTX-2.3", "ltx-2.3-22b-distilled-lora-384-1.1.safetensors", 7.61, _LTX23_COMMIT)
_LTX25 = "Lightricks/LTX-2.5-Diffusers"
_LTX25_LORA = HubWeights(repo=_LTX25, file="ltx-2.5-22b-distilled-lora-450-bf16.safetensors", gb=8.90,
                         source=_LTX2_DOCS + " (LTX-2.5: LoRA at the repo root)")

LOCAL_WEIGHTS: dict[str, LocalWeights] = {
    "ltxv-2b-0.9.5": LocalWeights(
        layout="diffusers", weights=_repo("Lightricks/LTX-Video-0.9.5", _LTXV_DOCS + " (0.9.5 LoRA example)"),
        params_b=2.0, text_encoder_gb=T5_GB,
        alternatives=(_file("Lightricks/LTX-Video", "ltx-video-2b-v0.9.5.safetensors", 6.34, _LTXV_FILES),)),
    "ltxv-13b-0.9.7-dev": LocalWeights(
        layout="diffusers", weights=_repo("Lightricks/LTX-Video-0.9.7-dev", _LTXV_DOCS + " (0.9.7 example)"),
        params_b=13.0, text_encoder_gb=T5_GB, upsampler=_LTXV_UPSAMPLER),
    "ltxv-13b-0.9.7-distilled": LocalWeights(
        layout="diffusers",
        weights=_repo("Lightricks/LTX-Video-0.9.7-distilled", _LTXV_DOCS + " (0.9.7 distilled example)"),
        params_b=13.0, text_encoder_gb=T5_GB, upsampler=_LTXV_UPSAMPLER),
    # No diffusers-format 0.9.8 dev repo is documented: the single file with the 13B config repo diffusers
    # itself uses for 13B checkpoints (_SINGLE_FILE_MAP: "ltx-video-0.9.7" -> Lightricks/LTX-Video-0.9.7-dev).
    "ltxv-13b-0.9.8-dev": LocalWeights(
        layout="single_file", weights=_file("Lightricks/LTX-Video", "ltxv-13b-0.9.8-dev.safetensors", 28.6,
                                            _LTXV_FILES),
        config_repo="Lightricks/LTX-Video-0.9.7-dev", params_b=13.0, text_encoder_gb=T5_GB,
        upsampler=_LTXV_UPSAMPLER, notes="config repo per " + _SINGLE_FILE_MAP),
    "ltxv-13b-0.9.8-distilled": LocalWeights(
        layout="diffusers",
        weights=_repo("Lightricks/LTX-Video-0.9.8-13B-distilled", _LTXV_DOCS + " (0.9.8 distilled example)"),
        params_b=13.0, text_encoder_gb=T5_GB, upsampler=_LTXV_UPSAMPLER,
        alternatives=(_file("Lightricks/LTX-Video", "ltxv-13b-0.9.8-distilled.safetensors", 28.6, _LTXV_FILES),)),
    # The 2B 0.9.8 distilled file is not shown on any stored page (only 13B 0.9.8 files are): unverified.
    # Its config repo is the one diffusers maps 2B checkpoints with the 0.9.5 VAE to (_SINGLE_FILE_MAP).
    "ltxv-2b-0.9.8-distilled": LocalWeights(
        layout="single_file",
        weights=_file("Lightricks/LTX-Video", "ltxv-2b-0.9.8-distilled.safetensors", None,
                      "named like the 13B 0.9.8 files on " + _LTXV_FILES + "; not seen on a page", verified=False),
        config_repo="Lightricks/LTX-Video-0.9.5", params_b=2.0, text_encoder_gb=T5_GB, upsampler=_LTXV_UPSAMPLER),
    "ltx-2-19b": LocalWeights(
        layout="diffusers", weights=_repo("Lightricks/LTX-2", _LTX2_DOCS + " (Two-stages Generation)"),
        params_b=19.0, text_encoder_gb=GEMMA3_GB, upsampler=_LTX2_UPSAMPLER,
        distilled_lora=_file("Lightricks/LTX-2", "ltx-2-19b-distilled-lora-384.safetensors", 7.67,
                             "https://huggingface.co/Lightricks/LTX-2/blob/main/ltx-2-19b-distilled-lora-384.safetensors")),
    # The official distilled weights are a single file in the same repo (its model card's checkpoint table);
    # diffusers maps every LTX-2 single file to the Lightricks/LTX-2 config (_SINGLE_FILE_MAP "ltx2-dev").
    "ltx-2-19b-distilled": LocalWeights(
        layout="single_file",
        weights=_file("Lightricks/LTX-2", "ltx-2-19b-distilled.safetensors", None,
                      "Lightricks/LTX-2 model card, Model Checkpoints table (ltx-2-19b-distilled)"),
        config_repo="Lightricks/LTX-2", params_b=19.0, text_encoder_gb=GEMMA3_GB, upsampler=_LTX2_UPSAMPLER),
    "ltx-2.3-22b-dev": LocalWeights(
        layout="single_file", weights=_file("Lightricks/LTX-2.3", "ltx-2.3-22b-dev.safetensors", 46.15, _LTX23_MODELS),
        config_repo=_LTX23_CONFIG, params_b=22.0, text_encoder_gb=GEMMA3_GB, upsampler=_LTX23_UPSAMPLER,
        distilled_lora=_LTX23_LORA, notes="size assumed equal to the distilled file (same 22B architecture)"),
    "ltx-2.3-22b-distilled": LocalWeights(
        layout="single_file",
        weights=_file("Lightricks/LTX-2.3", "ltx-2.3-22b-distilled-1.1.safetensors", 46.15,
                      _LTX23_MODELS + "; size 46149345334 bytes on " + _LTX23_COMMIT),
        config_repo=_LTX23_CONFIG, params_b=22.0, text_encoder_gb=GEMMA3_GB, upsampler=_LTX23_UPSAMPLER),
    "ltx-2.3-22b-dev-fp8": LocalWeights(
        layout="single_file", weights=_file("Lightricks/LTX-2.3-fp8", "ltx-2.3-22b-dev-fp8.safetensors", 29.0,
                                            "https://huggingface.co/Lightricks/LTX-2.3-fp8 (file list)"),
        config_repo=_LTX23_CONFIG, params_b=22.0, text_encoder_gb=GEMMA3_GB, upsampler=_LTX23_UPSAMPLER,
        distilled_lora=_LTX23_LORA, stored_precision="fp8"),
    "ltx-2.3-22b-distilled-fp8": LocalWeights(
        layout="single_file",
        weights=_file("Lightricks/LTX-2.3-fp8", "ltx-2.3-22b-distilled-fp8.safetensors", 29.0,
                      "https://huggingface.co/Lightricks/LTX-2.3-fp8 (file list)"),
        config_repo=_LTX23_CONFIG, params_b=22.0, text_encoder_gb=GEMMA3_GB, upsampler=_LTX23_UPSAMPLER,
        stored_precision="fp8"),
    # LTX-2.5 diffusers repo (gated): transformer/ = distilled (model_index.json), transformer_full/ = SFT/dev,
    # latent_upsampler/, diffusion_decoder/, the distilled LoRA at the root (_LTX2_DOCS "LTX-2.5").
    "ltx-2.5-22b-distilled": LocalWeights(
        layout="diffusers", weights=_repo(_LTX25, _LTX2_DOCS + " (LTX-2.5)", gb=42.02 + 1.47 + 0.36 + GEMMA4_GB),
        params_b=22.0, text_encoder_gb=GEMMA4_GB, gated=True,
        upsampler=_repo(_LTX25, _LTX2_DOCS + " (LTX-2.5 two-stage)", gb=1.0, subfolder="latent_upsampler"),
        notes="sizes from " + _LTX25_FILES),
    "ltx-2.5-22b-dev": LocalWeights(
        layout="diffusers",
        weights=_repo(_LTX25, _LTX2_DOCS + " (Full / SFT transformer)", gb=42.02 + 1.47 + 0.36 + GEMMA4_GB),
        params_b=22.0, text_encoder_gb=GEMMA4_GB, gated=True,
        upsampler=_repo(_LTX25, _LTX2_DOCS + " (LTX-2.5 two-stage)", gb=1.0, subfolder="latent_upsampler"),
        distilled_lora=_LTX25_LORA, notes="loads transformer_full/ in place of transformer/; sizes from "
                                          + _LTX25_FILES),
}

# Which diffusers config repo a single file of each family/size uses when the person brings their own file.
SINGLE_FILE_CONFIGS = {("ltx-video", "2B"): "Lightricks/LTX-Video-0.9.5",
                       ("ltx-video", "13B"): "Lightricks/LTX-Video-0.9.7-dev",
                       ("ltx-2", "19B"): "Lightricks/LTX-2", ("ltx-2", "22B"): _LTX23_CONFIG}
