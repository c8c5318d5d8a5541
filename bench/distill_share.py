"""What sharing the teacher's hidden states across students could save: the share of a distilled
student's training step spent on the frozen teacher's forward pass and the MSE to it.

The distilled students of one run see the same batches, masks and condition drops (they share the
seed), so the teacher's hidden states could be computed once and read back by each of them. The
most that saves is the difference between a step with distillation (λ > 0: the teacher runs) and
the same step without (λ = 0: it does not). Both are timed here in one run, alternating, on the
plan's sizes with random weights (timing does not depend on the weights), in the precision
``train.precision`` resolves to on this machine and with the threads a DAG training job gets.

    python bench/distill_share.py [--experiment medium] [--threads 1] [--steps 20] [--precision fp32]
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from audiodear.config import compose
from audiodear.utils.device import resolve_precision
from bench_precision import build, random_data, train_step_fn


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--experiment", default="medium")
    p.add_argument("--threads", type=int, default=1, help="a DAG student job's threads (1)")
    p.add_argument("--steps", type=int, default=20, help="timed steps of each kind")
    p.add_argument("--precision", help="instead of the plan's train.precision (fp32, bf16, auto)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    plan = compose(a.experiment)
    precision = resolve_precision(a.precision or plan.train.precision, "cpu")
    tokens, cond, data = random_data(plan)
    teacher, _ = build(plan, "teacher", tokens, cond)
    student, _ = build(plan, "student", tokens, cond)
    student.train()
    steps = {w: train_step_fn(plan, "student", student, teacher, data, precision, "cpu", distill_weight=w)
             for w in (1000.0, 0.0)}
    for fn in steps.values():
        fn()  # warm-up
    times: dict[float, list[float]] = {w: [] for w in steps}
    for _ in range(a.steps):  # alternating, so a slow spell of the machine hits both alike
        for w, fn in steps.items():
            t0 = time.perf_counter()
            fn()
            times[w].append(time.perf_counter() - t0)
    with_t, without_t = (statistics.median(times[w]) for w in (1000.0, 0.0))
    cap = torch.backends.cpu.get_cpu_capability()
    print(f"torch {torch.__version__}, {cap}, {a.threads} threads, {precision}, experiment {a.experiment}, "
          f"student batch {plan.student.train.batch_size}, median of {a.steps} steps")
    print(f"student step with distillation (λ = 1000): {with_t * 1e3:7.1f} ms")
    print(f"student step without (λ = 0):               {without_t * 1e3:7.1f} ms")
    print(f"ratio {with_t / without_t:.3f}: at most {1 - without_t / with_t:.1%} of a distilled student's "
          "training is the teacher's forward pass and the MSE, what shared hidden states could save")


if __name__ == "__main__":
    main()
