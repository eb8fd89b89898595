"""Vietnamese working-day calendar: weekends, public holidays (incl. Tết), make-up days.

A *working day* (ngày làm việc) is a Monday–Friday that is not a public holiday or an
official day off, plus any Saturday or Sunday declared a make-up working day (ngày làm bù).
Public holidays come from the ``holidays`` package (``holidays.country_holidays("VN")``),
which already lists Tết (29 or 30 Tết to mùng 5 as decided each year), Hùng Kings' day,
30/4, 1/5, 2/9 and the official *substituted* days off (e.g. "Day off (substituted from
05/04/2024)": Monday 29/4/2024 off, Saturday 4/5/2024 worked instead). The substituted-from
dates are read back from the package and become make-up working days. Further make-up days
and days off (e.g. a provincial decision) are configurable.

Counting rules (used by both aggregation engines):

* ``working_days_between(a, b)`` = number of working days ``d`` with ``a < d <= b``
  (calendar dates, times of day ignored): a dossier received and resolved on the same day
  took 0 working days; received Friday, resolved the next Monday took 1.
* ``add_working_days(a, n)`` = the ``n``-th working day after ``a`` (``n = 0`` gives ``a``),
  so ``working_days_between(a, add_working_days(a, n)) == n``. This is how a due date is
  derived from the statutory processing time when an export has no ``due_at``.
* Both are lookups in one table (:meth:`WorkCalendar.table`: ``date``, ``is_working``,
  ``work_index`` = working days from the table start up to and including ``date``), which is
  joined in SQL by the DuckDB engine, so pandas and DuckDB agree by construction.

Examples
--------
>>> from datetime import date
>>> from cchc_research.dossiers.workdays import working_days_between, add_working_days
>>> working_days_between(date(2024, 2, 7), date(2024, 2, 15))   # Tết 8-14/2/2024 off
1
>>> add_working_days(date(2024, 2, 7), 1)
datetime.date(2024, 2, 15)
>>> working_days_between(date(2024, 4, 26), date(2024, 5, 6))   # 29/4 off, Sat 4/5 worked
4
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable

import holidays as _holidays
import numpy as np
import pandas as pd

from cchc_research.errors import DataError

__all__ = [
    "WorkCalendar",
    "DEFAULT_CALENDAR",
    "CALENDAR_START",
    "CALENDAR_END",
    "is_working_day",
    "working_days_between",
    "add_working_days",
    "calendar_table",
]

#: First and last day covered by the calendar table.
CALENDAR_START = date(1990, 1, 1)
CALENDAR_END = date(2050, 12, 31)

_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError) as exc:
        raise DataError(value, "not a date") from exc


@dataclass(frozen=True)
class WorkCalendar:
    """A working-day calendar for Vietnamese public administration.

    Parameters
    ----------
    makeup_days : iterable of date
        Extra working days (ngày làm bù), typically Saturdays, in addition to those the
        ``holidays`` package records as the source of a substituted day off.
    extra_days_off : iterable of date
        Extra non-working days (e.g. a local decision), in addition to public holidays.
    package_substitutions : bool
        Turn the "substituted from" dates of the ``holidays`` package into make-up working
        days (default True).
    weekend : tuple of int
        Weekday numbers (Monday = 0) that are not working days; default Saturday, Sunday.

    Examples
    --------
    >>> from datetime import date
    >>> cal = WorkCalendar(extra_days_off=(date(2024, 2, 15),))
    >>> cal.is_working_day(date(2024, 2, 15)), DEFAULT_CALENDAR.is_working_day(date(2024, 2, 15))
    (False, True)
    >>> DEFAULT_CALENDAR.is_working_day(date(2024, 5, 4))   # Saturday make-up day
    True
    """

    makeup_days: tuple[date, ...] = ()
    extra_days_off: tuple[date, ...] = ()
    package_substitutions: bool = True
    weekend: tuple[int, ...] = (5, 6)

    def __post_init__(self) -> None:
        object.__setattr__(self, "makeup_days", tuple(sorted(_as_date(d) for d in self.makeup_days)))
        object.__setattr__(
            self, "extra_days_off", tuple(sorted(_as_date(d) for d in self.extra_days_off))
        )
        object.__setattr__(self, "weekend", tuple(sorted(int(w) for w in self.weekend)))
        overlap = set(self.makeup_days) & set(self.extra_days_off)
        if overlap:
            raise DataError(sorted(overlap), "a date cannot be both a make-up day and a day off")

    def holidays(self, years: Iterable[int]) -> dict[date, str]:
        """Public holidays and official days off from the ``holidays`` package.

        Parameters
        ----------
        years : iterable of int

        Returns
        -------
        dict
            Date → English holiday name.

        Examples
        --------
        >>> h = DEFAULT_CALENDAR.holidays([2024])
        >>> sorted(d.day for d in h if d.month == 2)
        [8, 9, 10, 11, 12, 13, 14]
        """
        return dict(_package_holidays(tuple(sorted(set(int(y) for y in years)))))

    def special_days(self, years: Iterable[int]) -> tuple[set[date], set[date]]:
        """(days off, make-up working days) in effect for ``years``."""
        years = tuple(sorted(set(int(y) for y in years)))
        hol = _package_holidays(years)
        off = set(hol) | set(self.extra_days_off)
        makeup = set(self.makeup_days)
        if self.package_substitutions:
            for name in hol.values():
                m = _SUBSTITUTED.search(name)
                if m:
                    month, day, year = (int(g) for g in m.groups())
                    makeup.add(date(year, month, day))
        off -= makeup
        return off, makeup

    def is_working_day(self, day: object) -> bool:
        """Whether ``day`` is a working day under this calendar."""
        d = _as_date(day)
        off, makeup = self.special_days([d.year])
        if d in makeup:
            return True
        return d.weekday() not in self.weekend and d not in off

    def table(self) -> pd.DataFrame:
        """The calendar table from :data:`CALENDAR_START` to :data:`CALENDAR_END`.

        Returns
        -------
        DataFrame
            ``date`` (datetime64[ns], midnight), ``is_working`` (bool), ``work_index``
            (int64: working days from the table start up to and including ``date``).

        Examples
        --------
        >>> t = DEFAULT_CALENDAR.table()
        >>> list(t.columns)
        ['date', 'is_working', 'work_index']
        >>> bool(t["work_index"].is_monotonic_increasing)
        True
        """
        return _table(self).copy()

    def work_index(self, dates: pd.Series) -> np.ndarray:
        """``work_index`` of each date (times ignored); NaN for missing or out-of-range dates."""
        tab = _table(self)
        days = pd.to_datetime(pd.Series(dates)).dt.normalize()
        pos = ((days - pd.Timestamp(CALENDAR_START)) // pd.Timedelta(days=1)).to_numpy(
            dtype="float64", na_value=np.nan
        )
        valid = ~np.isnan(pos) & (pos >= 0) & (pos < len(tab))
        out = np.full(len(pos), np.nan)
        out[valid] = tab["work_index"].to_numpy()[pos[valid].astype(np.int64)]
        return out

    def working_date(self, index: np.ndarray) -> pd.Series:
        """The working day whose ``work_index`` is ``index`` (NaT where out of range)."""
        dates = _working_dates(self)
        idx = np.asarray(index, dtype="float64")
        valid = ~np.isnan(idx) & (idx >= 1) & (idx <= len(dates))
        out = np.full(len(idx), np.datetime64("NaT"), dtype="datetime64[ns]")
        out[valid] = dates[idx[valid].astype(np.int64) - 1]
        return pd.Series(out, dtype="datetime64[ns]")


@lru_cache(maxsize=8)
def _package_holidays(years: tuple[int, ...]) -> dict[date, str]:
    return dict(_holidays.country_holidays("VN", years=years, language="en_US"))


@lru_cache(maxsize=8)
def _table(cal: WorkCalendar) -> pd.DataFrame:
    days = pd.date_range(CALENDAR_START, CALENDAR_END, freq="D", unit="ns")
    off, makeup = cal.special_days(range(CALENDAR_START.year, CALENDAR_END.year + 1))
    weekday = days.day_of_week.to_numpy()
    working = ~np.isin(weekday, cal.weekend)
    day_values = days.to_numpy().astype("datetime64[D]")
    off_mask = np.isin(day_values, np.array(sorted(off), dtype="datetime64[D]"))
    makeup_mask = np.isin(day_values, np.array(sorted(makeup), dtype="datetime64[D]"))
    working = (working & ~off_mask) | makeup_mask
    return pd.DataFrame(
        {
            "date": pd.Series(days, dtype="datetime64[ns]"),
            "is_working": working,
            "work_index": np.cumsum(working).astype("int64"),
        }
    )


@lru_cache(maxsize=8)
def _working_dates(cal: WorkCalendar) -> np.ndarray:
    tab = _table(cal)
    return tab.loc[tab["is_working"], "date"].to_numpy(dtype="datetime64[ns]")


#: The default calendar: ``holidays`` package days off and its substitutions, nothing else.
DEFAULT_CALENDAR = WorkCalendar()


def _check_range(d: date) -> None:
    if not CALENDAR_START <= d <= CALENDAR_END:
        raise DataError(d, f"outside the working-day calendar {CALENDAR_START}..{CALENDAR_END}")


def is_working_day(day: object, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``day`` is a working day.

    Parameters
    ----------
    day : date-like
    calendar : WorkCalendar, optional
        Default :data:`DEFAULT_CALENDAR`.

    Returns
    -------
    bool

    Examples
    --------
    >>> from datetime import date
    >>> is_working_day(date(2024, 2, 14)), is_working_day(date(2024, 2, 15))
    (False, True)
    """
    return (calendar or DEFAULT_CALENDAR).is_working_day(day)


