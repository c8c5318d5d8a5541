# Representations: the VAE (trained here for the embedded default, loaded from a local folder at
# paper scale), latent tokens per split, text conditioning per split, and the reconstruction table.


if PLAN.vae.kind == "embedded":

    rule train_vae:
        input:
            manifest=P.manifest,
            audio=P.audio,
            checked=P.audio_check,
        output:
            directory(P.vae),
        params:
            plan=plan("vae", "audio", "data.clip_seconds"),
        priority: TEACHER_PATH_PRIORITY
        threads: 2
        conda:
            CONDA_ENV
        log:
            P.log("train_vae"),
        script:
            "../scripts/train_vae.py"


if PLAN.text.clap_slot.kind == "small":

    rule train_clap:
        input:
            manifest=P.manifest,
            audio=P.audio,
            checked=P.audio_check,
        output:
            directory(P.clap_cond),
        params:
            plan=plan("audio", "data.clip_seconds", "text.clap_slot", "text.text_slot.max_tokens"),
        priority: TEACHER_PATH_PRIORITY
        threads: 2
        conda:
            CONDA_ENV
        log:
            P.log("train_clap"),
        script:
            "../scripts/train_clap.py"


rule extract_latents:
    input:
        manifest=P.manifest,
        audio=P.audio,
        checked=P.audio_check,
        vae=vae_folder(),
    output:
        directory(P.latents("{split}")),
    wildcard_constraints:
        split="train|test",
    params:
        plan=plan("vae", "audio", "data.clip_seconds"),
        scratch=lambda wc: P.scratch("latents", wc.split),  # resumable shards (see audio/latents.py)
    priority: TEACHER_PATH_PRIORITY
    threads: 2
    conda:
        CONDA_ENV
    log:
        P.log("extract_latents_{split}"),
    script:
        "../scripts/extract_latents.py"


rule text_embeddings:
    input:
        manifest=P.manifest,
        audio=P.audio,
        testset=P.testset,
        clap=clap_inputs(),
        text_slot=text_slot_inputs(),
    output:
        P.text("{split}"),
    wildcard_constraints:
        split="train|test",
    params:
        plan=plan("text", "audio", "data.clip_seconds"),
    priority: TEACHER_PATH_PRIORITY
    threads: 2
    conda:
        CONDA_ENV
    log:
        P.log("text_embeddings_{split}"),
    script:
        "../scripts/text_embeddings.py"


rule reconstruction_table:
    input:
        manifest=P.manifest,
        audio=P.audio,
        testset=P.testset,
        vae=vae_folder(),
    output:
        report(P.table("reconstruction.csv"), caption="../report/reconstruction.rst", category="Data"),
        multiext(P.table("reconstruction"), ".md", ".tex"),
    params:
        plan=plan("vae", "vocoder", "audio", "data.clip_seconds"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        P.log("reconstruction_table"),
    script:
        "../scripts/reconstruction_table.py"
