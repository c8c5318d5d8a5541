"""Rule latency: generation latency and throughput of teacher and student on this machine."""
from audiodear.audio.from_plan import codec_from_plan, vocoder_from_plan
from audiodear.config.variants import sampling_of
from audiodear.jobs import Job
from audiodear.sampling.latency import measure
from audiodear.sampling.mar_sampler import SamplingConfig
from audiodear.text.conditioning import TextCache
from audiodear.models.generator_file import load_generator
from audiodear.utils.atomic import write_csv
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
plan, device = job.plan, resolve_device(job.plan.device)
systems = {}
# The rule lists the model files in the order of report.latency_systems.
for (name, audio), path in zip(plan.report.latency_systems.items(), job.input.models):
    model, meta = load_generator(path, device)
    systems[name] = (model, meta, SamplingConfig(**sampling_of(plan, audio)))
text = TextCache.load(job.input.text)
meta0 = next(iter(systems.values()))[1]
lat = plan.eval.latency
frame = measure(systems, text.sequence(meta0["text_set"]), codec_from_plan(plan.vae, job.input.vae, device),
                vocoder_from_plan(plan.vocoder, plan.audio, device), list(lat.batch_sizes), list(lat.iterations),
                next(iter(systems.values()))[2].iterations, lat.repeats, lat.warmup, device)
write_csv(job.output[0], frame)
job.log.info("\n%s", frame.to_string())
