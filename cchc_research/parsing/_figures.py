"""Qualified figures such as "95% trở lên" or "trên 60%" (see :mod:`cchc_research.parsing`)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cchc_research.errors import ParseError
from cchc_research.parsing._numbers import (
    _CTX,
    Locale,
    Number,
    _check_locale,
    _decimal,
    _fail,
    _normalize,
    _to_python,
    parse_ratio,
)

__all__ = ["Figure", "FoundFigure", "parse_figure", "find_figures", "COMPARISONS", "FIGURE_UNITS"]

#: Comparison operators a :class:`Figure` may carry.
COMPARISONS: tuple[str, ...] = (">=", ">", "<=", "<", "==")
#: Units a :class:`Figure` may carry (``share`` = fraction 0-1 read from a percentage).
FIGURE_UNITS: tuple[str, ...] = ("share", "count", "number", "ratio")


@dataclass(frozen=True)
class Figure:
    """A figure read from text: a value, its unit and how it compares (``>=``, ``==``, ...).

    Attributes
    ----------
    value : int or float
        Fractions for ``unit == "share"`` (``95%`` -> 0.95); ``numerator / denominator``
        for ``"ratio"``.
    unit : {"share", "count", "number", "ratio"}
        ``count`` for a non-negative integer, ``number`` for other plain numbers.
    comparison : {">=", ">", "<=", "<", "=="}
    raw : str
        The text exactly as given.
    approximate : bool
        True for "khoảng", "gần", "xấp xỉ", "about", "~" ...
    numerator, denominator : int or float, optional
        Set for ratios.
    noun : str, optional
        Trailing words naming what is counted ("thủ tục hành chính"), lower-cased.
    """

    value: Number
    unit: str
    comparison: str
    raw: str
    approximate: bool = False
    numerator: Number | None = None
    denominator: Number | None = None
    noun: str | None = None


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
_FIGURE_RE = re.compile(
    rf"(?P<num>{_NUM})(?:\s*/\s*(?P<den>{_NUM}))?"
    r"(?P<pct>\s*(?:%|％|phần trăm|per cent|percent|pct)(?![\w]))?"
)


def _prefix_comparison(prefix: str, value: Any, loc: dict[str, Any]) -> tuple[str, bool, bool]:
    """Return (comparison, approximate, directional) for the qualifier words before a number."""
    comparison, approximate, directional = "==", False, False
    rest = prefix.strip().rstrip(":").strip()
    while rest:
        word = next((w for w in _BY_LENGTH if rest == w or (rest.startswith(w) and (
            not w[-1].isalpha() or not rest[len(w)].isalpha()))), None)
        if word is None:
            raise _fail(value, f"unrecognised qualifier {rest!r} before the number", loc)
        cmp, approx = _PREFIXES[word]
        if cmp != "==":
            if directional:
                raise _fail(value, f"two comparison qualifiers in {prefix.strip()!r}", loc)
            comparison, directional = cmp, True
        approximate = approximate or approx
        rest = rest[len(word):].strip()
    return comparison, approximate, directional


def parse_figure(value: Any, locale: Locale = "vi", *, file: str | None = None,
                 row: int | None = None, column: str | None = None) -> Figure:
    """Parse a qualified figure such as ``"95% trở lên"``, ``"trên 60%"`` or ``"443.915/454.821"``.

    Qualifiers before the number: ``từ``/``tối thiểu``/``ít nhất`` (``>=``), ``trên``/``hơn``/
    ``cao hơn`` (``>``), ``không quá``/``tối đa`` (``<=``), ``dưới``/``ít hơn`` (``<``),
    ``khoảng``/``gần``/``xấp xỉ`` (``==``, approximate), ``đạt``/``chiếm``/``còn`` (``==``), and
    their English equivalents and symbols; after it: ``trở lên`` (``>=``), ``trở xuống`` (``<=``).
    ``đạt`` combines with a directional qualifier (``"đạt trên 90%"`` is ``>``).

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
        a malformed number, a zero denominator.

    Examples
    --------
    >>> parse_figure("trên 60%")
    Figure(value=0.6, unit='share', comparison='>', raw='trên 60%', approximate=False, numerator=None, denominator=None, noun=None)
    >>> f = parse_figure("khoảng 1.200 hồ sơ")
    >>> (f.value, f.unit, f.comparison, f.approximate, f.noun)
    (1200, 'count', '==', True, 'hồ sơ')
    >>> f = parse_figure("443.915/454.821")
    >>> (round(f.value, 4), f.unit, f.numerator, f.denominator)
    (0.976, 'ratio', 443915, 454821)
    """
    loc = {"file": file, "row": row, "column": column}
    _check_locale(locale)
    text = _normalize(value, loc).lower()
    text = re.sub(r"^[\-\u2013\u2022*]\s+", "", text)  # list bullet
    text = text.rstrip(" .,;!")
    match = _FIGURE_RE.search(text)
    if match is None:
        raise _fail(value, "no number found", loc)
    comparison, approximate, directional = _prefix_comparison(text[: match.start()], value, loc)
    rest = text[match.end():].strip(" ,;")
    if re.search(r"\d", rest):
        raise _fail(value, "more than one number; split the text into single figures", loc)
    suffix = next((s for s in _SUFFIXES if rest.startswith(s) or rest.endswith(s)), None)
    if suffix is not None:
        s_cmp = _SUFFIXES[suffix]
        if directional and comparison[0] != s_cmp[0]:
            raise _fail(value, f"contradictory qualifiers ({comparison} and {suffix!r})", loc)
        comparison = comparison if directional else s_cmp
        rest = (rest[len(suffix):] if rest.startswith(suffix) else rest[: -len(suffix)]).strip()
    if rest and not re.fullmatch(r"[^\W\d_][\w\s\-–,.()/]*", rest):
        raise _fail(value, f"unexpected text {rest!r} after the number", loc)
    noun = rest or None
    num_text, den_text = match.group("num"), match.group("den")
    if den_text is not None:
        if match.group("pct"):
            raise _fail(value, "a ratio cannot carry a percent sign", loc)
        try:
            num, den = parse_ratio(f"{num_text}/{den_text}", locale)
        except ParseError as err:
            raise _fail(value, err.reason, loc) from None
        return Figure(num / den, "ratio", comparison, value, approximate, num, den, noun)
    try:
        number, integral = _decimal(value, num_text.strip(), locale, loc)
    except ParseError as err:
        raise _fail(value, err.reason, loc) from None
    if match.group("pct"):
        share = float(_CTX.scaleb(number, -2))
        if not math.isfinite(share):
            raise _fail(value, "number too large for a float", loc)
        return Figure(share, "share", comparison, value, approximate, noun=noun)
    result = _to_python(number, integral, value, loc)
    unit = "count" if integral and result >= 0 else "number"
    return Figure(result, unit, comparison, value, approximate, noun=noun)


@dataclass(frozen=True)
class FoundFigure:
    """A figure located in running text by :func:`find_figures`.

    Attributes
    ----------
    figure : Figure
        The parsed figure; ``figure.raw`` is the matched text (qualifiers included).
    start, end : int
        Span of ``figure.raw`` in the NFC-normalized text.
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


