"""Unit tests for cchc_research.models.twfe (conventions, bad input, determinism)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from cchc_research.errors import (
    CollinearityError,
    FewClustersWarning,
    MissingValuesError,
    MissingValuesWarning,
    ModelError,
    SingletonWarning,
    TooFewClustersError,
)
from cchc_research.models import twfe


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewClustersWarning)
        return twfe(*args, **kwargs)


def test_pooled_ols_matches_statsmodels(simple_panel):
    X = sm.add_constant(simple_panel[["d", "x"]])
    ols = sm.OLS(simple_panel["y"], X)
    iid = twfe(simple_panel, "y", ["d", "x"], vcov="iid")
    het = twfe(simple_panel, "y", ["d", "x"], vcov="hetero")
    clu = twfe(simple_panel, "y", ["d", "x"], cluster="unit")
    ref_iid, ref_het = ols.fit(), ols.fit(cov_type="HC1")
    ref_clu = ols.fit(cov_type="cluster", cov_kwds={"groups": simple_panel["unit"]})  # CR1, Stata
    for res, ref in ((iid, ref_iid), (het, ref_het), (clu, ref_clu)):
        assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)
        assert_allclose(res.std_errors.to_numpy(), ref.bse.to_numpy(), rtol=1e-8)
    assert list(iid.params.index) == ["Intercept", "d", "x"]
    assert clu.df_resid == 39 and het.df_resid == len(simple_panel) - 3


def test_fe_matches_dummy_regression(simple_panel):
    """Absorbed FEs equal explicit dummies; with vcov="hetero" K counts every FE level."""
    dummies = pd.get_dummies(simple_panel[["unit", "period"]].astype(str), drop_first=True, dtype=float)
    X = sm.add_constant(pd.concat([simple_panel[["d", "x"]], dummies], axis=1))
    ref = sm.OLS(simple_panel["y"], X).fit(cov_type="HC1")
    res = twfe(simple_panel, "y", ["d", "x"], fe=["unit", "period"], vcov="hetero")
    assert_allclose(res.params.to_numpy(), ref.params[["d", "x"]].to_numpy(), rtol=1e-8)
    assert_allclose(res.std_errors.to_numpy(), ref.bse[["d", "x"]].to_numpy(), rtol=1e-6)


def test_cluster_k_excludes_nested_fe(simple_panel):
    """Stata/fixest: unit FE nested in unit clusters counts as 1 parameter, period FE fully."""
    res = twfe(simple_panel, "y", ["d", "x"], fe=["unit", "period"], cluster="unit")
    raw = twfe(simple_panel, "y", ["d", "x"], fe=["unit", "period"], cluster="unit", ssc="plm")
    N, G, k_plm = len(simple_panel), 40, 2
    K = 2 + 6  # slopes + 6 period levels (unit FE nested: counts 1, minus one redundancy: 2+40+6-1-40+1)
    cr0 = raw.std_errors**2 * (N - k_plm) / N
    assert_allclose(res.std_errors**2, cr0 * G / (G - 1) * (N - 1) / (N - K), rtol=1e-10)
    assert "K=8" in res.cov_description and "t(39)" in res.cov_description


def test_two_way_clustering_plm_and_stata(simple_panel):
    stata = _quiet(simple_panel, "y", ["d"], fe=["unit"], cluster=["unit", "period"])
    plm = _quiet(simple_panel, "y", ["d"], fe=["unit"], cluster=["unit", "period"], ssc="plm")
    assert stata.df_resid == 5  # min(G) - 1 with 6 periods
    assert "two-way" in stata.cov_description and "two-way" in plm.cov_description
    assert stata.std_errors["d"] > 0 and plm.std_errors["d"] > 0


def test_collinear_regressors_named(simple_panel):
    df = simple_panel.assign(d2=2 * simple_panel["d"])
    with pytest.raises(CollinearityError, match="d2"):
        twfe(df, "y", ["d", "d2"], fe=["unit"], cluster="unit")
    with pytest.raises(CollinearityError, match="d2"):
        twfe(df, "y", ["d", "d2"], cluster="unit")


def test_regressor_collinear_with_fe(simple_panel):
    df = simple_panel.assign(unit_level=simple_panel["unit"] % 5)
    with pytest.raises(CollinearityError, match="unit_level"):
        twfe(df, "y", ["d", "unit_level"], fe=["unit"], cluster="unit")


def test_singletons_dropped_with_count(simple_panel):
    extra = pd.DataFrame({"unit": [900, 901], "period": [1, 2], "cohort": 0, "d": 0.0, "x": [0.1, 0.2],
                          "y": [5.0, -5.0], "source": "simulated"})
    df = pd.concat([simple_panel, extra], ignore_index=True)
    with pytest.warns(SingletonWarning, match="dropped 2 observation"):
        res = twfe(df, "y", ["d", "x"], fe=["unit", "period"], cluster="unit")
    base = twfe(simple_panel, "y", ["d", "x"], fe=["unit", "period"], cluster="unit")
    assert res.n_singletons == 2 and res.nobs == len(simple_panel)
    assert res.extra["Singletons dropped"] == 2
    assert_allclose(res.params, base.params, rtol=1e-10)
    assert_allclose(res.std_errors, base.std_errors, rtol=1e-10)


def test_missing_values(simple_panel):
    df = simple_panel.copy()
    df.loc[[3, 7], "x"] = np.nan
    with pytest.raises(MissingValuesError, match="2 row"):
        twfe(df, "y", ["d", "x"], fe=["unit"], cluster="unit")
    with pytest.warns(MissingValuesWarning, match="dropped 2 row"):
        res = twfe(df, "y", ["d", "x"], fe=["unit"], cluster="unit", dropna=True)
    assert res.nobs == len(simple_panel) - 2


def test_too_few_and_few_clusters(simple_panel):
    with pytest.raises(TooFewClustersError):
        twfe(simple_panel.assign(one=1), "y", ["d"], fe=["unit"], cluster="one")
    with pytest.warns(FewClustersWarning, match="wild_bootstrap"):
        twfe(simple_panel, "y", ["d"], fe=["unit"], cluster="period")


def test_bad_arguments(simple_panel):
    with pytest.raises(ModelError, match="vcov"):
        twfe(simple_panel, "y", ["d"], vcov="HC3")
    with pytest.raises(ModelError, match="ssc"):
        twfe(simple_panel, "y", ["d"], ssc="sas")
    with pytest.raises(ModelError, match="not in the data"):
        twfe(simple_panel, "y", ["nope"], vcov="iid")
    with pytest.raises(ModelError, match="cluster"):
        twfe(simple_panel, "y", ["d"])  # pooled, no cluster given
    with pytest.raises(ModelError, match="regressor"):
        twfe(simple_panel, "y", [])


def test_default_cluster_is_first_fe(simple_panel):
    res = twfe(simple_panel, "y", ["d"], fe=["unit", "period"])
    assert res.cluster == ("unit",)


def test_unusual_column_names_and_no_mutation(simple_panel):
    df = simple_panel.rename(columns={"y": "tỷ lệ đúng hạn (%)", "d": "cải cách", "unit": "tỉnh"})
    before = df.copy()
    res = twfe(df, "tỷ lệ đúng hạn (%)", ["cải cách"], fe=["tỉnh"], cluster="tỉnh")
    base = twfe(simple_panel, "y", ["d"], fe=["unit"], cluster="unit")
    assert list(res.params.index) == ["cải cách"]
    assert_allclose(res.params.to_numpy(), base.params.to_numpy())
    pd.testing.assert_frame_equal(df, before)


def test_weights_and_determinism(simple_panel):
    df = simple_panel.assign(w=1.0 + (simple_panel["unit"] % 3))
    a = twfe(df, "y", ["d", "x"], fe=["unit", "period"], cluster="unit", weights="w")
    b = twfe(df, "y", ["d", "x"], fe=["unit", "period"], cluster="unit", weights="w")
    assert a.summary == b.summary
    assert "0x" not in a.summary and "Weights: w" in a.summary
    with pytest.raises(ModelError, match="negative"):
        twfe(df.assign(w=-1.0), "y", ["d"], fe=["unit"], cluster="unit", weights="w")
