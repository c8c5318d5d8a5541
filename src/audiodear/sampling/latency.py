"""Generation latency and throughput of teacher and student on the machine the job runs on.

Latency is the wall time to generate one batch (IMPACT / AudioDEAR report seconds per batch of 8
on a V100): token generation (backbone + head over all decoding iterations) and decoding to audio
(VAE decoder + vocoder), timed separately because the second is the same for every generator.
Each measurement is the median of ``repeats`` runs; ``warmup`` untimed runs of generation and
decoding per system come first (one clip: they only build caches and load code paths). Decoding
depends on the batch size (and precision) alone, so it is timed once per batch size and shared by
every system and iteration count. Every row records the hardware and thread count it was measured with.
``measure_from_plan`` times the plan's ``report.latency_systems`` with the settings their audio sets
sample with, on the plan's VAE and vocoder, over the sweep of ``eval.latency``.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import replace

import pandas as pd
import torch

from ..audio.from_plan import codec_from_plan, vocoder_from_plan
from ..config.variants import sampling_of
from ..models.generator_file import load_generator
from ..text.conditioning import TextCache
from ..utils.device import resolve_precision
from ..utils.provenance import hardware
from .flops import generation_flops
from .generate import decode_tokens
from .mar_sampler import SamplingConfig, sample_tokens


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _time(fn, device: str, repeats: int):
    """Median wall time of ``repeats`` calls, the last call's result, and every call's time."""
    times = []
    for _ in range(repeats):
        _sync(device)
        t0 = time.perf_counter()
        out = fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out, times


@torch.no_grad()
def measure(systems: dict, cond: torch.Tensor, codec, vocoder, batch_sizes: list[int], iterations: list[int],
            default_iterations: int, repeats: int = 1, warmup: int = 1, device: str = "cpu") -> pd.DataFrame:
    """``systems``: name -> (model, meta, SamplingConfig). Rows: one per (system, batch, iterations)."""
    rows, decode_s = [], {}
    sweeps = [("batch", b, default_iterations) for b in batch_sizes]
    sweeps += [("iterations", 8, t) for t in iterations if t != default_iterations]
    for name, (model, meta, sampling) in systems.items():
        for _ in range(warmup):  # first calls build caches (FFT plans, windows, filterbanks): untimed
            decode_tokens(sample_tokens(model, cond[:1].to(device), sampling, torch.Generator().manual_seed(0)),
                          meta, codec, vocoder, sampling.precision)
        for sweep, batch, iters in sweeps:
            cfg = replace(sampling, iterations=iters)
            c = cond[torch.arange(batch) % len(cond)].to(device)
            t_tokens, tokens, runs = _time(lambda: sample_tokens(model, c, cfg, torch.Generator().manual_seed(0)), device, repeats)
            if (batch, cfg.precision) not in decode_s:
                decode_s[batch, cfg.precision] = _time(lambda: decode_tokens(tokens, meta, codec, vocoder, cfg.precision),
                                                       device, repeats)[0]
            t_decode = decode_s[batch, cfg.precision]
            head_steps = cfg.diffusion_steps if meta["spec"]["head_kind"] == "diffusion" else 1
            rows.append({"system": name, "sweep": sweep, "batch_size": batch, "iterations": iters,
                         "head_steps": head_steps, "cfg_level": cfg.cfg_level,
                         "precision": resolve_precision(cfg.precision, device), "tokens_s": t_tokens, "decode_s": t_decode,
                         "latency_s": t_tokens + t_decode, "clips_per_s": batch / (t_tokens + t_decode),
                         "hardware": hardware(), "threads": torch.get_num_threads(),
                         # each repeat's token time plus the shared decode median: the spread the
                         # speed claim's bootstrap needs; FLOPs: what the sizes predict (sampling.flops)
                         "latency_runs_s": ";".join(f"{t + t_decode:.6g}" for t in runs),
                         "gen_flops": batch * generation_flops(meta["spec"], iters, cfg.cfg_level, head_steps)})
    return pd.DataFrame(rows)


def measure_from_plan(plan, model_paths, text_path: str, vae_folder: str, device: str = "cpu") -> pd.DataFrame:
    """``measure`` for the systems of ``report.latency_systems``; ``model_paths``: their model files,
    in that order. Each system samples with the setting of its audio set, so a latency row belongs
    to the metric row of the same set. The conditioning is the test split's text (``text_path``)
    in the first system's text set; the batch sweep runs at that system's iterations.
    """
    names = dict(plan.report.latency_systems)
    if len(model_paths) != len(names):
        raise ValueError(f"{len(model_paths)} model files for the {len(names)} latency systems {list(names)}")
    systems = {}
    for (name, audio), path in zip(names.items(), model_paths):
        model, meta = load_generator(path, device)
        systems[name] = (model, meta, SamplingConfig(**sampling_of(plan, audio)))
    text = TextCache.load(text_path)
    _, meta0, sampling0 = next(iter(systems.values()))
    lat = plan.eval.latency
    return measure(systems, text.sequence(meta0["text_set"]), codec_from_plan(plan.vae, vae_folder, device),
                   vocoder_from_plan(plan.vocoder, plan.audio, device), list(lat.batch_sizes), list(lat.iterations),
                   sampling0.iterations, lat.repeats, lat.warmup, device)
