"""Districts (quận/huyện/thành phố thuộc TP) of Ho Chi Minh City, 2004 – 2025-06-30.

``geo_code`` is the 3-digit GSO district code. Two vintages: 2020 (24 units, up to
2020-12-31) and 2021 (22 units): on 2021-01-01 Quận 2 (769), Quận 9 (763) and Quận Thủ Đức
(762) were merged into Thành phố Thủ Đức, which kept code 769 (Nghị quyết
1111/NQ-UBTVQH14 of 9 December 2020). On 2025-07-01 the district level was abolished
nationwide (two-tier local government), so there are no district units after 2025-06-30
and years after 2025 are refused.

Only Ho Chi Minh City's districts are tabulated; other provinces' districts are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from cchc_research.errors import UnknownGeographyError
from cchc_research.geo._names import match_key, normalize_code
from cchc_research.geo._tables import district_table, district_vintage, step_mapping

__all__ = ["District", "hcmc_districts", "resolve_district", "map_district"]


@dataclass(frozen=True)
class District:
    """One HCMC district-level unit.

    Attributes
    ----------
    geo_code : str
        3-digit GSO code.
    name_vi : str
        Official name with unit type ("Quận Bình Thạnh", "Thành phố Thủ Đức").
    name_short, name_ascii, name_en : str
        Short name ("Bình Thạnh"), ``name_vi`` without diacritics, English name.
    unit_type : str
        "quận", "huyện" or "thành phố thuộc thành phố trực thuộc trung ương".
    valid_from, valid_to : str
        ISO dates; ``valid_from`` is the later of creation and 2004-01-01 (table start).
    province_code : str
        "79".
    """

    geo_code: str
    name_vi: str
    name_short: str
    name_ascii: str
    name_en: str
    unit_type: str
    valid_from: str
    valid_to: str
    province_code: str = "79"


@lru_cache(maxsize=None)
def _records(vintage: int) -> dict[str, District]:
    fields = District.__dataclass_fields__
    return {
        r["geo_code"]: District(**{k: v for k, v in r.items() if k in fields})
        for r in district_table(vintage).to_dict("records")
    }


def _keys(d: District) -> set[str]:
    keys = {match_key(x) for x in (d.name_vi, d.name_short, d.name_ascii, d.name_en)}
    numbered = re.fullmatch(r"Quận (\d+)", d.name_vi)
    if numbered:
        n = int(numbered.group(1))
        for form in (str(n), f"{n:02d}"):
            keys |= {f"quan{form}", f"q{form}", f"district{form}"}
    else:
        short = match_key(d.name_short)
        if d.unit_type in {"quận", "huyện"}:
            keys |= {f"district{short}", f"{short}district", ("q" if d.unit_type == "quận" else "h") + short}
        else:
            keys.add(f"tp{short}")
    return keys - {""}


@lru_cache(maxsize=None)
def _index(vintage: int) -> dict[str, str]:
    index: dict[str, str] = {}
    for d in _records(vintage).values():
        for key in _keys(d):
            assert index.setdefault(key, d.geo_code) == d.geo_code, f"ambiguous district key {key}"
    return index


def hcmc_districts(year: int) -> pd.DataFrame:
    """District-level units of Ho Chi Minh City in force in ``year``.

    Parameters
    ----------
    year : int
        2004–2025. Years up to 2020 give the 24 units before Thành phố Thủ Đức; 2021–2025
        give 22 units (valid until 2025-06-30, when districts were abolished).

    Returns
    -------
    pandas.DataFrame
        Columns ``geo_code, name_vi, name_short, name_ascii, name_en, unit_type,
        valid_from, valid_to, legal_source``, sorted by ``geo_code``.

    Raises
    ------
    GeographyError
        For years before 2004 or after 2025.

    Examples
    --------
    >>> len(hcmc_districts(2020)), len(hcmc_districts(2021))
    (24, 22)
    >>> hcmc_districts(2021).set_index("geo_code").loc["769", "name_vi"]
    'Thành phố Thủ Đức'
    """
    table = district_table(district_vintage(year))
    return table.sort_values("geo_code").reset_index(drop=True)


def map_district(geo_code: object, *, from_year: int, to_year: int) -> str:
    """Map an HCMC district code of one year to the unit containing it in a later year.

    Parameters
    ----------
    geo_code : str or int
        3-digit district code valid in ``from_year``.
    from_year, to_year : int
        Years 2004–2025 (or the vintages 2020 / 2021); ``to_year`` must not be earlier.

    Returns
    -------
    str
        The code of the containing unit in ``to_year``.

    Raises
    ------
    UnknownGeographyError
        If the code is not a unit in ``from_year`` or the mapping goes backwards.

    Examples
    --------
    >>> map_district("763", from_year=2020, to_year=2021)  # Quận 9 → Thành phố Thủ Đức
    '769'
    >>> map_district(760, from_year=2019, to_year=2024)
    '760'
    """
    source, target = district_vintage(from_year), district_vintage(to_year)
    code = normalize_code(geo_code, 3)
    if code is None or code not in _records(source):
        raise UnknownGeographyError(geo_code, f"not an HCMC district code in {from_year}")
    if target < source:
        raise UnknownGeographyError(to_year, "cannot map districts backwards (2021 → 2020)")
    if source == target:
        return code
    return step_mapping(source, target, level="district")[code]


def resolve_district(name_or_code: object, year: int) -> District:
    """Resolve an HCMC district name, alias or 3-digit code as of ``year``.

    Accepts "Quận 1", "Q.1", "Q1", "quận 01", "District 1", "Bình Thạnh", "Binh Thanh",
    "Q. Bình Thạnh", "TP Thủ Đức", "Thủ Đức City", codes 760 / "760". "Thủ Đức" alone means
    Quận Thủ Đức up to 2020 and Thành phố Thủ Đức from 2021.

    Parameters
    ----------
    name_or_code : str or int
    year : int
        2004–2025.

    Returns
    -------
    District

    Raises
    ------
    UnknownGeographyError
        If no unit matches in ``year``; for Quận 2, Quận 9 and Quận Thủ Đức after 2020 the
        reason says they were merged into Thành phố Thủ Đức.

    Examples
    --------
    >>> resolve_district("Q.1", 2019).geo_code, resolve_district("Binh Thanh", 2022).geo_code
    ('760', '765')
    >>> resolve_district("Thủ Đức City", 2021).name_vi
    'Thành phố Thủ Đức'
    >>> resolve_district("Quận 9", 2021)
    Traceback (most recent call last):
    ...
    cchc_research.errors.UnknownGeographyError: value 'Quận 9': Quận 9 (763) was merged into Thành phố Thủ Đức (769) on 2021-01-01 (Nghị quyết 1111/NQ-UBTVQH14)
    """
    vintage = district_vintage(year)
    records = _records(vintage)
    code = normalize_code(name_or_code, 3)
    merged = None
    if code is not None:
        if code in records:
            return records[code]
        merged = code if vintage == 2021 and code in {"762", "763"} else None
    elif isinstance(name_or_code, str):
        key = match_key(name_or_code)
        found = _index(vintage).get(key)
        if found is not None:
            return records[found]
        merged = _index(2020).get(key) if vintage == 2021 else None
    if merged is not None:
        old = _records(2020)[merged]
        raise UnknownGeographyError(
            name_or_code,
            f"{old.name_vi} ({old.geo_code}) was merged into Thành phố Thủ Đức (769) on "
            "2021-01-01 (Nghị quyết 1111/NQ-UBTVQH14)",
        )
    raise UnknownGeographyError(
        name_or_code, f"no Ho Chi Minh City district has this name or code in {year}"
    )
