"""Loading of the geography tables in ``cchc_research/resources/geo/`` (cached, read-only).

Vintages
--------
A *vintage* names one set of units. Provinces: ``2004`` (64 units, 2004-01-01 to
2008-07-31, with Hà Tây), ``2008`` (63 units, 2008-08-01 to 2025-06-30) and ``2025``
(34 units from 2025-07-01). Districts of Ho Chi Minh City: ``2020`` (24 units, to
2020-12-31) and ``2021`` (22 units, 2021-01-01 to 2025-06-30). Any other year is mapped to
the vintage in force during most of that year (see :func:`province_vintage`).
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import pandas as pd

from cchc_research import config
from cchc_research.errors import GeographyError

__all__ = [
    "PROVINCE_VINTAGES",
    "DISTRICT_VINTAGES",
    "GEO_DIR",
    "province_vintage",
    "district_vintage",
    "province_table",
    "change_table",
    "step_mapping",
    "district_table",
    "alias_table",
]

GEO_DIR = config.RESOURCES_DIR / "geo"
PROVINCE_VINTAGES: tuple[int, ...] = (2004, 2008, 2025)
DISTRICT_VINTAGES: tuple[int, ...] = (2020, 2021)


def _year(vintage: object, what: str) -> int:
    if isinstance(vintage, bool):
        raise GeographyError(vintage, f"{what} must be a year such as 2008")
    if isinstance(vintage, numbers.Integral):
        return int(vintage)
    if isinstance(vintage, str) and vintage.strip().isdigit():
        return int(vintage.strip())
    raise GeographyError(vintage, f"{what} must be a year such as 2008")


def province_vintage(vintage: object) -> int:
    """Map a year to the province vintage in force (2004, 2008 or 2025).

    Years 2004–2007 → 2004 (64 provinces), 2008–2024 → 2008 (63), 2025 and later → 2025 (34).
    The switch years are labelled by the *new* system (Hà Tây existed until 2008-07-31 and the
    63 provinces until 2025-06-30): pass 2004 or 2008 explicitly for data of those years.

    Examples
    --------
    >>> province_vintage(2006), province_vintage(2019), province_vintage("2025")
    (2004, 2008, 2025)
    """
    year = _year(vintage, "vintage")
    if year < 2004:
        raise GeographyError(vintage, "province tables start on 2004-01-01 (64-province system)")
    return 2004 if year < 2008 else 2008 if year < 2025 else 2025


def district_vintage(year: object) -> int:
    """Map a year to the HCMC district vintage (2020: 24 units, 2021: 22 units).

    Raises
    ------
    GeographyError
        For years before 2004 or after 2025 (districts were abolished on 2025-07-01).

    Examples
    --------
    >>> district_vintage(2015), district_vintage(2021), district_vintage(2025)
    (2020, 2021, 2021)
    """
    y = _year(year, "year")
    if y < 2004:
        raise GeographyError(year, "district tables start on 2004-01-01")
    if y > 2025:
        raise GeographyError(
            year, "district-level units were abolished on 2025-07-01 (two-tier local government)"
        )
    return 2020 if y <= 2020 else 2021


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    """A table of ``resources/geo`` as strings, read once (cached: callers copy before changing it)."""
    return pd.read_csv(GEO_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


def province_table(vintage: int) -> pd.DataFrame:
    """The province table of a (normalised) vintage, as strings, one row per unit (a copy)."""
    if vintage == 2025:
        return _read("provinces_2025.csv").copy()
    table = _read("provinces.csv")
    if vintage == 2008:
        table = table[table["valid_to"] != "2008-07-31"]
    return table.reset_index(drop=True).copy()


def change_table(from_vintage: int, to_vintage: int, level: str = "province") -> pd.DataFrame:
    """Mapping ``old_geo_code`` → ``new_geo_code`` between two adjacent vintages (a copy)."""
    table = _read("province_changes.csv" if level == "province" else "district_changes.csv")
    mask = (table["from_vintage"] == str(from_vintage)) & (table["to_vintage"] == str(to_vintage))
    return table[mask].reset_index(drop=True).copy()


@lru_cache(maxsize=None)
def step_mapping(from_vintage: int, to_vintage: int, level: str = "province") -> dict[str, str]:
    """``{old_geo_code: new_geo_code}`` between two adjacent vintages (cached; do not mutate)."""
    table = change_table(from_vintage, to_vintage, level)
    return dict(zip(table["old_geo_code"], table["new_geo_code"]))


def district_table(vintage: int) -> pd.DataFrame:
    """HCMC districts of vintage 2020 (24 units) or 2021 (22 units) (a copy)."""
    table = _read("hcmc_districts.csv")
    if vintage == 2020:
        table = table[table["valid_from"] < "2021-01-01"]
    else:
        table = table[table["valid_to"] > "2020-12-31"]
    return table.reset_index(drop=True).copy()


@lru_cache(maxsize=None)
def alias_table() -> pd.DataFrame:
    """Extra province aliases (beyond the names in the province tables)."""
    return _read("aliases.csv")
