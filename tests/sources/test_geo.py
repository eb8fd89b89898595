"""Tests of cchc_research.geo: aliases, crosswalk, vintages (Hà Tây, 2025), HCMC districts, harmonize."""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np
import pandas as pd
import pytest

from cchc_research import config, geo, text
from cchc_research.errors import AggregationError, DataError, GeographyError, SchemaError, UnknownGeographyError
from cchc_research.geo import _build
from confusable_forms import lookalike_d, new_style_tones

LOOKUP = config.RAW_DIR / "papi_2017_2024" / "province_lookup_63.csv"
CROSSWALK = config.RAW_DIR / "province_crosswalk" / "vietnamcode_data.csv"
PCI_LONG = config.RAW_DIR / "papi_pci_vietnamdata" / "pci_transparency_timecosts_indicators_2012_2016_long.csv"
GEO_DIR = config.RESOURCES_DIR / "geo"


# --------------------------------------------------------------------------- names and aliases
@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("TP.HCM", "79"), ("TP HCM", "79"), ("TPHCM", "79"), ("Tp. Hồ Chí Minh", "79"), ("tp.hcm", "79"),
        ("Thành phố Hồ Chí Minh", "79"), ("Hồ Chí Minh", "79"), ("Ho Chi Minh City", "79"), ("HCMC", "79"),
        ("Tp.HCM", "79"), ("THÀNH PHỐ HỒ CHÍ MINH", "79"), ("ho chi minh", "79"),
        ("Hà Nội", "01"), ("Ha Noi", "01"), ("Hanoi", "01"), ("TP Hà Nội", "01"), ("Thành phố Hà Nội", "01"),
        ("Thừa Thiên Huế", "46"), ("Thừa Thiên - Huế", "46"), ("Huế", "46"), ("TT.Huế", "46"), ("Thua Thien-Hue", "46"),
        ("BR-VT", "77"), ("BRVT", "77"), ("Bà Rịa - Vũng Tàu", "77"), ("Bà Rịa–Vũng Tàu", "77"), ("Ba Ria-Vung Tau", "77"),
        ("Đắk Lắk", "66"), ("Đắc Lắc", "66"), ("Đăk Lăk", "66"), ("Dak Lak", "66"), ("Daklak", "66"),
        ("Khánh Hoà", "56"), ("Khánh Hòa", "56"), ("tỉnh Khánh Hòa", "56"), ("Thanh Hoá", "38"), ("Thanh Hóa", "38"),
        ("Hoà Bình", "17"), ("Bắc Cạn", "06"), ("Bắc Kạn", "06"), ("Đắc Nông", "67"), ("Tỉnh Cà Mau", "96"),
        ("Cần Thơ", "92"), ("TP Cần Thơ", "92"), ("Hải Phòng", "31"), ("Da Nang", "48"), ("Đà Nẵng", "48"),
        (1, "01"), ("1", "01"), ("01", "01"), (79, "79"), ("79", "79"), (np.int64(56), "56"), (46.0, "46"),
    ],
)
def test_province_aliases(alias, code):
    assert geo.province_code(alias) == code
    assert geo.resolve_province(alias).geo_code == code


def test_every_province_resolves_under_many_spellings():
    for row in geo.provinces(2008).itertuples():
        nfd = unicodedata.normalize("NFD", row.name_vi)
        for spelling in (row.name_vi, row.name_vi.upper(), row.name_ascii, row.name_ascii.lower(), nfd,
                         row.name_vi_full, row.name_en, f"  tỉnh   {row.name_vi} ", row.geo_code, int(row.geo_code)):
            assert geo.province_code(spelling) == row.geo_code, spelling


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Khánh Hoà", "Khánh Hòa"), ("Thanh Hoá", "Thanh Hóa"), ("Thuỷ", "Thủy"), ("Thuý", "Thúy"),
     ("Hoàng", "Hoàng"), ("quý", "quý"), ("hoà bình", "hòa bình"), ("Khoẻ", "Khỏe"),
     (unicodedata.normalize("NFD", "Khánh Hoà"), "Khánh Hòa")],
)
def test_normalize_vietnamese_tone_placement(raw, expected):
    assert geo.normalize_vietnamese(raw) == expected
    assert unicodedata.is_normalized("NFC", geo.normalize_vietnamese(raw))


