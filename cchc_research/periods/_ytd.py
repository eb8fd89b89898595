"""Year-to-date cumulative counts to period flows (see :mod:`cchc_research.periods`)."""

from __future__ import annotations

import math
import numbers
from datetime import date, timedelta
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import AggregationError, InvalidArgumentError, PeriodError, SchemaError
from cchc_research.periods._calendar import (
    MONTHS_PER_PERIOD,
    Period,
    add_months,
    last_day,
    parse_period,
    period_from_range,
)

__all__ = ["ytd_to_flows"]


def _flow_period(start: date, end: date, cutoff: int | None) -> Period:
    """The tidiest Period for [start, end]: a calendar period if it is one, else a range."""
    for freq, span in MONTHS_PER_PERIOD.items():
        if start.day == 1 and (start.month - 1) % span == 0:
            cand_end = last_day(*add_months(start.year, start.month, span - 1))
            if cand_end == end:
                return Period(freq, start, end)
    if cutoff is not None:
        return period_from_range(start, end, None)
    return Period.range(start, end)


def _months_spanned(p: Period) -> int | None:
    """Whole months from ``p.start`` to the day after ``p.end`` (None if not whole)."""
    after = p.end + timedelta(days=1)
    if after.day != p.start.day:
        return None
    return (after.year * 12 + after.month) - (p.start.year * 12 + p.start.month)


def _check_countable(frame: pd.DataFrame, kind: str | None,
                     aggregation: Mapping[str, str] | None) -> None:
    if kind is not None:
        if kind != "count":
            raise AggregationError(f"cannot difference {kind!r} values: only counts accumulate "
                                   "over the year (a year-to-date rate is not a sum of flows)")
        return
    if "unit" in frame.columns:
        bad = sorted({str(u) for u in frame["unit"] if u != "count"})
        if bad:
            raise AggregationError(f"cannot difference values with unit(s) {bad}: only counts "
                                   "accumulate over the year")
        return
    if "indicator" in frame.columns:
        codes = sorted({str(c) for c in frame["indicator"].unique()})
        if aggregation is None:
            raise AggregationError(f"cannot tell whether indicator(s) {codes} are counts: pass "
                                   "kind='count', a 'unit' column, or "
                                   "aggregation=cchc_research.catalog.aggregations()")
        bad = [c for c in codes if aggregation.get(c) != "sum"]
        if bad:
            raise AggregationError(f"cannot difference indicator(s) {bad}: they are not "
                                   "additive counts (aggregation is not 'sum')")
        return
    raise AggregationError("cannot tell whether the values are counts: pass kind='count' or "
                           "give a 'unit' or 'indicator' column")


