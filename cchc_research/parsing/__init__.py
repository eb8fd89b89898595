"""Read numbers, percentages, ratios and qualified figures written the Vietnamese way.

In Vietnamese (``locale="vi"``) the dot groups thousands and the comma marks decimals:
``"544.806"`` is 544 806 and ``"0,31"`` is 0.31. English (``locale="en"``) is the reverse.
A dot (vi) followed by anything but exactly three digits is *malformed*, never guessed:
``"12.5"`` raises :class:`~cchc_research.errors.ParseError` in Vietnamese. Thousands may also
be grouped by (non-breaking, thin) spaces: ``"1 626"``.

Integers come back as :class:`int`, decimals as :class:`float` (converted from an exact
:class:`~decimal.Decimal`, so ``parse_percent("97,6%") == 0.976`` holds exactly). Every
function takes ``file=``, ``row=``, ``column=`` so that an error names where the value was.

Text first goes through :func:`cchc_research.text.normalize_text` (NFC, invisible and odd
spaces, dash variants). :func:`parse_figure` applies scale words (nghìn/ngàn, triệu, tỷ/tỉ,
nghìn tỷ; thousand, million, billion, trillion: :data:`SCALE_WORDS`) and keeps the
qualifiers; reads ranges (``"25 - 35%"``, ``"từ 25 đến 35%"``) as ``comparison="between"``
with ``low``/``high``; and refuses months and dates (``"12/2024"``, ``"15/03/2024"``, see
:func:`date_like`), which :func:`parse_ratio` refuses too unless ``allow_date_like=True``.

Examples
--------
>>> parse_number("2.522.782"), parse_number("0,31"), parse_number("1,626", locale="en")
(2522782, 0.31, 1626)
>>> parse_percent("97,6%"), parse_ratio("443.915/454.821")
(0.976, (443915, 454821))
>>> f = parse_figure("95% trở lên")
>>> f.comparison, f.value, f.unit
('>=', 0.95, 'share')
>>> parse_figure("hơn 2 triệu").value
2000000
>>> r = parse_figure("25 - 35%")
>>> r.comparison, r.low, r.high
('between', 0.25, 0.35)
>>> parse_number("12.5")
Traceback (most recent call last):
...
cchc_research.errors.ParseError: value '12.5': '.' groups thousands in Vietnamese and must be followed by exactly 3 digits (found '5'); write decimals with ','
"""
from __future__ import annotations

from cchc_research.parsing._figures import (
    COMPARISONS,
    FIGURE_UNITS,
    SCALE_WORDS,
    Figure,
    FoundFigure,
    find_figures,
    parse_figure,
)
from cchc_research.parsing._numbers import (
    date_like,
    format_number,
    format_percent,
    parse_number,
    parse_percent,
    parse_ratio,
)
from cchc_research.parsing._series import parse_series

__all__ = [
    "Figure",
    "parse_number",
    "parse_percent",
    "parse_ratio",
    "parse_figure",
    "find_figures",
    "FoundFigure",
    "parse_series",
    "format_number",
    "format_percent",
    "COMPARISONS",
    "FIGURE_UNITS",
    "SCALE_WORDS",
    "date_like",
]
