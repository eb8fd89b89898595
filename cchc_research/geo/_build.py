"""Derivation of the province tables shipped in ``cchc_research/resources/geo/``.

The CSV tables are *generated* from the raw sources by the functions here and committed;
``tests/sources/test_geo.py`` regenerates them and asserts equality, so the shipped tables can never
drift from their sources. Regenerate with ``python -m cchc_research.geo._build``.

Sources
-------
* ``data/raw/province_crosswalk/vietnamcode_data.csv`` (LaDilettante/vietnamcode): GSO code
  (``enterprise_census``), pre-2004 GSO code, PCI and PAPI codes, English name.
* ``data/raw/papi_2017_2024/province_lookup_63.csv``: ``province_id``, Vietnamese name,
  ASCII name, region. Cross-checked against the crosswalk (same GSO/PCI/PAPI codes).
* ``vietnamadminunits`` 1.0.4 data files (``dataset.db``, ``converter_2025.json``): official
  full names of the 63 provinces, the 34 provinces from 2025-07-01, their codes and which old
  provinces each absorbed (Nghị quyết 202/2025/QH15).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pandas as pd

from cchc_research import config
from cchc_research.geo._names import match_key, normalize_vietnamese, strip_diacritics

__all__ = ["derive_provinces", "derive_2025", "write_tables", "vietnamadminunits_data_dir"]

CROSSWALK_CSV = config.RAW_DIR / "province_crosswalk" / "vietnamcode_data.csv"
LOOKUP_CSV = config.RAW_DIR / "papi_2017_2024" / "province_lookup_63.csv"
GEO_DIR = config.RESOURCES_DIR / "geo"

REGION_EN = {
    "Trung du và miền núi phía Bắc": "Northern Midlands and Mountain Areas",
    "Đồng bằng sông Hồng": "Red River Delta",
    "Bắc Trung Bộ và Duyên hải miền Trung": "North Central and Central Coastal Areas",
    "Tây Nguyên": "Central Highlands",
    "Đông Nam Bộ": "South East",
    "Đồng bằng sông Cửu Long": "Mekong River Delta",
}
CODES_QD = "Quyết định 124/2004/QĐ-TTg (danh mục và mã số ĐVHC Việt Nam)"
NQ_2003 = "Nghị quyết 22/2003/QH11 (chia tách Lai Châu, Đắk Lắk, Cần Thơ; hiệu lực 01/01/2004)"
NQ_HATAY = "Nghị quyết 15/2008/QH12 (điều chỉnh địa giới hành chính Hà Nội; hiệu lực 01/08/2008)"
NQ_HUE = "Nghị quyết 175/2024/QH15 (thành lập thành phố Huế trực thuộc TW; hiệu lực 01/01/2025)"
NQ_2025 = "Nghị quyết 202/2025/QH15 (sắp xếp ĐVHC cấp tỉnh; hiệu lực 01/07/2025)"
CODES_2025 = "mã số theo Quyết định 19/2025/QĐ-TTg, as distributed by vietnamadminunits 1.0.4"
CITY = "thành phố trực thuộc trung ương"
PROVINCE = "tỉnh"
COVERAGE_START = "2004-01-01"  # tables start with the 64-province system of 2004
END_63 = "2025-06-30"
START_34 = "2025-07-01"


def vietnamadminunits_data_dir() -> Path:
    """Directory of the data files shipped with ``vietnamadminunits`` (found without importing it)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or spec.origin is None:  # pragma: no cover - dependency is pinned
        raise ModuleNotFoundError("vietnamadminunits is required to derive the geography tables")
    return Path(spec.origin).parent / "data"


def _vau_legacy() -> pd.DataFrame:
    with sqlite3.connect(vietnamadminunits_data_dir() / "dataset.db") as conn:
        return pd.read_sql_query(
            "SELECT DISTINCT provinceCode AS code, province AS full, provinceShort AS short, "
            "provinceKey AS key FROM admin_units_legacy ORDER BY provinceCode",
            conn,
        )


def _vau_2025() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    data_dir = vietnamadminunits_data_dir()
    with sqlite3.connect(data_dir / "dataset.db") as conn:
        new = pd.read_sql_query(
            "SELECT DISTINCT provinceCode AS code, province AS full, provinceShort AS short, "
            "provinceKey AS key FROM admin_units ORDER BY provinceCode",
            conn,
        )
    with open(data_dir / "converter_2025.json", encoding="utf-8") as fh:
        members = json.load(fh)["DICT_PROVINCE"]
    return new, members


