"""Presentation of notebook ``05_hcmc_decentralization``: key findings, tables and figures in vi or en.

The numbers come from :func:`cchc_research.analysis.synth_hcmc.decentralization_study`; this module
decides how a reader sees them (:data:`TABLES`, ``messages/synth.yaml``) and writes the key findings
from the power-facts table the report shows.

Examples
--------
>>> facts_frame({"donors": 50, "p_value": 0.2}, "en")["value"].tolist()
['50', '0.200']
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from cchc_research.analysis.synth_hcmc import PLACEBO_QUANTILE
from cchc_research.geo import resolve_province
from cchc_research.reporting import fmt
from cchc_research.reporting.figures import add_caption, label_axes, line_plot, localize_axis
from cchc_research.reporting.findings import Finding, study_findings_doc
from cchc_research.reporting.i18n import Messages
from cchc_research.reporting.page import Report

__all__ = ["STUDY", "TABLES", "FACT_FORMATS", "findings", "unit_name", "facts_frame", "display_frames",
           "show", "path_figure", "gap_figure", "in_time_fields"]

STUDY = "synth"

#: Display format of each power fact (``reporting.fmt.cell`` kind, decimals), in display order.
FACT_FORMATS: dict[str, tuple[str, int | None]] = {
    "donors": ("int", None), "units": ("int", None), "pre_years": ("int", None),
    "post_years": ("int", None), "mean_post_gap": ("signed", 3), "pre_rmspe": ("decimal", 4),
    "post_rmspe": ("decimal", 4), "rmspe_ratio": ("decimal", 2), "rank": ("int", None),
    "p_value": ("pvalue", None), "smallest_p_value": ("decimal", 3),
    "p_value_post_rmspe": ("pvalue", None), "p_value_abs_mean_gap": ("pvalue", None),
    "placebo_abs_gap_q90": ("decimal", 3), "near_perfect_pre_fits": ("int", None),
    "outcome_sd_pre": ("decimal", 3),
}

#: How each table of the notebook is shown (``show_table`` options).
TABLES: dict[str, dict[str, Any]] = {
    "excluded": {"columns": ["geo_name", "missing_years", "n_missing"],
                 "formats": {"geo_name": "text", "missing_years": "text", "n_missing": "int"}},
    "weights": {"columns": ["geo_name", "weight"], "formats": {"geo_name": "text", "weight": "percent:1"}},
    "placebo": {"columns": ["geo_name", "pre_rmspe", "post_rmspe", "ratio", "rank", "mean_post_gap",
                            "near_perfect_pre_fit"],
                "formats": {"geo_name": "text", "pre_rmspe": "decimal:4", "post_rmspe": "decimal:4",
                            "ratio": "decimal:2", "rank": "int", "mean_post_gap": "signed:3",
                            "near_perfect_pre_fit": "bool"}},
    "facts": {"formats": {"metric": "category", "value": "text"}},
}


def unit_name(code: str, lang: str) -> str:
    """Full Vietnamese name (vi) or English name (en) of a province code."""
    province = resolve_province(code)
    return province.name_vi_full if lang == "vi" else province.name_en


def facts_frame(facts: dict, lang: str) -> pd.DataFrame:
    """The power facts as ``metric`` (message key) and ``value`` (formatted in ``lang``)."""
    keys = [k for k in FACT_FORMATS if k in facts]
    return pd.DataFrame({"metric": keys,
                         "value": [fmt.cell(facts[k], lang, *FACT_FORMATS[k]) for k in keys]})


def display_frames(res: dict, lang: str) -> dict[str, pd.DataFrame]:
    """The frames the notebook shows, keyed like :data:`TABLES`."""
    return {
        "excluded": res["excluded"],
        "weights": res["weights"],
        "placebo": res["placebo"][~res["placebo"]["treated"]].head(10),  # the city is in "facts"
        "facts": facts_frame(res["facts"], lang),
    }


@study_findings_doc(
    'Five key-findings sentences from the power facts of ``res`` (the ``facts`` table).',
    'cchc_research.analysis.synth_hcmc.decentralization_study',
    'Mean post-reform gap, rank and permutation p-value, the two robust p-values, the placebo gap'
    ' scale and near-perfect fits, and the caveat.')
def findings(res: dict, lang: str) -> list[Finding]:
    msg = Messages(STUDY, lang)
    p, f = res["params"], res["facts"]
    return [
        Finding("findings_gap", outcome=msg(p["outcome"]), unit=unit_name(p["treated"], lang),
                gap=f["mean_post_gap"], a=p["treatment_year"], b=p["end_year"], pre=f["pre_rmspe"]),
        Finding("findings_rank", rank=f["rank"], units=f["units"], p=f["p_value"], pmin=f["smallest_p_value"]),
        Finding("findings_robust_p", p_post=f["p_value_post_rmspe"], p_gap=f["p_value_abs_mean_gap"]),
        Finding("findings_placebo", q=PLACEBO_QUANTILE, q90=f["placebo_abs_gap_q90"],
                k=f["near_perfect_pre_fits"]),
        Finding("findings_caveat"),
    ]


def show(rep: Report, frames: dict[str, pd.DataFrame], key: str):
    """Show table ``key`` of ``frames`` (from :func:`display_frames`) with its :data:`TABLES` options."""
    return rep.table(frames[key], key, **TABLES[key])


def in_time_fields(res: dict) -> dict[str, Any]:
    """Fields of the ``in_time_text`` message, from the in-time placebo's power facts."""
    f = res["fake_facts"]
    return {"pre": f["pre_rmspe"], "post": f["post_rmspe"], "gap": f["mean_post_gap"],
            "k": f["near_perfect_pre_fits"], "n": f["units"], "p": f["p_value"],
            "p_post": f["p_value_post_rmspe"], "p_gap": f["p_value_abs_mean_gap"]}


