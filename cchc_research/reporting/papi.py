"""Presentation of notebook ``03_papi_egovernance``: key findings, tables and figures in vi or en.

The numbers come from :func:`cchc_research.analysis.papi.egovernance_study` (one dict of fits and
tidy frames); this module decides how a reader sees them — which columns, in which format
(:data:`TABLES`), with which words (``messages/papi.yaml``) — and writes the key findings from the
coefficient table, the same frame the report shows.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"outcome": ["y"], "estimate": [0.5], "ci_low": [0.1], "ci_high": [0.9]},
...                      index=pd.Index(["y"], name="model"))
>>> coefficients_frame(table).columns.tolist()
['outcome', 'estimate', 'ci_low', 'ci_high']
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cchc_research.analysis.fe_panel import CI_LEVEL
from cchc_research.reporting.figures import add_caption, coef_plot, label_axes, localize_axis
from cchc_research.reporting.findings import Finding, study_findings_doc
from cchc_research.reporting.i18n import Messages
from cchc_research.reporting.page import Report

__all__ = ["STUDY", "TABLES", "COEFFICIENT_COLUMNS", "findings", "coefficients_frame", "dropped_frame",
           "coverage_frame", "loro_frame", "display_frames", "show", "caption_fields", "within_figure", "loro_figure"]

STUDY = "papi"

#: Columns of a coefficient table as shown (one row per outcome).
COEFFICIENT_COLUMNS = ["outcome", "estimate", "std_error", "p_value", "ci_low", "ci_high", "boot_p_value",
                       "boot_ci_low", "boot_ci_high", "nobs", "clusters", "n_dropped"]
_COEF_FORMATS = {"outcome": "category", "estimate": "decimal:3", "std_error": "decimal:3",
                 "p_value": "pvalue", "ci_low": "decimal:3", "ci_high": "decimal:3",
                 "boot_p_value": "pvalue", "boot_ci_low": "decimal:3", "boot_ci_high": "decimal:3",
                 "nobs": "int", "clusters": "int", "n_dropped": "int"}

#: How each table of the notebook is shown (``show_table`` options).
TABLES: dict[str, dict[str, Any]] = {
    "coverage": {"formats": {"indicator": "category"}},
    "coefficients": {"formats": _COEF_FORMATS},
    "dropped": {"formats": {"outcome": "category", "geo_name": "text", "year": "year",
                            "missing_columns": "text"}},
    "loro": {"formats": {"excluded": "text", "n_provinces_excluded": "int", "nobs": "int",
                         "estimate": "decimal:3", "std_error": "decimal:3", "boot_p_value": "pvalue",
                         "boot_ci_low": "decimal:3", "boot_ci_high": "decimal:3"}},
    "subdimensions": {"formats": _COEF_FORMATS},
}


def coefficients_frame(table: pd.DataFrame, fits: dict | None = None) -> pd.DataFrame:
    """The shown columns of a :func:`~cchc_research.analysis.fe_panel.coefficient_table` (index dropped).

    With ``fits`` (the fits the table was made from, same keys), ``n_dropped`` counts the
    province-years of the window each model dropped.
    """
    table = table.copy()
    if fits is not None:
        table["n_dropped"] = [fits[k].selection.n_dropped for k in table.index]
    return table.reset_index(drop=True)[[c for c in COEFFICIENT_COLUMNS if c in table.columns]]


def coverage_frame(coverage: pd.DataFrame) -> pd.DataFrame:
    """Dimensions as rows (``indicator`` codes), years as columns."""
    out = coverage.T
    out.columns = [str(c) for c in out.columns]
    return out.rename_axis("indicator").reset_index()


def dropped_frame(fits: dict, lang: str) -> pd.DataFrame:
    """Province-years each outcome's model dropped, with the missing scores named in ``lang``."""
    msg = Messages(STUDY, lang)
    rows = []
    for outcome, fit in fits.items():
        for rec in fit.selection.dropped.to_dict("records"):
            cols = str(rec["reason"]).removeprefix("missing: ").split(", ")
            rows.append({"outcome": outcome, "geo_name": rec["geo_name"], "year": int(rec["year"]),
                         "missing_columns": "; ".join(msg(c) for c in cols)})
    return pd.DataFrame(rows, columns=["outcome", "geo_name", "year", "missing_columns"])


