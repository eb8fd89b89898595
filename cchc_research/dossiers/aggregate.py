"""Dossiers → unit × period panel with the official definitions (see the package docs).

:func:`aggregate` has two engines that give identical tables: ``"duckdb"`` (default; reads
Parquet/CSV directly, out of core, one scan of the input feeding one hash aggregation)
and ``"pandas"`` (in memory, for small data and as a cross-check). Both produce, per group
and period, the *counts* (and the median); the shares are computed from the counts by one
shared function, and the period labels by :func:`~cchc_research.dossiers.periods.period_frame`.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.dossiers.aggregate import aggregate
>>> ts = pd.to_datetime
>>> df = pd.DataFrame({
...     "dossier_id": ["a", "b", "c"], "unit": ["760"] * 3,
...     "channel": ["online", "direct", "online"], "online_level": ["full", "none", "partial"],
...     "received_at": ts(["2024-03-01 08:00", "2024-03-04 09:00", "2024-03-20 10:00"]),
...     "due_at": ts(["2024-03-05", "2024-03-06", "2024-03-25"]),
...     "completed_at": ts(["2024-03-05 16:00", "2024-03-08 10:00", None]),
...     "status": ["completed", "completed", "pending"],
...     "satisfaction_rating": pd.array([5, 2, None], dtype="Int64")})
>>> out = aggregate(df, freq="month")
>>> out[["unit", "period", "received", "resolved", "resolved_on_time", "overdue_pending"]]
  unit   period  received  resolved  resolved_on_time  overdue_pending
0  760  2024-03         3         2                 1                1
>>> float(out["on_time_rate"].iloc[0]), float(out["median_working_days"].iloc[0])
(0.5, 3.0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from cchc_research.dossiers.dates import ARGUMENT_WINDOW, parse_date
from cchc_research.dossiers.engine_duckdb import aggregate_counts_duckdb
from cchc_research.dossiers.engine_pandas import aggregate_counts_pandas
from cchc_research.dossiers.inputs import NA_KEY, expand_paths
from cchc_research.periods import period_frame
from cchc_research.dossiers.workdays import DEFAULT_CALENDAR, WorkCalendar
from cchc_research.errors import AggregationError, SchemaError

__all__ = [
    "aggregate", "finalize", "expand_paths", "NA_KEY", "BY_COLUMNS", "COUNT_COLUMNS", "RATE_COLUMNS",
    "OUTPUT_COLUMNS", "ENGINES",
]

#: Columns that may be used in ``by``.
BY_COLUMNS: tuple[str, ...] = ("unit", "field", "channel", "online_level", "procedure_code")

#: Integer count columns of the output, in order.
COUNT_COLUMNS: tuple[str, ...] = (
    "received",
    "withdrawn",
    "received_online",
    "received_online_full",
    "received_online_partial",
    "resolved",
    "resolved_on_time",
    "resolved_late",
    "overdue_pending",
    "rated",
    "satisfied",
)
#: Float columns of the output, in order.
RATE_COLUMNS: tuple[str, ...] = (
    "median_working_days",
    "on_time_rate",
    "online_share",
    "online_full_share",
    "online_partial_share",
    "satisfaction_rate",
)
#: Output columns after the ``by`` columns.
OUTPUT_COLUMNS: tuple[str, ...] = ("period", "period_start", "period_end") + COUNT_COLUMNS + RATE_COLUMNS
ENGINES: tuple[str, ...] = ("duckdb", "pandas")

def _check_by(by: Iterable[str] | str) -> tuple[str, ...]:
    by = (by,) if isinstance(by, str) else tuple(by)
    for col in by:
        if col not in BY_COLUMNS:
            raise AggregationError(f"cannot group by {col!r}; choose from {BY_COLUMNS}")
    if len(set(by)) != len(by):
        raise AggregationError(f"repeated column in by={by!r}")
    return by


def aggregate(
    source: "pd.DataFrame | str | Path | Sequence[str | Path]",
    freq: str = "month",
    by: Iterable[str] | str = ("unit",),
    as_of: object = None,
    engine: str = "duckdb",
    *,
    calendar: WorkCalendar | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Aggregate clean dossiers into one row per group × period.

    Parameters
    ----------
    source : DataFrame, path, glob or list of paths
        Clean canonical dossiers (from :func:`~cchc_research.dossiers.io.read_export`, or
        Parquet/CSV files with the canonical columns, e.g. the simulated chunks).
        Needed columns: ``received_at``, ``due_at`` (or ``statutory_days``), ``completed_at``,
        ``status``, ``channel`` and the ``by`` columns; ``online_level`` and
        ``satisfaction_rating`` are optional.
    freq : {"month", "quarter", "half", "year"}
    by : sequence of str
        Grouping columns from :data:`BY_COLUMNS` (default ``("unit",)``).
    as_of : date-like, optional
        Snapshot date (a date, or a string read by the export date parser: day first
        ``30/06/2024`` or ISO ``2024-06-30``; :func:`~cchc_research.dossiers.dates.parse_date`):
        events after it are ignored (dossiers received later are dropped,
        completions later count as still pending) and the last period is cut at ``as_of``.
    engine : {"duckdb", "pandas"}
    calendar : WorkCalendar, optional
        Working-day calendar for ``median_working_days``.
    threads, memory_limit, temp_directory : optional
        DuckDB settings (``SET threads``, ``SET memory_limit`` e.g. ``"2GB"``,
        spill directory).
    progress : bool
        Show a progress bar on stderr (DuckDB's query progress; per file for pandas).

    Returns
    -------
    DataFrame
        ``by`` columns (string), ``period`` (canonical label), ``period_start``,
        ``period_end`` (datetime64[ns]), the counts :data:`COUNT_COLUMNS` (int64) and
        :data:`RATE_COLUMNS` (float64, NaN when the denominator is 0), sorted by the
        ``by`` columns then period. Every group has a row for every period from its first
        receipt to the last period of the data (or of ``as_of``).

    Raises
    ------
    AggregationError
        Unknown ``freq``, ``engine`` or ``by`` column.
    ParseError
        ``as_of`` is not a valid date.
    UnvalidatedInputError
        The source is a raw export or its dates are not timestamps (validate it first).
    SchemaError
        The source lacks a needed column or no file matches.
    """
    by = _check_by(by)
    if engine not in ENGINES:
        raise AggregationError(f"engine must be one of {ENGINES}, not {engine!r}")
    period_frame([], freq)  # validates freq
    as_of_day = None if as_of is None else parse_date(as_of, what="as_of", window=ARGUMENT_WINDOW).normalize()
    cal = calendar or DEFAULT_CALENDAR
    if engine == "duckdb":
        counts = aggregate_counts_duckdb(
            source, freq, by, as_of_day, cal,
            threads=threads, memory_limit=memory_limit, temp_directory=temp_directory,
            progress=progress,
        )
    else:
        counts = aggregate_counts_pandas(source, freq, by, as_of_day, cal, progress=progress)
    return finalize(counts, freq, by)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype("float64")
    den = den.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(den > 0, num / den.where(den > 0, 1.0), np.nan), index=num.index)


