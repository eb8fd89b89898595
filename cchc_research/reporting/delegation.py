"""Presentation of the delegation and online-dose study (notebook 07; SIMULATED data).

Turns the results of :func:`cchc_research.analysis.delegation.delegation_results` and
:func:`cchc_research.analysis.online_dose.dose_results` into what a reader sees: key findings,
tables in percentage points and the event-study figure, every word from
``reporting/messages/delegation.yaml``. Rates are shown in percentage points (×100).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"outcome": ["on_time_rate"], "estimator": ["cs_contrasts"],
...                   "estimate": [0.002], "ci_low": [-0.001], "ci_high": [0.005],
...                   "p_value": [0.2], "truth": [0.0023]})
>>> estimates_frame({"table": t})[["estimate", "truth_pp"]].round(2).values.tolist()
[[0.2, 0.23]]
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from cchc_research.reporting.figures import add_caption, label_axes, localize_axis
from cchc_research.reporting.findings import Finding
from cchc_research.reporting.i18n import Messages

__all__ = ["STUDY", "LEVEL", "FORMATS", "show", "findings", "estimates_frame", "cohorts_frame",
           "event_frame", "dose_frame", "bins_frame", "event_figure"]

#: Message catalog of the study.
STUDY = "delegation"

#: Confidence level of every interval shown.
LEVEL = 0.95

#: Column formats of the study's tables (see :func:`cchc_research.reporting.tables.show_table`).
FORMATS = {"estimate": "signed:2", "ci_low": "signed:2", "ci_high": "signed:2",
           "truth_pp": "signed:2", "p_value": "pvalue", "outcome": "category",
           "estimator": "category", "exposure": "category", "cells": "int",
           "n_district_periods": "int", "event_time": "int"}

_PP = 100.0


def _pp(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = out[c] * _PP
    return out


def show(rep, frame: pd.DataFrame, key: str) -> None:
    """Show ``frame`` as table ``key`` of the report with the study's column formats.

    Returns nothing, so that a notebook cell ending with it displays the table once (a
    trailing ``;`` is not honoured when nbval executes a cell).
    """
    rep.table(frame, key, formats={c: f for c, f in FORMATS.items() if c in frame.columns})


def estimates_frame(res: dict[str, Any]) -> pd.DataFrame:
    """Delegation estimates in percentage points: one row per outcome × estimator."""
    t = _pp(res["table"], ["estimate", "ci_low", "ci_high", "truth"])
    return t.rename(columns={"truth": "truth_pp"})[
        ["outcome", "estimator", "estimate", "ci_low", "ci_high", "p_value", "truth_pp"]]


def cohorts_frame(res: dict[str, Any], lang: str) -> pd.DataFrame:
    """Delegation cohorts with their fields' names in ``lang``."""
    msg = Messages(STUDY, lang)
    c = res["cohorts"].copy()
    c["fields"] = c["fields"].map(lambda codes: ", ".join(msg(str(x)) for x in codes))
    return c[["cohort", "fields", "cells"]]


def event_frame(res: dict[str, Any]) -> pd.DataFrame:
    """Event-time estimates of the on-time rate and the truth, percentage points."""
    e = _pp(res["event_study"], ["estimate", "ci_low", "ci_high", "truth"])
    return e.rename(columns={"truth": "truth_pp"})


def dose_frame(dose: dict[str, Any]) -> pd.DataFrame:
    """Dose slopes per ten points of the share, percentage points."""
    d = _pp(dose["slopes"], ["estimate", "ci_low", "ci_high", "truth"])
    return d.rename(columns={"truth": "truth_pp"})[
        ["outcome", "exposure", "estimate", "ci_low", "ci_high", "p_value", "truth_pp"]]


def bins_frame(dose: dict[str, Any]) -> pd.DataFrame:
    """On-time rate by band of the online share against the lowest band, percentage points."""
    b = _pp(dose["bins"], ["estimate", "ci_low", "ci_high"])
    return b.rename(columns={"bin": "band", "n": "n_district_periods"})[
        ["band", "n_district_periods", "estimate", "ci_low", "ci_high", "p_value"]]


def findings(res: dict[str, Any], dose: dict[str, Any], lang: str) -> list[Finding]:
    """Key findings (five sentences) from the same frames the tables show.

    Parameters
    ----------
    res : dict
        :func:`cchc_research.analysis.delegation.delegation_results`.
    dose : dict
        :func:`cchc_research.analysis.online_dose.dose_results`.
    lang : {"vi", "en"}

    Returns
    -------
    list of Finding
    """
    msg = Messages(STUDY, lang)
    est = estimates_frame(res).set_index(["outcome", "estimator"])
    out = []
    for outcome in ("on_time_rate", "satisfaction_rate"):
        r = est.loc[(outcome, "cs_contrasts")]
        out.append(Finding("findings_delegation", outcome=msg(outcome).lower(), b=r["estimate"],
                           lo=r["ci_low"], hi=r["ci_high"], p=r["p_value"], truth=r["truth_pp"],
                           level=LEVEL))
    on = res["estimates"]["on_time_rate"]
    out.append(Finding("findings_sample", cells=on.n_cells, delegated=on.n_delegated_cells,
                       districts=on.n_districts, periods=on.n_periods,
                       cohorts=len(res["cohorts"])))
    d = dose_frame(dose).set_index(["outcome", "exposure"]).loc[("on_time_rate", "online_share")]
    out.append(Finding("findings_dose", b=d["estimate"], p=d["p_value"], truth=d["truth_pp"]))
    out.append(Finding("findings_caveat"))
    return out


def event_figure(res: dict[str, Any], lang: str, *, n: int, seed: int):
    """Event-study figure of the on-time rate (estimates with intervals, truth dashed).

    Parameters
    ----------
    res : dict
        :func:`cchc_research.analysis.delegation.delegation_results`.
    lang : {"vi", "en"}
    n, seed : int
        Size and seed of the simulated world (for the caption).

    Returns
    -------
    matplotlib.figure.Figure
    """
    msg = Messages(STUDY, lang)
    e = event_frame(res)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.axhline(0.0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", ls=":", lw=1)
    ax.vlines(e["event_time"], e["ci_low"], e["ci_high"], color="#0b6bcb", lw=1.4)
    ax.scatter(e["event_time"], e["estimate"], color="#0b6bcb", s=18, zorder=3,
               label=msg("legend_estimate"))
    ax.plot(e["event_time"], e["truth_pp"], color="#c0392b", ls="--", lw=1.4,
            label=msg("legend_truth"))
    localize_axis(ax, lang, "x", "int", 0)
    localize_axis(ax, lang, "y", "decimal", 1)
    label_axes(ax, msg, title="event_title", xlabel="event_x", ylabel="event_y")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    add_caption(fig, msg("event_caption", n=n, seed=seed, level=LEVEL))
    return fig
