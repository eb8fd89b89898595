"""Tests of the PCI reader (cchc_research.sources.pci) against the original VCCI files read independently."""

from __future__ import annotations

import copy
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlrd

from cchc_research import config
from cchc_research.errors import SourceError
from cchc_research.geo import resolve_province
from cchc_research.sources import _papi_pci_common as common
from cchc_research.sources.pci import pci_wide, read_pci
from cchc_research.sources.pci_layouts import INDICATOR_LAYOUTS, SUMMARY_LAYOUTS
from source_checks import assert_kept_and_flagged

PCI_DIR = config.RAW_DIR / "papi_pci_vietnamdata"
SUB_INDICES = ["pci_entry_costs", "pci_land_access", "pci_transparency", "pci_time_costs", "pci_informal_charges",
               "pci_policy_bias", "pci_proactivity", "pci_business_support", "pci_labor_training",
               "pci_legal_institutions", "pci_implementation"]


@pytest.fixture(scope="session")
def pci():
    """All twelve PCI files, parsed once per test session (the reader also caches parsed sheets)."""
    return read_pci()


@pytest.fixture(scope="session")
def ind(pci):
    return pci.indicators


def value(ind, code, geo, year):
    sel = ind[(ind["indicator"] == code) & (ind["geo_code"] == geo) & (ind["period"] == str(year))]
    assert len(sel) == 1, (code, geo, year, len(sel))
    return float(sel["value"].iloc[0])


def xls_cell(name, sheet, row, col):
    return xlrd.open_workbook(PCI_DIR / name).sheet_by_name(sheet).cell_value(row - 1, col)


def xlsx_cell(name, sheet, ref):
    book = openpyxl.load_workbook(PCI_DIR / name, read_only=True, data_only=True)
    try:
        return book[sheet][ref].value
    finally:
        book.close()


def test_province_counts_per_year(pci, ind):
    pci.check_accounting()
    counts = ind[ind["indicator"] == "pci_weighted"].groupby("period")["geo_code"].nunique().to_dict()
    expected = {"2005": 42, **{str(y): 64 for y in (2006, 2007, 2008)}, **{str(y): 63 for y in range(2009, 2017)}}
    assert counts == expected
    ha_tay = ind[ind["geo_code"] == "28"]
    assert sorted(ha_tay["period"].unique()) == ["2005", "2006", "2007", "2008"]  # Hà Tây is among the 42 of 2005
    assert set(ha_tay["geo_name"]) == {"Hà Tây"}
    # every sub-index a year publishes covers all its provinces
    sub = ind[ind["indicator"].isin(SUB_INDICES)].groupby(["period", "indicator"])["geo_code"].nunique()
    assert all(sub.loc[y].eq(expected[y]).all() for y in expected)
    assert not ind.duplicated(["indicator", "geo_code", "period"]).any()


def test_sub_index_availability_by_year(ind):
    have = ind.groupby("indicator")["period"].agg(lambda s: sorted(set(s)))
    assert have["pci_implementation"] == ["2005"]
    assert have["pci_policy_bias"] == ["2005", "2006", "2007", "2008", "2013", "2014", "2015", "2016"]
    assert have["pci_labor_training"][0] == "2006"
    assert have["pci_unweighted"] == ["2007", "2008", "2010"]
    assert have["pci_g1_time_on_regulations"] == ["2012", "2013", "2014", "2015", "2016"]


def test_units_and_ranges(ind):
    subs = ind[ind["indicator"].isin(SUB_INDICES)]
    assert set(subs["unit"]) == {"score"} and subs["value"].between(1, 10).all()
    tot = ind[ind["indicator"].isin(["pci_weighted", "pci_unweighted"])]
    assert set(tot["unit"]) == {"index"} and tot["value"].between(0, 100).all()
    shares = ind[ind["unit"] == "share"]
    assert len(shares) > 0 and shares["value"].between(0, 1).all()


