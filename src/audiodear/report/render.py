"""Write one table in the three formats the project promises: Markdown, LaTeX and CSV."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..utils.atomic import write_csv, write_text


def write_table(frame: pd.DataFrame, stem: str | Path, title: str, notes: list[str] | None = None,
                floatfmt: str = ".3f", display: pd.DataFrame | None = None) -> list[Path]:
    """Write ``<stem>.md``, ``<stem>.tex`` and ``<stem>.csv``; return the paths.

    The CSV holds ``frame`` (numbers, for tools); Markdown and LaTeX show ``display`` when given
    (for reading: numbers with their intervals in one cell), else ``frame``.
    """
    stem = Path(stem)
    notes = notes or []
    shown = frame if display is None else display
    md = [f"# {title}", "", shown.to_markdown(index=False, floatfmt=floatfmt, missingval="–"), ""]
    md += [f"- {n}" for n in notes]
    write_text(stem.with_suffix(".md"), "\n".join(md).rstrip() + "\n")
    tex = shown.to_latex(index=False, float_format=lambda v: format(v, floatfmt), escape=True,
                         caption=title, label=f"tab:{stem.name}", na_rep="--")
    write_text(stem.with_suffix(".tex"), tex)
    write_csv(stem.with_suffix(".csv"), frame)
    return [stem.with_suffix(s) for s in (".md", ".tex", ".csv")]
