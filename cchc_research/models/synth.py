"""Synthetic control for single-unit reforms, with placebo-in-space inference.

:func:`synthetic_control` builds the convex combination of donor units that best
reproduces the treated unit before the reform (Abadie & Gardeazabal 2003; Abadie, Diamond
& Hainmueller 2010, "ADH"), reports the gap (treated − synthetic) after it, and assesses it
by refitting with every donor in turn as the "treated" unit (placebos in space): the
permutation p-value is the share of all units whose post/pre RMSPE ratio is at least the
treated unit's (ADH 2010, sec. 4.3). With ``J`` donors the smallest attainable p-value is
``1/(J + 1)`` — with the 62 provinces of Vietnam about 0.016, with 10 donors 0.09.

Weights: without ``predictors``, donor weights minimise the pre-treatment outcome MSPE
(every pre-period outcome is a predictor with equal importance). With ``predictors``
(column means over the pre-period, standardised), the nested ADH optimisation chooses the
predictor weights ``V`` that minimise that MSPE (R ``Synth``). Both are deterministic
(fixed optimiser starts).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from cchc_research.models.synth import synthetic_control
>>> rng = np.random.default_rng(0)
>>> T, J = 12, 6
>>> Y0 = np.cumsum(rng.normal(size=(T, J)), axis=0) + np.arange(J)
>>> y1 = Y0[:, :2] @ np.array([0.3, 0.7]) + np.where(np.arange(T) >= 8, 2.0, 0.0)
>>> wide = pd.DataFrame(np.column_stack([y1, Y0]), columns=["HCM"] + [f"d{j}" for j in range(J)])
>>> df = wide.rename_axis("year").reset_index().melt("year", var_name="unit", value_name="y")
>>> res = synthetic_control(df, outcome="y", unit="unit", time="year",
...                         treated_unit="HCM", treatment_time=8)
>>> res.weights.round(6).to_dict()["d1"]
0.7
>>> round(float(res.params["mean post-period gap"]), 6)
2.0
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc_research.errors import (
    MissingValuesError,
    MissingValuesWarning,
    ModelError,
    TreatedUnitNotFoundError,
)
from cchc_research.models._validation import check_model_input, check_numeric
from cchc_research.models.results import EstimationResults
from cchc_research.models.synth_solver import V_METHODS, check_outer_methods, nested_weights, simplex_least_squares

__all__ = ["SyntheticControlResults", "synthetic_control"]


@dataclass(repr=False, eq=False)
class SyntheticControlResults(EstimationResults):
    """Synthetic control estimates and placebo-in-space inference.

    Attributes
    ----------
    weights : pandas.Series
        Donor weights (non-negative, sum 1).
    predictor_weights : pandas.Series or None
        Predictor importance ``V`` (with ``predictors`` only).
    series : pandas.DataFrame
        Indexed by period: ``treated``, ``synthetic``, ``gap``.
    pre_rmspe, post_rmspe, rmspe_ratio : float
        Fit before the reform, divergence after it, and their ratio.
    fit_mspe : float
        Mean squared prediction error over the periods the weights were fitted on
        (``optimize_periods``; R ``Synth``'s ``loss.v``).
    p_value : float
        Permutation p-value of the RMSPE ratio (share of units with ratio ≥ treated's).
    placebo_gaps : pandas.DataFrame
        Gap series of every unit (columns; the treated unit first) for plotting.
    placebo_stats : pandas.DataFrame
        Per unit: pre_rmspe, post_rmspe, ratio, rank (1 = largest ratio), treated flag.
    """

    weights: pd.Series = field(default_factory=pd.Series)
    predictor_weights: pd.Series | None = None
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    pre_rmspe: float = np.nan
    post_rmspe: float = np.nan
    rmspe_ratio: float = np.nan
    p_value: float = np.nan
    placebo_gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    placebo_stats: pd.DataFrame = field(default_factory=pd.DataFrame)
    treatment_time: float = np.nan
    fit_mspe: float = np.nan

    @property
    def n_placebos(self) -> int:
        """Number of placebo (donor) units refitted."""
        return int((~self.placebo_stats["treated"]).sum()) if len(self.placebo_stats) else 0

    def _summary_parts(self) -> tuple[list[tuple[str, str]], list[tuple[str, pd.DataFrame]], list[str]]:
        """Summary with donor weights, fit and the power caveat (see :attr:`summary`)."""
        info, blocks, notes = super()._summary_parts()
        info += [
            ("Pre-treatment RMSPE", f"{self.pre_rmspe:.6g}"),
            ("Post/pre RMSPE ratio", f"{self.rmspe_ratio:.6g}"),
        ]
        nz = self.weights[self.weights > 5e-7].sort_values(ascending=False)
        blocks.append(("Donor weights (non-zero)", nz.round(4).to_frame("weight")))
        J = self.n_placebos
        if J:
            notes.append(
                f"Placebo-in-space inference: {J} placebo units; permutation p-value "
                f"{self.p_value:.4g}. With J = {J} donors the smallest possible p-value is "
                f"1/(J+1) = {1 / (J + 1):.4g}, so the test cannot be more decisive than that."
            )
        else:
            notes.append("No placebo inference (placebos=False).")
        return info, blocks, notes


def _wide(data: pd.DataFrame, outcome: str, unit: str, time: str) -> pd.DataFrame:
    missing = [c for c in (outcome, unit, time) if c not in data.columns]
    if missing:
        raise ModelError(f"column(s) not in the data: {', '.join(map(repr, missing))}")
    if data.duplicated([unit, time]).any():
        raise ModelError(f"duplicate rows for the same {unit!r} and {time!r}")
    try:
        values = pd.to_numeric(data[outcome]).astype(float)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"outcome {outcome!r} must be numeric") from exc
    frame = pd.DataFrame({"unit": data[unit].to_numpy(), "time": data[time].to_numpy(), "y": values.to_numpy()})
    return frame.pivot(index="time", columns="unit", values="y").sort_index()


def _fit_one(
    Y: pd.DataFrame, treated, donors: list, pre: np.ndarray, X: pd.DataFrame | None, v=None,
    methods: Sequence[str] = V_METHODS,
) -> tuple[np.ndarray, np.ndarray | None]:
    Z1 = Y.loc[pre, treated].to_numpy()
    Z0 = Y.loc[pre, donors].to_numpy()
    if X is None:
        return simplex_least_squares(Z0, Z1), None
    w, vv, _ = nested_weights(X[treated].to_numpy(), X[donors].to_numpy(), Z1, Z0, v=v, methods=methods)
    return w, vv


def _predictor_matrix(data: pd.DataFrame, unit: str, time: str, spec: dict, pre) -> pd.DataFrame:
    """Predictors (rows) by unit (columns): each column's mean over its periods."""
    rows = {}
    for col, periods in spec.items():
        window = list(pre) if periods is None else list(periods)
        unknown = [p for p in window if p not in set(pre)]
        if unknown:
            raise ModelError(
                f"periods {unknown[:5]} of predictor {col!r} are not pre-treatment periods of {time!r}",
            )
        check_numeric(data, [col])
        sub = data.loc[data[time].isin(window), col].astype(float)
        rows[col] = sub.groupby(data.loc[sub.index, unit], sort=True).agg(lambda s: s.mean(skipna=False))
    return pd.DataFrame(rows).T


def _rmspe(gap: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gap**2)))


