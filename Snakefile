# AudioDEAR reproduction workflow. The plan (composed configuration) is loaded in
# workflow/rules/common.smk; every stage lives in its own rule file.
#
#   snakemake --cores all paper_tables                          # embedded default
#   snakemake --cores all paper_tables --config experiment=smoke
#   snakemake --cores all paper_tables --config plan_file=params.yaml # a plan composed elsewhere (DVC)
from snakemake.utils import min_version

min_version("9.0")


configfile: "workflow/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/representations.smk"
include: "workflow/rules/teacher.smk"
include: "workflow/rules/student.smk"
include: "workflow/rules/evaluation.smk"
include: "workflow/rules/subjective.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        rules.paper_tables.input,
