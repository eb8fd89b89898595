"""Interrupted time series (segmented regression) with Newey–West standard errors.

Model for one series observed at ``T`` ordered time points ``t = 1, …, T``::

    y_t = b0 + b1·t + Σ_k [ c_k·1(t ≥ t_k) + d_k·(t − t_k)·1(t ≥ t_k) ] + x_t'γ + u_t

``c_k`` (term ``"level: <name>"``) is the immediate level change at intervention ``k`` and
``d_k`` (term ``"slope: <name>"``) the change in slope after it (Wagner et al. 2002,
*J Clin Pharm Ther* 27:299–309; Bernal, Cummins & Gasparrini 2017, *Int J Epidemiol*
46:348–355). Time is the *position* in the sorted series, so gaps in the calendar are
ignored (HAC lags count positions).

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
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from cchc_research.errors import ModelError
from cchc_research.models._validation import as_list, check_collinearity, check_missing
from cchc_research.models.results import EstimationResults

__all__ = ["its", "default_hac_lags"]


def default_hac_lags(n: int) -> int:
    """Newey–West (1994) rule of thumb ``floor(4·(n/100)^(2/9))``.

    Examples
    --------
    >>> default_hac_lags(100), default_hac_lags(48), default_hac_lags(202)
    (4, 3, 4)
    """
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


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
) -> EstimationResults:
    """Segmented regression with level and slope changes and Newey–West HAC errors.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per time point.
    outcome : str
    time : str
        Time column (numbers, dates or periods); sorted internally, must be unique.
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

    Returns
    -------
    EstimationResults

    Raises
    ------
    ModelError
        Duplicated time points, an intervention outside the observed range, negative lags.
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
    interventions = dict(interventions or {})
    regressors = as_list(regressors)
    if hac_lags is not None and int(hac_lags) < 0:
        raise ModelError(f"hac_lags must be >= 0, got {hac_lags!r}")
    sub = check_missing(data, [outcome, time, *regressors], dropna=dropna, stacklevel=3)
    if sub[time].duplicated().any():
        dups = sub[time][sub[time].duplicated()].head(5).tolist()
        raise ModelError(f"its needs one row per time point; duplicated {time!r} values: {dups}")
    sub = sub.sort_values(time, kind="stable")
    T = len(sub)
    tvals = sub[time].to_numpy()
    pos = np.arange(1, T + 1, dtype=float)
    X = pd.DataFrame({"Intercept": np.ones(T)}, index=sub.index)
    if trend:
        X["time"] = pos
    for name, start in interventions.items():
        after = (sub[time] >= start).to_numpy(dtype=bool)
        if not after.any() or after.all():
            raise ModelError(
                f"intervention {name!r} at {start!r} leaves no observations before or after it "
                f"(series runs from {tvals[0]!r} to {tvals[-1]!r})"
            )
        t0 = pos[after.argmax()]
        X[f"level: {name}"] = after.astype(float)
        if slope_change:
            X[f"slope: {name}"] = np.where(after, pos - t0, 0.0)
    for r in regressors:
        X[r] = sub[r].astype(float)
    check_collinearity(X)
    K = X.shape[1]
    if T <= K:
        raise ModelError(f"{T} time points for {K} coefficients: too few observations")
    lags = default_hac_lags(T) if hac_lags is None else int(hac_lags)
    y = sub[outcome].astype(float)
    fit = sm.OLS(y, X).fit(
        cov_type="HAC",
        cov_kwds={"maxlags": lags, "kernel": "bartlett", "use_correction": hac_small_sample},
        use_t=hac_small_sample,
    )
    rule = "given" if hac_lags is not None else "default floor(4·(T/100)^(2/9))"
    small = (
        f"small-sample factor T/(T-K) with T={T}, K={K}; t({T - K}) inference (Stata newey)"
        if hac_small_sample
        else "no small-sample factor; normal inference"
    )
    desc = f"Newey–West HAC, Bartlett kernel, {lags} lag(s) ({rule}); {small}"
    extra: dict[str, Any] = {
        "Time points": T,
        "HAC lags": lags,
        "R-squared": float(fit.rsquared),
        "Interventions": ", ".join(f"{k} at {v}" for k, v in interventions.items()) or "none",
    }
    return EstimationResults(
        params=fit.params,
        std_errors=fit.bse,
        nobs=T,
        cov_type="HAC",
        cov_description=desc,
        df_resid=float(T - K) if hac_small_sample else None,
        cov=fit.cov_params(),
        model_name="Interrupted time series (segmented regression)" if interventions else "Time-series regression",
        outcome=outcome,
        extra=extra,
    )
