"""Tests of cchc_research.analysis.pci (notebook 04: time costs and transparency)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_research.analysis import pci
from cchc_research.errors import InvalidArgumentError, MissingValuesError, ModelError, OutcomeRangeError
from cchc_research.models import twfe
from cchc_research.models.demean import demean_frame

G1 = "pci_g1_time_on_regulations"


def _toy(n_units=30, years=range(2012, 2017), seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = [f"{i:02d}" for i in range(1, n_units + 1)]
    df = pd.DataFrame([(c, c, y) for c in codes for y in years], columns=["geo_code", "geo_name", "year"])
    u = df["geo_code"].astype(int) / n_units
    df["t"] = rng.normal(size=len(df)) + u
    df["w"] = rng.normal(size=len(df))
    eta = -1.0 - 0.4 * df["t"] + 0.5 * u + 0.05 * (df["year"] - 2012)
    df["share"] = 1 / (1 + np.exp(-(eta + rng.normal(scale=0.2, size=len(df)))))
    return df


# ---------------------------------------------------------------- web score
def test_web_score_z_standardises_within_year_and_uses_2012_scale():
    df = pd.DataFrame({"year": [2012, 2012, 2012, 2013, 2013, 2014],
                       "pci_web_score_2012": [5.0, 10.0, 15.0, np.nan, np.nan, np.nan],
                       "pci_web_score": [np.nan, np.nan, np.nan, 20.0, 30.0, 7.0]})
    z = pci.add_web_score_z(df)[pci.WEB_SCORE_Z]
    assert z.iloc[:3].tolist() == [-1.0, 0.0, 1.0]
    np.testing.assert_allclose(z.iloc[3:5], [-np.sqrt(0.5), np.sqrt(0.5)])
    assert np.isnan(z.iloc[5])  # a single value in 2014 cannot be standardised
    with pytest.raises(ModelError):
        pci.add_web_score_z(pd.DataFrame({"year": [2012]}))


def test_web_score_z_on_real_data(province_year_panel):
    z = pci.add_web_score_z(province_year_panel)
    sub = z[z["year"].between(2012, 2016)]
    stats = sub.groupby("year")[pci.WEB_SCORE_Z].agg(["mean", "std", "count"])
    np.testing.assert_allclose(stats["mean"], 0, atol=1e-12)
    np.testing.assert_allclose(stats["std"], 1, rtol=1e-12)
    assert (stats["count"] == 63).all()


def test_is_share_outcome_uses_catalog():
    assert pci.is_share_outcome(G1)
    assert not pci.is_share_outcome("pci_transparency")


# ---------------------------------------------------------------- two-way demeaning
def test_within_variation_is_fwl_exact_on_unbalanced_panel():
    df = _toy(seed=3)
    df = df.drop(index=[0, 7, 44, 101]).reset_index(drop=True)  # unbalanced
    dm = demean_frame(df, ["share", "t"], ["geo_code", "year"])
    np.testing.assert_allclose(dm.groupby("geo_code")[["share", "t"]].mean(), 0, atol=1e-10)
    np.testing.assert_allclose(dm.groupby("year")[["share", "t"]].mean(), 0, atol=1e-10)
    slope = float(np.dot(dm["t"], dm["share"]) / np.dot(dm["t"], dm["t"]))
    res = twfe(df, "share", ["t"], fe=["geo_code", "year"], cluster="geo_code")
    np.testing.assert_allclose(slope, float(res.params["t"]), rtol=1e-8)


def test_within_variation_errors():
    df = _toy(n_units=3)
    with pytest.raises(InvalidArgumentError, match="not in the frame"):
        demean_frame(df, ["nope"], ["geo_code", "year"])
    df.loc[0, "t"] = np.nan
    with pytest.raises(MissingValuesError, match="complete"):
        demean_frame(df, ["t"], ["geo_code", "year"])


# ---------------------------------------------------------------- models (hand-made)
def test_timecost_models_keys_and_shared_sample():
    df = _toy()
    df.loc[3, "w"] = np.nan
    fits = pci.timecost_models(df, outcome="share", regressors=["t", "w"], bootstrap_reps=999,
                               units=sorted(df["geo_code"].unique()))
    assert list(fits) == ["t", "w", "joint"]
    assert {f.twfe.nobs for f in fits.values()} == {len(df) - 1}
    assert list(fits["joint"].twfe.params.index) == ["t", "w"]
    assert fits["t"].row()["estimate"] < 0
    with pytest.raises(InvalidArgumentError, match="cannot also be a regressor"):
        pci.timecost_models(df, outcome="t", regressors=["t"])
    with pytest.raises(InvalidArgumentError, match="at least one regressor"):
        pci.timecost_models(df, outcome="share", regressors=[])


def test_frac_logit_cre_recovers_logit_slope_and_reports_ame_of_regressors_only():
    df = _toy(n_units=60, seed=4)
    out = pci.frac_logit_models(df, outcome="share", regressors=["t", "w"], units=sorted(df["geo_code"].unique()))
    assert list(out) == ["t", "w", "joint"]
    fit = out["joint"]["fit"]
    assert "t__province_mean" in fit.params.index
    assert abs(float(fit.params["t"]) + 0.4) < 0.05
    assert list(out["joint"]["ame"].params.index) == ["t", "w"]
    assert "cluster" in fit.cov_description


def test_frac_logit_rejects_non_share_outcome(province_year_panel):
    with pytest.raises(OutcomeRangeError):
        pci.frac_logit_models(province_year_panel, outcome="pci_time_costs", regressors=["pci_transparency"])


# ---------------------------------------------------------------- real processed data
def test_real_timecost_models(province_year_panel):
    fits = pci.timecost_models(province_year_panel, bootstrap_reps=999, seed=1)
    assert list(fits) == ["pci_transparency", pci.WEB_SCORE_Z, "joint"]
    sel = fits["joint"].selection
    assert sel.n_used == 315 and sel.n_dropped == 0  # 63 provinces × 2012–2016, complete
    for f in fits.values():
        assert f.row()["clusters"] == 63
        assert f.row()["boot_ci_low"] <= f.row()["estimate"] <= f.row()["boot_ci_high"]


def test_real_frac_logit_ame_close_to_twfe(province_year_panel):
    fl = pci.frac_logit_models(province_year_panel, regressors=["pci_transparency"])
    tw = pci.timecost_models(province_year_panel, regressors=["pci_transparency"], bootstrap_reps=999)
    ame = float(fl["pci_transparency"]["ame"].params["pci_transparency"])
    lin = tw["pci_transparency"].row()
    # same sample and within-province variation: the AME lies inside the TWFE 95% interval
    assert lin["ci_low"] < ame < lin["ci_high"]
