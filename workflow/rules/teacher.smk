# The IMPACT teacher: MAR backbone + diffusion head, trained on the train split's latents and
# text conditioning, then sampled at every setting of params/teacher (a wildcard each).


rule train_teacher:
    input:
        latents=f"{R}/latents/train",
        text=f"{R}/text/train.safetensors",
    output:
        model=f"{R}/models/teacher/model.safetensors",
        loss_log=f"{R}/models/teacher/loss.jsonl",
    params:
        cfg=section("model", "train", "seed"),
        text_set=PLAN.text.text_set,
        workdir=f"{R}/scratch/train/teacher",  # resumable checkpoint (kept when a run is killed)
    priority: TEACHER_PATH_PRIORITY
    threads: 2
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/train_teacher.log",
    script:
        "../scripts/train.py"


if PLAN.generation_jobs == "per_model":

    rule generate_teacher:
        """Every sampling setting of the teacher in one job: the model, VAE and vocoder load once."""
        input:
            model=f"{R}/models/teacher/model.safetensors",
            text=f"{R}/text/test.safetensors",
            vae=vae_folder(),
        output:
            [directory(f"{R}/audio/teacher/main/{s}") for s in PLAN.teacher.settings],
        params:
            settings={s: teacher_setting(PLAN, s) for s in PLAN.teacher.settings},
            batch=PLAN.teacher.batch_size,
            seed=PLAN.teacher.seed,
            cfg=section("vocoder", "audio"),
        threads: MANY_JOBS_THREADS
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/generate_teacher.log",
        script:
            "../scripts/generate.py"

else:

    rule generate_teacher:
        """One sampling setting of the teacher per job."""
        input:
            model=f"{R}/models/teacher/model.safetensors",
            text=f"{R}/text/test.safetensors",
            vae=vae_folder(),
        output:
            directory(f"{R}/audio/teacher/main/{{setting}}"),
        wildcard_constraints:
            setting="|".join(re.escape(s) for s in PLAN.teacher.settings),
        params:
            settings=lambda wc: {wc.setting: teacher_setting(PLAN, wc.setting)},
            batch=PLAN.teacher.batch_size,
            seed=PLAN.teacher.seed,
            cfg=section("vocoder", "audio"),
        threads: MANY_JOBS_THREADS
        conda:
            CONDA_ENV
        log:
            f"{LOGS}/generate_teacher_{{setting}}.log",
        script:
            "../scripts/generate.py"