def test_cells_match_raw_files(ind):
    # aligned layouts: 2005 Cần Thơ weighted PCI (row 3, column O); 2009 Hà Nội entry costs (row 4, column D)
    assert xls_cell("PCI_2005.xls", "Bảng tóm tắt chỉ số", 3, 0) == "Cần Thơ"
    assert value(ind, "pci_weighted", "92", 2005) == xls_cell("PCI_2005.xls", "Bảng tóm tắt chỉ số", 3, 14)
    assert value(ind, "pci_entry_costs", "01", 2009) == xls_cell("PCI_2009.xls", "Tong Hop", 4, 3)
    # 2006 Hà Tây, legal institutions
    sheet = xlrd.open_workbook(PCI_DIR / "PCI_2006.xls").sheet_by_name("PCI Tóm tắt")
    r = next(i for i in range(sheet.nrows) if sheet.cell_value(i, 1) == "Hà Tây")
    assert value(ind, "pci_legal_institutions", "28", 2006) == sheet.cell_value(r, 11)
    # paired layouts: every column sorted separately
    assert xls_cell("PCI_2010.xls", "Tong hop", 2, 1) == "Quang Tri"
    assert value(ind, "pci_entry_costs", "45", 2010) == xls_cell("PCI_2010.xls", "Tong hop", 2, 2)
    assert xlsx_cell("PCI_2016.xlsx", "Summary_VN", "B2") == "Quảng Ninh"
    assert value(ind, "pci_entry_costs", "22", 2016) == pytest.approx(xlsx_cell("PCI_2016.xlsx", "Summary_VN", "C2"))
    assert xlsx_cell("PCI_2016.xlsx", "Summary_VN", "V2") == "Đà Nẵng"
    assert value(ind, "pci_weighted", "48", 2016) == pytest.approx(xlsx_cell("PCI_2016.xlsx", "Summary_VN", "W2"))
    # indicator sheets: 2012 Hà Nội share of firms spending >10% of time on regulations (D4), website score (I4)
    assert value(ind, "pci_g1_time_on_regulations", "01", 2012) == pytest.approx(
        xlsx_cell("PCI_2012.xlsx", "Chi phi thoi gian", "D4"))
    assert value(ind, "pci_web_score_2012", "01", 2012) == xlsx_cell("PCI_2012.xlsx", "Tinh minh bach", "I4")
    sel = ind[(ind["indicator"] == "pci_web_score_2012") & (ind["geo_code"] == "01")]
    assert sel["source_file"].iloc[0] == "papi_pci_vietnamdata/PCI_2012.xlsx#Tinh minh bach"
    assert int(sel["raw_row"].iloc[0]) == 4


LONG_VARS = {
    **{v: c for lay in INDICATOR_LAYOUTS[2012] for v, c in lay["vars"].items()},
    **{v: c for lay in INDICATOR_LAYOUTS[2013] for v, c in lay["vars"].items()},
    **{v: c for lay in INDICATOR_LAYOUTS[2016] for v, c in lay["vars"].items()},
    "sub3_transparency": "pci_transparency", "sub4_time": "pci_time_costs", "sub4_time_prov": "pci_time_costs",
}


def test_matches_derived_transparency_timecost_file(ind):
    long = pd.read_csv(PCI_DIR / "pci_transparency_timecosts_indicators_2012_2016_long.csv")
    long["indicator"] = long["var_code"].map(LONG_VARS)
    assert long["indicator"].notna().all(), set(long.loc[long["indicator"].isna(), "var_code"])
    long["geo_code"] = [resolve_province(p).geo_code for p in long["province_vi"]]
    long["period"] = long["year"].astype(str)
    merged = long.merge(ind, on=["indicator", "geo_code", "period"], how="left")
    assert merged["value_y"].notna().all()
    assert len(merged) == 6363
    np.testing.assert_allclose(merged["value_y"], merged["value_x"], rtol=0, atol=1e-6)
    # and nothing we emit from those sheets is absent from the derived file
    ours = ind[ind["source_file"].str.contains("#Tinh minh bach|#Tính minh bạch|#Chi phi thoi gian|#Chi phí thời gian")]
    assert len(ours) == len(long[~long["var_code"].str.startswith("sub")])