def working_days_between(start: object, end: object, calendar: WorkCalendar | None = None) -> int:
    """Working days ``d`` with ``start < d <= end`` (calendar dates; negative if end < start).

    Parameters
    ----------
    start, end : date-like
        Times of day are ignored.
    calendar : WorkCalendar, optional

    Returns
    -------
    int

    Raises
    ------
    DataError
        A date outside :data:`CALENDAR_START` .. :data:`CALENDAR_END` or not a date.

    Examples
    --------
    >>> working_days_between("2024-02-09 16:00", "2024-02-09 17:00")
    0
    >>> working_days_between("2024-03-01", "2024-03-04")   # Friday -> Monday
    1
    """
    cal = calendar or DEFAULT_CALENDAR
    a, b = _as_date(start), _as_date(end)
    _check_range(a)
    _check_range(b)
    idx = cal.work_index(pd.Series([pd.Timestamp(a), pd.Timestamp(b)]))
    return int(idx[1] - idx[0])


def add_working_days(start: object, n: int, calendar: WorkCalendar | None = None) -> date:
    """The ``n``-th working day after ``start`` (``n = 0`` returns the date of ``start``).

    Used to derive a due date (ngày hẹn trả) from the statutory processing time in working
    days when an export has no due date.

    Parameters
    ----------
    start : date-like
    n : int
        Non-negative number of working days.
    calendar : WorkCalendar, optional

    Returns
    -------
    datetime.date

    Raises
    ------
    DataError
        ``n`` negative, or the result falls outside the calendar.

    Examples
    --------
    >>> add_working_days("2024-02-08", 3)   # Tết: 8-14/2 off
    datetime.date(2024, 2, 19)
    >>> add_working_days("2024-05-03", 1)   # Saturday 4/5/2024 is a make-up working day
    datetime.date(2024, 5, 4)
    """
    cal = calendar or DEFAULT_CALENDAR
    if int(n) < 0:
        raise DataError(n, "number of working days must be >= 0")
    a = _as_date(start)
    _check_range(a)
    if int(n) == 0:
        return a
    base = cal.work_index(pd.Series([pd.Timestamp(a)]))
    out = cal.working_date(base + int(n))
    if pd.isna(out.iloc[0]):
        raise DataError(n, f"{n} working days after {a} is outside the calendar")
    return out.iloc[0].date()


def calendar_table(calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """The calendar as a table (``date``, ``is_working``, ``work_index``) for SQL joins.

    Examples
    --------
    >>> t = calendar_table()
    >>> t.loc[t["date"] == "2024-02-14", "is_working"].item()
    False
    """
    return (calendar or DEFAULT_CALENDAR).table()
