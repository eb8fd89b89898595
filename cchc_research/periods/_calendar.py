"""Calendar periods (private module of :mod:`cchc_research.periods`, which re-exports its public API).

Holds :class:`Period` (closed date intervals with a frequency and canonical, Vietnamese and
English labels), :func:`parse_period`, :func:`reporting_window` and :func:`ytd_to_flows`; the
package docstring describes them and their conventions once.

Examples
--------
See :mod:`cchc_research.periods` (the package re-exports this module's API and runs the
examples of :func:`parse_period` and :func:`reporting_window` there).
"""

from __future__ import annotations

import calendar
import numbers
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import total_ordering
from typing import Any

from cchc_research.errors import DataError, PeriodArgumentError, PeriodError
from cchc_research.text import match_text

__all__ = ["FREQUENCIES", "MONTHS_PER_PERIOD", "Period", "parse_period", "reporting_window", "as_date",
           "add_months", "last_day", "period_from_range"]

#: Allowed values of :attr:`Period.freq`.
FREQUENCIES: tuple[str, ...] = ("month", "quarter", "half", "year", "range")
MIN_YEAR, MAX_YEAR = 1900, 2100
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}
_ROMAN_OUT = {v: k.upper() for k, v in _ROMAN.items()}
_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]
#: Months in one period of each calendar frequency.
MONTHS_PER_PERIOD: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def last_day(year: int, month: int) -> date:
    """The last day of ``month`` (1-12) in ``year``, e.g. ``last_day(2024, 2)`` is 29 February."""
    return date(year, month, calendar.monthrange(year, month)[1])


#: Sub-year frequencies of :class:`Period`: months per period, the name of the number in a type
#: error, the prefix of the raw value in a range error (``Q1/2024``), the name in its message.
_SUB_YEAR = {
    "month": (1, "month number", "", "month"),
    "quarter": (3, "quarter number", "Q", "quarter"),
    "half": (6, "half-year number", "H", "half-year"),
}