@pytest.mark.parametrize("bad", ["Sài Gòn", "Atlantis", "", "   ", "Hà", "00", 0, 100, "100", -1, 2.5, None, True, "Quận 1"])
def test_unknown_province_raises_with_value(bad):
    with pytest.raises(UnknownGeographyError) as info:
        geo.resolve_province(bad)
    assert info.value.value is bad or info.value.value == bad
    assert isinstance(info.value, DataError) and isinstance(info.value, ValueError)
    assert repr(bad)[:10] in str(info.value) or str(bad) in str(info.value)


def test_unknown_codes_in_other_schemes():
    assert geo.resolve_province(73, scheme="pci").name_vi == "Hà Giang"
    assert geo.resolve_province(50, scheme="province_id").geo_code == "79"
    assert geo.resolve_province(79, scheme="papi").geo_code == "79"
    with pytest.raises(UnknownGeographyError, match="pci code 99"):
        geo.resolve_province(99, scheme="pci")
    with pytest.raises(UnknownGeographyError, match="must be an integer"):
        geo.resolve_province("Hà Nội", scheme="pci")
    with pytest.raises(GeographyError, match="scheme"):
        geo.resolve_province(1, scheme="iso")


@pytest.mark.parametrize("bad", [1999, "abc", 2.5, True])
def test_bad_vintage(bad):
    with pytest.raises(GeographyError):
        geo.provinces(bad)


