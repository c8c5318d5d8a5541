# Listening test: a blinded, loudness-normalised bundle for raters (the test-set reference audio and
# every rated system's audio for the same clips), then, once rating files come back into
# <subjective.ratings_dir>/<experiment_name>/*.json, their validation, un-blinding and MOS table.
# The table rule always runs: without rating files it writes a table that says no ratings were
# collected, and it does not need the bundle.
import glob
import os

SUBJ_DIR = P.subjective
SUBJ_RATINGS = os.path.join(PLAN.subjective.ratings_dir, PLAN.experiment_name)


# The returned rating files, looked up when the DAG is built: the MOS stage exists only when there
# are some, and adding or removing one changes the inputs (Snakemake then reruns the stage).
SUBJ_RATING_FILES = lambda wildcards=None: sorted(glob.glob(os.path.join(SUBJ_RATINGS, "*.json")))


rule subjective_bundle:
    input:
        manifest=P.manifest,
        audio=P.audio,
        testset=P.testset,
        systems=[P.generated(s.audio) for s in PLAN.subjective.systems],
    output:
        raters=directory(f"{SUBJ_DIR}/bundle/raters"),
        key=f"{SUBJ_DIR}/bundle/key.json",
        loudness=f"{SUBJ_DIR}/bundle/loudness.csv",
    params:
        plan=plan("subjective", "data.sample_rate"),
    conda:
        CONDA_ENV
    log:
        P.log("subjective_bundle"),
    script:
        "../scripts/subjective_bundle.py"


rule subjective_ratings:
    input:
        key=f"{SUBJ_DIR}/bundle/key.json",
        ratings=SUBJ_RATING_FILES,
    output:
        validation=f"{SUBJ_DIR}/ratings/validation.csv",
        raters=f"{SUBJ_DIR}/ratings/raters.csv",
        ratings=f"{SUBJ_DIR}/ratings/ratings.csv",
        mos=f"{SUBJ_DIR}/ratings/mos.csv",
        summary=f"{SUBJ_DIR}/ratings/summary.json",
    params:
        plan=plan("subjective"),
    conda:
        CONDA_ENV
    log:
        P.log("subjective_ratings"),
    script:
        "../scripts/subjective_ratings.py"


rule subjective_table:
    input:
        # MOS inputs only when rating files exist; otherwise the "no ratings collected" table.
        unpack(lambda wc: {k: rules.subjective_ratings.output[k] for k in ("mos", "ratings", "summary")}
               if SUBJ_RATING_FILES() else {}),
    output:
        table=multiext(P.table("subjective_mos"), ".md", ".tex", ".csv"),
        figure=multiext(P.table("subjective_mos"), ".png", ".pdf"),
    params:
        plan=plan("subjective"),
        ratings_dir=SUBJ_RATINGS,
    conda:
        CONDA_ENV
    log:
        P.log("subjective_table"),
    script:
        "../scripts/subjective_table.py"
