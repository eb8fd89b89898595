"""Tests of the PAPI reader (cchc_research.sources.papi) against the raw files read independently."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cchc_research import config
from cchc_research.errors import SourceError
from cchc_research.geo import resolve_province
from cchc_research.sources.papi import DIMENSIONS, TOTAL_TOLERANCE, papi_wide, read_papi
from source_checks import assert_kept_and_flagged

RAW = config.RAW_DIR
WORKBOOK = RAW / "papi_pci_vietnamdata" / "PAPI_2011-2016.xlsx"
CSV_2017 = RAW / "papi_2017_2024" / "papi_province_dimensions_2017_2024.csv"


@pytest.fixture(scope="module")
def papi():
    return read_papi()


@pytest.fixture(scope="module")
def ind(papi):
    return papi.indicators


@pytest.fixture(scope="module")
def raw_book():
    book = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    book.close()
    return sheets


def value(ind, code, geo, year):
    sel = ind[(ind["indicator"] == code) & (ind["geo_code"] == geo) & (ind["period"] == str(year))]
    assert len(sel) == 1, (code, geo, year, len(sel))
    return float(sel["value"].iloc[0])


def test_accounting_and_row_counts(papi, ind):
    papi.check_accounting()
    # 6 sheets x (63 provinces + the "Highest" row) + 504 CSV rows
    assert papi.rows_read == 6 * 64 + 504
    assert papi.rows_processed + papi.rows_rejected == papi.rows_read
    per_year = ind.groupby("period")["geo_code"].nunique().to_dict()
    expected = {str(y): 63 for y in range(2011, 2025)}
    expected.update({"2014": 61, "2021": 60, "2023": 61, "2024": 61})
    assert per_year == expected
    # every value is traceable to a file and row
    assert ind["source_file"].notna().all() and ind["raw_row"].notna().all()
    assert not ind.duplicated(["indicator", "geo_code", "period"]).any()


def test_highest_row_rejected_not_dropped(papi):
    rej = papi.rejects
    highest = rej[rej["reason"] == "column-maximum row, not a province"]
    assert len(highest) == 6
    assert set(highest["row"]) == {66}
    assert set(highest["value"]) == {"Highest"}


def test_workbook_cells_match_openpyxl(ind, raw_book):
    # 2011 Hà Nội, D1 (column D, sheet row 3)
    row = raw_book["2011_PAPI"][2]
    assert row[2] == "Hà Nội"
    assert value(ind, "papi_d1_participation", "01", 2011) == pytest.approx(row[3], abs=1e-12)
    # 2016 Cà Mau: total (AF) and the 2016-only sub-dimension "Responsive to Citizen Actions" (column O)
    row = raw_book["2016_PAPI"][64]
    assert row[2] == "Cà Mau" and raw_book["2016_PAPI"][0][14] == "Responsive to Citizen Actions"
    assert value(ind, "papi_total", "96", 2016) == pytest.approx(row[31], abs=1e-12)
    assert value(ind, "papi_d3_responsiveness", "96", 2016) == pytest.approx(row[14], abs=1e-12)
    # 2013 Cao Bằng, Law and Order (AE)
    row = raw_book["2013_PAPI"][4]
    assert row[2] == "Cao Bằng"
    assert value(ind, "papi_d6_law_and_order", "04", 2013) == pytest.approx(row[30], abs=1e-12)
    # provenance points to the sheet row
    sel = ind[(ind["indicator"] == "papi_total") & (ind["geo_code"] == "96") & (ind["period"] == "2016")]
    assert sel["source_file"].iloc[0] == "papi_pci_vietnamdata/PAPI_2011-2016.xlsx#2016_PAPI"
    assert int(sel["raw_row"].iloc[0]) == 65


def test_csv_cells_match(ind):
    with CSV_2017.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rec = next(r for r in rows if r["province_id"] == "50" and r["year"] == "2019")  # Hồ Chí Minh
    assert value(ind, "papi_total", "79", 2019) == pytest.approx(float(rec["total_papi"]), abs=1e-12)
    assert value(ind, "papi_d8_e_governance", "79", 2019) == pytest.approx(float(rec["D8_e_governance"]))
    rec = next(r for r in rows if r["province_id"] == "49" and r["year"] == "2021")  # Bà Rịa - Vũng Tàu
    assert value(ind, "papi_total", "77", 2021) == pytest.approx(float(rec["total_papi"]))
    # D7/D8 do not exist in 2017
    assert ind[(ind["period"] == "2017") & ind["indicator"].isin(DIMENSIONS[6:])].empty


def test_workbook_matches_rda_panel(ind):
    rda = pd.read_csv(RAW / "papi_pci_vietnamdata" / "papi_clean_panel_from_rda.csv")
    mapping = {
        "papi_participation": "papi_d1_participation", "papi_transparency": "papi_d2_transparency",
        "papi_accountability": "papi_d3_vertical_accountability", "papi_corruption": "papi_d4_control_of_corruption",
        "papi_procedures": "papi_d5_public_admin_procedures", "papi_service": "papi_d6_public_service_delivery",
        "papi_unweighted": "papi_total",
        "papi_participation_knowledge": "papi_d1_civic_knowledge",
        "papi_participation_opportunities": "papi_d1_opportunities",
        "papi_participation_elections": "papi_d1_elections",
        "papi_participation_contributions": "papi_d1_contributions",
        "papi_transparency_povertylists": "papi_d2_poverty_lists",
        "papi_transparency_budgetexpenditure": "papi_d2_budget", "papi_transparency_landuse": "papi_d2_land_use",
        "papi_accountability_interaction": "papi_d3_interactions",
        "papi_accountability_inspection": "papi_d3_inspection_boards",
        "papi_accountability_investment": "papi_d3_investment_boards",
        "papi_accountability_responsive": "papi_d3_responsiveness",
        "papi_corruption_public": "papi_d4_public_sector", "papi_corruption_service": "papi_d4_service_delivery",
        "papi_corruption_employment": "papi_d4_employment_equity",
        "papi_corruption_willingness": "papi_d4_willingness",
        "papi_procedures_certification": "papi_d5_certification",
        "papi_procedures_construction": "papi_d5_construction_permits",
        "papi_procedures_landuse": "papi_d5_land_use_rights",
        "papi_procedures_personal": "papi_d5_personal_procedures",
        "papi_service_health": "papi_d6_health", "papi_service_primary": "papi_d6_primary_education",
        "papi_service_infrastructure": "papi_d6_infrastructure", "papi_service_law": "papi_d6_law_and_order",
    }
    rda["geo_code"] = [resolve_province(p).geo_code for p in rda["prov"]]
    long = rda.melt(id_vars=["geo_code", "year"], value_vars=list(mapping), var_name="col", value_name="rda")
    long["indicator"] = long["col"].map(mapping)
    long["period"] = long["year"].astype(str)
    long = long.dropna(subset=["rda"])
    # the rda panel stores the two 2014 blank provinces' totals as 0, which are missing, not zero
    long = long[long["rda"] != 0]
    ours = ind[ind["period"].astype(int) <= 2016][["indicator", "geo_code", "period", "value"]]
    merged = long.merge(ours, on=["indicator", "geo_code", "period"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    # 6 years x 63 provinces x 29 codes (6 dimensions, total, 22 sub-dimensions) minus the 2 blank 2014 rows
    assert len(merged) == 6 * 63 * 29 - 2 * 29
    np.testing.assert_allclose(merged["value"], merged["rda"], rtol=0, atol=1e-6)


def test_totals_flags_and_sum_of_dimensions(ind):
    totals = ind[ind["indicator"] == "papi_total"]
    years = totals["period"].astype(int)
    flags = totals["flags"].astype(str)
    assert flags[years <= 2017].str.contains("total_6_dimensions").all()
    assert flags[years >= 2018].str.contains("total_8_dimensions").all()
    assert flags.str.contains("not_comparable_across_2018").all()
    assert ind.loc[ind["indicator"] != "papi_total", "flags"].isna().all()
    assert totals.loc[years <= 2017, "value"].max() <= 60
    # independent accounting identity: total == sum of its dimensions where all are present
    wide = papi_wide(ind)
    for _, row in wide.iterrows():
        dims = DIMENSIONS[:6] if row["year"] <= 2017 else DIMENSIONS
        if pd.isna(row["papi_total"]) or row[dims].isna().any():
            continue
        flagged = "total_ne_sum_of_dimensions" in flags[
            (totals["geo_code"] == row["geo_code"]) & (years == row["year"])].iloc[0]
        assert flagged == (abs(row[dims].sum() - row["papi_total"]) > TOTAL_TOLERANCE)
        assert not flagged


def test_known_gaps(papi, ind):
    rej = papi.rejects
    zero = rej[rej["reason"].str.startswith("total 0 with every dimension blank")]
    assert sorted(zero["row"].tolist()) == [17, 58]  # 2014 Bắc Giang, Đồng Tháp
    assert set(zero["value"]) == {"0"}
    csv_rejects = rej[rej["file"] == "papi_2017_2024/papi_province_dimensions_2017_2024.csv"]
    assert len(csv_rejects) == 7  # 2021 x3, 2023 x2, 2024 x2 entirely blank
    assert csv_rejects["reason"].str.startswith("no scores").all()
    missing = papi.extra_tables["papi_missing_cells"]
    gaps = set(zip(missing["year"], missing["geo_code"]))
    assert {(2021, "24"), (2021, "27"), (2021, "22"), (2024, "26"), (2024, "82"), (2018, "22")} <= gaps
    # partially blank 2018 Quảng Ninh keeps its other dimensions, has no total
    assert value(ind, "papi_d1_participation", "22", 2018) > 0
    assert ind[(ind["indicator"] == "papi_total") & (ind["geo_code"] == "22") & (ind["period"] == "2018")].empty


def test_wide_frame(papi):
    wide = papi_wide(papi)
    assert not wide.duplicated(["geo_code", "year"]).any()
    assert wide.shape[0] == 63 * 14 - 2 - 3 - 2 - 2
    assert list(wide.columns[:3]) == ["geo_code", "geo_name", "year"] and wide.columns[-1] == "source_ids"
    assert wide.loc[(wide["geo_code"] == "01") & (wide["year"] == 2011), "papi_d1_participation"].iloc[0] == \
        pytest.approx(5.76248)


# ---------------------------------------------------------------- malformed inputs (tmp_path copies)

def _copy_raw(tmp_path):
    for sub in ("papi_pci_vietnamdata", "papi_2017_2024"):
        (tmp_path / sub).mkdir()
    shutil.copy(WORKBOOK, tmp_path / "papi_pci_vietnamdata" / WORKBOOK.name)
    for name in ("papi_province_dimensions_2017_2024.csv", "province_lookup_63.csv"):
        shutil.copy(RAW / "papi_2017_2024" / name, tmp_path / "papi_2017_2024" / name)
    return tmp_path


def _edit_workbook(raw_dir, edit):
    path = raw_dir / "papi_pci_vietnamdata" / WORKBOOK.name
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def _edit_csv(raw_dir, edit):
    path = raw_dir / "papi_2017_2024" / "papi_province_dimensions_2017_2024.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture(scope="module")
def bad_values(tmp_path_factory):
    raw = _copy_raw(tmp_path_factory.mktemp("papi_bad"))

    def edit(book):
        book["2011_PAPI"]["E5"] = "abc"        # non-numeric score, Cao Bằng row
        book["2012_PAPI"]["D6"] = 11            # out of range on a 1-10 scale, Bắc Kạn row
        book["2013_PAPI"]["C7"] = "Atlantis"    # unknown province
        book["2015_PAPI"]["C8"] = "Hà Nội"      # duplicated province-year (Hà Nội is row 3)
    _edit_workbook(raw, edit)

    def edit_csv(rows):
        rows[1][2] = "0"                       # zero score: missing, not zero
        rows.append(list(rows[5]))             # duplicated province-year
        rows[10][10] = str(float(rows[10][10]) + 1)  # total no longer the sum of its dimensions
        return rows
    _edit_csv(raw, edit_csv)
    return read_papi(raw)


def _reject(result, file_suffix, row):
    rej = result.rejects
    sel = rej[rej["file"].str.endswith(file_suffix) & (rej["row"] == row)]
    assert len(sel) >= 1, rej.tail()
    return sel.iloc[0]


def test_non_numeric_score_rejected(bad_values):
    r = _reject(bad_values, "#2011_PAPI", 5)
    assert r["value"] == "abc" and r["column"].startswith("E ") and "non-numeric" in r["reason"]
    assert r["error"] == "ParseError"


def test_out_of_range_score_kept_and_flagged(bad_values):
    assert_kept_and_flagged(bad_values, "#2012_PAPI", 6, "11", 11.0)


def test_unknown_province_rejected(bad_values):
    r = _reject(bad_values, "#2013_PAPI", 7)
    assert r["value"] == "Atlantis" and r["column"].startswith("C") and r["error"] == "UnknownGeographyError"


def test_duplicate_province_year_rejected(bad_values):
    r = _reject(bad_values, "#2015_PAPI", 8)
    assert r["value"] == "Hà Nội" and "duplicated province-year (first at sheet row 3)" in r["reason"]
    r = _reject(bad_values, ".csv", 505)
    assert "duplicated province-year" in r["reason"] and r["column"] == "province_id"


def test_zero_score_rejected(bad_values):
    r = _reject(bad_values, ".csv", 1)
    assert r["value"] == "0" and r["column"] == "D1_participation" and "missing value, not zero" in r["reason"]
    bad_values.check_accounting()


def test_total_not_sum_of_dimensions_flagged(bad_values):
    ind = bad_values.indicators
    flagged = ind[ind["flags"].astype(str).str.contains("total_ne_sum_of_dimensions")]
    assert len(flagged) == 1
    assert flagged["source_file"].iloc[0].endswith(".csv") and int(flagged["raw_row"].iloc[0]) == 10


def test_missing_sheet_is_source_error(tmp_path):
    raw = _copy_raw(tmp_path)
    _edit_workbook(raw, lambda book: book.remove(book["2013_PAPI"]))
    with pytest.raises(SourceError, match="2013_PAPI") as exc:
        read_papi(raw)
    assert "sheet not found" in exc.value.reason


def test_renamed_header_is_source_error(tmp_path):
    raw = _copy_raw(tmp_path)

    def edit(book):
        book["2014_PAPI"]["I1"] = "Transparancy"
    _edit_workbook(raw, edit)
    with pytest.raises(SourceError) as exc:
        read_papi(raw)
    err = exc.value
    assert err.value == "Transparancy" and err.row == 1 and err.column == "I"
    assert err.file.endswith("PAPI_2011-2016.xlsx#2014_PAPI")


def test_missing_csv_column_is_source_error(tmp_path):
    raw = _copy_raw(tmp_path)
    _edit_csv(raw, lambda rows: [r[:6] + r[7:] for r in rows])  # drop D5
    with pytest.raises(SourceError) as exc:
        read_papi(raw)
    assert exc.value.column == "D5_public_admin_procedures"


def test_processed_schema_and_catalog(papi):
    from cchc_research.catalog import load_catalog
    from cchc_research.schemas import indicator_schema, province_year_schema, validate_frame

    validate_frame(papi.indicators, indicator_schema(), file="papi")
    catalog = load_catalog()
    for code in papi.indicators["indicator"].unique():
        assert catalog[code].family == "papi" and catalog[code].aggregation == "not_aggregable"
    assert catalog["papi_d3_responsiveness"].parent == "papi_d3_vertical_accountability"
    assert not catalog["papi_total"].comparable("2017-06-30", "2018-06-30")
    wide = papi_wide(papi)
    province_year_schema(list(wide.columns)).validate(wide)
