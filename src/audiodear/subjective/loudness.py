"""Loudness normalisation of listening-test clips, the same way for every system.

Method: ITU-R BS.1770-4 integrated loudness (K-weighting, 400 ms blocks with 75 % overlap,
absolute gate -70 LUFS, relative gate -10 LU; measured with pyloudnorm), one gain per clip to reach
the target (default -23 LUFS, EBU R 128), then a peak limit: when the true peak (estimated on a 4x
oversampled signal, as BS.1770-4 Annex 2 does) exceeds the ceiling, the whole clip is scaled down
until it meets it. That keeps the clip undistorted at the price of ending up quieter than the
target; the report says so for each such clip.

Fallbacks, each recorded in the report's ``method`` field:
- a clip shorter than one 400 ms gating block is measured as a single block spanning the clip
  (mean-square K-weighted loudness, the absolute gate still applies);
- a clip that is silent or below the absolute gate (-70 LUFS) is left at its level, since no gain
  can bring a noise floor to speech-like loudness without amplifying it by 50 dB or more.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

BLOCK_SECONDS = 0.4
ABSOLUTE_GATE_LUFS = -70.0
OVERSAMPLING = 4
METHOD = (f"ITU-R BS.1770-4 integrated loudness (pyloudnorm {getattr(pyloudnorm, '__version__', '0.2.0')}, "
          f"K-weighting, {BLOCK_SECONDS:g} s blocks, 75 % overlap), one gain per clip to the target, "
          f"then scaled down to the true-peak ceiling ({OVERSAMPLING}x oversampled) where exceeded")


@dataclass(frozen=True)
class LoudnessResult:
    input_lufs: float
    gain_db: float
    peak_reduction_db: float  # extra attenuation for the peak ceiling (0 if none)
    output_lufs: float
    output_peak_dbtp: float
    method: str  # "gated" | "short-clip (one block)" | "silent (unchanged)"

    def as_dict(self) -> dict:
        # JSON has no infinity: a silent clip's loudness is stored as null.
        return {k: (v if not isinstance(v, float) else round(v, 4) if np.isfinite(v) else None)
                for k, v in asdict(self).items()}


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> tuple[float, str]:
    """Integrated loudness in LUFS and how it was measured (see the module notes)."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    block = BLOCK_SECONDS
    how = "gated"
    if x.size < int(np.ceil(BLOCK_SECONDS * sample_rate)):
        block = x.size / sample_rate
        how = "short-clip (one block)"
    lufs = float(pyloudnorm.Meter(sample_rate, block_size=block).integrated_loudness(x))
    if not np.isfinite(lufs) or lufs < ABSOLUTE_GATE_LUFS:
        return float("-inf") if not np.isfinite(lufs) else lufs, "silent (unchanged)"
    return lufs, how


def true_peak_dbtp(samples: np.ndarray) -> float:
    """Peak of the 4x oversampled signal in dB relative to full scale."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    peak = max(float(np.max(np.abs(resample_poly(x, OVERSAMPLING, 1)))), float(np.max(np.abs(x))))
    return 20.0 * np.log10(peak) if peak > 0 else float("-inf")


def normalise(samples: np.ndarray, sample_rate: int, target_lufs: float,
              peak_dbtp: float) -> tuple[np.ndarray, LoudnessResult]:
    """Return the normalised clip (float64) and what was done to it."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    lufs, how = integrated_loudness(x, sample_rate)
    if how.startswith("silent"):
        tp = true_peak_dbtp(x)
        return x.copy(), LoudnessResult(lufs, 0.0, 0.0, lufs, tp, how)
    gain_db = target_lufs - lufs
    y = x * 10.0 ** (gain_db / 20.0)
    reduction = 0.0
    tp = true_peak_dbtp(y)
    if tp > peak_dbtp:
        reduction = tp - peak_dbtp
        y = y * 10.0 ** (-reduction / 20.0)
        tp = peak_dbtp
    out_lufs = lufs + gain_db - reduction
    return y, LoudnessResult(lufs, gain_db, reduction, out_lufs, tp, how)
