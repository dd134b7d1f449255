"""Tiny random LTX-Video and LTX-2 pipelines, built offline and saved in the diffusers folder format.

The folders load through the local provider's real loading code (`model_path = folder`), so every mode runs
for real in tests on a CPU in well under a second per generation. Weights are random: the output is noise,
but the shapes, the frame count, the audio stream and the determinism are the real pipelines'.

Recipes follow diffusers' own fast tests (tests/pipelines/ltx/test_ltx.py, tests/pipelines/ltx2/
testing_utils.py); the hub-only pieces there (tiny T5 / tiny Gemma3 and their tokenizers) are replaced by
configs built here and tokenizers trained on a few sentences, so nothing touches the network.
"""
from __future__ import annotations

import json
from pathlib import Path

SENTENCES = [
    "a cat walks on the beach at sunset while the camera tracks it slowly",
    "the camera pans over a city at night with neon lights and rain",
    "a robot dancing in the rain, close up, warm light",
    "a red balloon rises into a blue sky above green hills",
    "dance monkey, wide shot, soft morning light, gentle wind",
]


def _unigram(vocab_size: int, specials: list[str], unk: str):
    """A `tokenizers` Unigram model trained on SENTENCES (transformers 5 refuses WordLevel for T5/Gemma)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=specials, unk_token=unk)
    tok.train_from_iterator(SENTENCES * 4, trainer)
    return tok


def _mark_ready(path: Path, kind: str) -> Path:
    (path / ".tiny_model.json").write_text(json.dumps({"kind": kind}))
    return path


def _ready(path: Path, kind: str) -> bool:
    marker = path / ".tiny_model.json"
    return marker.is_file() and json.loads(marker.read_text()).get("kind") == kind


def build_tiny_ltx(path: str | Path, *, upsampler: bool = True) -> Path:
    """Save a tiny random LTXPipeline (T5 text encoder, 1-layer transformer, 8-channel VAE) into `path`.

    With `upsampler`, a tiny LTXLatentUpsamplerModel goes into `path/latent_upsampler` (the folder the
    provider looks in for the multi-scale `upscale` option). Idempotent: an existing build is reused.
    """
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx.modeling_latent_upsampler import LTXLatentUpsamplerModel
    from transformers import T5Config, T5EncoderModel, T5TokenizerFast

    path = Path(path)
    if _ready(path, "ltx"):
        return path
    path.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4,
        attention_head_dim=8, cross_attention_dim=32, num_layers=1, caption_channels=32,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        latent_channels=8, block_out_channels=(8, 8, 8, 8), decoder_block_out_channels=(8, 8, 8, 8),
        spatio_temporal_scaling=(True, True, False, False), decoder_spatio_temporal_scaling=(True, True, False, False),
        layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1, 1), patch_size=1, patch_size_t=1,
        encoder_causal=True, decoder_causal=False,
    )
    torch.manual_seed(0)
    text_encoder = T5EncoderModel(T5Config(vocab_size=64, d_model=32, d_kv=8, d_ff=37, num_layers=2,
                                           num_heads=4, relative_attention_num_buckets=8))
    tok = _unigram(60, ["<pad>", "</s>", "<unk>"], "<unk>")
    tokenizer = T5TokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                extra_ids=0)
    pipe = LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                       text_encoder=text_encoder, tokenizer=tokenizer)
    pipe.save_pretrained(path)
    if upsampler:
        torch.manual_seed(0)
        LTXLatentUpsamplerModel(in_channels=8, mid_channels=32, num_blocks_per_stage=1).save_pretrained(
            path / "latent_upsampler")
    return _mark_ready(path, "ltx")


def build_tiny_ltx2(path: str | Path) -> Path:
    """Save a tiny random LTX2Pipeline (video + synchronized audio) into `path`. Idempotent."""
    import torch
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2Pipeline,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import (
        Gemma3Config,
        Gemma3ForConditionalGeneration,
        Gemma3TextConfig,
        GemmaTokenizerFast,
        SiglipVisionConfig,
    )

    path = Path(path)
    if _ready(path, "ltx2+upsampler"):
        return path
    path.mkdir(parents=True, exist_ok=True)

    # The video VAE downsamples "spatiotemporal" (diffusers' test VAE is spatial-only, so its encoder would not
    # compress time and video conditions would not fit the latent grid).
    # hidden_size 32 = the connectors' 4 heads x 8, which the transformer's caption projection expects.
    torch.manual_seed(0)
    text_encoder = Gemma3ForConditionalGeneration(Gemma3Config(
        text_config=Gemma3TextConfig(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                     num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                                     sliding_window=16),
        vision_config=SiglipVisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, image_size=16, patch_size=4),
        mm_tokens_per_image=4, image_token_index=299, boi_token_index=297, eoi_token_index=298))
    tok = _unigram(120, ["<pad>", "<eos>", "<bos>", "<unk>"], "<unk>")
    tokenizer = GemmaTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>",
                                   bos_token="<bos>", unk_token="<unk>", padding_side="left")
    hidden = text_encoder.config.text_config.hidden_size
    layers = text_encoder.config.text_config.num_hidden_layers

    torch.manual_seed(0)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2,
        attention_head_dim=8, cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4,
        audio_num_attention_heads=2, audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2,
        qk_norm="rms_norm_across_heads", caption_channels=hidden, rope_double_precision=False, rope_type="split",
    )
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=hidden, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8, video_connector_num_layers=1,
        video_connector_num_learnable_registers=None, audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None, connector_rope_base_seq_len=32, rope_theta=10000.0,
        rope_double_precision=False, causal_temporal_positioning=False, rope_type="split",
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8,), decoder_block_out_channels=(8,),
        layers_per_block=(1,), decoder_layers_per_block=(1, 1), spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,), decoder_inject_noise=(False, False), downsample_type=("spatiotemporal",),
        upsample_residual=(False,), upsample_factor=(1,), timestep_conditioning=False, patch_size=1,
        patch_size_t=1, encoder_causal=True, decoder_causal=False,
    )
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1, attn_resolutions=None, in_channels=2,
        resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height", dropout=0.0,
        mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8,
    )
    torch.manual_seed(0)
    vocoder = LTX2Vocoder(
        in_channels=audio_vae.config.output_channels * audio_vae.config.mel_bins, hidden_channels=32,
        out_channels=2, upsample_kernel_sizes=[4, 4], upsample_factors=[2, 2], resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]], leaky_relu_negative_slope=0.1, output_sampling_rate=16000,
    )
    pipe = LTX2Pipeline(transformer=transformer, vae=vae, audio_vae=audio_vae,
                        scheduler=FlowMatchEulerDiscreteScheduler(), text_encoder=text_encoder,
                        tokenizer=tokenizer, connectors=connectors, vocoder=vocoder)
    pipe.save_pretrained(path)
    # A tiny 2x latent upsampler in the folder LTX-2 repos ship it in (Lightricks/LTX-2 latent_upsampler/).
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel

    torch.manual_seed(1)
    LTX2LatentUpsamplerModel(in_channels=vae.config.latent_channels, mid_channels=32,
                             num_blocks_per_stage=1).save_pretrained(path / "latent_upsampler")
    return _mark_ready(path, "ltx2+upsampler")


def build_tiny_lora(model_dir: str | Path, out_file: str | Path, *, seed: int = 0, rank: int = 4) -> Path:
    """A LoRA for the tiny model in `model_dir`, in the diffusers/peft format, saved as safetensors.

    peft adds rank-`rank` adapters to the transformer's attention projections; both LoRA matrices are
    random (peft's default zero-init would make the LoRA a no-op), then the pipeline class's own
    save_lora_weights writes them with the prefix its load_lora_weights expects.
    """
    import diffusers
    import torch
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    model_dir, out_file = Path(model_dir), Path(out_file)
    index = json.loads((model_dir / "model_index.json").read_text())
    pipe_cls = getattr(diffusers, index["_class_name"])
    transformer_cls = getattr(diffusers, index["transformer"][1])
    transformer = transformer_cls.from_pretrained(model_dir / "transformer")
    torch.manual_seed(seed)
    transformer.add_adapter(LoraConfig(r=rank, lora_alpha=rank, init_lora_weights=False,
                                       target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    pipe_cls.save_lora_weights(out_file.parent, transformer_lora_layers=get_peft_model_state_dict(transformer),
                               weight_name=out_file.name)
    return out_file


if __name__ == "__main__":  # python tests/fakes/tiny_models.py OUT_DIR
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tiny_models")
    print(build_tiny_ltx(out / "ltx"), build_tiny_ltx2(out / "ltx2"))
