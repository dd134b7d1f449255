"""Live previews, made inside the pipeline's step callback (worker jobs; the CLI's in-process runs skip them).

What the picture is, and why it is made this way:
- The clean estimate, not the noisy latents. A step callback sees x_t, mostly noise until the last steps. Both
  LTX families step with FlowMatchEulerDiscreteScheduler (x_next = x + (sigma_next - sigma) * v), so two
  consecutive latents give v and the estimate x0 = x_next - sigma_next * v (exact at the last step, sigma 0).
- One frame, through the model's own VAE. The middle latent frame of that estimate is denormalised and decoded
  as the pipeline decodes (its decode_timestep, no decode noise), after average-pooling it so the decoded frame
  is at most `decode_width` px wide, then shrunk to PREVIEW_MAX_WIDTH. So the colours are this model's, with no
  third-party latent->RGB table (such tables fit one VAE and come under their tools' licences) or extra weights.
- Cheap by construction. At most one every `every_s` seconds, and past the first, one only while all of them
  together (the last one's cost included) stay within `max_share` of the time since the job's first pipeline
  call: a slow machine, or an expensive VAE, just gets fewer. The global RNG is forked
  around the decode (the VAE's noise injection draws from it): a clip made with previews is the same clip.
- Skipped under CPU offload: calling the VAE mid-loop would push the transformer off the GPU every time.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable
from time import perf_counter
from typing import Any

from ..preview import PREVIEW_MAX_WIDTH

log = logging.getLogger(__name__)


class LatentPreviewer:
    def __init__(self, *, every_s: float = 0.5, max_share: float = 0.03, decode_width: int = 512,
                 max_width: int = PREVIEW_MAX_WIDTH, clock: Callable[[], float] = perf_counter) -> None:
        self.every_s, self.max_share, self.decode_width, self.max_width = every_s, max_share, decode_width, max_width
        self.clock = clock
        self.made = 0
        self.seconds = 0.0  # spent making previews (the bench and the cost guard read it)
        self._since: float | None = None  # the first pipeline call of the job
        self._last_at: float | None = None
        self._last_cost = 0.0
        self._grid: tuple[int, int, int] | None = None  # latent frames, rows, columns of the current call
        self._video_first = True
        self._decode_timestep = 0.0
        self._prev: Any = None
        self._failed = False

    def begin(self, pipe: Any, kwargs: dict) -> None:
        """A new pipeline call (a multi-scale run has two): its latent grid, and no previous latents yet."""
        self._prev, self._grid = None, None
        if self._since is None:
            self._since = self.clock()
        try:
            if getattr(pipe, "transformer_spatial_patch_size", 1) != 1 or \
                    getattr(pipe, "transformer_temporal_patch_size", 1) != 1:
                return  # LTX checkpoints use 1x1x1 patches; anything else is not unpacked here
            t, s = int(pipe.vae_temporal_compression_ratio), int(pipe.vae_spatial_compression_ratio)
            self._grid = ((int(kwargs["num_frames"]) - 1) // t + 1, int(kwargs["height"]) // s,
                          int(kwargs["width"]) // s)
        except (AttributeError, KeyError, TypeError, ValueError):
            return
        # Extra conditioning tokens: LTX-2's condition pipelines append them, LTX-Video's prepends them.
        self._video_first = type(pipe).__name__.startswith("LTX2")
        timestep = kwargs.get("decode_timestep") or 0.0
        self._decode_timestep = float(timestep[0] if isinstance(timestep, list | tuple) else timestep)

    def __call__(self, pipe: Any, latents: Any) -> tuple[bytes, int, int] | None:
        """After every step: keep this step's middle frame; return (JPEG, width, height) when a preview is due."""
        if self._grid is None or self._failed or latents is None:
            return None
        frame = self._middle_frame(latents)
        prev, self._prev = self._prev, frame
        if frame is None or prev is None:
            return None
        start = self.clock()
        if self._last_at is not None and (start - self._last_at < self.every_s or
                                          self.seconds + self._last_cost > self.max_share * (start - self._since)):
            return None
        try:
            shot = self._render(pipe, _x0(pipe.scheduler, prev, frame))
        except Exception:  # a preview must never fail the job
            log.warning("live preview failed; no more previews for this job", exc_info=True)
            self._failed = True
            return None
        self._last_at = self.clock()
        self._last_cost = self._last_at - start
        self.made, self.seconds = self.made + 1, self.seconds + self._last_cost
        return shot

    def _middle_frame(self, latents: Any) -> Any:
        import torch

        frames, rows, cols = self._grid or (0, 0, 0)
        per_frame = rows * cols
        if latents.ndim != 3 or per_frame == 0 or latents.shape[1] < frames * per_frame:
            return None
        first = 0 if self._video_first else latents.shape[1] - frames * per_frame
        start = first + (frames // 2) * per_frame
        return latents[0, start:start + per_frame].to(torch.float32, copy=True)  # (rows * cols, channels)

    def _render(self, pipe: Any, x0: Any) -> tuple[bytes, int, int]:
        import torch
        import torch.nn.functional as F
        from PIL import Image

        _frames, rows, cols = self._grid or (0, 0, 0)
        vae = pipe.vae
        z = x0.T.reshape(1, -1, rows, cols)
        ratio = int(pipe.vae_spatial_compression_ratio)
        out_cols = max(1, min(cols, self.decode_width // ratio))
        if out_cols < cols:
            z = F.adaptive_avg_pool2d(z, (max(1, round(rows * out_cols / cols)), out_cols))
        z = pipe._denormalize_latents(z.unsqueeze(2), vae.latents_mean, vae.latents_std, vae.config.scaling_factor)
        temb = None
        if getattr(vae.config, "timestep_conditioning", False):
            temb = torch.tensor([self._decode_timestep], device=z.device, dtype=vae.dtype)
        devices = [z.device] if z.device.type == "cuda" else []
        with torch.no_grad(), torch.random.fork_rng(devices=devices):
            pixels = vae.decode(z.to(vae.dtype), temb, return_dict=False)[0]
        rgb = ((pixels[0, :, 0].float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
        image = Image.fromarray(rgb.permute(1, 2, 0).cpu().numpy())
        if image.width > self.max_width:
            image = image.resize((self.max_width, max(1, round(image.height * self.max_width / image.width))),
                                 Image.Resampling.BILINEAR)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        return buffer.getvalue(), image.width, image.height


def _x0(scheduler: Any, prev: Any, current: Any) -> Any:
    """The flow-matching clean estimate from two consecutive latents (the latents as they are otherwise)."""
    index, sigmas = getattr(scheduler, "step_index", None), getattr(scheduler, "sigmas", None)
    if index is None or sigmas is None or not 1 <= index < len(sigmas):
        return current
    sigma, sigma_next = float(sigmas[index - 1]), float(sigmas[index])
    if sigma - sigma_next < 1e-6:
        return current
    velocity = (current - prev) / (sigma_next - sigma)
    return current - sigma_next * velocity
