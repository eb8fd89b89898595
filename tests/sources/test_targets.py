"""Decision 1191/QĐ-UBND targets: comparisons, deadlines, trajectories."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_research.sources.seed_facts import DECISION_1191, load_seed_facts_table
from cchc_research.sources.targets import (
    TARGET_COLUMNS,
    expand_trajectory,
    read_targets_1191,
    targets_table,
    trajectory_years,
)


@pytest.fixture(scope="module")
def res():
    return read_targets_1191()


@pytest.fixture(scope="module")
def targets(res):
    return res.extra_tables["targets"]


def test_accounting_covers_only_the_decision(res):
    res.check_accounting()
    raw = load_seed_facts_table()
    assert res.rows_read == int((raw["document"] == DECISION_1191).sum()) == 41
    assert (res.rejects["source_id"] == "targets_1191").all()
    assert (res.indicators["comparison"] != "==").all()
    assert (res.indicators["reliability"] == "high").all()


def test_columns_and_types(targets):
    assert list(targets.columns) == list(TARGET_COLUMNS)
    assert targets["target_id"].is_unique
    assert str(targets["deadline"].dtype).startswith("datetime64")
    assert set(targets["geo_code"]) == {"79"}


def test_satisfaction_95_by_2025(targets):
    sat = targets[targets["indicator"] == "satisfaction_rate"]
    assert len(sat) == 3 and sat["scope"].nunique() == 3
    assert set(zip(sat["comparison"], sat["value"])) == {(">=", 0.95)}
    assert (sat["deadline"] == pd.Timestamp("2025-12-31")).all()
    assert sat["quote"].str.contains("năm 2025").all()


def test_on_time_98_and_its_inconsistent_restatement(targets):
    each = targets[(targets["indicator"] == "on_time_rate") & (targets["scope"] == "each field")]
    assert sorted(zip(each["comparison"], each["value"])) == [(">", 0.98), (">=", 0.98)]
    restated = each[each["comparison"] == ">"].iloc[0]
    assert "inconsistent_restatement" in restated["flags"]
    assert "deadline_plan_end" in restated["flags"]
    assert restated["period"] == "2020-01-01..2025-12-31"


def test_online_procedures_above_60(targets):
    online = targets[targets["indicator"] == "online_procedure_share"]
    assert len(online) == 2
    assert set(zip(online["comparison"], online["value"])) == {(">", 0.6)}
    dossiers = targets[targets["indicator"] == "online_dossier_share"].iloc[0]
    assert (dossiers["comparison"], dossiers["value"], dossiers["raw_value"]) == (">=", 0.5, "từ 50% trở lên")


def test_late_rate_trajectory_reaches_an_infeasible_bound(targets):
    late = targets[(targets["indicator"] == "late_rate") & (targets["scope"] == "land and investment fields")]
    late = late.sort_values("trajectory_year")
    assert late["trajectory_year"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert late["value"].tolist() == pytest.approx([0.04, 0.03, 0.02, 0.01, 0.0])
    assert set(late["comparison"]) == {"<"}
    assert set(late["baseline_year"]) == {2021}
    assert late["flags"].str.contains("infeasible_target").tolist() == [False, False, False, False, True]
    assert "trajectory_start_assumed" in late["flags"].iloc[0]


def test_land_registry_trajectory_rises_to_100(targets):
    land = targets[(targets["indicator"] == "on_time_rate") & (targets["scope"] == "land registration office branches")]
    first = land[~land["flags"].str.contains("restatement")].sort_values("trajectory_year")
    assert first["value"].tolist() == pytest.approx([0.96, 0.97, 0.98, 0.99, 1.0])
    assert set(first["comparison"]) == {">="}
    assert not first["flags"].str.contains("infeasible").any()
    assert first["flags"].str.contains("agency=Văn phòng đăng ký đất đai").all()


def test_unqualified_100_percent_is_a_floor(targets):
    edoc = targets[targets["indicator"] == "electronic_documents_share"].iloc[0]
    assert (edoc["comparison"], edoc["value"]) == (">=", 1.0)
    assert "comparison_from_polarity" in edoc["flags"]


def test_trajectory_helpers():
    assert trajectory_years(2020, 2025, 2021) == [2021, 2022, 2023, 2024, 2025]
    assert trajectory_years(2022, 2025, 2021) == [2022, 2023, 2024, 2025]
    up = expand_trajectory(0.96, 0.01, "up", [2021, 2022, 2023, 2024, 2025, 2026], comparison=">=")
    assert [v for _, v, _ in up] == pytest.approx([0.96, 0.97, 0.98, 0.99, 1.0, 1.0])
    assert up[-1][2] == ["infeasible_target"] and up[-2][2] == []
    strict = expand_trajectory(0.99, 0.01, "up", [2024, 2025], comparison=">")
    assert strict[-1][2] == ["infeasible_target"]
    with pytest.raises(ValueError):
        expand_trajectory(0.5, 0.1, "sideways", [2021], comparison=">")


def test_relative_target_baseline_year():
    facts = pd.DataFrame([{
        "fact_id": "003-90", "indicator": "late_rate", "geo_code": "79", "geo_name": "Hồ Chí Minh", "scope": "",
        "comparison": ">=", "value": 0.1, "unit": "share", "period": "2020-01-01..2025-12-31",
        "period_end": pd.Timestamp("2025-12-31"), "trajectory_year": pd.NA, "raw_value": "10%",
        "quote": "giảm tỷ lệ 10% số lượng đơn vị sự nghiệp so với giai đoạn 2016 - 2020.",
        "source_id": "seed_facts:003-90", "source_file": "x", "raw_row": 1, "reliability": "high",
        "flags": "relative_to_baseline;target", "role": "target", "base_fact_id": "",
    }])
    t = targets_table(facts)
    assert t.loc[0, "baseline_year"] == 2020
    assert t.loc[0, "flags"] == "relative_to_baseline;deadline_plan_end"
