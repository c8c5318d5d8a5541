# Data: the embedded corpus (generated) or the user's captioned corpora (ingested), as one
# normalised manifest over 16 kHz mono audio, plus the test-set definition in use.


if PLAN.data.kind == "synthetic":

    rule corpus:
        output:
            manifest=P.manifest,
            audio=directory(P.audio),
        params:
            plan=plan("data"),
        conda:
            CONDA_ENV
        log:
            P.log("corpus"),
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
            manifest=P.manifest,
            audio=directory(P.audio),
            report=P.ingest_report,
        params:
            plan=plan("data"),
        conda:
            CONDA_ENV
        log:
            P.log("ingest"),
        script:
            "../scripts/ingest.py"


rule testset:
    input:
        manifest=P.manifest,
        definition=[ancient(os.path.join(PLAN.data.root, PLAN.data.testset))] if PLAN.data.testset else [],
    output:
        P.testset,
    params:
        plan=plan(),  # the definition is an input; the rows come from the manifest
    conda:
        CONDA_ENV
    log:
        P.log("testset"),
    script:
        "../scripts/testset.py"


rule audio_check:
    input:
        manifest=P.manifest,
        audio=P.audio,
    output:
        P.audio_check,
    params:
        plan=plan("audio.sample_rate"),
    conda:
        CONDA_ENV
    log:
        P.log("audio_check"),
    script:
        "../scripts/audio_check.py"
