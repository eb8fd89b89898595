"""The one date parser of dossier exports (day first or ISO), defined once as DuckDB macros.

Both readers (:func:`~cchc_research.dossiers.io.read_export` and
:func:`~cchc_research.dossiers.validate_sql.validate_to_parquet`), :func:`parse_dates` and
the ``as_of`` argument of :func:`~cchc_research.dossiers.aggregate.aggregate` (and the CLI's
``--as-of``) all run the same SQL, so a date cannot be read two ways.

Accepted (after trimming; blank means missing):

* day first, as written in Vietnam: ``15/03/2024``, ``5/3/2024``, ``15-03-2024``,
  ``15.03.2024``, each optionally followed by ``HH:MM[:SS[.ffffff]]``; or the time first
  (``08:30 15/03/2024``). The two separators must be the same.
* ISO, year first: ``2024-03-15``, ``2024-03-15T08:30:00``, ``2024/03/15 08:30``.
* a bare number: an Excel date serial (days since 1899-12-30, the 1900 date system; the
  fraction is the time of day, rounded to the second). This is how Excel stores a date
  cell that lost its date format, and how such a cell is written to CSV.

Refused, with a per-value reason: ``two-digit year`` (``15/03/24``: the century is a guess),
``unparseable date`` (anything else, including impossible dates such as 30/02/2024 and
month-first dates with a day above 12), and ``date outside plausible window`` (before
:attr:`DateWindow.start`, default 1990-01-01, or after :attr:`DateWindow.end`, default one
year after today; this catches 0001-01-01 placeholders and serials of non-dates).

Examples
--------
>>> parse_date("03/04/2024")          # day first: 3 April
Timestamp('2024-04-03 00:00:00')
>>> parse_date("2024-04-03 08:30")
Timestamp('2024-04-03 08:30:00')
>>> parse_date(45385.5)               # Excel serial
Timestamp('2024-04-03 12:00:00')
>>> parse_date("2024-02-30")
Traceback (most recent call last):
...
cchc_research.errors.ParseError: column 'date': value '2024-02-30': unparseable date (write dates day first, 15/03/2024, or ISO, 2024-03-15)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

from cchc_research.errors import InvalidArgumentError, ParseError

__all__ = [
    "DateWindow", "DEFAULT_WINDOW", "ARGUMENT_WINDOW", "DATE_REASONS", "register_date_macros", "parse_date",
    "parse_dates", "to_text",
]

#: Reasons a date value is refused.
DATE_REASONS: tuple[str, ...] = ("unparseable date", "two-digit year", "date outside plausible window")

_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
_DMY = r"^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d+)" + _TIME + "$"
_TDMY = r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(\d{1,2})([/.-])(\d{1,2})([/.-])(\d+)$"
_YMD = r"^(\d{4})([/.-])(\d{1,2})([/.-])(\d{1,2})" + _TIME + "$"
_SERIAL = r"^\d{1,7}(\.\d+)?$"


@dataclass(frozen=True)
class DateWindow:
    """The plausible range of dossier dates (inclusive calendar days).

    Parameters
    ----------
    start : date
        Earliest plausible day (default 1990-01-01, before any one-stop-shop system).
    end : date, optional
        Latest plausible day; default one year (366 days) after today.
    """

    start: date = date(1990, 1, 1)
    end: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or not (self.end is None or isinstance(self.end, date)):
            raise InvalidArgumentError(f"DateWindow needs dates, got start={self.start!r}, end={self.end!r}")
        if self.end is not None and self.end < self.start:
            raise InvalidArgumentError(f"DateWindow end {self.end} is before start {self.start}")

    def bounds(self) -> tuple[date, date]:
        """``(start, end)`` with the default end resolved."""
        end = self.end if self.end is not None else date.today() + timedelta(days=366)
        return self.start, end


DEFAULT_WINDOW = DateWindow()
#: Window for arguments such as ``as_of`` (any day pandas can hold at nanosecond resolution).
ARGUMENT_WINDOW = DateWindow(date(1678, 1, 1), date(2262, 4, 11))


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def register_date_macros(con: duckdb.DuckDBPyConnection, window: DateWindow | None = None) -> None:
    """Create the macros of the date parser in ``con``.

    ``t`` is the trimmed, non-blank text (NULL when blank); ``p = cchc_date_parts(t)`` is the
    canonical ``Y|M|D|h|mi|s|f|sep1|sep2`` string (NULL when no pattern matches);
    ``day = cchc_date_day(p)`` the calendar day when the parts make a real date;
    ``cchc_date_ts(p, day)`` the TIMESTAMP when the value is accepted and
    ``cchc_date_reason(t, p, day)`` the refusal reason (NULL when accepted or blank). Compute
    ``p`` and ``day`` in separate query stages (as columns) so each is evaluated once.
    """
    lo, hi = (window or DEFAULT_WINDOW).bounds()
    serial = (
        "strftime(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(t AS DOUBLE) * 86400) "
        "AS BIGINT) * 1000000), '%Y|%m|%d|%H|%M|%S||-|-')"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO cchc_date_parts(t) AS CASE "
        f"WHEN regexp_full_match(t, {_lit(_DMY)}) THEN regexp_replace(t, {_lit(_DMY)}, "
        r"'\5|\3|\1|\6|\7|\8|\9|\2|\4') "
        f"WHEN regexp_full_match(t, {_lit(_TDMY)}) THEN regexp_replace(t, {_lit(_TDMY)}, "
        r"'\8|\6|\4|\1|\2|\3||\5|\7') "
        f"WHEN regexp_full_match(t, {_lit(_YMD)}) THEN regexp_replace(t, {_lit(_YMD)}, "
        r"'\1|\3|\5|\6|\7|\8|\9|\2|\4') "
        f"WHEN regexp_full_match(t, {_lit(_SERIAL)}) THEN {serial} END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO cchc_date_day(p) AS "
        "CASE WHEN length(split_part(p, '|', 1)) = 4 AND split_part(p, '|', 8) = split_part(p, '|', 9) "
        "AND coalesce(TRY_CAST(nullif(split_part(p, '|', 4), '') AS INTEGER), 0) < 24 "
        "AND coalesce(TRY_CAST(nullif(split_part(p, '|', 5), '') AS INTEGER), 0) < 60 "
        "AND coalesce(TRY_CAST(nullif(split_part(p, '|', 6), '') AS INTEGER), 0) < 60 "
        "THEN try_strptime(split_part(p, '|', 1) || '-' || split_part(p, '|', 2) || '-' "
        "|| split_part(p, '|', 3), '%Y-%m-%d') END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO cchc_date_any(p, day) AS CAST(day AS TIMESTAMP) + "
        "to_microseconds(((coalesce(TRY_CAST(nullif(split_part(p, '|', 4), '') AS BIGINT), 0) * 60 "
        "+ coalesce(TRY_CAST(nullif(split_part(p, '|', 5), '') AS BIGINT), 0)) * 60 "
        "+ coalesce(TRY_CAST(nullif(split_part(p, '|', 6), '') AS BIGINT), 0)) * 1000000 "
        "+ CAST(rpad(left(split_part(p, '|', 7), 6), 6, '0') AS BIGINT))"
    )
    in_window = (
        f"day >= DATE {_lit(lo.isoformat())} AND day <= DATE {_lit(hi.isoformat())}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO cchc_date_ts(p, day) AS CASE WHEN {in_window} THEN cchc_date_any(p, day) END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO cchc_date_reason(t, p, day) AS CASE WHEN t IS NULL THEN NULL "
        "WHEN p IS NULL THEN 'unparseable date' "
        "WHEN length(split_part(p, '|', 1)) = 2 THEN 'two-digit year' "
        "WHEN day IS NULL THEN 'unparseable date' "
        f"WHEN NOT ({in_window}) THEN 'date outside plausible window' END"
    )


def to_text(value: object) -> str | None:
    """The text form of a cell value as the date parser (and the export rules) read it.

    ``None``/NaN/NaT → None; datetimes → ISO ``YYYY-MM-DD HH:MM:SS[.ffffff]``; dates →
    ``YYYY-MM-DD``; whole floats → integer text (``760.0`` → ``"760"``); booleans →
    ``"true"``/``"false"``; anything else → ``str(value)``.

    Examples
    --------
    >>> to_text(760.0), to_text(45385.5), to_text(True), to_text(pd.Timestamp("2024-03-15 08:30"))
    ('760', '45385.5', 'true', '2024-03-15 08:30:00')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        if np.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def _run(texts: list[str | None], window: DateWindow | None) -> pd.DataFrame:
    con = duckdb.connect(":memory:")
    try:
        register_date_macros(con, window)
        con.register("dates_input", pd.DataFrame({"i": np.arange(len(texts)), "t": pd.Series(texts, dtype=object)}))
        return con.execute(
            "SELECT i, cchc_date_ts(p, day) AS ts, cchc_date_reason(t, p, day) AS reason FROM ("
            "SELECT *, cchc_date_day(p) AS day FROM ("
            "SELECT i, t, cchc_date_parts(t) AS p FROM (SELECT i, nullif(trim(CAST(t AS VARCHAR)), '') AS t "
            "FROM dates_input))) ORDER BY i"
        ).df()
    finally:
        con.close()


