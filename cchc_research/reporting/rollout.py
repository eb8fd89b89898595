"""Presentation of notebook 06 (online-service rollout): findings, tables and figures in vi or en.

The numbers come from :mod:`cchc_research.analysis.rollout` (the SIMULATED world, with its
truth) or :mod:`cchc_research.analysis.own_data` (a user's exports, no truth); this module
decides how a reader sees them — which columns, in which format (:data:`FORMATS`), with which
words (``messages/rollout.yaml``). Every message that differs between the two kinds of run
has a ``_simulated`` and an ``_own`` variant (:func:`kind`), so the SIMULATED labels, the
truth overlay and the truth columns appear only when the data are simulated.

Examples
--------
>>> import pandas as pd
>>> es = pd.DataFrame({"estimator": ["sun_abraham"], "term": ["e=2"], "estimate": [0.1],
...                    "std_error": [0.05], "ci_low": [0.0], "ci_high": [0.2]})
>>> own_event_frame(es)[["estimator", "event_time"]].values.tolist()
[['sun_abraham', 2]]
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from cchc_research.reporting.figures import add_caption, localize_axis
from cchc_research.reporting.findings import Finding
from cchc_research.reporting.i18n import Messages

__all__ = ["STUDY", "LEVEL", "FORMATS", "kind", "show", "calibration_frame", "cohorts_frame",
           "event_frame", "overall_frame", "inference_frame", "weights_frame", "own_files_frame",
           "own_rejects_frame", "own_overall_frame", "own_event_frame", "findings", "own_findings", "event_figure"]

#: Message catalog of the study.
STUDY = "rollout"

#: Confidence level of every interval shown (the analysis computes 95% intervals).
LEVEL = 0.95

#: Column formats of the study's tables (see :func:`cchc_research.reporting.tables.show_table`).
FORMATS: dict[str, str] = {
    "outcome": "category", "estimator": "category", "inference": "category", "control": "category",
    "check": "category", "target": "category", "refused": "bool", "error": "code",
    "estimate": "signed:4", "std_error": "decimal:4", "ci_low": "signed:4", "ci_high": "signed:4",
    "ci_low_analytic": "signed:4", "ci_high_analytic": "signed:4", "truth": "signed:4",
    "bias": "signed:4", "p_value": "pvalue", "covers_truth": "bool", "event_time": "int",
    "sample": "text", "period": "text", "reported": "percent:2", "simulated": "percent:2",
    "difference": "percent:2", "z": "signed:2", "denominator": "int", "source": "text",
    "cohort": "text", "rollout_month": "text", "units_2021": "int", "districts_2020": "int",
    "districts": "text", "treated_cells": "int", "equal_weight": "decimal:4", "twfe_weight": "decimal:4",
    "negative_cells": "int", "negative_weight": "signed:4", "true_att": "signed:4",
    "twfe_estimand": "signed:4", "twfe_estimate": "signed:4", "file": "code", "sha256": "code",
    "read": "int", "valid": "int", "rejected": "int", "reason": "text", "rows": "int",
}

#: Headers whose message key differs from the column name.
HEADERS = {"target": "indicator", "source": "reported_source", "event_time": "event_time_short"}

_STYLE = {"twfe_event_study": ("tab:red", "s", -0.2), "callaway_santanna": ("tab:blue", "o", 0.0),
          "sun_abraham": ("tab:green", "^", 0.2)}


def kind(simulated: bool) -> str:
    """Suffix of the message variants: ``"simulated"`` or ``"own"``."""
    return "simulated" if simulated else "own"


def show(rep, frame: pd.DataFrame, key: str, **fields: Any) -> None:
    """Show ``frame`` as table ``key`` with the study's formats and headers (returns None).

    ``fields`` fill the caption message ``table_<key>``.
    """
    rep.table(frame, key, formats={c: f for c, f in FORMATS.items() if c in frame.columns},
              headers={c: h for c, h in HEADERS.items() if c in frame.columns}, fields=fields)


def calibration_frame(calibration: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Columns of :func:`~cchc_research.analysis.rollout.calibration_table` as shown.

    The source of each published figure is worded in ``lang`` (message ``source_<target>``).
    """
    msg = Messages(STUDY, lang)
    out = calibration[["target", "period", "reported", "simulated", "difference", "z", "denominator"]].copy()
    out["source"] = [msg(f"source_{t}") for t in calibration["target"]]
    return out


def cohorts_frame(cohorts: pd.DataFrame) -> pd.DataFrame:
    """:func:`~cchc_research.analysis.rollout.cohort_table` as shown (names stay Vietnamese)."""
    return cohorts[["cohort", "rollout_month", "units_2021", "districts_2020", "districts"]]


