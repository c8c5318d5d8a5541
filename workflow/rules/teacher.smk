# The IMPACT teacher: MAR backbone + diffusion head, trained on the train split's latents and
# text conditioning, then sampled at every setting of params/teacher (a wildcard each).


rule train_teacher:
    input:
        latents=P.latents("train"),
        text=P.text("train"),
    output:
        model=P.model("teacher"),
        loss_log=P.loss_log("teacher"),
    params:
        plan=plan("model", "train", "text.text_set"),
        workdir=P.scratch("train", "teacher"),  # resumable checkpoint (kept when a run is killed)
    priority: TEACHER_PATH_PRIORITY
    threads: 2
    conda:
        CONDA_ENV
    log:
        P.log("train_teacher"),
    script:
        "../scripts/train.py"


if PLAN.generation_jobs == "per_model":

    rule generate_teacher:
        """Every sampling setting of the teacher in one job: the model, VAE and vocoder load once."""
        input:
            model=P.model("teacher"),
            text=P.text("test"),
            vae=vae_folder(),
        output:
            [directory(P.generated(f"teacher/main/{s}")) for s in PLAN.teacher.settings],
        params:
            plan=plan("vae", "vocoder", "audio", "data.clip_seconds", "teacher.batch_size", "teacher.seed",
                      "teacher.base", "teacher.settings"),
        threads: MANY_JOBS_THREADS
        conda:
            CONDA_ENV
        log:
            P.log("generate_teacher"),
        script:
            "../scripts/generate.py"

else:

    rule generate_teacher:
        """One sampling setting of the teacher per job."""
        input:
            model=P.model("teacher"),
            text=P.text("test"),
            vae=vae_folder(),
        output:
            directory(P.generated("teacher/main/{setting}")),
        wildcard_constraints:
            setting="|".join(re.escape(s) for s in PLAN.teacher.settings),
        params:
            plan=lambda wc: plan("vae", "vocoder", "audio", "data.clip_seconds", "teacher.batch_size", "teacher.seed",
                                 "teacher.base", ("teacher", "settings", wc.setting)),
        threads: MANY_JOBS_THREADS
        conda:
            CONDA_ENV
        log:
            P.log("generate_teacher_{setting}"),
        script:
            "../scripts/generate.py"