def test_matches_rda_panel_except_2013(ind):
    rda = pd.read_csv(PCI_DIR / "pci_clean_panel_from_rda.csv")
    rda = rda[rda["year"] != 2013]  # the package's 2013 rows are broken (no province names)
    mapping = {"pci_entry": "pci_entry_costs", "pci_land": "pci_land_access", "pci_transparency": "pci_transparency",
               "pci_time": "pci_time_costs", "pci_informal": "pci_informal_charges",
               "pci_implement": "pci_implementation", "pci_bias": "pci_policy_bias",
               "pci_proactive": "pci_proactivity", "pci_support": "pci_business_support",
               "pci_labor": "pci_labor_training", "pci_legal": "pci_legal_institutions",
               "pci_unweighted": "pci_unweighted", "pci_weighted": "pci_weighted"}
    rda["geo_code"] = [resolve_province(p, vintage=2004).geo_code for p in rda["prov"]]
    long = rda.melt(id_vars=["geo_code", "year"], value_vars=list(mapping), var_name="col", value_name="rda")
    long["indicator"] = long["col"].map(mapping)
    long["period"] = long["year"].astype(str)
    ours = ind[ind["indicator"].isin(mapping.values()) & (ind["period"] != "2013")]
    merged = ours.merge(long, on=["indicator", "geo_code", "period"], how="left")
    assert merged["rda"].notna().all()
    assert len(merged) == len(ours) > 7000
    np.testing.assert_allclose(merged["value"], merged["rda"], rtol=0, atol=1e-6)


def test_extra_rows_rejected_with_reasons(pci):
    rej = pci.rejects
    reasons = rej.drop_duplicates(["file", "row"])["reason"]
    assert reasons.str.startswith("summary-statistic row").sum() == 2 + 3 + 5 * 2 * 3  # 2006, 2007, 5 yrs x 2 sheets x 3
    assert (reasons == "rank row (positions, not scores), not a province").sum() == 1 + 7  # 2008, 2010-2016
    assert (reasons == "repeated header row, not a province").sum() == 7
    assert reasons.str.startswith("duplicated province-year").sum() == 1 + 7 + 10  # look-up widget copies
    assert pci.rows_read == pci.rows_processed + pci.rows_rejected


def test_stale_summary_sheet_refused():
    for year in (2014, 2015, 2016):
        bad = {year: dict(SUMMARY_LAYOUTS[year], sheet="Summary")}
        with pytest.raises(SourceError, match="stale") as exc:
            read_pci(years=[year], summary_layouts=bad)
        assert exc.value.value == "Summary" and exc.value.file == f"papi_pci_vietnamdata/PCI_{year}.xlsx"
    # detection from the header itself: a sheet whose header names another PCI year
    bad = {2013: dict(SUMMARY_LAYOUTS[2013], file="PCI_2014.xlsx")}
    with pytest.raises(SourceError, match="header says 'PCI 2014'") as exc:
        read_pci(years=[2013], summary_layouts=bad)
    assert exc.value.row == 1 and exc.value.column == "W"


def test_wrong_layout_names_expected_and_found():
    layout = copy.deepcopy(SUMMARY_LAYOUTS[2009])
    layout["columns"][3] = ["pci_entry_costs", "tiếp cận đất đai"]
    with pytest.raises(SourceError) as exc:
        read_pci(years=[2009], summary_layouts={2009: layout})
    err = exc.value
    assert err.file == "papi_pci_vietnamdata/PCI_2009.xls#Tong Hop" and err.column == "D" and err.row == 3
    assert "expected header containing 'tiếp cận đất đai'" in err.reason and "gia nhập thị trường" in err.reason


def test_wide_frame(pci):
    wide = pci_wide(pci)
    assert not wide.duplicated(["geo_code", "year"]).any()
    assert wide.groupby("year").size().to_dict()[2006] == 64
    assert list(wide.columns[:3]) == ["geo_code", "geo_name", "year"] and wide.columns[-1] == "source_ids"


# ---------------------------------------------------------------- malformed inputs (tmp_path copies of PCI 2012)

def _copy_2012(tmp_path, edit):
    (tmp_path / "papi_pci_vietnamdata").mkdir()
    dest = tmp_path / "papi_pci_vietnamdata" / "PCI_2012.xlsx"
    shutil.copy(PCI_DIR / "PCI_2012.xlsx", dest)
    book = openpyxl.load_workbook(dest, data_only=True)  # keep cached values, drop formulas
    edit(book)
    book.save(dest)
    return tmp_path


