# Paper tables, figures, the claims check and the HTML report, rendered from results/.
# Every table is written as Markdown, LaTeX and CSV; every figure as PNG and PDF.
# `snakemake --report report.html` gathers the outputs marked report() below, captioned.

PAPER_TABLES = list(PLAN.report.tables)


rule corpus_table:
    localrule: True
    input:
        manifest=f"{R}/data/manifest.csv",
        testset=f"{R}/data/testset.json",
        checked=f"{R}/data/audio_check.json",
    output:
        report(multiext(f"{T}/corpus_statistics", ".csv"), caption="../report/corpus.rst", category="Data"),
        multiext(f"{T}/corpus_statistics", ".md", ".tex"),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/corpus_table.log",
    script:
        "../scripts/corpus_table.py"


rule paper_table:
    localrule: True
    input:
        metrics=f"{R}/metrics.csv",
        latency=f"{R}/latency.csv",
    output:
        report(f"{T}/{{table}}.csv", caption="../report/paper_table.rst", category="Paper tables",
               subcategory="{table}"),
        f"{T}/{{table}}.md",
        f"{T}/{{table}}.tex",
    wildcard_constraints:
        table="|".join(PAPER_TABLES),
    params:
        spec=lambda wc: to_dict(PLAN.report.tables[wc.table]),
        available=REAL_AUDIOSETS + generated_audiosets(),
        latency_systems=to_dict(PLAN.report.latency_systems),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/paper_table_{{table}}.log",
    script:
        "../scripts/paper_table.py"


rule claims:
    """The claims check: each claim of the papers reproduced, contradicted or undecided, by a paired
    bootstrap over the test clips the compared sets share (params/report/claims/)."""
    localrule: True
    input:
        latency=f"{R}/latency.csv",
        reference=[f"{R}/features/reference/{role}.safetensors" for role in ("classifier", "frames")],
        per_clip=[f"{R}/metrics/{a}/per_clip.csv" for a in claim_audiosets()],
        features=[f"{R}/features/{a}/{role}.safetensors" for a in claim_audiosets() for role in ("classifier", "frames")],
    output:
        claims=report(f"{T}/claims.csv", caption="../report/claims.rst", category="Claims check"),
        others=multiext(f"{T}/claims", ".md", ".tex"),
    params:
        claims=to_dict(PLAN.report.claims),
        audiosets=claim_audiosets(),
        latency_systems=to_dict(PLAN.report.latency_systems),
        bootstrap=to_dict(PLAN.eval.bootstrap),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/claims.log",
    script:
        "../scripts/claims_table.py"


rule summary_tables:
    """Event recognition (does a generator follow the text?) and the latency table."""
    localrule: True
    input:
        metrics=f"{R}/metrics.csv",
        latency=f"{R}/latency.csv",
    output:
        recognition=report(f"{T}/recognition.csv", caption="../report/recognition.rst", category="Paper tables",
                           subcategory="recognition"),
        latency=report(f"{T}/latency.csv", caption="../report/latency.rst", category="Paper tables",
                       subcategory="latency"),
        others=multiext(f"{T}/recognition", ".md", ".tex") + multiext(f"{T}/latency", ".md", ".tex"),
    params:
        latency_systems=to_dict(PLAN.report.latency_systems),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/summary_tables.log",
    script:
        "../scripts/summary_tables.py"


rule figures:
    localrule: True
    input:
        metrics=f"{R}/metrics.csv",
        latency=f"{R}/latency.csv",
    output:
        report(expand(f"{T}/figures/{{name}}.png", name=["quality_vs_steps", "latency_vs_batch",
                                                          "metrics_vs_iterations", "cfg_curves"]),
               caption="../report/figures.rst", category="Figures"),
        expand(f"{T}/figures/{{name}}.pdf", name=["quality_vs_steps", "latency_vs_batch",
                                                  "metrics_vs_iterations", "cfg_curves"]),
    params:
        teacher=to_dict(PLAN.teacher),
        student_settings=to_dict(PLAN.student.settings),
        student_sampling=to_dict(PLAN.student.sampling),
        available=REAL_AUDIOSETS + generated_audiosets(),
    conda:
        CONDA_ENV
    log:
        f"{LOGS}/figures.log",
    script:
        "../scripts/figures.py"


rule paper_tables:
    localrule: True
    input:
        rules.corpus_table.output,
        rules.reconstruction_table.output,
        expand(f"{T}/{{table}}.csv", table=PAPER_TABLES),
        rules.summary_tables.output,
        rules.claims.output,
        rules.figures.output,
        rules.subjective_table.output,
        rules.subjective_bundle.output.key,
        f"{R}/metrics/headline.json",
