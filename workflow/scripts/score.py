"""Rules score / score_reference: features of one audio set (one file per backbone) and its metrics."""
from pathlib import Path

from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.eval.extract import extract_features
from audiodear.eval.from_plan import backbone_from_plan
from audiodear.eval.metrics import BootstrapSpec, score_generated_set, write_metrics
from audiodear.eval.recognition import kinds_by_id
from audiodear.jobs import Job
from audiodear.layout import ROLES
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
device = resolve_device(job.plan.device)
ids = [c["id"] for c in read_testset(job.input.testset)]
rows = read_manifest(job.input.manifest)
kinds = kinds_by_id(rows) if all(r.get("labels") for r in rows) else None
reference = {role: job.input[f"ref_{role}"] for role in ROLES}
if job.smk.rule == "score":
    audioset = job.wildcards["audioset"]
    generated = {}
    for role in ROLES:
        backbone = backbone_from_plan(job.plan, role, job.input[role], device)
        generated[role] = extract_features(backbone, job.input.audio, ids, job.output[f"feat_{role}"], audio_set=audioset)
else:
    audioset, generated = "reference", reference
b = job.plan.eval.bootstrap
report = score_generated_set(generated, reference, captions=job.input.captions, ids=ids, kinds=kinds,
                             bootstrap=BootstrapSpec(b.n_boot, b.seed, b.level), label=audioset)
write_metrics(report, job.output.table, job.output.summary, job.output.per_clip)
job.record(Path(job.output.table).parent, {"audioset": audioset, "clips": len(ids)})
