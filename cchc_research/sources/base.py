"""The contract every source reader follows.

A reader takes a raw file (under :data:`cchc_research.config.RAW_DIR`) and returns a
:class:`SourceResult`: the rows it could turn into the long indicator table
(:data:`INDICATOR_COLUMNS`), the rows it rejected with a reason (:data:`REJECT_COLUMNS`),
and how many raw rows it read. The accounting identity
``rows_read == rows_processed + rows_rejected`` must hold, where a raw row counts as
processed when at least one indicator value came from it (``raw_row`` links each
processed value back to its raw row). Readers raise :class:`~cchc_research.errors.SourceError`
or :class:`~cchc_research.errors.SchemaError` when a whole file is unusable (missing file,
wrong sheet layout, missing columns); bad *values* in an otherwise sound file become rejects.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.sources.base import SourceResult, empty_indicators, empty_rejects
>>> res = SourceResult("demo", empty_indicators(), empty_rejects(), rows_read=0)
>>> res.check_accounting()
>>> (res.rows_processed, res.rows_rejected)
(0, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cchc_research.errors import DataError, SchemaError

__all__ = [
    "INDICATOR_COLUMNS",
    "REJECT_COLUMNS",
    "SourceResult",
    "empty_indicators",
    "empty_rejects",
    "reject_row",
    "RELIABILITY_RANK",
    "province_year_panel",
]

#: Columns of the long indicator table (``data/processed/indicators.parquet``), in order.
INDICATOR_COLUMNS: dict[str, str] = {
    "indicator": "string",       # catalog code, e.g. "on_time_rate"
    "geo_code": "string",        # GSO code: "79" province, "760" district, "VN" country
    "geo_name": "string",        # Vietnamese name with diacritics
    "geo_level": "string",       # country | region | province | district
    "period": "string",          # canonical label: "2024", "2024-Q1", "2024-H1", "2024-03", "2024-01-01..2024-03-14"
    "period_start": "datetime64[ns]",
    "period_end": "datetime64[ns]",   # inclusive last day
    "value": "float64",          # in the catalog unit (shares as fractions 0-1)
    "unit": "string",            # catalog unit: share | count | score | index | days ...
    "comparison": "string",      # "==" for facts; ">=", ">", "<=", "<" for targets / qualified figures
    "numerator": "float64",      # when the source states a ratio, else NA
    "denominator": "float64",
    "source_id": "string",       # key into data/raw/MANIFEST (file) + locator, e.g. "papi_2011_2016:2014_PAPI"
    "source_file": "string",     # path relative to data/raw
    "raw_row": "Int64",          # 1-based data row (or line) in source_file the value came from
    "quote": "string",           # verbatim text when the value was read from prose, else NA
    "raw_value": "string",       # the value exactly as written in the source
    "reliability": "string",     # high | medium-high | medium | low
    "flags": "string",           # ';'-separated flags, e.g. "conflict;not_comparable_across_2018"
    "simulated": "bool",         # True only for simulated data
}

#: Columns of the rejects table (``data/processed/rejects/*.parquet``).
REJECT_COLUMNS: dict[str, str] = {
    "source_id": "string",
    "file": "string",
    "row": "Int64",
    "column": "string",
    "value": "string",
    "reason": "string",
    "error": "string",
}


def empty_indicators() -> pd.DataFrame:
    """An empty frame with the indicator columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in INDICATOR_COLUMNS.items()})


