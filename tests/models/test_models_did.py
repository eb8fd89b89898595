"""Unit tests for staggered_did and event_study_twfe (fast; references in tests/models/reference)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cchc_research.errors import MissingValuesError, ModelError, NoNeverTreatedError
from cchc_research.models._did_dgp import simulate_staggered_panel, true_effects
from cchc_research.models.did import (
    AlwaysTreatedWarning,
    StaggeredDiDResults,
    UnbalancedPanelWarning,
    staggered_did,
)
from cchc_research.models.did_sunab import event_study_twfe
from cchc_research.models.results import TIDY_COLUMNS

KW = dict(outcome="y", unit="unit", time="time", cohort="cohort")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return simulate_staggered_panel(n_units=240, seed=7)


@pytest.fixture(scope="module")
def noiseless() -> pd.DataFrame:
    return simulate_staggered_panel(n_units=60, sigma=0.0, seed=1)


# -- estimates ---------------------------------------------------------------------------


def test_noiseless_panel_gives_true_effects(noiseless):
    res = staggered_did(noiseless, **KW)
    truth = true_effects(cohorts=(4, 6), n_periods=8)
    for row in res.att_gt.itertuples():
        expected = truth.get((int(row.group), int(row.time)), 0.0)
        assert row.att == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("method", ["callaway_santanna", "sun_abraham"])
def test_noiseless_dynamic_aggregation(noiseless, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dyn = staggered_did(noiseless, **KW, method=method).aggregate("dynamic")
    # equal cohort sizes: e=0 averages 1.0 (cohort 4) and 1.5 (cohort 6)
    assert dyn.params["e=0"] == pytest.approx(1.25, abs=1e-9)
    assert dyn.params["e=4"] == pytest.approx(3.0, abs=1e-9)  # cohort 4 only
    assert dyn.params["e=-2"] == pytest.approx(0.0, abs=1e-9)


def test_result_interface(panel):
    res = staggered_did(panel, **KW)
    assert isinstance(res, StaggeredDiDResults)
    assert list(res.att_gt.columns) == ["group", "time", "att", "std_error", "ci_low", "ci_high", "n"]
    assert list(res.tidy().columns) == TIDY_COLUMNS
    assert res.params.index[0] == "ATT(4,2)"
    assert res.nobs == 240 * 8
    ci = res.conf_int(0.95)
    assert_allclose(ci["lower"].to_numpy(), res.att_gt["ci_low"].to_numpy(), rtol=1e-12)
    text = res.summary
    assert "influence-function" in text and "bootstrap" in text
    assert not re.search(r"0x[0-9a-f]{6,}|\d{2}:\d{2}:\d{2}", text)
    assert text == staggered_did(panel, **KW).summary
    for kind in ("simple", "group", "dynamic", "calendar"):
        agg = res.aggregate(kind)
        assert agg.params.index[0] == "ATT"
        assert np.all(agg.std_errors > 0)
        assert "aggregated" in agg.cov_description


def test_row_order_does_not_matter(panel):
    a = staggered_did(panel, **KW)
    b = staggered_did(panel.sample(frac=1.0, random_state=3), **KW)
    pd.testing.assert_frame_equal(a.att_gt, b.att_gt)
    pd.testing.assert_series_equal(a.aggregate("group").params, b.aggregate("group").params)


def test_never_treated_coded_as_nan_or_zero(panel):
    coded = panel.assign(cohort=panel["cohort"].replace(0, np.nan))
    pd.testing.assert_frame_equal(staggered_did(panel, **KW).att_gt, staggered_did(coded, **KW).att_gt)


def test_cohort_after_last_period_is_never_treated(panel):
    moved = panel.assign(cohort=panel["cohort"].replace(0, 99))
    pd.testing.assert_frame_equal(staggered_did(panel, **KW).att_gt, staggered_did(moved, **KW).att_gt)


def test_cluster_by_unit_equals_default_and_coarser_cluster_sums_influence(panel):
    base = staggered_did(panel, **KW)
    same = staggered_did(panel.assign(cl=panel["unit"]), **KW, cluster="cl")
    assert_allclose(same.std_errors, base.std_errors, rtol=1e-12)
    coarse_col = panel["unit"] % 12
    coarse = staggered_did(panel.assign(cl=coarse_col), **KW, cluster="cl")
    psi = base.agg_inputs["influence"]
    codes = pd.factorize(panel.groupby("unit")["unit"].first() % 12, sort=True)[0]
    S = np.zeros((12, psi.shape[1]))
    np.add.at(S, codes, psi)
    expected = np.sqrt(np.sum(S**2, axis=0)) / psi.shape[0]
    assert_allclose(coarse.std_errors.to_numpy(), expected, rtol=1e-12)
    assert not np.allclose(coarse.std_errors, base.std_errors)


def test_not_yet_treated_without_never_treated_drops_late_periods(panel):
    treated_only = panel[panel["cohort"] > 0]
    with pytest.raises(NoNeverTreatedError, match="not_yet_treated"):
        staggered_did(treated_only, **KW)
    res = staggered_did(treated_only, **KW, control="not_yet_treated")
    assert res.att_gt["time"].max() == 5  # periods from cohort 6 on are dropped
    assert set(res.att_gt["group"]) == {4.0}
    assert "comparison" in res.extra["Data"]


# -- bad input ---------------------------------------------------------------------------


def test_always_treated_units_dropped_with_warning(panel):
    early = panel.copy()
    early.loc[early["unit"] < 5, "cohort"] = 1
    with pytest.warns(AlwaysTreatedWarning, match="5 unit"):
        res = staggered_did(early, **KW)
    assert res.extra["Units"] == 235


def test_unbalanced_panel_is_balanced_with_warning(panel):
    holes = panel.drop(index=panel.index[(panel["unit"] < 3) & (panel["time"] == 5)])
    with pytest.warns(UnbalancedPanelWarning, match="3 unit"):
        res = staggered_did(holes, **KW)
    expected = staggered_did(panel[panel["unit"] >= 3], **KW)
    pd.testing.assert_frame_equal(res.att_gt, expected.att_gt)


def test_missing_outcome_is_an_error(panel):
    bad = panel.copy()
    bad.loc[3, "y"] = np.nan
    with pytest.raises(MissingValuesError, match="'y'"):
        staggered_did(bad, **KW)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: pd.concat([d, d.iloc[[0]]]), "duplicate"),
        (lambda d: d.assign(cohort=np.where(d.index == 0, 6, d["cohort"])), "constant within"),
        (lambda d: d.drop(columns="y"), "not in the data"),
        (lambda d: d.assign(cohort=0), "no treated cohort"),
        (lambda d: d[d["time"] == 1], "two periods"),
    ],
    ids=["duplicates", "varying-cohort", "missing-column", "no-treated", "one-period"],
)
def test_bad_panels(panel, mutate, message):
    with pytest.raises(ModelError, match=message):
        staggered_did(mutate(panel), **KW)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "bacon"},
        {"control": "everyone"},
        {"method": "sun_abraham", "control": "not_yet_treated"},
        {"base_period": "first"},
        {"anticipation": -1},
        {"method": "sun_abraham", "covariates": ["time"]},
    ],
)
def test_bad_options(panel, kwargs):
    with pytest.raises(ModelError):
        staggered_did(panel, **KW, **kwargs)


def test_unknown_aggregation(panel):
    with pytest.raises(ModelError, match="unknown aggregation"):
        staggered_did(panel, **KW).aggregate("weekly")


# -- Sun–Abraham and the naive TWFE event study ----------------------------------------


def test_sun_abraham_last_treated_control(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = staggered_did(panel[panel["cohort"] > 0], **KW, method="sun_abraham", control="last_treated")
    assert set(res.att_gt["group"]) == {4.0}
    assert res.att_gt["time"].max() == 5
    assert "CR1" in res.cov_description


def test_event_study_twfe_matches_pyfixest(panel):
    import pyfixest as pf  # pinned dependency: a missing one must fail, not skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = event_study_twfe(panel, **KW)
        d = panel.assign(rel=np.where(panel["cohort"] > 0, panel["time"] - panel["cohort"], -1))
        fit = pf.feols("y ~ i(rel, ref=-1) | unit + time", data=d, vcov={"CRV1": "unit"})
    tidy = fit.tidy()
    rel = tidy.index.str.extract(r"rel::(-?[\d.]+)")[0].astype(float)
    names = [f"e={int(r)}" for r in rel]
    assert_allclose(res.params[names].to_numpy(), tidy["Estimate"].to_numpy(), rtol=0, atol=1e-8)
    assert_allclose(res.std_errors[names].to_numpy(), tidy["Std. Error"].to_numpy(), rtol=0, atol=1e-8)
    assert "e=-1" not in res.params.index


def test_event_study_twfe_window_and_errors(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = event_study_twfe(panel, **KW, window=(-2, 2), vcov="hetero")
    assert res.params.index.tolist() == ["e=-2", "e=0", "e=1", "e=2"]
    assert "binned" in res.model_name
    with pytest.raises(ModelError, match="outside window"):
        event_study_twfe(panel, **KW, window=(0, 2))
    with pytest.raises(ModelError, match="vcov"):
        event_study_twfe(panel, **KW, vcov="HC3")
    with pytest.raises(NoNeverTreatedError):
        event_study_twfe(panel[panel["cohort"] > 0], **KW)


def test_twfe_event_study_differs_from_robust_estimators(noiseless):
    """Under heterogeneous effects the naive leads are not zero; CS and SA are."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        naive = event_study_twfe(noiseless, **KW)
        sa = staggered_did(noiseless, **KW, method="sun_abraham").aggregate("dynamic")
    assert abs(naive.params["e=-4"]) > 0.1
    assert abs(sa.params["e=-4"]) < 1e-9