def find_figures(text: Any, locale: Locale = "vi", *, kinds: tuple[str, ...] = ("share", "ratio"),
                 file: str | None = None, row: int | None = None,
                 column: str | None = None) -> list[FoundFigure]:
    """Find the percentages and ratios (with their qualifiers) in a sentence.

    Each number followed by a percent sign (and each ``a/b`` ratio that does not look like
    a date or a document number: ``15/12/2023``, ``21/4``, ``3/2024``,
    ``61/2018/NĐ-CP``) is taken with the qualifier words just before it
    (``"đạt trên"``) and a ``trở lên``/``trở xuống`` just after it, then read by
    :func:`parse_figure`.

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
        When a percentage or ratio in the text is malformed (``"12..5%"``): a bad figure
        is reported, never skipped.

    Examples
    --------
    >>> found = find_figures("Tỷ lệ hồ sơ đúng hạn đạt 95% trở lên vào năm 2025, "
    ...                      "trễ hạn dưới 4%.")
    >>> [(f.figure.raw, f.figure.comparison, f.figure.value) for f in found]
    [('đạt 95% trở lên', '>=', 0.95), ('dưới 4%', '<', 0.04)]
    """
    loc = {"file": file, "row": row, "column": column}
    _check_locale(locale)
    if not isinstance(text, str):
        raise _fail(text, f"expected text, got {type(text).__name__}", loc)
    norm = unicodedata.normalize("NFC", text)
    low = norm.lower() if len(norm.lower()) == len(norm) else norm
    found: list[FoundFigure] = []
    for match in _FIGURE_RE.finditer(low):
        is_ratio = match.group("den") is not None
        unit_kind = "share" if match.group("pct") else "ratio" if is_ratio else "number"
        before, after = low[max(0, match.start() - 1): match.start()], low[match.end():]
        if before.isalnum() or before in "/.,":  # inside a word or a longer token
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
    return found
