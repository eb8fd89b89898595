"""The indicator catalog: what each indicator means, its unit, range, aggregation and eras.

Entries live in YAML files under ``cchc_research/resources/catalog/`` (``core.yaml``,
``papi.yaml``, ``pci.yaml``, ...); :func:`load_catalog` reads *all* of them, validates each
entry (required keys, allowed values, weights for weighted means, symmetric complements,
existing parents, ordered non-overlapping definition eras) and refuses duplicate codes
across files. Errors name the file, the entry (``row`` = 1-based position in the file) and
the key (``column``).

Examples
--------
>>> ind = get_indicator("on_time_rate")
>>> ind.unit, ind.aggregation, ind.weight, ind.complement_of
('share', 'weighted_mean', 'dossiers_resolved', 'late_rate')
>>> ind.era_for("2020-06-30").legal_basis
'Nghị định 61/2018/NĐ-CP; Thông tư 01/2018/TT-VPCP'
>>> validate_value("on_time_rate", 0.976), validate_value("on_time_rate", 97.6)
(True, False)
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cchc_research.config import RESOURCES_DIR
from cchc_research.errors import (
    CatalogError,
    DataError,
    InvalidArgumentError,
    PeriodError,
    SchemaError,
    UnknownIndicatorError,
)
from cchc_research.periods import Period, as_date

__all__ = [
    "CATALOG_DIR", "FAMILIES", "UNITS", "POLARITIES", "AGGREGATIONS",
    "CatalogError", "UnknownIndicatorError", "DefinitionEra", "Indicator",
    "load_catalog", "get_indicator", "catalog_frame", "validate_value", "aggregations",
    "OUT_OF_RANGE_FLAG", "range_flags",
]

#: Folder holding the catalog YAML files.
CATALOG_DIR: Path = RESOURCES_DIR / "catalog"
#: Allowed ``family`` values: the contract's nine plus the reform-management families of core.yaml.
FAMILIES = ("online_services", "dossiers", "satisfaction", "delegation", "e_documents", "papi",
            "pci", "par_index", "sipas", "procedures", "par_management", "e_government",
            "civil_service", "public_finance")
#: Allowed units; ``rank`` is an ordinal position (1 = best).
UNITS = ("share", "count", "score", "index", "days", "percent_points", "rank")
POLARITIES = ("higher_better", "lower_better", "neutral")
AGGREGATIONS = ("sum", "weighted_mean", "not_aggregable")
_REQUIRED = ("code", "name_vi", "name_en", "family", "unit", "polarity", "valid_range",
             "aggregation", "eras")
_OPTIONAL = ("weight", "complement_of", "parent", "notes", "source", "publisher")
_ERA_KEYS = ("from", "to", "rule", "legal_basis", "comparable_with_previous")


@dataclass(frozen=True)
class DefinitionEra:
    """A span of time over which an indicator is defined by one rule.

    Attributes
    ----------
    start : datetime.date
        First day the rule applies (YAML key ``from``).
    end : datetime.date or None
        Last day (YAML key ``to``); ``None`` while the rule is in force.
    rule : str
        How the value is defined or computed in this era.
    legal_basis : str or None
        The legal text (or publisher's methodology) defining it.
    comparable_with_previous : bool
        False when values cannot be compared with those of the previous era.
    """

    start: date
    end: date | None
    rule: str
    legal_basis: str | None
    comparable_with_previous: bool

    def contains(self, when: date) -> bool:
        """Whether ``when`` falls inside the era."""
        return self.start <= when and (self.end is None or when <= self.end)


@dataclass(frozen=True)
class Indicator:
    """One catalog entry (see ``CONTRACTS.md`` for the YAML schema).

    Attributes
    ----------
    code, name_vi, name_en, family, unit, polarity : str
    valid_range : tuple of (float or None, float or None)
    aggregation : {"sum", "weighted_mean", "not_aggregable"}
    weight, complement_of, parent, notes, source : str or None
    eras : tuple of DefinitionEra
        In chronological order, non-overlapping.
    source_file : str
        Name of the YAML file the entry came from.
    """

    code: str
    name_vi: str
    name_en: str
    family: str
    unit: str
    polarity: str
    valid_range: tuple[float | None, float | None]
    aggregation: str
    eras: tuple[DefinitionEra, ...]
    weight: str | None = None
    complement_of: str | None = None
    parent: str | None = None
    notes: str | None = None
    source: str | None = None
    source_file: str = ""

    def era_for(self, when: Any) -> DefinitionEra:
        """The definition era in force on a date (or over a whole :class:`Period`).

        Raises
        ------
        PeriodError
            No era covers the date, or the period straddles two eras.
        """
        if isinstance(when, Period):
            first, last = self.era_for(when.start), self.era_for(when.end)
            if first != last:
                raise PeriodError(when.label, f"{self.code}: period straddles the definition "
                                  f"change of {last.start.isoformat()}")
            return first
        day = as_date(when)
        for era in self.eras:
            if era.contains(day):
                return era
        raise PeriodError(day.isoformat(), f"{self.code}: no definition era covers this date "
                          f"(eras start {self.eras[0].start.isoformat()})")

    def comparable(self, a: Any, b: Any) -> bool:
        """Whether values dated ``a`` and ``b`` lie in eras with no non-comparable break between."""
        ia, ib = sorted(self.eras.index(self.era_for(x)) for x in (a, b))
        return all(self.eras[i].comparable_with_previous for i in range(ia + 1, ib + 1))

    def in_range(self, value: Any) -> bool:
        """Whether a value lies inside :attr:`valid_range` (NaN and non-numbers do not).

        Only real numbers count: a boolean or text (even ``"0.5"``) is not a parsed value and
        is never in range (parse text with :mod:`cchc_research.parsing` first).
        """
        if not _is_number(value):
            return False
        x = float(value)
        lo, hi = self.valid_range
        return not math.isnan(x) and (lo is None or x >= lo) and (hi is None or x <= hi)


def _is_number(value: Any) -> bool:
    """True for a real number (int, float, Decimal, numpy number); False for bool, text, None."""
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, (bool, np.bool_))


# ---------------------------------------------------------------------- loading
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that keeps dates as text, so a bad date is reported with its entry."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        lambda loader, node: loader.construct_scalar(node))


def _err(value: Any, reason: str, file: Path, row: int | None = None,
         column: str | None = None) -> CatalogError:
    return CatalogError(value, reason, file=file.name, row=row, column=column)


def _text(entry: dict[str, Any], key: str, file: Path, row: int, *, optional: bool = False
          ) -> str | None:
    value = entry.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _err(value, "must be a non-empty string", file, row, key)
    return value.strip()


def _choice(entry: dict[str, Any], key: str, allowed: tuple[str, ...], file: Path, row: int) -> str:
    value = _text(entry, key, file, row)
    if value not in allowed:
        raise _err(value, f"must be one of {', '.join(allowed)}", file, row, key)
    return value  # type: ignore[return-value]


def _bound(value: Any, file: Path, row: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise _err(value, "valid_range bounds must be numbers or null", file, row, "valid_range")
    return float(value)


def _era_date(value: Any, file: Path, row: int, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _err(value, f"era '{key}' must be a date YYYY-MM-DD or null", file, row,
                   "eras") from None


def _eras(raw: Any, file: Path, row: int) -> tuple[DefinitionEra, ...]:
    if not isinstance(raw, list) or not raw:
        raise _err(raw, "eras must be a non-empty list", file, row, "eras")
    eras: list[DefinitionEra] = []
    for k, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise _err(item, f"era {k} must be a mapping", file, row, "eras")
        unknown = sorted(set(item) - set(_ERA_KEYS))
        if unknown or "from" not in item or "rule" not in item:
            raise _err(sorted(item), f"era {k}: needs 'from' and 'rule'; allowed keys "
                       f"{list(_ERA_KEYS)}" + (f"; unknown {unknown}" if unknown else ""),
                       file, row, "eras")
        start = _era_date(item["from"], file, row, "from")
        end = _era_date(item.get("to"), file, row, "to")
        if start is None:
            raise _err(None, f"era {k}: 'from' cannot be null", file, row, "eras")
        if end is not None and end < start:
            raise _err(f"{start}..{end}", f"era {k} ends before it starts", file, row, "eras")
        if eras and (eras[-1].end is None or start <= eras[-1].end):
            raise _err(f"{start}", f"era {k} overlaps era {k - 1} or is out of order "
                       "(eras must be chronological and non-overlapping)", file, row, "eras")
        rule, basis = item.get("rule"), item.get("legal_basis")
        if not isinstance(rule, str) or not rule.strip():
            raise _err(rule, f"era {k}: rule must be a non-empty string", file, row, "eras")
        if basis is not None and not isinstance(basis, str):
            raise _err(basis, f"era {k}: legal_basis must be a string or null", file, row, "eras")
        comparable = item.get("comparable_with_previous", True)
        if not isinstance(comparable, bool):
            raise _err(comparable, f"era {k}: comparable_with_previous must be true/false",
                       file, row, "eras")
        eras.append(DefinitionEra(start, end, rule.strip(), basis, comparable))
    return tuple(eras)


def _entry(entry: Any, file: Path, row: int) -> Indicator:
    if not isinstance(entry, dict):
        raise _err(entry, "each catalog entry must be a mapping", file, row)
    for key in _REQUIRED:
        if key not in entry:
            raise _err(entry.get("code"), f"missing required key '{key}'", file, row, key)
    unknown = sorted(k for k in entry if k not in _REQUIRED + _OPTIONAL and not
                     str(k).startswith("x_"))
    if unknown:
        raise _err(unknown, f"unknown key(s); allowed: {list(_REQUIRED + _OPTIONAL)} and x_*",
                   file, row, str(unknown[0]))
    code = _text(entry, "code", file, row)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code or ""):
        raise _err(code, "code must be snake_case (a-z, 0-9, _)", file, row, "code")
    vr = entry["valid_range"]
    if not isinstance(vr, list) or len(vr) != 2:
        raise _err(vr, "valid_range must be [min, max]", file, row, "valid_range")
    lo, hi = _bound(vr[0], file, row), _bound(vr[1], file, row)
    if lo is not None and hi is not None and lo > hi:
        raise _err(vr, "valid_range min exceeds max", file, row, "valid_range")
    aggregation = _choice(entry, "aggregation", AGGREGATIONS, file, row)
    weight = _text(entry, "weight", file, row, optional=True)
    if aggregation == "weighted_mean" and weight is None:
        raise _err(code, "aggregation weighted_mean needs a 'weight'", file, row, "weight")
    unit = _choice(entry, "unit", UNITS, file, row)
    if unit == "share" and (lo is None or hi is None or lo < 0 or hi > 1):
        raise _err(vr, "a share must have a valid_range inside [0, 1]", file, row, "valid_range")
    return Indicator(
        code=code, name_vi=_text(entry, "name_vi", file, row),  # type: ignore[arg-type]
        name_en=_text(entry, "name_en", file, row),  # type: ignore[arg-type]
        family=_choice(entry, "family", FAMILIES, file, row), unit=unit,
        polarity=_choice(entry, "polarity", POLARITIES, file, row), valid_range=(lo, hi),
        aggregation=aggregation, eras=_eras(entry["eras"], file, row), weight=weight,
        complement_of=_text(entry, "complement_of", file, row, optional=True),
        parent=_text(entry, "parent", file, row, optional=True),
        notes=_text(entry, "notes", file, row, optional=True),
        source=_text(entry, "source", file, row, optional=True), source_file=file.name,
    )


def _check_links(catalog: dict[str, Indicator], rows: dict[str, tuple[Path, int]]) -> None:
    for code, ind in catalog.items():
        file, row = rows[code]
        if ind.complement_of is not None:
            other = catalog.get(ind.complement_of)
            if other is None:
                raise _err(ind.complement_of, "complement_of names an unknown code", file, row,
                           "complement_of")
            if other.complement_of != code:
                raise _err(ind.complement_of, f"complement is not symmetric: "
                           f"{ind.complement_of}.complement_of is {other.complement_of!r}",
                           file, row, "complement_of")
            if ind.unit != "share" or other.unit != "share":
                raise _err(ind.complement_of, "complements must both be shares", file, row,
                           "complement_of")
        if ind.parent is not None and ind.parent not in catalog:
            raise _err(ind.parent, "parent names an unknown code", file, row, "parent")


def _read(paths: tuple[Path, ...]) -> dict[str, Indicator]:
    catalog: dict[str, Indicator] = {}
    rows: dict[str, tuple[Path, int]] = {}
    for path in paths:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        except OSError as exc:
            raise _err(str(path), f"cannot read catalog file: {exc.strerror}", path) from None
        except (yaml.YAMLError, ValueError) as exc:
            raise _err(str(path), f"invalid YAML: {exc}", path) from None
        if data is None:
            continue
        if not isinstance(data, list):
            raise _err(type(data).__name__, "a catalog file must be a YAML list of entries", path)
        for row, raw in enumerate(data, start=1):
            ind = _entry(raw, path, row)
            if ind.code in catalog:
                first, first_row = rows[ind.code]
                raise _err(ind.code, f"duplicate code (first defined in {first.name}, entry "
                           f"{first_row})", path, row, "code")
            catalog[ind.code], rows[ind.code] = ind, (path, row)
    _check_links(catalog, rows)
    return catalog


@functools.lru_cache(maxsize=1)
def _default_catalog() -> dict[str, Indicator]:
    return _read(tuple(sorted(CATALOG_DIR.glob("*.yaml"))))


def load_catalog(paths: Iterable[str | Path] | None = None) -> dict[str, Indicator]:
    """Load and validate catalog files.

    Parameters
    ----------
    paths : iterable of path, optional
        YAML files to read, in order. Default: every ``*.yaml`` in :data:`CATALOG_DIR`
        (sorted by name), cached after the first call.

    Returns
    -------
    dict of str to Indicator
        Keyed by code, in file order.

    Raises
    ------
    CatalogError
        Unreadable or invalid YAML, a schema violation, a duplicate code (also across
        files), an asymmetric complement or an unknown parent.

    Examples
    --------
    >>> cat = load_catalog()
    >>> cat["late_rate"].complement_of
    'on_time_rate'
    """
    if paths is None:
        return dict(_default_catalog())
    return _read(tuple(Path(p) for p in paths))


def get_indicator(code: str, catalog: dict[str, Indicator] | None = None) -> Indicator:
    """Look up one indicator by code.

    Raises
    ------
    UnknownIndicatorError
        The code is not in the catalog; the message suggests close matches.

    Examples
    --------
    >>> get_indicator("sipas").name_vi
    'Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)'
    >>> get_indicator("ontime_rate")
    Traceback (most recent call last):
    ...
    cchc_research.errors.UnknownIndicatorError: value 'ontime_rate': unknown indicator code; did you mean on_time_rate?
    """
    cat = _default_catalog() if catalog is None else catalog
    if isinstance(code, str) and code in cat:
        return cat[code]
    close = difflib.get_close_matches(str(code), list(cat), n=3, cutoff=0.75)
    raise UnknownIndicatorError(code, close)


def aggregations(catalog: dict[str, Indicator] | None = None) -> dict[str, str]:
    """The ``aggregation`` of every indicator code (``"sum"``, ``"weighted_mean"``, ``"not_aggregable"``).

    Pass it to :func:`cchc_research.periods.ytd_to_flows` (which sits below the catalog) to
    let an ``indicator`` column decide whether values are additive counts.

    Examples
    --------
    >>> agg = aggregations()
    >>> agg["dossiers_received"], agg["on_time_rate"]
    ('sum', 'weighted_mean')
    """
    cat = _default_catalog() if catalog is None else catalog
    return {code: ind.aggregation for code, ind in cat.items()}


#: Flag carried in ``flags`` by a processed value outside its indicator's ``valid_range``: the
#: value is kept as published (never dropped or clipped) and the flag says it is implausible.
OUT_OF_RANGE_FLAG = "outside_valid_range"


def range_flags(value: Any, valid_range: Any) -> list[str]:
    """``[OUT_OF_RANGE_FLAG]`` when ``value`` lies outside ``valid_range`` (``[lo, hi]``, None = open).

    Readers call it instead of rejecting: a percentage above 100 or a negative count is kept in
    the processed table with this flag, so it is visible and never silently clipped.

    Parameters
    ----------
    value : float
    valid_range : sequence of (float or None, float or None), or None

    Returns
    -------
    list of str
        Also ``[OUT_OF_RANGE_FLAG]`` for a missing value (None, NaN, ``pd.NA``).

    Raises
    ------
    DataError
        ``value`` is text or a boolean (not a parsed number).
    InvalidArgumentError
        ``valid_range`` is not a pair of numbers/None, or its low end is above its high end.

    Examples
    --------
    >>> range_flags(1.2, (0.0, 1.0)), range_flags(-3, [0, None]), range_flags(0.5, (0, 1))
    (['outside_valid_range'], ['outside_valid_range'], [])
    """
    if not valid_range:
        return []
    try:
        lo, hi = valid_range
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"valid_range must be a pair [low, high] (None for an open end), got {valid_range!r}"
        ) from None
    for bound in (lo, hi):
        if bound is not None and not _is_number(bound):
            raise InvalidArgumentError(f"valid_range bounds must be numbers or None, got {valid_range!r}")
    if lo is not None and hi is not None and lo > hi:
        raise InvalidArgumentError(f"valid_range {valid_range!r} has its low end above its high end")
    if value is None or value is pd.NA or value is pd.NaT:
        return [OUT_OF_RANGE_FLAG]  # missing, like NaN
    if not _is_number(value):
        raise DataError(value, "not a number: parse the text first (cchc_research.parsing), "
                        "then check its range")
    x = float(value)
    outside = math.isnan(x) or (lo is not None and x < lo) or (hi is not None and x > hi)
    return [OUT_OF_RANGE_FLAG] if outside else []


def validate_value(code: str, value: Any, *, raise_error: bool = False, file: str | None = None,
                   row: int | None = None, column: str | None = None) -> bool:
    """Check a value against the indicator's ``valid_range``.

    Parameters
    ----------
    code : str
        Indicator code.
    value : number
    raise_error : bool, default False
        Raise :class:`~cchc_research.errors.SchemaError` instead of returning False.
    file, row, column : optional
        Location copied into the error.

    Returns
    -------
    bool

    Raises
    ------
    SchemaError
        Out of range (or NaN / not a number) and ``raise_error`` is True.
    UnknownIndicatorError
        Unknown code.

    Examples
    --------
    >>> validate_value("on_time_rate", 1.2, raise_error=True, file="x.csv", row=2)
    Traceback (most recent call last):
    ...
    cchc_research.errors.SchemaError: x.csv, row 2: value 1.2: outside the valid range [0.0, 1.0] of on_time_rate (share)
    """
    ind = get_indicator(code)
    ok = ind.in_range(value)
    if not ok and raise_error and not _is_number(value):
        raise SchemaError(value, f"not a number ({type(value).__name__}); {code} needs a parsed "
                          "number (cchc_research.parsing)", file=file, row=row, column=column)
    if not ok and raise_error:
        lo, hi = ind.valid_range
        raise SchemaError(value, f"outside the valid range [{lo}, {hi}] of {code} ({ind.unit})",
                          file=file, row=row, column=column)
    return ok


def catalog_frame(catalog: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """One row per indicator, for the generated data dictionary.

    Returns
    -------
    pandas.DataFrame
        Columns: code, name_vi, name_en, family, unit, polarity, valid_min, valid_max,
        aggregation, weight, complement_of, parent, first_date, current_rule,
        legal_basis, non_comparable_breaks (';'-joined dates), n_eras, notes, source_file.
        Sorted by family then code.

    Examples
    --------
    >>> frame = catalog_frame()
    >>> frame.set_index("code").loc["online_procedure_share", "non_comparable_breaks"]
    '2022-08-01'
    """
    cat = _default_catalog() if catalog is None else catalog
    records = []
    for ind in cat.values():
        last = ind.eras[-1]
        records.append({
            "code": ind.code, "name_vi": ind.name_vi, "name_en": ind.name_en,
            "family": ind.family, "unit": ind.unit, "polarity": ind.polarity,
            "valid_min": ind.valid_range[0], "valid_max": ind.valid_range[1],
            "aggregation": ind.aggregation, "weight": ind.weight,
            "complement_of": ind.complement_of, "parent": ind.parent,
            "first_date": ind.eras[0].start.isoformat(), "current_rule": last.rule,
            "legal_basis": last.legal_basis,
            "non_comparable_breaks": ";".join(e.start.isoformat() for e in ind.eras[1:]
                                              if not e.comparable_with_previous),
            "n_eras": len(ind.eras), "notes": ind.notes, "source_file": ind.source_file,
        })
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        return frame
    return frame.sort_values(["family", "code"], kind="stable").reset_index(drop=True)
