"""Consistency checks: ratio vs stated percentage, parts vs totals, on hand-made and real frames."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_research.errors import SchemaError
from cchc_research.sources.consistency import (
    CHECK_COLUMNS,
    check_parts_sum,
    check_ratio_vs_percent,
    printed_decimals,
    run_all_checks,
)
from cchc_research.sources.news import read_news_figures
from cchc_research.sources.seed_facts import read_seed_facts


def _rows(*recs):
    base = {"geo_code": "79", "period": "2024-Q1", "comparison": "==", "numerator": None, "denominator": None,
            "source_file": "x.csv", "quote": "q", "unit": "share"}
    return pd.DataFrame([{**base, **r} for r in recs])


@pytest.mark.parametrize(("raw", "d"), [("97,6%", 1), ("18,2%", 1), ("0,31 %", 2), ("91.87 percent", 2),
                                        ("544.806", 0), ("1.626", 0), ("85%", 0), ("5.123456", 6),
                                        ("12,345%", 3), ("", 0), (None, 0)])
def test_printed_decimals(raw, d):
    assert printed_decimals(raw) == d


def test_ratio_vs_percent_pair_within_rounding():
    f = _rows({"indicator": "on_time_rate", "value": 443915 / 454821, "numerator": 443915, "denominator": 454821,
               "raw_value": "443.915/454.821", "source_id": "a"},
              {"indicator": "on_time_rate", "value": 0.976, "raw_value": "97,6%", "source_id": "b"})
    out = check_ratio_vs_percent(f)
    assert list(out.columns) == list(CHECK_COLUMNS)
    assert out.loc[0, "status"] == "ok" and out.loc[0, "rows"] == "a;b"
    assert out.loc[0, "tolerance"] == pytest.approx(0.0005)


def test_ratio_vs_percent_detects_a_mismatch_beyond_rounding():
    f = _rows({"indicator": "x", "value": 454821 / 2522782, "numerator": 454821, "denominator": 2522782,
               "raw_value": "454.821/2.522.782", "source_id": "a"},
              {"indicator": "x", "value": 0.182, "raw_value": "18,2%", "source_id": "b"})
    out = check_ratio_vs_percent(f).iloc[0]
    assert out["status"] == "mismatch"
    assert out["difference"] == pytest.approx(0.182 - 454821 / 2522782)


def test_tolerance_follows_printed_decimals():
    # 97,64% printed with 2 decimals no longer matches 443.915/454.821 = 97,602%
    f = _rows({"indicator": "x", "value": 443915 / 454821, "numerator": 443915, "denominator": 454821,
               "raw_value": "443.915/454.821", "source_id": "a"},
              {"indicator": "x", "value": 0.9764, "raw_value": "97,64%", "source_id": "b"})
    assert check_ratio_vs_percent(f).iloc[0]["status"] == "mismatch"
    f.loc[1, ["value", "raw_value"]] = [0.98, "98%"]
    assert check_ratio_vs_percent(f).iloc[0]["status"] == "ok"       # 98% ± 0,5 point


def test_ratio_and_percent_in_one_row():
    f = _rows({"indicator": "full_online_dossier_share", "value": 0.6854, "numerator": 115665,
               "denominator": 168746, "raw_value": "68,54%", "source_id": "hn"})
    out = check_ratio_vs_percent(f)
    assert len(out) == 1 and out.loc[0, "status"] == "ok"


def test_pairs_need_the_same_sentence():
    f = _rows({"indicator": "x", "value": 0.5, "numerator": 1, "denominator": 2, "raw_value": "1/2",
               "source_id": "a", "quote": "one"},
              {"indicator": "x", "value": 0.9, "raw_value": "90%", "source_id": "b", "quote": "two"})
    assert check_ratio_vs_percent(f).empty


def test_parts_sum_counts_and_complements():
    counts = _rows({"indicator": "dossiers_resolved_on_time", "value": 443915.0, "raw_value": "443.915",
                    "source_id": "a"},
                   {"indicator": "dossiers_resolved_late", "value": 10906.0, "raw_value": "10.906", "source_id": "b"},
                   {"indicator": "dossiers_resolved", "value": 454821.0, "raw_value": "454.821", "source_id": "c"})
    out = check_parts_sum(counts, ["dossiers_resolved_on_time", "dossiers_resolved_late"], "dossiers_resolved")
    assert out.loc[0, "status"] == "ok" and out.loc[0, "tolerance"] < 1e-6
    counts.loc[1, "value"] = 10905.0
    out = check_parts_sum(counts, ["dossiers_resolved_on_time", "dossiers_resolved_late"], "dossiers_resolved")
    assert out.loc[0, "status"] == "mismatch" and out.loc[0, "rows"] == "a;b;c"
    rates = _rows({"indicator": "on_time_rate", "value": 0.976, "raw_value": "97,6%", "source_id": "a"},
                  {"indicator": "late_rate", "value": 0.026, "raw_value": "2,6%", "source_id": "b"})
    out = check_parts_sum(rates, ["on_time_rate", "late_rate"], 1.0, name="complement")
    assert out.loc[0, "status"] == "mismatch" and out.loc[0, "check"] == "complement"
    rates.loc[1, "value"] = 0.024
    assert check_parts_sum(rates, ["on_time_rate", "late_rate"], 1.0).loc[0, "status"] == "ok"


def test_parts_sum_skips_incomplete_groups_and_uses_optional_parts():
    f = _rows({"indicator": "a", "value": 1.0, "raw_value": "1", "source_id": "1"},
              {"indicator": "t", "value": 3.0, "raw_value": "3", "source_id": "2"})
    assert check_parts_sum(f, ["a", "b"], "t").empty
    f = pd.concat([f, _rows({"indicator": "b", "value": 1.0, "raw_value": "1", "source_id": "3"},
                            {"indicator": "c", "value": 1.0, "raw_value": "1", "source_id": "4"})])
    assert check_parts_sum(f, ["a", "b"], "t").loc[0, "status"] == "mismatch"
    assert check_parts_sum(f, ["a", "b"], "t", optional_parts=["c"]).loc[0, "status"] == "ok"


def test_missing_columns_raise():
    with pytest.raises(SchemaError):
        check_ratio_vs_percent(pd.DataFrame({"indicator": ["x"]}))


def test_run_all_checks_on_seed_facts_and_news():
    frame = pd.concat([read_seed_facts().indicators, read_news_figures().indicators], ignore_index=True)
    checks = run_all_checks(frame)
    assert list(checks.columns) == list(CHECK_COLUMNS)
    by_rows = checks.set_index("rows")
    assert by_rows.loc["seed_facts:002-15;seed_facts:002-16", "status"] == "ok"
    assert by_rows.loc["seed_facts:002-17;seed_facts:002-18", "status"] == "mismatch"   # 18,2% vs 18,03%
    assert by_rows.loc["news_figures:online_services_and_766_figures#1", "status"] == "ok"   # Hà Nam 115665/168746
    assert set(checks["status"]) <= {"ok", "mismatch"}


def test_share_of_counts():
    from cchc_research.sources.consistency import check_share_of_counts

    f = _rows({"indicator": "on_time_rate", "value": 0.976, "raw_value": "97,6%", "source_id": "a"},
              {"indicator": "dossiers_resolved_on_time", "value": 443915.0, "raw_value": "443.915", "source_id": "b"},
              {"indicator": "dossiers_resolved", "value": 454821.0, "raw_value": "454.821", "source_id": "c"})
    out = check_share_of_counts(f, "on_time_rate", "dossiers_resolved_on_time", "dossiers_resolved")
    assert out.loc[0, "status"] == "ok" and out.loc[0, "rows"] == "a;b;c"
    f.loc[0, ["value", "raw_value"]] = [0.97, "97%"]          # 97% ± 0,5 point does not cover 97,60%
    out = check_share_of_counts(f, "on_time_rate", "dossiers_resolved_on_time", "dossiers_resolved")
    assert out.loc[0, "status"] == "mismatch"
    assert check_share_of_counts(f.iloc[:2], "on_time_rate", "dossiers_resolved_on_time", "dossiers_resolved").empty
