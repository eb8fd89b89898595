"""Provinces: canonical GSO codes, names, aliases and the PCI/PAPI crosswalk.

``geo_code`` is the 2-digit GSO code as a string ("01" Hà Nội, "79" Thành phố Hồ Chí Minh).
Three vintages exist: 2004 (64 provinces with Hà Tây), 2008 (the 63 provinces of
2008-08-01 to 2025-06-30, the default) and 2025 (34 provinces from 2025-07-01,
Nghị quyết 202/2025/QH15). A code only has a meaning within a vintage: "80" is Long An in
2008 but the new Tây Ninh (Tây Ninh + Long An) in 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from cchc_research.errors import GeographyError, UnknownGeographyError
from cchc_research.geo._names import match_key, normalize_code
from cchc_research.geo._tables import (
    PROVINCE_VINTAGES,
    alias_table,
    change_table,
    province_table,
    province_vintage,
    step_mapping,
)

__all__ = ["Province", "resolve_province", "province_code", "provinces", "map_province"]

_SCHEMES = ("gso", "pci", "papi", "province_id")
_INT_COLUMNS = ("pci_code", "papi_code", "province_id", "n_merged")


@dataclass(frozen=True)
class Province:
    """One province of one vintage.

    Attributes
    ----------
    geo_code : str
        2-digit GSO code.
    name_vi, name_ascii, name_en : str
        Short Vietnamese name, the same without diacritics, English name.
    pci_code, papi_code, province_id : int or None
        PCI province id (VCCI files), PAPI province code, and the ``province_id`` (1–63) of
        ``province_lookup_63.csv``; ``None`` where the unit has none (Hà Tây has no PAPI
        code, the 2025 provinces have none of the three).
    region : str or None
        GSO socio-economic region (Vietnamese); ``None`` for a 2025 province whose merged
        parts lay in different regions.
    name_vi_full : str
        Official name with its unit type ("Thành phố Hà Nội", "Tỉnh An Giang").
    unit_type : str
        "tỉnh" or "thành phố trực thuộc trung ương".
    vintage : int
        2004, 2008 or 2025.
    """

    geo_code: str
    name_vi: str
    name_ascii: str
    name_en: str
    pci_code: int | None
    papi_code: int | None
    region: str | None
    province_id: int | None
    name_vi_full: str = ""
    unit_type: str = ""
    vintage: int = 2008


def _int_or_none(text: str) -> int | None:
    return int(text) if text else None


@lru_cache(maxsize=None)
def _records(vintage: int) -> dict[str, Province]:
    out = {}
    for r in province_table(vintage).to_dict("records"):
        out[r["geo_code"]] = Province(
            geo_code=r["geo_code"],
            name_vi=r["name_vi"],
            name_ascii=r["name_ascii"],
            name_en=r["name_en"],
            pci_code=_int_or_none(r.get("pci_code", "")),
            papi_code=_int_or_none(r.get("papi_code", "")),
            region=r["region"] or None,
            province_id=_int_or_none(r.get("province_id", "")),
            name_vi_full=r["name_vi_full"],
            unit_type=r["unit_type"],
            vintage=vintage,
        )
    return out


@lru_cache(maxsize=None)
def _index(vintage: int) -> dict[str, str]:
    """match_key → geo_code for one vintage; raises if two units would share a key."""
    index: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        key = match_key(name)
        if not key:
            return
        if index.setdefault(key, code) != code:  # pragma: no cover - guarded by tests
            raise GeographyError(name, f"alias key {key!r} is ambiguous ({index[key]} vs {code})")

    for p in _records(vintage).values():
        for name in (p.name_vi, p.name_ascii, p.name_en, p.name_vi_full):
            add(name, p.geo_code)
    for r in alias_table().to_dict("records"):
        if str(vintage) in r["vintages"].split(";"):
            add(r["alias"], r["geo_code"])
    return index


@lru_cache(maxsize=None)
def _scheme_index(vintage: int, scheme: str) -> dict[int, str]:
    column = {"pci": "pci_code", "papi": "papi_code", "province_id": "province_id"}[scheme]
    return {getattr(p, column): p.geo_code for p in _records(vintage).values() if getattr(p, column)}


def map_province(geo_code: object, *, from_vintage: int, to_vintage: int) -> str:
    """Map a province code of one vintage to the code of the unit containing it in a later one.

    Parameters
    ----------
    geo_code : str or int
        GSO code valid in ``from_vintage``.
    from_vintage, to_vintage : int
        Years or vintages (see :func:`~cchc_research.geo.province_vintage`);
        ``to_vintage`` must not be earlier (a split cannot be undone without apportioning).

    Returns
    -------
    str
        The code in ``to_vintage``.

    Raises
    ------
    UnknownGeographyError
        If ``geo_code`` is not a unit of ``from_vintage``.
    GeographyError
        If ``to_vintage`` precedes ``from_vintage``.

    Examples
    --------
    >>> map_province("28", from_vintage=2004, to_vintage=2008)  # Hà Tây → Hà Nội
    '01'
    >>> map_province(74, from_vintage=2008, to_vintage=2025)  # Bình Dương → TP. Hồ Chí Minh
    '79'
    >>> map_province("28", from_vintage=2004, to_vintage=2025)
    '01'
    """
    source, target = province_vintage(from_vintage), province_vintage(to_vintage)
    if target < source:
        raise GeographyError(
            to_vintage, f"cannot map provinces backwards from vintage {source} to {target}"
        )
    code = normalize_code(geo_code, 2)
    if code is None or code not in _records(source):
        raise UnknownGeographyError(geo_code, f"not a province code of vintage {source}")
    for step_from, step_to in zip(PROVINCE_VINTAGES, PROVINCE_VINTAGES[1:]):
        if source <= step_from and step_to <= target:
            code = step_mapping(step_from, step_to)[code]
    return code


def _when(code: str, source: int, target: int) -> str:
    """'on <date> (<legal act>)' for the step in which ``code`` ceased to exist."""
    for step_from, step_to in zip(PROVINCE_VINTAGES, PROVINCE_VINTAGES[1:]):
        if source <= step_from and step_to <= target:
            table = change_table(step_from, step_to).set_index("old_geo_code")
            if code in table.index and table.loc[code, "new_geo_code"] != code:
                act = table.loc[code, "legal_source"].split(" (")[0]
                return f"on {table.loc[code, 'effective_date']} ({act})"
            code = table.loc[code, "new_geo_code"] if code in table.index else code
    return ""


def _explain_missing(value: object, vintage: int, code: str | None) -> str:
    """Reason text for a value that is not a unit of ``vintage``, with a hint if it is another's."""
    for other in sorted(PROVINCE_VINTAGES, key=lambda o: abs(o - vintage)):
        if other == vintage:
            continue
        found = code if code in _records(other) else None
        if code is None:
            found = _index(other).get(match_key(str(value)))
        if found is None:
            continue
        old = _records(other)[found]
        if other < vintage:
            new = _records(vintage)[map_province(found, from_vintage=other, to_vintage=vintage)]
            return (
                f"{old.name_vi} ({found}) is a province of vintage {other}; it was merged into "
                f"{new.name_vi} ({new.geo_code}) {_when(found, other, vintage)}"
                f" — pass vintage={other} or use harmonize()"
            )
        return f"{old.name_vi} ({found}) only exists from vintage {other}; pass vintage={other}"
    return f"no province of vintage {vintage} has this name or code"