def test_constant_covariate_is_collinear(panel):
    from cchc_research.errors import CollinearityError

    with pytest.raises(CollinearityError, match="collinear"):
        staggered_did(panel.assign(x=1.0), **KW, covariates=["x"])


def test_missing_covariate_is_an_error(panel):
    bad = panel.assign(x=np.where(panel.index == 5, np.nan, 1.0))
    with pytest.raises(MissingValuesError, match="'x'"):
        staggered_did(bad, **KW, covariates=["x"])


# ----------------------------------------------------------------------------- inference
def test_linear_weights_reproduce_every_cell(panel):
    for method, control in (("callaway_santanna", "not_yet_treated"), ("sun_abraham", "last_treated"),
                            ("callaway_santanna", "never_treated"), ("sun_abraham", "never_treated")):
        res = staggered_did(panel, **KW, method=method, control=control)
        W = res.agg_inputs["cell_weights"]()
        Y = res.agg_inputs["panel"].Y
        assert_allclose(np.einsum("cit,it->c", W, Y), res.agg_inputs["att"], rtol=0, atol=1e-10)


def test_randomization_inference_interface_and_determinism(panel):
    res = staggered_did(panel, **KW, control="not_yet_treated")
    a = res.aggregate("dynamic", inference="randomization", B=199, seed=5)
    b = res.aggregate("dynamic", inference="randomization", B=199, seed=5)
    assert a.params.equals(res.aggregate("dynamic").params)  # same estimates, other intervals
    assert a.conf_int().equals(b.conf_int()) and a.pvalues.equals(b.pvalues)
    ci = a.conf_int()
    assert ((ci["lower"] <= a.params) & (a.params <= ci["upper"])).all()
    assert (a.pvalues >= 1 / 200).all() and (a.pvalues <= 1).all()
    assert a.tidy().columns.tolist() == list(TIDY_COLUMNS)
    assert "randomization inference over rollout dates" in a.cov_description and "B=199" in a.cov_description
    wider = a.conf_int(0.99)
    assert ((wider["lower"] <= ci["lower"]) & (ci["upper"] <= wider["upper"])).all()


