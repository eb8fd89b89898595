"""Tests of cchc_research.analysis.synth_hcmc (notebook 05: Resolution 54 in Ho Chi Minh City)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_research.analysis import synth_hcmc as sh
from cchc_research.errors import InvalidArgumentError, MissingValuesError, ModelError, TreatedUnitNotFoundError

D5 = "papi_d5_public_admin_procedures"
#: Provinces with a blank D5 in some year of 2011–2024 (PROVENANCE.md of both PAPI sources).
KNOWN_EXCLUDED_D5 = {"22", "24", "26", "27", "74", "82", "87"}


@pytest.fixture(scope="module")
def real(province_year_panel):
    return sh.run_synth(province_year_panel)


def _toy(effect=1.0, n_donors=10, seed=0, years=range(2011, 2021), treat=2018) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    years = list(years)
    donors = [f"{i:02d}" for i in range(1, n_donors + 1)]
    Y = {d: 5 + 0.3 * i + np.cumsum(rng.normal(scale=0.2, size=len(years))) for i, d in enumerate(donors)}
    treated = 0.6 * Y["02"] + 0.4 * Y["05"] + np.where(np.array(years) >= treat, effect, 0.0)
    rows = [("79", "HCM", y, v) for y, v in zip(years, treated)]
    rows += [(d, f"P{d}", y, v) for d in donors for y, v in zip(years, Y[d])]
    return pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "y"]), donors


# ---------------------------------------------------------------- hand-made
def test_recovers_weights_and_effect():
    df, donors = _toy(effect=3.0)
    an = sh.run_synth(df, outcome="y", start_year=2011, end_year=2020, candidates=donors)
    w = sh.weights_table(an).set_index("geo_code")["weight"]
    np.testing.assert_allclose(w.loc[["02", "05"]].to_numpy(), [0.6, 0.4], atol=1e-4)
    np.testing.assert_allclose(an.result.series.loc[2018:, "gap"], 3.0, atol=1e-3)
    facts = sh.power_facts(an)
    assert facts["rank"] == 1 and facts["p_value"] == pytest.approx(1 / 11)
    assert facts["smallest_p_value"] == pytest.approx(1 / 11)
    assert facts["p_value_post_rmspe"] == pytest.approx(1 / 11)
    assert facts["p_value_abs_mean_gap"] == pytest.approx(1 / 11)
    assert facts["pre_years"] == 7 and facts["post_years"] == 3


def test_no_effect_gives_no_extreme_rank():
    df, donors = _toy(effect=0.0, seed=1)
    an = sh.run_synth(df, outcome="y", start_year=2011, end_year=2020, candidates=donors)
    assert abs(sh.power_facts(an)["mean_post_gap"]) < 1e-3


def test_prepare_excludes_incomplete_donors_with_their_years():
    df, donors = _toy()
    df = df[~((df["geo_code"] == "03") & (df["year"] == 2013))]
    df.loc[(df["geo_code"] == "04") & (df["year"].isin([2019, 2020])), "y"] = np.nan
    prep = sh.prepare_synth_panel(df, outcome="y", start_year=2011, end_year=2020, candidates=donors + ["99"])
    got = prep.excluded.set_index("geo_code")["missing_years"].to_dict()
    assert got == {"03": "2013", "04": "2019, 2020", "99": ", ".join(str(y) for y in range(2011, 2021))}
    assert set(prep.donors) == set(donors) - {"03", "04"}
    assert set(prep.data["geo_code"]) == {"79", *prep.donors}
    assert not prep.data["y"].isna().any()


def test_errors():
    df, donors = _toy()
    with pytest.raises(TreatedUnitNotFoundError):
        sh.prepare_synth_panel(df, outcome="y", treated="01x", candidates=donors)
    bad = df.copy()
    bad.loc[(bad["geo_code"] == "79") & (bad["year"] == 2012), "y"] = np.nan
    with pytest.raises(MissingValuesError, match="2012"):
        sh.prepare_synth_panel(bad, outcome="y", start_year=2011, end_year=2020, candidates=donors)
    with pytest.raises(InvalidArgumentError, match="not in the panel"):
        sh.prepare_synth_panel(df, outcome="nope", candidates=donors)
    with pytest.raises(InvalidArgumentError, match="before end_year"):
        sh.prepare_synth_panel(df, outcome="y", start_year=2020, end_year=2020, candidates=donors)
    with pytest.raises(InvalidArgumentError, match="two pre-years"):
        sh.run_synth(df, outcome="y", treatment_year=2012, start_year=2011, end_year=2020, candidates=donors)
    with pytest.raises(ModelError, match="complete donor"):
        sh.run_synth(df, outcome="y", start_year=2011, end_year=2020, candidates=["01"])


def test_in_time_placebo_uses_only_pre_reform_years():
    df, donors = _toy(effect=5.0)
    an = sh.in_time_placebo(df, outcome="y", fake_year=2015, start_year=2011, last_pre_year=2017, candidates=donors)
    assert an.result.series.index.max() == 2017
    assert abs(sh.power_facts(an)["mean_post_gap"]) < 1e-3  # the real effect (2018–) is not seen


# ---------------------------------------------------------------- real processed data
def test_real_donor_pool(real):
    assert set(real.prep.excluded["geo_code"]) == KNOWN_EXCLUDED_D5
    assert len(real.prep.donors) == 62 - len(KNOWN_EXCLUDED_D5)
    assert "79" not in real.prep.donors and "28" not in real.prep.donors  # Hà Tây (merged 2008) is no candidate


def test_real_fit_consistency(real):
    res = real.result
    assert res.weights.sum() == pytest.approx(1.0)
    assert (res.weights >= -1e-12).all()
    np.testing.assert_allclose(res.series["treated"] - res.series["synthetic"], res.series["gap"])
    tab = sh.placebo_table(real)
    assert tab["rank"].is_monotonic_increasing and len(tab) == len(real.prep.donors) + 1
    hcm = tab[tab["treated"]].iloc[0]
    assert hcm["geo_code"] == "79"
    assert hcm["mean_post_gap"] == pytest.approx(float(res.params.iloc[0]))
    facts = sh.power_facts(real)
    assert facts["pre_years"] == 7 and facts["post_years"] == 7
    assert facts["p_value"] >= facts["smallest_p_value"]


def test_near_perfect_placebo_fits_get_infinite_ratio_and_shared_rank():
    # 5 donors < 7 pre-years: generically no exact fit, except for the constructed donor 03,
    # the midpoint of donors 01 and 02, whose placebo pre-period fit is exact
    df, donors = _toy(effect=3.0, seed=2, n_donors=5)
    y = df.pivot(index="year", columns="geo_code", values="y")
    df.loc[df["geo_code"] == "03", "y"] = (0.5 * y["01"] + 0.5 * y["02"]).to_numpy()
    treated_rows = df["geo_code"] == "79"
    df.loc[treated_rows, "y"] += np.random.default_rng(9).normal(scale=0.05, size=int(treated_rows.sum()))
    an = sh.run_synth(df, outcome="y", start_year=2011, end_year=2020, candidates=donors)
    tab = sh.placebo_table(an).set_index("geo_code")
    assert bool(tab.loc["03", "near_perfect_pre_fit"]) and np.isinf(tab.loc["03", "ratio"])
    assert tab.loc["03", "rank"] == 1
    facts = sh.power_facts(an)
    assert facts["near_perfect_pre_fits"] >= 1
    assert facts["rank"] == 1 + int(tab["near_perfect_pre_fit"].sum())  # below every exact-fit placebo
    assert facts["p_value"] == pytest.approx(facts["rank"] / facts["units"])


