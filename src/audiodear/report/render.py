"""Write one table in the three formats the project promises: Markdown, LaTeX and CSV."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..utils.atomic import write_csv, write_text


def write_table(frame: pd.DataFrame, stem: str | Path, title: str, notes: list[str] | None = None,
                floatfmt: str = ".3f") -> list[Path]:
    """Write ``<stem>.md``, ``<stem>.tex`` and ``<stem>.csv``; return the paths."""
    stem = Path(stem)
    notes = notes or []
    md = [f"# {title}", "", frame.to_markdown(index=False, floatfmt=floatfmt), ""]
    md += [f"- {n}" for n in notes]
    write_text(stem.with_suffix(".md"), "\n".join(md).rstrip() + "\n")
    tex = frame.to_latex(index=False, float_format=lambda v: format(v, floatfmt), escape=True,
                         caption=title, label=f"tab:{stem.name}", na_rep="--")
    write_text(stem.with_suffix(".tex"), tex)
    write_csv(stem.with_suffix(".csv"), frame)
    return [stem.with_suffix(s) for s in (".md", ".tex", ".csv")]
