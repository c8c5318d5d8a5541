"""Rule testset: the test-set definition in use (clip id + the one caption scored), checked against the manifest."""
from audiodear.data.manifest import read_manifest
from audiodear.data.testset import resolve_testset, write_testset
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821
rows = read_manifest(job.input.manifest)
definition = job.input.definition[0] if job.input.definition else None
entries = resolve_testset(rows, definition)
write_testset(job.output[0], entries, source=definition or "every test clip of the manifest")
job.log.info("test set: %d clips", len(entries))