def event_frame(estimates: dict, outcome: str) -> pd.DataFrame:
    """Event-study rows of ``outcome`` (estimators with their truth; the truth-only rows left out)."""
    es = estimates[outcome].event_study
    return es[es["estimator"] != "truth"][["estimator", "event_time", "estimate", "std_error",
                                            "ci_low", "ci_high", "truth"]].reset_index(drop=True)


def overall_frame(estimates: dict) -> pd.DataFrame:
    """Overall ATT of every outcome and estimator, with truth, bias and coverage."""
    overall = pd.concat([e.overall for e in estimates.values()], ignore_index=True)
    return overall[["outcome", "estimator", "sample", "inference", "estimate", "std_error", "ci_low",
                    "ci_high", "p_value", "truth", "bias", "covers_truth"]]


def inference_frame(estimates: dict, outcome: str) -> pd.DataFrame:
    """CS and SA intervals as used (unit × period variances) beside their analytic intervals."""
    est = estimates[outcome]
    rows = []
    for name in ("callaway_santanna", "sun_abraham"):
        ci = est.results[name].aggregate("simple").conf_int(LEVEL).loc["ATT"]
        rows.append({"estimator": name, "ci_low_analytic": float(ci.iloc[0]),
                     "ci_high_analytic": float(ci.iloc[1])})
    ov = est.overall[est.overall["estimator"].isin(["callaway_santanna", "sun_abraham"])]
    return ov[["estimator", "inference", "estimate", "ci_low", "ci_high", "truth"]].merge(
        pd.DataFrame(rows), on="estimator")


