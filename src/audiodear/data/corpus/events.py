"""Synthesis of the embedded corpus's sound events.

Each event kind is a small, recognisable signal model with attributes the captions talk about:
pitch (low / medium / high), loudness, number of repetitions and duration. The kinds are chosen to
differ in ways a mel spectrogram shows (harmonicity, frequency range, temporal envelope), so the
in-DAG models can learn the text→sound mapping and the in-DAG classifiers can recognise them.

Everything is numpy and draws its randomness from the ``np.random.Generator`` it is given, so a
clip is a pure function of its seed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from ...choices import EventKind, values

PITCHES = ("low", "medium", "high")
LOUDNESS = ("quiet", "loud")
DURATIONS = ("short", "long")

# Gains in linear amplitude before the clip is mixed (the background and the other event are
# mixed at fixed levels, so "quiet" vs "loud" stays audible after peak normalisation).
LOUDNESS_GAIN = {"quiet": 0.18, "loud": 0.8}


@dataclass(frozen=True)
class Kind:
    """A sound-event kind and how captions may talk about it."""

    name: str
    repeatable: bool  # discrete hits that can be counted ("twice") vs a continuous sound
    pitched: bool  # whether the pitch attribute applies
    pitch_hz: dict  # pitch class -> (low, high) fundamental range in Hz


_P = {"low": (150.0, 260.0), "medium": (450.0, 800.0), "high": (1300.0, 2200.0)}
KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("beep", True, True, _P),
        Kind("chirp", True, True, _P),
        Kind("noise_burst", True, False, {}),
        Kind("clicks", False, False, {}),
        Kind("siren", False, True, {"low": (300.0, 450.0), "medium": (600.0, 900.0), "high": (1100.0, 1600.0)}),
        Kind("hum", False, True, {"low": (50.0, 70.0), "medium": (100.0, 140.0), "high": (180.0, 240.0)}),
        Kind("knock", True, False, {}),
        Kind("babble", False, True, {"low": (90.0, 120.0), "medium": (150.0, 190.0), "high": (220.0, 280.0)}),
        Kind("bell", True, True, {"low": (220.0, 330.0), "medium": (500.0, 750.0), "high": (1000.0, 1500.0)}),
        Kind("whistle", False, True, {"low": (700.0, 1000.0), "medium": (1400.0, 1900.0), "high": (2500.0, 3300.0)}),
        Kind("drum", True, False, {}),
        Kind("rain", False, False, {}),
        Kind("engine", False, True, {"low": (25.0, 35.0), "medium": (45.0, 60.0), "high": (75.0, 95.0)}),
        Kind("birdsong", False, False, {}),
    ]
}
KIND_NAMES: tuple[str, ...] = tuple(KINDS)
# The plan names the kinds it may select (choices.EventKind); both lists must be the same, in order
# (the evaluation classifier numbers its classes in this order).
assert KIND_NAMES == values(EventKind), "data.corpus.events.KINDS and choices.EventKind differ"


@dataclass(frozen=True)
class EventSpec:
    """One event in a scene: what it is and how it sounds."""

    kind: str
    pitch: str | None  # None for unpitched kinds
    loudness: str
    count: int  # repetitions; 1 for continuous kinds
    duration: str  # "short" | "long": per-hit length, or total length for continuous kinds

    def as_dict(self) -> dict:
        return {"kind": self.kind, "pitch": self.pitch, "loudness": self.loudness,
                "count": self.count, "duration": self.duration}


def hit_seconds(spec: EventSpec) -> float:
    """Length of one hit (repeatable kinds) or of the whole sound (continuous kinds)."""
    if KINDS[spec.kind].repeatable:
        return 0.12 if spec.duration == "short" else 0.22
    return 0.45 if spec.duration == "short" else 0.9


def event_seconds(spec: EventSpec) -> float:
    """Total span of the event, gaps between hits included."""
    hit = hit_seconds(spec)
    if not KINDS[spec.kind].repeatable:
        return hit
    return spec.count * hit + (spec.count - 1) * GAP_SECONDS


GAP_SECONDS = 0.1


def render_event(spec: EventSpec, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Render one event at unit-ish peak level, then apply its loudness gain."""
    kind = KINDS[spec.kind]
    f0 = rng.uniform(*kind.pitch_hz[spec.pitch]) if kind.pitched else None
    hit = hit_seconds(spec)
    if kind.repeatable:
        gap = np.zeros(int(GAP_SECONDS * sr))
        parts = []
        for i in range(spec.count):
            parts.append(_normalise(_SYNTH[spec.kind](int(hit * sr), sr, f0, rng)))
            if i < spec.count - 1:
                parts.append(gap)
        x = np.concatenate(parts)
    else:
        x = _normalise(_SYNTH[spec.kind](int(hit * sr), sr, f0, rng))
    return LOUDNESS_GAIN[spec.loudness] * x