# --------------------------------------------------------------------------- crosswalk
def test_shipped_province_tables_equal_their_derivation():
    derived = _build.derive_provinces()
    shipped = pd.read_csv(GEO_DIR / "provinces.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(derived.reset_index(drop=True), shipped)
    p2025, m2025 = _build.derive_2025(derived)
    pd.testing.assert_frame_equal(
        p2025.astype(str), pd.read_csv(GEO_DIR / "provinces_2025.csv", dtype=str, keep_default_na=False)
    )
    changes = pd.read_csv(GEO_DIR / "province_changes.csv", dtype=str, keep_default_na=False)
    expected = pd.concat([_build.derive_changes_2004(derived), m2025], ignore_index=True).astype(str)
    pd.testing.assert_frame_equal(expected, changes)


def test_crosswalk_agrees_with_lookup():
    lookup = pd.read_csv(LOOKUP)
    assert len(lookup) == 63
    for row in lookup.itertuples():
        p = geo.resolve_province(row.province_vi)
        assert p.geo_code == f"{row.gso_code:02d}"
        assert (p.pci_code, p.papi_code, p.province_id) == (row.pci_code, row.papi_code, row.province_id)
        assert p.region == row.region_vi and p.name_ascii == row.province_en_ascii
    cw = pd.read_csv(CROSSWALK).dropna(subset=["province_name"])
    assert len(cw) == 64
    for row in cw.itertuples():
        vintage = 2004 if row.province_name == "Ha Tay" else 2008
        p = geo.resolve_province(row.province_name_diacritics, vintage=vintage)
        assert p.geo_code == f"{row.enterprise_census:02d}" == geo.province_code(row.province_name_full, vintage=vintage)
        assert p.pci_code == row.pci
        assert p.papi_code == (None if pd.isna(row.papi) else int(row.papi))


def test_pci_ids_agree_with_vcci_files():
    pci = pd.read_csv(PCI_LONG, usecols=["pci_id", "province_vi"]).drop_duplicates()
    assert len(pci) == 63
    for row in pci.itertuples():  # names as printed by VCCI: "Tp.HCM", "TT.Huế", "BRVT", "Đăk Lăk", "Bắc Cạn"
        assert geo.resolve_province(row.province_vi).pci_code == row.pci_id, row.province_vi
        assert geo.resolve_province(row.pci_id, scheme="pci") == geo.resolve_province(row.province_vi)


def test_provinces_table_shape_and_types():
    table = geo.provinces()
    assert len(table) == 63 and table["geo_code"].is_unique and table["geo_code"].str.fullmatch(r"\d{2}").all()
    assert table["pci_code"].dtype == "Int64" and table["pci_code"].notna().all() and table["pci_code"].is_unique
    assert sorted(table["province_id"]) == list(range(1, 64))
    assert (table["papi_code"].astype(int) == table["geo_code"].astype(int)).all()
    assert table["legal_source"].str.len().gt(0).all()
    assert set(table.loc[table["unit_type"] != "tỉnh", "geo_code"]) == {"01", "31", "48", "79", "92"}


def test_names_agree_with_vietnamadminunits():
    from vietnamadminunits.database import query

    legacy = pd.DataFrame(query("SELECT DISTINCT provinceCode, province, provinceShort FROM admin_units_legacy"))
    ours = geo.provinces(2008).set_index("geo_code")
    assert set(legacy["provinceCode"]) == set(ours.index)
    for row in legacy.itertuples():
        if row.provinceCode != "46":  # the package already carries the 2025 name "Huế"
            assert ours.loc[row.provinceCode, "name_vi"] == row.provinceShort
            assert ours.loc[row.provinceCode, "name_vi_full"] == row.province


# --------------------------------------------------------------------------- Hà Tây
def test_ha_tay_vintage_2004():
    for vintage in (2004, 2007, "2005"):
        table = geo.provinces(vintage)
        assert len(table) == 64 and "28" in set(table["geo_code"])
    hatay = geo.resolve_province("Hà Tây", vintage=2004)
    assert (hatay.geo_code, hatay.pci_code, hatay.papi_code, hatay.province_id) == ("28", 42, None, None)
    assert geo.resolve_province("Ha Tay", vintage=2006) == hatay
    assert geo.resolve_province(42, scheme="pci", vintage=2004) == hatay
    assert "28" not in set(geo.provinces(2008)["geo_code"])
    assert geo.map_province("28", from_vintage=2004, to_vintage=2008) == "01"
    assert geo.map_province("02", from_vintage=2004, to_vintage=2008) == "02"
    with pytest.raises(UnknownGeographyError, match=r"merged into Hà Nội \(01\) on 2008-08-01 \(Nghị quyết 15/2008/QH12\)"):
        geo.resolve_province("Hà Tây")
    change = pd.read_csv(GEO_DIR / "province_changes.csv", dtype=str).query("old_geo_code == '28'")
    assert change["legal_source"].str.contains("15/2008/QH12").all()


# --------------------------------------------------------------------------- 2025: 63 -> 34
UNCHANGED_2025 = {"01": "Hà Nội", "46": "Huế", "12": "Lai Châu", "11": "Điện Biên", "14": "Sơn La",
                  "20": "Lạng Sơn", "22": "Quảng Ninh", "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh",
                  "04": "Cao Bằng"}


def test_reorganisation_2025_counts():
    p2025 = geo.provinces(2025)
    assert len(p2025) == 34 and p2025["geo_code"].is_unique
    mapping = pd.read_csv(GEO_DIR / "province_changes.csv", dtype=str).query("from_vintage == '2008'")
    assert len(mapping) == 63 and mapping["old_geo_code"].is_unique
    assert set(mapping["old_geo_code"]) == set(geo.provinces(2008)["geo_code"])
    assert set(mapping["new_geo_code"]) == set(p2025["geo_code"])
    assert p2025["n_merged"].sum() == 63
    assert mapping["legal_source"].str.startswith("Nghị quyết 202/2025/QH15").all()
    for row in p2025.itertuples():  # the new code is one of the merged provinces' old codes
        members = row.merged_from.split(";")
        assert row.geo_code in members
        assert sorted(mapping.loc[mapping["new_geo_code"] == row.geo_code, "old_geo_code"]) == members
    singles = p2025[p2025["n_merged"] == 1].set_index("geo_code")["name_vi"].to_dict()
    assert singles == UNCHANGED_2025


@pytest.mark.parametrize(
    ("old", "new_code", "new_name"),
    [("Hà Giang", "08", "Tuyên Quang"), ("Tuyên Quang", "08", "Tuyên Quang"), ("Bình Dương", "79", "Hồ Chí Minh"),
     ("Bà Rịa - Vũng Tàu", "79", "Hồ Chí Minh"), ("TP HCM", "79", "Hồ Chí Minh"), ("Long An", "80", "Tây Ninh"),
     ("Tây Ninh", "80", "Tây Ninh"), ("Yên Bái", "15", "Lào Cai"), ("Bình Định", "52", "Gia Lai"),
     ("Quảng Nam", "48", "Đà Nẵng"), ("Hậu Giang", "92", "Cần Thơ"), ("Sóc Trăng", "92", "Cần Thơ"),
     ("Đắk Nông", "68", "Lâm Đồng"), ("Bình Thuận", "68", "Lâm Đồng"), ("Thừa Thiên Huế", "46", "Huế"),
     ("Hà Nam", "37", "Ninh Bình"), ("Hải Dương", "31", "Hải Phòng"), ("Kon Tum", "51", "Quảng Ngãi")],
)
def test_reorganisation_2025_spot_checks(old, new_code, new_name):
    mapped = geo.map_province(geo.province_code(old), from_vintage=2008, to_vintage=2025)
    assert mapped == new_code
    assert geo.resolve_province(new_code, vintage=2025).name_vi == new_name
    assert geo.resolve_province(new_name, vintage=2025).geo_code == new_code


def test_reorganisation_2025_matches_vietnamadminunits_converter():
    from vietnamadminunits import convert_address

    for row in geo.provinces(2008).itertuples():
        name = "Tỉnh Thừa Thiên Huế" if row.geo_code == "46" else row.name_vi_full
        converted = convert_address(name)
        assert geo.map_province(row.geo_code, from_vintage=2008, to_vintage=2025) == converted.province_code, name


def test_vintage_2025_refuses_old_units_with_hint():
    with pytest.raises(UnknownGeographyError, match=r"merged into Hồ Chí Minh \(79\) on 2025-07-01") as info:
        geo.resolve_province("Bình Dương", vintage=2025)
    assert info.value.value == "Bình Dương"
    with pytest.raises(UnknownGeographyError, match=r"Long An \(80\).*Tây Ninh \(80\)|merged into Tây Ninh \(80\)"):
        geo.resolve_province("72", vintage=2025)
    with pytest.raises(GeographyError, match="backwards"):
        geo.map_province("79", from_vintage=2025, to_vintage=2008)
    assert geo.resolve_province("80", vintage=2025).name_vi == "Tây Ninh"
    assert geo.resolve_province("80", vintage=2008).name_vi == "Long An"


# --------------------------------------------------------------------------- HCMC districts
def test_hcmc_districts_24_then_22():
    before, after = geo.hcmc_districts(2020), geo.hcmc_districts(2021)
    assert len(before) == 24 and len(after) == 22 and len(geo.hcmc_districts(2004)) == 24
    assert len(geo.hcmc_districts(2025)) == 22
    assert list(before.columns[:3]) == ["geo_code", "name_vi", "name_short"]
    assert {"geo_code", "name_vi", "name_ascii", "valid_from", "valid_to"} <= set(after.columns)
    assert set(before["geo_code"]) - set(after["geo_code"]) == {"762", "763"}
    assert before.set_index("geo_code").loc["769", "name_vi"] == "Quận 2"
    city = after.set_index("geo_code").loc["769"]
    assert city["name_vi"] == "Thành phố Thủ Đức" and city["valid_from"] == "2021-01-01"
    assert "1111/NQ-UBTVQH14" in city["legal_source"]
    expected = {"760", "761", "762", "763", "764", "765", "766", "767", "768", "769", "770", "771", "772",
                "773", "774", "775", "776", "777", "778", "783", "784", "785", "786", "787"}
    assert set(before["geo_code"]) == expected


def test_hcmc_districts_agree_with_vietnamadminunits():
    from vietnamadminunits.database import query

    rows = query("SELECT DISTINCT districtCode, district FROM admin_units_legacy WHERE provinceCode = '79'")
    package = {r["districtCode"]: r["district"] for r in rows}
    ours = geo.hcmc_districts(2021).set_index("geo_code")["name_vi"].to_dict()
    assert package == ours


@pytest.mark.parametrize("year", [2003, 2026, "x"])
def test_hcmc_districts_refuses_years(year):
    with pytest.raises(GeographyError):
        geo.hcmc_districts(year)


@pytest.mark.parametrize(
    ("alias", "year", "code"),
    [("Q.1", 2019, "760"), ("Quận 1", 2022, "760"), ("Q1", 2022, "760"), ("quận 01", 2022, "760"),
     ("District 1", 2022, "760"), ("Bình Thạnh", 2022, "765"), ("Binh Thanh", 2015, "765"),
     ("Q. Bình Thạnh", 2022, "765"), ("Quận Bình Thạnh", 2022, "765"), ("TP Thủ Đức", 2021, "769"),
     ("Thủ Đức City", 2023, "769"), ("Thành phố Thủ Đức", 2021, "769"), ("Thủ Đức", 2021, "769"),
     ("Thủ Đức", 2020, "762"), ("Quận Thủ Đức", 2019, "762"), ("Quận 2", 2020, "769"), ("Q.9", 2020, "763"),
     ("Huyện Củ Chi", 2022, "783"), ("Cu Chi", 2022, "783"), ("Cần Giờ", 2024, "787"), ("Hóc Môn", 2022, "784"),
     ("Hoc Mon District", 2022, "784"), (760, 2022, "760"), ("769", 2020, "769"), ("Quận 12", 2010, "761")],
)
def test_resolve_district_aliases(alias, year, code):
    assert geo.resolve_district(alias, year).geo_code == code


@pytest.mark.parametrize("old", ["Quận 2", "Q.9", "Quận Thủ Đức", "762", 763, "Thu Duc District"])
def test_resolve_district_merged_units_after_2020(old):
    with pytest.raises(UnknownGeographyError, match="merged into Thành phố Thủ Đức") as info:
        geo.resolve_district(old, 2021)
    assert info.value.value == old


@pytest.mark.parametrize("bad", ["Quận 13", "Ba Đình", "Thủ Đức Town", 999, "79", None])
def test_resolve_district_unknown(bad):
    with pytest.raises(UnknownGeographyError):
        geo.resolve_district(bad, 2022)


# --------------------------------------------------------------------------- harmonize
@pytest.fixture
def frame_2008():
    return pd.DataFrame(
        {
            "indicator": ["dossiers_received"] * 4 + ["on_time_rate"] * 4,
            "period": ["2024"] * 8,
            "geo_code": ["74", "77", "79", "01"] * 2,
            "value": [120.0, 30.0, 850.0, 500.0, 0.90, 0.60, 0.95, 0.99],
            "received": [120.0, 30.0, 850.0, 500.0] * 2,
            "source_id": ["bd", "brvt", "hcm", "hn"] * 2,
        }
    )


def test_harmonize_sums_counts(frame_2008):
    counts = frame_2008[frame_2008["indicator"] == "dossiers_received"].drop(columns="received")
    out = geo.harmonize(counts, to_vintage=2025)
    assert list(out["geo_code"]) == ["01", "79"]
    assert list(out["value"]) == [500.0, 1000.0]
    hcm = out.set_index("geo_code").loc["79"]
    assert hcm["harmonized_from"] == "74;77;79" and hcm["source_id"] == "bd;brvt;hcm"
    assert hcm["geo_name"] == "Hồ Chí Minh" and hcm["geo_level"] == "province" and hcm["missing_members"] == ""


def test_harmonize_weights_rates_by_hand(frame_2008):
    rates = frame_2008[frame_2008["indicator"] == "on_time_rate"]
    out = geo.harmonize(rates, to_vintage=2025, kind="rate", weight="received").set_index("geo_code")
    # (0.90*120 + 0.60*30 + 0.95*850) / (120 + 30 + 850) = (108 + 18 + 807.5) / 1000
    assert out.loc["79", "value"] == pytest.approx(0.9335, abs=1e-12)
    assert out.loc["79", "received"] == 1000.0
    assert out.loc["01", "value"] == 0.99 and out.loc["01", "harmonized_from"] == "01"
    # an unweighted mean would be 0.8167: make sure that is not what we got
    assert abs(out.loc["79", "value"] - np.mean([0.9, 0.6, 0.95])) > 0.1


def test_harmonize_refuses_unweighted_rates(frame_2008):
    with pytest.raises(AggregationError, match="without weights"):
        geo.harmonize(frame_2008, to_vintage=2025, kind="rate")
    with pytest.raises(AggregationError, match="kind"):
        geo.harmonize(frame_2008, to_vintage=2025, kind="mean")
    with pytest.raises(AggregationError, match="only used with kind='rate'"):
        geo.harmonize(frame_2008, to_vintage=2025, weight="received")


@pytest.mark.parametrize(("bad_weight", "where"), [(np.nan, "row 2"), (0.0, "row 2"), (-5.0, "row 2")])
def test_harmonize_rejects_bad_weights_in_merged_groups(frame_2008, bad_weight, where):
    rates = frame_2008[frame_2008["indicator"] == "on_time_rate"].reset_index(drop=True)
    rates.loc[1, "received"] = bad_weight
    with pytest.raises(AggregationError, match=where) as info:
        geo.harmonize(rates, to_vintage=2025, kind="rate", weight="received")
    assert "geo_code=77" in str(info.value)


def test_harmonize_single_unit_needs_no_weight(frame_2008):
    rates = frame_2008[frame_2008["indicator"] == "on_time_rate"].reset_index(drop=True)
    rates.loc[3, "received"] = np.nan  # Hà Nội is not merged with anything
    out = geo.harmonize(rates, to_vintage=2025, kind="rate", weight="received").set_index("geo_code")
    assert out.loc["01", "value"] == 0.99 and pd.isna(out.loc["01", "received"])


@pytest.mark.parametrize(("bad", "row"), [("28", 3), ("Hồ Chí Minh", 3), (100, 3), (None, 3)])
def test_harmonize_rejects_unknown_units(frame_2008, bad, row):
    df = frame_2008.copy().astype({"geo_code": object})
    df.loc[row - 1, "geo_code"] = bad
    with pytest.raises(UnknownGeographyError) as info:
        geo.harmonize(df.drop(columns="received"), to_vintage=2025)
    assert info.value.row == row and info.value.column == "geo_code" and info.value.value == bad


def test_harmonize_ha_tay_and_missing_members():
    pci = pd.DataFrame(
        {"period": ["2007", "2007", "2007", "2009"], "geo_code": [1, 28, 2, 1],
         "value": [10, 5, 7, 20], "indicator": "firms"}
    )
    out = geo.harmonize(pci, to_vintage=2008)
    assert out[["period", "geo_code", "value", "harmonized_from", "missing_members"]].values.tolist() == [
        ["2007", "01", 15, "01;28", ""], ["2007", "02", 7, "02", ""], ["2009", "01", 20, "01", "28"]]
    assert out["value"].dtype == pci["value"].dtype
    chained = geo.harmonize(pci, to_vintage=2025, from_vintage=2004)
    assert chained.set_index(["period", "geo_code"]).loc[("2007", "08"), "harmonized_from"] == "02"
    assert chained.set_index(["period", "geo_code"]).loc[("2007", "08"), "missing_members"] == "08"


def test_harmonize_districts_thu_duc():
    df = pd.DataFrame({"period": "2020", "geo_code": ["769", "763", "762", "760"], "value": [1.0, 2.0, 3.0, 4.0],
                       "w": [10.0, 20.0, 70.0, 5.0]})
    counts = geo.harmonize(df.drop(columns="w"), to_vintage=2021, level="district")
    assert counts.set_index("geo_code")["value"].to_dict() == {"760": 4.0, "769": 6.0}
    assert counts.set_index("geo_code").loc["769", "geo_name"] == "Thành phố Thủ Đức"
    rates = geo.harmonize(df, to_vintage=2021, level="district", kind="rate", weight="w")
    assert rates.set_index("geo_code").loc["769", "value"] == pytest.approx((10 + 40 + 210) / 100)


def test_harmonize_missing_value_propagates_and_duplicates_refused(frame_2008):
    counts = frame_2008[frame_2008["indicator"] == "dossiers_received"].drop(columns="received").reset_index(drop=True)
    counts.loc[0, "value"] = np.nan
    out = geo.harmonize(counts, to_vintage=2025).set_index("geo_code")
    assert pd.isna(out.loc["79", "value"]) and out.loc["01", "value"] == 500.0
    dup = pd.concat([counts, counts.iloc[[3]]], ignore_index=True)
    with pytest.raises(AggregationError, match="duplicate"):
        geo.harmonize(dup, to_vintage=2025)


def test_harmonize_schema_errors(frame_2008):
    with pytest.raises(SchemaError, match="missing"):
        geo.harmonize(frame_2008.drop(columns="value"), to_vintage=2025)
    with pytest.raises(SchemaError, match="missing"):
        geo.harmonize(frame_2008, to_vintage=2025, by=["indicator", "quarter"])
    bad = frame_2008.astype({"value": object})
    bad.loc[2, "value"] = "97,6%"
    with pytest.raises(SchemaError) as info:
        geo.harmonize(bad.drop(columns="received"), to_vintage=2025)
    assert info.value.row == 3 and info.value.value == "97,6%"
    with pytest.raises(GeographyError, match="level"):
        geo.harmonize(frame_2008, to_vintage=2025, level="ward")


def test_harmonize_identity_and_determinism(frame_2008):
    counts = frame_2008.drop(columns="received")
    same = geo.harmonize(counts, to_vintage=2008, from_vintage=2008)
    assert len(same) == len(counts) and (same["harmonized_from"] == same["geo_code"]).all()
    a = geo.harmonize(counts.sample(frac=1, random_state=config.DEFAULT_SEED), to_vintage=2025)
    b = geo.harmonize(counts, to_vintage=2025)
    pd.testing.assert_frame_equal(a, b)
    digest = hashlib.sha256(b.to_csv(index=False).encode()).hexdigest()
    assert digest == hashlib.sha256(geo.harmonize(counts, to_vintage=2025).to_csv(index=False).encode()).hexdigest()


def test_harmonize_empty_frame():
    empty = pd.DataFrame({"indicator": [], "period": [], "geo_code": [], "value": [], "w": []})
    out = geo.harmonize(empty, to_vintage=2025, kind="rate", weight="w")
    assert out.empty
    assert list(out.columns) == ["indicator", "period", "geo_code", "geo_name", "geo_level", "value", "w",
                                 "harmonized_from", "missing_members"]


def test_pci_panel_names_resolve_and_ha_tay_is_separate_until_2008():
    pci = pd.read_csv(config.RAW_DIR / "papi_pci_vietnamdata" / "pci_clean_panel_from_rda.csv",
                      usecols=["prov", "year"]).dropna()
    pci["geo_code"] = [geo.province_code(p, vintage=2004 if y <= 2008 else 2008) for p, y in pci.itertuples(index=False)]
    # PCI 2005 covered 42 provinces (Hà Tây among them), 2006-2008 all 64, then 63
    assert sorted(pci.loc[pci["geo_code"] == "28", "year"]) == [2005, 2006, 2007, 2008]
    assert (pci[pci["year"].between(2006, 2008)].groupby("year")["geo_code"].nunique() == 64).all()
    assert not pci.duplicated(["year", "geo_code"]).any()


def test_geo_level_and_name():
    assert [geo.geo_level(c) for c in ("VN", "01", "760")] == ["country", "province", "district"]
    assert geo.geo_name("28", vintage=2004) == "Hà Tây" and geo.geo_name("769", vintage=2019) == "Quận 2"
    for bad in ("1", 79, "7600", "Hà Nội"):
        with pytest.raises(UnknownGeographyError):
            geo.geo_level(bad)
    with pytest.raises(UnknownGeographyError):
        geo.geo_name("28")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.none()))