def ytd_to_flows(frame: pd.DataFrame, *, value: str = "value", period: str = "period",
                 by: str | tuple[str, ...] | list[str] = (), kind: str | None = None,
                 allow_irregular: bool = False,
                 aggregation: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Turn cumulative year-to-date counts into flows per period (differences within a year).

    Within each group (``by`` columns and the year the period ends in), periods must all
    start on the same day (1 January, or e.g. 15 December for reporting windows) and end
    at regular steps (3, 6, 9, 12 months): the first flow is the first cumulative value,
    each next flow the increase since the previous one.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table with a value column and a period column (labels or :class:`Period`).
    value, period : str
        Column names.
    by : str or sequence of str
        Column(s) identifying a series (e.g. ``("indicator", "geo_code")``).
    kind : {"count"}, optional
        Declare the values counts. Otherwise a ``unit`` column (must be ``"count"``) or an
        ``indicator`` column with ``aggregation`` decides.
    allow_irregular : bool, default False
        Accept uneven steps (6, 9, 12 months) and produce flows of uneven length.
    aggregation : mapping of str to str, optional
        Aggregation of each indicator code (``"sum"`` for additive counts), used with an
        ``indicator`` column: pass :func:`cchc_research.catalog.aggregations` (this module
        sits below the catalog and does not read it itself).

    Returns
    -------
    pandas.DataFrame
        Same rows and index; ``value`` holds the flow, ``period`` the flow period (a label
        when the input held labels), ``ytd_value`` the original cumulative value.

    Raises
    ------
    AggregationError
        Rates or other non-additive values (an indicator whose ``aggregation`` is not
        ``"sum"``), or no way to tell (an ``indicator`` column without ``aggregation``).
    PeriodError
        Unreadable periods, different start days, duplicates, missing values, gaps
        (e.g. 3 and 9 months without 6) or a cumulative count that decreases.
    SchemaError
        A named column is missing or appears more than once; a value that is text, a
        boolean or infinite (row and column given).
    InvalidArgumentError
        ``by`` neither a column name nor a list of them.

    Examples
    --------
    >>> import pandas as pd
    >>> ytd = pd.DataFrame({"period": ["quý I/2024", "6 tháng đầu năm 2024",
    ...                                "9 tháng đầu năm 2024"], "value": [100, 250, 420]})
    >>> flows = ytd_to_flows(ytd, kind="count")
    >>> flows[["period", "value"]].values.tolist()
    [['2024-Q1', 100], ['2024-Q2', 150], ['2024-Q3', 170]]
    """
    if isinstance(by, str):
        by = [by]  # one column named as a string, as elsewhere in the package
    elif not isinstance(by, (list, tuple)):
        raise InvalidArgumentError(f"by must be a column name or a list of column names, got {by!r}")
    by = list(by)
    for col in [value, period, *by]:
        if col not in frame.columns:
            raise SchemaError(col, f"missing column (have {list(frame.columns)})")
    dup = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]} & {str(c) for c in [value, period, *by]})
    if dup:
        raise SchemaError(dup, "column name(s) appear more than once in the table; rename or drop "
                          "the copies (frame.loc[:, ~frame.columns.duplicated()])", column=dup[0])
    _check_countable(frame, kind, aggregation)
    _check_counts(frame[value].tolist(), value)
    periods: list[Period] = []
    for pos, raw in enumerate(frame[period].tolist()):
        try:
            periods.append(parse_period(raw))
        except PeriodError as err:
            raise err.located(row=pos + 1, column=period) from None
    groups: dict[tuple[Any, ...], list[int]] = {}
    keys = frame[by].itertuples(index=False, name=None) if by else [()] * len(frame)
    for pos, key in enumerate(keys):
        groups.setdefault((*key, periods[pos].end.year), []).append(pos)
    values = frame[value].tolist()
    flows: list[Any] = [None] * len(frame)
    flow_periods: list[Period | None] = [None] * len(frame)
    for key, rows in groups.items():
        rows.sort(key=lambda r: periods[r].end)
        _check_group(key, rows, periods, values, value, period, allow_irregular)
        prev_end, prev_val = None, None
        for r in rows:
            p = periods[r]
            start = p.start if prev_end is None else prev_end + timedelta(days=1)
            flows[r] = values[r] if prev_val is None else values[r] - prev_val
            flow_periods[r] = _flow_period(start, p.end, p.reporting_cutoff_day)
            prev_end, prev_val = p.end, values[r]
    out = frame.copy()
    out["ytd_value"] = frame[value]
    out[value] = pd.Series(flows, index=frame.index, dtype=frame[value].dtype)
    as_labels = all(isinstance(v, str) for v in frame[period])
    out[period] = [fp.label if as_labels else fp for fp in flow_periods]  # type: ignore[union-attr]
    return out


def _check_counts(values: list[Any], column: str) -> None:
    """Refuse cumulative values that are not finite numbers (text, booleans, infinities).

    Missing values are left to the per-series check (which names the period).
    """
    for pos, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            continue
        if isinstance(v, (bool, np.bool_)):
            raise SchemaError(v, "a boolean is not a count", row=pos + 1, column=column)
        if not isinstance(v, numbers.Real):
            raise SchemaError(v, f"not a number ({type(v).__name__}); parse it first "
                              "(cchc_research.parsing.parse_number)", row=pos + 1, column=column)
        if not math.isfinite(float(v)):
            raise SchemaError(v, "an infinite value is not a count", row=pos + 1, column=column)


def _check_group(key: tuple[Any, ...], rows: list[int], periods: list[Period],
                 values: list[Any], value: str, period: str, allow_irregular: bool) -> None:
    where = f"series {key[:-1]} year {key[-1]}" if len(key) > 1 else f"year {key[-1]}"
    starts = {periods[r].start for r in rows}
    if len(starts) > 1:
        raise PeriodError(sorted(str(s) for s in starts),
                          f"{where}: cumulative periods start on different days",
                          row=rows[0] + 1, column=period)
    step = None
    for i, r in enumerate(rows):
        p, v = periods[r], values[r]
        if v is None or pd.isna(v):
            raise PeriodError(v, f"{where}: missing cumulative value for {p.label}",
                              row=r + 1, column=value)
        if i and periods[rows[i - 1]].end == p.end:
            raise PeriodError(p.label, f"{where}: duplicate period", row=r + 1, column=period)
        if i and v < values[rows[i - 1]]:
            raise PeriodError(v, f"{where}: cumulative count decreases from "
                              f"{values[rows[i - 1]]} ({periods[rows[i - 1]].label}) to {v} "
                              f"({p.label})", row=r + 1, column=value)
        n = _months_spanned(p)
        if allow_irregular:
            continue
        if n is None:
            raise PeriodError(p.label, f"{where}: not a whole number of months",
                              row=r + 1, column=period)
        step = n if step is None else step
        if n != step * (i + 1):
            raise PeriodError(p.label, f"{where}: gap or irregular step: expected a "
                              f"{step * (i + 1)}-month cumulative period, found {n} months "
                              "(pass allow_irregular=True to accept uneven steps)",
                              row=r + 1, column=period)
