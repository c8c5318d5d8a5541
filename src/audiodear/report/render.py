"""Write one table in the three formats the project promises (Markdown, LaTeX, CSV), and a figure in two (PNG, PDF)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..utils.atomic import atomic_path, write_csv, write_text


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


def save_figure(fig, stem: str | Path) -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.pdf`` atomically, without time stamps or versions in the
    files (the same numbers give the same bytes), close the figure; return the paths."""
    import matplotlib.pyplot as plt

    fig.tight_layout()  # else a 2 x 2 grid's x labels run into the titles of the row below
    out = []
    for ext, meta in ((".png", {"Software": None}), (".pdf", {"CreationDate": None, "Producer": None})):
        dest = Path(stem).with_suffix(ext)
        with atomic_path(dest) as tmp:
            fig.savefig(tmp, dpi=150, bbox_inches="tight", metadata=meta)
        out.append(dest)
    plt.close(fig)
    return out