def weights_frame(decompositions: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """TWFE decompositions of every outcome (the ``all`` row named in ``lang``)."""
    msg = Messages(STUDY, lang)
    out = pd.concat([d.assign(outcome=o) for o, d in decompositions.items()], ignore_index=True)
    out["cohort"] = [msg("all") if c == "all" else str(c) for c in out["cohort"]]
    return out[["outcome", *[c for c in out.columns if c != "outcome"]]]


def own_files_frame(files: pd.DataFrame) -> pd.DataFrame:
    """Per-file counts and SHA-256 of :class:`~cchc_research.analysis.own_data.OwnExports`."""
    return files[["file", "read", "valid", "rejected", "sha256"]]


def own_rejects_frame(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows counted by file and reason (empty frame with the columns if none)."""
    if rejects.empty:
        return pd.DataFrame({"file": pd.Series(dtype=str), "reason": pd.Series(dtype=str),
                             "rows": pd.Series(dtype="int64")})
    return rejects.groupby(["file", "reason"]).size().rename("rows").reset_index()


def own_overall_frame(overall: pd.DataFrame) -> pd.DataFrame:
    """Overall ATT of :func:`~cchc_research.analysis.own_data.estimate_own` as shown."""
    return overall[["estimator", "control", "inference", "estimate", "std_error", "ci_low", "ci_high",
                    "p_value"]]


def own_event_frame(event: pd.DataFrame) -> pd.DataFrame:
    """Event-study rows of :func:`~cchc_research.analysis.own_data.estimate_own` with integer event time."""
    rows = event[event["term"].astype(str).str.startswith("e=")].copy()
    rows["event_time"] = rows["term"].str[2:].astype("int64")
    return rows[["estimator", "event_time", "estimate", "std_error", "ci_low", "ci_high"]].reset_index(drop=True)


def findings(estimates: dict, decompositions: dict[str, pd.DataFrame], data: Any, outcome: str,
             lang: str) -> list[Finding]:
    """Five key-findings sentences of a SIMULATED run, from the frames the tables show.

    Parameters
    ----------
    estimates : dict
        Outcome → :class:`~cchc_research.analysis.rollout.RolloutEstimates`.
    decompositions : dict
        Outcome → :func:`~cchc_research.analysis.rollout.twfe_decomposition`.
    data : RolloutData
    outcome : str
        The main outcome.
    lang : {"vi", "en"}

    Returns
    -------
    list of Finding
        Callaway–Sant'Anna and Sun–Abraham ATT with interval, p-value and truth; the static
        TWFE against its truth and its negative weights; the sample; the caveat.
    """
    msg = Messages(STUDY, lang)
    ov = overall_frame(estimates).set_index(["outcome", "estimator"])
    cs, sa, tw = (ov.loc[(outcome, e)] for e in ("callaway_santanna", "sun_abraham", "twfe_static"))
    dec = decompositions[outcome].set_index("cohort").loc["all"]
    p = data.panel
    return [
        Finding("findings_cs_simulated", outcome=msg(outcome).lower(), b=cs["estimate"], low=cs["ci_low"],
                high=cs["ci_high"], p=cs["p_value"], truth=cs["truth"], level=LEVEL),
        Finding("findings_sa_simulated", b=sa["estimate"], low=sa["ci_low"], high=sa["ci_high"],
                p=sa["p_value"], truth=sa["truth"], level=LEVEL),
        Finding("findings_twfe_simulated", b=tw["estimate"], truth=tw["truth"],
                n_neg=int(dec["negative_cells"]), n_cells=int(dec["treated_cells"])),
        Finding("findings_sample_simulated", n=int(data.world.n_dossiers), units=int(p["unit"].nunique()),
                periods=int(p["period"].nunique()), first=str(p["period"].min()),
                last=str(p["period"].max()), through=data.identified_through),
        Finding("findings_caveat_simulated"),
    ]


def own_findings(overall: pd.DataFrame, files: pd.DataFrame, panel: pd.DataFrame, outcome: str,
                 lang: str) -> list[Finding]:
    """Four key-findings sentences of a run on the user's exports (no truth).

    Parameters
    ----------
    overall : DataFrame
        First frame of :func:`~cchc_research.analysis.own_data.estimate_own`.
    files : DataFrame
        ``OwnExports.files`` (file, sha256, read, valid, rejected).
    panel : DataFrame
        :func:`~cchc_research.analysis.own_data.build_own_panel`.
    outcome : str
    lang : {"vi", "en"}

    Returns
    -------
    list of Finding
    """
    msg = Messages(STUDY, lang)
    ov = overall.set_index("estimator")
    cs, sa = ov.loc["callaway_santanna"], ov.loc["sun_abraham"]
    return [
        Finding("findings_cs_own", outcome=msg(outcome).lower(), b=float(cs["estimate"]),
                low=float(cs["ci_low"]), high=float(cs["ci_high"]), p=float(cs["p_value"]), level=LEVEL),
        Finding("findings_sa_own", b=float(sa["estimate"]), low=float(sa["ci_low"]),
                high=float(sa["ci_high"]), p=float(sa["p_value"]), level=LEVEL),
        Finding("findings_sample_own", files=len(files), read=int(files["read"].sum()),
                valid=int(files["valid"].sum()), rejected=int(files["rejected"].sum()),
                units=int(panel["unit"].nunique()), periods=int(panel["period"].nunique()),
                first=str(panel["period"].min()), last=str(panel["period"].max())),
        Finding("findings_caveat_own"),
    ]


def event_figure(event: pd.DataFrame, lang: str, *, outcome: str, freq: str, simulated: bool,
                 truth: pd.DataFrame | None = None, **caption: Any):
    """Event-study figure: the estimators with their intervals; the truth only when simulated.

    Parameters
    ----------
    event : DataFrame
        estimator, event_time, estimate, ci_low, ci_high (and ``truth`` on the estimators'
        rows when simulated): :func:`event_frame` or :func:`own_event_frame`.
    lang : {"vi", "en"}
    outcome, freq : str
    simulated : bool
        Title, caption and truth overlay of a SIMULATED run; else of the user's data.
    truth : DataFrame, optional
        event_time, truth: the full-period true profile (simulated runs).
    **caption
        Fields of ``caption_simulated`` (n, seed) or ``caption_own`` (files, valid).

    Returns
    -------
    matplotlib.figure.Figure
    """
    msg = Messages(STUDY, lang)
    fig, ax = plt.subplots(figsize=(9, 5))
    if simulated and truth is not None:
        ax.plot(truth["event_time"], truth["truth"], color="black", lw=2, ls="--", label=msg("truth"))
    for name, (color, marker, shift) in _STYLE.items():
        rows = event[event["estimator"] == name]
        if rows.empty:
            continue
        ax.errorbar(rows["event_time"] + shift, rows["estimate"],
                    yerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
                    color=color, marker=marker, ms=4, lw=1, capsize=2, ls="none", label=msg(name))
    if simulated:
        window = event[event["estimator"] == "callaway_santanna"]
        ax.plot(window["event_time"], window["truth"], color="black", marker="x", ls="none", ms=7,
                label=msg("truth_window"))
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", lw=0.8, ls=":")
    localize_axis(ax, lang, "x", "int", 0)
    localize_axis(ax, lang, "y", "decimal", 3)
    ax.set_xlabel(msg(f"event_time_{freq}"))
    ax.set_ylabel(msg("effect"))
    ax.set_title(msg(f"event_title_{kind(simulated)}", outcome=msg(outcome)), fontsize=10, loc="left")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    add_caption(fig, msg(f"caption_{kind(simulated)}", level=LEVEL, **caption))
    return fig