def synthetic_control(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated_unit,
    treatment_time,
    donors: Sequence | None = None,
    predictors: Sequence[str] | Mapping[str, Sequence | None] | None = None,
    *,
    predictor_weights: Sequence[float] | None = None,
    optimize_periods: Sequence | None = None,
    v_methods: Sequence[str] = V_METHODS,
    placebos: bool = True,
    placebo_rmspe_cutoff: float | None = None,
) -> SyntheticControlResults:
    """Synthetic control estimate of a single-unit reform with placebo-in-space inference.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per unit and period.
    outcome, unit, time : str
        Column names; ``time`` sortable (e.g. year).
    treated_unit : object
        Value of ``unit`` identifying the reformed unit (e.g. ``"Hồ Chí Minh"``).
    treatment_time : object
        First period under the reform; earlier periods form the pre-period.
    donors : sequence, optional
        Donor pool; default every other unit.
    predictors : sequence of str or mapping of str to periods, optional
        Columns whose pre-period means are matched (nested ADH optimisation of ``V``).
        A mapping gives each column its own averaging periods (R ``Synth``'s
        ``special.predictors``), e.g. ``{"gdpcap": range(1960, 1970), "popdens": [1969]}``;
        ``None`` as periods means the whole pre-period. Missing values inside a window make
        the unit's predictor missing (donor dropped, treated unit refused).
    predictor_weights : sequence of float, optional
        Fix ``V`` instead of optimising it (same order as ``predictors``).
    optimize_periods : sequence, optional
        Pre-treatment periods whose outcome MSPE the weights minimise (R ``Synth``'s
        ``time.optimize.ssr``); default every pre-treatment period.
    v_methods : sequence of str, default ("Nelder-Mead", "BFGS")
        Outer search methods for ``V`` (see :func:`~cchc_research.models.synth_solver.nested_weights`).
    placebos : bool, default True
        Refit with every donor as the treated unit for the permutation p-value.
    placebo_rmspe_cutoff : float, optional
        Exclude placebos whose pre-RMSPE exceeds this multiple of the treated unit's
        (ADH 2010 use 20, 5 and 2); the p-value is then over the remaining units.

    Returns
    -------
    SyntheticControlResults
        ``params``: ``mean post-period gap`` with the permutation p-value; standard errors
        are undefined (NaN) — inference is by permutation only.

    Raises
    ------
    TreatedUnitNotFoundError
        ``treated_unit`` not in the data.
    MissingValuesError
        The treated unit has missing outcomes (or missing predictor values).
    ModelError
        Treatment time outside the observed periods, fewer than 2 pre-periods, fewer
        than 2 usable donors, unknown donors or ``donors`` given as one string, duplicate
        rows; ``predictor_weights`` negative, non-finite or summing to 0; unknown
        ``v_methods``; ``placebo_rmspe_cutoff`` not a positive number; ``placebos`` not a
        boolean; ``optimize_periods`` or a predictor's periods given as one string or empty.
    TreatedUnitNotFoundError
        ``treated_unit`` absent from the data, or not a single (hashable) label.

    Warns
    -----
    MissingValuesWarning
        Donors with a missing outcome or predictor value are dropped from the pool.
    """
    check_model_input(data, "synthetic_control", numeric=[outcome], other=[unit], time=time,
                      key=(unit, time))
    v_methods = check_outer_methods(v_methods)
    if donors is not None and (isinstance(donors, (str, bytes)) or not isinstance(donors, Iterable)):
        raise ModelError(f"donors must be a list of unit labels, got {donors!r}")
    if placebo_rmspe_cutoff is not None and not (
        isinstance(placebo_rmspe_cutoff, (int, float, np.integer, np.floating))
        and not isinstance(placebo_rmspe_cutoff, bool)
        and np.isfinite(placebo_rmspe_cutoff) and placebo_rmspe_cutoff > 0
    ):
        raise ModelError(
            f"placebo_rmspe_cutoff must be a positive number (a multiple of the treated unit's "
            f"pre-RMSPE, e.g. 5), got {placebo_rmspe_cutoff!r}"
        )
    if not isinstance(placebos, (bool, np.bool_)):
        raise ModelError(f"placebos must be True or False, got {placebos!r}")
    for arg, val in (("optimize_periods", optimize_periods),):
        if isinstance(val, (str, bytes)):
            raise ModelError(f"{arg} must be a list of periods, got the string {val!r}")
    Y = _wide(data, outcome, unit, time)
    try:
        hash(treated_unit)
    except TypeError:
        raise TreatedUnitNotFoundError(
            f"treated_unit must be one unit label of {unit!r} (synthetic control has one treated "
            f"unit), got {treated_unit!r}"
        ) from None
    if treated_unit not in Y.columns:
        raise TreatedUnitNotFoundError(f"treated unit {treated_unit!r} is not in column {unit!r}")
    times = Y.index.to_numpy()
    try:
        pre_mask = times < treatment_time
    except TypeError as exc:
        raise ModelError(f"treatment_time {treatment_time!r} is not comparable with {time!r}") from exc
    if not (times.min() < treatment_time <= times.max()):
        raise ModelError(
            f"treatment_time {treatment_time!r} is outside the observed periods "
            f"({times.min()!r} to {times.max()!r}); pre- and post-periods are both needed"
        )
    if pre_mask.sum() < 2:
        raise ModelError(f"only {int(pre_mask.sum())} pre-treatment period(s); at least 2 are needed")
    pre, post = times[pre_mask], times[~pre_mask]

    if donors is None:
        pool = [u for u in Y.columns if u != treated_unit]
    else:
        pool = list(dict.fromkeys(donors))
        unknown = [u for u in pool if u not in Y.columns]
        if unknown:
            raise ModelError(f"donor(s) not in the data: {', '.join(map(repr, unknown))}")
        pool = [u for u in pool if u != treated_unit]

    fit_mask = pre_mask
    if optimize_periods is not None:
        fit_periods = list(optimize_periods)
        outside = [p for p in fit_periods if p not in set(pre)]
        if outside or len(fit_periods) < 2:
            raise ModelError(
                f"optimize_periods must be at least 2 pre-treatment periods of {time!r}; "
                f"not pre-treatment: {outside[:5]}"
            )
        fit_mask = np.isin(times, fit_periods)
    fit = times[fit_mask]

    X = None
    if predictors:
        if isinstance(predictors, str):
            predictors = [predictors]
        spec = dict(predictors) if isinstance(predictors, Mapping) else dict.fromkeys(predictors)
        for col, window in spec.items():
            if window is not None and (isinstance(window, (str, bytes)) or not isinstance(window, Iterable)
                                       or len(list(window)) == 0):
                raise ModelError(
                    f"the periods of predictor {col!r} must be a non-empty list of pre-treatment "
                    f"periods (or None for all of them), got {window!r}"
                )
        absent = [c for c in spec if c not in data.columns]
        if absent:
            raise ModelError(f"predictor column(s) not in the data: {', '.join(map(repr, absent))}")
        X = _predictor_matrix(data, unit, time, spec, pre)
    if Y[treated_unit].isna().any() or (X is not None and X[treated_unit].isna().any()):
        raise MissingValuesError(f"the treated unit {treated_unit!r} has missing outcome or predictor values")
    bad = [u for u in pool if Y[u].isna().any() or (X is not None and (u not in X or X[u].isna().any()))]
    if bad:
        warnings.warn(
            f"dropped {len(bad)} donor(s) with missing values: {', '.join(map(str, bad))}",
            MissingValuesWarning,
            stacklevel=2,
        )
        pool = [u for u in pool if u not in bad]
    if len(pool) < 2:
        raise ModelError(f"{len(pool)} usable donor(s); at least 2 are needed")

    try:
        v_fixed = None if predictor_weights is None else np.asarray(predictor_weights, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ModelError(f"predictor_weights must be numbers, got {predictor_weights!r}") from exc
    if v_fixed is not None and (X is None or len(v_fixed) != X.shape[0]):
        raise ModelError("predictor_weights needs predictors, one weight per predictor")
    if v_fixed is not None and (not np.all(np.isfinite(v_fixed)) or (v_fixed < 0).any() or v_fixed.sum() <= 0):
        raise ModelError(
            f"predictor_weights must be finite and non-negative with a positive sum (they weight "
            f"the squared predictor gaps), got {list(map(float, v_fixed))}"
        )

    w, v = _fit_one(Y, treated_unit, pool, fit, X, v=v_fixed, methods=v_methods)
    synthetic = Y[pool].to_numpy() @ w
    treated_y = Y[treated_unit].to_numpy()
    gap = treated_y - synthetic
    pre_r, post_r = _rmspe(gap[pre_mask]), _rmspe(gap[~pre_mask])
    gaps = {treated_unit: gap}
    stats_rows = [(treated_unit, pre_r, post_r, True)]
    if placebos:
        for j in pool:
            others = [u for u in pool if u != j]
            wj, _ = _fit_one(Y, j, others, fit, X, v=v_fixed, methods=v_methods)
            gj = Y[j].to_numpy() - Y[others].to_numpy() @ wj
            gaps[j] = gj
            stats_rows.append((j, _rmspe(gj[pre_mask]), _rmspe(gj[~pre_mask]), False))
    stats_df = pd.DataFrame(stats_rows, columns=["unit", "pre_rmspe", "post_rmspe", "treated"])
    stats_df["ratio"] = stats_df["post_rmspe"] / stats_df["pre_rmspe"].where(stats_df["pre_rmspe"] > 0)
    stats_df["included"] = True
    if placebo_rmspe_cutoff is not None:
        stats_df["included"] = stats_df["treated"] | (stats_df["pre_rmspe"] <= placebo_rmspe_cutoff * pre_r)
    inc = stats_df[stats_df["included"]]
    ratio = float(stats_df.loc[0, "ratio"]) if pre_r > 0 else np.inf
    ratios = inc["ratio"].fillna(np.inf).to_numpy()
    # ties in exact arithmetic count (relative tolerance); an exact pre-period fit (pre-RMSPE
    # 0, ratio +inf on one CPU, ~1e15 on another) ranks first either way
    tol = 0.0 if np.isinf(ratio) else 1e-12 * abs(ratio)
    p_value = float(np.mean(ratios >= ratio - tol)) if placebos else np.nan
    stats_df["rank"] = stats_df["ratio"].fillna(np.inf).rank(ascending=False, method="min").astype(int)
    stats_df = stats_df[["unit", "pre_rmspe", "post_rmspe", "ratio", "rank", "treated", "included"]]

    mean_gap = float(np.mean(gap[~pre_mask]))
    term = "mean post-period gap"
    weights = pd.Series(w, index=pd.Index(pool, name="donor"), name="weight")
    n_inc = int((~inc["treated"]).sum())
    inference = (
        f"no standard error; permutation (placebo-in-space) p-value of the post/pre RMSPE ratio "
        f"over {n_inc} placebo units + the treated unit (ADH 2010)"
        if placebos else "no standard error and no placebo inference"
    )
    return SyntheticControlResults(
        params=pd.Series({term: mean_gap}),
        std_errors=pd.Series({term: np.nan}),
        nobs=int(Y.shape[0] * (len(pool) + 1)),
        cov_type="permutation",
        cov_description=inference,
        df_resid=None,
        pvalues_override=pd.Series({term: p_value}),
        model_name=f"Synthetic control — treated unit {treated_unit}, from {treatment_time}",
        outcome=outcome,
        extra={
            "Donors": len(pool),
            "Pre-treatment periods": len(pre),
            "Post-treatment periods": len(post),
            "Weights": "outcome path (pre-period MSPE)" if X is None else "nested V over predictors (ADH)",
        },
        weights=weights,
        predictor_weights=None if v is None else pd.Series(v, index=X.index, name="V"),
        series=pd.DataFrame({"treated": treated_y, "synthetic": synthetic, "gap": gap},
                            index=pd.Index(times, name=time)),
        pre_rmspe=pre_r,
        post_rmspe=post_r,
        rmspe_ratio=ratio,
        p_value=p_value,
        placebo_gaps=pd.DataFrame(gaps, index=pd.Index(times, name=time)),
        placebo_stats=stats_df,
        treatment_time=treatment_time,
        fit_mspe=float(np.mean(gap[fit_mask] ** 2)),
        prediction_note="its fit is the synthetic series, not a model of the outcome: see .series "
        "(treated, synthetic, gap) and .placebo_gaps",
    )
