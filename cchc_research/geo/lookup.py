"""Small helpers for the ``geo_code`` / ``geo_level`` / ``geo_name`` columns of indicator tables."""

from __future__ import annotations

from cchc_research.errors import UnknownGeographyError
from cchc_research.geo.districts import resolve_district
from cchc_research.geo.provinces import resolve_province

__all__ = ["COUNTRY_CODE", "COUNTRY_NAME_VI", "GEO_LEVELS", "geo_level", "geo_name"]

COUNTRY_CODE = "VN"
COUNTRY_NAME_VI = "Việt Nam"
GEO_LEVELS: tuple[str, ...] = ("country", "region", "province", "district")


def geo_level(geo_code: str) -> str:
    """The level a ``geo_code`` string denotes: "VN" country, 2 digits province, 3 digits district.

    Parameters
    ----------
    geo_code : str
        A canonical code string.

    Returns
    -------
    str
        "country", "province" or "district".

    Raises
    ------
    UnknownGeographyError
        For anything else (codes must be canonical strings: "01", not 1).

    Examples
    --------
    >>> geo_level("VN"), geo_level("79"), geo_level("769")
    ('country', 'province', 'district')
    """
    if geo_code == COUNTRY_CODE:
        return "country"
    if isinstance(geo_code, str) and geo_code.isascii() and geo_code.isdigit() and len(geo_code) in (2, 3):
        return "province" if len(geo_code) == 2 else "district"
    raise UnknownGeographyError(geo_code, "not a canonical geo_code ('VN', 2-digit province, 3-digit district)")


def geo_name(geo_code: str, *, vintage: int = 2008) -> str:
    """Vietnamese name of a canonical ``geo_code`` in a vintage (year for districts).

    Parameters
    ----------
    geo_code : str
        "VN", a 2-digit province code or a 3-digit HCMC district code.
    vintage : int, default 2008
        Province vintage or year; for districts, the year (2008 → the 24 units of 2008).

    Returns
    -------
    str

    Raises
    ------
    UnknownGeographyError
        If the code is not a unit of that vintage.

    Examples
    --------
    >>> geo_name("VN"), geo_name("79"), geo_name("80", vintage=2025), geo_name("769", vintage=2022)
    ('Việt Nam', 'Hồ Chí Minh', 'Tây Ninh', 'Thành phố Thủ Đức')
    """
    level = geo_level(geo_code)
    if level == "country":
        return COUNTRY_NAME_VI
    if level == "province":
        return resolve_province(geo_code, vintage=vintage).name_vi
    return resolve_district(geo_code, vintage).name_vi