def resolve_province(name_or_code: object, *, vintage: int = 2008, scheme: str = "gso") -> Province:
    """Resolve a province name, alias or code to a :class:`Province`.

    Names are matched without regard to case, diacritics, tone-mark placement
    ("Khánh Hoà" = "Khánh Hòa"), punctuation, or prefixes such as "tỉnh", "thành phố", "TP".

    Parameters
    ----------
    name_or_code : str or int
        A name or alias ("TP.HCM", "Ha Noi", "Thừa Thiên - Huế") or a code ("1", "01", 79).
    vintage : int, default 2008
        Geography vintage or year (2004: 64 provinces, 2008: 63, 2025: 34).
    scheme : {"gso", "pci", "papi", "province_id"}, default "gso"
        Which code system a numeric value belongs to (PCI ids differ from GSO codes).

    Returns
    -------
    Province

    Raises
    ------
    UnknownGeographyError
        If nothing matches in this vintage; the reason names the vintage where the value
        exists, if any (e.g. Hà Tây after 2008, Bình Dương after 2025-07-01).

    Examples
    --------
    >>> resolve_province("TP.HCM").geo_code
    '79'
    >>> resolve_province("Ha Noi").name_vi, resolve_province(1).geo_code
    ('Hà Nội', '01')
    >>> resolve_province(4, scheme="pci").name_en
    'Ho Chi Minh City'
    >>> resolve_province("Hà Tây", vintage=2004).pci_code
    42
    >>> resolve_province("Bình Dương", vintage=2025)
    Traceback (most recent call last):
    ...
    cchc_research.errors.UnknownGeographyError: value 'Bình Dương': Bình Dương (74) is a province of vintage 2008; it was merged into Hồ Chí Minh (79) on 2025-07-01 (Nghị quyết 202/2025/QH15) — pass vintage=2008 or use harmonize()
    """
    v = province_vintage(vintage)
    if scheme not in _SCHEMES:
        raise GeographyError(scheme, f"scheme must be one of {_SCHEMES}")
    code = normalize_code(name_or_code, 2)
    records = _records(v)
    if scheme != "gso":
        if code is None:
            raise UnknownGeographyError(name_or_code, f"a {scheme} code must be an integer")
        gso = _scheme_index(v, scheme).get(int(code))
        if gso is None:
            raise UnknownGeographyError(name_or_code, f"no province of vintage {v} has {scheme} code {int(code)}")
        return records[gso]
    if code is not None:
        if code in records:
            return records[code]
        raise UnknownGeographyError(name_or_code, _explain_missing(name_or_code, v, code))
    if not isinstance(name_or_code, str):
        raise UnknownGeographyError(name_or_code, "expected a province name or code")
    found = _index(v).get(match_key(name_or_code))
    if found is None:
        raise UnknownGeographyError(name_or_code, _explain_missing(name_or_code, v, None))
    return records[found]


