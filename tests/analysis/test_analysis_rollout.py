"""Tests of cchc_research.analysis.rollout (notebook 06, SIMULATED rollout world).

One simulated world (200k dossiers, fixed seed) is built per module; the estimator checks
compare with the world's known true effects, so they fail if an estimator, the truth or the
panel construction goes wrong.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cchc_research.analysis import own_data, rollout
from cchc_research.errors import (
    AggregationError,
    FewClustersWarning,
    ModelError,
    NoNeverTreatedError,
    PeriodError,
    SchemaError,
)
from cchc_research.models import staggered_did, twfe

SEED = 20240415
N = 200_000


@pytest.fixture(scope="module")
def data():
    return rollout.build_rollout_panel(N, SEED, freq="quarter")


@pytest.fixture(scope="module")
def estimates(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {o: rollout.estimate_all(data, o, bootstrap_reps=999, seed=SEED)
                for o in rollout.OUTCOMES}


# ----------------------------------------------------------------------------- periods
def test_period_number_hand_cases():
    assert rollout.period_number(["2019-Q1", "2019-Q4", "2020-Q1"], "quarter").tolist() == [
        2019 * 4, 2019 * 4 + 3, 2020 * 4]
    assert rollout.period_number(["2019-01", "2020-01"], "month").tolist() == [2019 * 12, 2020 * 12]


@pytest.mark.parametrize("label,freq", [("2019-13", "month"), ("2019Q1", "quarter"),
                                        ("2019-Q5", "quarter"), ("2019-Q1", "month")])
def test_period_number_rejects_bad_labels(label, freq):
    with pytest.raises(PeriodError):
        rollout.period_number([label], freq)


def test_period_number_keeps_gaps_not_positions():
    # a missing quarter keeps its place: numbering by label, never by row position
    assert rollout.period_number(["2019-Q1", "2019-Q3", "2020-Q1"], "quarter").tolist() == [8076, 8078, 8080]
    assert rollout.period_number(["2020-01", "2019-11"], "month").tolist() == [24240, 24238]


def test_period_number_rejects_unknown_freq():
    with pytest.raises(AggregationError):
        rollout.period_number(["2019"], "year")
    with pytest.raises(AggregationError):
        rollout.build_rollout_panel(10, SEED, freq="half")


# ----------------------------------------------------------------------------- panel
def test_panel_is_balanced_22_districts_32_quarters(data):
    p = data.panel
    assert p["unit"].nunique() == 22 and p["period"].nunique() == 32
    assert len(p) == 22 * 32
    assert not p.duplicated(["unit", "period"]).any()
    assert bool(p["simulated"].all())
    assert (p["cohort_number"] - p["period_number"] == -p["event_time"]).all()
    assert (p["treated"] == (p["event_time"] >= 0)).all()
    assert data.last_cohort == "2020-Q1" and data.identified_through == "2019-Q4"


def test_monthly_panel_from_same_world(data):
    monthly = rollout.build_rollout_panel(world=data.world, freq="month")
    assert monthly.panel["period"].nunique() == 96
    assert monthly.identified_through == "2019-12"
    # monthly counts add up to the quarterly ones
    q = data.panel.groupby("unit")["resolved"].sum()
    m = monthly.panel.groupby("unit")["resolved"].sum()
    pd.testing.assert_series_equal(q, m)


def test_same_seed_same_panel():
    a = rollout.build_rollout_panel(20_000, 11).panel
    b = rollout.build_rollout_panel(20_000, 11).panel
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_cohort_table(data):
    tab = rollout.cohort_table(data)
    assert tab["cohort"].tolist() == ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4", "2020-Q1"]
    assert tab["units_2021"].tolist() == [4, 9, 5, 3, 1]
    assert tab["districts_2020"].sum() == 24
    assert "Quận Bình Thạnh" in tab.loc[0, "districts"]
    assert tab["units_2021"].iloc[:2].sum() == 13  # 13 districts by mid-2019


def test_calibration_close_to_reported(data):
    from cchc_research.simulate import CALIBRATION_TARGETS

    tab = rollout.calibration_table(data)
    assert tab["target"].tolist() == list(CALIBRATION_TARGETS)
    np.testing.assert_allclose(tab["reported"], [t["value"] for t in CALIBRATION_TARGETS.values()])
    assert (tab["z"].abs() < 3.5).all(), tab[["target", "simulated", "z"]]
    assert abs(tab.loc[1, "simulated"] - 0.976) < 0.005
    assert abs(tab.loc[2, "simulated"] - 0.177) < 0.015


def test_calibration_needs_whole_windows(data):
    broken = rollout.RolloutData(world=data.world, truth=data.truth, freq=data.freq,
                                 panel=data.panel[data.panel["period"] != "2019-Q2"])
    with pytest.raises(AggregationError, match="late_rate_2019_H1"):
        rollout.calibration_table(broken)


# ----------------------------------------------------------------------------- TWFE weights
def test_twfe_weights_reproduce_the_coefficient(data):
    w = rollout.twfe_weights(data, "satisfaction_rate")
    assert w.loc[w["treated"], "weight"].sum() == pytest.approx(1.0, abs=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewClustersWarning)
        fit = twfe(data.panel.assign(d=data.panel["treated"].astype(float)), "satisfaction_rate",
                   ["d"], fe=["unit", "period_number"], cluster="unit")
    assert w["weighted_outcome"].sum() == pytest.approx(float(fit.params["d"]), abs=1e-10)


def test_negative_weights_fall_on_early_cohorts(data):
    w = rollout.twfe_weights(data)
    negative = w[w["treated"] & (w["weight"] < 0)]
    assert len(negative) > 100
    assert set(negative["cohort"]) <= {"2019-Q1", "2019-Q2"}
    # late periods of early cohorts: the negative cells are long after the rollout
    assert negative["event_time"].min() >= 3


def test_twfe_weights_need_balanced_panel(data):
    broken = rollout.RolloutData(world=data.world, truth=data.truth, freq=data.freq,
                                 panel=data.panel.iloc[1:])
    with pytest.raises(ModelError, match="balanced"):
        rollout.twfe_weights(broken)


# ----------------------------------------------------------------------------- estimators
def test_no_never_treated_group_is_an_error(data):
    with pytest.raises(NoNeverTreatedError):
        staggered_did(data.panel, "on_time_rate", "unit", "period_number", "cohort_number",
                      control="never_treated")


def test_overall_table_structure(estimates):
    ov = estimates["on_time_rate"].overall
    assert ov["estimator"].tolist() == ["twfe_static", "twfe_static_wild", "twfe_static_window",
                                        "callaway_santanna", "sun_abraham"]
    assert ov.loc[0, "estimate"] == ov.loc[1, "estimate"]  # same fit, bootstrap inference
    assert (ov.loc[0, ["ci_low", "ci_high"]] != ov.loc[1, ["ci_low", "ci_high"]]).any()
    assert np.allclose(ov["bias"], ov["estimate"] - ov["truth"])
    assert ov.loc[0, "sample"] == "2017-Q1..2024-Q4" and ov.loc[3, "sample"] == "2017-Q1..2019-Q4"


def test_robust_estimators_use_the_honest_inference(estimates):
    ov = estimates["on_time_rate"].overall.set_index("estimator")
    assert ov["inference"].to_dict() == {
        "twfe_static": "cr1", "twfe_static_wild": "wild_bootstrap", "twfe_static_window": "cr1",
        "callaway_santanna": rollout.DID_INFERENCE, "sun_abraham": rollout.DID_INFERENCE}
    # the honest interval is wider than the analytic one that under-covers in this design
    for name in ("callaway_santanna", "sun_abraham"):
        fit = estimates["on_time_rate"].results[name].aggregate("simple")
        assert ov.loc[name, "std_error"] > float(fit.std_errors["ATT"])
        assert ov.loc[name, "estimate"] == pytest.approx(float(fit.params["ATT"]), abs=1e-15)


@pytest.mark.parametrize("outcome,tol", [("on_time_rate", 0.003), ("satisfaction_rate", 0.03)])
def test_callaway_santanna_recovers_the_truth(estimates, outcome, tol):
    row = estimates[outcome].overall.set_index("estimator").loc["callaway_santanna"]
    assert abs(row["bias"]) < tol
    assert abs(row["bias"]) < 3 * row["std_error"]
    assert bool(row["covers_truth"])
    sa = estimates[outcome].overall.set_index("estimator").loc["sun_abraham"]
    assert abs(sa["bias"]) < 3 * sa["std_error"]


@pytest.mark.parametrize("outcome", rollout.OUTCOMES)
def test_static_twfe_is_biased_downwards(estimates, outcome):
    row = estimates[outcome].overall.set_index("estimator").loc["twfe_static"]
    assert row["truth"] > 0
    assert row["estimate"] < 0.5 * row["truth"]
    dec = rollout.twfe_decomposition(estimates[outcome]).set_index("cohort").loc["all"]
    assert dec["twfe_estimand"] < 0.5 * dec["true_att"]
    assert dec["true_att"] == pytest.approx(row["truth"], rel=1e-9)


def test_naive_event_study_biased_in_expected_direction(estimates):
    es = estimates["on_time_rate"].event_study
    tw = es[es["estimator"] == "twfe_event_study"].set_index("event_time")
    long_run = tw.loc[8:]
    # true effects grow with exposure; the naive event study reports them negative
    assert (long_run["truth"] > 0).all()
    assert (long_run["estimate"] < 0).all()
    # and spurious "pre-trends": pre-period truth is 0, naive estimates far from it
    assert tw.loc[-8, "truth"] == 0 and tw.loc[-8, "estimate"] > 2 * tw.loc[-8, "std_error"]


def test_event_study_rows_and_truth(estimates):
    es = estimates["satisfaction_rate"].event_study
    assert set(es["estimator"]) == {"truth", "twfe_event_study", "callaway_santanna", "sun_abraham"}
    cs = es[es["estimator"] == "callaway_santanna"]
    assert cs["event_time"].between(-8, 3).all() and cs["event_time"].max() == 3
    assert (cs.loc[cs["event_time"] < 0, "truth"] == 0).all()
    truth = es[es["estimator"] == "truth"].set_index("event_time")["truth"]
    assert truth.index.min() == -8 and truth.index.max() == 16
    assert truth.loc[16] > truth.loc[0] > 0


def test_estimate_all_rejects_unknown_outcome(data):
    with pytest.raises(ModelError):
        rollout.estimate_all(data, "online_share")


def test_identification_checks_refuse_both_specifications(data):
    checks = rollout.identification_checks(data)
    assert checks["check"].tolist() == ["cs_never_treated", "twfe_unbinned"]
    assert checks["refused"].tolist() == [True, True]
    assert set(checks["error"]) == {"NoNeverTreatedError"}


# ----------------------------------------------------------------------------- own exports
@pytest.mark.parametrize("text,row,column,value,reason", [
    ("unit,online_start\n760,15/01/19\n", 1, "online_start", "15/01/19", "year"),
    ("unit,online_start\n760,2019-02-30\n", 1, "online_start", "2019-02-30", ""),
    ("unit,online_start\n760,2019-01-01\n760,2019-04-01\n", 2, "unit", "760", "twice"),
    ("unit,online_start\n ,2019-01-01\n", 1, "unit", "", "blank"),
    ("unit,online_start,delegation_start\n760,2019-01-01,soon\n", 1, "delegation_start", "soon", ""),
])
def test_rollout_calendar_refuses_bad_rows(tmp_path, text, row, column, value, reason):
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        own_data.read_rollout_calendar(path)
    assert (err.value.row, err.value.column, err.value.value) == (row, column, value)
    assert err.value.file == str(path) and reason in str(err.value)


@pytest.mark.parametrize("text,column", [("unit,start\n760,2019-01-01\n", "online_start"), ("", None)])
def test_rollout_calendar_refuses_missing_columns_and_empty_files(tmp_path, text, column):
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        own_data.read_rollout_calendar(path)
    assert err.value.column == column


def test_rollout_calendar_reads_both_date_forms_and_optional_columns(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text("\ufeffunit,online_start,delegation_start,procedures\n760,15/03/2019,,\n"
                    "761,2019-04-01,01/07/2018,A1;A2\n", encoding="utf-8")
    cal = own_data.read_rollout_calendar(path)
    assert cal["online_start"].dt.strftime("%Y-%m-%d").tolist() == ["2019-03-15", "2019-04-01"]
    assert pd.isna(cal.loc[0, "delegation_start"]) and cal.loc[1, "procedures"] == "A1;A2"


def test_exports_without_calendar_row_are_refused(tmp_path):
    from cchc_research.simulate.export import simulate_export

    simulate_export(tmp_path, rows=2_000, seed=5)
    exports = own_data.load_exports(tmp_path / "simulated_export_*")
    assert exports.files[["read", "valid", "rejected"]].sum().tolist() == [2_000, 2_000, 0]
    assert exports.files["sha256"].str.len().eq(64).all()
    cal = own_data.read_rollout_calendar(tmp_path / "simulated_rollout_calendar.csv")
    with pytest.raises(SchemaError, match="no row in the rollout calendar"):
        own_data.build_own_panel(exports, cal[cal["unit"] != "760"])
    with pytest.raises(SchemaError, match="no export file"):
        own_data.load_exports(tmp_path / "nothing_*.csv")


@pytest.mark.slow
def test_notebook_06_runs_on_own_exports_from_another_folder(tmp_path):
    import papermill as pm

    from cchc_research.config import PROJECT_ROOT
    from cchc_research.simulate.export import simulate_export

    exports = tmp_path / "exports"
    simulate_export(exports, rows=60_000, seed=5)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "06_own.ipynb"
    pm.execute_notebook(str(PROJECT_ROOT / "notebooks" / "06_online_rollout_simulated.ipynb"), str(out),
                        parameters={"dossiers": str(exports / "simulated_export_*"), "lang": "en",
                                    "rollout": str(exports / "simulated_rollout_calendar.csv")},
                        kernel_name="python3", cwd=str(elsewhere), progress_bar=False)
    text = out.read_text(encoding="utf-8")
    assert "simulated_export_760.xlsx" in text and "SHA-256" in text
    assert "Callaway–Sant'Anna" in text and "Sun–Abraham" in text
    import json

    shown = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]], ensure_ascii=False)
    assert "True effect" not in shown and "SIMULATED" not in shown  # no truth, no SIMULATED label