def loro_frame(loro: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Leave-one-region-out rows with the region named in ``lang`` (full sample first)."""
    msg = Messages(STUDY, lang)
    col = "excluded" if lang == "vi" else "excluded_en"
    out = loro.copy()
    out["excluded"] = [msg("none") if v == "none" else v for v in out[col]]
    return out[["excluded", "n_provinces_excluded", "nobs", "estimate", "std_error", "boot_p_value",
                "boot_ci_low", "boot_ci_high"]]


def display_frames(res: dict, lang: str) -> dict[str, pd.DataFrame]:
    """The frames the notebook shows, keyed like :data:`TABLES`."""
    return {
        "coverage": coverage_frame(res["coverage"]),
        "coefficients": coefficients_frame(res["table"], res["fits"]),
        "dropped": dropped_frame(res["fits"], lang),
        "loro": loro_frame(res["loro"], lang),
        "subdimensions": coefficients_frame(res["subtable"], res["subfits"]),
    }


@study_findings_doc(
    'Five key-findings sentences from the coefficient table of ``res`` (main and alternative'
    ' outcome).',
    'cchc_research.analysis.papi.egovernance_study',
    'Estimate with its bootstrap interval, p-values, the alternative outcome, the sample, the caveat.')
def findings(res: dict, lang: str) -> list[Finding]:
    msg = Messages(STUDY, lang)
    p = res["params"]
    table = res["table"]
    main, alt = table.loc[p["outcome"]], table.loc[p["alt_outcome"]]
    dropped = res["main"].selection.n_dropped
    return [
        Finding("findings_estimate", x=msg(p["regressor"]), y=msg(p["outcome"]), b=float(main["estimate"]),
                low=float(main["boot_ci_low"]), high=float(main["boot_ci_high"]), level=CI_LEVEL),
        Finding("findings_pvalue", p=float(main["boot_p_value"]), B=p["bootstrap_reps"],
                p_cr1=float(main["p_value"])),
        Finding("findings_alt", y=msg(p["alt_outcome"]), b=float(alt["estimate"]),
                low=float(alt["boot_ci_low"]), high=float(alt["boot_ci_high"]), level=CI_LEVEL),
        Finding("findings_sample", n=int(main["nobs"]), g=int(main["clusters"]), a=p["start_year"],
                b=p["end_year"], d=int(dropped)),
        Finding("findings_caveat"),
    ]


def show(rep: Report, frames: dict[str, pd.DataFrame], key: str, **fields: Any):
    """Show table ``key`` of ``frames`` (from :func:`display_frames`) with its :data:`TABLES` options.

    ``fields`` fill the caption message ``table_<key>``.
    """
    return rep.table(frames[key], key, **TABLES[key], fields=fields)


def caption_fields(res: dict, lang: str) -> dict[str, Any]:
    """Fields of the sub-dimension table caption: regressor name and window."""
    p = res["params"]
    return {"x": Messages(STUDY, lang)(p["sub_regressor"]).lower(), "a": p["sub_start_year"],
            "b": p["sub_end_year"]}


def within_figure(res: dict, lang: str):
    """Partial-regression scatter: outcome and regressor demeaned by province and year, TWFE line."""
    msg = Messages(STUDY, lang)
    p = res["params"]
    dm, b = res["within"], float(res["table"].loc[p["outcome"], "estimate"])
    x, y = dm[p["regressor"]].to_numpy(), dm[p["outcome"]].to_numpy()
    fig, ax = plt.subplots(figsize=(7, 4.6))
    ax.scatter(x, y, s=14, alpha=0.6, color="#0b6bcb")
    xs = np.linspace(x.min(), x.max(), 2)
    ax.plot(xs, b * xs, color="#c0392b", label=msg("fit_line", b=b))
    localize_axis(ax, lang, "x", "decimal", 1)
    localize_axis(ax, lang, "y", "decimal", 1)
    label_axes(ax, msg, title="within_title", xlabel="within_x", ylabel="within_y",
               x=msg(p["regressor"]), y=msg(p["outcome"]))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    add_caption(fig, msg("caption_source"))
    return fig


def loro_figure(res: dict, lang: str):
    """The slope with each region left out (bootstrap intervals), the full sample highlighted."""
    p = res["params"]
    frame = loro_frame(res["loro"], lang)
    full = float(frame["estimate"].iloc[0])
    return coef_plot(frame, lang, study=STUDY, label="excluded", low="boot_ci_low", high="boot_ci_high",
                     title="loro_title", xlabel="loro_x", caption="caption_source", reference=full,
                     decimals=2, highlight=[i == 0 for i in range(len(frame))],
                     x=Messages(STUDY, lang)(p["regressor"]))
