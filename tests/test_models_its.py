"""its: segmented regression recovery, HAC conventions and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from cchc_research.errors import ModelError
from cchc_research.models import its
from cchc_research.models.its import default_hac_lags


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(8)
    T = 120
    t = np.arange(1, T + 1)
    e = np.zeros(T)
    for i in range(1, T):
        e[i] = 0.4 * e[i - 1] + rng.normal(0, 0.3)
    y = 50 + 0.05 * t + 3.0 * (t >= 61) + 0.10 * np.where(t >= 61, t - 61, 0) + e
    return pd.DataFrame({"month": pd.period_range("2015-01", periods=T, freq="M"), "y": y})


def test_recovers_level_and_slope(series):
    res = its(series, "y", "month", interventions={"one-stop shop": pd.Period("2020-01", "M")})
    assert list(res.params.index) == ["Intercept", "time", "level: one-stop shop", "slope: one-stop shop"]
    assert abs(res.params["level: one-stop shop"] - 3.0) < 3 * res.std_errors["level: one-stop shop"]
    assert abs(res.params["slope: one-stop shop"] - 0.10) < 3 * res.std_errors["slope: one-stop shop"]
    assert res.extra["HAC lags"] == default_hac_lags(120) == 4
    assert res.df_resid is None


def test_matches_statsmodels_hac(series):
    res = its(series, "y", "month", interventions={"r": pd.Period("2020-01", "M")}, hac_lags=6,
              hac_small_sample=True)
    t = np.arange(1, 121.0)
    X = np.column_stack([np.ones(120), t, t >= 61, np.where(t >= 61, t - 61, 0)])
    ref = sm.OLS(series["y"].to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 6, "use_correction": True})
    assert_allclose(res.std_errors.to_numpy(), ref.bse, rtol=1e-10)
    assert res.df_resid == 116 and "T/(T-K)" in res.cov_description


def test_zero_lags_is_hc0(series):
    res = its(series, "y", "month", hac_lags=0)
    X = np.column_stack([np.ones(120), np.arange(1, 121.0)])
    ref = sm.OLS(series["y"].to_numpy(), X).fit(cov_type="HC0")
    assert_allclose(res.std_errors.to_numpy(), ref.bse, rtol=1e-10)


def test_two_interventions_level_only_and_sorting(series):
    shuffled = series.sample(frac=1.0, random_state=1)
    res = its(shuffled, "y", "month",
              interventions={"a": pd.Period("2017-01", "M"), "b": pd.Period("2020-01", "M")},
              slope_change=False)
    assert list(res.params.index) == ["Intercept", "time", "level: a", "level: b"]
    ordered = its(series, "y", "month",
                  interventions={"a": pd.Period("2017-01", "M"), "b": pd.Period("2020-01", "M")},
                  slope_change=False)
    assert_allclose(res.params, ordered.params)


def test_bad_input(series):
    with pytest.raises(ModelError, match="duplicated"):
        its(pd.concat([series, series.head(2)]), "y", "month")
    with pytest.raises(ModelError, match="no observations before or after"):
        its(series, "y", "month", interventions={"late": pd.Period("2030-01", "M")})
    with pytest.raises(ModelError, match="hac_lags"):
        its(series, "y", "month", hac_lags=-1)


def test_datetime_time_and_string_date(series):
    df = series.assign(date=series["month"].dt.to_timestamp())
    a = its(df, "y", "date", interventions={"r": "2020-01-01"})
    b = its(series, "y", "month", interventions={"r": pd.Period("2020-01", "M")})
    assert_allclose(a.params.to_numpy(), b.params.to_numpy())
