"""Tests of cchc_research.analysis.papi (notebook 03: e-governance and procedures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_research.analysis import papi
from cchc_research.models.demean import demean_frame
from cchc_research.errors import InvalidArgumentError, MissingValuesError

D5, D6, D8 = "papi_d5_public_admin_procedures", "papi_d6_public_service_delivery", "papi_d8_e_governance"

#: Province-years of 2018–2024 without D5 or D8 (data/raw/papi_2017_2024/PROVENANCE.md).
KNOWN_GAPS_D5_D8 = {
    ("22", 2021), ("24", 2021), ("27", 2021),  # Quảng Ninh, Bắc Giang, Bắc Ninh: no 2021 survey data
    ("24", 2022), ("27", 2022),  # Bắc Giang, Bắc Ninh 2022: partly missing
    ("22", 2023), ("74", 2023),  # Quảng Ninh, Bình Dương 2023
    ("26", 2024), ("82", 2024),  # Vĩnh Phúc, Tiền Giang 2024 (zeros in the source)
}


def _toy(n_units=40, years=range(2018, 2023), slope=0.5, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = [f"{i:02d}" for i in range(1, n_units + 1)]
    df = pd.DataFrame([(c, f"P{c}", y) for c in codes for y in years], columns=["geo_code", "geo_name", "year"])
    unit_effect = df["geo_code"].astype(int) / 10
    df["x"] = rng.normal(size=len(df)) + unit_effect
    df["y"] = slope * df["x"] + unit_effect + 0.1 * (df["year"] - 2018) + rng.normal(scale=0.5, size=len(df))
    return df


# ---------------------------------------------------------------- select_panel (hand-made)
def test_select_panel_reports_blank_cells_and_absent_rows():
    df = _toy(n_units=3, years=range(2018, 2021))
    df.loc[(df["geo_code"] == "02") & (df["year"] == 2019), "y"] = np.nan
    df = df[~((df["geo_code"] == "03") & (df["year"] == 2020))]
    sel = papi.select_panel(df, ["y", "x"], 2018, 2020, units=["01", "02", "03"])
    assert sel.n_used == 7 and sel.n_dropped == 2
    got = {(r.geo_code, r.year): r.reason for r in sel.dropped.itertuples()}
    assert got == {("02", 2019): "missing: y", ("03", 2020): "missing: y, x"}  # absent row: every column
    assert not sel.data[["y", "x"]].isna().any().any()
    assert "7 of 9 province-years used, 2 dropped" in sel.report()
    assert "03 P03 2020: missing: y, x" in sel.report()


def test_select_panel_window_and_units_are_respected():
    df = _toy(n_units=4, years=range(2016, 2024))
    sel = papi.select_panel(df, ["y"], 2018, 2020, units=["01", "02"])
    assert set(sel.data["geo_code"]) == {"01", "02"}
    assert sel.data["year"].between(2018, 2020).all() and sel.n_used == 6


def test_select_panel_errors():
    df = _toy(n_units=2, years=[2018])
    with pytest.raises(InvalidArgumentError, match="not in the panel"):
        papi.select_panel(df, ["nope"], 2018, 2018, units=["01"])
    with pytest.raises(InvalidArgumentError, match="after end_year"):
        papi.select_panel(df, ["y"], 2019, 2018, units=["01"])
    df["y"] = np.nan
    with pytest.raises(MissingValuesError):
        papi.select_panel(df, ["y"], 2018, 2018, units=["01", "02"])


# ---------------------------------------------------------------- estimation (hand-made)
def test_fit_recovers_slope_and_is_seeded():
    df = _toy(slope=0.5, seed=1)
    sel = papi.select_panel(df, ["y", "x"], 2018, 2022, units=sorted(df["geo_code"].unique()))
    a = papi.fit_twfe_bootstrap(sel, "y", "x", bootstrap_reps=999, seed=7)
    b = papi.fit_twfe_bootstrap(sel, "y", "x", bootstrap_reps=999, seed=7)
    assert abs(a.row()["estimate"] - 0.5) < 0.1
    assert a.row() == b.row()
    assert a.row()["boot_ci_low"] < 0.5 < a.row()["boot_ci_high"]
    assert "CR1" in a.twfe.cov_description


def test_null_slope_is_not_rejected_everywhere():
    df = _toy(slope=0.0, seed=2)
    sel = papi.select_panel(df, ["y", "x"], 2018, 2022, units=sorted(df["geo_code"].unique()))
    row = papi.fit_twfe_bootstrap(sel, "y", "x", bootstrap_reps=999, seed=3).row()
    assert row["boot_p_value"] > 0.05


def test_fit_rejects_columns_outside_selection():
    df = _toy()
    sel = papi.select_panel(df, ["y", "x"], 2018, 2022, units=sorted(df["geo_code"].unique()))
    with pytest.raises(InvalidArgumentError, match="not in the selection"):
        papi.fit_twfe_bootstrap(sel, "y", "z")


def test_egovernance_models_argument_errors():
    df = _toy()
    with pytest.raises(InvalidArgumentError, match="at least one outcome"):
        papi.egovernance_models(df, outcomes=[], regressor="x")
    with pytest.raises(InvalidArgumentError, match="cannot also be an outcome"):
        papi.egovernance_models(df, outcomes=["y", "x"], regressor="x")


def test_leave_one_region_out_needs_region_columns():
    with pytest.raises(InvalidArgumentError, match="regions needs"):
        papi.leave_one_region_out(_toy(), outcome="y", regressor="x", regions=pd.DataFrame({"geo_code": ["01"]}))


def test_dimension_coverage_counts_and_errors():
    df = pd.DataFrame({"year": [2017, 2018, 2018, 2020], "d": [1.0, np.nan, 2.0, 3.0]})
    cov = papi.dimension_coverage(df, 2017, 2020, ["d"])
    assert cov["d"].tolist() == [1, 1, 0, 1]
    with pytest.raises(InvalidArgumentError, match="not in the panel"):
        papi.dimension_coverage(df, 2017, 2020, ["missing_col"])


# ---------------------------------------------------------------- real processed data
def test_real_gaps_2018_2024_are_the_documented_ones(province_year_panel):
    sel = papi.select_panel(province_year_panel, [D5, D8], 2018, 2024)
    assert {(r.geo_code, r.year) for r in sel.dropped.itertuples()} == KNOWN_GAPS_D5_D8
    assert sel.n_used == 63 * 7 - len(KNOWN_GAPS_D5_D8)


def test_real_twfe_equals_independent_within_ols(province_year_panel):
    fits = papi.egovernance_models(province_year_panel, outcomes=[D5], bootstrap_reps=999, seed=1)
    fit = fits[D5]
    dm = demean_frame(fit.selection.data, [D5, D8], ["geo_code", "year"])
    slope = float(np.dot(dm[D8], dm[D5]) / np.dot(dm[D8], dm[D8]))
    np.testing.assert_allclose(fit.row()["estimate"], slope, rtol=1e-8)
    # CR1 by hand: G/(G-1)·(N-1)/(N-K) with K = 1 slope + 7 year effects (province FE nested in the cluster)
    resid = dm[D5] - slope * dm[D8]
    scores = (dm[D8] * resid).groupby(fit.selection.data["geo_code"]).sum()
    G, N, K = scores.size, len(dm), 1 + 7
    se = np.sqrt(G / (G - 1) * (N - 1) / (N - K) * np.sum(scores**2)) / np.dot(dm[D8], dm[D8])
    np.testing.assert_allclose(fit.row()["std_error"], se, rtol=1e-6)
    assert fit.row()["clusters"] == 63


def test_real_leave_one_region_out(province_year_panel):
    out = papi.leave_one_region_out(province_year_panel, bootstrap_reps=999, seed=1)
    assert len(out) == 7 and out.loc[0, "excluded"] == "none"
    assert out["n_provinces_excluded"].iloc[1:].sum() == 63
    assert (out["clusters"].iloc[1:] == 63 - out["n_provinces_excluded"].iloc[1:]).all()
    assert (out["nobs"].iloc[1:] < out.loc[0, "nobs"]).all()
    # leaving out disjoint regions drops disjoint observations: the drops add up to the total
    assert (out.loc[0, "nobs"] - out["nobs"].iloc[1:]).sum() == out.loc[0, "nobs"]


def test_real_subdimensions_2011_2016(province_year_panel):
    fits = papi.subdimension_models(province_year_panel, bootstrap_reps=999, seed=1)
    assert list(fits) == list(papi.D5_SUBDIMENSIONS)
    dropped = fits["papi_d5_certification"].selection.dropped
    assert {(r.geo_code, r.year) for r in dropped.itertuples()} == {("24", 2014), ("87", 2014)}
    assert all(f.row()["nobs"] == 376 for f in fits.values())


def test_real_dimension_coverage_shows_2018_change(province_year_panel):
    cov = papi.dimension_coverage(province_year_panel, 2011, 2024)
    for dim in ("papi_d7_environmental_governance", D8):
        assert (cov.loc[2011:2017, dim] == 0).all() and (cov.loc[2018:2024, dim] >= 60).all()
    assert (cov.loc[2011:2024, D5] >= 60).all()
