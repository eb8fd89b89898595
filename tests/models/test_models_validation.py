"""Shared input checks in cchc_research.models._validation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cchc_research.errors import (
    CollinearityError,
    FewClustersWarning,
    MissingValuesError,
    MissingValuesWarning,
    ModelError,
    PerfectPredictionError,
    SingletonWarning,
    TooFewClustersError,
)
from cchc_research.models import (
    event_study_twfe,
    frac_logit,
    random_effects,
    staggered_did,
    synthetic_control,
    twfe,
    wild_bootstrap,
)
from cchc_research.models._dgp import simulate_simple_panel
from cchc_research.models._validation import (
    check_clusters,
    check_collinearity,
    check_constant_within,
    check_fe_collinearity,
    check_missing,
    check_model_input,
    check_separation,
    check_time_column,
    check_unique_unit_time,
    drop_singletons,
    find_singletons,
)


def test_singletons_iterative_matches_bruteforce():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(0, 30, 80), "b": rng.integers(0, 25, 80)})
    mask = find_singletons(df, ["a", "b"])
    keep = df.copy()
    while True:  # brute force: drop singletons until none left
        single = (keep.groupby("a")["a"].transform("size") == 1) | (keep.groupby("b")["b"].transform("size") == 1)
        if not single.any():
            break
        keep = keep[~single]
    assert set(df.index[~mask]) == set(keep.index)


def test_drop_singletons_warns_with_count():
    df = pd.DataFrame({"u": [1, 1, 2, 3, 3, 4]})
    with pytest.warns(SingletonWarning, match="dropped 2 observation"):
        out, n = drop_singletons(df, ["u"])
    assert n == 2 and out["u"].tolist() == [1, 1, 3, 3]


def test_collinearity_names_columns_and_constants():
    X = pd.DataFrame({"const": 1.0, "a": [1.0, 2, 3, 5], "zero": 0.0, "b": [0.5, 1, 1.5, 2.5]})
    with pytest.raises(CollinearityError, match=r"\['zero', 'b'\]"):
        check_collinearity(X)
    check_collinearity(X[["const", "a"]])  # full rank: no error


def test_missing_and_clusters():
    df = pd.DataFrame({"y": [1.0, np.nan, 3.0], "g": ["a", "b", None]})
    with pytest.raises(MissingValuesError, match="y: 1; g: 1"):
        check_missing(df, ["y", "g"])
    with pytest.warns(MissingValuesWarning):
        assert len(check_missing(df, ["y", "g"], dropna=True)) == 1
    with pytest.raises(TooFewClustersError):
        check_clusters(pd.Series([1, 1, 1]))
    with pytest.warns(FewClustersWarning):
        assert check_clusters(pd.Series(range(5))) == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_clusters(pd.Series(range(30))) == 30


# --- every estimator refuses the same kinds of bad input (issue 8, item 6) ---------------
# The table docs/bad-inputs/models.md lists these cases.

@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    df = simulate_simple_panel(n_units=12, n_periods=8, effect=1.0, seed=1)
    df["rate"] = 1 / (1 + np.exp(-df["y"] / 5))
    df["size"] = df["unit"] % 3 + 0.5  # constant within units
    return df


ESTIMATORS = {
    "twfe": lambda d: twfe(d, "y", ["d", "x"], fe=["unit", "period"], cluster="unit"),
    "frac_logit": lambda d: frac_logit(d, "rate", ["x"], vcov="cluster", cluster="unit"),
    "random_effects": lambda d: random_effects(d, "y", ["x"], unit="unit", time="period"),
    "staggered_did": lambda d: staggered_did(d, "y", "unit", "period", "cohort"),
    "event_study_twfe": lambda d: event_study_twfe(d, "y", "unit", "period", "cohort"),
    "synthetic_control": lambda d: synthetic_control(d, "y", "unit", "period", treated_unit=0,
                                                     treatment_time=5, placebos=False),
}


def _run(name, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ESTIMATORS[name](data)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_empty_frame(panel, name):
    with pytest.raises(ModelError, match="empty data frame"):
        _run(name, panel.iloc[:0])


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_missing_column(panel, name):
    with pytest.raises(ModelError, match="not in the data"):
        _run(name, panel.drop(columns=["y", "rate"]))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_text_outcome(panel, name):
    bad = panel.assign(y=panel["y"].astype(str), rate=panel["rate"].astype(str))
    with pytest.raises(ModelError, match="must be numeric, got text"):
        _run(name, bad)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_infinite_outcome(panel, name):
    bad = panel.copy()
    bad.loc[bad.index[5], ["y", "rate"]] = np.inf
    with pytest.raises(ModelError, match="infinite"):
        _run(name, bad)


@pytest.mark.parametrize("name", ["twfe", "frac_logit", "random_effects"])
def test_text_regressor(panel, name):
    with pytest.raises(ModelError, match="'x' must be numeric"):
        _run(name, panel.assign(x=panel["x"].map(lambda v: f"{v:.3f}".replace(".", ","))))


@pytest.mark.parametrize("name", ["random_effects", "staggered_did", "event_study_twfe", "synthetic_control"])
def test_text_time(panel, name):
    """Text periods order as text ("10" < "9"): refused, never guessed."""
    with pytest.raises(ModelError, match="time column 'period' holds text"):
        _run(name, panel.assign(period=panel["period"].astype(str)))


@pytest.mark.parametrize("name", ["twfe", "random_effects", "staggered_did", "event_study_twfe",
                                  "synthetic_control"])
def test_duplicate_unit_time_rows(panel, name):
    with pytest.raises(ModelError, match=r"one row per \('unit', 'period'\)"):
        _run(name, pd.concat([panel, panel.iloc[[3, 10]]]))


def test_twfe_repeated_cross_sections_opt_in(panel):
    doubled = pd.concat([panel, panel.assign(y=panel["y"] + 0.1)], ignore_index=True)
    with pytest.raises(ModelError, match="panel=False"):
        twfe(doubled, "y", ["d"], fe=["unit", "period"], cluster="unit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = twfe(doubled, "y", ["d"], fe=["unit", "period"], cluster="unit", panel=False)
        once = twfe(panel, "y", ["d"], fe=["unit", "period"], cluster="unit")
    # every cell twice, shifted by a constant: same slope
    assert res.params["d"] == pytest.approx(once.params["d"], rel=1e-9)
    assert res.nobs == 2 * once.nobs


@pytest.mark.parametrize("name", ["staggered_did", "event_study_twfe"])
def test_cohort_varying_within_unit(panel, name):
    bad = panel.copy()
    first_row = bad.index[bad["unit"] == 2][0]  # unit 2 is never treated (cohort 0)
    bad.loc[first_row, "cohort"] = 4
    with pytest.raises(ModelError, match="constant within each 'unit'"):
        _run(name, bad)


def test_check_constant_within_counts_missing_as_a_value():
    df = pd.DataFrame({"u": [1, 1, 2, 2], "g": [np.nan, 2019.0, np.nan, np.nan]})
    with pytest.raises(ModelError, match=r"e.g. 1 with \[2019.0, 'missing'\]"):
        check_constant_within(df, "u", "g")
    check_constant_within(df[df["u"] == 2], "u", "g")


def test_twfe_regressor_collinear_with_one_fixed_effect(panel):
    with pytest.raises(CollinearityError, match="'size' is constant within each group of the fixed effect 'unit'"):
        twfe(panel, "y", ["d", "size"], fe=["unit", "period"], cluster="unit")


@pytest.mark.parametrize("regs", [["add"], ["d", "add"]])
def test_twfe_regressor_collinear_with_fixed_effects_combined(panel, regs):
    """x = a_unit + b_period: no single fixed effect absorbs it, both together do."""
    df = panel.assign(add=panel["unit"] % 3 + panel["period"])
    with pytest.raises(CollinearityError, match="'add'|\\['add'\\]") as info:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            twfe(df, "y", regs, fe=["unit", "period"], cluster="unit")
    assert "reach out" not in str(info.value) and "unit" in str(info.value)


def test_check_fe_collinearity_ignores_varying_regressors():
    df = pd.DataFrame({"unit": [1, 1, 2, 2], "x": [1.0, 2.0, 3.0, 3.0]})
    check_fe_collinearity(df, ["x"], ["unit"])  # varies within unit 1: estimable


@pytest.mark.parametrize("value,word", [(1.0, "every outcome is 1"), (0.0, "every outcome is 0")])
def test_frac_logit_constant_boundary_outcome(panel, value, word):
    with pytest.raises(PerfectPredictionError, match=word):
        frac_logit(panel.assign(rate=value), "rate", ["x"])


def test_frac_logit_separation_by_regressor(panel):
    with pytest.raises(PerfectPredictionError, match=r"perfectly predicted by \['x'\]"):
        frac_logit(panel.assign(rate=(panel["x"] > 0).astype(float)), "rate", ["x"])


def test_frac_logit_quasi_separation_by_fixed_effect(panel):
    """One unit always at 100 %: its fixed effect would run to +infinity."""
    df = panel.assign(rate=np.where(panel["unit"] == 4, 1.0, panel["rate"]))
    with pytest.raises(PerfectPredictionError, match=r"unit_4"):
        frac_logit(df, "rate", ["x"], fe="unit")


def test_frac_logit_boundary_values_without_separation_are_fitted(panel):
    """Some 0s and 1s mixed with interior values: the QMLE is finite and is returned."""
    rate = panel["rate"].to_numpy().copy()
    rate[:4], rate[4:8] = 1.0, 0.0
    res = frac_logit(panel.assign(rate=rate), "rate", ["x"])
    assert np.isfinite(res.params).all() and abs(res.params["x"]) < 5


def test_check_separation_interior_only_and_weights():
    X = pd.DataFrame({"Intercept": 1.0, "x": [1.0, 2.0, 3.0, 4.0]})
    check_separation(pd.Series([0.2, 0.4, 0.6, 0.8]), X)
    # rows 2-3 separate, but with zero weight they do not count: only interior rows remain
    check_separation(pd.Series([0.3, 0.5, 1.0, 1.0]), X, weights=np.array([1.0, 1.0, 1.0, 0.0]))


def test_time_column_kinds():
    check_time_column(pd.Series([2019, 2020]), "year")
    check_time_column(pd.Series(pd.period_range("2020-01", periods=2, freq="M")), "m")
    with pytest.raises(ModelError, match="numbered periods"):
        check_time_column(pd.Series(pd.date_range("2020", periods=2)), "d", numeric_only=True)
    with pytest.raises(ModelError, match="booleans"):
        check_time_column(pd.Series([True, False]), "flag")


def test_unique_key_message_and_model_input_none_columns():
    df = pd.DataFrame({"u": [1, 1], "t": [1, 1], "y": [1.0, 2.0]})
    with pytest.raises(ModelError, match=r"\(1, 1\) \(2 rows\); aggregate them first$"):
        check_unique_unit_time(df, "u", "t")
    check_model_input(df, "x", numeric=["y", None], other=[None])


def test_wild_bootstrap_refuses_non_twfe_and_bad_options(panel):
    with pytest.raises(ModelError, match="twfe"):
        wild_bootstrap(frac_logit(panel, "rate", ["x"]))
