"""Helpers notebooks call to show *and* save figures and tables.

When a notebook runs under ``cchc reports run``, the runner passes ``output_dir`` as a
parameter; figures and tables are then also written there (``figures/*.png``,
``tables/*.csv``). With ``output_dir=""`` (interactive use, nbval) nothing is written.

Figures use a font with full Vietnamese coverage (DejaVu Sans, shipped with matplotlib),
so diacritics render in PNG and in the HTML report.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.reporting.artifacts import save_table
>>> save_table(pd.DataFrame({"a": [1]}), "demo", output_dir="") is None
True
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

__all__ = ["VIETNAMESE_FONT", "use_report_style", "save_figure", "save_table", "slug"]

VIETNAMESE_FONT = "DejaVu Sans"


def slug(name: str) -> str:
    """A file-name-safe version of ``name`` (ASCII letters, digits, ``-`` and ``_``)."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-").lower()
    return s or "artifact"


def use_report_style() -> None:
    """Matplotlib settings for reports: Vietnamese-capable font, fixed size and DPI, no metadata."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [VIETNAMESE_FONT],
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "cchc",
    })


def save_figure(fig, name: str, *, output_dir: str | Path = "") -> Path | None:
    """Write ``fig`` as ``figures/<name>.png`` under ``output_dir`` (no-op when it is empty)."""
    if not output_dir:
        return None
    path = Path(output_dir) / "figures" / f"{slug(name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    return path


def save_table(frame: pd.DataFrame, name: str, *, output_dir: str | Path = "") -> Path | None:
    """Write ``frame`` as ``tables/<name>.csv`` under ``output_dir`` (no-op when it is empty).

    UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly.
    """
    if not output_dir:
        return None
    path = Path(output_dir) / "tables" / f"{slug(name)}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=not isinstance(frame.index, pd.RangeIndex), lineterminator="\n",
                 encoding="utf-8-sig")
    return path