def finalize(counts: pd.DataFrame, freq: str, by: Sequence[str]) -> pd.DataFrame:
    """Shared last step of both engines: labels, types, shares, deterministic order.

    ``counts`` has the ``by`` columns (missing values as :data:`NA_KEY`), ``period_idx``
    and the raw counts (``received`` … ``satisfied`` without ``resolved_late``) plus
    ``median_working_days``.
    """
    by = list(by)
    frame = counts.copy()
    for col in by:
        frame[col] = frame[col].astype("string").replace(NA_KEY, pd.NA)
    frame["period_idx"] = frame["period_idx"].astype("int64")
    frame = frame.sort_values(by + ["period_idx"], kind="stable", na_position="last")
    frame = frame.reset_index(drop=True)
    labels = period_frame(frame["period_idx"], freq)
    for col in ("period", "period_start", "period_end"):
        frame[col] = labels[col].to_numpy()
    for col in COUNT_COLUMNS:
        if col != "resolved_late":
            frame[col] = frame[col].fillna(0).astype("int64")
    frame["resolved_late"] = frame["resolved"] - frame["resolved_on_time"]
    base = frame["received"] - frame["withdrawn"]
    frame["median_working_days"] = pd.to_numeric(frame["median_working_days"]).astype("float64")
    frame["on_time_rate"] = _ratio(frame["resolved_on_time"], frame["resolved"])
    frame["online_share"] = _ratio(frame["received_online"], base)
    frame["online_full_share"] = _ratio(frame["received_online_full"], base)
    frame["online_partial_share"] = _ratio(frame["received_online_partial"], base)
    frame["satisfaction_rate"] = _ratio(frame["satisfied"], frame["rated"])
    out = frame[by + list(OUTPUT_COLUMNS)].copy()
    for col in by:
        out[col] = out[col].astype("string")
    out["period"] = out["period"].astype("string")
    out["period_start"] = out["period_start"].astype("datetime64[ns]")
    out["period_end"] = out["period_end"].astype("datetime64[ns]")
    return out
