"""Geography of Viet Nam for CCHC indicators: provinces, HCMC districts, vintages, harmonization.

``geo_code`` strings: provinces are 2-digit GSO codes ("01" Hà Nội, "79" Thành phố Hồ Chí
Minh), HCMC districts 3-digit GSO codes ("760" Quận 1, "769" Quận 2 and, from 2021,
Thành phố Thủ Đức); the country is "VN". ``geo_level`` is one of "country", "region",
"province", "district".

Province vintages: 2004 (64 units with Hà Tây), 2008 (63 units, the default; Hà Tây merged
into Hà Nội on 2008-08-01 by Nghị quyết 15/2008/QH12) and 2025 (34 units from 2025-07-01,
Nghị quyết 202/2025/QH15). District vintages (HCMC only): 2020 (24 units) and 2021 (22 units,
Thành phố Thủ Đức, Nghị quyết 1111/NQ-UBTVQH14); the district level was abolished on
2025-07-01, so no district data exist after 2025-06-30.

The tables live in ``cchc_research/resources/geo/`` (see ``sources.yaml`` there for their
legal sources and derivation); the province tables are derived from the vietnamcode
crosswalk, the PAPI ``province_lookup_63.csv`` and ``vietnamadminunits`` by
:mod:`cchc_research.geo._build`.

Examples
--------
>>> from cchc_research import geo
>>> geo.province_code("TP HCM"), geo.province_code("Thừa Thiên - Huế")
('79', '46')
>>> geo.resolve_province("Hà Nội").pci_code
1
"""

from cchc_research.geo._names import match_key, normalize_code, normalize_vietnamese, strip_diacritics
from cchc_research.geo._tables import DISTRICT_VINTAGES, PROVINCE_VINTAGES, district_vintage, province_vintage
from cchc_research.geo.districts import District, hcmc_districts, map_district, resolve_district
from cchc_research.geo.harmonize import harmonize
from cchc_research.geo.lookup import COUNTRY_CODE, COUNTRY_NAME_VI, GEO_LEVELS, geo_level, geo_name
from cchc_research.geo.provinces import Province, map_province, province_code, provinces, resolve_province

__all__ = [
    "Province",
    "District",
    "resolve_province",
    "province_code",
    "provinces",
    "map_province",
    "hcmc_districts",
    "resolve_district",
    "map_district",
    "harmonize",
    "geo_level",
    "geo_name",
    "COUNTRY_CODE",
    "COUNTRY_NAME_VI",
    "GEO_LEVELS",
    "province_vintage",
    "district_vintage",
    "PROVINCE_VINTAGES",
    "DISTRICT_VINTAGES",
    "normalize_vietnamese",
    "strip_diacritics",
    "match_key",
    "normalize_code",
]
