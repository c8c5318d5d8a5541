# Paper tables, figures, the claims check and the HTML report, rendered from results/.
# Every table is written as Markdown, LaTeX and CSV; every figure as PNG and PDF.
# `snakemake --report report.html` gathers the outputs marked report() below, captioned.

PAPER_TABLES = list(PLAN.report.tables)


rule corpus_table:
    localrule: True
    input:
        manifest=P.manifest,
        testset=P.testset,
        checked=P.audio_check,
    output:
        report(multiext(P.table("corpus_statistics"), ".csv"), caption="../report/corpus.rst", category="Data"),
        multiext(P.table("corpus_statistics"), ".md", ".tex"),
    params:
        plan=plan("data.kind"),
    conda:
        CONDA_ENV
    log:
        P.log("corpus_table"),
    script:
        "../scripts/corpus_table.py"


rule paper_table:
    localrule: True
    input:
        metrics=P.metrics_table,
        latency=P.latency,
    output:
        report(P.table("{table}.csv"), caption="../report/paper_table.rst", category="Paper tables",
               subcategory="{table}"),
        P.table("{table}.md"),
        P.table("{table}.tex"),
    wildcard_constraints:
        table="|".join(PAPER_TABLES),
    params:
        # the table's spec, the settings that say how each audio set samples (iterations, steps)
        # and the variants that say how long each student trained (the table's notes)
        plan=lambda wc: plan(("report", "tables", wc.table), "report.latency_systems", "teacher.base",
                             "teacher.settings", "student.sampling", "student.settings", "student.train.steps",
                             "student.base", "student.variants"),
        available=REAL_AUDIOSETS + generated_audiosets(),
    conda:
        CONDA_ENV
    log:
        P.log("paper_table_{table}"),
    script:
        "../scripts/paper_table.py"


rule claims:
    """The claims check: each claim of the papers reproduced, contradicted or undecided, by a paired
    bootstrap over the test clips the compared sets share (params/report/claims/)."""
    localrule: True
    input:
        latency=P.latency,
        reference=[P.features("reference", role) for role in ("classifier", "frames")],
        per_clip=[P.metrics(a, "per_clip.csv") for a in claim_audiosets()],
        features=[P.features(a, role) for a in claim_audiosets() for role in ("classifier", "frames")],
    output:
        claims=report(P.table("claims.csv"), caption="../report/claims.rst", category="Claims check"),
        others=multiext(P.table("claims"), ".md", ".tex"),
    params:
        plan=plan("report.claims", "report.latency_systems", "teacher", "student", "eval.bootstrap"),
        audiosets=claim_audiosets(),  # in the order of the inputs
    conda:
        CONDA_ENV
    log:
        P.log("claims"),
    script:
        "../scripts/claims_table.py"


rule summary_tables:
    """Event recognition (does a generator follow the text?) and the latency table."""
    localrule: True
    input:
        metrics=P.metrics_table,
        latency=P.latency,
    output:
        recognition=report(P.table("recognition.csv"), caption="../report/recognition.rst", category="Paper tables",
                           subcategory="recognition"),
        latency=report(P.table("latency.csv"), caption="../report/latency.rst", category="Paper tables",
                       subcategory="latency"),
        others=multiext(P.table("recognition"), ".md", ".tex") + multiext(P.table("latency"), ".md", ".tex"),
    params:
        plan=plan(),
    conda:
        CONDA_ENV
    log:
        P.log("summary_tables"),
    script:
        "../scripts/summary_tables.py"


rule figures:
    localrule: True
    input:
        metrics=P.metrics_table,
        latency=P.latency,
    output:
        report(expand(P.table("figures/{name}.png"), name=["quality_vs_steps", "latency_vs_batch",
                                                          "metrics_vs_iterations", "cfg_curves"]),
               caption="../report/figures.rst", category="Figures"),
        expand(P.table("figures/{name}.pdf"), name=["quality_vs_steps", "latency_vs_batch",
                                                  "metrics_vs_iterations", "cfg_curves"]),
    params:
        plan=plan("teacher", "student.sampling", "student.settings"),
        available=REAL_AUDIOSETS + generated_audiosets(),
    conda:
        CONDA_ENV
    log:
        P.log("figures"),
    script:
        "../scripts/figures.py"


rule paper_tables:
    localrule: True
    input:
        rules.corpus_table.output,
        rules.reconstruction_table.output,
        expand(P.table("{table}.csv"), table=PAPER_TABLES),
        rules.summary_tables.output,
        rules.claims.output,
        rules.figures.output,
        rules.subjective_table.output,
        rules.subjective_bundle.output.key,
        P.headline,
