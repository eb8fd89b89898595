"""Interrupted time series (segmented regression) with Newey–West standard errors.

Model for one series observed at ``T`` time points ``t``::

    y_t = b0 + b1·t + Σ_k [ c_k·1(t ≥ t_k) + d_k·(t − t_k)·1(t ≥ t_k) ] + x_t'γ + u_t

``c_k`` (term ``"level: <name>"``) is the immediate level change at intervention ``k`` and
``d_k`` (term ``"slope: <name>"``) the change in slope after it (Wagner et al. 2002,
*J Clin Pharm Ther* 27:299–309; Bernal, Cummins & Gasparrini 2017, *Int J Epidemiol*
46:348–355).

Time is measured by the *time values*, never by row position: ``t`` counts time units
from the first observation (``t = 1`` there). The unit is one period of a ``Period``
column (e.g. one month), one period of ``freq`` for dates (inferred when the dates are
regular), and one unit of a numeric column (e.g. one year). A series with gaps (a missing
year) thus keeps the right trend, and ``t_k`` is the intervention's own time even when it
falls in a gap. Text, boolean and other time columns are refused.

Standard errors with gaps: the HAC lags count time units, not rows. Scores are placed on
the regular time grid with zeros at the missing times — the "amplitude-modulated"
Newey–West estimator of Datta & Du (2012, *Nonparametric HAC estimation for time series
data with missing observations*, FRB IFDP 1060; after Parzen 1963), which equals the
ordinary Newey–West estimator when there is no gap. A numeric time column whose values
are neither integers nor evenly spaced has no grid: HAC lags above 0 are then refused.

Standard errors: Newey–West (1987) HAC with Bartlett weights ``1 − l/(L+1)`` (statsmodels
``cov_type="HAC"``). Default truncation lag ``L = floor(4·(T/100)^(2/9))`` (Newey & West
1994, the rule used by Stata's documentation and EViews). ``hac_small_sample=True``
multiplies by ``T/(T−K)`` and uses t(T−K) inference — exactly Stata ``newey, lag(L)``;
otherwise no factor and normal inference (R ``sandwich::NeweyWest(prewhite=FALSE,
adjust=FALSE)``).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from cchc_research.models import its
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame({"month": pd.period_range("2018-01", periods=48, freq="M")})
>>> t = np.arange(1, 49)
>>> df["y"] = 10 + 0.1 * t + 2.0 * (t >= 25) + rng.normal(0, 0.5, 48)
>>> res = its(df, "y", "month", interventions={"reform": pd.Period("2020-01", "M")})
>>> res.params.round(1).to_dict()
{'Intercept': 10.0, 'time': 0.1, 'level: reform': 1.8, 'slope: reform': 0.0}
>>> res.extra["HAC lags"]  # floor(4 * (48/100)**(2/9))
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError
from cchc_research.models._validation import (
    as_list,
    check_collinearity,
    check_missing,
    check_numeric,
    check_roles,
)
from cchc_research.models.results import EstimationResults, Predictions

__all__ = ["its", "default_hac_lags"]


def default_hac_lags(n: int) -> int:
    """Newey–West (1994) rule of thumb ``floor(4·(n/100)^(2/9))``.

    Examples
    --------
    >>> default_hac_lags(100), default_hac_lags(48), default_hac_lags(202)
    (4, 3, 4)
    """
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


def _check_time_dtype(values: pd.Series, name: str) -> None:
    """Refuse a time column that is not numeric, datetime or period (text, bool, ...)."""
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        example = values.iloc[0] if len(values) else None
        example = example.item() if isinstance(example, np.generic) else example
        raise ModelError(
            f"time column {name!r} has dtype {dtype} (e.g. {example!r}); its needs numbers, dates or "
            "periods — convert it first, e.g. pd.to_numeric(...), pd.to_datetime(...) or "
            "pd.PeriodIndex(..., freq='M')"
        )


def _time_axis(values: pd.Series, name: str, freq: str | None) -> tuple[np.ndarray, np.ndarray | None, str, Any]:
    """Numeric time of each (sorted, unique) value, its grid position and the unit.

    Returns ``(t, grid, unit, convert)``: ``t`` in time units (float), ``grid`` the
    integer position on the regular time grid (``None`` if there is no grid) and
    ``convert`` mapping an intervention time to the same scale.
    """
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        try:
            values = values.dt.to_period(freq) if freq else values.dt.to_period()
        except (ValueError, TypeError, AttributeError) as exc:
            raise ModelError(
                f"time column {name!r} holds dates without a regular frequency; pass freq= "
                "(e.g. freq='M' or 'Y') to say which time unit the trend counts"
            ) from exc
        if values.duplicated().any():
            raise ModelError(
                f"dates in {name!r} fall in the same {values.dtype.freq.freqstr} period; pass a finer freq="
            )
        dtype = values.dtype
    if isinstance(dtype, pd.PeriodDtype):
        pfreq = dtype.freq
        ordinals = np.asarray(values.array.asi8, dtype=np.int64)

        def convert(start: Any) -> float:
            per = start if isinstance(start, pd.Period) else pd.Period(start, freq=pfreq)
            if per.freq != pfreq:
                per = per.asfreq(pfreq, how="start")
            return float(per.ordinal)

        return ordinals.astype(float), ordinals - ordinals.min(), f"1 period ({dtype.freq.freqstr})", convert
    _check_time_dtype(values, name)
    v = values.to_numpy(dtype=float)
    if not np.isfinite(v).all():
        raise ModelError(f"time column {name!r} has non-finite values")

    def convert_num(start: Any) -> float:
        try:
            return float(start)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"intervention time {start!r} is not a number like {name!r}") from exc

    grid: np.ndarray | None
    if len(v) < 2:
        grid = np.zeros(len(v), dtype=np.int64)
    elif np.all(v == np.round(v)) and np.abs(v).max() < 2**52:
        iv = v.astype(np.int64)
        step = int(np.gcd.reduce(np.diff(iv)))
        grid = (iv - iv.min()) // step
    else:
        d = np.diff(v)
        even = d.max() - d.min() <= 1e-9 * d.max()
        grid = np.arange(len(v), dtype=np.int64) if even else None
    return v, grid, "1 unit", convert_num


def its(
    data: pd.DataFrame,
    outcome: str,
    time: str,
    interventions: Mapping[str, Any] | None = None,
    regressors: Sequence[str] | str = (),
    hac_lags: int | None = None,
    hac_small_sample: bool = False,
    slope_change: bool = True,
    *,
    trend: bool = True,
    dropna: bool = False,
    freq: str | None = None,
) -> EstimationResults:
    """Segmented regression with level and slope changes and Newey–West HAC errors.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per time point.
    outcome : str
    time : str
        Time column: numbers, dates or ``pandas.Period``; sorted internally, must be unique.
        The trend counts its time values (see the module docstring), not rows.
    interventions : mapping of str to time value, optional
        Name → first period under the intervention (same type as ``time``). Empty: a
        plain time-series regression with HAC errors.
    regressors : sequence of str, optional
        Further control variables.
    hac_lags : int, optional
        Bartlett truncation lag; default ``floor(4·(T/100)^(2/9))``. ``0`` gives HC0
        (HC1 with ``hac_small_sample``).
    hac_small_sample : bool, default False
        ``T/(T−K)`` factor and t(T−K) inference (Stata ``newey``).
    slope_change : bool, default True
        Also estimate the slope change after each intervention.
    trend : bool, default True
        Include the pre-intervention linear trend ``t`` (term ``"time"``).
    dropna : bool, default False
        Drop incomplete rows (with a warning) instead of raising.
    freq : str, optional
        Time unit for a date column (a pandas period alias, e.g. ``"M"``, ``"Q"``, ``"Y"``);
        default: inferred from regularly spaced dates (refused otherwise).

    Returns
    -------
    EstimationResults

    Raises
    ------
    ModelError
        Duplicated time points, an intervention outside the observed range, negative lags,
        a text/boolean time column or non-numeric outcome/regressor, dates without a
        regular frequency (pass ``freq``), HAC lags with unevenly spaced non-integer times.
    MissingValuesError, CollinearityError

    Examples
    --------
    >>> import statsmodels.api as sm
    >>> from cchc_research.models import its
    >>> macro = sm.datasets.macrodata.load_pandas().data
    >>> macro["g_realinv"] = 400 * np.log(macro["realinv"]).diff()
    >>> macro["g_realgdp"] = 400 * np.log(macro["realgdp"]).diff()
    >>> macro["L_realint"] = macro["realint"].shift(1)
    >>> macro["t"] = np.arange(len(macro))
    >>> res = its(macro.iloc[1:], "g_realinv", "t", regressors=["g_realgdp", "L_realint"],
    ...           hac_lags=4, hac_small_sample=True, trend=False)  # Stata: newey ..., lag(4)
    >>> res.std_errors.round(6).to_dict()
    {'Intercept': 1.185934, 'g_realgdp': 0.331256, 'L_realint': 0.295823}
    """
    if interventions is not None and not isinstance(interventions, Mapping):
        raise ModelError(
            f"interventions must be a mapping of name to start time, e.g. {{'reform': 2014}}, "
            f"got {type(interventions).__name__} {interventions!r}"
        )
    interventions = dict(interventions or {})
    regressors = as_list(regressors)
    if hac_lags is not None and (
        isinstance(hac_lags, (bool, np.bool_)) or not isinstance(hac_lags, (int, np.integer)) or hac_lags < 0
    ):
        raise ModelError(f"hac_lags must be a non-negative integer (or None for the default), got {hac_lags!r}")
    check_roles(outcome, regressors, what="its", others=[time])
    sub = check_missing(data, [outcome, time, *regressors], dropna=dropna, stacklevel=3)
    if len(sub) == 0:
        raise ModelError("its got no rows (empty data after dropping missing values)")
    check_numeric(sub, [outcome, *regressors])
    _check_time_dtype(sub[time], time)
    if sub[time].duplicated().any():
        dups = sub[time][sub[time].duplicated()].head(5).tolist()
        raise ModelError(f"its needs one row per time point; duplicated {time!r} values: {dups}")
    sub = sub.sort_values(time, kind="stable")
    T = len(sub)
    tvals = sub[time].to_numpy()
    tnum, grid, unit, convert = _time_axis(sub[time], time, freq)
    origin = tnum[0] - 1.0  # t = 1 at the first observation
    tt = tnum - origin
    X = pd.DataFrame({"Intercept": np.ones(T)}, index=sub.index)
    if trend:
        X["time"] = tt
    for name, start in interventions.items():
        tk = convert(start) - origin
        if not np.isfinite(tk):
            raise ModelError(f"intervention {name!r} starts at {start!r}, which is not a time of {time!r}")
        after = tt >= tk
        if not after.any() or after.all():
            raise ModelError(
                f"intervention {name!r} at {start!r} leaves no observations before or after it "
                f"(series runs from {tvals[0]!r} to {tvals[-1]!r})"
            )
        X[f"level: {name}"] = after.astype(float)
        if slope_change:
            X[f"slope: {name}"] = np.where(after, tt - tk, 0.0)
    for r in regressors:
        X[r] = sub[r].astype(float)
    check_collinearity(X)
    K = X.shape[1]
    if T <= K:
        raise ModelError(f"{T} time points for {K} coefficients: too few observations")
    lags = default_hac_lags(T) if hac_lags is None else int(hac_lags)
    y = sub[outcome].astype(float)
    gaps = grid is None or (T > 1 and int(grid[-1]) != T - 1)
    if grid is None and lags > 0:
        raise ModelError(
            f"time column {time!r} is neither integer-valued nor evenly spaced, so HAC lags "
            "cannot be counted in time units; use integer times, periods or dates (with freq=), "
            "or hac_lags=0"
        )
    # heavy third-party imports, loaded on first use (see cchc_research/models/__init__.py)
    from statsmodels.regression.linear_model import OLS
    from statsmodels.stats.sandwich_covariance import S_hac_simple

    if not gaps or lags == 0:
        fit = OLS(y, X).fit(
            cov_type="HAC",
            cov_kwds={"maxlags": lags, "kernel": "bartlett", "use_correction": hac_small_sample},
            use_t=hac_small_sample,
        )
        cov = fit.cov_params()
        bse = fit.bse
    else:
        fit = OLS(y, X).fit()
        # amplitude-modulated Newey–West (Datta & Du 2012): scores on the regular grid,
        # zero at missing times, Bartlett lags in time units
        scores = np.zeros((int(grid[-1]) + 1, X.shape[1]))
        scores[grid] = X.to_numpy() * fit.resid.to_numpy()[:, None]
        S = S_hac_simple(scores, nlags=lags)
        H = np.linalg.inv(X.to_numpy().T @ X.to_numpy())
        cov_arr = H @ S @ H * (T / (T - X.shape[1]) if hac_small_sample else 1.0)
        cov = pd.DataFrame(cov_arr, index=X.columns, columns=X.columns)
        bse = pd.Series(np.sqrt(np.diag(cov_arr)), index=X.columns)
    rule = "given" if hac_lags is not None else "default floor(4·(T/100)^(2/9))"
    small = (
        f"small-sample factor T/(T-K) with T={T}, K={K}; t({T - K}) inference (Stata newey)"
        if hac_small_sample
        else "no small-sample factor; normal inference"
    )
    spacing = (
        f"; gaps in time: lags count time units, scores zero at the {int(grid[-1]) + 1 - T} missing "
        "time(s) (amplitude-modulated, Datta & Du 2012)"
        if gaps and lags > 0 else ""
    )
    desc = f"Newey–West HAC, Bartlett kernel, {lags} lag(s) ({rule}); {small}{spacing}"
    extra: dict[str, Any] = {
        "Time points": T,
        "Time unit": unit,
        "HAC lags": lags,
        "Interventions": ", ".join(f"{k} at {v}" for k, v in interventions.items()) or "none",
    }
    return EstimationResults(
        params=fit.params,
        std_errors=bse,
        nobs=T,
        cov_type="HAC",
        cov_description=desc,
        df_resid=float(T - K) if hac_small_sample else None,
        cov=cov,
        model_name="Interrupted time series (segmented regression)" if interventions else "Time-series regression",
        outcome=outcome,
        extra=extra,
        rsquared=float(fit.rsquared),
        predictions=Predictions(
            fitted=fit.fittedvalues.rename("fitted"),
            resid=fit.resid.rename("resid"),
            predict=partial(
                _predict,
                params=fit.params,
                time=time,
                convert=convert,
                origin=origin,
                starts={name: convert(start) - origin for name, start in interventions.items()},
                trend=trend,
                slope_change=slope_change,
                regressors=tuple(regressors),
            ),
        ),
    )


def _predict(
    newdata: pd.DataFrame,
    *,
    params: pd.Series,
    time: str,
    convert: Any,
    origin: float,
    starts: dict[str, float],
    trend: bool,
    slope_change: bool,
    regressors: tuple[str, ...],
) -> pd.Series:
    """Segmented-regression prediction at any time value (inside or beyond the series).

    The design of :func:`its` evaluated at ``newdata[time]`` (same time unit and origin,
    same intervention times) and ``newdata[regressors]``.
    """
    missing = [c for c in (time, *regressors) if c not in newdata.columns]
    if missing:
        raise ModelError(f"newdata lacks column(s) {missing} needed to predict")
    sub = check_missing(newdata, [time, *regressors], dropna=False, stacklevel=4)
    tt = np.array([convert(v) for v in sub[time]], dtype=float) - origin
    X = pd.DataFrame({"Intercept": np.ones(len(sub))}, index=sub.index)
    if trend:
        X["time"] = tt
    for name, tk in starts.items():
        after = tt >= tk
        X[f"level: {name}"] = after.astype(float)
        if slope_change:
            X[f"slope: {name}"] = np.where(after, tt - tk, 0.0)
    for r in regressors:
        X[r] = sub[r].astype(float)
    return pd.Series(X[params.index].to_numpy() @ params.to_numpy(), index=sub.index, name="prediction")
