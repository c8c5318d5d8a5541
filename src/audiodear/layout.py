"""Where every file of a run lives, named once: the rule files and the scripts use these paths.

``Layout(results, tables)``: ``results`` is ``<results_dir>/<experiment_name>``, ``tables`` the
plan's ``tables_dir``. A wildcard passes through as its placeholder (``layout.features("{audioset}",
"clap")``), so a rule's pattern and a job's concrete path come from the same function.
"""
from __future__ import annotations

from dataclasses import dataclass

from .choices import EvalRole, values

ROLES = values(EvalRole)
# What the DAG writes when it trains an evaluation backbone itself (the embedded default).
_EVAL_MODEL = {"classifier": "classifier.safetensors", "frames": "frames.safetensors", "clap": "clap"}


@dataclass(frozen=True)
class Layout:
    results: str
    tables: str

    @classmethod
    def of(cls, plan) -> "Layout":
        return cls(f"{plan.results_dir}/{plan.experiment_name}", plan.tables_dir)

    def _r(self, *parts: str) -> str:
        return "/".join((self.results, *parts))

    # --- data ----------------------------------------------------------------------------------
    @property
    def manifest(self) -> str:
        return self._r("data", "manifest.csv")

    @property
    def audio(self) -> str:
        return self._r("data", "audio")

    @property
    def ingest_report(self) -> str:
        return self._r("data", "ingest_report.csv")

    @property
    def testset(self) -> str:
        return self._r("data", "testset.json")

    @property
    def audio_check(self) -> str:
        return self._r("data", "audio_check.json")

    # --- representations -----------------------------------------------------------------------
    @property
    def vae(self) -> str:
        return self._r("models", "vae")

    @property
    def clap_cond(self) -> str:
        return self._r("models", "clap_cond")

    def latents(self, split: str) -> str:
        return self._r("latents", split)

    def text(self, split: str) -> str:
        return self._r("text", f"{split}.safetensors")

    # --- generators ----------------------------------------------------------------------------
    def model_dir(self, system: str, variant: str = "main") -> str:
        """The folder of a generator: the teacher's, or a student variant's."""
        return self._r("models", "teacher") if system == "teacher" else self._r("models", "student", variant)

    def model(self, system: str, variant: str = "main") -> str:
        return f"{self.model_dir(system, variant)}/model.safetensors"

    def loss_log(self, system: str, variant: str = "main") -> str:
        return f"{self.model_dir(system, variant)}/loss.jsonl"

    def generated(self, audioset: str) -> str:
        """The audio of a generated set ``<system>/<variant>/<setting>``."""
        return self._r("audio", audioset)

    def scratch(self, *parts: str) -> str:
        """Work folders outside declared outputs (Snakemake deletes those of a failed job), so a
        killed job resumes from what it left there."""
        return self._r("scratch", *parts)

    # --- evaluation ----------------------------------------------------------------------------
    def eval_model(self, role: str) -> str:
        return self._r("models", "eval", _EVAL_MODEL[role])

    def features(self, audioset: str, role: str) -> str:
        """Features of an audio set (``reference``, ``captions`` or a generated set) by one backbone."""
        return self._r("features", audioset, f"{role}.safetensors")

    def features_dir(self, audioset: str) -> str:
        return self._r("features", audioset)

    def metrics(self, audioset: str, name: str = "metrics.csv") -> str:
        """``metrics.csv``, ``summary.json`` or ``per_clip.csv`` of an audio set."""
        return self._r("metrics", audioset, name)

    @property
    def metrics_table(self) -> str:
        return self._r("metrics.csv")

    @property
    def headline(self) -> str:
        return self._r("metrics", "headline.json")

    @property
    def latency(self) -> str:
        return self._r("latency.csv")

    @property
    def subjective(self) -> str:
        return self._r("subjective")

    def log(self, name: str) -> str:
        return self._r("logs", f"{name}.log")

    # --- tables --------------------------------------------------------------------------------
    def table(self, name: str) -> str:
        """A table's stem (``.md``, ``.tex``, ``.csv`` are added) or a figure's, ``figures/<name>``."""
        return f"{self.tables}/{name}"