def path_figure(res: dict, lang: str):
    """The treated unit's outcome and its synthetic control, with the reform year."""
    p = res["params"]
    msg = Messages(STUDY, lang)
    return line_plot(res["series"], "year", {"treated": "unit_line", "synthetic": "synthetic"}, lang,
                     study=STUDY, title="path_title", xlabel="axis_year", ylabel=p["outcome"],
                     caption="caption_source", ydecimals=2, vline=p["treatment_year"] - 0.5,
                     vline_label="reform", unit=unit_name(p["treated"], lang), outcome=msg(p["outcome"]),
                     year=p["treatment_year"],
                     styles={"treated": {"color": "black", "marker": "o"},
                             "synthetic": {"color": "#0b6bcb", "marker": "o", "ls": "--"}})


def gap_figure(res: dict, lang: str):
    """Gap actual − synthetic of the treated unit (black) and of every placebo province (grey)."""
    p = res["params"]
    msg = Messages(STUDY, lang)
    gaps = res["analysis"].result.placebo_gaps
    placebos = gaps.drop(columns=[p["treated"]])
    unit = unit_name(p["treated"], lang)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.plot(placebos.index, placebos.to_numpy(), color="grey", alpha=0.35, linewidth=0.8)
    ax.plot([], [], color="grey", alpha=0.6, label=msg("placebo"))
    ax.plot(res["series"]["year"], res["series"]["gap"], color="black", linewidth=2.2, label=unit)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(p["treatment_year"] - 0.5, color="grey", ls=":", lw=1.2,
               label=msg("reform", year=p["treatment_year"]))
    localize_axis(ax, lang, "x", "year", 0)
    localize_axis(ax, lang, "y", "decimal", 1)
    label_axes(ax, msg, title="gap_title", xlabel="axis_year", ylabel="gap_series", unit=unit)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    add_caption(fig, msg("caption_source"))
    return fig
