"""Presentation of notebook ``01_data_overview``: key findings, tables and figures in vi or en.

The numbers come from :func:`cchc_research.analysis.overview.overview_results` (one dict of
tidy DataFrames); this module only decides how a reader sees them: which columns, in which
format (:data:`TABLES`), with which words (``messages/overview.yaml``), and writes the key
findings from the ``summary`` and ``accounting`` tables — the same frames the report shows.

Examples
--------
>>> import pandas as pd
>>> res = {"summary": pd.DataFrame({"metric": ["reported_values", "indicators", "geographies",
...        "panel_values", "conflicts", "consistency_mismatches", "consistency_checks",
...        "papi_missing_province_years"], "value": [1827, 12, 63, 1500, 3, 1, 872, 13]}),
...        "accounting": pd.DataFrame({"source_id": ["total"], "rows_read": [2535], "rows_processed": [2449],
...        "rows_rejected": [86], "balanced": [True]})}
>>> findings(res, "vi")[0].values["values"]
1827
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cchc_research.reporting import fmt
from cchc_research.reporting.figures import add_caption, heatmap
from cchc_research.reporting.findings import Finding
from cchc_research.reporting.i18n import Messages
from cchc_research.reporting.page import Report

__all__ = ["STUDY", "TABLES", "findings", "show", "sources_table", "coverage_figure", "missing_figure",
           "display_frames", "mismatch_lines"]

STUDY = "overview"

#: How each table of the notebook is shown: columns, formats and header keys (``show_table`` options).
TABLES: dict[str, dict[str, Any]] = {
    "summary": {"formats": {"metric": "category", "value": "int"}, "headers": {"value": "value"}},
    "sources": {"formats": {"source": "category", "licence": "text", "reliability": "text"}},
    "coverage": {"formats": {"family": "category"}},
    "coverage_reform": {"formats": {"indicator": "category"}},
    "province_coverage": {"formats": {"indicator": "category", "missing_names": "text"}},
    "gaps": {"columns": ["year", "geo_code", "geo_name", "cells"], "formats": {"geo_code": "code"}},
    "accounting": {"formats": {"source_id": "category"}},
    "rejects": {"formats": {"source": "category", "error": "category"}},
    "conflicts": {"columns": ["indicator", "geo_name", "period", "values", "spread", "chosen_source",
                              "chosen_value"],
                  "formats": {"indicator": "category", "period": "period", "values": "text", "spread": "decimal:4",
                              "chosen_source": "code", "chosen_value": "decimal:4"},
                  "headers": {"values": "values_compared"}},
    "consistency_summary": {"formats": {"check": "category"}},
    "consistency_flags": {"columns": ["check", "status", "indicator", "geo_code", "period", "expected",
                                      "observed", "difference", "tolerance"],
                          "formats": {"check": "category", "status": "category", "indicator": "category",
                                      "geo_code": "code", "period": "period", "expected": "percent:2",
                                      "observed": "percent:2", "difference": "signed:4",
                                      "tolerance": "decimal:5"},
                          "headers": {"expected": "expected_share", "observed": "observed_share"}},
    "eras": {"columns": ["indicator", "family", "from", "to", "comparable_with_previous"],
             "formats": {"indicator": "category", "family": "category", "from": "date", "to": "date",
                         "comparable_with_previous": "bool"}},
    "provenance": {"columns": ["source", "file", "sha256"],
                   "formats": {"source": "category", "file": "code", "sha256": "code"}},
}


def _metric(res: dict[str, pd.DataFrame], name: str) -> int:
    summary = res["summary"]
    return int(summary.loc[summary["metric"] == name, "value"].iloc[0])


def findings(res: dict[str, pd.DataFrame], lang: str) -> list[Finding]:
    """Four key-findings sentences from the ``summary`` and ``accounting`` tables of ``res``.

    Parameters
    ----------
    res : dict
        Output of :func:`cchc_research.analysis.overview.overview_results`.
    lang : {"vi", "en"}
        Unused for the values (kept for symmetry with the other studies' ``findings``).

    Returns
    -------
    list of Finding
        Scale, accounting (balanced or not), conflicts and checks, and the main caveat.
    """
    Messages(STUDY, lang)
    acc = res["accounting"]
    total = acc[acc["source_id"] == "total"].iloc[0]
    balanced = bool(acc["balanced"].all())
    return [
        Finding("findings_scale", values=_metric(res, "reported_values"), indicators=_metric(res, "indicators"),
                geographies=_metric(res, "geographies"), panel_values=_metric(res, "panel_values")),
        Finding("findings_accounting" if balanced else "findings_accounting_unbalanced",
                rows_read=int(total["rows_read"]), rows_processed=int(total["rows_processed"]),
                rows_rejected=int(total["rows_rejected"])),
        Finding("findings_conflicts", conflicts=_metric(res, "conflicts"),
                mismatches=_metric(res, "consistency_mismatches"), checks=_metric(res, "consistency_checks")),
        Finding("findings_caveat", missing=_metric(res, "papi_missing_province_years")),
    ]


def sources_table(provenance: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per raw source: publisher, and licence and reliability in the reader's language.

    Licence and reliability are the manifest's, translated in ``messages/overview.yaml``
    (``licence_<source>``, ``reliability_<source>``).
    """
    msg = Messages(STUDY, lang)
    first = provenance.drop_duplicates("source")[["source", "publisher"]].reset_index(drop=True)
    first["licence"] = [msg(f"licence_{s}") for s in first["source"]]
    first["reliability"] = [msg(f"reliability_{s}") for s in first["source"]]
    return first


def display_frames(res: dict[str, pd.DataFrame], lang: str) -> dict[str, pd.DataFrame]:
    """The frames the notebook shows, keyed like :data:`TABLES` (values localized where text)."""
    conflicts = res["conflicts"].copy()
    sep = " / "
    conflicts["values"] = [sep.join(fmt.decimal(float(v), lang, 4) for v in str(s).split(" vs "))
                           for s in conflicts["values"]]
    rejects = (res["rejects"].groupby(["source", "error"], as_index=False)["rows"].sum()
               .sort_values(["rows", "source"], ascending=[False, True]).reset_index(drop=True))
    eras = res["eras"][~res["eras"]["comparable_with_previous"]].reset_index(drop=True)
    return {
        "summary": res["summary"],
        "sources": sources_table(res["provenance"], lang),
        "coverage": res["coverage"],
        "coverage_reform": res["coverage_reform"],
        "province_coverage": res["province_coverage"],
        "gaps": res["gaps"],
        "accounting": res["accounting"],
        "rejects": rejects,
        "conflicts": conflicts,
        "consistency_summary": res["consistency_summary"],
        "consistency_flags": res["consistency_flags"],
        "eras": eras,
        "provenance": res["provenance"],
    }


def mismatch_lines(res: dict[str, pd.DataFrame], rep: Report) -> None:
    """Display one sentence per failing consistency check (values from ``consistency_flags``)."""
    flags = res["consistency_flags"]
    for rec in flags[flags["status"] != "ok"].to_dict("records"):
        rep.text("mismatch_line", indicator=rep.t(str(rec["indicator"])), geo_code=str(rec["geo_code"]),
                 period=fmt.period(rec["period"], lang=rep.lang), expected=float(rec["expected"]), observed=float(rec["observed"]))


def show(rep: Report, frames: dict[str, pd.DataFrame], key: str) -> None:
    """Show table ``key`` of ``frames`` (from :func:`display_frames`) with its :data:`TABLES` options."""
    rep.table(frames[key], key, **TABLES[key])


def coverage_figure(res: dict[str, pd.DataFrame], lang: str):
    """Heat map of reported values by indicator family and year (log colour scale)."""
    cov = res["coverage"].set_index("family")
    msg = Messages(STUDY, lang)
    fig = heatmap(cov, lang, study=STUDY, title="heat_title", xlabel="year", ylabel="family", log=True,
                  row_labels=[msg(f) for f in cov.index])
    add_caption(fig, msg("caption_heat"))
    return fig


def missing_figure(res: dict[str, pd.DataFrame], lang: str):
    """Grid of PAPI province-years without a score (filled cell = missing), with the 2018 break."""
    grid = res["papi_missing"]
    msg = Messages(STUDY, lang)
    fig = heatmap(grid, lang, study=STUDY, title="prov_title", xlabel="year", annotate=False, cmap="Reds")
    ax = fig.axes[0]
    years = list(grid.columns)
    if 2017 in years and 2018 in years:
        x = years.index(2018) - 0.5
        ax.axvline(x, color="black", lw=1, ls="--")
        ax.text(x + 0.1, len(grid) - 0.7, msg("papi_break"), fontsize=7)
    ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=0, fontsize=8)
    add_caption(fig, msg("caption_prov"))
    return fig
