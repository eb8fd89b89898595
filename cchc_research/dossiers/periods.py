"""Reporting periods of the dossier panel as integer indices, with labels and bounds.

A period is numbered by an integer index so both engines can group on it:
``month = 12 * year + month - 1``, ``quarter = 4 * year + (month - 1) // 3``,
``half = 2 * year + (month - 1) // 6``, ``year = year``. Labels follow the project's
canonical period labels ("2024-03", "2024-Q1", "2024-H1", "2024").

Examples
--------
>>> import pandas as pd
>>> from cchc_research.dossiers.periods import period_index, period_frame
>>> idx = period_index(pd.Series(pd.to_datetime(["2024-03-15", "2024-12-31"])), "quarter")
>>> idx.tolist()
[8096, 8099]
>>> period_frame([8096], "quarter").to_dict("records")[0]["period"]
'2024-Q1'
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from cchc_research.errors import AggregationError

__all__ = ["FREQS", "MONTHS_PER_PERIOD", "period_index", "period_frame", "period_index_sql"]

#: Months in one period of each frequency.
MONTHS_PER_PERIOD: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}
FREQS: tuple[str, ...] = tuple(MONTHS_PER_PERIOD)


def _months(freq: str) -> int:
    try:
        return MONTHS_PER_PERIOD[freq]
    except KeyError:
        raise AggregationError(f"freq must be one of {FREQS}, not {freq!r}") from None


def period_index(dates: pd.Series, freq: str) -> pd.Series:
    """Integer period index of each date (``Int64``, NA where the date is missing).

    Parameters
    ----------
    dates : Series of datetime64
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    Series of Int64
    """
    m = _months(freq)
    per_year = 12 // m
    dates = pd.Series(dates)
    year = dates.dt.year.astype("Int64")
    month = dates.dt.month.astype("Int64")
    return year * per_year + (month - 1) // m


def period_index_sql(expr: str, freq: str) -> str:
    """DuckDB expression for the period index of the DATE expression ``expr``.

    Examples
    --------
    >>> period_index_sql("d", "half")
    '(year(d) * 2 + (month(d) - 1) // 6)'
    """
    m = _months(freq)
    return f"(year({expr}) * {12 // m} + (month({expr}) - 1) // {m})"


def period_frame(indices: Iterable[int], freq: str) -> pd.DataFrame:
    """Label, first and last day of each period index.

    Parameters
    ----------
    indices : iterable of int
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    DataFrame
        ``period_idx`` (int64), ``period`` (string), ``period_start``, ``period_end``
        (datetime64[ns], inclusive last day).

    Examples
    --------
    >>> period_frame([24290, 24291], "month")[["period", "period_end"]].astype(str).values.tolist()
    [['2024-03', '2024-03-31'], ['2024-04', '2024-04-30']]
    """
    m = _months(freq)
    per_year = 12 // m
    idx = np.asarray(list(indices), dtype="int64")
    year = idx // per_year
    k = idx % per_year
    first_month = k * m + 1
    start = pd.to_datetime(
        pd.DataFrame({"year": year, "month": first_month, "day": np.ones_like(idx)})
    ) if len(idx) else pd.Series([], dtype="datetime64[ns]")
    start = pd.Series(start, dtype="datetime64[ns]")
    end = (start + pd.DateOffset(months=m) - pd.Timedelta(days=1)).astype("datetime64[ns]")
    if freq == "month":
        labels = [f"{y:04d}-{mm:02d}" for y, mm in zip(year, first_month)]
    elif freq == "quarter":
        labels = [f"{y:04d}-Q{q + 1}" for y, q in zip(year, k)]
    elif freq == "half":
        labels = [f"{y:04d}-H{h + 1}" for y, h in zip(year, k)]
    else:
        labels = [f"{y:04d}" for y in year]
    return pd.DataFrame(
        {
            "period_idx": pd.Series(idx, dtype="int64"),
            "period": pd.Series(labels, dtype="string"),
            "period_start": start.reset_index(drop=True),
            "period_end": end.reset_index(drop=True),
        }
    )
