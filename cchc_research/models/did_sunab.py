"""Regression-based event studies: Sun–Abraham (2021) and the naive TWFE event study.

* :func:`sun_abraham_cells` — the interaction-weighted estimator's first step: a saturated
  regression of the outcome on cohort × relative-period indicators (every treated cohort,
  every relative period but the reference ``−1 − anticipation``) with unit and time fixed
  effects, comparison units (never or last treated) having all indicators 0. Each
  coefficient is the cohort-specific effect CATT(g, e), free of the contamination that
  biases the naive specification; :func:`cchc_research.models.did.staggered_did` aggregates
  them with cohort-share weights.
* :func:`event_study_twfe` — the naive dynamic two-way fixed-effects specification with one
  indicator per relative period pooled across cohorts. Under heterogeneous effects its
  coefficients mix effects of other periods and cohorts (Sun & Abraham 2021, Prop. 3);
  it is provided to contrast with the robust estimators.

Both are fitted by :func:`cchc_research.models.twfe.twfe` (pyfixest underneath), with
cluster-robust standard errors by unit and the fixest/Stata CR1 small-sample correction.

Examples
--------
>>> from cchc_research.models._did_dgp import simulate_staggered_panel
>>> from cchc_research.models.did_sunab import event_study_twfe
>>> df = simulate_staggered_panel(n_units=200, seed=4)
>>> res = event_study_twfe(df, outcome="y", unit="unit", time="time", cohort="cohort",
...                        window=(-3, 3))
>>> res.params.index.tolist()
['e=-3', 'e=-2', 'e=0', 'e=1', 'e=2', 'e=3']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cchc_research.errors import FewClustersWarning, ModelError
from cchc_research.models.did_aggregate import format_period
from cchc_research.models.did_common import cells_frame, clean_se
from cchc_research.models.did_panel import PreparedPanel, prepare_staggered_panel
from cchc_research.models._validation import check_model_input
from cchc_research.models.results import EstimationResults
from cchc_research.models.twfe import twfe

__all__ = ["event_study_twfe", "sun_abraham_cells"]


def _fit(frame: pd.DataFrame, regressors: list[str], vcov: str):
    with warnings.catch_warnings():
        # a staggered panel has many units; the few-clusters advice is not about it
        warnings.simplefilter("ignore", FewClustersWarning)
        return twfe(
            frame,
            outcome="y",
            regressors=regressors,
            fe=["unit", "time"],
            cluster="unit" if vcov == "cluster" else None,
            vcov=vcov,
            ssc="stata",
        )


def sun_abraham_cells(
    panel: PreparedPanel, anticipation: float = 0
) -> tuple[pd.DataFrame, dict, np.ndarray]:
    """Cohort-specific effects CATT(g, e) from the saturated Sun–Abraham regression.

    Parameters
    ----------
    panel : PreparedPanel
        Balanced panel; units with cohort 0 are the comparison group.
    anticipation : float
        The reference period is ``−1 − anticipation``.

    Returns
    -------
    frame : pandas.DataFrame
        group, time (``= g + e``), att, std_error, ci_low, ci_high, n.
    inputs : dict
        Cell arrays for :func:`~cchc_research.models.did_aggregate.aggregate_cells`, and
        ``design``: the cohort × relative-period indicators (rows in
        :meth:`PreparedPanel.long` order), for
        :func:`~cchc_research.models.did_inference.sa_cell_weights`.
    cov : numpy.ndarray
        Cluster-robust covariance of the cells.

    Examples
    --------
    >>> from cchc_research.models._did_dgp import simulate_staggered_panel
    >>> from cchc_research.models.did_panel import prepare_staggered_panel
    >>> df = simulate_staggered_panel(n_units=200, sigma=0.0, seed=0)
    >>> frame, _, _ = sun_abraham_cells(prepare_staggered_panel(df, "y", "unit", "time", "cohort"))
    >>> round(float(frame.query("group == 6 and time == 8")["att"].iloc[0]), 10)
    3.0
    """
    long = panel.long()
    ref = -1 - anticipation
    cells: list[tuple[float, float]] = []
    columns: dict[str, np.ndarray] = {}
    rel = long["time"].to_numpy() - long["cohort"].to_numpy()
    cohort = long["cohort"].to_numpy()
    for g in np.unique(panel.G[panel.G > 0]):
        for e in np.unique(panel.times - g):
            if e == ref:
                continue
            name = f"sa{len(cells)}"
            columns[name] = ((cohort == g) & (rel == e)).astype(float)
            cells.append((g, g + e))
    design = pd.concat([long, pd.DataFrame(columns)], axis=1)
    fit = _fit(design, list(columns), "cluster")
    names = list(columns)
    att = fit.params.reindex(names).to_numpy()
    cov = fit.cov.reindex(index=names, columns=names).to_numpy()
    group = np.array([c[0] for c in cells], dtype=float)
    time = np.array([c[1] for c in cells], dtype=float)
    n_control = int(np.sum(panel.G == 0))
    n = np.array([int(np.sum(panel.G == g)) + n_control for g in group])
    frame = cells_frame(group, time, att, clean_se(np.sqrt(np.diag(cov))), n)
    design = np.column_stack([columns[name] for name in names])
    return frame, {"group": group, "time": time, "att": att, "design": design}, cov


def event_study_twfe(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    ref: int = -1,
    vcov: str = "cluster",
    window: tuple[int, int] | None = None,
) -> EstimationResults:
    """Naive two-way fixed-effects event study (for contrast with robust estimators).

    ``y_it = α_i + λ_t + Σ_{e ≠ ref} β_e·1{t − g_i = e} + ε_it``, never-treated units having
    all indicators 0. Under effects that differ across cohorts the ``β_e`` are *not* the
    average effects at event time ``e`` (Sun & Abraham 2021); use
    :func:`cchc_research.models.did.staggered_did` for those.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    outcome, unit, time, cohort : str
        Column names; ``cohort`` is the first treated period (missing or 0: never).
    ref : int, default -1
        Omitted (reference) relative period.
    vcov : {"cluster", "hetero", "iid"}
        Covariance: cluster-robust by unit (default), heteroskedasticity-robust or iid,
        all with the fixest/Stata small-sample convention.
    window : (int, int), optional
        Bin the endpoints: relative periods below ``window[0]`` are pooled into
        ``window[0]``, above ``window[1]`` into ``window[1]``. Default: no binning.

    Returns
    -------
    EstimationResults
        Terms ``e=…``, with the reference period omitted.

    Raises
    ------
    NoNeverTreatedError
        No never-treated unit and no ``window`` (the fully dynamic specification is then
        not identified).
    CollinearityError, MissingValuesError, ModelError
        As :func:`cchc_research.models.twfe.twfe`; ``ref`` outside the window or absent.

    Examples
    --------
    >>> from cchc_research.models._did_dgp import simulate_staggered_panel
    >>> df = simulate_staggered_panel(n_units=200, seed=5)
    >>> res = event_study_twfe(df, outcome="y", unit="unit", time="time", cohort="cohort")
    >>> res.params.index[:2].tolist()
    ['e=-5', 'e=-4']
    """
    check_model_input(data, "event_study_twfe", numeric=[outcome], time=time, numeric_time=True, key=(unit, time), unit=unit, cohort=cohort)
    if vcov not in ("cluster", "hetero", "iid"):
        raise ModelError(f"vcov must be 'cluster', 'hetero' or 'iid', got {vcov!r}")
    if window is not None and not (window[0] <= ref <= window[1]):
        raise ModelError(f"reference period {ref} lies outside window {tuple(window)}")
    panel = prepare_staggered_panel(
        data, outcome, unit, time, cohort, control="never_treated" if window is None else "any"
    )
    long = panel.long()
    treated = long["cohort"].to_numpy() > 0
    rel = np.where(treated, long["time"].to_numpy() - long["cohort"].to_numpy(), np.nan)
    if window is not None:
        rel = np.where(treated, np.clip(rel, window[0], window[1]), np.nan)
    levels = np.unique(rel[treated])
    if ref not in levels:
        raise ModelError(f"reference period {ref} does not occur in the data")
    columns: dict[str, np.ndarray] = {}
    labels: dict[str, str] = {}
    for e in levels:
        if e == ref:
            continue
        name = f"ev{len(columns)}"
        columns[name] = (rel == e).astype(float)
        labels[name] = f"e={format_period(e)}"
    design = pd.concat([long, pd.DataFrame(columns)], axis=1)
    fit = _fit(design, list(columns), vcov)
    params = fit.params.reindex(list(columns)).rename(labels)
    se = fit.std_errors.reindex(list(columns)).rename(labels)
    cov = None
    if fit.cov is not None:
        cov = fit.cov.reindex(index=list(columns), columns=list(columns)).rename(index=labels, columns=labels)
    binned = "" if window is None else f"; endpoints binned at {window[0]} and {window[1]}"
    return EstimationResults(
        params=params,
        std_errors=se,
        nobs=fit.nobs,
        cov_type=fit.cov_type,
        cov_description=fit.cov_description,
        df_resid=fit.df_resid,
        cov=cov,
        model_name=f"Naive TWFE event study (unit and time fixed effects; reference e={ref}{binned})",
        outcome=outcome,
        extra={"Units": int(panel.Y.shape[0]), "Periods": len(panel.times),
               "Note": "biased under heterogeneous effects; see staggered_did"},
        rsquared=fit.rsquared,
        rsquared_within=fit.rsquared_within,
        n_clusters=fit.n_clusters,
        prediction_note="its event-time indicators are built internally from the cohort column; fit "
        "twfe on your own design to predict",
    )
