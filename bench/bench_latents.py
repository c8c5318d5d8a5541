"""Latent-extraction throughput on the CPU and Griffin-Lim quality on the embedded corpus. Prints, asserts nothing.

    PYTHONPATH=src python bench/bench_latents.py [--clips 6] [--paper-clips 2] [--iters 16 32 64]

1. VAE encode / decode throughput (clips per second), random weights:
   (a) the embedded-size VAE on 2.56 s clips (mel 256 x 64);
   (b) AudioLDM's VAE on 10.24 s clips (mel 1024 x 64).
2. Griffin-Lim on clips of the embedded corpus (rendered into a temporary folder), per number of
   iterations: re-analysed log-mel L1, magnitude-spectrogram SNR (the waveform SNR means nothing
   after phase retrieval), seconds per clip. Two references: Griffin-Lim from the true |STFT|
   (the best any mel inverse could give) and from the clipped least-squares mel inverse.
3. The mel inverse's two filterbank products (bins -> bands, bands -> bins) for a generation batch
   of 48 clips, dense against sparse CSR, milliseconds per product and the ratio.
4. (--decode-chunks) Decoding 48 embedded clips (VAE decoder + Griffin-Lim vocoder, the default's
   settings, random weights) a few clips at a time against all at once: seconds per chunk size.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch
import torchaudio

from audiodear.audio.io import read_mono
from audiodear.audio.mel import MelConfig, log_mel, magnitude, mel_basis, normalize_waveform
from audiodear.audio.vae import LatentCodec, audioldm_vae_config, build_vae
from audiodear.audio.vocoder import GriffinLimVocoder, mel_to_magnitude_nonneg
from audiodear.data.corpus.build import build_corpus


def lstsq_clipped(logmel: torch.Tensor, cfg: MelConfig) -> torch.Tensor:
    """The plain inverse the vocoder replaced: least squares through the filterbank, clipped at zero."""
    mel = torch.exp(logmel).transpose(1, 2)
    basis = mel_basis(cfg).to(mel).unsqueeze(0).expand(mel.shape[0], -1, -1)
    return torch.linalg.lstsq(basis, mel).solution.clamp_min(0.0)

EMBEDDED_VAE = dict(block_out_channels=(32, 64, 64), layers_per_block=1, latent_channels=8, norm_num_groups=16)


def throughput(codec: LatentCodec, clips: int, frames: int, batch: int) -> tuple[float, float]:
    mel = torch.randn(batch, frames, 64) - 5.0
    codec.encode(mel[:1])  # warm-up
    t0 = time.perf_counter()
    latents = [codec.encode(mel) for _ in range(max(1, clips // batch))]
    t_enc = time.perf_counter() - t0
    t0 = time.perf_counter()
    for z in latents:
        codec.decode(z)
    t_dec = time.perf_counter() - t0
    n = len(latents) * batch
    return n / t_enc, n / t_dec


def bench_vae(clips: int, paper_clips: int) -> None:
    torch.manual_seed(0)
    small = LatentCodec(build_vae(EMBEDDED_VAE))
    paper = LatentCodec(build_vae(audioldm_vae_config()))
    n_small = sum(p.numel() for p in small.vae.parameters())
    n_paper = sum(p.numel() for p in paper.vae.parameters())
    print(f"\n== VAE throughput on {torch.get_num_threads()} CPU threads (clips/s, random weights)")
    s_enc, s_dec = throughput(small, clips, 256, batch=min(clips, 8))
    p_enc, p_dec = throughput(paper, paper_clips, 1024, batch=1)
    print(f"{'model':42s} {'params':>11s} {'encode':>9s} {'decode':>9s}")
    print(f"{'embedded VAE, 2.56 s clips (mel 256x64)':42s} {n_small:11,d} {s_enc:9.2f} {s_dec:9.2f}")
    print(f"{'AudioLDM VAE, 10.24 s clips (mel 1024x64)':42s} {n_paper:11,d} {p_enc:9.3f} {p_dec:9.3f}")
    print(f"ratio embedded / paper: encode {s_enc / p_enc:.0f}x, decode {s_dec / p_dec:.0f}x")


def spectral_snr(ref_mag: torch.Tensor, est_mag: torch.Tensor) -> float:
    return float(10 * torch.log10(ref_mag.pow(2).sum() / (ref_mag - est_mag).pow(2).sum()))


def griffin_lim_from(mag: torch.Tensor, cfg: MelConfig, n_iter: int) -> torch.Tensor:
    """Torchaudio Griffin-Lim from a given magnitude, framed like GriffinLimVocoder."""
    window = torch.hann_window(cfg.win_length)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        y = torchaudio.functional.griffinlim(mag, window, cfg.n_fft, cfg.hop_length, cfg.win_length, 1.0, n_iter,
                                             0.99, None, True)
    offset = cfg.n_fft // 2 - (cfg.n_fft - cfg.hop_length) // 2
    return torch.nn.functional.pad(y, (offset, cfg.hop_length - offset))


def bench_griffin_lim(clips: int, iters: list[int]) -> None:
    cfg = MelConfig()
    with tempfile.TemporaryDirectory() as tmp:
        rows = build_corpus(Path(tmp) / "corpus", Path(tmp) / "manifest.jsonl", seed=1234,
                            sizes={"train": 0, "valid": 0, "test": clips}, clip_seconds=2.56, sample_rate=16000,
                            two_event_fraction=0.4, uncaptioned_fraction=0.0)
        n = int(2.56 * cfg.sample_rate)
        waves = torch.stack([torch.from_numpy(normalize_waveform(read_mono(Path(tmp) / "corpus" / r["path"], 16000), n))
                             for r in rows])
    logmel = log_mel(waves, cfg)
    true_mag = magnitude(waves, cfg)[..., : logmel.shape[1]]
    print(f"\n== Griffin-Lim on {clips} clips of the embedded corpus (2.56 s, seed 1234, test split)")
    t0 = time.perf_counter()
    inv = mel_to_magnitude_nonneg(logmel, cfg)
    t_inv = (time.perf_counter() - t0) / clips
    floor = torch.log(torch.tensor(1e-5))
    inverses = (("non-negative (RL, 50 it)", inv), ("non-negative (RL, 100 it)", mel_to_magnitude_nonneg(logmel, cfg, 100)),
                ("least squares, clipped", lstsq_clipped(logmel, cfg)))
    for name, mag in inverses:
        remel = torch.log(torch.clamp(mel_basis(cfg) @ mag, min=1e-5)).transpose(1, 2)
        print(f"mel inverse {name:26s}: re-analysed log-mel L1 {float((remel - logmel).abs().mean()):.4f}")
    print(f"(non-negative inverse: {t_inv * 1e3:.1f} ms per clip; silence would score "
          f"{float((floor - logmel).abs().mean()):.2f})")
    print(f"{'magnitude source':28s} {'iters':>5s} {'mel L1':>8s} {'spec SNR dB':>11s} {'s/clip':>8s} {'RMS ratio':>9s}")
    for n_iter in iters:
        vocoder = GriffinLimVocoder(cfg, n_iter=n_iter)
        t0 = time.perf_counter()
        out = vocoder(logmel)
        dt = (time.perf_counter() - t0) / clips
        _report("mel -> RL inverse (vocoder)", n_iter, out, logmel, true_mag, waves, dt, cfg)
    for name, mag in (("true |STFT| (upper bound)", true_mag), ("mel -> lstsq clipped", lstsq_clipped(logmel, cfg))):
        t0 = time.perf_counter()
        out = griffin_lim_from(mag, cfg, 32)
        _report(name, 32, out, logmel, true_mag, waves, (time.perf_counter() - t0) / clips, cfg)


def _report(name, n_iter, out, logmel, true_mag, waves, dt, cfg) -> None:
    l1 = float((log_mel(out, cfg) - logmel).abs().mean())
    snr = spectral_snr(true_mag, magnitude(out, cfg)[..., : true_mag.shape[-1]])
    rms = float(out.pow(2).mean().sqrt() / waves.pow(2).mean().sqrt())
    print(f"{name:28s} {n_iter:5d} {l1:8.3f} {snr:11.2f} {dt:8.3f} {rms:9.2f}")


def bench_filterbank_products(clips: int = 48, frames: int = 256, repeats: int = 10) -> None:
    cfg = MelConfig()
    dense = mel_basis(cfg)
    mag, mel = torch.rand(dense.shape[1], clips * frames), torch.rand(dense.shape[0], clips * frames)
    print(f"\nfilterbank products, {clips} clips x {frames} frames, {torch.get_num_threads()} threads, "
          f"CPU {torch.backends.cpu.get_cpu_capability()}: ms dense / sparse CSR (ratio)")
    for name, matrix, x in (("bins -> bands", dense, mag), ("bands -> bins", dense.T.contiguous(), mel)):
        sparse = matrix.to_sparse_csr()
        times = []
        for m in (matrix, sparse):
            m @ x
            t0 = time.perf_counter()
            for _ in range(repeats):
                m @ x
            times.append((time.perf_counter() - t0) / repeats * 1e3)
        print(f"{name:14s} {times[0]:8.2f} {times[1]:8.2f}  ({times[0] / times[1]:.2f}x)")


def bench_decode_chunks(chunks: list[int], clips: int = 48) -> None:
    from audiodear.audio.from_plan import vocoder_from_plan
    from audiodear.audio.vae_train import build_embedded_vae
    from audiodear.config import compose

    plan = compose("default")
    torch.manual_seed(0)
    codec = LatentCodec(build_embedded_vae(plan.vae))
    vocoder = vocoder_from_plan(plan.vocoder, plan.audio)
    frames = int(round(plan.data.clip_seconds * plan.audio.sample_rate)) // plan.audio.hop_length
    latent = torch.randn(clips, *codec.latent_shape(frames - frames % codec.downsample, plan.audio.n_mels))
    print(f"\ndecoding {clips} clips (VAE decoder + vocoder), {torch.get_num_threads()} threads, "
          f"CPU {torch.backends.cpu.get_cpu_capability()}: seconds per chunk size")
    with torch.no_grad():
        vocoder(codec.decode(latent[:2]))
        for chunk in chunks:
            t0 = time.perf_counter()
            for part in latent.split(chunk):
                vocoder(codec.decode(part).float())
            print(f"chunk {chunk:3d}: {time.perf_counter() - t0:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=6, help="embedded clips for VAE throughput and Griffin-Lim")
    parser.add_argument("--paper-clips", type=int, default=2, help="10.24 s clips through the AudioLDM VAE")
    parser.add_argument("--iters", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--decode-chunks", type=int, nargs="+", default=[48, 16, 8], help="clips decoded together")
    args = parser.parse_args()
    bench_vae(args.clips, args.paper_clips)
    bench_griffin_lim(args.clips, args.iters)
    bench_filterbank_products()
    bench_decode_chunks(args.decode_chunks)


if __name__ == "__main__":
    main()
