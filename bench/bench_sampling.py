"""Sampling cost of teacher (diffusion head) and student (energy head), random weights, this machine.

Prints, in one run:
1. the cost of one decoding iteration split into backbone and head, at the embedded and the
   `base` (IMPACT-base, 24 x 768) size, batch 1 and 8 (teacher: 100 diffusion steps with
   noise-level CFG; student: one head pass with representation-level CFG);
2. whole-generation time of teacher and student at equal size and iterations for batch sizes
   1..64 (at the embedded size and 16 iterations by default; `--sweep-size base` for IMPACT-base
   at 64 iterations), the teacher/student ratio, and the student's time over a backbone-only pass
   (the floor a one-step head cannot beat).

    python bench/bench_sampling.py [--threads N] [--quick] [--device cuda] [--sweep-size base] [--batches 1 8]
                                   [--precision bf16]   # the embedded default generates in bf16
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from audiodear.models.build import build_model, spec_from_preset
from audiodear.sampling.mar_sampler import SamplingConfig, sample_tokens
from audiodear.utils.device import PRECISIONS, autocast

GEOMETRY = {"embedded": dict(token_dim=128, seq_len=64, cond_len=33, cond_dim=384),
            "base": dict(token_dim=128, seq_len=256, cond_len=78, cond_dim=1024)}


DEVICE = torch.device("cpu")
PRECISION = "fp32"
ITERATIONS = {"embedded": 16, "base": 64}


def model(size: str, head: str):
    torch.manual_seed(0)
    m = build_model(spec_from_preset(size, head_kind=head, **GEOMETRY[size])).eval().to(DEVICE)
    with torch.no_grad():  # off the zero-initialised output layers, so heads do real work
        for p in m.head.parameters():
            p.add_(0.02 * torch.randn_like(p))
    return m


def timed(fn, repeats: int) -> float:
    sync = torch.cuda.synchronize if DEVICE.type == "cuda" else (lambda: None)
    fn()
    out = []
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


@torch.no_grad()
def iteration_split(size: str, batch: int, iterations: int, repeats: int) -> None:
    g = GEOMETRY[size]
    n, per_step = g["seq_len"], max(1, g["seq_len"] // iterations)
    for role, head, level in (("teacher", "diffusion", "noise"), ("student", "energy", "representation")):
        m = model(size, head)
        tokens = torch.randn(2 * batch, n, g["token_dim"], device=DEVICE)
        mask = torch.rand(2 * batch, n, device=DEVICE).argsort(1) < n // 2  # a mid-decoding iteration: half masked
        cond = m.backbone.condition(torch.randn(2 * batch, g["cond_len"], g["cond_dim"], device=DEVICE))
        h = torch.randn(2 * batch * per_step, m.backbone.cfg.width, device=DEVICE)
        with autocast(PRECISION, DEVICE):
            t_backbone = timed(lambda: m.backbone(tokens, mask, cond), repeats)
            if head == "diffusion":
                t_head = timed(lambda: m.head.sample(h, torch.Generator().manual_seed(0), cfg_scale=3.0, steps=100,
                                                     cfg_halves=True), repeats)
            else:
                t_head = timed(lambda: m.head.sample(h[: batch * per_step], torch.Generator().manual_seed(0)), repeats)
        print(f"{size:9s} {role:8s} batch {batch:2d}: backbone {1e3 * t_backbone:8.1f} ms + head {1e3 * t_head:8.1f} ms"
              f" per iteration ({per_step} tokens/sample/iteration; head share {t_head / (t_backbone + t_head):5.1%})")


@torch.no_grad()
def generation_sweep(size: str, batches: list[int], iterations: int, repeats: int) -> None:
    g = GEOMETRY[size]
    teacher, student = model(size, "diffusion"), model(size, "energy")
    t_cfg = SamplingConfig(iterations=iterations, cfg_level="noise", cfg_scale=5.0, diffusion_steps=100,
                           precision=PRECISION)
    s_cfg = SamplingConfig(iterations=iterations, cfg_level="representation", cfg_scale=4.0, precision=PRECISION)
    print(f"\n{size} size, {iterations} iterations; seconds per batch (teacher: 100 diffusion steps)")
    print(f"{'batch':>5} {'teacher':>9} {'student':>9} {'ratio':>7} {'backbone-only':>14} {'student/floor':>14}")
    for b in batches:
        cond = torch.randn(b, g["cond_len"], g["cond_dim"], device=DEVICE)
        tt = timed(lambda: sample_tokens(teacher, cond, t_cfg, torch.Generator().manual_seed(0)), repeats)
        ts = timed(lambda: sample_tokens(student, cond, s_cfg, torch.Generator().manual_seed(0)), repeats)
        c2 = student.backbone.condition(torch.randn(2 * b, g["cond_len"], g["cond_dim"], device=DEVICE))
        x = torch.zeros(2 * b, g["seq_len"], g["token_dim"], device=DEVICE)
        m = torch.ones(2 * b, g["seq_len"], dtype=torch.bool, device=DEVICE)
        with autocast(PRECISION, DEVICE):
            floor = iterations * timed(lambda: student.backbone(x, m, c2), repeats)
        print(f"{b:5d} {tt:9.3f} {ts:9.3f} {tt / ts:7.2f} {floor:14.3f} {ts / floor:14.2f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--quick", action="store_true", help="fewer batch sizes and repeats")
    p.add_argument("--device", default="cpu", help="cpu or cuda (the GPU run of the same measurements)")
    p.add_argument("--sweep-size", choices=sorted(GEOMETRY), default="embedded",
                   help="model size of the batch-size sweep (base: 64 iterations)")
    p.add_argument("--batches", type=int, nargs="+", help="batch sizes of the sweep (default 1..64)")
    p.add_argument("--precision", choices=PRECISIONS, default="fp32", help="autocast of backbone and head")
    a = p.parse_args()
    global DEVICE, PRECISION
    DEVICE, PRECISION = torch.device(a.device), a.precision
    torch.set_num_threads(a.threads)
    repeats = 1 if a.quick else 3
    where = torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else f"{torch.get_num_threads()} threads"
    print(f"torch {torch.__version__}, {where}, {PRECISION}\n")
    for size in ("embedded", "base"):
        for batch in (1, 8):
            iteration_split(size, batch, ITERATIONS[size], 1 if size == "base" and DEVICE.type == "cpu" else repeats)
    batches = a.batches or ([1, 2, 4, 8] if a.quick else [1, 2, 4, 8, 16, 32, 64])
    generation_sweep(a.sweep_size, batches, ITERATIONS[a.sweep_size], repeats)


if __name__ == "__main__":
    main()