@pytest.fixture(scope="module")
def bad_2012(tmp_path_factory):
    def edit(book):
        book["Tong hop"]["C3"] = "abc"            # non-numeric entry-costs score
        book["Tong hop"]["E4"] = 11               # land access 11 on a 1-10 scale
        book["Tong hop"]["F5"] = "Atlantis"       # unknown province (transparency column)
        book["Tinh minh bach"]["B6"] = book["Tinh minh bach"]["B5"].value  # duplicated province-year
    return read_pci(_copy_2012(tmp_path_factory.mktemp("pci_bad"), edit), years=[2012])


def _reject(result, sheet, row, column):
    rej = result.rejects
    sel = rej[rej["file"].str.endswith(sheet) & (rej["row"] == row) & rej["column"].str.startswith(column)]
    assert len(sel) == 1, rej.head(10)
    return sel.iloc[0]


def test_non_numeric_score(bad_2012):
    r = _reject(bad_2012, "#Tong hop", 3, "C")
    assert r["value"] == "abc" and r["error"] == "ParseError"
    assert r["file"] == "papi_pci_vietnamdata/PCI_2012.xlsx#Tong hop"


def test_score_out_of_range_kept_and_flagged(bad_2012):
    assert_kept_and_flagged(bad_2012, "#Tong hop", 4, "11", 11.0)


def test_unknown_province(bad_2012):
    r = _reject(bad_2012, "#Tong hop", 5, "F")
    assert r["value"] == "Atlantis" and r["error"] == "UnknownGeographyError"


def test_duplicated_province_year(bad_2012):
    r = _reject(bad_2012, "#Tinh minh bach", 6, "B")
    assert "duplicated province-year (first at sheet row 5)" in r["reason"]
    bad_2012.check_accounting()


def test_missing_sheet(tmp_path):
    raw = _copy_2012(tmp_path, lambda book: book.remove(book["Chi phi thoi gian"]))
    with pytest.raises(SourceError, match="sheet not found") as exc:
        read_pci(raw, years=[2012])
    assert exc.value.value == "Chi phi thoi gian"


def test_renamed_variable_code(tmp_path):
    def edit(book):
        book["Chi phi thoi gian"]["D3"] = "g1_x"
    raw = _copy_2012(tmp_path, edit)
    with pytest.raises(SourceError) as exc:
        read_pci(raw, years=[2012])
    err = exc.value
    assert err.value == "g1_x" and err.row == 3 and err.column == "D" and err.file.endswith("#Chi phi thoi gian")


def test_missing_header_column(tmp_path):
    def edit(book):
        book["Tong hop"]["G1"] = None
    raw = _copy_2012(tmp_path, edit)
    with pytest.raises(SourceError) as exc:
        read_pci(raw, years=[2012])
    assert exc.value.column == "G" and "tính minh bạch" in exc.value.reason


@pytest.mark.benchmark
def test_benchmark_read_all(benchmark):
    """Cold read of all PAPI and PCI files (caches cleared each round)."""
    from cchc_research.sources.papi import read_papi

    def cold():
        common._CACHE.clear()
        return read_pci(), read_papi()

    pci, papi = benchmark.pedantic(cold, rounds=3, iterations=1)
    assert pci.rows_read == 1436 and papi.rows_read == 888


def test_fast_and_fallback_workbook_readers_agree(monkeypatch):
    """python-calamine (fast path, with its in-memory fix for PCI 2014) and openpyxl give identical tables."""
    import python_calamine  # noqa: F401 - pinned dependency: a missing one must fail, not skip
    fast = read_pci(years=[2013, 2014])
    common._CACHE.clear()
    monkeypatch.setattr(common, "_read_xlsx_calamine", lambda path, wanted: None)
    try:
        slow = read_pci(years=[2013, 2014])
    finally:
        common._CACHE.clear()
    pd.testing.assert_frame_equal(fast.indicators, slow.indicators)
    pd.testing.assert_frame_equal(fast.rejects, slow.rejects)


def test_processed_schema_and_catalog(pci):
    from cchc_research.catalog import load_catalog
    from cchc_research.schemas import indicator_schema, province_year_schema, validate_frame

    validate_frame(pci.indicators, indicator_schema(), file="pci")
    catalog = load_catalog()
    assert {catalog[c].family for c in pci.indicators["indicator"].unique()} == {"pci"}
    assert catalog["pci_g1_time_on_regulations"].unit == "share"
    assert catalog["pci_g1_time_on_regulations"].polarity == "lower_better"
    wide = pci_wide(pci)
    province_year_schema(list(wide.columns)).validate(wide)
