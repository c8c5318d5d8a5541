"""Rules reference_features / caption_features: features of the test-set audio and captions."""
from audiodear.data.manifest import read_manifest, resolve
from audiodear.data.testset import read_testset
from audiodear.eval.extract import extract_features, extract_text_features
from audiodear.eval.from_plan import backbone_from_plan
from audiodear.jobs import Job
from audiodear.layout import ROLES
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
device = resolve_device(job.plan.device)
testset = read_testset(job.input.testset)
ids = [c["id"] for c in testset]
if job.smk.rule == "caption_features":
    clap = backbone_from_plan(job.plan, "clap", job.input.clap, device)
    extract_text_features(clap, [c["caption"] for c in testset], ids, job.output[0], source=job.input.testset)
else:
    by_id = {r["id"]: r for r in read_manifest(job.input.manifest)}
    audio = {i: resolve(job.input.audio, by_id[i]) for i in ids}
    for role in ROLES:
        backbone = backbone_from_plan(job.plan, role, job.input[role], device)
        extract_features(backbone, audio, ids, job.output[role], audio_set="reference")
