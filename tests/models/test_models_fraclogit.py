"""frac_logit: conventions, marginal effects and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from cchc_research.errors import CollinearityError, MissingValuesError, ModelError, OutcomeRangeError
from cchc_research.models import frac_logit


@pytest.fixture(scope="module")
def rates():
    """Simulated fractional outcome: on-time share of 30 districts x 8 years."""
    rng = np.random.default_rng(3)
    n = 240
    df = pd.DataFrame({"district": np.repeat(np.arange(30), 8), "year": np.tile(np.arange(8), 30)})
    df["x"] = rng.normal(size=n)
    df["reform"] = (rng.random(n) < 0.4).astype(float)
    eta = -0.5 + 0.8 * df["x"] + 0.6 * df["reform"] + rng.normal(0, 0.3, 30)[df["district"]]
    df["rate"] = rng.binomial(50, 1 / (1 + np.exp(-eta))) / 50
    df["w"] = rng.integers(1, 5, n).astype(float)
    return df


def test_robust_is_hc0_times_n_over_n_minus_1(spector):
    """statsmodels' GLM 'HC1' equals HC0; the Stata factor N/(N-1) is applied explicitly."""
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    glm = sm.GLM(spector["GRADE"], X, family=sm.families.Binomial())
    hc0, hc1 = glm.fit(cov_type="HC0", tol=1e-13), glm.fit(cov_type="HC1", tol=1e-13)
    assert_allclose(hc1.bse, hc0.bse, rtol=1e-12)
    res = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"])
    n = len(spector)
    assert_allclose(res.std_errors.to_numpy(), hc0.bse.to_numpy() * np.sqrt(n / (n - 1)), rtol=1e-10)


def test_cluster_sandwich_by_hand(rates):
    res = frac_logit(rates, "rate", ["x", "reform"], vcov="cluster", cluster="district")
    X = sm.add_constant(rates[["x", "reform"]]).to_numpy()
    b = res.params[["Intercept", "x", "reform"]].to_numpy()
    p = 1 / (1 + np.exp(-X @ b))
    bread = np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None]))
    S = pd.DataFrame(X * (rates["rate"].to_numpy() - p)[:, None]).groupby(rates["district"].to_numpy()).sum()
    G = 30
    V = bread @ (S.T.to_numpy() @ S.to_numpy()) @ bread * G / (G - 1)
    assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(V)), rtol=1e-7)
    assert "G/(G-1)" in res.cov_description


def test_ame_matches_statsmodels_margeff(spector):
    res = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"], vcov="model")
    logit = sm.Logit(spector["GRADE"], sm.add_constant(spector[["GPA", "TUCE", "PSI"]])).fit(disp=0, tol=1e-12)
    for dummy, discrete in ((False, ()), (True, ("PSI",))):
        me = logit.get_margeff(at="overall", dummy=dummy)
        ame = res.average_marginal_effects(discrete=discrete)
        assert_allclose(ame.params.to_numpy(), me.margeff, rtol=1e-7)
        assert_allclose(ame.std_errors.to_numpy(), me.margeff_se, rtol=1e-5)  # statsmodels: numerical Jacobian


def test_ame_matches_numerical_delta_method(rates):
    res = frac_logit(rates, "rate", ["x", "reform"], weights="w")
    X = res.design.to_numpy()
    w = rates["w"].to_numpy() / rates["w"].sum()

    def ame(beta):
        p = 1 / (1 + np.exp(-X @ beta))
        return np.array([beta[1] * w @ (p * (1 - p)), beta[2] * w @ (p * (1 - p))])

    beta = res.full_params.to_numpy()
    h = 1e-6
    J = np.column_stack([(ame(beta + h * e) - ame(beta - h * e)) / (2 * h) for e in np.eye(len(beta))])
    V = J @ res.full_cov.to_numpy() @ J.T
    out = res.average_marginal_effects()
    assert_allclose(out.params.to_numpy(), ame(beta), rtol=1e-12)
    assert_allclose(out.std_errors.to_numpy(), np.sqrt(np.diag(V)), rtol=1e-6)


def test_fixed_effects_as_dummies(rates):
    res = frac_logit(rates, "rate", ["x", "reform"], fe=["year"], vcov="cluster", cluster="district")
    assert list(res.params.index) == ["Intercept", "x", "reform"]
    assert res.full_params.shape[0] == 3 + 7
    assert abs(res.params["x"] - 0.8) < 0.2


def test_weights_equal_replication_for_estimates(rates):
    """Integer weights give the same estimates as replicating rows."""
    sub = rates.head(60).copy()
    rep = sub.loc[sub.index.repeat(sub["w"].astype(int))]
    a = frac_logit(sub, "rate", ["x", "reform"], weights="w")
    b = frac_logit(rep, "rate", ["x", "reform"])
    assert_allclose(a.params, b.params, rtol=1e-8)


def test_outcome_range_error_names_rows(rates):
    df = rates.copy()
    df.loc[[5, 17], "rate"] = [1.5, -0.1]
    with pytest.raises(OutcomeRangeError, match=r"2 row\(s\) outside.*5: 1.5.*17: -0.1"):
        frac_logit(df, "rate", ["x"])


def test_bad_input(rates):
    with pytest.raises(CollinearityError, match="x2"):
        frac_logit(rates.assign(x2=rates["x"] * 3), "rate", ["x", "x2"])
    df = rates.copy()
    df.loc[0, "x"] = np.nan
    with pytest.raises(MissingValuesError):
        frac_logit(df, "rate", ["x"])
    with pytest.raises(ModelError, match="cluster"):
        frac_logit(rates, "rate", ["x"], vcov="cluster")
    with pytest.raises(ModelError, match="vcov"):
        frac_logit(rates, "rate", ["x"], vcov="HC3")
    with pytest.raises(ModelError, match="0/1"):
        frac_logit(rates, "rate", ["x"]).average_marginal_effects(discrete="x")


def test_summary_deterministic(spector):
    a = frac_logit(spector, "GRADE", ["GPA", "PSI"]).summary
    b = frac_logit(spector, "GRADE", ["GPA", "PSI"]).summary
    assert a == b and "N/(N-1)" in a