def parse_date(value: object, what: str = "date", window: DateWindow | None = None) -> pd.Timestamp:
    """Parse one date with the export rules (day first or ISO, Excel serial).

    Parameters
    ----------
    value : str, number, date, datetime or Timestamp
    what : str
        Name used in the error (e.g. ``"as_of"``).
    window : DateWindow, optional
        Plausible range (default :data:`DEFAULT_WINDOW`).

    Returns
    -------
    Timestamp
        Naive, with the time of day when given.

    Raises
    ------
    ParseError
        Blank, unparseable, two-digit year, impossible or implausible date.
    """
    if isinstance(value, pd.Timestamp) and value.tz is not None:
        value = value.tz_localize(None)
    out = _run([to_text(value)], window)
    reason = out["reason"].iloc[0]
    if pd.isna(out["ts"].iloc[0]):
        reason = "blank date" if pd.isna(reason) else reason
        raise ParseError(value, f"{reason} (write dates day first, 15/03/2024, or ISO, 2024-03-15)", column=what)
    return pd.Timestamp(out["ts"].iloc[0])


def parse_dates(series: pd.Series, window: DateWindow | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a Series of dates with the export rules.

    Parameters
    ----------
    series : Series
        Strings such as ``"15/03/2024"``, ``"15/03/2024 08:30"``, ISO dates, Excel serials,
        or datetimes.
    window : DateWindow, optional

    Returns
    -------
    parsed : Series of datetime64[ns]
        NaT where blank or refused.
    bad : Series of bool
        True where the value is present but refused.

    Examples
    --------
    >>> parsed, bad = parse_dates(pd.Series(["15/03/2024 08:30", "2024-03-16", "", "31/02/2024", "15/03/24"]))
    >>> [str(x) for x in parsed]
    ['2024-03-15 08:30:00', '2024-03-16 00:00:00', 'NaT', 'NaT', 'NaT']
    >>> bad.tolist()
    [False, False, False, True, True]
    """
    series = pd.Series(series)
    out = _run([to_text(v) for v in series.tolist()], window)
    parsed = pd.Series(out["ts"].to_numpy(), index=series.index).astype("datetime64[ns]")
    bad = pd.Series(out["reason"].notna().to_numpy(), index=series.index)
    return parsed, bad
