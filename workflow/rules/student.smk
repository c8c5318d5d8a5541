# AudioDEAR students: one training job per variant of params/student (initialised from the
# teacher, distilled from it), sampled at `main` and, for the sweep variants, at every setting.


rule train_student:
    input:
        latents=f"{R}/latents/train",
        text=f"{R}/text/train.safetensors",
        teacher=f"{R}/models/teacher/model.safetensors",
    output:
        model=f"{R}/models/student/{{variant}}/model.safetensors",
        loss_log=f"{R}/models/student/{{variant}}/loss.jsonl",
    wildcard_constraints:
        variant="|".join(re.escape(v) for v in PLAN.student.variants),
    params:
        variant=lambda wc: student_variant(PLAN, wc.variant),
        cfg=section("model", "train", "seed"),
        student_train=to_dict(PLAN.student.train),
        text_set=PLAN.text.text_set,
        workdir=lambda wc: f"{R}/scratch/train/student/{wc.variant}",
    priority: STUDENT_PRIORITY
    threads: MANY_JOBS_THREADS
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/train_student_{{variant}}.log",
    script:
        "../scripts/train.py"


if PLAN.generation_jobs == "per_model":

    rule generate_student_sweep:
        """Every sampling setting of a sweep variant in one job: the model, VAE and vocoder load once."""
        input:
            model=f"{R}/models/student/{{variant}}/model.safetensors",
            text=f"{R}/text/test.safetensors",
            vae=vae_folder(),
        output:
            [directory(f"{R}/audio/student/{{variant}}/{s}") for s in PLAN.student.settings],
        wildcard_constraints:
            variant="|".join(re.escape(v) for v in PLAN.student.sweep_variants),
        params:
            settings={s: student_setting(PLAN, s) for s in PLAN.student.settings},
            batch=PLAN.student.batch_size,
            seed=PLAN.student.seed,
            cfg=section("vocoder", "audio"),
        threads: MANY_JOBS_THREADS
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/generate_student_sweep_{{variant}}.log",
        script:
            "../scripts/generate.py"


# The other variants generate `main` only (every variant, in per_setting mode, one job per setting).
PER_JOB_VARIANTS = [v for v in PLAN.student.variants
                    if PLAN.generation_jobs == "per_setting" or v not in PLAN.student.sweep_variants]


rule generate_student:
    input:
        model=f"{R}/models/student/{{variant}}/model.safetensors",
        text=f"{R}/text/test.safetensors",
        vae=vae_folder(),
    output:
        directory(f"{R}/audio/student/{{variant}}/{{setting}}"),
    wildcard_constraints:
        variant="|".join(re.escape(v) for v in PER_JOB_VARIANTS),
        setting="|".join(re.escape(s) for s in PLAN.student.settings),
    params:
        settings=lambda wc: {wc.setting: student_setting(PLAN, wc.setting)},
        batch=PLAN.student.batch_size,
        seed=PLAN.student.seed,
        cfg=section("vocoder", "audio"),
    threads: MANY_JOBS_THREADS
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/generate_student_{{variant}}_{{setting}}.log",
    script:
        "../scripts/generate.py"
