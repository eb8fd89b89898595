"""True effects of delegation (phân cấp, ủy quyền) in the simulated world.

The world (:mod:`cchc_research.simulate.world`) delegates a fixed share of the procedures of
every field from the field's ``delegation_start`` month. With ``delegation_late_reduction``
(``eta``) and ``delegation_sat_gain`` (``gamma``) set, a delegated dossier's late risk is
``q2 = q1 * (1 - eta)`` and its probability of a satisfied rating ``s2 = s1 + (1 - s1) *
gamma``. The true effect of delegation on a resolved dossier is therefore ``q1 - q2`` on the
probability of on-time resolution and ``s2 - s1`` on the probability of a satisfied rating;
it is zero for dossiers of procedures never delegated and for dossiers received before the
delegation date.

The cell truth (:data:`TRUTH_METHOD`) is the mean of these per-dossier effects over the
dossiers resolved (rated) in the cell — harmonized unit × field × procedure group × month of
completion — i.e. the expected effect on the cell's ``on_time_rate`` (``satisfaction_rate``)
given its realized composition, computed analytically while generating (no counterfactual
draw, no simulation noise).

Procedure groups: ``"delegated"`` (the procedures of a field that are delegated, before and
after their date) and ``"not_delegated"`` (never delegated; the comparison group).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"unit": ["1"] * 4, "field": ["a"] * 4,
...     "group": ["delegated", "delegated", "not_delegated", "not_delegated"],
...     "cohort": ["2018-01", "2018-01", pd.NA, pd.NA],
...     "period": ["2017-12", "2018-01"] * 2, "treated": [False, True, False, False],
...     "n_resolved": [10] * 4, "n_rated": [5] * 4,
...     "true_effect_on_time_rate": [0.0, 0.02, 0.0, 0.0],
...     "true_effect_satisfaction_rate": [0.0, 0.1, 0.0, 0.0]})
>>> delegation_att(t)
{'on_time_rate': 0.02, 'satisfaction_rate': 0.1, 'n_cells': 1}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_research.periods import months_per_period, period_frame
from cchc_research.simulate.generate import TruthAccumulator
from cchc_research.simulate.structure import WorldStructure
from cchc_research.simulate.truth import att_summary, cell_ratio, month_idx_period, reweight_cells
from cchc_research.simulate.world import FIELDS, delegation_months, month_label

__all__ = ["TRUTH_METHOD", "GROUPS", "delegation_truth_from_sums", "delegation_truth_table",
           "delegation_att", "delegation_truth_by_event_time"]

TRUTH_METHOD = (
    "analytic: per resolved dossier, effect of delegation on P(on time) = q1 - q2 and on "
    "P(satisfied) = s2 - s1 (q2 = q1 (1 - eta), s2 = s1 + (1 - s1) gamma for delegated "
    "dossiers, zero otherwise); cell truth = mean over the dossiers resolved (rated) in the "
    "harmonized unit x field x procedure group x month of completion; aggregates weight every "
    "treated cell equally (Callaway-Sant'Anna simple / dynamic weights)."
)

#: Procedure groups, in the order of the accumulator's third axis.
GROUPS = ("not_delegated", "delegated")

_SUMS = {"true_effect_on_time_rate": ("sum_effect_on_time", "n_resolved"),
         "expected_on_time_rate": ("sum_on_time_prob", "n_resolved"),
         "true_effect_satisfaction_rate": ("sum_effect_satisfaction", "n_rated"),
         "expected_satisfaction_rate": ("sum_satisfaction_prob", "n_rated")}


def delegation_truth_from_sums(structure: WorldStructure, acc: TruthAccumulator) -> pd.DataFrame:
    """Monthly delegation truth from a filled :class:`TruthAccumulator`.

    Parameters
    ----------
    structure, acc
        As in :func:`~cchc_research.simulate.truth.truth_from_sums`.

    Returns
    -------
    DataFrame
        One row per harmonized unit × field × group × month of completion (months with no
        resolved dossier included, with NaN effects): ``unit``, ``field``, ``group``,
        ``cohort`` (delegation month ``YYYY-MM`` of the field for the delegated group, NA for
        ``not_delegated``), ``period`` (``YYYY-MM``), ``month_idx``, ``treated``,
        ``n_resolved``, ``n_rated``, ``true_effect_on_time_rate``,
        ``true_effect_satisfaction_rate``, ``expected_on_time_rate``,
        ``expected_satisfaction_rate`` and ``simulated``.
    """
    units = list(structure.unit22_codes)
    fields = [f.code for f in FIELDS]
    months = np.asarray(structure.months, dtype=np.int64)
    start = delegation_months(structure.params)
    sums = acc.delegation
    shape = sums["n_resolved"].shape
    iu, jf, kg, tm = (a.ravel() for a in np.meshgrid(*(np.arange(n) for n in shape),
                                                     indexing="ij"))
    frame = pd.DataFrame({
        "unit": np.asarray(units, dtype=object)[iu],
        "field": np.asarray(fields, dtype=object)[jf],
        "group": np.asarray(GROUPS, dtype=object)[kg],
        "month_idx": months[tm],
        "n_resolved": sums["n_resolved"].ravel().round().astype("int64"),
        "n_rated": sums["n_rated"].ravel().round().astype("int64"),
    })
    for col, (num, den) in _SUMS.items():
        frame[col] = cell_ratio(sums[num].ravel(), sums[den].ravel())
    delegated = kg == 1
    cohort_idx = np.where(delegated, start[jf], -1)
    frame["cohort"] = pd.array(np.where(delegated, month_label(np.maximum(cohort_idx, 0)),
                                        None), dtype="string")
    frame["period"] = pd.array(month_label(months[tm]), dtype="string")
    frame["treated"] = delegated & (months[tm] >= cohort_idx)
    frame["simulated"] = True
    cols = ["unit", "field", "group", "cohort", "period", "month_idx", "treated", "n_resolved",
            "n_rated", *_SUMS, "simulated"]
    return frame[cols].astype({"unit": "string", "field": "string", "group": "string"})


def delegation_truth_table(truth: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    """Re-aggregate the monthly delegation truth to ``freq`` (dossier-weighted per cell).

    Parameters
    ----------
    truth, freq
        As in :func:`~cchc_research.simulate.truth.truth_table`, with the monthly truth of
        :func:`delegation_truth_from_sums`.

    Returns
    -------
    DataFrame
        The columns of :func:`delegation_truth_from_sums` with ``period`` and ``cohort`` as
        period labels of ``freq`` (see :func:`cchc_research.dossiers.periods.period_frame`)
        and ``event_time`` (periods since the delegation period; NA for ``not_delegated``).

    Raises
    ------
    AggregationError
        Unknown ``freq``.
    """
    months_per_period(freq)  # refuses an unknown freq
    t = truth.copy()
    t["pidx"] = month_idx_period(t["month_idx"].to_numpy(dtype=np.int64), freq)
    cohort_month = t["cohort"].map(lambda c: (int(c[:4]) - 2000) * 12 + int(c[5:7]) - 1,
                                   na_action="ignore")
    t["cidx"] = np.where(cohort_month.notna(),
                         month_idx_period(cohort_month.fillna(0).to_numpy(dtype=np.int64), freq), -1)
    g = reweight_cells(t, ["unit", "field", "group", "cidx", "pidx"],
                       {col: den for col, (_, den) in _SUMS.items()})
    g["period"] = pd.array(period_frame(g["pidx"], freq)["period"].to_numpy(), dtype="string")
    has_cohort = g["cidx"].to_numpy() >= 0
    labels = period_frame(np.where(has_cohort, g["cidx"], g["pidx"]), freq)["period"].to_numpy()
    g["cohort"] = pd.array(np.where(has_cohort, labels, None), dtype="string")
    g["event_time"] = pd.Series(g["pidx"] - g["cidx"], dtype="Int64").where(has_cohort)
    # a period is treated when delegation was in force at its start (the delegation period
    # itself mixes dossiers before and after the date and counts as treated, as in R `did`)
    g["treated"] = has_cohort & (g["pidx"].to_numpy() >= g["cidx"].to_numpy())
    g["simulated"] = True
    cols = ["unit", "field", "group", "cohort", "period", "event_time", "treated",
            "n_resolved", "n_rated", *_SUMS, "simulated"]
    return g[cols]


def delegation_att(truth: pd.DataFrame, through: str | None = None) -> dict[str, float | int]:
    """Overall true ATT of delegation: equal-weight mean over treated cells with resolutions.

    Parameters
    ----------
    truth : DataFrame
        A delegation truth table (:func:`delegation_truth_table` or the monthly one).
    through : str, optional
        Last period label to include.

    Returns
    -------
    dict
        ``on_time_rate`` and ``satisfaction_rate`` (true ATTs, probability scale) and
        ``n_cells`` (treated cells averaged).
    """
    t = truth if through is None else truth[truth["period"].astype(str) <= str(through)]
    return att_summary(t[t["treated"].astype(bool) & (t["n_resolved"] > 0)])


def delegation_truth_by_event_time(truth: pd.DataFrame) -> pd.DataFrame:
    """True delegation effects by event time (equal-weight mean over delegated cells).

    Parameters
    ----------
    truth : DataFrame
        :func:`delegation_truth_table` output.

    Returns
    -------
    DataFrame
        ``event_time``, ``n_cells``, ``true_effect_on_time_rate``,
        ``true_effect_satisfaction_rate``, ``simulated``.
    """
    t = truth[(truth["group"] == "delegated") & (truth["n_resolved"] > 0)]
    g = t.groupby("event_time", sort=True).agg(
        n_cells=("unit", "size"),
        true_effect_on_time_rate=("true_effect_on_time_rate", "mean"),
        true_effect_satisfaction_rate=("true_effect_satisfaction_rate", "mean"),
    ).reset_index()
    g["event_time"] = g["event_time"].astype("int64")
    g["simulated"] = True
    return g
