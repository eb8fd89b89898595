"""True effects of the simulated rollout, by unit × period, event time and overall.

How the truth is computed (:data:`TRUTH_METHOD`): analytically, dossier by dossier. Each
resolved dossier's probability of on-time resolution with the rollout (``1 - q1``) and
without it (``1 - q0``) is known from the model (:mod:`cchc_research.simulate.world`); its
true effect is ``q0 - q1`` (zero when it was received before its district's rollout). The
cell truth is the mean of these effects over the dossiers actually resolved in the cell
(harmonized unit × month of completion, the cell in which ``aggregate`` counts them): the
expected effect on the cell's ``on_time_rate`` *given the realized composition*. The same
holds for satisfaction (``s1 - s0`` averaged over the rated resolved dossiers). No
counterfactual draw is needed, so the truth has no simulation noise.

Units are those of the 2021 geography (22; Quận 2, Quận 9 and Thủ Đức summed into 769 for
every year), which gives a balanced panel; the three merged districts share one cohort.

Aggregates follow the Callaway–Sant'Anna weighting: every treated unit × period cell has
the same weight (cohorts weighted by their number of units), so ``overall_att`` is the
"simple" and ``truth_by_event_time`` the "dynamic" aggregation of the true ATT(g, t).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"unit": ["1", "1", "2", "2"], "cohort": ["2019-01"] * 2 + ["2019-02"] * 2,
...                   "period": ["2019-01", "2019-02"] * 2, "event_time": [0, 1, -1, 0],
...                   "treated": [True, True, False, True], "n_resolved": [10, 10, 10, 10],
...                   "n_rated": [5, 5, 5, 5], "true_effect_on_time_rate": [0.1, 0.2, 0.0, 0.3],
...                   "true_effect_satisfaction_rate": [0.0, 0.0, 0.0, 0.6]})
>>> overall_att(t)["on_time_rate"]
0.2
>>> truth_by_event_time(t)["true_effect_on_time_rate"].tolist()
[0.0, 0.2, 0.2]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cchc_research.periods import months_per_period, period_frame, period_of_month

if TYPE_CHECKING:  # pragma: no cover
    from cchc_research.simulate.generate import TruthAccumulator
    from cchc_research.simulate.structure import WorldStructure

__all__ = ["TRUTH_METHOD", "TRUTH_COLUMNS", "truth_from_sums", "truth_table",
           "truth_by_event_time", "overall_att", "month_idx_period", "cell_ratio", "reweight_cells",
           "att_summary"]

TRUTH_METHOD = (
    "analytic: per resolved dossier, effect on P(on time) = q0 - q1 and on P(satisfied) = "
    "s1 - s0 from the model's probabilities with and without the rollout; cell truth = mean "
    "over the dossiers resolved (rated) in the harmonized unit x month of completion, i.e. "
    "the expected effect on on_time_rate (satisfaction_rate) given the realized composition; "
    "aggregates weight every treated unit x period cell equally (Callaway-Sant'Anna simple / "
    "dynamic weights)."
)

#: Columns of the truth tables, in order.
TRUTH_COLUMNS = ("unit", "cohort", "period", "event_time", "treated", "n_resolved", "n_rated",
                 "true_effect_on_time_rate", "true_effect_satisfaction_rate",
                 "expected_on_time_rate", "expected_on_time_rate_untreated",
                 "expected_satisfaction_rate", "expected_satisfaction_rate_untreated",
                 "simulated")

_SUMS = {"true_effect_on_time_rate": "n_resolved", "expected_on_time_rate": "n_resolved",
         "true_effect_satisfaction_rate": "n_rated", "expected_satisfaction_rate": "n_rated"}


def month_idx_period(month_idx: np.ndarray, freq: str) -> np.ndarray:
    """Period number (:func:`cchc_research.periods.period_of_month`) of the world's month index.

    Parameters
    ----------
    month_idx : array-like of int
        Months since January 2000 (:func:`cchc_research.simulate.world.month_index`).
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    numpy.ndarray
        Period numbers (``12 * year + month - 1`` for months, ``4 * year + quarter - 1``, ...).
    """
    return period_of_month(np.asarray(month_idx) + 2000 * 12, freq)


def cell_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` element-wise, NaN where ``den`` is not positive (a cell with no dossier)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def reweight_cells(cells: pd.DataFrame, keys: list[str], weights: dict[str, str]) -> pd.DataFrame:
    """Dossier-weighted means of rate columns over the rows sharing ``keys`` (a coarser cell).

    Parameters
    ----------
    cells : DataFrame
        Finer cells with ``n_resolved``, ``n_rated`` and the rate columns (changed in place:
        the rates become sums).
    keys : list of str
        Columns of the coarser cell.
    weights : dict
        Rate column → its weight column (``n_resolved`` or ``n_rated``).

    Returns
    -------
    DataFrame
        ``keys``, ``n_resolved``, ``n_rated`` and each rate column (NaN where its weight sums to
        zero), one row per coarser cell, sorted by ``keys``.
    """
    for col, weight in weights.items():
        cells[col] = cells[col].fillna(0.0) * cells[weight]
    g = cells.groupby(keys, sort=True)[["n_resolved", "n_rated", *weights]].sum().reset_index()
    for col, weight in weights.items():
        g[col] = cell_ratio(g[col].to_numpy(), g[weight].to_numpy())
    return g


def att_summary(cells: pd.DataFrame) -> dict[str, float | int]:
    """Equal-weight mean of the true effects over ``cells`` (the treated cells of a truth table).

    Returns
    -------
    dict
        ``on_time_rate`` and ``satisfaction_rate`` (rounded to 12 decimals so that summation
        order does not show) and ``n_cells``.
    """
    return {"on_time_rate": round(float(cells["true_effect_on_time_rate"].mean()), 12),
            "satisfaction_rate": round(float(cells["true_effect_satisfaction_rate"].mean()), 12),
            "n_cells": int(len(cells))}


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame["expected_on_time_rate_untreated"] = (frame["expected_on_time_rate"]
                                                - frame["true_effect_on_time_rate"])
    frame["expected_satisfaction_rate_untreated"] = (frame["expected_satisfaction_rate"]
                                                     - frame["true_effect_satisfaction_rate"])
    frame["treated"] = frame["event_time"] >= 0
    frame["simulated"] = True
    out = frame[list(TRUTH_COLUMNS)].sort_values(["unit", "period"], ignore_index=True)
    return out.astype({"unit": "string", "cohort": "string", "period": "string",
                       "event_time": "int64", "n_resolved": "int64", "n_rated": "int64"})


def truth_from_sums(structure: "WorldStructure", acc: "TruthAccumulator") -> pd.DataFrame:
    """Monthly truth table from a :class:`~cchc_research.simulate.generate.TruthAccumulator`.

    Parameters
    ----------
    structure : WorldStructure
    acc : TruthAccumulator
        Filled by generating every month of ``structure``.

    Returns
    -------
    DataFrame
        Columns :data:`TRUTH_COLUMNS`, one row per harmonized unit × month.
    """
    from cchc_research.simulate.world import DISTRICTS, MERGED_INTO, month_index

    units = structure.unit22_codes
    cohort = {MERGED_INTO.get(d.code, d.code): d.rollout for d in DISTRICTS}
    months = structure.months
    n_u, n_m = len(units), len(months)
    s = acc.sums
    frame = pd.DataFrame({
        "unit": np.repeat(units, n_m),
        "cohort": np.repeat([cohort[u] for u in units], n_m),
        "month_idx": np.tile(months, n_u),
        "n_resolved": s["n_resolved"].ravel().round().astype("int64"),
        "n_rated": s["n_rated"].ravel().round().astype("int64"),
    })
    frame["true_effect_on_time_rate"] = cell_ratio(s["sum_effect_on_time"].ravel(),
                                               s["n_resolved"].ravel())
    frame["expected_on_time_rate"] = cell_ratio(s["sum_on_time_prob"].ravel(), s["n_resolved"].ravel())
    frame["true_effect_satisfaction_rate"] = cell_ratio(s["sum_effect_satisfaction"].ravel(),
                                                    s["n_rated"].ravel())
    frame["expected_satisfaction_rate"] = cell_ratio(s["sum_satisfaction_prob"].ravel(),
                                                 s["n_rated"].ravel())
    frame["period"] = period_frame(month_idx_period(frame["month_idx"].to_numpy(), "month"),
                                   "month")["period"].to_numpy()
    frame["event_time"] = frame["month_idx"] - frame["cohort"].map(month_index)
    return _finish(frame)


def truth_table(truth: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    """Re-aggregate the monthly truth to ``freq`` (dossier-weighted within each cell).

    Parameters
    ----------
    truth : DataFrame
        Monthly truth (:func:`truth_from_sums`).
    freq : {"month", "quarter", "half", "year"}
        Cohorts and event times are expressed in periods of ``freq``.

    Returns
    -------
    DataFrame
        Columns :data:`TRUTH_COLUMNS`.

    Raises
    ------
    AggregationError
        Unknown ``freq``.
    """
    from cchc_research.simulate.world import month_index

    months_per_period(freq)  # refuses an unknown freq
    if freq == "month":
        return truth.copy()
    t = truth.copy()
    month_idx = t["period"].map(month_index).to_numpy()
    t["pidx"] = month_idx_period(month_idx, freq)
    cohort_idx = month_idx_period(t["cohort"].map(month_index).to_numpy(), freq)
    t["cidx"] = cohort_idx
    g = reweight_cells(t, ["unit", "pidx", "cidx"], _SUMS)
    g["period"] = period_frame(g["pidx"], freq)["period"].to_numpy()
    g["cohort"] = period_frame(g["cidx"], freq)["period"].to_numpy()
    g["event_time"] = g["pidx"] - g["cidx"]
    return _finish(g)


def _window(truth: pd.DataFrame, through: str | None) -> pd.DataFrame:
    if through is None:
        return truth
    return truth[truth["period"].astype(str) <= str(through)]


def truth_by_event_time(truth: pd.DataFrame, through: str | None = None) -> pd.DataFrame:
    """True effects by event time: equal-weight mean over the units observed at each.

    Parameters
    ----------
    truth : DataFrame
        A truth table (:func:`truth_table`).
    through : str, optional
        Last period label to use (e.g. the period before the last cohort is treated, the
        window a not-yet-treated comparison identifies).

    Returns
    -------
    DataFrame
        ``event_time``, ``n_units``, ``n_cohorts``, ``true_effect_on_time_rate``,
        ``true_effect_satisfaction_rate``, ``simulated``.
    """
    t = _window(truth, through)
    g = t.groupby("event_time", sort=True).agg(
        n_units=("unit", "nunique"), n_cohorts=("cohort", "nunique"),
        true_effect_on_time_rate=("true_effect_on_time_rate", "mean"),
        true_effect_satisfaction_rate=("true_effect_satisfaction_rate", "mean"),
    ).reset_index()
    g["simulated"] = True
    return g


def overall_att(truth: pd.DataFrame, through: str | None = None) -> dict[str, float]:
    """Overall true ATT: equal-weight mean over treated unit × period cells.

    Parameters
    ----------
    truth : DataFrame
        A truth table (:func:`truth_table`).
    through : str, optional
        Last period label to include.

    Returns
    -------
    dict
        ``on_time_rate``, ``satisfaction_rate`` (true ATTs) and ``n_cells``.
    """
    t = _window(truth, through)
    return att_summary(t[t["treated"]])