def background(n: int, level: str, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Brownish noise floor: none, faint or noisy."""
    if level == "none":
        return np.zeros(n)
    white = rng.standard_normal(n)
    b, a = signal.butter(1, 400.0, btype="low", fs=sr)
    brown = _normalise(signal.lfilter(b, a, white) + 0.05 * white)
    return {"faint": 0.03, "noisy": 0.15}[level] * brown


# --- signal models -------------------------------------------------------------------------------

def _t(n: int, sr: int) -> np.ndarray:
    return np.arange(n) / sr


def _normalise(x: np.ndarray) -> np.ndarray:
    peak = np.max(np.abs(x))
    return x / peak if peak > 0 else x


def _fade(n: int, sr: int, attack: float = 0.005, release: float = 0.01) -> np.ndarray:
    env = np.ones(n)
    a, r = min(n // 2, int(attack * sr)), min(n // 2, int(release * sr))
    if a:
        env[:a] = np.linspace(0.0, 1.0, a)
    if r:
        env[-r:] = np.linspace(1.0, 0.0, r)
    return env


def _beep(n, sr, f0, rng):
    return np.sin(2 * np.pi * f0 * _t(n, sr)) * _fade(n, sr)


def _chirp(n, sr, f0, rng):
    # an upward sweep over one octave centred on the pitch
    t = _t(n, sr)
    return signal.chirp(t, f0 / np.sqrt(2), t[-1], f0 * np.sqrt(2), method="logarithmic") * _fade(n, sr)


def _noise_burst(n, sr, f0, rng):
    return rng.standard_normal(n) * _fade(n, sr, 0.002, 0.02)


def _clicks(n, sr, f0, rng):
    x = np.zeros(n)
    rate = rng.uniform(12.0, 20.0)
    for start in np.arange(0.01, n / sr - 0.01, 1.0 / rate):
        i = int(start * sr)
        click = np.exp(-np.arange(80) / 12.0) * rng.choice([-1.0, 1.0])
        x[i:i + 80] += click[: n - i]
    b, a = signal.butter(2, 2000.0, btype="high", fs=sr)
    return signal.lfilter(b, a, x)


def _siren(n, sr, f0, rng):
    t = _t(n, sr)
    lfo = rng.uniform(2.0, 3.5)
    freq = f0 * (1.0 + 0.25 * np.sin(2 * np.pi * lfo * t))
    phase = 2 * np.pi * np.cumsum(freq) / sr
    return (np.sin(phase) + 0.3 * np.sin(2 * phase)) * _fade(n, sr, 0.03, 0.05)


def _hum(n, sr, f0, rng):
    t = _t(n, sr)
    x = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in range(1, 8))
    return x * _fade(n, sr, 0.05, 0.05)


def _knock(n, sr, f0, rng):
    t = _t(n, sr)
    f = rng.uniform(180.0, 260.0)
    body = np.sin(2 * np.pi * f * t) * np.exp(-t / 0.025)
    tap = rng.standard_normal(n) * np.exp(-t / 0.004)
    return body + 0.4 * tap


def _babble(n, sr, f0, rng):
    # glottal pulse train through two formants that change every syllable, with syllable envelopes
    t = _t(n, sr)
    vib = 1.0 + 0.03 * np.sin(2 * np.pi * 4.0 * t)
    phase = np.cumsum(f0 * vib) / sr
    pulses = (np.diff(np.floor(phase), prepend=0.0) > 0).astype(float)
    out = np.zeros(n)
    pos = 0
    while pos < n:
        length = int(rng.uniform(0.09, 0.16) * sr)
        seg = slice(pos, min(n, pos + length))
        f1, f2 = rng.uniform(300.0, 850.0), rng.uniform(900.0, 2300.0)
        y = np.zeros(seg.stop - seg.start)
        for fc in (f1, f2):
            b, a = signal.iirpeak(fc, 6.0, fs=sr)
            y += signal.lfilter(b, a, pulses[seg])
        out[seg] = y * np.hanning(len(y))
        pos += length
    return out


def _bell(n, sr, f0, rng):
    t = _t(n, sr)
    partials = [(1.0, 1.0), (2.76, 0.6), (5.40, 0.4), (8.93, 0.25)]
    x = sum(a * np.sin(2 * np.pi * f0 * r * t) * np.exp(-t / (0.25 / r ** 0.5)) for r, a in partials)
    return x * _fade(n, sr, 0.001, 0.01)


def _whistle(n, sr, f0, rng):
    t = _t(n, sr)
    freq = f0 * (1.0 + 0.02 * np.sin(2 * np.pi * 5.5 * t))
    return np.sin(2 * np.pi * np.cumsum(freq) / sr) * _fade(n, sr, 0.04, 0.05)


def _drum(n, sr, f0, rng):
    t = _t(n, sr)
    freq = rng.uniform(40.0, 55.0) + rng.uniform(100.0, 140.0) * np.exp(-t / 0.03)
    return np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / rng.uniform(0.07, 0.11))


def _rain(n, sr, f0, rng):
    b, a = signal.butter(2, [1500.0, 6000.0], btype="band", fs=sr)
    hiss = signal.lfilter(b, a, rng.standard_normal(n))
    drops = np.zeros(n)
    for i in rng.integers(0, n - 200, size=int(60 * n / sr)):
        drops[i:i + 200] += np.sin(2 * np.pi * rng.uniform(2500, 4500) * _t(200, sr)) * np.exp(-np.arange(200) / 30)
    return (hiss + 0.5 * _normalise(drops)) * _fade(n, sr, 0.05, 0.05)


def _engine(n, sr, f0, rng):
    t = _t(n, sr)
    saw = signal.sawtooth(2 * np.pi * f0 * t)
    am = 1.0 + 0.4 * np.sin(2 * np.pi * rng.uniform(6.0, 10.0) * t)
    b, a = signal.butter(2, 900.0, btype="low", fs=sr)
    return signal.lfilter(b, a, saw * am) * _fade(n, sr, 0.05, 0.05)


def _birdsong(n, sr, f0, rng):
    out = np.zeros(n)
    pos = int(0.01 * sr)
    while pos < n - int(0.06 * sr):
        m = int(rng.uniform(0.03, 0.06) * sr)
        t = _t(m, sr)
        fa, fb = rng.uniform(2500, 4000), rng.uniform(3500, 6000)
        out[pos:pos + m] = signal.chirp(t, fa, t[-1], fb) * np.hanning(m)
        pos += m + int(rng.uniform(0.03, 0.08) * sr)
    return out


_SYNTH = {
    "beep": _beep, "chirp": _chirp, "noise_burst": _noise_burst, "clicks": _clicks, "siren": _siren,
    "hum": _hum, "knock": _knock, "babble": _babble, "bell": _bell, "whistle": _whistle,
    "drum": _drum, "rain": _rain, "engine": _engine, "birdsong": _birdsong,
}
assert set(_SYNTH) == set(KINDS)
