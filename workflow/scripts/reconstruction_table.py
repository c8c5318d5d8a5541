"""Rule reconstruction_table: mel L1 / SNR of audio -> latent -> audio on test clips."""
from pathlib import Path

from audiodear.audio.from_plan import codec_from_plan, vocoder_from_plan
from audiodear.audio.mel import mel_config
from audiodear.audio.reconstruction import reconstruction_table
from audiodear.audio.waveforms import load_waveforms
from audiodear.data.clips import clip_paths
from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.jobs import Job
from audiodear.report.render import write_table
from audiodear.utils.device import resolve_device

MAX_CLIPS = 64  # enough for stable means; the vocoder dominates the cost

job = Job(snakemake)  # noqa: F821
plan, device = job.plan, resolve_device(job.plan.device)
mel = mel_config(plan.audio)
by_id = {r["id"]: r for r in read_manifest(job.input.manifest)}
rows = [by_id[c["id"]] for c in read_testset(job.input.testset)][:MAX_CLIPS]
waves = load_waveforms(clip_paths(rows, job.input.audio), mel.sample_rate, plan.data.clip_seconds)
vae_name = "embedded VAE (trained in the DAG)" if plan.vae.kind == "embedded" else f"AudioLDM VAE ({plan.vae.path})"
voc_name = f"Griffin-Lim ({plan.vocoder.n_iter} it.)" if plan.vocoder.kind == "griffin_lim" else f"HiFi-GAN ({plan.vocoder.path})"
frame = reconstruction_table(waves, mel, codec_from_plan(plan.vae, job.input.vae, device),
                             vocoder_from_plan(plan.vocoder, plan.audio, device),
                             vae_name, voc_name)
write_table(frame, Path(job.output[0]).with_suffix(""), f"Reconstruction quality ({plan.experiment_name})",
            notes=["mel_l1: mean |log-mel difference| (natural log units) against the input clip's mel",
                   "snr_db: waveform SNR; a vocoder that invents phase (Griffin-Lim) scores about 0 dB by construction",
                   f"first {len(rows)} clips of the test set"])
