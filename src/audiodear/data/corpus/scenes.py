"""Scenes of the embedded corpus: one or two events in order over a background, with labels.

A scene is drawn from a seed, rendered to a fixed-length 16 kHz mono clip and captioned. Its
labels (event kinds in order, per-event attributes, background) are what the in-DAG evaluation
models train on and what recognition accuracy is scored against.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .captions import caption
from .events import DURATIONS, KIND_NAMES, KINDS, LOUDNESS, PITCHES, EventSpec, background, event_seconds, render_event

BACKGROUNDS = ("none", "faint", "noisy")
# A fixed master gain instead of per-clip peak normalisation keeps "quiet" and "loud" apart in the
# files (events sit in separate halves, so the peak stays below 0.5 * (0.8 + 0.15) < 0.5).
MASTER_GAIN = 0.5
ONSET_SECONDS = 0.1


@dataclass(frozen=True)
class Scene:
    events: tuple[EventSpec, ...]
    background: str
    caption: str

    def labels(self) -> dict:
        """Per-clip labels; ``kinds`` is in temporal order."""
        return {
            "kinds": [e.kind for e in self.events],
            "events": [e.as_dict() for e in self.events],
            "background": self.background,
        }


def draw_scene(rng: np.random.Generator, clip_seconds: float, two_event_fraction: float,
               kinds: tuple[str, ...] = KIND_NAMES) -> Scene:
    """Draw a scene whose events fit in the clip (each event in its own half when there are two)."""
    n_events = 2 if rng.random() < two_event_fraction else 1
    chosen = rng.choice(len(kinds), size=n_events, replace=False)
    budget = clip_seconds / n_events - 0.15
    events = []
    for idx in chosen:
        kind = KINDS[kinds[int(idx)]]
        while True:  # redraw the attributes until the event fits its share of the clip
            spec = EventSpec(
                kind=kind.name,
                pitch=str(rng.choice(PITCHES)) if kind.pitched else None,
                loudness=str(rng.choice(LOUDNESS)),
                count=int(rng.integers(1, 5)) if kind.repeatable else 1,
                duration=str(rng.choice(DURATIONS)),
            )
            if event_seconds(spec) <= budget:
                break
        events.append(spec)
    bg = str(rng.choice(BACKGROUNDS, p=[0.4, 0.35, 0.25]))
    return Scene(tuple(events), bg, caption(events, bg, rng))


def render_scene(scene: Scene, sr: int, clip_seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Render a scene to float32 samples in [-0.5, 0.5]."""
    n = int(round(clip_seconds * sr))
    out = background(n, scene.background, sr, rng)
    slot = n // len(scene.events)
    for i, spec in enumerate(scene.events):
        x = render_event(spec, sr, rng)
        # Each event starts at a fixed point of its half: what a caption leaves open (onset time)
        # would be uncertainty the small CPU-trained generators cannot model; what it states
        # (kind, pitch, loudness, count, duration, order, background) is what varies.
        start = i * slot + int(ONSET_SECONDS * sr)
        end = min(n, start + len(x))
        out[start:end] += x[: end - start]
    return np.clip(MASTER_GAIN * out, -1.0, 1.0).astype(np.float32)
