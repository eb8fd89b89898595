"""Tests for cchc_research.analysis.overview (hand-computed small frames + real-data checks)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_research.analysis import overview as ov
from cchc_research.errors import CCHCError, SchemaError
from cchc_research.geo import provinces


def _long(indicator, codes, year, source="papi_2011_2016"):
    return pd.DataFrame({"indicator": indicator, "geo_code": list(codes), "geo_level": "province",
                         "period_end": pd.Timestamp(f"{year}-12-31"), "source_id": source})


def test_coverage_table_counts_and_fills_years():
    f = pd.concat([_long("papi_total", ["01", "79"], 2019), _long("pci_weighted", ["01"], 2016),
                   _long("late_rate", ["79"], 2030)])
    t = ov.coverage_table(f, by="family", min_year=2015, max_year=2020)
    assert list(t.columns) == list(range(2015, 2021))
    assert t.loc["papi", 2019] == 2 and t.loc["pci", 2016] == 1
    assert t.loc["papi", 2015] == 0
    assert "dossiers" not in t.index  # 2030 is outside the range
    assert int(t.to_numpy().sum()) == 3


def test_coverage_table_rejects_bad_grouping_and_columns():
    with pytest.raises(CCHCError):
        ov.coverage_table(_long("papi_total", ["01"], 2019), by="source")
    with pytest.raises(SchemaError):
        ov.coverage_table(pd.DataFrame({"indicator": ["x"]}))


def test_missing_provinces_uses_year_specific_universe():
    all63 = list(provinces()["geo_code"])
    f = pd.concat([_long("papi_total", [c for c in all63 if c not in ("24", "87")], 2014),
                   _long("papi_total", all63, 2015)])
    miss = ov.missing_provinces(f, "papi_total")
    assert miss[["year", "geo_code"]].values.tolist() == [[2014, "24"], [2014, "87"]]
    # 2007: 64 provinces including Hà Tây ("28"); a 63-province panel misses exactly Hà Tây
    old = _long("pci_weighted", all63, 2007)
    assert ov.missing_provinces(old, "pci_weighted")["geo_code"].tolist() == ["28"]


def test_province_coverage_excludes_news_by_default():
    f = pd.concat([_long("pci_weighted", ["01"], 2022, source="news_figures:x#1"),
                   _long("pci_weighted", list(provinces()["geo_code"]), 2016, source="pci_2016")])
    cov = ov.province_coverage(f, ["pci_weighted"])
    assert cov["year"].tolist() == [2016] and cov["missing"].tolist() == [0]
    with_news = ov.province_coverage(f, ["pci_weighted"], exclude_sources=())
    assert with_news.loc[with_news["year"] == 2022, "missing"].item() == 62


def test_accounting_counts_distinct_raw_rows():
    counts = pd.DataFrame({"source_id": ["pci", "news_figures"], "rows_read": [10, 5],
                           "rows_processed": [8, 5], "rows_rejected": [2, 0], "values": [50, 5]})
    rej = pd.DataFrame({"source_id": ["pci_2008:a", "pci_2008:a", "pci_2013:b"],
                        "file": ["f1", "f1", "f2"], "row": [3, 3, 3]})
    acc = ov.accounting_table(counts, rej).set_index("source_id")
    assert acc.loc["pci", "reject_records"] == 3
    assert acc.loc["pci", "rejected_raw_rows"] == 2
    assert acc["balanced"].all()
    assert acc.loc["total", "rows_read"] == 15
    bad = ov.accounting_table(counts.assign(rows_rejected=[1, 0]), rej).set_index("source_id")
    assert not bad.loc["pci", "balanced"]


def test_conflicts_and_consistency_helpers():
    c = pd.DataFrame({"indicator": ["papi_total"], "geo_name": ["Quảng Ninh"], "period": ["2019"],
                      "values": ["46.6628;44.66"], "chosen": ["papi_2017_2024"],
                      "chosen_value": [46.6628], "rule": ["primary file first"]})
    t = ov.conflicts_table(c)
    assert t["values"].item() == "46.6628 vs 44.66"
    assert t["spread"].item() == pytest.approx(2.0028)
    checks = pd.DataFrame({"check": ["ratio_vs_percent", "ratio_vs_percent", "sum"],
                           "status": ["ok", "mismatch", "ok"], "indicator": ["a", "b", "c"],
                           "geo_code": ["79"] * 3, "period": ["2024-Q1"] * 3,
                           "expected": [0.976021, 0.180285, 1.0], "observed": [0.976, 0.182, 1.0],
                           "difference": [0.0, 0.0017, 0.0], "tolerance": [5e-4, 5e-4, 1e-4]})
    s = ov.consistency_summary(checks).set_index("check")
    assert s.loc["ratio_vs_percent", "mismatch"] == 1 and s.loc["sum", "total"] == 1
    assert ov.consistency_flags(checks)["indicator"].tolist() == ["b", "a"]
    assert ov.consistency_flags(checks, include_ok_ratio_checks=False)["indicator"].tolist() == ["b"]


def test_real_data_documented_gaps_and_conflicts():
    from cchc_research.data import load_indicators, load_table

    cov = ov.province_coverage(load_indicators(indicator="papi_total")).set_index("year")
    assert cov.loc[2014, "missing_names"] == "Bắc Giang; Đồng Tháp"
    assert set(cov.loc[2021, "missing_names"].split("; ")) == {"Bắc Giang", "Bắc Ninh", "Quảng Ninh"}
    assert set(cov.loc[2024, "missing_names"].split("; ")) == {"Vĩnh Phúc", "Tiền Giang"}
    conf = ov.conflicts_table(load_table("conflicts"))
    hp = conf[(conf["indicator"] == "par_index") & (conf["geo_name"] == "Hải Phòng")]
    assert hp["chosen_value"].item() == pytest.approx(0.9187)
    qn = conf[(conf["indicator"] == "papi_total") & (conf["geo_name"] == "Quảng Ninh")]
    assert qn["chosen_value"].item() == pytest.approx(46.6628, abs=1e-3)
    flags = ov.consistency_flags(load_table("consistency_checks"))
    mism = flags[flags["status"] == "mismatch"]
    assert mism["expected"].round(4).tolist() == [0.1803] and mism["observed"].tolist() == [0.182]


def test_real_data_accounting_balances_and_provenance():
    acc = ov.accounting_table()
    assert acc["balanced"].all()
    prov = ov.provenance_table()
    assert prov["sha256"].str.fullmatch(r"[0-9a-f]{12}").all()
    assert {"papi_pci_vietnamdata", "seed_facts", "news_figures"} <= set(prov["source"])
    eras = ov.era_breaks(families=["papi"])
    total = eras[eras["indicator"] == "papi_total"]
    assert total["from"].tolist()[-1] == "2018-01-01"
    assert not total["comparable_with_previous"].tolist()[-1]


def test_drop_targets_matches_whole_flag_only():
    f = pd.DataFrame({"flags": ["target", "plan_period;target;x", pd.NA, "targets_table", "step;target"]})
    assert ov.drop_targets(f).index.tolist() == [2, 3]


def test_documented_gaps_groups_cells():
    cells = pd.DataFrame({"year": [2021, 2021, 2024], "geo_code": ["27", "27", "82"],
                          "indicator": ["a", "b", "a"], "note": ["covid", "covid", "zeros"]})
    g = ov.documented_gaps(cells)
    assert g[["year", "geo_name", "cells"]].values.tolist() == [[2021, "Bắc Ninh", 2], [2024, "Tiền Giang", 1]]
    assert ov.documented_gaps(cells.iloc[0:0]).empty


def test_summary_table_counts_on_a_hand_made_frame():
    ind = pd.DataFrame({"indicator": ["papi_total", "pci_weighted", "on_time_rate", "on_time_rate"],
                        "geo_code": ["01", "01", "79", "79"],
                        "source_id": ["papi_2011_2016", "pci_2016:Summary", "seed_facts:1", "targets_1191:2"],
                        "flags": [None, None, None, "target"], "simulated": [False, False, False, False]})
    checks = pd.DataFrame({"status": ["ok", "mismatch", "ok"]})
    missing = pd.DataFrame({"year": [2014], "geo_code": ["24"]})
    out = dict(zip(*ov.summary_table(ind, conflicts=ind.iloc[:2], checks=checks, missing_papi=missing,
                                     raw_files=7).T.values))
    assert out == {"reported_values": 3, "indicators": 3, "geographies": 2, "source_ids": 4, "panel_values": 2,
                   "targets_excluded": 1, "simulated_values": 0, "conflicts": 2, "consistency_checks": 3,
                   "consistency_mismatches": 1, "papi_missing_province_years": 1, "raw_files": 7}


def test_summary_table_requires_its_columns():
    with pytest.raises(SchemaError):
        ov.summary_table(pd.DataFrame({"indicator": []}), conflicts=pd.DataFrame(), checks=pd.DataFrame(),
                         missing_papi=pd.DataFrame(), raw_files=0)


def test_overview_results_refuses_an_empty_year_range():
    with pytest.raises(CCHCError, match="after max_year"):
        ov.overview_results(min_year=2020, max_year=2010)
