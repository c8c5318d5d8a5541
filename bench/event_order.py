"""Where two-event captions are lost: each half of a two-event clip, classified on its own.

A two-event scene puts its first event in the first half of the clip and its second in the second
half (``data/corpus/scenes.py``). The recognition table scores the whole clip (both kinds in the
classifier's top 2); this diagnostic zeroes one half at a time and asks the embedded classifier
for each half's top-1 kind, so a reader sees whether a generator renders the right events, in the
right order, or confuses them:

- ``in order``: the first half is heard as the first kind and the second as the second;
- ``swapped``: the first half is heard as the second kind and the second as the first;
- ``half right`` / ``half other half's kind`` / ``half noise burst``: per half (the mean of both
  halves), the share heard as its own kind, as the other event's kind, or as a noise burst that
  it is not (what smeared spectra are classified as).

Run from the root of a finished run; the real test clips are the first row:

    python bench/event_order.py [--experiment medium] [--results results] teacher/main/main student/main/main
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from audiodear.config import compose
from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.eval.backbones.load import load_backbone
from audiodear.eval.extract import list_audio, load_wave
from audiodear.eval.recognition import kinds_by_id
from audiodear.layout import Layout

PARAMS = Path(__file__).resolve().parents[1] / "params"
NOISE = "noise_burst"


def halves_top1(classifier, wave: np.ndarray, sample_rate: int) -> list[str]:
    """Top-1 kind of the first half alone and of the second half alone (the other half zeroed)."""
    mid = len(wave) // 2
    first, second = wave.copy(), wave.copy()
    first[mid:], second[:mid] = 0.0, 0.0
    logits = classifier.embed([first, second], sample_rate)["logits"]
    return [classifier.classes[int(np.argmax(row))] for row in logits]


def order_row(classifier, audio: str | dict, pairs: dict[str, list[str]], sample_rate: int) -> dict:
    """Shares of ``pairs`` (clip id -> its two kinds in order) per outcome; ``audio``: a folder of
    ``<id>.wav`` or {id: path}."""
    ids, paths = list_audio(audio, list(pairs))
    outcomes = []
    for cid, path in zip(ids, paths):
        wave, _ = load_wave(path, sample_rate)
        heard, (k1, k2) = halves_top1(classifier, wave, sample_rate), pairs[cid]
        outcomes.append({"in order": heard == [k1, k2], "swapped": heard == [k2, k1],
                         "half right": (heard[0] == k1) / 2 + (heard[1] == k2) / 2,
                         "half other half's kind": (heard[0] == k2) / 2 + (heard[1] == k1) / 2,
                         "half noise burst": ((heard[0] == NOISE != k1) + (heard[1] == NOISE != k2)) / 2})
    return {"clips": len(outcomes), **pd.DataFrame(outcomes).mean().round(3).to_dict()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", help="generated sets, e.g. teacher/main/main")
    ap.add_argument("--experiment", default="default")
    ap.add_argument("--results", default="results", help="results_dir of the finished run")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    plan = compose(a.experiment, [f"results_dir={a.results}"], params_dir=PARAMS)
    lay = Layout.of(plan)
    rows = read_manifest(lay.manifest)
    kinds, real = kinds_by_id(rows), {r["id"]: str(Path(lay.audio) / r["path"]) for r in rows}
    # The two kinds of a scene always differ (scenes.draw_scene draws them without replacement).
    pairs = {c["id"]: kinds[c["id"]] for c in read_testset(lay.testset) if len(kinds[c["id"]]) == 2}
    classifier = load_backbone("embedded_classifier", lay.eval_model("classifier"))
    table = {"real clips": order_row(classifier, real, pairs, plan.audio.sample_rate)}
    for name in a.sets:
        table[name] = order_row(classifier, lay.generated(name), pairs, plan.audio.sample_rate)
    print(pd.DataFrame(table).T.to_markdown())


if __name__ == "__main__":
    main()
