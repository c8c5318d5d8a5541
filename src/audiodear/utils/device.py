"""The torch device a job runs on, and the numeric precision it computes in.

Precision is ``fp32``, ``bf16`` (autocast: matrix products and convolutions in bf16, reductions and
norms in fp32) or ``auto``, which picks bf16 only where the device runs it natively. That is a
property of the hardware, not of the model: a CPU without native bf16 kernels (AVX2 only, or AVX-512
without BF16/AMX) runs a bf16 matrix product up to 100x slower than fp32, while a CPU with
AVX512-BF16 or AMX runs it 3-4x faster; a GPU from Ampere on has native bf16, a V100 does not.

The decision reads the hardware's feature flags, not a clock: a timed probe flips under load (two
runs side by side, a busy node), and the same seed on the same machine must give the same files.
Only where the CPU's flags cannot be read does a timed probe product decide. The choice is made
once per process and cached.
"""
from __future__ import annotations

import contextlib
import re
import time
from dataclasses import asdict, dataclass
from functools import lru_cache

import torch

from ..choices import Precision, values
from ..errors import ConfigError

PRECISIONS = values(Precision)
# Where the CPU's flags cannot be read, bf16 must beat fp32 by this factor on the probe product to be
# chosen: native bf16 gives 3-4x, bf16 emulated through AVX-512 about 1x.
BF16_MIN_SPEEDUP = 1.25
_PROBE_SIZE = 512  # a 512^3 product: a few milliseconds in fp32 on one core, comparable to the model's


def resolve_device(name: str | torch.device | None = "auto") -> str:
    """"cuda" or "cpu" for ``auto`` (or None), else the device named; a missing GPU is an error."""
    name = "auto" if name is None else str(name)
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError("key 'device': 'cuda' was asked for but no CUDA device is visible")
    return name


@dataclass(frozen=True)
class AutoPrecision:
    """What ``auto`` resolves to on a device kind, and the evidence for it."""

    used: str
    reason: str
    bf16_speedup: float | None = None  # fp32 time / bf16 time of the probe product (CPU without readable flags)

    def as_dict(self) -> dict:
        return asdict(self)


def cpu_has_native_bf16() -> bool | None:
    """Whether the CPU's feature flags name a native bf16 instruction set (x86 AVX512-BF16 or AMX,
    Arm BF16); None where the flags cannot be read (then the probe product alone decides)."""
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return None
    flags = set(re.findall(r"^(?:flags|Features)\s*:(.*)$", text, re.M)[0].split()) if text else set()
    return bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})


def _best_time(fn, repeats: int = 7) -> float:
    fn()  # the first call builds the kernel
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def cpu_bf16_speedup(size: int = _PROBE_SIZE) -> float:
    """fp32 time / bf16 time of one ``size``-cubed matrix product on this CPU, at the current thread count."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(size, size, generator=g), torch.randn(size, size, generator=g)
    a16, b16 = a.bfloat16(), b.bfloat16()
    return _best_time(lambda: a @ b) / _best_time(lambda: a16 @ b16)


@lru_cache(maxsize=None)
def auto_precision(device_type: str) -> AutoPrecision:
    """The precision ``auto`` picks on ``device_type`` ("cpu" or "cuda"), decided once per process."""
    if device_type == "cuda":
        native = torch.cuda.is_bf16_supported(including_emulation=False)
        name = torch.cuda.get_device_name()
        return AutoPrecision("bf16" if native else "fp32", f"{name}: native bf16 {'yes' if native else 'no'}")
    if device_type == "cpu":
        capability = torch.backends.cpu.get_cpu_capability()
        if not torch.ops.mkldnn._is_mkldnn_bf16_supported():
            # Without oneDNN's bf16 kernels a bf16 product falls back to a slow path: do not even time it.
            return AutoPrecision("fp32", f"CPU {capability}: no bf16 matrix kernels (oneDNN)")
        native = cpu_has_native_bf16()
        if native is not None:
            return AutoPrecision("bf16" if native else "fp32", f"CPU {capability}: native bf16 instructions "
                                 f"(AVX512-BF16, AMX) {'yes' if native else 'no'}")
        speedup = cpu_bf16_speedup()
        faster = speedup >= BF16_MIN_SPEEDUP
        return AutoPrecision("bf16" if faster else "fp32",
                             f"CPU {capability}: flags unreadable, a bf16 product {'at least' if faster else 'under'} "
                             f"{BF16_MIN_SPEEDUP}x the speed of fp32", round(speedup, 2))
    return AutoPrecision("fp32", f"{device_type}: bf16 is not used on this device kind")


def resolve_precision(precision: str, device: str | torch.device) -> str:
    """``fp32`` or ``bf16``: the precision that ``precision`` means on ``device``."""
    if precision in ("fp32", "bf16"):
        return precision
    if precision == "auto":
        return auto_precision(torch.device(device).type).used
    raise ConfigError(f"precision {precision!r} is not one of {PRECISIONS}")


def autocast(precision: str, device: str | torch.device):
    """A context computing in ``precision`` on ``device``: bf16 autocast, or nothing for fp32."""
    if resolve_precision(precision, device) == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
