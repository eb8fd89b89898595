"""Qualified figures such as "95% trở lên", "trên 60%", "hơn 2 triệu" or "25 - 35%".

See :mod:`cchc_research.parsing`. A figure is one number (or one ratio, or one range) with
its qualifiers; scale words (nghìn/ngàn, triệu, tỷ/tỉ, nghìn tỷ; thousand, million,
billion, trillion) multiply it; months and dates are refused, never read as ratios or
ranges.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cchc_research.errors import ParseError
from cchc_research.text import normalize_text
from cchc_research.parsing._numbers import (
    DECIMAL_CONTEXT,
    Locale,
    Number,
    character_hint,
    check_locale,
    date_like,
    normalize_input,
    parse_failure,
    parse_ratio,
    to_decimal,
    to_python_number,
)

__all__ = ["Figure", "FoundFigure", "parse_figure", "find_figures", "COMPARISONS", "FIGURE_UNITS",
           "SCALE_WORDS"]

#: Comparison operators a :class:`Figure` may carry (``between`` for a range ``low``-``high``).
COMPARISONS: tuple[str, ...] = (">=", ">", "<=", "<", "==", "between")
#: Units a :class:`Figure` may carry (``share`` = fraction 0-1 read from a percentage).
FIGURE_UNITS: tuple[str, ...] = ("share", "count", "number", "ratio")
#: Scale words after a number and the power of ten they multiply it by. Vietnamese: nghìn/ngàn
#: (10^3), triệu (10^6), tỷ/tỉ (10^9), nghìn tỷ (10^12), also written without diacritics;
#: English short scale. "tỷ lệ" (rate) is not a scale word.
SCALE_WORDS: dict[str, int] = {
    "nghìn tỷ": 12, "ngàn tỷ": 12, "nghìn tỉ": 12, "ngàn tỉ": 12, "nghin ty": 12, "ngan ty": 12,
    "nghìn": 3, "ngàn": 3, "nghin": 3, "ngan": 3, "triệu": 6, "trieu": 6, "tỷ": 9, "tỉ": 9,
    "ty": 9, "thousand": 3, "million": 6, "billion": 9, "trillion": 12,
}
#: "tỷ lệ" (rate) and its unaccented form start with a scale word but are a noun.
_RATE_WORDS = {"tỷ lệ", "tỉ lệ", "ty le", "ti le"}
#: Abbreviations refused after a number: their scale (or unit) is ambiguous.
_AMBIGUOUS_ABBREVIATIONS = {"tr", "k", "m", "b", "bn", "mn", "mil", "mio", "ng", "n"}


@dataclass(frozen=True)
class Figure:
    """A figure read from text: a value, its unit and how it compares (``>=``, ``==``, ...).

    Attributes
    ----------
    value : int, float or None
        Fractions for ``unit == "share"`` (``95%`` -> 0.95); ``numerator / denominator``
        for ``"ratio"``; scale words applied (``"2 triệu"`` -> 2000000). ``None`` for a
        range (``comparison == "between"``): read ``low`` and ``high``.
    unit : {"share", "count", "number", "ratio"}
        ``count`` for a non-negative integer, ``number`` for other plain numbers.
    comparison : {">=", ">", "<=", "<", "==", "between"}
    raw : str
        The text exactly as given.
    approximate : bool
        True for "khoảng", "gần", "xấp xỉ", "about", "~" ...
    numerator, denominator : int or float, optional
        Set for ratios.
    noun : str, optional
        Trailing words naming what is counted ("thủ tục hành chính"), lower-cased.
    low, high : int or float, optional
        Bounds of a range (``"25 - 35%"`` -> 0.25, 0.35), both inclusive; set only when
        ``comparison == "between"``.
    scale : int, default 1
        The multiplier of the scale word applied (``1_000_000`` for "triệu"), 1 if none.
    """

    value: Number | None
    unit: str
    comparison: str
    raw: str
    approximate: bool = False
    numerator: Number | None = None
    denominator: Number | None = None
    noun: str | None = None
    low: Number | None = None
    high: Number | None = None
    scale: int = 1


_PREFIXES: dict[str, tuple[str, bool]] = {}
for _words, _cmp, _approx in [
    (("từ", "tối thiểu", "ít nhất", "không dưới", "không thấp hơn", "không ít hơn",
      "at least", "no less than", "no fewer than", "minimum", "min.", "≥", ">="), ">=", False),
    (("trên", "hơn", "cao hơn", "nhiều hơn", "lớn hơn", "vượt", "vượt quá", "more than", "over",
      "above", "greater than", "higher than", "exceeding", ">"), ">", False),
    (("không quá", "tối đa", "không vượt quá", "không cao hơn", "không nhiều hơn", "không lớn hơn",
      "at most", "no more than", "up to", "maximum", "max.", "≤", "<="), "<=", False),
    (("dưới", "ít hơn", "thấp hơn", "nhỏ hơn", "chưa đến", "chưa tới", "less than", "fewer than",
      "under", "below", "<"), "<", False),
    (("khoảng", "gần", "xấp xỉ", "khoảng chừng", "ước", "ước đạt", "ước tính", "about", "around",
      "approximately", "approx.", "nearly", "almost", "~", "≈"), "==", True),
    (("đạt", "bằng", "là", "chiếm", "còn", "đạt tỷ lệ", "đạt tỉ lệ", "reach", "reached",
      "reaches", "achieve", "=", ":"), "==", False),
]:
    for _w in _words:
        _PREFIXES[_w] = (_cmp, _approx)
_SUFFIXES: dict[str, str] = {
    "trở lên": ">=", "or more": ">=", "or above": ">=", "and above": ">=", "or higher": ">=",
    "trở xuống": "<=", "or less": "<=", "or fewer": "<=", "or below": "<=", "and below": "<=",
}
_BY_LENGTH = sorted(_PREFIXES, key=len, reverse=True)
_NUM = r"[+\-\u2212]?[0-9](?:[0-9.,]|(?<=[0-9])[ ](?=[0-9]{3}(?![0-9])))*(?<![.,])"
_SCALE = (r"(?:" + "|".join(re.escape(w) for w in sorted(SCALE_WORDS, key=len, reverse=True))
          + r")(?!\w)(?!\s*l[eệ](?!\w))")
_PCT = r"(?:%|％|phần trăm|per cent|percent|pct)(?!\w)"
_FIGURE_RE = re.compile(
    rf"(?P<num>{_NUM})(?:\s*/\s*(?P<den>{_NUM}))?(?P<scale>\s*{_SCALE})?(?P<pct>\s*{_PCT})?"
)
_DASH = "\\-\u2010-\u2015\u2212"
_RANGE_RE = re.compile(
    rf"(?:(?P<lead>từ|from|between|trong khoảng)\s+)?"
    rf"(?P<lo>{_NUM})(?P<losc>\s*{_SCALE})?(?P<lopct>\s*{_PCT})?"
    rf"(?:\s*[{_DASH}]\s*|\s+(?P<word>đến|tới|to|and)\s+)"
    rf"(?P<hi>{_NUM})(?P<hisc>\s*{_SCALE})?(?P<hipct>\s*{_PCT})?"
)


def _prefix_comparison(prefix: str, value: Any, loc: dict[str, Any]) -> tuple[str, bool, bool]:
    """Return (comparison, approximate, directional) for the qualifier words before a number."""
    comparison, approximate, directional = "==", False, False
    rest = prefix.strip().rstrip(":").strip()
    while rest:
        word = next((w for w in _BY_LENGTH if rest == w or (rest.startswith(w) and (
            not w[-1].isalpha() or not rest[len(w)].isalpha()))), None)
        if word is None:
            raise parse_failure(value, f"unrecognised qualifier {rest!r} before the number", loc)
        cmp, approx = _PREFIXES[word]
        if cmp != "==":
            if directional:
                raise parse_failure(value, f"two comparison qualifiers in {prefix.strip()!r}", loc)
            comparison, directional = cmp, True
        approximate = approximate or approx
        rest = rest[len(word):].strip()
    return comparison, approximate, directional


def _noun(rest: str, value: Any, loc: dict[str, Any]) -> str | None:
    """Check the words after a figure; refuse other text and ambiguous scale abbreviations."""
    if rest and not re.fullmatch(r"[^\W\d_][\w\s\-–,.()/]*", rest):
        raise parse_failure(value, f"unexpected text {rest!r} after the number", loc)
    first = re.split(r"[\s.]", rest, maxsplit=1)[0] if rest else ""
    words = rest.casefold().split()
    if words and (" ".join(words[:2]) in SCALE_WORDS or words[0] in SCALE_WORDS) and \
            " ".join(words[:2]) not in _RATE_WORDS:
        raise parse_failure(value, f"a second scale word ({words[0]!r}) after the number; write the "
                            "figure with one scale word (e.g. '2 nghìn tỷ') or in digits", loc)
    if first in _AMBIGUOUS_ABBREVIATIONS:
        raise parse_failure(value, f"ambiguous abbreviation {first!r} after the number; write the "
                            "scale word in full (nghìn, triệu, tỷ; thousand, million, billion)", loc)
    return rest or None


def _scaled(value: Any, num_text: str, scale_text: str | None, locale: str,
            loc: dict[str, Any]) -> tuple[Decimal, bool, int]:
    """Decimal value of ``num_text`` times the scale word; whether it is integral; the multiplier."""
    try:
        number, integral = to_decimal(value, num_text.strip(), locale, loc)
    except ParseError as err:
        raise parse_failure(value, err.reason, loc) from None
    if not scale_text:
        return number, integral, 1
    power = SCALE_WORDS[" ".join(scale_text.split())]
    number = DECIMAL_CONTEXT.scaleb(number, power)
    return number, number == number.to_integral_value(), 10**power


def _as_share(number: Decimal, value: Any, loc: dict[str, Any]) -> float:
    share = float(DECIMAL_CONTEXT.scaleb(number, -2))
    if not math.isfinite(share):
        raise parse_failure(value, "number too large for a float", loc)
    return share


def _parse_range(text: str, m: re.Match[str], value: Any, locale: Locale,
                 loc: dict[str, Any]) -> Figure:
    """A range ``lo - hi`` (``từ lo đến hi``, ``between lo and hi``) as a ``between`` Figure."""
    lo_t, hi_t = m.group("lo").strip(), m.group("hi").strip()
    why = date_like(f"{lo_t}-{hi_t}") if m.group("word") is None else None
    if why is not None:
        raise parse_failure(value, why.replace("not a ratio", "not a range"), loc)
    comparison, approximate, directional = _prefix_comparison(text[: m.start()], value, loc)
    if directional:
        raise parse_failure(value, f"a range cannot also be a bound ({comparison}); write one or "
                            "the other", loc)
    rest = text[m.end():].strip(" ,;")
    if re.search(r"\d", rest):
        raise parse_failure(value, "more than one number after a range", loc)
    if any(rest.startswith(s) or rest.endswith(s) for s in _SUFFIXES):
        raise parse_failure(value, "a range cannot carry 'trở lên'/'trở xuống' (or more/or less)", loc)
    noun = _noun(rest, value, loc)
    if m.group("lopct") and not m.group("hipct"):
        raise parse_failure(value, "percent sign on the lower bound only", loc)
    if m.group("losc") and not m.group("hisc"):
        raise parse_failure(value, "scale word on the lower bound only", loc)
    share = bool(m.group("hipct"))
    if share and (m.group("losc") or m.group("hisc")):
        raise parse_failure(value, "a scale word cannot precede a percent sign", loc)
    hi_n, hi_int, scale = _scaled(value, hi_t, m.group("hisc"), locale, loc)
    lo_n, lo_int, lo_scale = _scaled(value, lo_t, m.group("losc") or m.group("hisc"), locale, loc)
    if lo_n > hi_n:
        raise parse_failure(value, "range bounds in the wrong order (low > high)", loc)
    if share:
        low, high = _as_share(lo_n, value, loc), _as_share(hi_n, value, loc)
        unit = "share"
    else:
        low = to_python_number(lo_n, lo_int, value, loc)
        high = to_python_number(hi_n, hi_int, value, loc)
        unit = "count" if lo_int and hi_int and low >= 0 else "number"
    scale = scale if lo_scale == scale else 1
    return Figure(None, unit, "between", value, approximate, noun=noun, low=low, high=high,
                  scale=scale)


def _range_match(text: str, pos: int = 0) -> re.Match[str] | None:
    """The first range at or after ``pos``; "and" needs "between", "between" needs "and"."""
    while (m := _RANGE_RE.search(text, pos)) is not None:
        word, lead = m.group("word"), m.group("lead")
        if (word == "and") == (lead == "between"):
            return m
        pos = m.end("lo")
    return None


def parse_figure(value: Any, locale: Locale = "vi", *, file: str | None = None,
                 row: int | None = None, column: str | None = None) -> Figure:
    """Parse a qualified figure: ``"95% trở lên"``, ``"hơn 2 triệu"``, ``"25 - 35%"``, ``"a/b"``.

    Qualifiers before the number: ``từ``/``tối thiểu``/``ít nhất`` (``>=``), ``trên``/``hơn``/
    ``cao hơn`` (``>``), ``không quá``/``tối đa`` (``<=``), ``dưới``/``ít hơn`` (``<``),
    ``khoảng``/``gần``/``xấp xỉ`` (``==``, approximate), ``đạt``/``chiếm``/``còn`` (``==``), and
    their English equivalents and symbols; after it: ``trở lên`` (``>=``), ``trở xuống`` (``<=``).
    ``đạt`` combines with a directional qualifier (``"đạt trên 90%"`` is ``>``).

    Scale words after the number multiply it (:data:`SCALE_WORDS`: ``"hơn 2 triệu"`` is
    ``> 2000000``, ``"1,5 tỷ đồng"`` is 1500000000 with noun ``"đồng"``); abbreviations such as
    ``tr``/``k``/``bn`` are refused as ambiguous.

    Ranges ``"25 - 35%"``, ``"25–35 %"``, ``"từ 25 đến 35%"``, ``"between 25 and 35%"``,
    ``"2-3 triệu"`` give ``comparison == "between"`` with ``low``/``high`` (a percent sign or
    scale word on the upper bound applies to both) and ``value=None``.

    Months and dates (``"12/2024"``, ``"03/2024"``, ``"15/03/2024"``, ``"03-2024"``) are
    refused: they are not ratios or ranges.

    Text is normalized first with :func:`cchc_research.text.normalize_text` (NFC, odd and
    invisible spaces, dash variants: ``"–5"`` reads as ``"-5"``).

    Parameters
    ----------
    value : str
        The figure text. Words naming what is counted may follow the number
        (``"100% thủ tục hành chính"``); other numbers may not.
    locale : {"vi", "en"}
        Number notation, see :func:`parse_number`.
    file, row, column : optional
        Location copied into any error.

    Returns
    -------
    Figure

    Raises
    ------
    ParseError
        No number, more than one number, an unknown or contradictory qualifier,
        a malformed number, a zero denominator, a month or date, a reversed range, a
        range with a bound qualifier, an ambiguous scale abbreviation.

    Examples
    --------
    >>> parse_figure("trên 60%")
    Figure(value=0.6, unit='share', comparison='>', raw='trên 60%', approximate=False, numerator=None, denominator=None, noun=None, low=None, high=None, scale=1)
    >>> f = parse_figure("khoảng 1.200 hồ sơ")
    >>> (f.value, f.unit, f.comparison, f.approximate, f.noun)
    (1200, 'count', '==', True, 'hồ sơ')
    >>> f = parse_figure("443.915/454.821")
    >>> (round(f.value, 4), f.unit, f.numerator, f.denominator)
    (0.976, 'ratio', 443915, 454821)
    >>> f = parse_figure("hơn 2 triệu")
    >>> (f.value, f.comparison, f.scale)
    (2000000, '>', 1000000)
    >>> f = parse_figure("từ 25 đến 35%")
    >>> (f.comparison, f.low, f.high, f.unit)
    ('between', 0.25, 0.35, 'share')
    >>> parse_figure("12/2024")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ParseError: value '12/2024': looks like a month (12/2024), not a ratio
    """
    loc = {"file": file, "row": row, "column": column}
    check_locale(locale)
    text = normalize_input(value, loc).lower()
    text = re.sub(r"^[\-\u2022*]\s+", "", text)  # list bullet (dash variants are '-' by now)
    text = text.rstrip(" .,;!")
    why = date_like(text)
    if why is not None:
        raise parse_failure(value, why, loc)
    for ch in ("\u2030", "(", "e"):
        hint = character_hint(text, ch) if ch in text else ""
        if hint:
            raise parse_failure(value, f"cannot read {ch!r}{hint}", loc)
    ranged = _range_match(text)
    if ranged is not None:
        return _parse_range(text, ranged, value, locale, loc)
    match = _FIGURE_RE.search(text)
    if match is None:
        raise parse_failure(value, "no number found", loc)
    comparison, approximate, directional = _prefix_comparison(text[: match.start()], value, loc)
    rest = text[match.end():].strip(" ,;")
    if re.search(r"\d", rest):
        raise parse_failure(value, "more than one number; split the text into single figures", loc)
    suffix = next((s for s in _SUFFIXES if rest.startswith(s) or rest.endswith(s)), None)
    if suffix is not None:
        s_cmp = _SUFFIXES[suffix]
        if directional and comparison[0] != s_cmp[0]:
            raise parse_failure(value, f"contradictory qualifiers ({comparison} and {suffix!r})", loc)
        comparison = comparison if directional else s_cmp
        rest = (rest[len(suffix):] if rest.startswith(suffix) else rest[: -len(suffix)]).strip()
    noun = _noun(rest, value, loc)
    num_text, den_text, scale_text = match.group("num"), match.group("den"), match.group("scale")
    if den_text is not None:
        if match.group("pct"):
            raise parse_failure(value, "a ratio cannot carry a percent sign", loc)
        if scale_text:
            raise parse_failure(value, "a scale word cannot follow a ratio", loc)
        try:
            num, den = parse_ratio(f"{num_text}/{den_text}", locale)
        except ParseError as err:
            raise parse_failure(value, err.reason, loc) from None
        return Figure(num / den, "ratio", comparison, value, approximate, num, den, noun)
    if scale_text and match.group("pct"):
        raise parse_failure(value, "a scale word cannot precede a percent sign", loc)
    number, integral, scale = _scaled(value, num_text, scale_text, locale, loc)
    if match.group("pct"):
        return Figure(_as_share(number, value, loc), "share", comparison, value, approximate,
                      noun=noun)
    result = to_python_number(number, integral, value, loc)
    unit = "count" if integral and result >= 0 else "number"
    return Figure(result, unit, comparison, value, approximate, noun=noun, scale=scale)


@dataclass(frozen=True)
class FoundFigure:
    """A figure located in running text by :func:`find_figures`.

    Attributes
    ----------
    figure : Figure
        The parsed figure; ``figure.raw`` is the matched text (qualifiers included).
    start, end : int
        Span of ``figure.raw`` in :func:`cchc_research.text.normalize_text` of the text (NFC,
        invisible characters removed, whitespace runs as one space, dashes as ``-``).
    """

    figure: Figure
    start: int
    end: int


def _qualifier_start(low: str, pos: int) -> int:
    """Start of the (up to two) qualifier words that end right before *pos*, else *pos*."""
    start = pos
    for _ in range(2):
        head = low[:start].rstrip()
        word = next((w for w in _BY_LENGTH if head.endswith(w) and (
            len(head) == len(w) or not w[0].isalpha() or not head[-len(w) - 1].isalnum())), None)
        if word is None:
            break
        start = len(head) - len(word)
    return start


def _looks_like_date_or_number(match: re.Match[str], after: str) -> bool:
    """True for ``15/12/2023``, ``61/2018/NĐ-CP``, ``98/2023``, ``3/2024`` and ``21/4``."""
    num, den = match.group("num").strip(), match.group("den").strip()
    if re.match(r"\s*/\s*\w", after):
        return True
    if re.fullmatch(r"(?:19|20)\d\d", den) and re.fullmatch(r"\d{1,4}", num):
        return True
    return bool(re.fullmatch(r"\d{1,2}", num) and re.fullmatch(r"\d{1,2}", den)
                and 1 <= int(num) <= 31 and 1 <= int(den) <= 12)


def _inside_token(low: str, start: int, end: int) -> bool:
    """True when ``low[start:end]`` is part of a longer token (a word, a date, a code)."""
    before = low[start - 1: start] if start else ""
    after = low[end: end + 2]
    return bool(before and (before.isalnum() or before in "/.,")) or after[:1] == "/" or bool(
        after[:1] and after[:1] in "-.\u2013" and after[1:2].isdigit())


def _ranges(low: str, kinds: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans (qualifiers and a trailing "trở lên" included) of the ranges worth reading in ``low``.

    Ranges inside a longer token (a date ``15-03-2024``, a code) and month-like pairs are skipped;
    so are ranges of plain numbers unless ``kinds`` asks for counts or numbers.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _range_match(low, pos)) is not None:
        pos = m.end("lo")
        if _inside_token(low, m.start("lo"), m.end()):
            continue
        if m.group("word") is None and date_like(f"{m.group('lo').strip()}-{m.group('hi').strip()}"):
            continue
        if not m.group("hipct") and not {"count", "number"} & set(kinds):
            continue
        start = m.start() if m.group("lead") else _qualifier_start(low, m.start())
        tail = re.match(r"\s*(trở lên|trở xuống|or more|or less)(?!\w)", low[m.end():])
        spans.append((start, m.end() + (tail.end() if tail else 0)))
        pos = m.end()
    return spans


def find_figures(text: Any, locale: Locale = "vi", *, kinds: tuple[str, ...] = ("share", "ratio"),
                 file: str | None = None, row: int | None = None,
                 column: str | None = None) -> list[FoundFigure]:
    """Find the percentages, ratios and ranges (with their qualifiers) in a sentence.

    Each range (``"25 - 35%"``, ``"từ 25 đến 35%"``), each number followed by a percent sign
    and each ``a/b`` ratio that does not look like a date or a document number
    (``15/12/2023``, ``21/4``, ``3/2024``, ``61/2018/NĐ-CP``) is taken with the qualifier
    words just before it (``"đạt trên"``), a scale word after it (``"2 triệu"``) and a
    ``trở lên``/``trở xuống`` just after it, then read by :func:`parse_figure`. The parts
    of a range are never reported as separate figures.

    Parameters
    ----------
    text : str
        Running text, e.g. a sentence quoted from a report.
    locale : {"vi", "en"}
        Number notation.
    kinds : tuple of str, default ("share", "ratio")
        Units to return; add ``"count"``/``"number"`` to get plain numbers (years too).
    file, row, column : optional
        Location copied into any error.

    Returns
    -------
    list of FoundFigure
        In order of appearance.

    Raises
    ------
    ParseError
        When a percentage, ratio or range in the text is malformed (``"12..5%"``, ``"35 - 25%"``):
        a bad figure is reported, never skipped.

    Examples
    --------
    >>> found = find_figures("Tỷ lệ hồ sơ đúng hạn đạt 95% trở lên vào năm 2025, "
    ...                      "trễ hạn dưới 4%.")
    >>> [(f.figure.raw, f.figure.comparison, f.figure.value) for f in found]
    [('đạt 95% trở lên', '>=', 0.95), ('dưới 4%', '<', 0.04)]
    >>> [(f.figure.low, f.figure.high) for f in find_figures("tăng từ 25 đến 35% mỗi năm")]
    [(0.25, 0.35)]
    """
    loc = {"file": file, "row": row, "column": column}
    check_locale(locale)
    if not isinstance(text, str):
        raise parse_failure(text, f"expected text, got {type(text).__name__}", loc)
    norm = normalize_text(text)  # one normalizer: qualifier words match whatever the spelling
    low = norm.lower() if len(norm.lower()) == len(norm) else norm
    found: list[FoundFigure] = []
    spans = _ranges(low, kinds)
    for start, end in spans:
        figure = parse_figure(norm[start:end], locale, **loc)
        if figure.unit in kinds:
            found.append(FoundFigure(figure, start, end))
    for match in _FIGURE_RE.finditer(low):
        if any(s <= match.start() < e for s, e in spans):
            continue
        is_ratio = match.group("den") is not None
        unit_kind = "share" if match.group("pct") else "ratio" if is_ratio else "number"
        after = low[match.end():]
        if _inside_token(low, match.start(), match.end()):  # a word, a date, a code
            continue
        if is_ratio and _looks_like_date_or_number(match, after):
            continue
        if unit_kind == "number" and not {"count", "number"} & set(kinds):
            continue
        start = _qualifier_start(low, match.start())
        end = match.end()
        tail = re.match(r"\s*(trở lên|trở xuống|or more|or less)(?!\w)", after)
        if tail:
            end += tail.end()
        figure = parse_figure(norm[start:end], locale, **loc)
        if figure.unit in kinds:
            found.append(FoundFigure(figure, start, end))
    return sorted(found, key=lambda f: f.start)
