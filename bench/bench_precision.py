"""fp32 against bf16 autocast on this machine, at the embedded default's sizes, and what `auto` picks.

Prints, in one run: the time of one training step (AdamW, the plan's batch) and of one sampling
batch (the plan's main settings) for the teacher (diffusion head) and the main student (energy
head, with distillation from a teacher backbone), in fp32 and in bf16, their ratios, and the
choice `auto` makes here with its reason. Random weights; the models are built from the composed
plan exactly as the training rules build them.

On a CPU without native bf16 a bf16 step can take 100x its fp32 time, so bf16 is timed once there.

    python bench/bench_precision.py [--experiment default] [--threads N] [--sample-batch 8] [--device cpu]
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from audiodear.config import compose
from audiodear.config.variants import student_setting, student_variant, teacher_setting
from audiodear.models.build import build_model
from audiodear.sampling.mar_sampler import SamplingConfig, sample_tokens
from audiodear.train.data import TokenData
from audiodear.train.entry import model_spec
from audiodear.train.objectives import StudentObjective, TeacherObjective
from audiodear.utils.device import auto_precision, autocast
from bench_sampling import GEOMETRY  # the token and conditioning shapes of each scale

CLIPS = 256  # random training clips to draw batches from


def timed(fn, repeats: int, device: torch.device) -> float:
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    fn()  # warm-up: kernels, caches
    times = []
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build(plan, role: str, tokens, cond):
    variant = student_variant(plan, "main") if role == "student" else None
    torch.manual_seed(0)
    model = build_model(model_spec(plan, role, variant, tokens, cond))
    with torch.no_grad():  # off the zero-initialised output layers, so heads do real work
        for p in model.head.parameters():
            p.add_(0.02 * torch.randn_like(p))
    return model, variant


def random_data(plan):
    """Random training tokens and conditioning at the plan's scale: (tokens, cond, TokenData)."""
    geometry = GEOMETRY["embedded" if plan.model.size == "embedded" else "base"]
    g = torch.Generator().manual_seed(0)
    tokens = torch.randn(CLIPS, geometry["seq_len"], geometry["token_dim"], generator=g)
    cond = torch.randn(CLIPS, geometry["cond_len"], geometry["cond_dim"], generator=g)
    return tokens, cond, TokenData(tokens, cond)


def train_step_fn(plan, role, model, teacher, data, precision, device, distill_weight: float | None = None):
    """One AdamW step of ``role``; a student distils with ``distill_weight`` (default: main's λ)."""
    if distill_weight is None and role == "student":
        distill_weight = student_variant(plan, "main")["distill_weight"]
    objective = (TeacherObjective(0, plan.model.cond_drop_prob) if role == "teacher" else
                 StudentObjective(teacher.backbone, 0, plan.model.cond_drop_prob, distill_weight))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    batch_size = plan.train.batch_size if role == "teacher" else plan.student.train.batch_size
    key = iter(range(10**6))

    def step():
        opt.zero_grad(set_to_none=True)
        loss, _ = objective(model, data.batch(next(key), batch_size, 0, 1, 0, device), 0,
                            lambda: autocast(precision, device))
        loss.backward()
        opt.step()
    return step


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--experiment", default="default")
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--sample-batch", type=int, default=8, help="clips per sampling batch")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    plan = compose(a.experiment)
    choice = auto_precision(device.type)
    cap = torch.backends.cpu.get_cpu_capability() if device.type == "cpu" else torch.cuda.get_device_name(device)
    print(f"torch {torch.__version__}, {cap}, {torch.get_num_threads()} threads, experiment {a.experiment}")
    print(f"auto -> {choice.used}: {choice.reason}\n")

    tokens, cond, data = random_data(plan)
    teacher, _ = build(plan, "teacher", tokens, cond)
    student, _ = build(plan, "student", tokens, cond)
    teacher.to(device)
    student.to(device)
    sampling = {"teacher": SamplingConfig(**teacher_setting(plan, "main")),
                "student": SamplingConfig(**student_setting(plan, "main"))}
    c = cond[: a.sample_batch].to(device)

    print(f"{'':28s} {'fp32 s':>9} {'bf16 s':>9} {'bf16/fp32':>10}")
    for role, model in (("teacher", teacher), ("student", student)):
        for what in ("training step", f"sampling batch of {a.sample_batch}"):
            t = {}
            for precision in ("fp32", "bf16"):
                repeats = a.repeats if precision == "fp32" or choice.used == "bf16" else 1
                if what == "training step":
                    model.train()
                    fn = train_step_fn(plan, role, model, teacher, data, precision, device)
                else:
                    model.eval()
                    cfg = SamplingConfig(**{**sampling[role].__dict__, "precision": precision})
                    fn = lambda: sample_tokens(model, c, cfg, torch.Generator().manual_seed(0))  # noqa: E731
                t[precision] = timed(fn, repeats, device)
            print(f"{role + ' ' + what:28s} {t['fp32']:9.3f} {t['bf16']:9.3f} {t['bf16'] / t['fp32']:10.2f}")
    print(f"\nauto picks {choice.used}; a ratio below 1 means bf16 is faster here.")


if __name__ == "__main__":
    main()
