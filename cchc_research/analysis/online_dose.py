"""Online uptake as a dose: the share of dossiers filed online and the on-time rate.

Research question (issue 11, "online uptake as a dose"): the rollout design
(:mod:`cchc_research.analysis.rollout`) treats the online-service model as a switch (its start
date). Here the exposure is continuous: the share of a district's dossiers filed online
(``online_share``) and filed fully online, *toàn trình* (``online_full_share``), per period.

Estimators (all on the district × period panel, CR1 by district, ``ssc="stata"``,
:func:`cchc_research.models.twfe`)
-------------------------------------------------------------------------------------------
* **Dose–response slope**: ``outcome ~ share | district + period``; the slope is reported per
  10 percentage points of the share (coefficient × 0.1).
* **Exposure bins**: the same regression on dummies of the share's bins
  (:data:`BINS`: < 10 %, 10–20 %, 20–35 %, ≥ 35 %), the lowest bin as reference — a
  non-parametric check of the slope's linearity.

These are **associations**, not effects: the share is chosen by citizens and rises with the
rollout itself, COVID-19 and time; district and period fixed effects remove level differences
and common shocks, not district-specific changes that move uptake and on-time resolution
together (the rollout is one). In the *simulated* world the share has no effect of its own:
on-time resolution improves with the rollout's exposure time, not with the share. Regressing
the *true* rollout effect on the share with the same fixed effects
(:func:`truth_slope`) shows how much of the association the rollout explains.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> p = pd.DataFrame({"unit": np.repeat(list("abcdef"), 8), "period_number": np.tile(range(8), 6)})
>>> p["online_share"] = rng.uniform(0, 0.6, len(p))
>>> p["online_full_share"] = p["online_share"] / 2
>>> p["on_time_rate"] = 0.9 + 0.05 * p["online_share"] + rng.normal(0, 0.001, len(p))
>>> round(float(dose_response(p, "on_time_rate").loc[0, "estimate"]), 3)
0.005
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_research.periods import period_index
from cchc_research.errors import ModelError, SchemaError
from cchc_research.models import twfe, wild_bootstrap
from cchc_research.simulate import simulate_dossiers, simulate_panel

__all__ = ["EXPOSURES", "BINS", "exposure_bins", "dose_response", "dose_bins", "truth_slope",
           "dose_results"]

#: Continuous exposures studied (shares of dossiers received in the period).
EXPOSURES: tuple[str, ...] = ("online_share", "online_full_share")

#: Bin edges of the exposure (share of dossiers filed online), left-closed.
BINS: tuple[float, ...] = (0.0, 0.10, 0.20, 0.35, 1.0000001)

#: Per how much of the share a slope is reported (10 percentage points).
PER = 0.10


def _check(panel: pd.DataFrame, cols: list[str]) -> None:
    missing = [c for c in cols if c not in panel.columns]
    if missing:
        raise SchemaError(None, f"the panel lacks column(s) {missing}", column=missing[0])


def exposure_bins(share: pd.Series) -> pd.Series:
    """Bin labels of an exposure share (``"[0%, 10%)"`` …), ordered categorical.

    Parameters
    ----------
    share : Series of float in [0, 1]

    Returns
    -------
    Series (ordered categorical), NA where the share is missing.

    Raises
    ------
    ModelError
        A share outside [0, 1].

    Examples
    --------
    >>> exposure_bins(pd.Series([0.05, 0.2, 0.5])).astype(str).tolist()
    ['[0%, 10%)', '[20%, 35%)', '[35%, 100%]']
    """
    s = pd.to_numeric(share, errors="coerce")
    bad = s.notna() & ((s < 0) | (s > 1))
    if bad.any():
        raise ModelError(f"an exposure share must lie in [0, 1]; got {float(s[bad].iloc[0])!r}")
    labels = [f"[{round(lo * 100)}%, {round(hi * 100)}%)" for lo, hi in zip(BINS[:-2], BINS[1:-1])]
    labels.append(f"[{round(BINS[-2] * 100)}%, 100%]")
    return pd.cut(s, bins=list(BINS), labels=labels, right=False, ordered=True)


def dose_response(panel: pd.DataFrame, outcome: str, *, unit: str = "unit",
                  time: str = "period_number") -> pd.DataFrame:
    """Slope of ``outcome`` on each exposure, district and period fixed effects (associational).

    Parameters
    ----------
    panel : DataFrame
        District × period panel with ``unit``, ``time``, ``outcome`` and :data:`EXPOSURES`.
    outcome : str
        E.g. ``"on_time_rate"`` or ``"satisfaction_rate"`` (rate scale, 0–1).
    unit, time : str

    Returns
    -------
    DataFrame
        One row per exposure: ``exposure``, ``estimate`` (change in the outcome per 10
        percentage points of the share), ``std_error``, ``ci_low``, ``ci_high``, ``p_value``
        (CR1 by district, t(G-1)), ``nobs``, ``n_clusters``.

    Raises
    ------
    SchemaError
        Missing columns.
    """
    _check(panel, [unit, time, outcome, *EXPOSURES])
    rows = []
    for exp in EXPOSURES:
        d = panel[[unit, time, outcome, exp]].dropna()
        res = twfe(d, outcome, [exp], fe=[unit, time], cluster=unit, vcov="cluster", ssc="stata")
        r = res.tidy().set_index("term").loc[exp]
        rows.append({"exposure": exp, "estimate": float(r["estimate"]) * PER,
                     "std_error": float(r["std_error"]) * PER, "ci_low": float(r["ci_low"]) * PER,
                     "ci_high": float(r["ci_high"]) * PER, "p_value": float(r["p_value"]),
                     "nobs": int(res.nobs), "n_clusters": int(d[unit].nunique())})
    return pd.DataFrame(rows)


def dose_bins(panel: pd.DataFrame, outcome: str, exposure: str = "online_share", *,
              unit: str = "unit", time: str = "period_number") -> pd.DataFrame:
    """Outcome by exposure bin relative to the lowest bin (district and period FE).

    Parameters
    ----------
    panel : DataFrame
    outcome : str
    exposure : {"online_share", "online_full_share"}
    unit, time : str

    Returns
    -------
    DataFrame
        One row per bin: ``bin``, ``n`` (district-periods in the bin), ``estimate``
        (difference from the reference bin, rate scale), ``std_error``, ``ci_low``,
        ``ci_high``, ``p_value``; the reference bin has estimate 0 and no standard error.

    Raises
    ------
    SchemaError
        Missing columns.
    ModelError
        Fewer than two bins observed.
    """
    _check(panel, [unit, time, outcome, exposure])
    d = panel[[unit, time, outcome, exposure]].dropna().copy()
    d["bin"] = exposure_bins(d[exposure])
    present = [b for b in d["bin"].cat.categories if (d["bin"] == b).any()]
    if len(present) < 2:
        raise ModelError(f"{exposure} falls in fewer than two bins; no contrast to estimate")
    ref, others = present[0], present[1:]
    names = []
    for i, b in enumerate(others):
        name = f"bin_{i + 1}"
        d[name] = (d["bin"] == b).astype(float)
        names.append(name)
    res = twfe(d, outcome, names, fe=[unit, time], cluster=unit, vcov="cluster", ssc="stata")
    tidy = res.tidy().set_index("term")
    rows = [{"bin": str(ref), "n": int((d["bin"] == ref).sum()), "estimate": 0.0,
             "std_error": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}]
    for name, b in zip(names, others):
        r = tidy.loc[name]
        rows.append({"bin": str(b), "n": int((d["bin"] == b).sum()),
                     "estimate": float(r["estimate"]), "std_error": float(r["std_error"]),
                     "ci_low": float(r["ci_low"]), "ci_high": float(r["ci_high"]),
                     "p_value": float(r["p_value"])})
    return pd.DataFrame(rows)


def truth_slope(panel: pd.DataFrame, outcome: str, *, unit: str = "unit",
                time: str = "period_number") -> pd.DataFrame:
    """The dose slope of the *true rollout effect* (simulated data only).

    Regresses ``true_effect_<outcome>`` on each exposure with the same fixed effects as
    :func:`dose_response`: the part of the association that the rollout's true effect
    explains. Point estimates only (the truth has no sampling error).

    Parameters
    ----------
    panel : DataFrame
        Simulated panel with ``true_effect_<outcome>``.
    outcome : str

    Returns
    -------
    DataFrame
        ``exposure``, ``estimate`` (per 10 percentage points).

    Raises
    ------
    ModelError
        The panel has no truth column (real data).
    """
    col = f"true_effect_{outcome}"
    if col not in panel.columns:
        raise ModelError("the true effect is known only for simulated data")
    rows = []
    for exp in EXPOSURES:
        d = panel[[unit, time, col, exp]].dropna()
        res = twfe(d, col, [exp], fe=[unit, time], cluster=unit, vcov="cluster", ssc="stata")
        rows.append({"exposure": exp, "estimate": float(res.params[exp]) * PER})
    return pd.DataFrame(rows)


def dose_results(n_dossiers: int = 300_000, seed: int = 20240415, *, freq: str = "quarter",
                 bootstrap_reps: int = 9999) -> dict[str, pd.DataFrame]:
    """The dose analysis on the simulated rollout world (the world of notebook 06).

    Parameters
    ----------
    n_dossiers, seed : int
        Size and seed of the simulated world (:func:`cchc_research.simulate.simulate_panel`).
    freq : {"quarter", "month"}
    bootstrap_reps : int
        Wild cluster bootstrap draws (Webb weights, 22 districts) for the slopes' p-values
        and intervals.

    Returns
    -------
    dict
        ``panel`` (district × period, with ``period_number``), ``slopes`` (per exposure:
        ``estimate`` per 10 percentage points, wild bootstrap ``ci_low``, ``ci_high``,
        ``p_value``, ``truth`` — the slope of the true rollout effect — for ``on_time_rate``
        and ``satisfaction_rate``), ``bins`` (:func:`dose_bins` of the on-time rate on
        ``online_share``) and ``rollout`` (the true overall ATT of the rollout).
    """
    world = simulate_dossiers(int(n_dossiers), int(seed))
    panel = simulate_panel(world=world, freq=freq)
    panel["period_number"] = period_index(panel["period_start"], freq).astype("int64")
    rows = []
    for outcome in ("on_time_rate", "satisfaction_rate"):
        truth = truth_slope(panel, outcome).set_index("exposure")["estimate"]
        for exp in EXPOSURES:
            d = panel[["unit", "period_number", outcome, exp]].dropna()
            res = twfe(d, outcome, [exp], fe=["unit", "period_number"], cluster="unit",
                       vcov="cluster", ssc="stata")
            boot = wild_bootstrap(res, param=exp, B=int(bootstrap_reps), seed=int(seed))
            ci = boot.conf_int().loc[exp]
            rows.append({"outcome": outcome, "exposure": exp,
                         "estimate": float(res.params[exp]) * PER,
                         "ci_low": float(ci["lower"]) * PER, "ci_high": float(ci["upper"]) * PER,
                         "p_value": float(boot.pvalues[exp]), "truth": float(truth[exp])})
    return {"panel": panel, "slopes": pd.DataFrame(rows),
            "bins": dose_bins(panel, "on_time_rate"),
            "rollout": pd.DataFrame([world.overall_att(freq)])}