def _check_int(value: Any, what: str, raw: Any) -> None:
    """Refuse a year or sub-index that is not an integer (floats, text, booleans, None)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise PeriodArgumentError(raw, f"{what} must be an integer, got {type(value).__name__} {value!r}")


def _check_year(year: int, raw: Any) -> int:
    _check_int(year, "year", raw)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(raw, f"year {year} outside {MIN_YEAR}-{MAX_YEAR}")
    return year


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    """``(year, month)`` moved by ``k`` months (negative ``k`` goes back), e.g. (2024, 1) - 1 = (2023, 12)."""
    total = year * 12 + (month - 1) + k
    return total // 12, total % 12 + 1


def as_date(value: Any) -> date:
    """A :class:`datetime.date` from a date, datetime, pandas Timestamp or ISO ``YYYY-MM-DD`` string.

    Raises
    ------
    PeriodError
        A string that is not an ISO date, or a year outside 1900-2100 (``0024-01-01`` is a
        two-digit year gone wrong, as in :func:`parse_period`).
    PeriodArgumentError
        A missing value (``None``, ``NaT``, NaN) or any other type.
    """
    if value is None or value != value:  # None, NaT, NaN (NaT is a datetime subclass)
        raise PeriodArgumentError(value, "missing date")
    if isinstance(value, datetime):
        out = value.date()
    elif isinstance(value, date):
        out = value
    elif hasattr(value, "to_pydatetime"):  # pandas Timestamp
        out = value.to_pydatetime().date()
    elif isinstance(value, str):
        try:
            out = date.fromisoformat(value.strip())
        except ValueError:
            raise PeriodError(value, "not an ISO date (YYYY-MM-DD)") from None
    else:
        raise PeriodArgumentError(value, f"expected a date, got {type(value).__name__}")
    if not MIN_YEAR <= out.year <= MAX_YEAR:
        raise PeriodError(value, f"year {out.year} outside {MIN_YEAR}-{MAX_YEAR}: is it a two-digit year "
                                 "(24 for 2024)? write the full year")
    return out


@total_ordering
@dataclass(frozen=True)
class Period:
    """A closed date interval with a frequency.

    Build one with :meth:`month`, :meth:`quarter`, :meth:`half`, :meth:`year`,
    :meth:`range`, :meth:`of` or :func:`parse_period`; the constructor checks that
    ``start``/``end`` match ``freq``. Periods order by ``(start, end)``; equality and
    hashing use ``freq``, ``start`` and ``end`` only (``reporting_cutoff_day`` and
    ``nominal`` are descriptive).

    Attributes
    ----------
    freq : {"month", "quarter", "half", "year", "range"}
    start, end : datetime.date
        First and last day, both inclusive.
    reporting_cutoff_day : int or None
        Day of the month the reporting window closes on (14 for 15/12-14/3 windows).
    nominal : str or None
        Canonical label of the calendar period a reporting window stands for.

    Examples
    --------
    >>> Period.quarter(2024, 1) < Period.month(2024, 4)
    True
    >>> Period.half(2019, 2).label_vi
    '6 tháng cuối năm 2019'
    >>> [m.label for m in Period.quarter(2024, 1).months()]
    ['2024-01', '2024-02', '2024-03']
    >>> Period.month(2024, 3).contains("2024-03-31")
    True
    """

    freq: str
    start: date
    end: date
    reporting_cutoff_day: int | None = field(default=None, compare=False)
    nominal: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.freq not in FREQUENCIES:
            raise PeriodError(self.freq, f"unknown frequency; expected one of {FREQUENCIES}")
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise PeriodError((self.start, self.end), "start and end must be dates")
        for d in (self.start, self.end):
            _check_year(d.year, d)
        if self.end < self.start:
            raise PeriodError(f"{self.start}..{self.end}", "the period ends before it starts")
        if self.freq != "range":
            span = MONTHS_PER_PERIOD[self.freq]
            ok = (self.start.day == 1 and (self.start.month - 1) % span == 0
                  and self.end == last_day(*add_months(self.start.year, self.start.month,
                                                         span - 1)))
            if not ok:
                raise PeriodError(f"{self.start}..{self.end}",
                                  f"dates do not delimit one calendar {self.freq}")
        cut = self.reporting_cutoff_day
        if cut is not None and not (isinstance(cut, int) and 1 <= cut <= 27):
            raise PeriodError(cut, "reporting_cutoff_day must be an integer from 1 to 27")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def _numbered(cls, freq: str, year: int, number: int) -> Period:
        """Period ``number`` (1-based) of the sub-year ``freq`` in ``year``, from :data:`_SUB_YEAR`."""
        months, what, prefix, name = _SUB_YEAR[freq]
        _check_int(number, what, number)
        count = 12 // months
        if not 1 <= number <= count:
            raise PeriodError(f"{prefix}{number}/{year}", f"{name} {number} does not exist (1-{count})")
        _check_year(year, year)
        return cls(freq, date(year, months * (number - 1) + 1, 1), last_day(year, months * number))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``month`` (1-12) of ``year``."""
        return cls._numbered("month", year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Quarter ``quarter`` (1-4) of ``year``."""
        return cls._numbered("quarter", year, quarter)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        """Half-year ``half`` (1 = January-June, 2 = July-December) of ``year``."""
        return cls._numbered("half", year, half)

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year."""
        _check_year(year, year)
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def range(cls, start: Any, end: Any, *, reporting_cutoff_day: int | None = None,
              nominal: str | None = None) -> Period:
        """An arbitrary closed range of dates (ISO strings, dates or Timestamps)."""
        return cls("range", as_date(start), as_date(end), reporting_cutoff_day, nominal)

    @classmethod
    def of(cls, freq: str, year: int, index: int | None = None) -> Period:
        """``Period.of("quarter", 2024, 1)``; ``index`` is omitted for years."""
        if index is not None:
            _check_int(index, "index", index)
        if freq == "year":
            if index not in (None, 1):
                raise PeriodError(index, "a year has no sub-index")
            return cls.year(year)
        if freq not in ("month", "quarter", "half") or index is None:
            raise PeriodError(freq, "freq must be month, quarter, half or year (with an index)")
        return getattr(cls, freq)(year, index)

    # ------------------------------------------------------------------ properties
    @property
    def index(self) -> int | None:
        """Month (1-12), quarter (1-4) or half (1-2) number; ``None`` for years and ranges."""
        if self.freq in ("month", "quarter", "half"):
            return (self.start.month - 1) // MONTHS_PER_PERIOD[self.freq] + 1
        return None

    @property
    def label(self) -> str:
        """Canonical label: ``2024``, ``2024-Q1``, ``2024-H1``, ``2024-03`` or ``a..b``."""
        y = self.start.year
        return {"year": f"{y}", "quarter": f"{y}-Q{self.index}", "half": f"{y}-H{self.index}",
                "month": f"{y}-{self.start.month:02d}",
                "range": f"{self.start.isoformat()}..{self.end.isoformat()}"}[self.freq]

    def _ytd_months(self) -> int | None:
        """n when the period is a year-to-date range "n tháng đầu năm" (n not 1, 3, 6, 12)."""
        if (self.freq == "range" and self.start == date(self.start.year, 1, 1)
                and self.end.year == self.start.year
                and self.end == last_day(self.end.year, self.end.month)
                and self.end.month not in (1, 3, 6, 12)):
            return self.end.month
        return None

    @property
    def label_vi(self) -> str:
        """Vietnamese label, e.g. ``quý I/2024``, ``6 tháng đầu năm 2019``, ``tháng 3/2024``."""
        y, i = self.start.year, self.index
        if self.freq == "year":
            return f"năm {y}"
        if self.freq == "quarter":
            return f"quý {_ROMAN_OUT[i]}/{y}"  # type: ignore[index]
        if self.freq == "half":
            return f"6 tháng {'đầu' if i == 1 else 'cuối'} năm {y}"
        if self.freq == "month":
            return f"tháng {i}/{y}"
        n = self._ytd_months()
        if n is not None:
            return f"{n} tháng đầu năm {y}"
        s, e = self.start, self.end
        return f"từ {s.day}/{s.month}/{s.year} đến {e.day}/{e.month}/{e.year}"

    @property
    def label_en(self) -> str:
        """English label, e.g. ``Q1 2024``, ``H2 2019``, ``March 2024``, ``2024``."""
        y, i = self.start.year, self.index
        return {"year": f"{y}", "quarter": f"Q{i} {y}", "half": f"H{i} {y}",
                "month": f"{_MONTHS_EN[self.start.month - 1].capitalize()} {y}",
                "range": f"{self.start.isoformat()} to {self.end.isoformat()}"}[self.freq]

    @property
    def number(self) -> int | None:
        """The period's integer number (see :func:`cchc_research.periods.period_number`).

        ``12 * year + month - 1`` for months, ``4 * year + quarter - 1``, ``2 * year + half - 1``,
        ``year``; ``None`` for ranges.
        """
        if self.freq == "range":
            return None
        return (self.start.year * 12 + self.start.month - 1) // MONTHS_PER_PERIOD[self.freq]

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    # ------------------------------------------------------------------ methods
    def contains(self, when: Any) -> bool:
        """Whether a date (or ISO string / Timestamp) falls inside the period."""
        return self.start <= as_date(when) <= self.end

    def months(self) -> list[Period]:
        """The calendar months the period overlaps, in order."""
        out, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            out.append(Period.month(y, m))
            y, m = add_months(y, m, 1)
        return out

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative) at the same frequency."""
        if self.freq == "range":
            raise PeriodError(self.label, "a date range has no natural step to shift by")
        y, m = add_months(self.start.year, self.start.month, n * MONTHS_PER_PERIOD[self.freq])
        return Period.of(self.freq, y, None if self.freq == "year" else
                         (m - 1) // MONTHS_PER_PERIOD[self.freq] + 1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start, self.end, FREQUENCIES.index(self.freq)) < (
            other.start, other.end, FREQUENCIES.index(other.freq))

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------------- parsing
_YEAR = r"([0-9]+)"
_SEP = r"(?:\s*(?:/|-|–|năm)\s*|\s+)"
_DATE = r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"([0-9]+)"), "year"),
    (re.compile(r"(?:năm|cả năm|year)\s*" + _YEAR), "year"),
    (re.compile(r"([0-9]+)-q([0-9]+)"), "quarter"),
    (re.compile(r"([0-9]+)-h([0-9]+)"), "half"),
    (re.compile(r"([0-9]{4})-([0-9]+)"), "month"),
    (re.compile(r"(?:quý|q)\s*([ivx]+|[0-9]+)" + _SEP + _YEAR), "quarter"),
    (re.compile(r"h([0-9]+)" + _SEP + _YEAR), "half"),
    (re.compile(r"tháng\s*([ivx]+|[0-9]+)" + _SEP + _YEAR), "month"),
    (re.compile(r"([0-9]+) tháng (đầu|cuối)(?: năm)?\s*" + _YEAR), "ytd"),
    (re.compile(r"([0-9]+) tháng(?: năm)?\s*" + _YEAR), "ytd"),
    (re.compile(r"(" + "|".join(m[:3] + r"[a-z]*" for m in _MONTHS_EN) + r")\s+" + _YEAR),
     "en_month"),
    (re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\s*(?:\.\.|to)\s*([0-9]{4}-[0-9]{2}-[0-9]{2})"),
     "iso_range"),
    (re.compile(r"(?:từ\s*)?(?:ngày\s*)?" + _DATE + r"\s*(?:đến|-|–|tới)\s*(?:ngày\s*)?" + _DATE),
     "vi_range"),
]


def _int(text: str, raw: Any, what: str) -> int:
    text = text.strip()
    if text in _ROMAN:
        return _ROMAN[text]
    if not text.isdigit():
        raise PeriodError(raw, f"cannot read {what} {text!r}")
    return int(text)


def _year(text: str, raw: Any) -> int:
    if len(text) != 4:
        raise PeriodError(raw, f"year {text!r} must have 4 digits")
    return _check_year(int(text), raw)


def _vi_date(d: str, m: str, y: str, raw: Any) -> date:
    try:
        return date(_year(y, raw), int(m), int(d))
    except ValueError:
        raise PeriodError(raw, f"{d}/{m}/{y} is not a valid date") from None


def _build(kind: str, groups: tuple[str, ...], raw: Any) -> Period:
    if kind == "year":
        return Period.year(_year(groups[0], raw))
    if kind in ("quarter", "half", "month"):
        a, b = groups
        if re.fullmatch(r"\d{4}", a) and not re.fullmatch(r"\d{4}", b):  # canonical YYYY-x
            a, b = b, a
        return Period.of(kind, _year(b, raw), _int(a, raw, kind))
    if kind == "ytd":
        n = _int(groups[0], raw, "number of months")
        where = groups[1] if len(groups) == 3 else "đầu"
        year = _year(groups[-1], raw)
        if not 1 <= n <= 12:
            raise PeriodError(raw, f"{n} months is not a part of a year (1-12)")
        first = 1 if where == "đầu" else 13 - n
        start, end = date(year, first, 1), last_day(year, first + n - 1)
        freq = {1: "month", 3: "quarter", 6: "half", 12: "year"}.get(n)
        if freq and (first - 1) % MONTHS_PER_PERIOD[freq] == 0:
            return Period(freq, start, end)
        return Period.range(start, end)
    if kind == "en_month":
        name = next((i for i, m in enumerate(_MONTHS_EN) if m.startswith(groups[0])
                     and len(groups[0]) >= 3), None)
        if name is None or groups[0] not in (_MONTHS_EN[name], _MONTHS_EN[name][:3]):
            raise PeriodError(raw, f"unknown month name {groups[0]!r}")
        return Period.month(_year(groups[1], raw), name + 1)
    if kind == "iso_range":
        return period_from_range(as_date(groups[0]), as_date(groups[1]), raw)
    return period_from_range(_vi_date(*groups[:3], raw), _vi_date(*groups[3:], raw), raw)


def period_from_range(start: date, end: date, raw: Any = None) -> Period:
    """A ``"range"`` Period over ``[start, end]``, recognised as a reporting window when it is one.

    A range from day ``d + 1`` of a month to day ``d`` of a later month gets
    ``reporting_cutoff_day = d`` (and ``nominal`` when it stands for a calendar period).

    Raises
    ------
    PeriodError
        ``end`` before ``start`` (``raw``, the text read, is reported as the value).
    """
    if end < start:
        raise PeriodError(raw, f"the range ends ({end}) before it starts ({start})")
    cut, nominal = _window_cutoff(start, end)
    return Period.range(start, end, reporting_cutoff_day=cut, nominal=nominal)


def _window_cutoff(start: date, end: date) -> tuple[int | None, str | None]:
    """Recognise a reporting window (d+1 of a month to d of a later month)."""
    d = end.day
    if not (1 <= d <= 27 and start.day == d + 1 and (start.year, start.month) < (end.year,
                                                                                 end.month)):
        return None, None
    y, m = add_months(start.year, start.month, 1)
    n = (end.year * 12 + end.month) - (y * 12 + m) + 1
    for freq, span in MONTHS_PER_PERIOD.items():
        if n == span and (m - 1) % span == 0:
            return d, Period.of(freq, y, None if freq == "year" else (m - 1) // span + 1).label
    return d, None


def parse_period(text: Any) -> Period:
    """Read a period label (canonical, Vietnamese or English).

    Parameters
    ----------
    text : str, int or Period
        ``"2024-Q1"``, ``"quý I/2024"``, ``"quý 1 năm 2024"``, ``"6 tháng đầu năm 2019"``,
        ``"9 tháng đầu năm 2023"`` (January-September), ``"năm 2023"``, ``"tháng 03 năm 2024"``,
        ``"từ 15/12/2023 đến 14/3/2024"``, ``"Q1 2024"``, ``"March 2024"``,
        ``"2024-01-01..2024-12-31"``. An ``int`` is a year; a Period is returned as is.
        Labels are read through :func:`cchc_research.text.match_text`, so decomposed (NFD)
        text, look-alike ``Ð``, upper case, no-break/zero-width spaces and dash variants
        (``–``, ``—``, ``−``) read like the clean label.

    Returns
    -------
    Period
        A range of the form (d+1)/m - d/m' gets ``reporting_cutoff_day = d`` (and
        ``nominal`` when it spans a calendar month, quarter, half or year).

    Raises
    ------
    PeriodError
        Unknown label, impossible quarter/month/half, a year outside 1900-2100 or not
        written with 4 digits, an invalid date, or a range that ends before it starts.

    Examples
    --------
    >>> parse_period("Quý IV/2023").label, parse_period("tháng 03 năm 2024").label
    ('2023-Q4', '2024-03')
    >>> parse_period("6 tháng đầu năm 2019") == Period.half(2019, 1)
    True
    >>> parse_period("quý V/2024")
    Traceback (most recent call last):
    ...
    cchc_research.errors.PeriodError: value 'quý V/2024': quarter 5 does not exist (1-4)
    """
    if isinstance(text, Period):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return Period.year(_check_year(text, text))
    if not isinstance(text, str):
        raise PeriodError(text, f"expected a period label, got {type(text).__name__}")
    try:
        norm = match_text(text).rstrip(".")
    except DataError as err:  # a lone surrogate: not text
        raise PeriodError(text, err.reason) from None
    if not norm:
        raise PeriodError(text, "empty period label")
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(norm)
        if match:
            try:
                return _build(kind, match.groups(), text)
            except PeriodError as err:
                if err.value == text:
                    raise
                raise PeriodError(text, err.reason) from None
    raise PeriodError(text, "not a recognised period label")


def reporting_window(year: int, freq: str, index: int | None = None, cutoff_day: int = 14
                     ) -> Period:
    """The reporting window that stands for a calendar period and closes on ``cutoff_day``.

    Parameters
    ----------
    year : int
    freq : {"month", "quarter", "half", "year"}
    index : int, optional
        Month, quarter or half number (omit for a year).
    cutoff_day : int, default 14
        The window runs from day ``cutoff_day + 1`` of the month before the nominal
        start to day ``cutoff_day`` of the nominal end month.

    Returns
    -------
    Period
        ``freq == "range"`` with ``reporting_cutoff_day`` and ``nominal`` set.

    Raises
    ------
    PeriodError
        Impossible nominal period or a cutoff day outside 1-27.
    PeriodArgumentError
        ``year`` or ``index`` not an integer (floats, text, booleans, None).

    Examples
    --------
    >>> w = reporting_window(2024, "quarter", 1)
    >>> w.label, w.nominal
    ('2023-12-15..2024-03-14', '2024-Q1')
    >>> reporting_window(2023, "year").label
    '2022-12-15..2023-12-14'
    """
    if isinstance(cutoff_day, bool) or not isinstance(cutoff_day, int) or not 1 <= cutoff_day <= 27:
        raise PeriodError(cutoff_day, "cutoff_day must be an integer from 1 to 27")
    nominal = Period.of(freq, year, index)
    py, pm = add_months(nominal.start.year, nominal.start.month, -1)
    start = date(py, pm, cutoff_day + 1)
    end = date(nominal.end.year, nominal.end.month, cutoff_day)
    return Period.range(start, end, reporting_cutoff_day=cutoff_day, nominal=nominal.label)


