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


# --- time is measured by time values, not row positions (issue 8, item 5) -----------------

def _yearly_with_gap():
    """2008-2020 without 2013: y = 10 + 3·(year - 2007) + 2·1(year >= 2015), no noise."""
    years = np.array([y for y in range(2008, 2021) if y != 2013])
    y = 10 + 3.0 * (years - 2007) + 2.0 * (years >= 2015)
    return pd.DataFrame({"year": years, "y": y})


def test_gap_in_years_uses_time_values():
    df = _yearly_with_gap()
    res = its(df, "y", "year", interventions={"reform": 2015})
    # row positions would give trend 3.77 / level 0.80 / slope -0.77 here
    assert_allclose(res.params.to_numpy(), [10.0, 3.0, 2.0, 0.0], atol=1e-9)
    assert res.extra["Time unit"] == "1 unit"
    assert "gaps in time" in res.cov_description and "1 missing" in res.cov_description


def test_gap_in_periods_and_dates():
    df = _yearly_with_gap()
    per = df.assign(year=pd.PeriodIndex(df["year"].astype(str), freq="Y"))
    a = its(per, "y", "year", interventions={"reform": pd.Period("2015", "Y")})
    assert_allclose(a.params.to_numpy(), [10.0, 3.0, 2.0, 0.0], atol=1e-9)
    dates = df.assign(year=pd.to_datetime(df["year"].astype(str) + "-07-01"))
    with pytest.raises(ModelError, match="freq="):  # irregular dates: the unit is not implied
        its(dates, "y", "year", interventions={"reform": "2015-01-01"})
    b = its(dates, "y", "year", interventions={"reform": "2015-01-01"}, freq="Y")
    assert_allclose(b.params.to_numpy(), a.params.to_numpy(), atol=1e-9)


def test_intervention_inside_a_gap_is_dated_at_its_own_time():
    """Intervention in 2013 (missing): slope counts from 2013, not from the next row (2014)."""
    df = _yearly_with_gap()
    df["y"] = 10 + 3.0 * (df["year"] - 2007) + 2.0 * (df["year"] >= 2013) + 0.5 * np.where(
        df["year"] >= 2013, df["year"] - 2013, 0)
    res = its(df, "y", "year", interventions={"r": 2013})
    assert_allclose(res.params.to_numpy(), [10.0, 3.0, 2.0, 0.5], atol=1e-9)


def test_even_spacing_other_than_one_matches_positions_hac():
    """Every second year: the trend is per year, and HAC lags count the 2-year steps."""
    rng = np.random.default_rng(3)
    years = np.arange(1990, 2030, 2)
    y = 1 + 0.5 * (years - 1989) + rng.normal(0, 1, len(years))
    res = its(pd.DataFrame({"year": years, "y": y}), "y", "year", hac_lags=2)
    X = np.column_stack([np.ones(len(years)), years - 1989.0])
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 2})
    assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-10)
    assert_allclose(res.std_errors.to_numpy(), ref.bse, rtol=1e-10)
    assert "gaps" not in res.cov_description


def _am_newey_west(X, u, t, lags):
    """Amplitude-modulated Newey–West written out: lag = distance in time units."""
    g = X * u[:, None]
    S = g.T @ g
    for i in range(len(t)):
        for j in range(len(t)):
            d = t[i] - t[j]
            if 1 <= d <= lags:
                w = 1 - d / (lags + 1)
                S += w * (np.outer(g[i], g[j]) + np.outer(g[j], g[i]))
    H = np.linalg.inv(X.T @ X)
    return H @ S @ H


@pytest.mark.parametrize("small", [False, True])
def test_gap_hac_is_amplitude_modulated_newey_west(small):
    rng = np.random.default_rng(5)
    months = pd.period_range("2015-01", periods=60, freq="M")
    keep = np.ones(60, dtype=bool)
    keep[[7, 8, 30, 41]] = False  # four missing months
    t = np.arange(1, 61)[keep].astype(float)
    y = 5 + 0.2 * t + 1.5 * (t >= 31) + rng.normal(0, 1, keep.sum())
    df = pd.DataFrame({"month": months[keep], "y": y})
    res = its(df, "y", "month", interventions={"r": pd.Period("2017-07", "M")}, hac_lags=3,
              hac_small_sample=small)
    X = np.column_stack([np.ones(len(t)), t, t >= 31, np.where(t >= 31, t - 31, 0.0)])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    V = _am_newey_west(X, y - X @ beta, t, 3) * (len(t) / (len(t) - 4) if small else 1.0)
    assert_allclose(res.params.to_numpy(), beta, rtol=1e-9)
    assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(V)), rtol=1e-9)


def test_time_column_types_refused_or_handled():
    df = _yearly_with_gap()
    with pytest.raises(ModelError, match="numbers, dates or periods"):
        its(df.assign(year=df["year"].astype(str)), "y", "year")
    with pytest.raises(ModelError, match="numbers, dates or periods"):
        its(df.assign(year=df["year"] > 2014), "y", "year")
    uneven = df.assign(year=df["year"] + np.linspace(0, 0.37, len(df)))  # no grid
    with pytest.raises(ModelError, match="evenly spaced"):
        its(uneven, "y", "year", hac_lags=1)
    res = its(uneven, "y", "year", hac_lags=0)  # HC0 needs no grid
    assert res.extra["HAC lags"] == 0


def test_non_numeric_outcome_missing_column_empty_frame():
    df = _yearly_with_gap()
    with pytest.raises(ModelError, match="'y' must be numeric"):
        its(df.assign(y=df["y"].astype(str)), "y", "year")
    with pytest.raises(ModelError, match="not in the data"):
        its(df, "y", "yr")
    with pytest.raises(ModelError, match="empty|no rows"):
        its(df.iloc[:0], "y", "year")
    with pytest.raises(ModelError, match="infinite"):
        its(df.assign(y=df["y"].replace(df["y"].iloc[3], np.inf)), "y", "year")