def test_randomization_interval_is_the_exact_inversion(panel):
    # at each reported bound the p-value crosses 1 - level: just inside it is > 0.05
    from cchc_research.models.did_inference import invert_permutation_test

    rng = np.random.default_rng(0)
    a, c = rng.normal(size=499), 0.6 + 0.1 * rng.normal(size=499)  # |c| < 1: bounded
    low, high, _ = invert_permutation_test(a, c, 1.5, 1.0, 0.95)

    def p(tau):
        return (1 + np.sum(np.abs(a - tau * c) >= abs(1.5 - tau))) / 500

    assert low < 1.5 < high
    eps = 1e-7 * (high - low)
    assert p(low + eps) > 0.05 >= p(low - eps)
    assert p(high - eps) > 0.05 >= p(high + eps)


def test_multiplier_bootstrap_options(panel):
    res = staggered_did(panel, **KW)
    point = res.aggregate("dynamic", inference="multiplier", B=999, seed=1)
    band = res.aggregate("dynamic", inference="multiplier", B=999, seed=1, uniform=True)
    assert_allclose(point.std_errors, res.aggregate("dynamic").std_errors, rtol=0.2)
    assert (band.conf_int()["upper"] - band.conf_int()["lower"] > point.conf_int()["upper"] - point.conf_int()["lower"]).all()
    rad = res.aggregate("simple", inference="multiplier", weights="rademacher", seed=1)
    assert "rademacher" in rad.cov_description


@pytest.mark.parametrize("kwargs,call,match", [
    ({}, dict(inference="bayes"), "unknown inference"),
    (dict(method="sun_abraham"), dict(inference="multiplier"), "needs influence functions"),
    (dict(covariates=["x"]), dict(inference="randomization"), "linear in the outcome"),
    (dict(cluster="province"), dict(inference="randomization"), "linear in the outcome"),
    (dict(covariates=["x"]), dict(inference="cell_variance"), "linear in the outcome"),
    ({}, dict(inference="randomization", B=10), "at least 99"),
    ({}, dict(inference="multiplier", B=10), "at least 99"),
    ({}, dict(inference="multiplier", weights="webb"), "weights must be one of"),
])
def test_inference_refusals(panel, kwargs, call, match):
    df = panel.assign(x=np.random.default_rng(0).normal(size=len(panel)),
                      province=panel["unit"] % 5)
    res = staggered_did(df, **KW, **kwargs)
    with pytest.raises(ModelError, match=match):
        res.aggregate("simple", **call)


def test_cell_variance_is_the_exact_variance_of_a_linear_estimate():
    # one cell: (Y_12 − Y_11) − (Y_22 − Y_21) with known per-cell variances in the sums
    from cchc_research.models.did_inference import unit_variance

    rng = np.random.default_rng(3)
    Y = rng.normal(size=(40, 6))
    W = rng.normal(size=(2, 40, 6))
    var, s2 = unit_variance(Y, np.ones_like(Y, dtype=bool), W)
    assert_allclose(var, (W**2 * s2[None]).sum(axis=(1, 2)), rtol=1e-12)
    assert s2.shape == (40, 6) and np.isfinite(s2).all()


def test_inference_level_outside_unit_interval(panel):
    res = staggered_did(panel, **KW).aggregate("simple", inference="randomization", B=99)
    with pytest.raises(ModelError, match="level"):
        res.conf_int(1.5)
