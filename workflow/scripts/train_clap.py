"""Rule train_clap: the small conditioning CLAP (frozen MiniLM text tower), trained contrastively."""
from audiodear.audio.mel import MelConfig
from audiodear.data.clips import load_waveforms, select, waveforms_to_mel
from audiodear.data.manifest import read_manifest
from audiodear.jobs import Job
from audiodear.text.clap_small import ClapConfig, save_clap, train_small_clap

job = Job(snakemake)  # noqa: F821
plan, mel = job.plan, MelConfig.from_plan(job.plan.audio)
rows = read_manifest(job.input.manifest)
sets = {s: select(rows, s, captioned=True) for s in ("train", "valid")}
mels = {s: waveforms_to_mel(load_waveforms(r, job.input.audio, mel.sample_rate, plan.data.clip_seconds), mel)
        for s, r in sets.items()}
c = plan.text.clap_slot
cfg = ClapConfig(embed_dim=c.embed_dim, text_tower="minilm", max_tokens=plan.text.text_slot.max_tokens,
                 epochs=c.epochs, batch_size=c.batch_size, lr=c.lr, seed=c.seed)
model, scores = train_small_clap(mels["train"], [r["caption"] for r in sets["train"]], mels["valid"],
                                 [r["caption"] for r in sets["valid"]], cfg)
save_clap(model, job.output[0], {"validation": scores, "role": "conditioning"})
job.record(job.output[0], {"validation": scores})
