"""Rules generate_teacher / generate_student(_sweep): the test split at each sampling setting of one model."""
from pathlib import Path

from audiodear.audio.from_plan import codec_from_plan, vocoder_from_plan
from audiodear.jobs import Job
from audiodear.models.generator_file import load_generator
from audiodear.sampling.generate import generate_set
from audiodear.text.conditioning import TextCache
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
plan, device = job.plan, resolve_device(job.plan.device)
model, meta = load_generator(job.input.model, device)
codec, vocoder = codec_from_plan(plan, job.input.vae, device), vocoder_from_plan(plan, device)
text = TextCache.load(job.input.text)
num_samples = int(round(plan.data.clip_seconds * plan.audio.sample_rate))
for (setting, sampling), out in zip(job.params.settings.items(), job.output):
    assert Path(out).name == setting, (setting, out)  # the rule lists outputs in settings order
    summary = generate_set(model, meta, text, dict(sampling), codec, vocoder, plan.audio.sample_rate, num_samples,
                           out, job.params.batch, job.params.seed, device)
    job.record(out, {"setting": setting, "variant": job.wildcards.get("variant"),
                     "precision": summary["precision"]})
