"""Rules generate_teacher / generate_student(_sweep): the test split at each sampling setting of one model."""
from pathlib import Path

from audiodear.audio.from_plan import codec_from_plan, vocoder_from_plan
from audiodear.config.variants import student_setting, teacher_setting
from audiodear.jobs import Job
from audiodear.models.generator_file import load_generator
from audiodear.sampling.generate import generate_set
from audiodear.text.conditioning import TextCache
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
plan, device = job.plan, resolve_device(job.plan.device)
system = "teacher" if job.smk.rule == "generate_teacher" else "student"
resolve = teacher_setting if system == "teacher" else student_setting
model, meta = load_generator(job.input.model, device)
codec, vocoder = codec_from_plan(plan.vae, job.input.vae, device), vocoder_from_plan(plan.vocoder, plan.audio, device)
text = TextCache.load(job.input.text)
num_samples = int(round(plan.data.clip_seconds * plan.audio.sample_rate))
for out in job.output:  # one folder per setting, named by it
    setting = Path(out).name  # resolved once, here, from the base and the entry the rule declares
    summary = generate_set(model, meta, text, resolve(plan, setting), codec, vocoder, plan.audio.sample_rate,
                           num_samples, out, plan[system].batch_size, plan[system].seed, device)
    job.record(out, {"setting": setting, "variant": job.wildcards.get("variant"), "precision": summary["precision"]})
