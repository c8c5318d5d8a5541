"""Precision: explicit values are kept, `auto` picks bf16 only where the hardware runs it natively.

The AVX2 case is exercised for real in a subprocess whose oneDNN and ATen are capped at AVX2, as on
a CPU without native bf16 (the caps also slow fp32 to AVX2 speed, which is what such a CPU has).
"""
import json
import os
import subprocess
import sys

import pytest
import torch

from audiodear.errors import ConfigError
from audiodear.utils import device
from audiodear.utils.device import PRECISIONS, auto_precision, autocast, resolve_precision

AVX2_ONLY = {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"}


def test_explicit_precisions_are_kept_and_unknown_ones_refused():
    assert resolve_precision("fp32", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"
    with pytest.raises(ConfigError, match="precision 'fp16' is not one of"):
        resolve_precision("fp16", "cpu")
    assert PRECISIONS == ("auto", "fp32", "bf16")


def test_auto_is_decided_once_and_used_by_autocast():
    choice = auto_precision("cpu")
    assert choice is auto_precision("cpu")  # cached: one decision per process
    assert choice.used in ("fp32", "bf16") and choice.reason.startswith("CPU ")
    assert resolve_precision("auto", "cpu") == choice.used
    a = torch.randn(8, 8)
    with autocast("auto", "cpu"):
        product = a @ a
    assert product.dtype == (torch.bfloat16 if choice.used == "bf16" else torch.float32)
    with autocast("fp32", "cpu"):
        assert (a @ a).dtype == torch.float32
    with autocast("bf16", "cpu"):  # explicit bf16 is honoured on any CPU (tiny tensors: cheap everywhere)
        assert (a @ a).dtype == torch.bfloat16


def test_auto_picks_fp32_on_a_cpu_without_native_bf16():
    code = ("import json, torch; from audiodear.utils.device import auto_precision; "
            "c = auto_precision('cpu'); print(json.dumps([c.as_dict(), torch.backends.cpu.get_cpu_capability()]))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **AVX2_ONLY}, capture_output=True,
                         text=True, check=True, timeout=120)
    choice, capability = json.loads(out.stdout.strip().splitlines()[-1])
    assert capability == "AVX2"
    assert choice["used"] == "fp32" and "no bf16 matrix kernels" in choice["reason"]


@pytest.mark.skipif(not torch.ops.mkldnn._is_mkldnn_bf16_supported(), reason="needs oneDNN bf16 kernels")
def test_on_a_cpu_with_bf16_kernels_the_flags_decide_not_a_clock(monkeypatch):
    decide = auto_precision.__wrapped__  # the uncached rule

    def slow_clock():
        raise AssertionError("the probe must not run where the flags can be read")

    monkeypatch.setattr(device, "cpu_bf16_speedup", slow_clock)
    for native, used in ((True, "bf16"), (False, "fp32")):
        monkeypatch.setattr(device, "cpu_has_native_bf16", lambda native=native: native)
        choice = decide("cpu")
        assert choice.used == used and choice.bf16_speedup is None
    # Flags unreadable: the probe product decides, at the stated margin.
    monkeypatch.setattr(device, "cpu_has_native_bf16", lambda: None)
    for speedup, used in ((3.0, "bf16"), (1.1, "fp32")):
        monkeypatch.setattr(device, "cpu_bf16_speedup", lambda speedup=speedup: speedup)
        choice = decide("cpu")
        assert (choice.used, choice.bf16_speedup) == (used, speedup) and "flags unreadable" in choice.reason


def test_training_config_and_sampling_settings_accept_auto_and_refuse_other_values():
    from audiodear.config import compose

    plan = compose("smoke")
    assert plan.train.precision == "auto" and plan.teacher.base.precision == "auto"
    with pytest.raises(ConfigError, match="train.precision"):
        compose("smoke", ["train.precision=fp16"])
    with pytest.raises(ConfigError, match=r"teacher.base.precision"):  # the key set, checked at compose time
        compose("smoke", ["teacher.base.precision=half"])
