"""Presentation of notebook ``04_pci_timecosts_transparency``: key findings, tables and figures in vi or en.

The numbers come from :func:`cchc_research.analysis.pci.timecost_study`; this module decides how a
reader sees them (:data:`TABLES`, ``messages/pci.yaml``) and writes the key findings from the same
coefficient and marginal-effect tables the report shows.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"estimate": [0.5], "nobs": [10]}, index=pd.Index(["x"], name="model"))
>>> model_frame(table).columns.tolist()
['model', 'estimate', 'nobs']
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cchc_research.analysis.fe_panel import CI_LEVEL
from cchc_research.reporting.figures import add_caption, localize_axis
from cchc_research.reporting.findings import Finding, study_findings_doc
from cchc_research.reporting.i18n import Messages
from cchc_research.reporting.page import Report
from cchc_research.reporting.papi import COEFFICIENT_COLUMNS, dropped_frame

__all__ = ["STUDY", "TABLES", "findings", "model_frame", "display_frames", "show", "show_dropped",
           "scatter_figure"]

STUDY = "pci"

_MODEL_COLUMNS = ["model", *[c for c in COEFFICIENT_COLUMNS if c != "outcome"]]
_MODEL_FORMATS = {"model": "category", "estimate": "signed:4", "std_error": "decimal:4",
                  "p_value": "pvalue", "ci_low": "decimal:4", "ci_high": "decimal:4",
                  "boot_p_value": "pvalue", "boot_ci_low": "decimal:4", "boot_ci_high": "decimal:4",
                  "nobs": "int", "clusters": "int", "n_dropped": "int"}

#: How each table of the notebook is shown (``show_table`` options).
TABLES: dict[str, dict[str, Any]] = {
    "means": {"formats": {"indicator": "category", "n": "int"}},
    "twfe": {"formats": _MODEL_FORMATS},
    "dropped": {"formats": {"outcome": "category", "geo_name": "text", "year": "year",
                            "missing_columns": "text"}},
    "ame": {"formats": {"model": "category", "term": "category", "estimate": "signed:4",
                        "std_error": "decimal:4", "p_value": "pvalue", "ci_low": "decimal:4",
                        "ci_high": "decimal:4"}},
    "alt": {"formats": _MODEL_FORMATS},
}


def model_frame(table: pd.DataFrame, fits: dict | None = None) -> pd.DataFrame:
    """A coefficient table with its ``model`` index (regressor code or ``joint``) as the first column.

    With ``fits`` (same keys), ``n_dropped`` counts the province-years each model dropped.
    """
    out = table.copy()
    if fits is not None:
        out["n_dropped"] = [fits[k].selection.n_dropped for k in out.index]
    out = out.reset_index()
    return out[[c for c in _MODEL_COLUMNS if c in out.columns]]


def display_frames(res: dict, lang: str) -> dict[str, pd.DataFrame]:
    """The frames the notebook shows, keyed like :data:`TABLES`."""
    ame = res["ame"]
    frames = {
        "means": res["means"],
        "twfe": model_frame(res["table"], res["fits"]),
        "dropped": dropped_frame({res["params"]["outcome"]: res["fits"][res["params"]["regressors"][0]]}, lang),
        "alt": model_frame(res["alt_table"], res["alt_fits"]),
    }
    if not ame.empty:
        frames["ame"] = ame[["model", "term", "estimate", "std_error", "p_value", "ci_low", "ci_high"]]
    return frames


@study_findings_doc(
    'Key-findings sentences from the TWFE, AME and alternative-outcome tables of ``res``.',
    'cchc_research.analysis.pci.timecost_study',
    'Estimate with its bootstrap interval, its bootstrap p-value, the fractional-logit AME (when'
    ' the outcome is a share), the alternative outcome with the sample, and the caveat.')
def findings(res: dict, lang: str) -> list[Finding]:
    msg = Messages(STUDY, lang)
    p = res["params"]
    x = p["regressors"][0]
    row, alt = res["table"].loc[x], res["alt_table"].loc[x]
    out = [
        Finding("findings_estimate", x=msg(x), y=msg(p["outcome"]),
                b=float(row["estimate"]), low=float(row["boot_ci_low"]), high=float(row["boot_ci_high"]),
                level=CI_LEVEL),
        Finding("findings_pvalue", p=float(row["boot_p_value"]), B=p["bootstrap_reps"]),
    ]
    ame = res["ame"]
    if not ame.empty:
        a = ame[(ame["model"] == x) & (ame["term"] == x)].iloc[0]
        out.append(Finding("findings_ame", b=float(a["estimate"]), p=float(a["p_value"])))
    out += [
        Finding("findings_alt", y=msg(p["alt_outcome"]), b=float(alt["estimate"]),
                p=float(alt["boot_p_value"]), n=int(row["nobs"]), g=int(row["clusters"]),
                a=p["start_year"], c=p["end_year"]),
        Finding("findings_caveat"),
    ]
    return out


def show_dropped(rep: Report, frames: dict[str, pd.DataFrame]) -> None:
    """The dropped province-years as a table, or one sentence when none was dropped."""
    if frames["dropped"].empty:
        rep.text("none_dropped")
    else:
        show(rep, frames, "dropped")


def show(rep: Report, frames: dict[str, pd.DataFrame], key: str, **fields: Any):
    """Show table ``key`` of ``frames`` with its :data:`TABLES` options; ``fields`` fill its caption."""
    return rep.table(frames[key], key, **TABLES[key], fields=fields)


def scatter_figure(res: dict, lang: str):
    """Raw province-years (left, by year) and the within variation with the TWFE line (right)."""
    msg = Messages(STUDY, lang)
    p = res["params"]
    x, y = p["regressors"][0], p["outcome"]
    data, dm = res["selection"].data, res["within"]
    b = float(res["table"].loc[x, "estimate"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    for year, grp in data.groupby("year"):
        axes[0].scatter(grp[x], grp[y], s=12, alpha=0.7, label=str(year))
    axes[0].set_title(msg("raw_title"), fontsize=10, loc="left")
    axes[0].set_xlabel(textwrap.fill(msg(x), 50))
    axes[0].set_ylabel(textwrap.fill(msg(y), 45))
    axes[0].legend(fontsize=7, title=msg("year_legend"))
    axes[1].scatter(dm[x], dm[y], s=12, alpha=0.6, color="#0b6bcb")
    xs = np.linspace(dm[x].min(), dm[x].max(), 2)
    axes[1].plot(xs, b * xs, color="#c0392b", label=msg("fit_line", b=b))
    axes[1].set_title(msg("within_title"), fontsize=10, loc="left")
    axes[1].set_xlabel(textwrap.fill(msg("deviation", v=msg(x)), 50))
    axes[1].set_ylabel(textwrap.fill(msg("deviation", v=msg(y)), 45))
    axes[1].legend(fontsize=8)
    for ax in axes:
        ax.xaxis.label.set_fontsize(8)
        ax.yaxis.label.set_fontsize(8)
        localize_axis(ax, lang, "x", "decimal", 1)
        localize_axis(ax, lang, "y", "decimal", 2)
    fig.suptitle(msg("scatter_title", a=p["start_year"], b=p["end_year"]))
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    add_caption(fig, msg("caption_source"))
    return fig
