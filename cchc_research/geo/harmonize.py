"""Harmonize a long indicator frame to one geography vintage.

Units of a source vintage are mapped to the units of a later vintage that contain them
(Hà Tây → Hà Nội from 2008-08-01; the 63 → 34 provinces of 2025-07-01; Quận 2, Quận 9 and
Quận Thủ Đức → Thành phố Thủ Đức from 2021-01-01) and values are aggregated: counts are
summed, rates are averaged with an explicit weight. Only whole-unit mergers are handled; the
transfers of parts of units that accompanied some of them (e.g. Mê Linh district of Vĩnh
Phúc moved to Hà Nội in 2008) are not apportioned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cchc_research.errors import AggregationError, GeographyError, SchemaError, UnknownGeographyError
from cchc_research.geo._names import normalize_code
from cchc_research.geo._tables import (
    PROVINCE_VINTAGES,
    district_table,
    district_vintage,
    province_table,
    province_vintage,
)
from cchc_research.geo.districts import map_district
from cchc_research.geo.provinces import map_province

__all__ = ["harmonize"]

_DEFAULT_BY = ("indicator", "period")


def _vintages(level: str, from_vintage: object, to_vintage: object) -> tuple[int, int]:
    if level == "province":
        target = province_vintage(to_vintage)
        if from_vintage is None:
            position = PROVINCE_VINTAGES.index(target)
            return PROVINCE_VINTAGES[max(position - 1, 0)], target
        return province_vintage(from_vintage), target
    if level == "district":
        target = district_vintage(to_vintage)
        return (2020 if from_vintage is None else district_vintage(from_vintage)), target
    raise GeographyError(level, "level must be 'province' or 'district'")


def _units(level: str, vintage: int) -> pd.DataFrame:
    return province_table(vintage) if level == "province" else district_table(vintage)


def _map(level: str, code: str, source: int, target: int) -> str:
    if level == "province":
        return map_province(code, from_vintage=source, to_vintage=target)
    return map_district(code, from_year=source, to_year=target)


def _join_by_group(group_ids: np.ndarray, values: pd.Series, n_groups: int) -> list[str]:
    """Per group, the sorted distinct non-missing values joined by ';' (one pass, no pandas apply)."""
    bags: list[set[str]] = [set() for _ in range(n_groups)]
    for gid, item in zip(group_ids.tolist(), values.tolist()):
        if item is not None and not (isinstance(item, float) and np.isnan(item)) and str(item) != "":
            bags[gid].add(str(item))
    return [";".join(sorted(bag)) for bag in bags]


def harmonize(
    frame: pd.DataFrame,
    *,
    to_vintage: int,
    value: str = "value",
    kind: str = "count",
    weight: str | None = None,
    geo: str = "geo_code",
    by: Sequence[str] | None = None,
    level: str = "province",
    from_vintage: int | None = None,
    source_id: str = "source_id",
) -> pd.DataFrame:
    """Map each row's unit to ``to_vintage`` and aggregate merged units.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long frame with a geography column ``geo`` (codes of ``from_vintage``, as strings
        or integers), a numeric ``value`` column and the key columns ``by``.
    to_vintage : int
        Target vintage or year: provinces 2004 / 2008 / 2025, districts 2020 / 2021.
    value : str, default "value"
        Column to aggregate.
    kind : {"count", "rate"}, default "count"
        Counts are summed. Rates are averaged with the weights in ``weight``.
    weight : str, optional
        Column of positive weights for rates (e.g. dossiers received or resolved). Required
        when ``kind="rate"``; every row of a merged group needs a positive weight.
    geo : str, default "geo_code"
        Geography column.
    by : sequence of str, optional
        Key columns besides ``geo``. Default: those of ("indicator", "period") present in
        ``frame``; columns passed explicitly must exist.
    level : {"province", "district"}, default "province"
    from_vintage : int, optional
        Vintage of the codes in ``frame``. Default: the vintage before ``to_vintage``
        (provinces 2004 → 2008 → 2025; districts 2020 → 2021).
    source_id : str, default "source_id"
        Provenance column passed through (sorted unique values joined by ';') if present.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` + target unit, sorted: the ``by`` columns, ``geo``, ``geo_name``
        (Vietnamese name in ``to_vintage``), ``geo_level``, ``value``, the summed ``weight``
        (rates only), ``harmonized_from`` (source codes aggregated, sorted, ';'-joined),
        ``missing_members`` (source-vintage members of the target unit absent from the group,
        e.g. "28" for Hà Nội rows of years after Hà Tây ceased to exist) and ``source_id``
        when present. Other columns are dropped. A group with a missing value gives a
        missing result (a sum with an unknown part is unknown).

    Raises
    ------
    AggregationError
        ``kind="rate"`` without ``weight``; missing or non-positive weights in a merged
        group; duplicate rows for one key; an unknown ``kind``.
    UnknownGeographyError
        A code that is not a unit of the source vintage (row and value named).
    SchemaError
        Missing columns or non-numeric values.
    GeographyError
        An invalid ``level`` or a backwards mapping.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"geo_code": ["74", "77", "79"], "period": "2024",
    ...                    "value": [10, 20, 70], "received": [100.0, 100.0, 800.0]})
    >>> harmonize(df, to_vintage=2025)[["geo_code", "value", "harmonized_from"]]
      geo_code  value harmonized_from
    0       79    100        74;77;79
    >>> rates = df.assign(value=[0.5, 0.9, 0.8])
    >>> float(harmonize(rates, to_vintage=2025, kind="rate", weight="received")["value"].iloc[0])
    0.78
    """
    if kind not in {"count", "rate"}:
        raise AggregationError(f"kind must be 'count' or 'rate', not {kind!r}")
    if kind == "rate" and weight is None:
        raise AggregationError(
            "refusing to average rates without weights: pass weight=<column> (e.g. the number "
            "of dossiers received or resolved) so merged units are combined as a weighted mean"
        )
    if kind == "count" and weight is not None:
        raise AggregationError("weight is only used with kind='rate'; counts are summed")
    source, target = _vintages(level, from_vintage, to_vintage)
    keys = [c for c in _DEFAULT_BY if c in frame.columns] if by is None else list(by)
    needed = [geo, value, *keys] + ([weight] if weight else [])
    for column in needed:
        if column not in frame.columns:
            raise SchemaError(column, "column required by harmonize() is missing", column=column)
        if int((frame.columns == column).sum()) > 1:
            raise SchemaError(column, "column name appears more than once in the frame, so it is "
                              "not clear which one is meant; rename or drop the copies",
                              column=column)

    width = 2 if level == "province" else 3
    known = set(_units(level, source)["geo_code"])
    codes = []
    for row, raw in enumerate(frame[geo].tolist(), start=1):
        code = normalize_code(raw, width)
        if code is None or code not in known:
            hint = (f" (from_vintage defaults to the vintage before {target}; pass from_vintage= "
                    "if the codes are of another vintage)") if from_vintage is None and code is not None else ""
            raise UnknownGeographyError(
                raw, f"not a {level} code of vintage {source}{hint}", row=row, column=geo
            )
        codes.append(code)
    mapping = {c: _map(level, c, source, target) for c in sorted(set(codes))}

    df = frame[[c for c in dict.fromkeys(keys + [value] + ([weight] if weight else []))]].copy()
    for column in [value] + ([weight] if weight else []):
        if pd.api.types.is_bool_dtype(df[column].dtype):
            raise SchemaError(df[column].iloc[0], "booleans are not counts or rates; convert "
                              "them to numbers on purpose (e.g. .astype(int))", row=1, column=column)
        numeric = pd.to_numeric(df[column], errors="coerce")
        bad = (numeric.isna() & df[column].notna()) | df[column].map(
            lambda v: isinstance(v, (bool, np.bool_)))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise SchemaError(df[column].iloc[row - 1], "not a number", row=row, column=column)
        infinite = np.isinf(numeric.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():
            row = int(np.flatnonzero(infinite)[0]) + 1
            raise SchemaError(df[column].iloc[row - 1], "infinite value: a count or rate must be "
                              "finite (was it a division by zero upstream?)", row=row, column=column)
        df[column] = numeric.astype(float)
    if df.empty:
        empty = pd.DataFrame(columns=[*keys, geo, "geo_name", "geo_level", value])
        for column in ([weight] if weight else []) + ["harmonized_from", "missing_members"]:
            empty[column] = pd.Series(dtype=float if column == weight else object)
        if source_id in frame.columns:
            empty[source_id] = pd.Series(dtype=object)
        return empty
    df["_src"], df["_row"] = codes, np.arange(1, len(df) + 1)
    df["_tgt"] = df["_src"].map(mapping)
    df["_sid"] = frame[source_id].to_numpy() if source_id in frame.columns else None

    dup = df.duplicated(keys + ["_src"], keep=False)
    if dup.any():
        rows = df.loc[dup, "_row"].tolist()[:10]
        raise AggregationError(f"duplicate rows for the same {keys + [geo]} key (rows {rows})")

    group_keys = keys + ["_tgt"]
    size = df.groupby(group_keys, dropna=False, sort=False)["_row"].transform("size")
    if kind == "rate":
        w = df[weight]
        bad = (size > 1) & ~(w > 0)
        if bad.any():
            offenders = [
                f"row {r} ({geo}={c}, {weight}={x})"
                for r, c, x in df.loc[bad, ["_row", "_src", weight]].itertuples(index=False)
            ]
            raise AggregationError(
                "missing or non-positive weights in merged groups: " + "; ".join(offenders[:10])
            )
        df["_wv"] = df[weight] * df[value]
        df["_wnan"] = df[weight].isna()
    df["_nan"] = df[value].isna()

    grouped = df.groupby(group_keys, dropna=False, sort=True)
    out = grouped.agg(
        _n=("_row", "size"),
        _first=(value, "first"),
        _sum=(value, "sum"),
        _anynan=("_nan", "any"),
    )
    out["harmonized_from"] = _join_by_group(grouped.ngroup().to_numpy(), df["_src"], len(out))
    out["_sid"] = _join_by_group(grouped.ngroup().to_numpy(), df["_sid"], len(out))
    if kind == "count":
        result = out["_sum"]
    else:
        sums = grouped.agg(_wv=("_wv", "sum"), _w=(weight, "sum"), _wnan=("_wnan", "any"))
        result = (sums["_wv"] / sums["_w"]).where(out["_n"] > 1, out["_first"])
        out[weight] = sums["_w"].where(~sums["_wnan"])
    out[value] = result.where(~out["_anynan"])
    out = out.reset_index().rename(columns={"_tgt": geo})

    units = _units(level, target).set_index("geo_code")
    members: dict[str, set[str]] = {}
    for code in known:
        members.setdefault(_map(level, code, source, target), set()).add(code)
    out["geo_name"] = out[geo].map(units["name_vi"])
    out["geo_level"] = level
    out["missing_members"] = [
        ";".join(sorted(members[t] - set(h.split(";")))) for t, h in zip(out[geo], out["harmonized_from"])
    ]
    columns = [*keys, geo, "geo_name", "geo_level", value] + ([weight] if weight else [])
    columns += ["harmonized_from", "missing_members"]
    if source_id in frame.columns:
        out[source_id] = out["_sid"]
        columns.append(source_id)
    overflow = np.isinf(out[value].to_numpy(dtype=float, na_value=np.nan))
    if overflow.any():
        first = out.loc[overflow, geo].iloc[0]
        raise AggregationError(
            f"the merged {value!r} of {first} overflows floating point (the members are finite "
            "but their sum is not); rescale the values first, e.g. to thousands or millions"
        )
    if kind == "count" and pd.api.types.is_integer_dtype(frame[value]) and not out[value].isna().any():
        out[value] = out[value].astype(frame[value].dtype)
    return out[columns].reset_index(drop=True)
