# Evaluation: backbones (trained here on the corpus labels for the embedded default, loaded from
# local checkpoints at paper scale), one feature file per (audio set, backbone), metrics per audio
# set with bootstrap CIs, the tidy metric table, and generation latency.

if embedded_eval("classifier"):

    rule train_eval_classifier:
        input:
            manifest=P.manifest,
            audio=P.audio,
            checked=P.audio_check,
        output:
            P.eval_model("classifier"),
        params:
            plan=plan("eval.train"),
            trainer="train_embedded_classifier",
        threads: 1
        conda:
            CONDA_ENV
        log:
            P.log("train_eval_classifier"),
        script:
            "../scripts/train_eval_backbone.py"


if embedded_eval("frames"):

    rule train_eval_frames:
        input:
            manifest=P.manifest,
            audio=P.audio,
            checked=P.audio_check,
        output:
            P.eval_model("frames"),
        params:
            plan=plan("eval.train"),
            trainer="train_embedded_vggish",
        threads: 1
        conda:
            CONDA_ENV
        log:
            P.log("train_eval_frames"),
        script:
            "../scripts/train_eval_backbone.py"


if embedded_eval("clap"):

    rule train_eval_clap:
        input:
            manifest=P.manifest,
            audio=P.audio,
            checked=P.audio_check,
        output:
            directory(P.eval_model("clap")),
        params:
            plan=plan("eval.clap", "audio", "data.clip_seconds", "text.text_slot.max_tokens"),
        threads: 1
        conda:
            CONDA_ENV
        log:
            P.log("train_eval_clap"),
        script:
            "../scripts/train_eval_clap.py"


rule caption_features:
    input:
        testset=P.testset,
        clap=eval_backbone("clap"),
    output:
        P.features("captions", "clap"),
    params:
        plan=plan("eval.backbones", "audio", "data.clip_seconds"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("caption_features"),
    script:
        "../scripts/features.py"


rule reference_features:
    input:
        manifest=P.manifest,
        audio=P.audio,
        testset=P.testset,
        **{role: eval_backbone(role) for role in ROLES},
    output:
        **{role: P.features("reference", role) for role in ROLES},
    params:
        plan=plan("eval.backbones", "audio", "data.clip_seconds"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("reference_features"),
    script:
        "../scripts/features.py"


rule score:
    """Features of one generated audio set (one file per backbone) and its metrics."""
    input:
        audio=P.generated("{audioset}"),
        manifest=P.manifest,
        testset=P.testset,
        captions=P.features("captions", "clap"),
        **{f"ref_{role}": P.features("reference", role) for role in ROLES},
        **{role: eval_backbone(role) for role in ROLES},
    output:
        **{f"feat_{role}": P.features("{audioset}", role) for role in ROLES},
        table=P.metrics("{audioset}"),
        summary=P.metrics("{audioset}", "summary.json"),
        per_clip=P.metrics("{audioset}", "per_clip.csv"),
    wildcard_constraints:
        audioset=AUDIOSET,
    params:
        plan=plan("eval.backbones", "eval.bootstrap", "audio", "data.clip_seconds"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("score/{audioset}"),
    script:
        "../scripts/score.py"


rule score_reference:
    """The test-set audio scored like a system (its CLAP score is the paper's ground-truth row)."""
    input:
        manifest=P.manifest,
        testset=P.testset,
        captions=P.features("captions", "clap"),
        **{f"ref_{role}": P.features("reference", role) for role in ROLES},
    output:
        table=P.metrics("reference"),
        summary=P.metrics("reference", "summary.json"),
        per_clip=P.metrics("reference", "per_clip.csv"),
    params:
        plan=plan("eval.bootstrap"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("score/reference"),
    script:
        "../scripts/score.py"


rule score_real_halves:
    """Real vs real: two disjoint halves of the test audio, the floor of each distribution metric."""
    input:
        testset=P.testset,
        **{f"ref_{role}": P.features("reference", role) for role in ("classifier", "frames")},
    output:
        table=P.metrics("reference_halves"),
        summary=P.metrics("reference_halves", "summary.json"),
        per_clip=P.metrics("reference_halves", "per_clip.csv"),
    params:
        plan=plan("eval.bootstrap"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("score/reference_halves"),
    script:
        "../scripts/score_real_halves.py"


rule collect_metrics:
    localrule: True
    input:
        tables=[P.metrics(a) for a in REAL_AUDIOSETS + generated_audiosets()],
    output:
        tidy=P.metrics_table,
        headline=P.headline,
    params:
        plan=plan(),
        audiosets=REAL_AUDIOSETS + generated_audiosets(),
    conda:
        CONDA_ENV
    log:
        P.log("collect_metrics"),
    script:
        "../scripts/collect_metrics.py"


rule latency:
    input:
        models=[generator_model(a) for a in PLAN.report.latency_systems.values()],
        text=P.text("test"),
        vae=vae_folder(),
    output:
        P.latency,
    params:
        # the systems timed, and the settings they sample with (only theirs: adding a teacher or
        # student setting to the grid does not rerun the sweep)
        plan=plan("eval.latency", "vae", "vocoder", "audio", "data.clip_seconds", "report.latency_systems",
                  *latency_sampling_keys()),
    # One thread, as every generation job runs: a one-thread job beside another measures the same
    # as alone, and the other core keeps working.
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("latency"),
    script:
        "../scripts/latency.py"
