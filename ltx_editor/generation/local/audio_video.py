"""Audio-to-video on a local LTX-2.x model: the sound is encoded by the model's own audio VAE and held clean
while the picture is denoised, so the video stream cross-attends to it at every step.

diffusers 0.42.1: LTX2Pipeline / LTX2ConditionPipeline always denoise their `audio_latents` from noise (they are
"pre-generated noisy latents"); the one LTX-2 pipeline that holds given audio at sigma 0 is LTX2DFRPipeline
(`freeze_audio=True`: "Hold `audio_latents` clean (timestep/sigma 0, no audio Euler step) while still running
audio-to-video cross-attention", pipeline_ltx2_dfr.py). It is built from the loaded model with `from_pipe`
(the same modules, no second copy), run without keyframe slots (`generate_slots=False`: those need LTX-2.5's
keyframe embedding). It has no classifier-free guidance: distilled recipes run their own sigmas, guided (dev)
ones a linear schedule of their steps, unguided; the sidecar notes say so.

The waveform -> log-mel step follows the LTX-2 audio processor used by training code for this VAE (FastVideo
fastvideo/models/audio/ltx2_audio_processing.py; SimpleTuner ltxvideo2/audio_autoencoder.py): hann window,
win = n_fft, hop = the VAE's mel_hop_length, centred with reflect padding, magnitude (power 1), Slaney mel
scale and norm from 0 Hz to Nyquist, log of the magnitude clamped at 1e-5, at the VAE's sample rate, stereo
((B, 2, frames, mel_bins)). torchaudio is not a dependency here, so the same transform is written with
torch.stft and the Slaney filterbank formula. N_FFT 1024 is those processors' usual value; it was not found
in a stored Lightricks config, so it is recorded in each clip's notes.
"""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from ltx_editor.core.recipes import Recipe

from ..errors import InvalidRequest
from ..request import GenerationRequest
from .modes import PipeFacts, PipelineCall

N_FFT = 1024
A2V_PIPE = "a2v"


def read_waveform(path: str | Path, sample_rate: int, channels: int = 2, seconds: float | None = None) -> np.ndarray:
    """(channels, samples) float32 of `path`'s sound at `sample_rate`, cut or padded with silence to `seconds`."""
    from imageio_ffmpeg import get_ffmpeg_exe

    from ltx_editor.core.ffmpeg import file_arg

    cmd = [get_ffmpeg_exe(), "-v", "error", "-nostdin", "-i", file_arg(Path(path)), "-vn", "-f", "f32le",
           "-ac", str(channels), "-ar", str(sample_rate), "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode:
        raise InvalidRequest(f"Could not read the sound of {Path(path).name}: "
                             f"{proc.stderr.decode(errors='replace').strip()[-200:]}")
    wave = np.frombuffer(proc.stdout, dtype=np.float32).reshape(-1, channels).T
    if seconds is not None:
        n = round(seconds * sample_rate)
        wave = np.pad(wave[:, :n], ((0, 0), (0, max(0, n - wave.shape[1]))))
    if wave.shape[1] == 0:
        raise InvalidRequest(f"{Path(path).name} has no sound to follow.")
    return np.ascontiguousarray(wave)


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    lin = f / (200.0 / 3)
    return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), lin)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), (200.0 / 3) * m)


