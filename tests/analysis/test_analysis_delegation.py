"""The delegation study (analysis.delegation) and online uptake as a dose (analysis.online_dose).

Bad inputs covered here (also listed in docs/bad-inputs/delegation-dose.md): a delegation
calendar with a bad date, a duplicated procedure, a missing column, an empty file; a world
whose ``delegation_start`` misses a field, names an unknown one or is not ``YYYY-MM``; effect
sizes outside [0, 1); data with no delegated procedure or with no comparison procedure; an
unknown outcome; an exposure share outside [0, 1]; an exposure in fewer than two bins; a truth
slope asked of real data.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cchc_research.analysis import delegation as dg
from cchc_research.analysis import online_dose as od
from cchc_research.errors import CCHCError, ModelError, SchemaError
from cchc_research.simulate import WorldParams, simulate_dossiers
from cchc_research.simulate.world import FIELDS, delegation_months


@pytest.fixture(scope="module")
def small() -> dg.DelegationData:
    return dg.simulate_delegation(60_000, seed=11)


# ------------------------------------------------------------------ simulated world and truth
def test_default_world_has_no_delegation_effect():
    w = simulate_dossiers(20_000, seed=3)
    t = w.delegation_truth_table("quarter")
    assert (t["true_effect_on_time_rate"].fillna(0.0) == 0.0).all()
    assert (t["true_effect_satisfaction_rate"].fillna(0.0) == 0.0).all()
    # default: every field delegated from 2018-01, as the rollout notebook's world
    assert set(t.loc[t["group"] == "delegated", "cohort"]) == {"2018-Q1"}


def test_study_world_truth_is_zero_before_delegation_and_for_comparison(small):
    p = small.panel
    assert p["unit"].nunique() == 22
    assert p["cell"].nunique() == 22 * len(FIELDS) * 2
    untreated = p[p["post"] == 0]
    assert (untreated["true_effect_on_time_rate"] == 0.0).all()
    assert (untreated["true_effect_satisfaction_rate"] == 0.0).all()
    treated = p[(p["post"] == 1) & (p["resolved"] > 0)]
    # cells in the delegation period may hold only dossiers received before the date
    assert (treated["true_effect_on_time_rate"] >= 0).all()
    assert (treated.loc[treated["event_time"] >= 1, "true_effect_on_time_rate"] > 0).mean() > 0.99
    cohorts = p.loc[p["group"] == "delegated"].groupby("field")["cohort"].first().to_dict()
    assert cohorts == {f: f"{s[:4]}-Q{(int(s[5:]) - 1) // 3 + 1}"
                       for f, s in dg.DEFAULT_DELEGATION_STARTS.items()}


def test_delegated_flag_in_data_follows_the_calendar(small):
    # the data's own flag gives the same cohorts as the world's calendar
    w = simulate_dossiers(30_000, seed=4, params=WorldParams(
        delegation_start=dict(dg.DEFAULT_DELEGATION_STARTS)))
    cal = dg.delegation_calendar_from_dossiers(w.dossiers)
    first = cal.merge(w.dossiers[["procedure_code", "field"]].drop_duplicates(),
                      on="procedure_code").groupby("field")["delegation_start"].min()
    for f, start in dg.DEFAULT_DELEGATION_STARTS.items():
        assert first[f].strftime("%Y-%m") == start


@pytest.mark.parametrize("change, match", [
    ({"delegation_start": {"dat_dai": "2018-01"}}, "missing"),
    ({"delegation_start": {**{f.code: "2018-01" for f in FIELDS}, "nope": "2018-01"}}, "unknown"),
    ({"delegation_start": {**{f.code: "2018-01" for f in FIELDS}, "dat_dai": "01/2018"}}, "YYYY-MM"),
    ({"delegation_start": {**{f.code: "2018-01" for f in FIELDS}, "dat_dai": "2018-13"}}, "YYYY-MM"),
    ({"delegation_late_reduction": 1.0}, r"\[0, 1\)"),
    ({"delegation_sat_gain": -0.1}, r"\[0, 1\)"),
])
def test_world_refuses_bad_delegation_parameters(change, match):
    params = dataclasses.replace(WorldParams(), **change)
    with pytest.raises(CCHCError, match=match):
        delegation_months(params)


# ------------------------------------------------------------------ calendar file
def _write(tmp_path, text, name="cal.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_calendar_day_first_and_iso(tmp_path):
    cal = dg.read_delegation_calendar(_write(
        tmp_path, "procedure_code,delegation_start,unit\n1.001003,15/01/2018,\n"
                  "2.002010,2019-07-01,760\n"))
    assert cal["delegation_start"].dt.strftime("%Y-%m-%d").tolist() == ["2018-01-15", "2019-07-01"]
    assert cal["unit"].isna().tolist() == [True, False]


@pytest.mark.parametrize("text, column, row, value", [
    ("procedure_code,delegation_start\n1.001003,2018-02-30\n", "delegation_start", 2, "2018-02-30"),
    ("procedure_code,delegation_start\n1.001003,15/01/18\n", "delegation_start", 2, "15/01/18"),
    ("procedure_code,delegation_start\n1.001003,15/01/2018\n1.001003,01/07/2019\n",
     "procedure_code", 2, "1.001003"),
])
def test_read_calendar_refuses_bad_rows(tmp_path, text, column, row, value):
    with pytest.raises(SchemaError) as err:
        dg.read_delegation_calendar(_write(tmp_path, text))
    assert err.value.column == column and err.value.row == row and err.value.value == value
    assert "cal.csv" in str(err.value)


@pytest.mark.parametrize("text", ["", "procedure_code\n1.001003\n", "unit,start\n760,2018-01-01\n"])
def test_read_calendar_refuses_missing_columns_and_empty_files(tmp_path, text):
    with pytest.raises(SchemaError, match="cal.csv|delegation calendar"):
        dg.read_delegation_calendar(_write(tmp_path, text))


# ------------------------------------------------------------------ panel and estimators
def _toy_panel(effect: float) -> dg.DelegationData:
    """Noise-free cells: base + district + field + period terms, + effect when delegated."""
    rows = []
    starts = {"a": 3, "b": 5, "c": 7}
    for u_i, unit in enumerate(["u1", "u2", "u3", "u4"]):
        for f_i, (fld, start) in enumerate(starts.items()):
            for group in ("delegated", "not_delegated"):
                for t in range(1, 9):
                    post = int(group == "delegated" and t >= start)
                    y = 0.9 + 0.01 * u_i + 0.005 * f_i + 0.002 * t + effect * post
                    rows.append({"unit": unit, "field": fld, "group": group,
                                 "cohort_idx": start if group == "delegated" else 0,
                                 "time": t, "period": f"p{t}", "post": post,
                                 "on_time_rate": y, "satisfaction_rate": y - 0.1,
                                 "resolved": 100, "rated": 50,
                                 "true_effect_on_time_rate": effect * post,
                                 "true_effect_satisfaction_rate": effect * post})
    p = pd.DataFrame(rows)
    p["cohort"] = np.where(p["cohort_idx"] > 0, "g" + p["cohort_idx"].astype(str), None)
    p["event_time"] = pd.Series(p["time"] - p["cohort_idx"], dtype="Int64").where(p["cohort_idx"] > 0)
    p["cell"] = p["unit"] + "|" + p["field"] + "|" + p["group"]
    return dg.DelegationData(panel=p, calendar=pd.DataFrame(), freq="quarter", simulated=True)


def test_contrast_panel_is_delegated_minus_comparison():
    d = _toy_panel(0.03)
    c = dg.contrast_panel(d.panel, "on_time_rate")
    assert len(c) == 4 * 3 * 8
    post = c[c["post"] == 1]
    np.testing.assert_allclose(post["outcome"], 0.03, atol=1e-12)
    np.testing.assert_allclose(c.loc[c["post"] == 0, "outcome"], 0.0, atol=1e-12)


def test_estimators_recover_a_noise_free_effect():
    e = dg.estimate_delegation(_toy_panel(0.03), "on_time_rate")
    table = e.summary_table().set_index("estimator")
    np.testing.assert_allclose(table["estimate"], 0.03, atol=1e-10)
    assert e.truth["simple"] == pytest.approx(0.03)
    assert e.n_districts == 4 and e.n_periods == 8


def test_estimate_refuses_unknown_outcome(small):
    with pytest.raises(ModelError, match="outcome"):
        dg.estimate_delegation(small, "on_time")


def test_true_att_refused_for_real_data(small):
    real = dataclasses.replace(small, simulated=False)
    with pytest.raises(ModelError, match="simulated"):
        real.true_att()


def test_panel_refuses_data_without_comparison_or_delegation():
    w = simulate_dossiers(5_000, seed=2)
    procs = w.dossiers["procedure_code"].drop_duplicates()
    every = pd.DataFrame({"unit": pd.array([pd.NA] * len(procs), dtype="string"),
                          "procedure_code": procs.astype("string").to_numpy(),
                          "delegation_start": pd.Timestamp("2018-01-01")})
    with pytest.raises(ModelError, match="comparison"):
        dg.build_delegation_panel(w.dossiers, calendar=every)
    with pytest.raises(ModelError, match="no procedure is delegated"):
        dg.build_delegation_panel(w.dossiers, calendar=every.iloc[:0])
    with pytest.raises(SchemaError, match="calendar"):
        dg.build_delegation_panel("some/file.parquet")


def test_simulated_study_estimates_are_close_to_the_truth(small):
    e = dg.estimate_delegation(small, "on_time_rate")
    row = e.simple.tidy().iloc[0]
    # a small world: the interval is wide, but it is centred near the truth
    assert abs(float(row["estimate"]) - e.truth["simple"]) < 4 * float(row["std_error"])


# ------------------------------------------------------------------ online dose
def _dose_panel(slope: float) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    p = pd.DataFrame({"unit": np.repeat([f"d{i}" for i in range(8)], 10),
                      "period_number": np.tile(np.arange(10), 8)})
    p["online_share"] = rng.uniform(0.0, 0.6, len(p))
    p["online_full_share"] = 0.5 * p["online_share"]
    p["on_time_rate"] = (0.9 + 0.01 * p["unit"].str[1:].astype(int)
                         + 0.001 * p["period_number"] + slope * p["online_share"])
    return p


def test_dose_response_slope_is_per_ten_points():
    out = od.dose_response(_dose_panel(0.05), "on_time_rate").set_index("exposure")
    assert out.loc["online_share", "estimate"] == pytest.approx(0.005, abs=1e-10)
    assert out.loc["online_full_share", "estimate"] == pytest.approx(0.010, abs=1e-10)
    assert (out["n_clusters"] == 8).all()


def test_dose_bins_reference_and_refusals():
    p = _dose_panel(0.05)
    bins = od.dose_bins(p, "on_time_rate")
    assert bins.loc[0, "estimate"] == 0.0 and bins["bin"].iloc[0] == "[0%, 10%)"
    assert bins["n"].sum() == len(p)
    with pytest.raises(ModelError, match="fewer than two bins"):
        od.dose_bins(p.assign(online_share=0.05), "on_time_rate")
    with pytest.raises(ModelError, match=r"\[0, 1\]"):
        od.exposure_bins(pd.Series([0.2, 1.5]))
    with pytest.raises(SchemaError, match="online_full_share"):
        od.dose_response(p.drop(columns="online_full_share"), "on_time_rate")
    with pytest.raises(ModelError, match="simulated"):
        od.truth_slope(p, "on_time_rate")


def test_exposure_bins_edges():
    b = od.exposure_bins(pd.Series([0.0, 0.0999, 0.1, 0.35, 1.0, np.nan]))
    assert b.astype(object).where(b.notna(), None).tolist() == [
        "[0%, 10%)", "[0%, 10%)", "[10%, 20%)", "[35%, 100%]", "[35%, 100%]", None]


# ------------------------------------------------------------------ notebook 07's findings
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_findings_numbers_come_from_the_tables(lang):
    """Every number of the key-findings box is a cell of one of the tables the report shows."""
    from cchc_research.analysis.delegation import delegation_results
    from cchc_research.analysis.online_dose import dose_results
    from cchc_research.reporting import delegation as view
    from cchc_research.reporting.findings import key_findings
    from cchc_research.reporting.tables import show_table

    res = delegation_results(250_000, 5, bootstrap_reps=199)
    dose = dose_results(40_000, 5, bootstrap_reps=199)
    box = key_findings(view.findings(res, dose, lang), lang, study=view.STUDY)
    cells = set()
    for frame, key in ((view.estimates_frame(res), "estimates"), (view.dose_frame(dose), "dose")):
        formats = {c: f for c, f in view.FORMATS.items() if c in frame.columns}
        shown = show_table(frame, key, lang, study=view.STUDY, formats=formats).frame
        cells |= {str(v) for v in shown.to_numpy().ravel()}
    on = res["estimates"]["on_time_rate"]
    sample = {str(x) for x in (on.n_cells, on.n_delegated_cells, on.n_districts, on.n_periods,
                               len(res["cohorts"]))}
    level = {"95 %", "95%"}
    missing = [n for n in box.numbers if n not in cells | sample | level]
    assert not missing, (missing, box.sentences)