def test_resolvers_raise_only_unknown_geography(value):
    for call in (lambda: geo.resolve_province(value), lambda: geo.resolve_province(value, vintage=2025),
                 lambda: geo.resolve_district(value, 2022)):
        try:
            result = call()
        except UnknownGeographyError as err:
            assert err.value is value or err.value == value
        else:
            assert result.geo_code.isdigit()


# --------------------------------------------------------------------------- confusable spellings
# Every province (all vintages, every name column and alias) and every HCMC district name known to
# geo/, in each confusable form of cchc_research.text, resolves to its unit (issue 8, item 4).
_CONFUSABLE = {
    "nfd": lambda s: unicodedata.normalize("NFD", s),
    "lookalike_eth": lookalike_d,
    "new_style_tones": new_style_tones,
    "nbsp_zero_width": lambda s: s[:1] + "\u200b" + s[1:].replace(" ", "\u00a0") + "\u2009",
    "dash_variants": lambda s: s.replace("-", "\u2013").replace(" ", " \u2014 ", 1) if "-" in s else s,
    "upper": str.upper,
    "no_diacritics": geo.strip_diacritics,
    "all_at_once": lambda s: unicodedata.normalize(
        "NFD", lookalike_d(new_style_tones(s)).replace(" ", "\u00a0\u200b").upper()),
}