def slaney_filterbank(sample_rate: int, n_fft: int, n_mels: int) -> np.ndarray:
    """(n_mels, n_fft // 2 + 1) triangular filters from 0 Hz to Nyquist, each normalised by its width (Slaney)."""
    freqs = np.linspace(0.0, sample_rate / 2.0, n_fft // 2 + 1)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sample_rate / 2.0), n_mels + 2))
    widths = np.diff(edges)
    slopes = edges[:, None] - freqs[None, :]
    down = -slopes[:-2] / widths[:-1, None]
    up = slopes[2:] / widths[1:, None]
    filters = np.maximum(0.0, np.minimum(down, up))
    return (filters * (2.0 / (edges[2:] - edges[:-2]))[:, None]).astype(np.float32)


def log_mel(wave: np.ndarray, sample_rate: int, n_mels: int, hop: int, n_fft: int = N_FFT) -> Any:
    """(1, channels, frames, n_mels) log-magnitude mel spectrogram of a (channels, samples) waveform."""
    import torch

    x = torch.from_numpy(wave)
    if x.shape[1] <= n_fft // 2:  # reflect padding needs more samples than half a window
        x = torch.nn.functional.pad(x, (0, n_fft // 2 + 1 - x.shape[1]))
    spec = torch.stft(x, n_fft=n_fft, hop_length=hop, win_length=n_fft, window=torch.hann_window(n_fft),
                      center=True, pad_mode="reflect", return_complex=True).abs()
    mel = torch.from_numpy(slaney_filterbank(sample_rate, n_fft, n_mels)) @ spec  # (channels, n_mels, frames)
    return torch.log(torch.clamp(mel, min=1e-5)).permute(0, 2, 1).unsqueeze(0).contiguous()


def encode_audio(audio_vae: Any, path: str | Path, seconds: float) -> Any:
    """The sound of `path` (its first `seconds`, padded with silence) as unpacked audio latents (B, C, L, M)."""
    import torch

    cfg = audio_vae.config
    wave = read_waveform(path, int(cfg.sample_rate), int(cfg.in_channels), seconds)
    mel = log_mel(wave, int(cfg.sample_rate), int(cfg.mel_bins), int(cfg.mel_hop_length))
    param = next(audio_vae.parameters())
    with torch.no_grad():
        latents = audio_vae.encode(mel.to(device=param.device, dtype=param.dtype)).latent_dist.mode()
    return latents.float()


def _sigmas(request: GenerationRequest, recipe: Recipe | None) -> tuple[list[float], str]:
    if recipe is not None and recipe.kwargs.get("sigmas"):
        return [float(s) for s in recipe.kwargs["sigmas"]], "the recipe's distilled sigmas"
    steps = max(1, request.settings.steps)
    return [float(s) for s in np.linspace(1.0, 1.0 / steps, steps)], f"a linear schedule of {steps} steps"


def a2v_call(request: GenerationRequest, prompt: str, facts: PipeFacts, max_sequence_length: int | None,
             recipe: Recipe | None, notes: list[str]) -> PipelineCall:
    """The LTX2DFRPipeline call for an audio-to-video request; `prepare` builds the pipeline and encodes the
    sound once the model is loaded."""
    if facts.family != "ltx-2":
        raise InvalidRequest("Only LTX-2.x models can follow a sound.", hint="Choose an LTX-2 model.")
    s = request.settings
    sigmas, schedule = _sigmas(request, recipe)
    kwargs: dict[str, Any] = {"prompt": prompt, "height": s.height, "width": s.width, "num_frames": s.num_frames,
                              "frame_rate": s.fps, "output_type": "np", "sigmas": sigmas, "freeze_audio": True,
                              "generate_slots": False}
    if max_sequence_length:
        kwargs["max_sequence_length"] = max_sequence_length
    for key in ("decode_timestep", "decode_noise_scale"):
        if recipe is not None and key in recipe.kwargs:
            kwargs[key] = recipe.kwargs[key]
    sound = next(c for c in request.conditions if c.kind == "audio")
    notes.append(f"Audio-to-video: LTX2DFRPipeline with the sound held clean (freeze_audio), {schedule}, no "
                 f"classifier-free guidance; log-mel with n_fft {N_FFT}.")
    if any(c.kind == "image" for c in request.conditions):
        notes.append("Audio-to-video runs without the first-frame image locally (LTX2DFRPipeline takes video "
                     "conditions only); the image was not used.")
    seconds = s.num_frames / s.fps

    def prepare(loaded: Any) -> None:
        if A2V_PIPE not in loaded.pipes:
            from diffusers.pipelines.ltx2.pipeline_ltx2_dfr import LTX2DFRPipeline

            pipe = LTX2DFRPipeline.from_pipe(loaded.base, dtype=loaded.dtype)
            pipe.set_progress_bar_config(disable=True)
            sched = pipe.scheduler
            if sched.config.get("use_dynamic_shifting"):  # set_timesteps(sigmas=) takes the sigmas as they are
                pipe.scheduler = type(sched).from_config(sched.config, use_dynamic_shifting=False, shift_terminal=None)
            loaded.pipes[A2V_PIPE] = pipe
        kwargs["audio_latents"] = encode_audio(loaded.base.audio_vae, sound.path, seconds)

    return PipelineCall(A2V_PIPE, kwargs, prepare=prepare)
