# Data: the embedded corpus (generated) or the user's captioned corpora (ingested), as one
# normalised manifest over 16 kHz mono audio, plus the test-set definition in use.


if PLAN.data.kind == "synthetic":

    rule corpus:
        output:
            manifest=f"{R}/data/manifest.csv",
            audio=directory(f"{R}/data/audio"),
        params:
            cfg=section("data"),
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/corpus.log",
        script:
            "../scripts/corpus.py"

else:
    rule ingest:
        input:
            # DVC-tracked inputs: ancient() so that a `dvc pull` (new mtimes) does not rerun. Optional
            # sources that are absent are left out; a required one that is absent stops the DAG build
            # with a message naming the source (metadata_inputs).
            metadata=lambda wildcards: [ancient(p) for p in metadata_inputs(PLAN.data)],
        output:
            manifest=f"{R}/data/manifest.csv",
            audio=directory(f"{R}/data/audio"),
            report=f"{R}/data/ingest_report.csv",
        params:
            cfg=section("data"),
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/ingest.log",
        script:
            "../scripts/ingest.py"


rule testset:
    input:
        manifest=f"{R}/data/manifest.csv",
        definition=[ancient(os.path.join(PLAN.data.root, PLAN.data.testset))] if PLAN.data.testset else [],
    output:
        f"{R}/data/testset.json",
    params:
        cfg=section("data"),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/testset.log",
    script:
        "../scripts/testset.py"


rule audio_check:
    input:
        manifest=f"{R}/data/manifest.csv",
        audio=f"{R}/data/audio",
    output:
        f"{R}/data/audio_check.json",
    params:
        cfg=section("data", "audio"),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/audio_check.log",
    script:
        "../scripts/audio_check.py"
