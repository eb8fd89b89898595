"""Numbers, percentages and ratios in Vietnamese or English notation.

See :mod:`cchc_research.parsing`.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
from decimal import Decimal
from typing import Any, Literal

from cchc_research.errors import DataError, ParseError
from cchc_research.text import normalize_text

__all__ = ["parse_number", "parse_percent", "parse_ratio", "format_number", "format_percent",
           "date_like", "Locale", "Number"]

Locale = Literal["vi", "en"]
Number = int | float

_SIGNS = {"+": 1, "-": -1, "\u2212": -1}  # ASCII plus/minus, U+2212 minus sign
_PERCENT_WORDS = ("phần trăm", "per cent", "percent", "pct", "%", "％")
_MAX_DIGITS = 1000
#: Well-formed numbers (the common case), matched before the slower diagnostic path.
_FAST = {
    "vi": re.compile(r"([+\-\u2212]?)([1-9]\d{0,2}(?:\.\d{3})+|\d{1,%d})(?:,(\d{1,%d}))?"
                     % (_MAX_DIGITS // 2, _MAX_DIGITS // 2), re.ASCII),
    "en": re.compile(r"([+\-\u2212]?)([1-9]\d{0,2}(?:,\d{3})+|\d{1,%d})(?:\.(\d{1,%d}))?"
                     % (_MAX_DIGITS // 2, _MAX_DIGITS // 2), re.ASCII),
}
DECIMAL_CONTEXT = decimal.Context(prec=_MAX_DIGITS + 10, Emax=10_000, Emin=-10_000)


def parse_failure(value: Any, reason: str, loc: dict[str, Any]) -> ParseError:
    return ParseError(value, reason, **loc)


def normalize_input(value: Any, loc: dict[str, Any]) -> str:
    """:func:`cchc_research.text.normalize_text` (NFC, odd spaces, invisible characters, dash
    variants and U+2212 minus -> ``-``); reject non-strings and empty input."""
    if value is None:
        raise parse_failure(value, "missing value (None)", loc)
    if not isinstance(value, str):
        raise parse_failure(value, f"expected text, got {type(value).__name__}", loc)
    text = normalize_text(value)
    if not text:
        raise parse_failure(value, "empty or whitespace-only string", loc)
    return text


#: ``MM/YYYY`` (or ``M-YYYY``, ``MM.YYYY``): a month, not a ratio.
_MONTH_YEAR = re.compile(r"(0?[1-9]|1[0-2])\s*[/\-.]\s*((?:19|20)\d\d)")
#: ``DD/MM``-shaped pairs.
_DAY_MONTH = re.compile(r"(\d{1,2})\s*([/\-.])\s*(\d{1,2})")
#: Full dates: ``15/03/2024``, ``15-03-2024``, ``15.03.2024``, ``15/03/24``, ``2024-03-15``.
_D, _M = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(rf"(?<![\d.,])(?:{_D}\s*([/\-.])\s*{_M}\s*\1\s*(?:\d{{4}}|\d{{2}})"
                   rf"|(?:19|20)\d\d\s*([/\-.])\s*{_M}\s*\2\s*{_D})(?![\d,])")


def date_like(text: str) -> str | None:
    """Why ``text`` (a normalized pair ``a/b``, ``a-b``, or a date) reads as a date, else None.

    Rules: a full date (day, month and year, or year first); ``MM/YYYY`` with a month 1-12
    and a year 1900-2099 (``12/2024``, ``03/2024``, ``3-2024``); a zero-padded part
    (``15/03``, ``03/12``: ratios and ranges are not written with leading zeros); ``DD/MM``
    with a day 13-31 and a month 1-12 (``21/4``), which cannot be a part of a whole either.
    A pair such as ``1/12`` or ``3/4`` is *not* date-like (it is read as a ratio).

    Parameters
    ----------
    text : str
        Normalized text (see :func:`cchc_research.text.normalize_text`).

    Returns
    -------
    str or None
        A plain-words reason.

    Examples
    --------
    >>> date_like("12/2024"), date_like("15/03/2024"), date_like("3/4")
    ('looks like a month (12/2024), not a ratio', 'looks like a date (day, month and year), not a figure', None)
    """
    if _DATE.search(text):
        return "looks like a date (day, month and year), not a figure"
    t = text.strip()
    m = _MONTH_YEAR.fullmatch(t)
    if m:
        return f"looks like a month ({m.group(1)}/{m.group(2)}), not a ratio"
    m = _DAY_MONTH.fullmatch(t)
    if m:
        a, sep, b = m.groups()
        if (len(a) == 2 and a[0] == "0") or (len(b) == 2 and b[0] == "0"):
            return "looks like a date (zero-padded day or month), not a ratio"
        if sep == "/" and 13 <= int(a) <= 31 and 1 <= int(b) <= 12:
            return f"looks like a date (day {int(a)}, month {int(b)}), not a ratio"
    return None


def character_hint(text: str, ch: str) -> str:
    """A plain-words hint for a character no number may contain (empty if none applies)."""
    bare = text.strip()
    if ch == "%":
        if bare.count("%") > 1 or bare.endswith("%%"):
            return " (more than one percent sign)"
        return " (use parse_percent for percentages)"
    if ch == "\u2030":
        return (" (per-mille sign: the parsers read per cent only; 5‰ is 0,5%, so divide by 10 "
                "and write a percent sign)")
    if ch in "()" and re.fullmatch(r"\(\s*[+\-\u2212]?[\d.,\s]+\)\s*%?", bare):
        return (" (a number in parentheses is not read as a negative: write '-' before it if a "
                "negative is meant)")
    if ch in "eE" and re.search(r"\d[eE][+\-\u2212]?\d", bare):
        return " (scientific notation is not read: write the number out in digits)"
    if bare.casefold().lstrip("+-\u2212") in {"nan", "inf", "infinity", "nan%", "inf%"}:
        return " (not a number: missing or infinite values are refused, not parsed)"
    return ""


def check_locale(locale: str) -> tuple[str, str]:
    if locale == "vi":
        return ",", "."
    if locale == "en":
        return ".", ","
    raise ParseError(locale, "locale must be 'vi' or 'en'")


def to_decimal(value: Any, text: str, locale: str, loc: dict[str, Any]) -> tuple[Decimal, bool]:
    """Parse *text* (already normalized) to a Decimal; return it and whether it is integral."""
    dec_sep, grp_sep = check_locale(locale)
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
            raise parse_failure(value, "a sign without digits", loc)
        if s[0] == " ":
            raise parse_failure(value, "space between the sign and the digits", loc)
    allowed = set("0123456789") | {dec_sep, grp_sep, " "}
    for i, ch in enumerate(s):
        if ch not in allowed:
            raise parse_failure(value, f"unexpected character {ch!r} at position {i}"
                                f"{character_hint(value if isinstance(value, str) else text, ch)}", loc)
    if s.count(dec_sep) > 1:
        raise parse_failure(value, f"more than one decimal separator {dec_sep!r}", loc)
    int_part, _, frac = s.partition(dec_sep)
    if dec_sep in s and not frac:
        raise parse_failure(value, f"decimal separator {dec_sep!r} with no digits after it", loc)
    if not frac.isdigit() and frac:
        raise parse_failure(value, f"digit grouping after the decimal separator {dec_sep!r}", loc)
    if not int_part:
        raise parse_failure(value, f"no digits before the decimal separator {dec_sep!r}", loc)
    seps = {c for c in int_part if not c.isdigit()}
    if len(seps) > 1:
        raise parse_failure(value, "mixes thousands separators (dot/comma and space)", loc)
    if seps:
        sep = seps.pop()
        groups = int_part.split(sep)
        name = "space" if sep == " " else repr(sep)
        if any(g == "" for g in groups):
            raise parse_failure(value, f"empty digit group: repeated, leading or trailing {name}", loc)
        bad = next((g for g in groups[1:] if len(g) != 3), None)
        if bad is not None:
            if locale == "vi" and sep == ".":
                raise parse_failure(value, "'.' groups thousands in Vietnamese and must be followed by "
                            f"exactly 3 digits (found {bad!r}); write decimals with ','", loc)
            if locale == "en" and sep == ",":
                raise parse_failure(value, "',' groups thousands in English and must be followed by "
                            f"exactly 3 digits (found {bad!r}); write decimals with '.'", loc)
            raise parse_failure(value, f"thousands groups must have exactly 3 digits (found {bad!r})", loc)
        if len(groups[0]) > 3 or groups[0].startswith("0"):
            raise parse_failure(value, f"first thousands group {groups[0]!r} must have 1-3 digits "
                        "and no leading zero", loc)
        int_part = "".join(groups)
    if len(int_part) + len(frac) > _MAX_DIGITS:
        raise parse_failure(value, f"more than {_MAX_DIGITS} digits", loc)
    digits = int_part + ("." + frac if frac else "")
    return Decimal(("-" if sign < 0 else "") + digits), not frac


def to_python_number(number: Decimal, integral: bool, value: Any, loc: dict[str, Any]) -> Number:
    if integral:
        return int(number)
    result = float(number)
    if not math.isfinite(result):
        raise parse_failure(value, "number too large for a float", loc)
    return result


def _passthrough(value: Any, loc: dict[str, Any]) -> Number | None:
    """Accept already-numeric input (int, finite float, numpy scalars); None otherwise."""
    if isinstance(value, bool):
        raise parse_failure(value, "expected a number, got a boolean", loc)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise parse_failure(value, "not a finite number (NaN or infinity)", loc)
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
    check_locale(locale)
    if not isinstance(value, str):
        direct = _passthrough(value, loc)
        if direct is not None:
            return direct
    text = normalize_input(value, loc)
    number, integral = to_decimal(value, text, locale, loc)
    return to_python_number(number, integral, value, loc)


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
    check_locale(locale)
    text = normalize_input(value, loc)
    body, found = _strip_percent(text)
    if not found and require_symbol:
        raise parse_failure(value, "no percent sign ('%', 'phần trăm', 'percent')"
                            + (character_hint(text, "\u2030") if "\u2030" in text else ""), loc)
    if not body:
        raise parse_failure(value, "percent sign without a number", loc)
    number, _ = to_decimal(value, body, locale, loc)
    result = float(DECIMAL_CONTEXT.scaleb(number, -2))
    if not math.isfinite(result):
        raise parse_failure(value, "number too large for a float", loc)
    return result


def parse_ratio(value: Any, locale: Locale = "vi", *, proper: bool = False,
                allow_date_like: bool = False, file: str | None = None, row: int | None = None,
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
    allow_date_like : bool, default False
        Months and dates are refused by default: ``"12/2024"`` and ``"03/2024"`` (month/year),
        ``"15/03"`` (zero-padded), ``"21/4"`` (day 13-31 / month 1-12), ``"15/03/2024"``
        (see :func:`date_like`). Pass True only when the text is known to be a ratio.
    file, row, column : optional
        Location copied into any error.

    Returns
    -------
    tuple of (int or float, int or float)

    Raises
    ------
    ParseError
        Not exactly one ``/``, a month or date, a malformed side, a zero (or, with
        ``proper``, negative) denominator, or (with ``proper``) a numerator larger than the
        denominator.

    Examples
    --------
    >>> parse_ratio("443.915/454.821"), parse_ratio("13 / 24")
    ((443915, 454821), (13, 24))
    >>> parse_ratio("5/0")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ParseError: value '5/0': zero denominator
    >>> parse_ratio("12/2024")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ParseError: value '12/2024': looks like a month (12/2024), not a ratio; pass allow_date_like=True if it really is a ratio
    """
    loc = {"file": file, "row": row, "column": column}
    check_locale(locale)
    text = normalize_input(value, loc)
    why = None if allow_date_like else date_like(text)
    if why is not None:
        raise parse_failure(value, f"{why}; pass allow_date_like=True if it really is a ratio", loc)
    if text.count("/") != 1:
        raise parse_failure(value, f"a ratio needs exactly one '/' (found {text.count('/')})", loc)
    left, right = (part.strip() for part in text.split("/"))
    if not left or not right:
        raise parse_failure(value, "a ratio needs a number on both sides of '/'", loc)
    num_d, num_int = to_decimal(value, left, locale, loc)
    den_d, den_int = to_decimal(value, right, locale, loc)
    if den_d == 0:
        raise parse_failure(value, "zero denominator", loc)
    if proper and (den_d < 0 or num_d < 0):
        raise parse_failure(value, "negative numerator or denominator in a part-of-whole ratio", loc)
    if proper and num_d > den_d:
        raise parse_failure(value, "numerator larger than denominator", loc)
    return (to_python_number(num_d, num_int, value, loc), to_python_number(den_d, den_int, value, loc))



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
    dec_sep, grp_sep = check_locale(locale)
    d = _as_decimal(x)
    if decimals is not None:
        if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
            raise DataError(decimals, "decimals must be a non-negative integer")
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP, context=DECIMAL_CONTEXT)
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
        :func:`format_number` of ``100 * x`` (exact, in decimal arithmetic) followed by ``%``.

    Raises
    ------
    DataError
        As :func:`format_number` (NaN, infinity, a non-number, bad ``decimals``).

    Examples
    --------
    >>> format_percent(0.976), format_percent(0.0031), format_percent(0.9187, "en")
    ('97,6%', '0,31%', '91.87%')
    """
    d = DECIMAL_CONTEXT.scaleb(_as_decimal(x), 2)
    return format_number(d, locale, decimals) + "%"
