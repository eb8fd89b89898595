"""Numbers, percentages, p-values, booleans, dates and missing values in the report's locale (Babel).

Vietnamese uses ``.`` to group thousands and ``,`` for decimals, and puts a space before the
percent sign (CLDR, as Babel gives it): ``1.827``, ``0,31 %``, ``97,6 %``; English ``1,827``,
``0.31%``. Negative numbers take the true minus sign ``−`` (U+2212). The same functions
serve tables (:mod:`~cchc_research.reporting.tables`), text
(:class:`~cchc_research.reporting.i18n.LocaleFormatter`) and figure ticks
(:func:`tick_formatter`).

Examples
--------
>>> integer(1827, "vi"), integer(1827, "en")
('1.827', '1,827')
>>> percent(0.0031, "vi", 2), percent(0.0031, "en", 2), percent(0.976, "vi")
('0,31 %', '0.31%', '97,6 %')
>>> decimal(-0.0031, "vi", 4), pvalue(0.0004, "en"), interval(0.1, 0.25, "vi", 2)
('−0,0031', '< 0.001', '[0,10; 0,25]')
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from cchc_research.errors import CCHCError, InvalidArgumentError
from cchc_research.periods import parse_period

__all__ = ["MISSING", "integer", "decimal", "signed", "percent", "pvalue", "interval", "boolean", "date",
           "period", "cell", "format_spec", "tick_formatter", "is_missing"]

#: What a report shows for a missing value (both languages).
MISSING = "—"
_MINUS = "\u2212"
_BOOL = {"vi": ("Có", "Không"), "en": ("Yes", "No")}
_LOCALE = {"vi": "vi_VN", "en": "en_US"}


def _locale(lang: str) -> str:
    if lang not in _LOCALE:
        raise InvalidArgumentError(f"lang must be one of {tuple(_LOCALE)}, got {lang!r}")
    return _LOCALE[lang]


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``pandas.NA`` / ``NaT`` and the empty string.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return isinstance(result, bool | np.bool_) and bool(result)


def _minus(text: str) -> str:
    return text.replace("-", _MINUS, 1) if text.startswith("-") else text


def _pattern(decimals: int) -> str:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise InvalidArgumentError(f"decimals must be a non-negative integer, got {decimals!r}")
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def integer(x: Any, lang: str) -> str:
    """A whole number with thousands grouped (``1.827`` / ``1,827``); the missing marker for NaN.

    Examples
    --------
    >>> integer(2522782, "vi"), integer(-3, "en")
    ('2.522.782', '−3')
    """
    if is_missing(x):
        return MISSING
    return _minus(format_decimal(int(round(float(x))), format="#,##0", locale=_locale(lang)))


def decimal(x: Any, lang: str, decimals: int = 2) -> str:
    """A number with exactly ``decimals`` decimals (``0,31`` / ``0.31``).

    Examples
    --------
    >>> decimal(1234.5, "vi", 1), decimal(0.3125, "en", 3)
    ('1.234,5', '0.312')
    """
    if is_missing(x):
        return MISSING
    text = format_decimal(float(x), format=_pattern(decimals), locale=_locale(lang))
    if re.fullmatch(r"-0([.,]0*)?", text):
        text = text[1:]  # no "−0,00"
    return _minus(text)


def signed(x: Any, lang: str, decimals: int = 2) -> str:
    """A number with an explicit sign (``+0,40`` / ``−0.40``).

    Examples
    --------
    >>> signed(0.4, "vi", 2), signed(-2, "en", 0)
    ('+0,40', '−2')
    """
    text = decimal(x, lang, decimals)
    if text == MISSING or text.startswith(_MINUS):
        return text
    return "+" + text


def percent(x: Any, lang: str, decimals: int = 1) -> str:
    """A fraction written as a percentage (``0.976`` → ``97,6 %`` / ``97.6%``).

    Examples
    --------
    >>> percent(0.18029, "vi", 2), percent(1, "en", 0)
    ('18,03 %', '100%')
    """
    if is_missing(x):
        return MISSING
    sep = "\u00a0" if lang == "vi" else ""
    text = format_percent(float(x), format=_pattern(decimals) + sep + "%", locale=_locale(lang))
    return _minus(text).replace("\u00a0", " ")


def pvalue(p: Any, lang: str) -> str:
    """A p-value with three decimals, ``< 0,001`` below 0.001.

    Examples
    --------
    >>> pvalue(0.0312, "vi"), pvalue(0.00002, "vi")
    ('0,031', '< 0,001')
    """
    if is_missing(p):
        return MISSING
    if float(p) < 0.001:
        return "< " + decimal(0.001, lang, 3)
    return decimal(p, lang, 3)


def interval(low: Any, high: Any, lang: str, decimals: int = 2) -> str:
    """A confidence interval: ``[0,10; 0,25]`` in Vietnamese (the comma is the decimal sign), ``[0.10, 0.25]``.

    Examples
    --------
    >>> interval(-1, 2.5, "en", 1)
    '[−1.0, 2.5]'
    """
    sep = "; " if lang == "vi" else ", "
    return f"[{decimal(low, lang, decimals)}{sep}{decimal(high, lang, decimals)}]"


def boolean(b: Any, lang: str) -> str:
    """``Có`` / ``Không`` (``Yes`` / ``No``); the missing marker for ``None``/NA.

    Examples
    --------
    >>> boolean(True, "vi"), boolean(False, "en")
    ('Có', 'No')
    """
    _locale(lang)
    if is_missing(b):
        return MISSING
    return _BOOL[lang][0 if bool(b) else 1]


def date(d: Any, lang: str) -> str:
    """A date: ``07/04/2021`` in Vietnamese, ``7 Apr 2021`` in English (strings parsed as ISO dates).

    Examples
    --------
    >>> date("2021-04-07", "vi"), date("2021-04-07", "en")
    ('07/04/2021', 'Apr 7, 2021')
    """
    if is_missing(d):
        return MISSING
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if hasattr(d, "date") and callable(d.date):
        d = d.date()
    return format_date(d, format="dd/MM/yyyy" if lang == "vi" else "medium", locale=_locale(lang))


def period(label: Any, lang: str) -> str:
    """A canonical period label in words: ``2024-Q1`` → ``quý I/2024`` / ``Q1 2024``.

    Labels :func:`cchc_research.periods.parse_period` does not read are returned unchanged.

    Examples
    --------
    >>> period("2019-H1", "vi"), period("2024-Q1", "en"), period(None, "vi")
    ('6 tháng đầu năm 2019', 'Q1 2024', '—')
    """
    _locale(lang)
    if is_missing(label):
        return MISSING
    try:
        parsed = parse_period(str(label))
    except CCHCError:
        return str(label)
    return parsed.label_vi if lang == "vi" else parsed.label_en


def cell(value: Any, lang: str, kind: str | None = None, decimals: int | None = None) -> str:
    """One value as a table cell shows it.

    Parameters
    ----------
    value : object
    lang : {"vi", "en"}
    kind : {"int", "year", "decimal", "signed", "percent", "pvalue", "bool", "date", "period", "text"}, optional
        Inferred from the value when omitted (bool, int, float with three significant decimals,
        else text).
    decimals : int, optional
        For ``decimal``, ``signed`` and ``percent``.

    Examples
    --------
    >>> cell(None, "vi"), cell(True, "en"), cell(12, "vi"), cell(0.5, "vi", "percent", 0)
    ('—', 'Yes', '12', '50 %')
    """
    if isinstance(value, bool) or kind == "bool":
        return boolean(value, lang)
    if is_missing(value):
        return MISSING
    if kind is None:
        if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
            kind = "int"
        elif isinstance(value, float) or hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f":
            kind = "decimal"
        else:
            kind = "text"
    if kind == "int":
        return integer(value, lang)
    if kind == "year":
        return str(int(value))
    if kind == "decimal":
        return decimal(value, lang, 3 if decimals is None else decimals)
    if kind == "signed":
        return signed(value, lang, 2 if decimals is None else decimals)
    if kind == "percent":
        return percent(value, lang, 1 if decimals is None else decimals)
    if kind == "pvalue":
        return pvalue(value, lang)
    if kind == "date":
        return date(value, lang)
    if kind == "period":
        return period(value, lang)
    if kind == "text":
        return str(value)
    raise InvalidArgumentError(f"unknown cell kind {kind!r}")


_SPEC = re.compile(r"^(?P<sign>\+)?(?:\.(?P<dec>\d+))?(?P<type>[fd%py]?)$")


def format_spec(value: Any, spec: str, lang: str) -> str:
    """Write ``value`` following a ``str.format`` spec in the locale of ``lang``.

    ``""`` (int grouped; float up to 3 decimals), ``d``, ``.Nf``, ``+.Nf``, ``.N%``, ``p``, ``y``
    (a year: never grouped).

    Raises
    ------
    CCHCError
        A spec outside this list (e.g. ``:>10``), so a template cannot silently format the English way.

    Examples
    --------
    >>> format_spec(0.1803, ".1%", "vi"), format_spec(3, "", "en"), format_spec(-0.5, "+.2f", "vi")
    ('18,0 %', '3', '−0,50')
    """
    if is_missing(value):
        return MISSING
    m = _SPEC.match(spec)
    if not m:
        raise InvalidArgumentError(f"format spec {spec!r} not supported for numbers (use '', 'd', '.Nf', '+.Nf', '.N%', 'p', 'y')")
    kind, dec = m.group("type"), m.group("dec")
    if kind == "p":
        return pvalue(value, lang)
    if kind == "y":
        return str(int(value))
    if kind == "%":
        return percent(value, lang, int(dec) if dec else 1)
    if kind == "d" or (not kind and not dec and float(value).is_integer() and not isinstance(value, float)):
        return integer(value, lang)
    if dec is None:
        if float(value).is_integer():
            return integer(value, lang)
        text = format_decimal(float(value), format="#,##0.###", locale=_locale(lang))
        return _minus(text)
    return signed(value, lang, int(dec)) if m.group("sign") else decimal(value, lang, int(dec))


def tick_formatter(lang: str, kind: str = "decimal", decimals: int = 0):
    """A matplotlib tick formatter writing ticks in the locale of ``lang``.

    Parameters
    ----------
    lang : {"vi", "en"}
    kind : {"int", "year", "decimal", "percent", "signed"}
        ``percent`` expects fractions on the axis (0.5 → ``50 %``).
    decimals : int

    Returns
    -------
    matplotlib.ticker.FuncFormatter

    Examples
    --------
    >>> tick_formatter("vi", "percent")(0.25, 0)
    '25 %'
    """
    from matplotlib.ticker import FuncFormatter

    _locale(lang)

    def _format(x: float, _pos: int) -> str:
        if not math.isfinite(x):
            return ""
        return cell(x, lang, kind, decimals)

    return FuncFormatter(_format)
