"""Numbers, percentages and ratios in Vietnamese or English notation.

See :mod:`cchc_research.parsing`.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
import unicodedata
from decimal import Decimal
from typing import Any, Literal

from cchc_research.errors import DataError, ParseError

__all__ = ["parse_number", "parse_percent", "parse_ratio", "format_number", "format_percent",
           "Locale", "Number"]

Locale = Literal["vi", "en"]
Number = int | float

_SIGNS = {"+": 1, "-": -1, "\u2212": -1}  # ASCII plus/minus, U+2212 minus sign
_PERCENT_WORDS = ("phần trăm", "per cent", "percent", "pct", "%", "％")
_MAX_DIGITS = 1000
_WHITESPACE = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
#: Well-formed numbers (the common case), matched before the slower diagnostic path.
_FAST = {
    "vi": re.compile(r"([+\-\u2212]?)([1-9]\d{0,2}(?:\.\d{3})+|\d{1,%d})(?:,(\d{1,%d}))?"
                     % (_MAX_DIGITS // 2, _MAX_DIGITS // 2), re.ASCII),
    "en": re.compile(r"([+\-\u2212]?)([1-9]\d{0,2}(?:,\d{3})+|\d{1,%d})(?:\.(\d{1,%d}))?"
                     % (_MAX_DIGITS // 2, _MAX_DIGITS // 2), re.ASCII),
}
_CTX = decimal.Context(prec=_MAX_DIGITS + 10, Emax=10_000, Emin=-10_000)


def _fail(value: Any, reason: str, loc: dict[str, Any]) -> ParseError:
    return ParseError(value, reason, **loc)


def _normalize(value: Any, loc: dict[str, Any]) -> str:
    """NFC-normalize, unify whitespace and strip; reject non-strings and empty input."""
    if value is None:
        raise _fail(value, "missing value (None)", loc)
    if not isinstance(value, str):
        raise _fail(value, f"expected text, got {type(value).__name__}", loc)
    text = unicodedata.normalize("NFC", value)
    text = _WHITESPACE.sub(" ", text).strip()
    if not text:
        raise _fail(value, "empty or whitespace-only string", loc)
    return text


def _check_locale(locale: str) -> tuple[str, str]:
    if locale == "vi":
        return ",", "."
    if locale == "en":
        return ".", ","
    raise ParseError(locale, "locale must be 'vi' or 'en'")


def _decimal(value: Any, text: str, locale: str, loc: dict[str, Any]) -> tuple[Decimal, bool]:
    """Parse *text* (already normalized) to a Decimal; return it and whether it is integral."""
    dec_sep, grp_sep = _check_locale(locale)
    fast = _FAST[locale].fullmatch(text)
    if fast is not None:
        sign_text, int_text, frac_text = fast.groups()
        digits = int_text.replace(grp_sep, "") + ("." + frac_text if frac_text else "")
        return Decimal(("-" if sign_text in ("-", "\u2212") else "") + digits), not frac_text
    s = text
    sign = 1
    if s[0] in _SIGNS:
        sign, s = _SIGNS[s[0]], s[1:]
        if not s:
            raise _fail(value, "a sign without digits", loc)
        if s[0] == " ":
            raise _fail(value, "space between the sign and the digits", loc)
    allowed = set("0123456789") | {dec_sep, grp_sep, " "}
    for i, ch in enumerate(s):
        if ch not in allowed:
            hint = " (use parse_percent for percentages)" if ch == "%" else ""
            raise _fail(value, f"unexpected character {ch!r} at position {i}{hint}", loc)
    if s.count(dec_sep) > 1:
        raise _fail(value, f"more than one decimal separator {dec_sep!r}", loc)
    int_part, _, frac = s.partition(dec_sep)
    if dec_sep in s and not frac:
        raise _fail(value, f"decimal separator {dec_sep!r} with no digits after it", loc)
    if not frac.isdigit() and frac:
        raise _fail(value, f"digit grouping after the decimal separator {dec_sep!r}", loc)
    if not int_part:
        raise _fail(value, f"no digits before the decimal separator {dec_sep!r}", loc)
    seps = {c for c in int_part if not c.isdigit()}
    if len(seps) > 1:
        raise _fail(value, "mixes thousands separators (dot/comma and space)", loc)
    if seps:
        sep = seps.pop()
        groups = int_part.split(sep)
        name = "space" if sep == " " else repr(sep)
        if any(g == "" for g in groups):
            raise _fail(value, f"empty digit group: repeated, leading or trailing {name}", loc)
        bad = next((g for g in groups[1:] if len(g) != 3), None)
        if bad is not None:
            if locale == "vi" and sep == ".":
                raise _fail(value, "'.' groups thousands in Vietnamese and must be followed by "
                            f"exactly 3 digits (found {bad!r}); write decimals with ','", loc)
            if locale == "en" and sep == ",":
                raise _fail(value, "',' groups thousands in English and must be followed by "
                            f"exactly 3 digits (found {bad!r}); write decimals with '.'", loc)
            raise _fail(value, f"thousands groups must have exactly 3 digits (found {bad!r})", loc)
        if len(groups[0]) > 3 or groups[0].startswith("0"):
            raise _fail(value, f"first thousands group {groups[0]!r} must have 1-3 digits "
                        "and no leading zero", loc)
        int_part = "".join(groups)
    if len(int_part) + len(frac) > _MAX_DIGITS:
        raise _fail(value, f"more than {_MAX_DIGITS} digits", loc)
    digits = int_part + ("." + frac if frac else "")
    return Decimal(("-" if sign < 0 else "") + digits), not frac


def _to_python(number: Decimal, integral: bool, value: Any, loc: dict[str, Any]) -> Number:
    if integral:
        return int(number)
    result = float(number)
    if not math.isfinite(result):
        raise _fail(value, "number too large for a float", loc)
    return result


def _passthrough(value: Any, loc: dict[str, Any]) -> Number | None:
    """Accept already-numeric input (int, finite float, numpy scalars); None otherwise."""
    if isinstance(value, bool):
        raise _fail(value, "expected a number, got a boolean", loc)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise _fail(value, "not a finite number (NaN or infinity)", loc)
        return float(value)
    return None


def parse_number(value: Any, locale: Locale = "vi", *, file: str | None = None,
                 row: int | None = None, column: str | None = None) -> Number:
    """Parse a number written in Vietnamese (default) or English notation.

    Parameters
    ----------
    value : str or number
        Text such as ``"544.806"``, ``"0,31"``, ``"-1 626"``. Finite ``int``/``float``
        values pass through unchanged.
    locale : {"vi", "en"}
        ``"vi"``: ``.`` groups thousands, ``,`` marks decimals; ``"en"``: the reverse.
    file, row, column : optional
        Location of the value, copied into any error raised.

    Returns
    -------
    int or float
        ``int`` when no decimal part is written, ``float`` otherwise.

    Raises
    ------
    ParseError
        Empty text, stray characters, two decimal separators, misplaced thousands
        separators (``"12.5"`` in vi), NaN, ``None``.

    Examples
    --------
    >>> parse_number("544.806"), parse_number("1 626"), parse_number("-0,5")
    (544806, 1626, -0.5)
    >>> parse_number("0.31", locale="en")
    0.31
    >>> parse_number("97,6,1", file="a.csv", row=2, column="x")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ParseError: a.csv, row 2, column 'x': value '97,6,1': more than one decimal separator ','
    """
    loc = {"file": file, "row": row, "column": column}
    _check_locale(locale)
    if not isinstance(value, str):
        direct = _passthrough(value, loc)
        if direct is not None:
            return direct
    text = _normalize(value, loc)
    number, integral = _decimal(value, text, locale, loc)
    return _to_python(number, integral, value, loc)


def _strip_percent(text: str) -> tuple[str, bool]:
    low = text.lower()
    for word in _PERCENT_WORDS:
        if low.endswith(word):
            return text[: len(text) - len(word)].rstrip(), True
    return text, False


def parse_percent(value: Any, locale: Locale = "vi", *, require_symbol: bool = True,
                  file: str | None = None, row: int | None = None,
                  column: str | None = None) -> float:
    """Parse a percentage and return it as a fraction (``"97,6%"`` -> ``0.976``).

    Parameters
    ----------
    value : str
        A number followed by ``%``, ``phần trăm``, ``percent``, ``per cent`` or ``pct``.
    locale : {"vi", "en"}
        Number notation, see :func:`parse_number`.
    require_symbol : bool, default True
        When False, a bare number (``"97,6"``) is read as a percentage too.
    file, row, column : optional
        Location copied into any error.

    Returns
    -------
    float
        The fraction, computed exactly in decimal arithmetic then converted to float.

    Raises
    ------
    ParseError
        Malformed number, missing percent sign (when required), more than one sign.

    Examples
    --------
    >>> parse_percent("97,6%"), parse_percent("0,31 %"), parse_percent("97,6 phần trăm")
    (0.976, 0.0031, 0.976)
    >>> parse_percent("91.87 percent", locale="en")
    0.9187
    """
    loc = {"file": file, "row": row, "column": column}
    _check_locale(locale)
    text = _normalize(value, loc)
    body, found = _strip_percent(text)
    if not found and require_symbol:
        raise _fail(value, "no percent sign ('%', 'phần trăm', 'percent')", loc)
    if not body:
        raise _fail(value, "percent sign without a number", loc)
    number, _ = _decimal(value, body, locale, loc)
    result = float(_CTX.scaleb(number, -2))
    if not math.isfinite(result):
        raise _fail(value, "number too large for a float", loc)
    return result


def parse_ratio(value: Any, locale: Locale = "vi", *, proper: bool = False,
                file: str | None = None, row: int | None = None,
                column: str | None = None) -> tuple[Number, Number]:
    """Parse ``"numerator/denominator"``, e.g. ``"443.915/454.821"``.

    Parameters
    ----------
    value : str
        Two numbers separated by one ``/`` (spaces around it allowed).
    locale : {"vi", "en"}
        Number notation, see :func:`parse_number`.
    proper : bool, default False
        When True, require ``0 <= numerator <= denominator`` (a part of a whole).
    file, row, column : optional
        Location copied into any error.

    Returns
    -------
    tuple of (int or float, int or float)

    Raises
    ------
    ParseError
        Not exactly one ``/``, a malformed side, a zero (or, with ``proper``, negative)
        denominator, or (with ``proper``) a numerator larger than the denominator.

    Examples
    --------
    >>> parse_ratio("443.915/454.821"), parse_ratio("13 / 24")
    ((443915, 454821), (13, 24))
    >>> parse_ratio("5/0")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ParseError: value '5/0': zero denominator
    """
    loc = {"file": file, "row": row, "column": column}
    _check_locale(locale)
    text = _normalize(value, loc)
    if text.count("/") != 1:
        raise _fail(value, f"a ratio needs exactly one '/' (found {text.count('/')})", loc)
    left, right = (part.strip() for part in text.split("/"))
    if not left or not right:
        raise _fail(value, "a ratio needs a number on both sides of '/'", loc)
    num_d, num_int = _decimal(value, left, locale, loc)
    den_d, den_int = _decimal(value, right, locale, loc)
    if den_d == 0:
        raise _fail(value, "zero denominator", loc)
    if proper and (den_d < 0 or num_d < 0):
        raise _fail(value, "negative numerator or denominator in a part-of-whole ratio", loc)
    if proper and num_d > den_d:
        raise _fail(value, "numerator larger than denominator", loc)
    return (_to_python(num_d, num_int, value, loc), _to_python(den_d, den_int, value, loc))



def _as_decimal(x: Any) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, numbers.Real | Decimal):
        raise DataError(x, f"cannot format {type(x).__name__} as a number")
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    if not d.is_finite():
        raise DataError(x, "cannot format a NaN or infinite number")
    return d


def format_number(x: Any, locale: Locale = "vi", decimals: int | None = None) -> str:
    """Write a number the Vietnamese (or English) way; the inverse of :func:`parse_number`.

    Parameters
    ----------
    x : int, float or Decimal
    locale : {"vi", "en"}
    decimals : int, optional
        Digits after the decimal separator (rounded half away from zero). By default
        floats use their shortest exact representation and integers have none.

    Returns
    -------
    str

    Raises
    ------
    DataError
        NaN, infinity, or a non-number.

    Examples
    --------
    >>> format_number(2522782), format_number(0.976), format_number(1234.5, "en")
    ('2.522.782', '0,976', '1,234.5')
    >>> format_number(97.64, decimals=1)
    '97,6'
    """
    dec_sep, grp_sep = _check_locale(locale)
    d = _as_decimal(x)
    if decimals is not None:
        if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
            raise DataError(decimals, "decimals must be a non-negative integer")
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP, context=_CTX)
    text = format(d, "f")
    if decimals is None and isinstance(x, float) and "." not in text:
        text += ".0"  # keep floats floats: parse_number(format_number(1e16)) is a float
    sign = "-" if text.startswith("-") else ""
    int_part, _, frac = text.lstrip("-").partition(".")
    groups = []
    while len(int_part) > 3:
        groups.insert(0, int_part[-3:])
        int_part = int_part[:-3]
    groups.insert(0, int_part)
    return sign + grp_sep.join(groups) + (dec_sep + frac if frac else "")


def format_percent(x: Any, locale: Locale = "vi", decimals: int | None = None) -> str:
    """Write a fraction as a percentage (``0.976`` -> ``"97,6%"``), the inverse of parse_percent.

    Parameters
    ----------
    x : int, float or Decimal
        The fraction.
    locale : {"vi", "en"}
    decimals : int, optional
        Digits after the decimal separator of the percentage.

    Returns
    -------
    str

    Raises
    ------
    DataError
        NaN, infinity, or a non-number.

    Examples
    --------
    >>> format_percent(0.976), format_percent(0.0031), format_percent(0.9187, "en")
    ('97,6%', '0,31%', '91.87%')
    """
    d = _CTX.scaleb(_as_decimal(x), 2)
    return format_number(d, locale, decimals) + "%"
