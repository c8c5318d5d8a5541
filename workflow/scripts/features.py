"""Rules reference_features / caption_features: features of the test-set audio and captions."""
from audiodear.data.manifest import read_manifest, resolve
from audiodear.data.testset import read_testset
from audiodear.eval.extract import extract_roles, extract_text_features
from audiodear.eval.from_plan import backbone_from_plan
from audiodear.jobs import Job
from audiodear.layout import ROLES

job = Job(snakemake)  # noqa: F821
testset = read_testset(job.input.testset)
ids = [c["id"] for c in testset]
if job.smk.rule == "caption_features":
    clap = backbone_from_plan(job.plan, "clap", job.input.clap, job.device)
    extract_text_features(clap, [c["caption"] for c in testset], ids, job.output[0], source=job.input.testset)
else:
    by_id = {r["id"]: r for r in read_manifest(job.input.manifest)}
    extract_roles(job.plan, {r: job.input[r] for r in ROLES}, {i: resolve(job.input.audio, by_id[i]) for i in ids},
                  ids, {r: job.output[r] for r in ROLES}, "reference", job.device)
