# Evaluation: backbones (trained here on the corpus labels for the embedded default, loaded from
# local checkpoints at paper scale), one feature file per (audio set, backbone), metrics per audio
# set with bootstrap CIs, the tidy metric table, and generation latency.

if embedded_eval("classifier"):

    rule train_eval_classifier:
        input:
            manifest=f"{R}/data/manifest.csv",
            audio=f"{R}/data/audio",
            checked=f"{R}/data/audio_check.json",
        output:
            f"{R}/models/eval/classifier.safetensors",
        params:
            cfg=section("eval"),
            trainer="train_embedded_classifier",
        threads: 1
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/train_eval_classifier.log",
        script:
            "../scripts/train_eval_backbone.py"


if embedded_eval("frames"):

    rule train_eval_frames:
        input:
            manifest=f"{R}/data/manifest.csv",
            audio=f"{R}/data/audio",
            checked=f"{R}/data/audio_check.json",
        output:
            f"{R}/models/eval/frames.safetensors",
        params:
            cfg=section("eval"),
            trainer="train_embedded_vggish",
        threads: 1
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/train_eval_frames.log",
        script:
            "../scripts/train_eval_backbone.py"


if embedded_eval("clap"):

    rule train_eval_clap:
        input:
            manifest=f"{R}/data/manifest.csv",
            audio=f"{R}/data/audio",
            checked=f"{R}/data/audio_check.json",
        output:
            directory(f"{R}/models/eval/clap"),
        params:
            cfg=section("eval", "audio"),
            max_tokens=PLAN.text.text_slot.max_tokens,
        threads: 1
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/train_eval_clap.log",
        script:
            "../scripts/train_eval_clap.py"


rule caption_features:
    input:
        testset=f"{R}/data/testset.json",
        clap=eval_backbone("clap"),
    output:
        f"{R}/features/captions/clap.safetensors",
    params:
        cfg=section("eval"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/caption_features.log",
    script:
        "../scripts/features.py"


rule reference_features:
    input:
        manifest=f"{R}/data/manifest.csv",
        audio=f"{R}/data/audio",
        testset=f"{R}/data/testset.json",
        **{role: eval_backbone(role) for role in ROLES},
    output:
        **{role: f"{R}/features/reference/{role}.safetensors" for role in ROLES},
    params:
        cfg=section("eval"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/reference_features.log",
    script:
        "../scripts/features.py"


rule score:
    """Features of one generated audio set (one file per backbone) and its metrics."""
    input:
        audio=f"{R}/audio/{{audioset}}",
        manifest=f"{R}/data/manifest.csv",
        testset=f"{R}/data/testset.json",
        captions=f"{R}/features/captions/clap.safetensors",
        **{f"ref_{role}": f"{R}/features/reference/{role}.safetensors" for role in ROLES},
        **{role: eval_backbone(role) for role in ROLES},
    output:
        **{f"feat_{role}": f"{R}/features/{{audioset}}/{role}.safetensors" for role in ROLES},
        table=f"{R}/metrics/{{audioset}}/metrics.csv",
        summary=f"{R}/metrics/{{audioset}}/summary.json",
        per_clip=f"{R}/metrics/{{audioset}}/per_clip.csv",
    wildcard_constraints:
        audioset=AUDIOSET,
    params:
        cfg=section("eval"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/score/{{audioset}}.log",
    script:
        "../scripts/score.py"


rule score_reference:
    """The test-set audio scored like a system (its CLAP score is the paper's ground-truth row)."""
    input:
        manifest=f"{R}/data/manifest.csv",
        testset=f"{R}/data/testset.json",
        captions=f"{R}/features/captions/clap.safetensors",
        **{f"ref_{role}": f"{R}/features/reference/{role}.safetensors" for role in ROLES},
    output:
        table=f"{R}/metrics/reference/metrics.csv",
        summary=f"{R}/metrics/reference/summary.json",
        per_clip=f"{R}/metrics/reference/per_clip.csv",
    params:
        cfg=section("eval"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/score/reference.log",
    script:
        "../scripts/score.py"


rule score_real_halves:
    """Real vs real: two disjoint halves of the test audio, the floor of each distribution metric."""
    input:
        testset=f"{R}/data/testset.json",
        **{f"ref_{role}": f"{R}/features/reference/{role}.safetensors" for role in ("classifier", "frames")},
    output:
        table=f"{R}/metrics/reference_halves/metrics.csv",
        summary=f"{R}/metrics/reference_halves/summary.json",
        per_clip=f"{R}/metrics/reference_halves/per_clip.csv",
    params:
        cfg=section("eval"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/score/reference_halves.log",
    script:
        "../scripts/score_real_halves.py"


rule collect_metrics:
    localrule: True
    input:
        tables=[f"{R}/metrics/{a}/metrics.csv" for a in REAL_AUDIOSETS + generated_audiosets()],
    output:
        tidy=f"{R}/metrics.csv",
        headline=f"{R}/metrics/headline.json",
    params:
        audiosets=REAL_AUDIOSETS + generated_audiosets(),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/collect_metrics.log",
    script:
        "../scripts/collect_metrics.py"


rule latency:
    input:
        models=[generator_model(a) for a in PLAN.report.latency_systems.values()],
        text=f"{R}/text/test.safetensors",
        vae=vae_folder(),
    output:
        f"{R}/latency.csv",
    params:
        cfg=section("eval"),
        systems=to_dict(PLAN.report.latency_systems),
        sampling={name: sampling_of(PLAN, a) for name, a in PLAN.report.latency_systems.items()},
    # One thread, as every generation job runs: a one-thread job beside another measures the same
    # as alone on this machine (13.86 s vs 13.90 s for a teacher batch), and the other core keeps working.
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/latency.log",
    script:
        "../scripts/latency.py"
