"""Generate the test split with a trained generator: tokens → latent → mel → waveform, one wav per clip.

Batches draw from generators seeded by (seed, batch index), so the same seed and batch size give
the same audio. Each wav is written atomically and named by its clip id.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..audio.from_plan import codec_from_plan, vocoder_from_plan
from ..audio.io import write_wav
from ..audio.patchify import unpatchify
from ..config.variants import student_setting, teacher_setting
from ..models.generator_file import load_generator
from ..text.conditioning import TextCache
from ..utils.atomic import write_json
from ..utils.device import autocast, resolve_precision
from .mar_sampler import SamplingConfig, sample_tokens

log = logging.getLogger(__name__)


def batch_generator(seed: int, index: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(int(np.random.SeedSequence([seed, index]).generate_state(1)[0]))
    return g


# Clips decoded together. On a CPU the VAE decoder and the mel inverse slow down per clip as the
# batch grows past the caches (bench/bench_latents.py --decode-chunks measures it), so a generation
# batch is decoded a few clips at a time; each clip's decoding does not depend on its neighbours.
DECODE_CHUNK = 8


@torch.no_grad()
def decode_tokens(tokens: torch.Tensor, meta: dict, codec, vocoder, precision: str = "fp32") -> torch.Tensor:
    """Tokens -> waveforms; ``precision`` applies to the VAE decoder, the vocoder runs in fp32."""
    c, h, w = meta["latent_shape"]
    latent = unpatchify(tokens, meta["patch"], c, h, w)
    chunk = DECODE_CHUNK if latent.device.type == "cpu" else len(latent)
    waves = []
    for part in latent.split(max(chunk, 1)):
        with autocast(precision, tokens.device):
            mel = codec.decode(part)
        waves.append(vocoder(mel.float()))
    return torch.cat(waves)


@torch.no_grad()
def generate_set(model, meta: dict, text: TextCache, sampling: dict, codec, vocoder, sample_rate: int,
                 num_samples: int, out_dir: str | Path, batch: int, seed: int, device: str = "cpu") -> dict:
    cfg = SamplingConfig(**sampling)
    cond = text.sequence(meta["text_set"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t_tokens = t_decode = 0.0
    for k, i in enumerate(tqdm(range(0, len(text.ids), batch), desc="generate", unit="batch")):
        t0 = time.time()
        tokens = sample_tokens(model, cond[i:i + batch].to(device), cfg, batch_generator(seed, k))
        t1 = time.time()
        waves = decode_tokens(tokens, meta, codec, vocoder, cfg.precision).cpu().numpy()
        t_decode += time.time() - t1
        t_tokens += t1 - t0
        for clip, wave in zip(text.ids[i:i + batch], waves):
            write_wav(out_dir / f"{clip}.wav", wave[:num_samples], sample_rate)
    summary = {"clips": len(text.ids), "sampling": sampling, "precision": resolve_precision(cfg.precision, device),
               "seed": seed, "batch": batch,
               "seconds_tokens": t_tokens, "seconds_decode": t_decode}
    write_json(out_dir / "generation.json", summary)
    log.info("%s", summary)
    return summary


def generate_from_plan(plan, system: str, out_dirs: Mapping[str, str | Path], model_file: str | Path,
                       vae_file: str | Path, text_file: str | Path, device: str = "cpu") -> dict[str, dict]:
    """The test split at each named sampling setting of ``system`` ("teacher" or "student"), one
    folder per setting (``out_dirs``: setting name -> folder); the model, codec, vocoder and
    conditioning are loaded once. Each setting is resolved here, from the plan's base and entry."""
    resolve = {"teacher": teacher_setting, "student": student_setting}[system]
    model, meta = load_generator(model_file, device)
    codec, vocoder = codec_from_plan(plan.vae, vae_file, device), vocoder_from_plan(plan.vocoder, plan.audio, device)
    text = TextCache.load(text_file)
    num_samples = int(round(plan.data.clip_seconds * plan.audio.sample_rate))
    return {name: generate_set(model, meta, text, resolve(plan, name), codec, vocoder, plan.audio.sample_rate,
                               num_samples, out, plan[system].batch_size, plan[system].seed, device)
            for name, out in out_dirs.items()}
