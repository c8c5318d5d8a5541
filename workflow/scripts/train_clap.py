"""Rule train_clap: the small conditioning CLAP (frozen MiniLM text tower), trained contrastively."""
from audiodear.audio.mel import mel_config
from audiodear.data.manifest import read_manifest
from audiodear.jobs import Job
from audiodear.text.clap_small import ClapConfig, save_clap, train_on_corpus

job = Job(snakemake)  # noqa: F821
plan, c = job.plan, job.plan.text.clap_slot
cfg = ClapConfig(embed_dim=c.embed_dim, text_tower="minilm", max_tokens=plan.text.text_slot.max_tokens,
                 epochs=c.epochs, batch_size=c.batch_size, lr=c.lr, seed=c.seed)
model, scores = train_on_corpus(read_manifest(job.input.manifest), job.input.audio, mel_config(plan.audio),
                                plan.data.clip_seconds, cfg)
save_clap(model, job.output[0], {"validation": scores, "role": "conditioning"})
job.record(job.output[0], {"validation": scores})