def empty_rejects() -> pd.DataFrame:
    """An empty frame with the rejects columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in REJECT_COLUMNS.items()})


def reject_row(source_id: str, error: DataError) -> dict[str, object]:
    """One rejects-table record from a located :class:`~cchc_research.errors.DataError`."""
    d = error.as_dict()
    return {
        "source_id": source_id,
        "file": d["file"],
        "row": d["row"],
        "column": d["column"],
        "value": d["value"],
        "reason": d["reason"],
        "error": d["error"],
    }


@dataclass
class SourceResult:
    """What one reader returns: processed rows, rejects and the raw row count."""

    source_id: str
    indicators: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.indicators = conform(self.indicators, INDICATOR_COLUMNS, "indicators")
        self.rejects = conform(self.rejects, REJECT_COLUMNS, "rejects")

    @property
    def rows_rejected(self) -> int:
        """Distinct raw rows with at least one reject (a row may be rejected for several reasons)."""
        if self.rejects.empty:
            return 0
        return int(self.rejects[["file", "row"]].drop_duplicates().shape[0])

    @property
    def rows_processed(self) -> int:
        """Distinct raw rows that produced at least one indicator value and no reject."""
        if self.indicators.empty:
            return 0
        done = self.indicators[["source_file", "raw_row"]].drop_duplicates()
        if not self.rejects.empty:
            bad = set(zip(self.rejects["file"], self.rejects["row"]))
            done = done[[(f, r) not in bad for f, r in zip(done["source_file"], done["raw_row"])]]
        return int(done.shape[0])

    def check_accounting(self) -> None:
        """Raise :class:`SchemaError` unless every raw row is processed or rejected."""
        if self.rows_processed + self.rows_rejected != self.rows_read:
            raise SchemaError(
                self.rows_read,
                f"accounting mismatch: {self.rows_processed} processed + {self.rows_rejected} "
                f"rejected != {self.rows_read} read",
                file=self.source_id,
            )


def conform(frame: pd.DataFrame, columns: dict[str, str], what: str) -> pd.DataFrame:
    """Return ``frame`` with exactly ``columns`` (missing optional ones added as NA), typed."""
    frame = frame.copy()
    for col, dtype in columns.items():
        if col not in frame.columns:
            missing = {"bool": False, "float64": float("nan"), "datetime64[ns]": pd.NaT}.get(dtype, pd.NA)
            frame[col] = pd.Series([missing] * len(frame), index=frame.index, dtype=dtype)
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        raise SchemaError(unknown, f"unexpected columns in {what} table")
    out = frame[list(columns)]
    return out.astype(columns)


#: Order of preference between sources of the same value (lower is preferred).
RELIABILITY_RANK = {"high": 0, "medium-high": 1, "medium": 2, "low": 3, "simulated": 4}


def province_year_panel(indicators: pd.DataFrame) -> pd.DataFrame:
    """Wide province × year panel from the long table.

    Keeps province-level, calendar-year, ``==`` values. Where several sources give a value for
    the same indicator, province and year, the row flagged ``preferred`` wins, then the more
    reliable source, then the first source id alphabetically (the choice is recorded in
    ``source_ids``, and the long table keeps every value).

    Parameters
    ----------
    indicators : pandas.DataFrame
        The long indicator table (:data:`INDICATOR_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        ``geo_code``, ``geo_name``, ``year`` (int64), one float64 column per indicator code
        (sorted) and ``source_ids``; one row per province and year, sorted by both.

    Examples
    --------
    >>> list(province_year_panel(empty_indicators()).columns)
    ['geo_code', 'geo_name', 'year', 'source_ids']
    """
    d = indicators[
        (indicators["geo_level"] == "province")
        & (indicators["comparison"] == "==")
        & indicators["period"].str.fullmatch(r"\d{4}")
    ].copy()
    if d.empty:
        return pd.DataFrame(columns=["geo_code", "geo_name", "year", "source_ids"])
    d["year"] = d["period"].astype(int)
    flags = d["flags"].fillna("")
    d["_pref"] = (~flags.str.contains("preferred")).astype(int)
    d["_rel"] = d["reliability"].map(RELIABILITY_RANK).fillna(9)
    d = d.sort_values(["indicator", "geo_code", "year", "_pref", "_rel", "source_id", "raw_row"], kind="stable")
    d = d.drop_duplicates(["indicator", "geo_code", "year"], keep="first")
    wide = d.pivot(index=["geo_code", "year"], columns="indicator", values="value")
    wide.columns.name = None
    names = d.drop_duplicates("geo_code").set_index("geo_code")["geo_name"]
    src = d.groupby(["geo_code", "year"])["source_id"].agg(lambda s: ";".join(sorted(set(s))))
    wide = wide.join(src.rename("source_ids")).reset_index()
    wide.insert(1, "geo_name", wide["geo_code"].map(names).astype("string"))
    wide["geo_code"] = wide["geo_code"].astype("string")
    wide["year"] = wide["year"].astype("int64")
    wide["source_ids"] = wide["source_ids"].astype("string")
    value_cols = sorted(c for c in wide.columns if c not in {"geo_code", "geo_name", "year", "source_ids"})
    wide = wide[["geo_code", "geo_name", "year", *value_cols, "source_ids"]]
    for c in value_cols:
        wide[c] = wide[c].astype("float64")
    return wide.sort_values(["geo_code", "year"], kind="stable").reset_index(drop=True)
