"""Tests for cchc_research.analysis.scorecard (hand-computed small frames + real-data checks)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cchc_research.analysis import scorecard as sc
from cchc_research.errors import CCHCError, SchemaError


def _ind(rows):
    base = {"geo_level": "province", "comparison": "==", "numerator": float("nan"),
            "reliability": "medium-high", "flags": pd.NA}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def _targets(rows):
    base = {"geo_code": "79", "scope": pd.NA, "trajectory_year": pd.NA, "flags": pd.NA, "unit": "share"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    frame["trajectory_year"] = frame["trajectory_year"].astype("Int64")
    return frame


def test_signed_gap_and_target_met_by_hand():
    assert sc.signed_gap(0.976, 0.98, "higher_better", "share") == pytest.approx(-0.4)
    assert sc.signed_gap(0.05, 0.04, "lower_better", "share") == pytest.approx(-1.0)
    assert sc.signed_gap(7, 5, "lower_better", "rank") == pytest.approx(-2.0)
    assert math.isnan(sc.signed_gap(float("nan"), 0.5, "higher_better", "share"))
    assert sc.target_met(0.95, ">=", 0.95) and not sc.target_met(0.95, ">", 0.95)
    assert sc.target_met(0.039, "<", 0.04) and not sc.target_met(0.0, "<", 0.0)
    with pytest.raises(CCHCError):
        sc.target_met(0.5, "~", 0.5)
    with pytest.raises(CCHCError):
        sc.signed_gap(1, 1, "up", "share")


def test_scorecard_small_frame_matching_rules():
    ind = _ind([
        # two values of the latest period: the ratio from counts wins over the printed percent
        {"indicator": "on_time_rate", "geo_code": "79", "period": "2024-Q1", "period_end": "2024-03-31",
         "value": 0.9702, "unit": "share", "numerator": 9702.0, "source_id": "s:2"},
        {"indicator": "on_time_rate", "geo_code": "79", "period": "2024-Q1", "period_end": "2024-03-31",
         "value": 0.97, "unit": "share", "source_id": "s:1"},
        {"indicator": "on_time_rate", "geo_code": "79", "period": "2023", "period_end": "2023-12-31",
         "value": 0.99, "unit": "share", "source_id": "s:0"},
        # a target restated in the indicators table is not an actual
        {"indicator": "online_dossier_share", "geo_code": "79", "period": "2025", "period_end": "2025-12-31",
         "value": 0.5, "unit": "share", "comparison": ">=", "source_id": "s:3", "flags": "target"},
        # a different definition: must NOT be matched to online_dossier_share
        {"indicator": "full_online_dossier_share", "geo_code": "79", "period": "2024",
         "period_end": "2024-12-31", "value": 0.3, "unit": "share", "source_id": "s:4"},
        {"indicator": "dissatisfaction_rate", "geo_code": "79", "period": "2022", "period_end": "2022-12-31",
         "value": 0.1, "unit": "share", "source_id": "s:5"},
        {"indicator": "on_time_rate", "geo_code": "79", "period": "2026", "period_end": "2026-12-31",
         "value": 1.0, "unit": "share", "source_id": "s:6"},
    ])
    tg = _targets([
        {"target_id": "t1", "indicator": "on_time_rate", "comparison": ">=", "value": 0.98, "deadline": "2025-12-31"},
        {"target_id": "t2", "indicator": "online_dossier_share", "comparison": ">=", "value": 0.5,
         "deadline": "2025-12-31"},
        {"target_id": "t3", "indicator": "satisfaction_rate", "comparison": ">=", "value": 0.85,
         "deadline": "2025-12-31"},
        {"target_id": "t4", "indicator": "on_time_rate", "comparison": ">=", "value": 0.95,
         "deadline": "2025-12-31", "scope": "land registration office branches"},
    ])
    card = sc.scorecard("79", as_of=2025, targets=tg, indicators=ind).set_index("target_id")
    assert card.loc["t1", "actual"] == pytest.approx(0.9702)  # 2026 value is after as_of
    assert card.loc["t1", "actual_source"] == "s:2"
    assert card.loc["t1", "gap"] == pytest.approx(-0.98)
    assert card.loc["t1", "status"] == "not_met"
    assert card.loc["t2", "status"] == "no_data"
    assert "full_online_dossier_share 2024: 30.0%" in card.loc["t2", "not_compared"]
    assert card.loc["t3", "actual"] == pytest.approx(0.9)
    assert card.loc["t3", "derivation"] == "1 − dissatisfaction_rate"
    assert card.loc["t3", "gap"] == pytest.approx(5.0) and card.loc["t3", "status"] == "met"
    assert card.loc["t4", "status"] == "no_data" and "scope" in card.loc["t4", "note"]
    assert not card["benchmark"].any()
    with pytest.raises(SchemaError):
        sc.scorecard("79", targets=tg.drop(columns="comparison"), indicators=ind)


def test_trajectory_small_frame():
    ind = _ind([{"indicator": "late_rate", "geo_code": "79", "period": "2022", "period_end": "2022-12-31",
                 "value": 0.035, "unit": "share", "source_id": "s:1"}])
    tg = _targets([
        {"target_id": f"b@{y}", "indicator": "late_rate", "comparison": "<", "value": v,
         "deadline": f"{y}-12-31", "trajectory_year": y, "flags": f
         } for y, v, f in [(2021, 0.04, "trajectory_base"), (2022, 0.03, "step_of=b"),
                           (2023, 0.02, "step_of=b"), (2024, 0.0, "step_of=b;infeasible_target")]])
    traj = sc.trajectory_table("79", targets=tg, indicators=ind)
    assert traj["trajectory"].unique().tolist() == ["b"]
    row = traj[traj["year"] == 2022].iloc[0]
    assert row["status"] == "not_met" and row["gap"] == pytest.approx(-0.5)
    assert traj.loc[traj["year"] == 2021, "status"].item() == "no_data"
    assert traj["infeasible"].tolist() == [False, False, False, True]
    card = sc.scorecard("79", as_of=2023, targets=tg, indicators=ind)
    assert card["target_id"].tolist() == ["b@2023"]


def test_real_hcmc_on_time_gap():
    card = sc.scorecard("79", as_of=2025).set_index("target_id")
    row = card.loc["003-07"]
    assert row["target"] == pytest.approx(0.98)
    assert row["actual"] == pytest.approx(443915 / 454821)
    assert round(row["gap"], 1) == -0.4
    assert row["status"] == "not_met" and row["actual_period"] == "2024-Q1"
    # procedures offered online vs dossiers filed online: never compared
    assert card.loc["003-14", "status"] == "no_data"
    assert card.loc["003-10@2025", "status"] == "no_data"
    assert "infeasible" in card.loc["003-10@2025", "note"]


def test_real_hanoi_is_benchmark_with_rank_derivation():
    card = sc.scorecard("Hà Nội", as_of=2025).set_index("target_id")
    assert card["benchmark"].all()
    rank = card.loc["003-02"]
    assert rank["actual"] == 3 and rank["status"] == "met" and rank["gap"] == 2
    assert "rank=3/63" in rank["derivation"]


def test_real_trajectory_has_infeasible_2025_step():
    traj = sc.trajectory_table("79")
    late = traj[traj["indicator"] == "late_rate"]
    assert late["year"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert late["target"].round(2).tolist() == [0.04, 0.03, 0.02, 0.01, 0.0]
    assert late["infeasible"].tolist() == [False, False, False, False, True]


def test_reasons_are_codes_alongside_the_note():
    card = sc.scorecard("79").set_index("target_id")
    assert card.loc["003-04", "reasons"] == "predates_decision"
    assert card.loc["003-08", "reasons"] == "scope_differs"
    assert set(";".join(card["reasons"]).split(";")) - {""} <= {"infeasible", "scope_differs",
                                                               "predates_decision", "no_actual"}


def test_not_compared_table_lists_other_definitions_only_for_targets_without_actual():
    card = sc.scorecard("79")
    nc = sc.not_compared_table(card, "79")
    no_data = set(card.loc[card["status"] == "no_data", "target_id"])
    assert set(nc["target_id"]) <= no_data
    assert (nc["related"] != nc["indicator"]).all()
    row = nc[(nc["target_id"] == "003-14") & (nc["related"] == "national_portal_synced_dossier_share")]
    assert sorted(row["value"].round(6)) == [0.180285, 0.182]


def test_status_counts_add_up():
    card = sc.scorecard("79")
    counts = sc.status_counts(card).set_index("status")["targets"]
    assert counts["total"] == len(card) == counts[list(sc.STATUSES)].sum()


def test_scorecard_results_has_every_table():
    res = sc.scorecard_results("01", as_of=2025)
    assert set(res) == {"card", "status_counts", "trajectories", "not_compared", "restated", "headline"}
    assert res["card"]["benchmark"].all()
    assert res["restated"]["flags"].str.contains("inconsistent_restatement").all()


def test_unknown_city_raises():
    from cchc_research.errors import GeographyError

    with pytest.raises(GeographyError):
        sc.latest_actuals("Atlantis")