def province_code(name_or_code: object, *, vintage: int = 2008) -> str:
    """Shortcut for ``resolve_province(name_or_code, vintage=vintage).geo_code``.

    Examples
    --------
    >>> province_code("Thành phố Hồ Chí Minh"), province_code("Khánh Hoà"), province_code(" 79 ")
    ('79', '56', '79')
    """
    return resolve_province(name_or_code, vintage=vintage).geo_code


def provinces(vintage: int = 2008) -> pd.DataFrame:
    """The provinces of a vintage, one row per unit, sorted by ``geo_code``.

    Parameters
    ----------
    vintage : int, default 2008
        2004 (64 rows, with Hà Tây), 2008 (63 rows) or 2025 (34 rows); other years map to
        the vintage in force (:func:`~cchc_research.geo.province_vintage`).

    Returns
    -------
    pandas.DataFrame
        Columns ``geo_code, name_vi, name_vi_full, name_ascii, name_en, unit_type, region,
        region_en``, then for 2004/2008 ``pci_code, papi_code, province_id,
        gso_code_pre2004`` and for 2025 ``n_merged, merged_from``, then ``valid_from,
        valid_to, legal_source``. Integer codes use the nullable ``Int64`` dtype.

    Examples
    --------
    >>> len(provinces()), len(provinces(2004)), len(provinces(2025))
    (63, 64, 34)
    >>> provinces(2025).set_index("geo_code").loc["79", "merged_from"]
    '74;77;79'
    """
    table = province_table(province_vintage(vintage))
    for column in _INT_COLUMNS:
        if column in table:
            table[column] = pd.to_numeric(table[column].replace("", None)).astype("Int64")
    return table.sort_values("geo_code").reset_index(drop=True)
