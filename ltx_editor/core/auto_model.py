"""The "Auto" model: which local model, precision and offload to use for the VRAM this machine has.

A table, best first; the first row whose VRAM floor fits wins. Floors come from local_registry's estimates
(transformer weights at that precision + activations, model CPU offload keeping the text encoder off the GPU).
Distilled checkpoints only: Auto is for people who did not pick, and they get the fast reference recipe.
The hardware probe passes the VRAM in (None = no usable GPU). Torch-free.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AUTO = "auto"  # the model id the GUI and the CLI use for "pick for me"


@dataclass(frozen=True)
class AutoRow:
    min_vram_gb: float
    model_id: str
    fp8: bool  # keep transformer weights in float8 (layerwise casting)
    offload: Literal["none", "model", "sequential", "group"]
    why: str


AUTO_TABLE: tuple[AutoRow, ...] = (
    AutoRow(48, "ltx-2.3-22b-distilled", False, "model", "LTX-2.3 22B distilled in bf16 (~48 GB) fits"),
    AutoRow(32, "ltx-2.3-22b-distilled-fp8", True, "model", "LTX-2.3 22B distilled from its fp8 file (~26 GB)"),
    AutoRow(24, "ltx-2-19b-distilled", True, "model", "LTX-2 19B distilled with fp8 storage (~23 GB)"),
    AutoRow(20, "ltxv-13b-0.9.8-distilled", True, "model", "LTX-Video 13B 0.9.8 distilled with fp8 storage (~17 GB)"),
    AutoRow(8, "ltxv-2b-0.9.8-distilled", False, "model", "LTX-Video 2B 0.9.8 distilled in bf16 (~8 GB)"),
    AutoRow(4, "ltxv-2b-0.9.8-distilled", False, "sequential",
            "LTX-Video 2B 0.9.8 distilled, streamed layer by layer (slow, fits ~4 GB)"),
)
CPU_MODEL = "ltxv-2b-0.9.8-distilled"
ROUNDING_GB = 0.5  # a "24 GB" card reports 23.99 GiB: the floors are the cards' nominal sizes


@dataclass(frozen=True)
class AutoChoice:
    model_id: str
    fp8: bool
    offload: str
    reason: str
    vram_gb: float | None
    on_gpu: bool

    def as_record(self) -> dict:
        return {"model_id": self.model_id, "fp8": self.fp8, "offload": self.offload, "reason": self.reason,
                "vram_gb": self.vram_gb}


def choose_auto(vram_gb: float | None) -> AutoChoice:
    """The first table row that fits `vram_gb`; the smallest model on the CPU when there is no GPU."""
    if vram_gb:
        for row in AUTO_TABLE:
            if vram_gb + ROUNDING_GB >= row.min_vram_gb:
                return AutoChoice(row.model_id, row.fp8, row.offload,
                                  f"Auto: {vram_gb:.0f} GB of GPU memory -> {row.why}.", vram_gb, True)
    gpu = f"{vram_gb:.1f} GB of GPU memory is below every row" if vram_gb else "no usable GPU"
    return AutoChoice(CPU_MODEL, False, "none", f"Auto: {gpu} -> LTX-Video 2B distilled on the CPU (slow).",
                      vram_gb, False)


def table_text() -> str:
    """The table as the CLI prints it (`ltx-editor generate --list-auto`)."""
    lines = ["VRAM >=  model                         fp8  offload     why"]
    for r in AUTO_TABLE:
        lines.append(f"{r.min_vram_gb:>5g} GB {r.model_id:<29} {'yes' if r.fp8 else 'no ':<4} {r.offload:<11} {r.why}")
    lines.append(f"  (none) {CPU_MODEL:<29} no   none        on the CPU")
    return "\n".join(lines)