def derive_provinces(
    crosswalk_csv: Path = CROSSWALK_CSV, lookup_csv: Path = LOOKUP_CSV
) -> pd.DataFrame:
    """Build the 64-row province table (63 provinces of 2008–2025 plus Hà Tây).

    Raises ``AssertionError`` if the crosswalk and the lookup disagree on any code.
    """
    cw = pd.read_csv(crosswalk_csv, dtype=str, keep_default_na=False)
    cw = cw[cw["province_name"] != "NA"].copy()
    cw["geo_code"] = cw["enterprise_census"].str.zfill(2)
    lk = pd.read_csv(lookup_csv, dtype=str, keep_default_na=False)
    lk["geo_code"] = lk["gso_code"].str.zfill(2)
    merged = cw.merge(lk, on="geo_code", how="left", validate="one_to_one").fillna("")
    both = merged[merged["province_id"] != ""]
    assert len(both) == 63, "lookup must cover the 63 provinces"
    for a, b in (("pci", "pci_code"), ("papi", "papi_code"), ("province_name", "vietnamcode_province_name")):
        bad = both[both[a] != both[b]]
        assert bad.empty, f"crosswalk and lookup disagree on {a}: {bad[['geo_code', a, b]].to_dict('records')}"
    bad = both[both["province_name_diacritics"].map(match_key) != both["province_vi"].map(match_key)]
    assert bad.empty, f"crosswalk and lookup disagree on names: {bad['geo_code'].tolist()}"
    full = _vau_legacy().set_index("code")
    rows = []
    for _, r in merged.sort_values("geo_code").iterrows():
        code = r["geo_code"]
        hatay = r["province_id"] == ""
        name_vi = normalize_vietnamese(r["province_name_diacritics"] if hatay else r["province_vi"])
        region = "Đồng bằng sông Hồng" if hatay else r["region_vi"]
        if hatay:
            full_name, unit_type = "Tỉnh Hà Tây", PROVINCE
        elif code == "46":  # the package carries the post-2025-01-01 name "Thành phố Huế"
            full_name, unit_type = "Tỉnh Thừa Thiên Huế", PROVINCE
        else:
            full_name = full.loc[code, "full"]
            unit_type = CITY if full_name.startswith("Thành phố") else PROVINCE
        legal = [CODES_QD]
        if code in {"11", "12", "66", "67", "92", "93"}:
            legal.append(NQ_2003)
        if code in {"01", "28"}:
            legal.append(NQ_HATAY)
        if code == "46":
            legal.append(NQ_HUE)
        rows.append(
            {
                "geo_code": code,
                "name_vi": name_vi,
                "name_vi_full": normalize_vietnamese(full_name),
                "name_ascii": strip_diacritics(name_vi),
                "name_en": r["province_name_full"],
                "unit_type": unit_type,
                "region": region,
                "region_en": REGION_EN[region],
                "pci_code": r["pci"],
                "papi_code": "" if r["papi"] == "NA" else r["papi"],
                "province_id": r["province_id"],
                "gso_code_pre2004": r["enterprise_census_old"],
                "valid_from": COVERAGE_START,
                "valid_to": "2008-07-31" if hatay else END_63,
                "legal_source": "; ".join(legal),
            }
        )
    return pd.DataFrame(rows)


def derive_2025(provinces: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the 34-province table of 2025 and the 63 → 34 mapping from ``vietnamadminunits``."""
    new, members = _vau_2025()
    legacy_key_to_code = dict(zip(_vau_legacy()["key"], _vau_legacy()["code"]))
    p63 = provinces[provinces["valid_to"] == END_63].set_index("geo_code")
    new = new.set_index("key")
    table, mapping = [], []
    for key, old_keys in members.items():
        code, full, short = new.loc[key, ["code", "full", "short"]]
        old_codes = sorted(legacy_key_to_code[k] for k in old_keys)
        regions = sorted(set(p63.loc[old_codes, "region"]))
        region = regions[0] if len(regions) == 1 else ""
        name_vi = normalize_vietnamese(short)
        table.append(
            {
                "geo_code": code,
                "name_vi": name_vi,
                "name_vi_full": normalize_vietnamese(full),
                "name_ascii": strip_diacritics(name_vi),
                "name_en": "Ho Chi Minh City" if code == "79" else strip_diacritics(name_vi),
                "unit_type": CITY if full.startswith("Thành phố") else PROVINCE,
                "region": region,
                "region_en": REGION_EN.get(region, ""),
                "n_merged": len(old_codes),
                "merged_from": ";".join(old_codes),
                "valid_from": START_34,
                "valid_to": "",
                "legal_source": f"{NQ_2025}; {CODES_2025}",
            }
        )
        for old in old_codes:
            mapping.append(
                {
                    "from_vintage": 2008,
                    "to_vintage": 2025,
                    "old_geo_code": old,
                    "old_name_vi": p63.loc[old, "name_vi"],
                    "new_geo_code": code,
                    "new_name_vi": name_vi,
                    "effective_date": START_34,
                    "legal_source": NQ_2025,
                }
            )
    table_df = pd.DataFrame(table).sort_values("geo_code").reset_index(drop=True)
    map_df = pd.DataFrame(mapping).sort_values("old_geo_code").reset_index(drop=True)
    return table_df, map_df


def derive_changes_2004(provinces: pd.DataFrame) -> pd.DataFrame:
    """The 64 → 63 mapping of 2008-08-01 (Hà Tây into Hà Nội; all others unchanged)."""
    names = provinces.set_index("geo_code")["name_vi"]
    rows = []
    for code in provinces["geo_code"]:
        new = "01" if code == "28" else code
        rows.append(
            {
                "from_vintage": 2004,
                "to_vintage": 2008,
                "old_geo_code": code,
                "old_name_vi": names[code],
                "new_geo_code": new,
                "new_name_vi": names[new],
                "effective_date": "2008-08-01",
                "legal_source": NQ_HATAY if code in {"01", "28"} else "unchanged",
            }
        )
    return pd.DataFrame(rows)


def write_tables(out_dir: Path = GEO_DIR) -> list[Path]:
    """Regenerate ``provinces.csv``, ``provinces_2025.csv`` and ``province_changes.csv``."""
    provinces = derive_provinces()
    p2025, m2025 = derive_2025(provinces)
    changes = pd.concat([derive_changes_2004(provinces), m2025], ignore_index=True)
    out = []
    for name, frame in (
        ("provinces.csv", provinces),
        ("provinces_2025.csv", p2025),
        ("province_changes.csv", changes),
    ):
        path = Path(out_dir) / name
        frame.to_csv(path, index=False, lineterminator="\n")
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover
    for written in write_tables():
        print(written)
