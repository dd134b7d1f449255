"""Device, dtype and memory controls for the local pipelines (torch imported inside functions only)."""
from __future__ import annotations

import gc
from typing import Any

OFFLOAD_LADDER = ("none", "model", "sequential")  # each step uses less VRAM and runs slower


def pick_device(requested: str | None = None) -> str:
    """cuda when a GPU is usable, else cpu; an explicit request wins."""
    if requested:
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def pick_dtype(device: str, requested: str | None = None) -> Any:
    """bf16 on GPUs (what LTX was trained in), float32 on the CPU (bf16 matmuls there are slow and lossy)."""
    import torch

    if requested:
        return getattr(torch, requested)
    return torch.bfloat16 if device.startswith("cuda") else torch.float32


def total_vram_gb(device: str) -> float | None:
    """Total memory of the GPU `device` in GB, or None on the CPU."""
    if not device.startswith("cuda"):
        return None
    import torch

    if not torch.cuda.is_available():
        return None
    index = torch.device(device).index or 0
    return torch.cuda.get_device_properties(index).total_memory / 1024**3


def free_memory() -> None:
    """Drop unreachable tensors and hand cached GPU blocks back to the driver."""
    gc.collect()
    try:
        import torch
    except ImportError:
        return
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.ipc_collect()


def peak_vram_gb(device: str) -> float | None:
    if not device.startswith("cuda"):
        return None
    import torch

    return torch.cuda.max_memory_allocated() / 1024**3


def is_out_of_memory(exc: BaseException) -> bool:
    """torch.OutOfMemoryError, or the RuntimeError older kernels / other backends raise for it."""
    import torch

    oom_type = getattr(torch, "OutOfMemoryError", None) or getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def set_vae_tiling(pipe: Any, enabled: bool) -> None:
    """Tiled VAE decode: peak memory of the decode no longer grows with the frame size."""
    vae = getattr(pipe, "vae", None)
    if vae is None or not hasattr(vae, "enable_tiling"):
        return
    if enabled:
        vae.enable_tiling()
    else:
        vae.disable_tiling()


def enable_fp8_storage(transformer: Any) -> None:
    """Keep transformer weights in float8 and upcast one layer at a time to bf16 for compute (~half the VRAM)."""
    import torch

    transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn, compute_dtype=torch.bfloat16)


def apply_offload(pipe: Any, mode: str, device: str) -> None:
    """Put `pipe`'s components where `mode` says: all on `device`, or offloaded to the CPU between uses."""
    import torch

    if mode == "none":
        pipe.to(device)
    elif mode == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif mode == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif mode == "group":
        pipe.enable_group_offload(onload_device=torch.device(device), offload_device=torch.device("cpu"),
                                  offload_type="leaf_level", use_stream=True)
    else:
        raise ValueError(f"unknown offload mode {mode!r}")
