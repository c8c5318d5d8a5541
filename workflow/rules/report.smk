# Paper tables, figures and the claims check, rendered from results/.


rule corpus_table:
    localrule: True
    input:
        manifest=f"{R}/data/manifest.csv",
        testset=f"{R}/data/testset.json",
        checked=f"{R}/data/audio_check.json",
    output:
        multiext(f"{T}/corpus_statistics", ".md", ".tex", ".csv"),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/corpus_table.log",
    script:
        "../scripts/corpus_table.py"


rule paper_tables:
    input:
        rules.corpus_table.output,
        rules.reconstruction_table.output,
        teacher_audio(),
        student_audio(),
        rules.subjective_table.output,
        rules.subjective_bundle.output.key,
