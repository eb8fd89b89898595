"""Integer numbering of calendar periods (private module of :mod:`cchc_research.periods`).

One numbering for the whole project — the dossier engines group on it, the simulated world
and the staggered-adoption estimators count periods with it:

====== ===========================================  ===========================
freq   number                                        e.g.
====== ===========================================  ===========================
month  ``12 * year + month - 1``                     2024-03 -> 24290
quarter ``4 * year + quarter - 1``                   2024-Q1 -> 8096
half   ``2 * year + half - 1``                       2024-H1 -> 4048
year   ``year``                                      2024 -> 2024
====== ===========================================  ===========================

so consecutive periods have consecutive numbers and ``number // (12 // months)`` is the
year. Labels are the canonical labels of :class:`~cchc_research.periods.Period`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import AggregationError, PeriodError
from cchc_research.periods._calendar import MONTHS_PER_PERIOD

__all__ = ["FREQS", "months_per_period", "period_index", "period_of_month", "period_number", "period_frame",
           "period_index_sql"]

#: Frequencies that have a numbering (every calendar frequency; ranges have none).
FREQS: tuple[str, ...] = tuple(MONTHS_PER_PERIOD)

_LABEL = {
    "month": re.compile(r"(\d{4})-(\d{2})"),
    "quarter": re.compile(r"(\d{4})-Q([1-4])"),
    "half": re.compile(r"(\d{4})-H([12])"),
    "year": re.compile(r"(\d{4})()"),
}


def months_per_period(freq: str) -> int:
    """Months per period of ``freq`` (12, 6, 3 or 1), refusing an unknown frequency.

    Raises
    ------
    AggregationError
        ``freq`` is not one of :data:`FREQS`.

    Examples
    --------
    >>> months_per_period("quarter")
    3
    """
    try:
        return MONTHS_PER_PERIOD[freq]
    except (KeyError, TypeError):
        raise AggregationError(f"freq must be one of {FREQS}, not {freq!r}") from None


_months = months_per_period


def period_of_month(month_numbers: Any, freq: str) -> np.ndarray:
    """Period number of ``freq`` of each month number (``12 * year + month - 1``).

    Parameters
    ----------
    month_numbers : array-like of int
        Month numbers of this numbering (the ``"month"`` period numbers).
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    numpy.ndarray
        ``(n // 12) * (12 // m) + (n % 12) // m`` with ``m`` months per period (the dtype of
        ``month_numbers``).

    Raises
    ------
    AggregationError
        Unknown ``freq``.

    Examples
    --------
    >>> period_of_month([24290, 24239], "quarter").tolist()
    [8096, 8079]
    """
    m = months_per_period(freq)
    n = np.asarray(month_numbers)
    return (n // 12) * (12 // m) + (n % 12) // m


def period_index(dates: pd.Series, freq: str) -> pd.Series:
    """Period number of each date (``Int64``, ``<NA>`` where the date is missing).

    Parameters
    ----------
    dates : Series of datetime64
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    Series of Int64
        Same index as ``dates``.

    Raises
    ------
    AggregationError
        Unknown ``freq``.

    Examples
    --------
    >>> idx = period_index(pd.Series(pd.to_datetime(["2024-03-15", "2024-12-31"])), "quarter")
    >>> idx.tolist()
    [8096, 8099]
    """
    m = _months(freq)
    dates = pd.Series(dates)
    year = dates.dt.year.astype("Int64")
    month = dates.dt.month.astype("Int64")
    return year * (12 // m) + (month - 1) // m


def period_index_sql(expr: str, freq: str) -> str:
    """DuckDB expression for the period number of the DATE expression ``expr``.

    Raises
    ------
    AggregationError
        Unknown ``freq``.

    Examples
    --------
    >>> period_index_sql("d", "half")
    '(year(d) * 2 + (month(d) - 1) // 6)'
    """
    m = _months(freq)
    return f"(year({expr}) * {12 // m} + (month({expr}) - 1) // {m})"


def period_number(labels: Any, freq: str) -> np.ndarray:
    """Period number of canonical period labels (``"2024-03"``, ``"2024-Q1"``, ``"2024-H1"``, ``"2024"``).

    Parameters
    ----------
    labels : iterable of str
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    numpy.ndarray of int64
        One number per label, in order.

    Raises
    ------
    AggregationError
        Unknown ``freq``.
    PeriodError
        A label that is not a canonical label of ``freq`` (e.g. ``"2019-13"``, ``"2019Q1"``,
        or a quarter label when ``freq="month"``).

    Examples
    --------
    >>> period_number(["2019-Q1", "2020-Q1"], "quarter").tolist()
    [8076, 8080]
    >>> period_number(["2019-12"], "month").tolist()
    [24239]
    """
    m = _months(freq)
    out = []
    for lab in pd.Series(labels, dtype="object").astype(str):
        match = _LABEL[freq].fullmatch(lab)
        if match is None or (freq == "month" and not 1 <= int(match.group(2)) <= 12):
            raise PeriodError(lab, f"not a canonical {freq} label")
        sub = int(match.group(2)) - 1 if match.group(2) else 0
        out.append(int(match.group(1)) * (12 // m) + sub)
    return np.asarray(out, dtype="int64")


def period_frame(indices: Iterable[int], freq: str) -> pd.DataFrame:
    """Label, first and last day of each period number.

    Parameters
    ----------
    indices : iterable of int
    freq : {"month", "quarter", "half", "year"}

    Returns
    -------
    DataFrame
        ``period_idx`` (int64), ``period`` (string), ``period_start``, ``period_end``
        (datetime64[ns], inclusive last day); one row per number, in order.

    Raises
    ------
    AggregationError
        Unknown ``freq``.

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
