"""A small caption grammar for the embedded corpus.

A caption states everything the clip's labels hold (event kinds, their order, pitch, loudness,
count, duration, background), in one of several phrasings per structure, so a text encoder has
real paraphrase to cope with and a generator has real attributes to get right.
"""
from __future__ import annotations

import numpy as np

from .events import KINDS, EventSpec

# noun (singular), noun (plural), subject and verb for "<subject> <verb> <adverbs>"
_WORDS = {
    "beep": ("beep", "beeps", "beep", "sounds"),
    "chirp": ("rising chirp", "rising chirps", "rising chirp", "sounds"),
    "noise_burst": ("burst of noise", "bursts of noise", "noise burst", "sounds"),
    "clicks": ("clicking sound", "clicking sounds", "clock", "ticks"),
    "siren": ("siren", "sirens", "siren", "wails"),
    "hum": ("hum", "hums", "machine", "hums"),
    "knock": ("knock", "knocks", "door", "is knocked"),
    "babble": ("voice babbling", "voices babbling", "voice", "babbles"),
    "bell": ("bell", "bells", "bell", "rings"),
    "whistle": ("whistle", "whistles", "whistle", "blows"),
    "drum": ("drum hit", "drum hits", "drum", "is hit"),
    "rain": ("patter of rain", "patters of rain", "rain", "patters"),
    "engine": ("engine", "engines", "engine", "rumbles"),
    "birdsong": ("bird singing", "birds singing", "bird", "sings"),
}
assert set(_WORDS) == set(KINDS)

_PITCH = {"low": ["low", "low-pitched", "deep"], "medium": ["medium-pitched", "mid-range"],
          "high": ["high", "high-pitched", "shrill"]}
_LOUD = {"quiet": ["quiet", "soft", "faint"], "loud": ["loud", "strong"]}
_LOUD_ADV = {"quiet": ["quietly", "softly"], "loud": ["loudly"]}
_COUNT_ADV = {1: ["once"], 2: ["twice", "two times"], 3: ["three times"], 4: ["four times"]}
_COUNT_NUM = {2: "two", 3: "three", 4: "four"}
_DURATION = {"short": ["briefly", "for a moment"], "long": ["for a long time", "steadily"]}
_DURATION_ADJ = {"short": ["short", "brief"], "long": ["long", "drawn-out"]}
_BACKGROUND = {"none": ["", "in silence", "in a quiet room"],
               "faint": ["with faint background noise", "over a soft noise floor"],
               "noisy": ["over loud background noise", "in a noisy place"]}


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def event_phrase(e: EventSpec, rng: np.random.Generator) -> str:
    """A clause describing one event, in one of several shapes."""
    noun, plural, subject, verb = _WORDS[e.kind]
    adjs = [_pick(rng, _LOUD[e.loudness])]
    if e.pitch is not None:
        adjs.append(_pick(rng, _PITCH[e.pitch]))
    kind = KINDS[e.kind]
    if kind.repeatable:
        adjs.insert(0, _pick(rng, _DURATION_ADJ[e.duration]))
        adj = " ".join(adjs)
        shape = int(rng.integers(3))
        if e.count == 1:
            return [f"a single {adj} {noun}", f"{_article(adj)} {adj} {subject} {verb} once",
                    f"one {adj} {noun}"][shape]
        if shape == 0:
            return f"{_COUNT_NUM[e.count]} {adj} {plural}"
        if shape == 1:
            return f"{_article(adj)} {adj} {subject} {verb} {_pick(rng, _COUNT_ADV[e.count])}"
        return f"{_COUNT_NUM[e.count]} {adj} {plural} in a row"
    adj = " ".join(adjs)
    shape = int(rng.integers(3))
    if shape == 0:
        return f"{_article(adj)} {adj} {noun} {_pick(rng, _DURATION[e.duration])}"
    if shape == 1:
        words = ([_pick(rng, _PITCH[e.pitch])] if e.pitch is not None else []) + [subject]
        head = " ".join(words)
        adv = _pick(rng, _LOUD_ADV[e.loudness])
        return f"{_article(head)} {head} {verb} {adv} {_pick(rng, _DURATION[e.duration])}"
    dur = _pick(rng, _DURATION_ADJ[e.duration])
    return f"{_article(dur)} {dur} {adj} {noun}"


def caption(events: list[EventSpec], background: str, rng: np.random.Generator) -> str:
    """Caption a scene of one or two events in order, with its background."""
    first = event_phrase(events[0], rng)
    if len(events) == 1:
        body = first
    else:
        second = event_phrase(events[1], rng)
        shape = int(rng.integers(4))
        body = [f"{first}, followed by {second}", f"{first} and then {second}",
                f"first {first}, then {second}", f"{second} after {first}"][shape]
    bg = _pick(rng, _BACKGROUND[background])
    text = f"{body} {bg}".strip()
    return text[0].upper() + text[1:]
