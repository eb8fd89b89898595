"""pandera schemas at the processed boundary, and conversion of their failures to our errors.

The long indicator table (``indicators.parquet``) is validated against
:func:`indicator_schema`; every failure becomes a :class:`~cchc_research.errors.SchemaError`
naming the file, row, column and value. Raw-boundary checks live in each reader
(``cchc_research.sources.*``), which rejects bad rows with reasons.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.schemas import validate_frame, indicator_schema
>>> from cchc_research.sources.base import empty_indicators
>>> validate_frame(empty_indicators(), indicator_schema(), file="indicators.parquet").shape[0]
0
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from cchc_research.catalog import OUT_OF_RANGE_FLAG, load_catalog
from cchc_research.errors import SchemaError

__all__ = ["indicator_schema", "province_year_schema", "validate_frame", "schema_failures"]

GEO_LEVELS = ["country", "region", "province", "district", "agency"]
COMPARISONS = ["==", ">=", ">", "<=", "<"]
RELIABILITY = ["high", "medium-high", "medium", "low", "simulated"]


def _catalog_codes() -> list[str]:
    return sorted(load_catalog())


def _in_valid_range(frame: pd.DataFrame) -> pd.Series:
    """Row-wise: the value lies in its indicator's catalog range, or is flagged as lying outside it."""
    flagged = frame["flags"].fillna("").str.split(";").map(lambda f: OUT_OF_RANGE_FLAG in f)
    catalog = load_catalog()
    lo = frame["indicator"].map(lambda c: _bound(catalog, c, 0))
    hi = frame["indicator"].map(lambda c: _bound(catalog, c, 1))
    value = frame["value"].astype(float)
    ok_lo = lo.isna() | (value >= lo.astype(float))
    ok_hi = hi.isna() | (value <= hi.astype(float))
    return (ok_lo & ok_hi) | value.isna() | flagged.astype(bool)


def _bound(catalog, code, i):
    ind = catalog.get(code)
    if ind is None or ind.valid_range is None:
        return None
    return ind.valid_range[i]


def _unit_matches_catalog(frame: pd.DataFrame) -> pd.Series:
    catalog = load_catalog()
    expected = frame["indicator"].map(lambda c: catalog[c].unit if c in catalog else None)
    return expected.isna() | (expected == frame["unit"])


def indicator_schema() -> pa.DataFrameSchema:
    """Schema of the long indicator table (see :data:`cchc_research.sources.base.INDICATOR_COLUMNS`)."""
    codes = _catalog_codes()
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column("string", pa.Check.isin(codes), nullable=False),
            "geo_code": pa.Column("string", pa.Check.str_matches(r"^(VN|R\d|\d{2}|\d{3}|[A-Z_]+)$"), nullable=False),
            "geo_name": pa.Column("string", nullable=False),
            "geo_level": pa.Column("string", pa.Check.isin(GEO_LEVELS), nullable=False),
            "period": pa.Column("string", nullable=False),
            "period_start": pa.Column("datetime64[ns]", nullable=False),
            "period_end": pa.Column("datetime64[ns]", nullable=False),
            "value": pa.Column("float64", nullable=False),
            "unit": pa.Column("string", nullable=False),
            "comparison": pa.Column("string", pa.Check.isin(COMPARISONS), nullable=False),
            "numerator": pa.Column("float64", pa.Check.ge(0), nullable=True),
            "denominator": pa.Column("float64", pa.Check.gt(0), nullable=True),
            "source_id": pa.Column("string", pa.Check.str_length(min_value=1), nullable=False),
            "source_file": pa.Column("string", nullable=False),
            "raw_row": pa.Column("Int64", pa.Check.ge(1), nullable=False),
            "quote": pa.Column("string", nullable=True),
            "raw_value": pa.Column("string", nullable=False),
            "reliability": pa.Column("string", pa.Check.isin(RELIABILITY), nullable=False),
            "flags": pa.Column("string", nullable=True),
            "simulated": pa.Column("bool", nullable=False),
        },
        checks=[
            pa.Check(lambda df: df["period_start"] <= df["period_end"], element_wise=False,
                     error="period_start after period_end"),
            pa.Check(lambda df: df["numerator"].isna() | df["denominator"].isna()
                     | (df["numerator"] <= df["denominator"]),
                     error="numerator greater than denominator"),
            pa.Check(_in_valid_range, error="value outside the indicator's valid range"),
            pa.Check(_unit_matches_catalog, error="unit differs from the catalog unit"),
        ],
        strict=True,
        ordered=True,
        unique=["indicator", "geo_code", "period", "comparison", "source_id", "source_file", "raw_row"],
        report_duplicates="all",
    )


def province_year_schema(columns: list[str]) -> pa.DataFrameSchema:
    """Schema of the wide province × year panel: unique (geo_code, year), numeric indicators."""
    spec = {
        "geo_code": pa.Column("string", pa.Check.str_matches(r"^\d{2}$"), nullable=False),
        "geo_name": pa.Column("string", nullable=False),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2030), nullable=False),
        "source_ids": pa.Column("string", pa.Check.str_length(min_value=1), nullable=False),
    }
    for col in columns:
        if col not in spec:
            spec[col] = pa.Column("float64", nullable=True, required=False)
    return pa.DataFrameSchema(spec, unique=["geo_code", "year"], strict=False)


def schema_failures(exc: SchemaErrors, *, file: str) -> list[SchemaError]:
    """Turn pandera's lazy failures into located :class:`SchemaError` objects (row is 1-based)."""
    out: list[SchemaError] = []
    cases = exc.failure_cases.sort_values(["column", "index"], na_position="first", kind="stable")
    for rec in cases.itertuples(index=False):
        idx = rec.index
        row = None if idx is None or pd.isna(idx) else int(idx) + 1
        column = None if rec.column is None or pd.isna(rec.column) else str(rec.column)
        out.append(SchemaError(rec.failure_case, f"fails check {rec.check}", file=file, row=row, column=column))
    return out


def validate_frame(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str) -> pd.DataFrame:
    """Validate ``frame``; raise the first located :class:`SchemaError` (all listed in its reason)."""
    try:
        return schema.validate(frame.reset_index(drop=True), lazy=True)
    except SchemaErrors as exc:
        failures = schema_failures(exc, file=file)
        first = failures[0]
        more = f" (+{len(failures) - 1} more failures)" if len(failures) > 1 else ""
        raise SchemaError(first.value, first.reason + more, file=file, row=first.row, column=first.column) from exc
