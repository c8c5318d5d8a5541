# Representations: the VAE (trained here for the embedded default, loaded from a local folder at
# paper scale), latent tokens per split, text conditioning per split, and the reconstruction table.


if PLAN.vae.kind == "embedded":

    rule train_vae:
        input:
            manifest=f"{R}/data/manifest.csv",
            audio=f"{R}/data/audio",
            checked=f"{R}/data/audio_check.json",
        output:
            directory(f"{R}/models/vae"),
        params:
            cfg=section("vae", "audio"),
            clip_seconds=PLAN.data.clip_seconds,
        priority: TEACHER_PATH_PRIORITY
        threads: 2
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/train_vae.log",
        script:
            "../scripts/train_vae.py"


if PLAN.text.clap_slot.kind == "small":

    rule train_clap:
        input:
            manifest=f"{R}/data/manifest.csv",
            audio=f"{R}/data/audio",
            checked=f"{R}/data/audio_check.json",
        output:
            directory(f"{R}/models/clap_cond"),
        params:
            cfg=section("audio"),
            clap=to_dict(PLAN.text.clap_slot),
            max_tokens=PLAN.text.text_slot.max_tokens,
            clip_seconds=PLAN.data.clip_seconds,
        priority: TEACHER_PATH_PRIORITY
        threads: 2
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/train_clap.log",
        script:
            "../scripts/train_clap.py"


rule extract_latents:
    input:
        manifest=f"{R}/data/manifest.csv",
        audio=f"{R}/data/audio",
        checked=f"{R}/data/audio_check.json",
        vae=vae_folder(),
    output:
        directory(f"{R}/latents/{{split}}"),
    wildcard_constraints:
        split="train|test",
    params:
        cfg=section("vae", "audio"),
        clip_seconds=PLAN.data.clip_seconds,
        scratch=lambda wc: f"{R}/scratch/latents/{wc.split}",  # resumable shards (see audio/latents.py)
    priority: TEACHER_PATH_PRIORITY
    threads: 2
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/extract_latents_{{split}}.log",
    script:
        "../scripts/extract_latents.py"


rule text_embeddings:
    input:
        manifest=f"{R}/data/manifest.csv",
        audio=f"{R}/data/audio",
        testset=f"{R}/data/testset.json",
        clap=clap_inputs(),
        text_slot=text_slot_inputs(),
    output:
        f"{R}/text/{{split}}.safetensors",
    wildcard_constraints:
        split="train|test",
    params:
        cfg=section("text", "audio"),
    priority: TEACHER_PATH_PRIORITY
    threads: 2
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/text_embeddings_{{split}}.log",
    script:
        "../scripts/text_embeddings.py"


rule reconstruction_table:
    input:
        manifest=f"{R}/data/manifest.csv",
        audio=f"{R}/data/audio",
        testset=f"{R}/data/testset.json",
        vae=vae_folder(),
    output:
        report(f"{T}/reconstruction.csv", caption="../report/reconstruction.rst", category="Data"),
        multiext(f"{T}/reconstruction", ".md", ".tex"),
    params:
        cfg=section("vae", "vocoder", "audio"),
    threads: 1
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/reconstruction_table.log",
    script:
        "../scripts/reconstruction_table.py"
