"""Rules generate_teacher / generate_student: the test split at one sampling setting."""
from audiodear.audio.from_plan import codec_from_plan, vocoder_from_plan
from audiodear.config.variants import student_setting, teacher_setting
from audiodear.jobs import Job
from audiodear.sampling.generate import generate_set
from audiodear.text.conditioning import TextCache
from audiodear.models.generator_file import load_generator
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
plan, device = job.plan, resolve_device(job.plan.device)
system = "teacher" if job.smk.rule == "generate_teacher" else "student"
setting = job.wildcards["setting"]  # resolved once, here, from the base and the entry the rule declares
sampling = (teacher_setting if system == "teacher" else student_setting)(plan, setting)
model, meta = load_generator(job.input.model, device)
num_samples = int(round(plan.data.clip_seconds * plan.audio.sample_rate))
summary = generate_set(model, meta, TextCache.load(job.input.text), sampling,
                       codec_from_plan(plan.vae, job.input.vae, device), vocoder_from_plan(plan.vocoder, plan.audio, device),
                       plan.audio.sample_rate, num_samples, job.output[0], plan[system].batch_size, plan[system].seed, device)
job.record(job.output[0], {"setting": job.wildcards.get("setting"), "variant": job.wildcards.get("variant"),
                           "precision": summary["precision"]})
