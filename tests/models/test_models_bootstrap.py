"""wild_bootstrap: checked against the `wildboottest` package and a brute-force loop."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from cchc_research.errors import ModelError
from cchc_research.models import frac_logit, twfe, wild_bootstrap
from cchc_research.models._dgp import simulate_simple_panel
from cchc_research.models.bootstrap import draw_weights


def _fit(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return twfe(df, "y", ["d", "x"], fe=["unit", "period"], **kw)


@pytest.fixture(scope="module")
def small():
    return simulate_simple_panel(n_units=8, n_periods=12, effect=0.3, seed=4)


def _dummy_design(df):
    X = pd.concat(
        [
            df[["d", "x"]],
            pd.get_dummies(df["unit"], prefix="u", drop_first=True, dtype=float),
            pd.get_dummies(df["period"], prefix="p", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    X.insert(2, "const", 1.0)
    return X


def _loop_pvalue(df, cluster, j, V, b0=0.0):
    """Textbook WCR: rebuild y* draw by draw and refit OLS with all dummies."""
    X = _dummy_design(df).to_numpy()
    y = df["y"].to_numpy()
    g = pd.factorize(df[cluster])[0]
    G = g.max() + 1

    def t_cr(yv):
        H = np.linalg.inv(X.T @ X)
        b = H @ X.T @ yv
        S = np.zeros((G, X.shape[1]))
        np.add.at(S, g, X * (yv - X @ b)[:, None])
        return (b[j] - b0) / np.sqrt((H @ S.T @ S @ H)[j, j])

    Xo = np.delete(X, j, axis=1)
    yr = y - b0 * X[:, j]
    bo = np.linalg.lstsq(Xo, yr, rcond=None)[0]
    fit, ur = Xo @ bo + b0 * X[:, j], yr - Xo @ bo
    t = t_cr(y)
    ts = np.array([t_cr(fit + ur * V[g, b]) for b in range(V.shape[1])])
    return float(np.mean(np.abs(ts) >= abs(t) - 1e-7 * max(1, abs(t))))


@pytest.mark.parametrize("b0", [0.0, 0.5])
def test_matches_brute_force_loop_webb(small, b0):
    res = _fit(small, cluster="unit")
    V = draw_weights(8, 399, "webb", seed=7)
    boot = wild_bootstrap(res, "d", B=399, weights="webb", seed=7, h0=b0)
    assert boot.pvalues["d"] == pytest.approx(_loop_pvalue(small, "unit", 0, V, b0), abs=1e-12)


def test_matches_brute_force_non_nested_fe(small):
    """Clustering by period: unit FE not nested, handled as dummies."""
    res = _fit(small, cluster="period")
    V = draw_weights(12, 299, "webb", seed=3)
    boot = wild_bootstrap(res, "x", B=299, weights="webb", seed=3)
    assert boot.pvalues["x"] == pytest.approx(_loop_pvalue(small, "period", 1, V), abs=1e-12)


@pytest.mark.parametrize("cluster,param", [("unit", "d"), ("unit", "x"), ("period", "d")])
def test_matches_wildboottest_enumeration(cluster, param):
    """Full Rademacher enumeration is deterministic: p-values agree with `wildboottest`.

    `wildboottest` counts |t*| > |t| strictly, without tolerance; the two enumerated draws
    v = ±1 reproduce |t| exactly and are counted by us (as at least as extreme) and by
    `wildboottest` only when rounding pushes them up, hence the 2 / 2**G allowance.
    """
    from wildboottest.wildboottest import wildboottest

    small = simulate_simple_panel(n_units=8, n_periods=8, effect=0.3, seed=4)
    res = _fit(small, cluster=cluster)
    model = sm.OLS(small["y"], _dummy_design(small))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = wildboottest(model, B=99999, cluster=small[cluster].to_numpy(), param=param,
                           weights_type="rademacher", show=False, seed=1, parallel=False)
    boot = wild_bootstrap(res, param, B=99999, weights="rademacher")
    G = small[cluster].nunique()
    assert boot.B == 2**G
    assert abs(boot.pvalues[param] - float(ref["p-value"].iloc[0])) <= 2 / 2**G + 1e-12


def test_ci_inversion_bounds(small):
    res = _fit(small, cluster="unit")
    boot = wild_bootstrap(res, "d", B=999, seed=5)
    lo, hi = boot.conf_int(0.90).loc["d"]
    assert lo < res.params["d"] < hi
    eps = 1e-6 * res.std_errors["d"]
    assert boot.pvalue_at("d", lo - eps) <= 0.10 < boot.pvalue_at("d", lo + eps)
    assert boot.pvalue_at("d", hi + eps) <= 0.10 < boot.pvalue_at("d", hi - eps)
    wide = boot.conf_int(0.99).loc["d"]
    assert wide["lower"] <= lo and wide["upper"] >= hi


def test_unrestricted_percentile_t(small):
    res = _fit(small, cluster="unit")
    boot = wild_bootstrap(res, "d", B=999, seed=5, impose_null=False)
    ci = boot.conf_int().loc["d"]
    assert_allclose(ci.mean(), res.params["d"], rtol=1e-12)  # symmetric around the estimate
    assert "percentile-t" in boot.cov_description


def test_seed_determinism_and_summary(small):
    res = _fit(small, cluster="unit")
    a = wild_bootstrap(res, B=999, seed=9)
    b = wild_bootstrap(res, B=999, seed=9)
    assert a.summary == b.summary
    assert list(a.params.index) == ["d", "x"]
    assert_allclose(a.std_errors, res.std_errors)  # original CR1 SEs are reported
    assert "Webb" in a.cov_description or "webb" in a.cov_description


def test_pooled_and_weighted_models():
    df = simulate_simple_panel(n_units=10, n_periods=6, effect=0.4, seed=2).assign(w=lambda d: 1 + d["unit"] % 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = twfe(df, "y", ["d", "x"], cluster="unit")
        weighted = twfe(df, "y", ["d", "x"], fe=["unit"], cluster="unit", weights="w")
    for res in (pooled, weighted):
        boot = wild_bootstrap(res, "d", B=199, seed=1)
        assert 0 <= boot.pvalues["d"] <= 1


def test_errors(small):
    with pytest.raises(ModelError, match="exactly one"):
        wild_bootstrap(_fit(small, cluster=["unit", "period"]))
    with pytest.raises(ModelError, match="twfe"):
        spector = sm.datasets.spector.load_pandas().data
        wild_bootstrap(frac_logit(spector, "GRADE", ["GPA"]))
    res = _fit(small, cluster="unit")
    with pytest.raises(ModelError, match="not slope"):
        wild_bootstrap(res, "Intercept")
    with pytest.raises(ModelError, match="weights"):
        wild_bootstrap(res, weights="mammen")
    with pytest.raises(ModelError, match="B must"):
        wild_bootstrap(res, B=10)


def test_enumeration_is_exact_randomization_test():
    """With G = 4 and Rademacher weights (16 sign vectors) no test can reject at 5%."""
    df = simulate_simple_panel(n_units=4, n_periods=10, effect=2.0, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = twfe(df, "y", ["d"], fe=["unit", "period"], cluster="unit")
    boot = wild_bootstrap(res, B=999, weights="rademacher")
    assert boot.B == 16 and boot.pvalues["d"] >= 2 / 16
    inv = boot.inverters["d"]
    # the two constant sign vectors reproduce the sample: p -> 2/16 as beta0 -> +-inf
    assert inv.degenerate.sum() == 2
    assert inv.limit_pvalue(1.0) == inv.limit_pvalue(-1.0) == 2 / 16
    assert boot.conf_int().loc["d"].tolist() == [-np.inf, np.inf]
    # far from the estimate the p-value equals its limit (no float ties between draws)
    for k in (1e3, 1e8, 2.1e8, 1e12, 1e15):
        assert boot.pvalue_at("d", res.params["d"] + k * res.std_errors["d"]) == 2 / 16
        assert boot.pvalue_at("d", res.params["d"] - k * res.std_errors["d"]) == 2 / 16


@pytest.mark.parametrize("rel", [0.0, 1e-13, -1e-13, 3e-12])
def test_infinite_bounds_do_not_depend_on_rounding(rel):
    """Perturbing the outcome at the 1e-13 level (what another CPU/BLAS may do) changes nothing."""
    df = simulate_simple_panel(n_units=4, n_periods=10, effect=2.0, seed=1)
    rng = np.random.default_rng(0)
    df["y"] = df["y"] * (1 + rel * rng.standard_normal(len(df)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = twfe(df, "y", ["d"], fe=["unit", "period"], cluster="unit")
    boot = wild_bootstrap(res, B=999, weights="rademacher")
    assert boot.conf_int(0.95).loc["d"].tolist() == [-np.inf, np.inf]  # 2/16 > 0.05
    lo, hi = boot.conf_int(0.75).loc["d"]  # 2/16 < 0.25: both bounds finite
    assert np.isfinite([lo, hi]).all() and lo < res.params["d"] < hi


def test_bound_finite_or_infinite_by_level():
    """G = 6 enumerated (64 sign vectors): p -> 2/64 far out, so bounds are finite at 95 %
    (2/64 < 0.05) and infinite at 99 % (2/64 > 0.01)."""
    df = simulate_simple_panel(n_units=6, n_periods=10, effect=2.0, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = twfe(df, "y", ["d"], fe=["unit", "period"], cluster="unit")
    boot = wild_bootstrap(res, B=999, weights="rademacher")
    inv = boot.inverters["d"]
    assert boot.B == 64 and inv.limit_pvalue(1.0) == inv.limit_pvalue(-1.0) == 2 / 64
    lo, hi = boot.conf_int(0.95).loc["d"]
    assert np.isfinite([lo, hi]).all()
    eps = 1e-6 * res.std_errors["d"]
    assert boot.pvalue_at("d", lo - eps) <= 0.05 < boot.pvalue_at("d", lo + eps)
    assert boot.pvalue_at("d", hi + eps) <= 0.05 < boot.pvalue_at("d", hi - eps)
    assert boot.conf_int(0.99).loc["d"].tolist() == [-np.inf, np.inf]


@pytest.mark.parametrize("weights", ["rademacher", "webb"])
def test_degenerate_draws_beyond_constant_weights(weights):
    """Unit FE only: the demeaned treatment is 0 in never-treated units, so any draw constant
    over the 4 treated units leaves the bootstrap unchanged. Enumerated Rademacher is then
    an exact test over the 2**4 sign patterns of the treated units: p -> 2/16 far out and the
    95 % interval is unbounded; with Webb draws the limit is the share of such draws."""
    df = simulate_simple_panel(n_units=8, n_periods=10, effect=1.0, seed=2)
    treated = df.groupby("unit")["d"].max()
    assert int(treated.sum()) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = twfe(df, "y", ["d"], fe=["unit"], cluster="unit")
    boot = wild_bootstrap(res, B=999, weights=weights, seed=3)
    inv = boot.inverters["d"]
    V = draw_weights(8, 999, weights, seed=3)
    vt = V[treated.to_numpy() > 0]
    constant = (vt == vt[0]).all(axis=0)
    assert inv.degenerate.tolist() == constant.tolist()
    expected = constant.mean()  # every such draw ties with t in the limit
    assert inv.limit_pvalue(1.0) == inv.limit_pvalue(-1.0) == pytest.approx(expected, abs=1e-15)
    b, s = res.params["d"], res.std_errors["d"]
    assert boot.pvalue_at("d", b + 1e9 * s) == boot.pvalue_at("d", b - 1e12 * s) == inv.limit_pvalue(1.0)
    ci = boot.conf_int(0.95).loc["d"]
    if weights == "rademacher":
        assert ci.tolist() == [-np.inf, np.inf]
    else:
        assert np.isfinite(ci).all()
