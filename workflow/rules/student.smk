# AudioDEAR students: one training job per variant of params/student (initialised from the
# teacher, distilled from it), sampled at `main` and, for the sweep variants, at every setting.


rule train_student:
    input:
        latents=P.latents("train"),
        text=P.text("train"),
        teacher=P.model("teacher"),
    output:
        model=P.model("student", "{variant}"),
        loss_log=P.loss_log("student", "{variant}"),
    wildcard_constraints:
        variant="|".join(re.escape(v) for v in PLAN.student.variants),
    params:
        plan=lambda wc: plan("model", "train", "student.train", "text.text_set", "student.base",
                             ("student", "variants", wc.variant)),
        workdir=lambda wc: P.scratch("train", "student", wc.variant),
    priority: STUDENT_PRIORITY
    threads: MANY_JOBS_THREADS
    conda:
        CONDA_ENV
    log:
        P.log("train_student_{variant}"),
    script:
        "../scripts/train.py"


if PLAN.generation_jobs == "per_model":

    rule generate_student_sweep:
        """Every sampling setting of a sweep variant in one job: the model, VAE and vocoder load once."""
        input:
            model=P.model("student", "{variant}"),
            text=P.text("test"),
            vae=vae_folder(),
        output:
            [directory(P.generated(f"student/{{variant}}/{s}")) for s in PLAN.student.settings],
        wildcard_constraints:
            variant="|".join(re.escape(v) for v in PLAN.student.sweep_variants),
        params:
            plan=plan("vae", "vocoder", "audio", "data.clip_seconds", "student.batch_size", "student.seed",
                      "student.sampling", "student.settings"),
        threads: MANY_JOBS_THREADS
        conda:
            CONDA_ENV
        log:
            P.log("generate_student_sweep_{variant}"),
        script:
            "../scripts/generate.py"


# The other variants generate `main` only (every variant, in per_setting mode, one job per setting).
PER_JOB_VARIANTS = [v for v in PLAN.student.variants
                    if PLAN.generation_jobs == "per_setting" or v not in PLAN.student.sweep_variants]


rule generate_student:
    input:
        model=P.model("student", "{variant}"),
        text=P.text("test"),
        vae=vae_folder(),
    output:
        directory(P.generated("student/{variant}/{setting}")),
    wildcard_constraints:
        variant="|".join(re.escape(v) for v in PER_JOB_VARIANTS),
        setting="|".join(re.escape(s) for s in PLAN.student.settings),
    params:
        plan=lambda wc: plan("vae", "vocoder", "audio", "data.clip_seconds", "student.batch_size", "student.seed",
                             "student.sampling", ("student", "settings", wc.setting)),
    threads: MANY_JOBS_THREADS
    conda:
        CONDA_ENV
    log:
        P.log("generate_student_{variant}_{setting}"),
    script:
        "../scripts/generate.py"