def _province_spellings(vintage: int):
    table = geo.provinces(vintage)
    for row in table.itertuples():
        for name in (row.name_vi, row.name_vi_full, row.name_ascii, row.name_en):
            yield name, row.geo_code
    aliases = pd.read_csv(GEO_DIR / "aliases.csv", dtype=str, keep_default_na=False)
    for r in aliases.itertuples():
        if str(vintage) in r.vintages.split(";"):
            yield r.alias, r.geo_code


@pytest.mark.parametrize("form", sorted(_CONFUSABLE))
@pytest.mark.parametrize("vintage", [2004, 2008, 2025])
def test_every_province_name_resolves_in_every_confusable_form(vintage, form):
    spellings = list(_province_spellings(vintage))
    assert len(spellings) >= 4 * len(geo.provinces(vintage))
    for name, code in spellings:
        variant = _CONFUSABLE[form](name)
        assert geo.resolve_province(variant, vintage=vintage).geo_code == code, (name, variant)


@pytest.mark.parametrize("form", sorted(_CONFUSABLE))
@pytest.mark.parametrize("year", [2020, 2021])
def test_every_district_name_resolves_in_every_confusable_form(year, form):
    table = geo.hcmc_districts(year)
    for row in table.itertuples():
        for name in (row.name_vi, row.name_short, row.name_ascii, row.name_en):
            variant = _CONFUSABLE[form](name)
            assert geo.resolve_district(variant, year).geo_code == row.geo_code, (name, variant)


@pytest.mark.parametrize("raw", ["\u00d0à Nẵng", "\u00f0à nẵng", "Ðà\u00a0Nẵng", "ĐÀ NẴNG", "Đà\u200bNẵng"])
def test_lookalike_eth_da_nang(raw):
    """Issue 8: resolve_province("Ðà Nẵng") with U+00D0 failed and match_key dropped the letter."""
    assert geo.resolve_province(raw).geo_code == "48"
    assert geo.match_key(raw) == "danang"


def test_names_used_by_geo_are_canonical():
    """The tables themselves are in the normalizer's display form (so equality and keys agree)."""
    for vintage in (2004, 2008, 2025):
        for name in geo.provinces(vintage)[["name_vi", "name_vi_full"]].to_numpy().ravel():
            assert text.normalize_text(name) == name
    for name in geo.hcmc_districts(2020)[["name_vi", "name_short"]].to_numpy().ravel():
        assert text.normalize_text(name) == name
