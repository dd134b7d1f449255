"""Whether the local backend can really run the chosen model here, and if not what is missing and the fix.

"Local ready" only with a GPU torch can use (or a person's explicit choice to run on the CPU) and the chosen
model downloaded and fitting that GPU. Otherwise one reason, in words, and one fix with an action the GUI can
run: "download:<model id>", "model:<model id>" (a smaller model that fits), "backend:<fal|replicate>" (the
cloud, with its price), "install-local" (the right torch build), "allow-cpu". Torch-free, Qt-free.
"""
from __future__ import annotations

from dataclasses import dataclass

from ltx_editor.core.catalog import CATALOG, ModelInfo

from .hardware import GIB, Hardware
from .model_store import ModelEntry

SECONDS_PER_STEP_CPU = {"2B": 45.0, "13B": 300.0, "19B": 450.0, "22B": 520.0}  # 768x512x121, 8 cores (rough)
REFERENCE_WORK = 768 * 512 * 121  # pixels x frames the table above was timed at


@dataclass(frozen=True)
class LocalVerdict:
    ready: bool
    reason: str
    fix: str = ""
    action: str = ""


def _gb(n: int | None) -> str:
    return f"≈ {n / 1e9:.1f} GB" if n else "size unknown"


def cpu_estimate_s(info: ModelInfo, steps: int | None = None, work: int | None = None) -> float:
    """A rough time for one clip on the CPU (said before the job starts, never promised): the per-step table
    scaled by the steps and by `work` (width x height x frames) against the size it was timed at."""
    per_step = SECONDS_PER_STEP_CPU.get(info.params, 300.0)
    scale = work / REFERENCE_WORK if work else 1.0
    return per_step * scale * (steps or info.default_steps)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{max(1, round(seconds)):.0f} s"


def _smaller_fitting(info: ModelInfo, entries: dict[str, ModelEntry]) -> ModelEntry | None:
    """The best other model that fits this GPU, preferring one already downloaded."""
    fitting = [e for e in entries.values() if e.fits and e.model_id != info.id]
    fitting.sort(key=lambda e: (e.state not in ("downloaded", "in_use"), -e.vram_gb))
    return fitting[0] if fitting else None


def judge(info: ModelInfo, hw: Hardware, entries: dict[str, ModelEntry], *, allow_cpu: bool = False,
          cloud_offer: tuple[str, str] | None = None, custom_path: bool = False,
          steps: int | None = None, work: int | None = None) -> LocalVerdict:
    """The verdict for running `info` locally. `cloud_offer` is (backend, "fal.ai ≈ $0.20") when a cloud
    service can run the same request; `custom_path` when the person pointed at their own weights; `steps` and
    `work` (width x height x frames) are the form's, for the CPU time estimate."""
    cpu_time = _minutes(cpu_estimate_s(info, steps, work))
    cloud = (LocalVerdict(False, "", f"Generate on {cloud_offer[1]}", f"backend:{cloud_offer[0]}")
             if cloud_offer else None)
    gpu = hw.best_gpu
    if gpu is None and not allow_cpu:
        fix = cloud or LocalVerdict(False, "", "", "")
        return LocalVerdict(False, f"no GPU found on this machine: {info.name} on the CPU would take about "
                            f"{cpu_time} per clip", fix.fix or "Run on the CPU anyway (slow)",
                            fix.action or "allow-cpu")
    if gpu is not None and not hw.torch_can_use_gpu and not allow_cpu:
        build = hw.torch.describe()
        return LocalVerdict(False, f"{build} cannot use the {gpu.name}", "Install local generation for this GPU",
                            "install-local")
    entry = entries.get(info.id)
    if entry is not None and not custom_path and entry.state in ("absent", "partial"):
        if entry.state == "partial":
            have = entry.size_bytes + entry.partial_bytes
            reason = f"{info.name} is only partly downloaded ({_gb(have)} of {_gb(entry.download_bytes)})"
        else:
            reason = f"{info.name} is not downloaded ({_gb(entry.download_bytes)})"
        return LocalVerdict(False, reason, f"Download {info.name}" if entry.state == "absent" else "Resume the download",
                            f"download:{info.id}")
    if gpu is not None and entry is not None and not entry.fits:
        smaller = _smaller_fitting(info, entries)
        reason = f"{info.name} needs {entry.vram_gb:.0f} GB VRAM, this GPU has {gpu.vram_total_bytes / GIB:.0f}"
        if smaller is not None:
            return LocalVerdict(False, reason, f"Use {smaller.name} ({smaller.verdict})", f"model:{smaller.model_id}")
        return LocalVerdict(False, reason, cloud.fix if cloud else "", cloud.action if cloud else "")
    if gpu is None:
        return LocalVerdict(True, f"{info.name} on the CPU: about {cpu_time} per clip")
    precision = f", {entry.precision}" if entry is not None and entry.precision else ""
    return LocalVerdict(True, f"{info.name} on {gpu.name}{precision}")


def model_info(model_id: str) -> ModelInfo | None:
    return CATALOG.get(model_id)


__all__ = ["LocalVerdict", "cpu_estimate_s", "judge", "model_info"]
