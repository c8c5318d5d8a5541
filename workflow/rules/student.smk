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


rule generate_student:
    input:
        model=f"{R}/models/student/{{variant}}/model.safetensors",
        text=f"{R}/text/test.safetensors",
        vae=vae_folder(),
    output:
        directory(f"{R}/audio/student/{{variant}}/{{setting}}"),
    wildcard_constraints:
        variant="|".join(re.escape(v) for v in PLAN.student.variants),
        setting="|".join(re.escape(s) for s in PLAN.student.settings),
    params:
        sampling=lambda wc: student_setting(PLAN, wc.setting),
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
