"""Tests for cchc_research.parsing: examples, malformed inputs and hypothesis properties."""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_research.errors import CCHCError, DataError, ParseError
from cchc_research.text import normalize_text
from cchc_research.parsing import (
    COMPARISONS,
    FIGURE_UNITS,
    Figure,
    find_figures,
    format_number,
    format_percent,
    parse_figure,
    parse_number,
    parse_percent,
    parse_ratio,
    parse_series,
)
from refusals import assert_refuses

settings.register_profile(
    "cchc-parsing", derandomize=True, max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile("cchc-parsing")


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("544.806", 544806),
        ("1.626", 1626),
        ("0,31", 0.31),
        ("2.522.782", 2522782),
        ("1 626", 1626),
        ("1\u00a0626", 1626),
        ("1\u2009626", 1626),
        ("1\u202f626,5", 1626.5),
        ("  42  ", 42),
        ("1  626", 1626),  # runs of whitespace collapse (PDF extraction)
        ("-1.234,5", -1234.5),
        ("\u22123", -3),
        ("+7", 7),
        ("0", 0),
        ("2024", 2024),
        ("1234567", 1234567),
        ("1,0", 1.0),
        ("0,0031", 0.0031),
    ],
)
def test_parse_number_vi(text, expected):
    result = parse_number(text)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,626", 1626), ("0.31", 0.31), ("2,522,782.5", 2522782.5), ("91.87", 91.87)],
)
def test_parse_number_en(text, expected):
    result = parse_number(text, locale="en")
    assert result == expected
    assert type(result) is type(expected)


def test_parse_number_passes_numbers_through():
    assert parse_number(5) == 5 and type(parse_number(5)) is int
    assert parse_number(np.int64(7)) == 7
    assert parse_number(0.5) == 0.5


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("12.5", "exactly 3 digits"),
        ("1.2345", "exactly 3 digits"),
        ("12..5", "empty digit group"),
        ("1.626.", "empty digit group"),
        (".626", "empty digit group"),
        ("97,6,1", "more than one decimal separator"),
        ("abc", "unexpected character 'a'"),
        ("12a", "unexpected character 'a'"),
        ("97,6%", "use parse_percent"),
        ("", "empty"),
        ("   ", "empty"),
        ("\u00a0", "empty"),
        ("0.310", "leading zero"),
        ("1234.567", "1-3 digits"),
        ("1 626.000", "mixes thousands separators"),
        (",5", "no digits before"),
        ("5,", "no digits after"),
        ("1,2.3", "after the decimal separator"),
        ("-", "sign without digits"),
        ("- 5", "space between the sign"),
        ("1e5", "unexpected character 'e'"),
        ("٣", "unexpected character"),
        ("１２", "unexpected character"),
    ],
)
def test_parse_number_malformed_vi(text, reason_part):
    assert_refuses(parse_number, text, ParseError, reason_part)


@pytest.mark.parametrize("text", ["0,31", "12,5", "1.5.0", "1,2,3,4"])
def test_parse_number_malformed_en(text):
    with pytest.raises(ParseError):
        parse_number(text, locale="en")


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), np.nan, True, [1], b"12"])
def test_parse_number_rejects_non_numbers(value):
    with pytest.raises(ParseError):
        parse_number(value)


def test_error_is_located_and_structured():
    with pytest.raises(ParseError) as info:
        parse_number("12..5", file="raw/a.csv", row=4, column="so_ho_so")
    err = info.value
    assert (err.file, err.row, err.column, err.value) == ("raw/a.csv", 4, "so_ho_so", "12..5")
    assert str(err).startswith("raw/a.csv, row 4, column 'so_ho_so': value '12..5'")
    assert err.as_dict()["reason"] == err.reason
    assert isinstance(err, ValueError) and isinstance(err, CCHCError)


def test_unknown_locale():
    with pytest.raises(ParseError, match="locale"):
        parse_number("1", locale="fr")


def test_huge_numbers_are_rejected_not_crashing():
    with pytest.raises(ParseError):
        parse_number("9" * 5000)
    with pytest.raises(ParseError, match="too large"):
        parse_number("9" * 400 + ",5")
    assert parse_number("9" * 400) == int("9" * 400)


# ----------------------------------------------------------------------------- percentages
@pytest.mark.parametrize(
    ("text", "expected", "locale"),
    [
        ("97,6%", 0.976, "vi"),
        ("0,31 %", 0.0031, "vi"),
        ("97,6 phần trăm", 0.976, "vi"),
        ("97,6 PHẦN TRĂM", 0.976, "vi"),
        (unicodedata.normalize("NFD", "97,6 phần trăm"), 0.976, "vi"),  # decomposed diacritics
        ("100%", 1.0, "vi"),
        ("18,2%", 0.182, "vi"),
        ("17,67%", 0.1767, "vi"),
        ("-1,5%", -0.015, "vi"),
        ("1.250%", 12.5, "vi"),
        ("91.87 percent", 0.9187, "en"),
        ("91.87 per cent", 0.9187, "en"),
        ("3.5 pct", 0.035, "en"),
        ("45％", 0.45, "vi"),
    ],
)
def test_parse_percent(text, expected, locale):
    assert parse_percent(text, locale=locale) == expected


def test_parse_percent_without_symbol():
    with pytest.raises(ParseError, match="no percent sign"):
        parse_percent("97,6")
    assert parse_percent("97,6", require_symbol=False) == 0.976


@pytest.mark.parametrize("text", ["97,6,1%", "%", "12..5%", "97,6%%", "abc%", "% 97", ""])
def test_parse_percent_malformed(text):
    with pytest.raises(ParseError):
        parse_percent(text)


# ----------------------------------------------------------------------------- ratios
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("443.915/454.821", (443915, 454821)),
        ("13/24", (13, 24)),
        ("13 / 24", (13, 24)),
        ("1,5/3", (1.5, 3)),
    ],
)
def test_parse_ratio(text, expected):
    assert parse_ratio(text) == expected


def test_parse_ratio_proper():
    assert parse_ratio("24/24", proper=True) == (24, 24)
    with pytest.raises(ParseError, match="numerator larger"):
        parse_ratio("25/24", proper=True)
    with pytest.raises(ParseError, match="negative"):
        parse_ratio("-1/24", proper=True)
    assert parse_ratio("25/24") == (25, 24)


# ----------------------------------------------------------------------------- figures
@pytest.mark.parametrize(
    ("text", "comparison", "value", "unit"),
    [
        ("95% trở lên", ">=", 0.95, "share"),
        ("trên 60%", ">", 0.60, "share"),
        ("Trên 60%", ">", 0.60, "share"),
        ("dưới 4%", "<", 0.04, "share"),
        ("từ 96%", ">=", 0.96, "share"),
        ("đạt 98%", "==", 0.98, "share"),
        ("từ 50% trở lên", ">=", 0.50, "share"),
        ("đạt 95% trở lên", ">=", 0.95, "share"),
        ("đạt trên 90%.", ">", 0.90, "share"),
        ("không quá 5%", "<=", 0.05, "share"),
        ("tối đa 10 ngày", "<=", 10, "count"),
        ("tối thiểu 40%", ">=", 0.40, "share"),
        ("ít nhất 3", ">=", 3, "count"),
        ("100%", "==", 1.0, "share"),
        ("ít hơn 2%", "<", 0.02, "share"),
        ("cao hơn 5%", ">", 0.05, "share"),
        ("hơn 1.000 hồ sơ", ">", 1000, "count"),
        ("3 ngày trở xuống", "<=", 3, "count"),
        ("chiếm 18,2%", "==", 0.182, "share"),
        ("còn 0,31 % hồ sơ trễ hẹn", "==", 0.0031, "share"),
        ("≥95%", ">=", 0.95, "share"),
        ("> 90%", ">", 0.90, "share"),
        ("0,31", "==", 0.31, "number"),
        ("-5", "==", -5, "number"),
        ("544.806", "==", 544806, "count"),
        ("- 100% các văn bản, tài liệu", "==", 1.0, "share"),
    ],
)
def test_parse_figure_vi(text, comparison, value, unit):
    fig = parse_figure(text)
    assert (fig.comparison, fig.value, fig.unit) == (comparison, value, unit)
    assert fig.raw == text
    assert not fig.approximate


@pytest.mark.parametrize(
    ("text", "comparison", "value"),
    [
        ("at least 95 percent", ">=", 0.95),
        ("more than 60%", ">", 0.60),
        ("less than 4%", "<", 0.04),
        ("at most 1,000", "<=", 1000),
        ("95% or more", ">=", 0.95),
        ("about 91.87%", "==", 0.9187),
    ],
)
def test_parse_figure_en(text, comparison, value):
    fig = parse_figure(text, locale="en")
    assert (fig.comparison, fig.value) == (comparison, value)


@pytest.mark.parametrize("text", ["khoảng 50%", "gần 90%", "xấp xỉ 1.200", "~ 95%", "ước đạt 97%"])
def test_parse_figure_approximate(text):
    fig = parse_figure(text)
    assert fig.comparison == "==" and fig.approximate


def test_parse_figure_ratio_and_noun():
    fig = parse_figure("443.915/454.821 hồ sơ")
    assert fig.unit == "ratio"
    assert (fig.numerator, fig.denominator) == (443915, 454821)
    assert fig.value == pytest.approx(443915 / 454821)
    assert fig.noun == "hồ sơ"
    assert parse_figure("100% thủ tục hành chính").noun == "thủ tục hành chính"


def test_figure_is_frozen():
    fig = parse_figure("trên 60%")
    with pytest.raises(AttributeError):
        fig.value = 1  # type: ignore[misc]
    assert isinstance(fig, Figure) and hash(fig) == hash(parse_figure("trên 60%"))


@pytest.mark.parametrize(
    ("parse", "text", "reason_part"),
    [
        # parse_ratio
        (parse_ratio, "5/0", "zero denominator"),
        (parse_ratio, "5/0,0", "zero denominator"),
        (parse_ratio, "13", "exactly one '/'"),
        (parse_ratio, "1/2/3", "exactly one '/'"),
        (parse_ratio, "/24", "both sides"),
        (parse_ratio, "13/", "both sides"),
        (parse_ratio, "12..5/3", "empty digit group"),
        # parse_figure
        (parse_figure, "97,6,1%", "more than one decimal separator"),
        (parse_figure, "", "empty"),
        (parse_figure, "12..5", "empty digit group"),
        (parse_figure, "abc", "no number"),
        (parse_figure, "đạt 95% trở lên vào năm 2025", "more than one number"),
        (parse_figure, "dưới 5% trở lên", "contradictory"),
        (parse_figure, "trên dưới 5%", "two comparison qualifiers"),
        (parse_figure, "tăng 1,16%", "unrecognised qualifier 'tăng'"),
        (parse_figure, "tỷ lệ 97,6%", "unrecognised qualifier"),
        (parse_figure, "5/0", "zero denominator"),
        (parse_figure, "1/2%", "ratio cannot carry a percent"),
        (parse_figure, "12.5%", "exactly 3 digits"),
        (parse_figure, "60% + x", "unexpected text"),
        # scale words misused
        (parse_figure, "2 tr", "ambiguous abbreviation 'tr'"),
        (parse_figure, "5k", "ambiguous abbreviation 'k'"),
        (parse_figure, "3 bn", "ambiguous abbreviation 'bn'"),
        (parse_figure, "2 triệu%", "scale word cannot precede a percent"),
        (parse_figure, "1/2 triệu", "scale word cannot follow a ratio"),
        (parse_figure, "2 triệu 500 nghìn", "more than one number"),
    ],
)
def test_parse_malformed(parse, text, reason_part):
    assert_refuses(parse, text, ParseError, reason_part, file="seed.txt", row=9, column="raw")


# ----------------------------------------------------------------------------- find_figures
def test_find_figures_in_sentences():
    text = ("Tỷ lệ hồ sơ trễ hạn còn dưới 4%, mỗi năm tiếp theo giảm thêm 1%; "
            "hệ thống đã giải quyết 443.915/454.821 hồ sơ (đạt tỷ lệ 97,6%) "
            "theo Nghị định 61/2018/NĐ-CP, từ 15/12/2023 đến 14/3/2024, ngày 21/4.")
    found = find_figures(text)
    got = [(f.figure.raw, f.figure.comparison, f.figure.unit) for f in found]
    assert got == [
        ("còn dưới 4%", "<", "share"),
        ("1%", "==", "share"),
        ("443.915/454.821", "==", "ratio"),
        ("đạt tỷ lệ 97,6%", "==", "share"),
    ]
    assert all(text[f.start:f.end] == f.figure.raw for f in found)


def test_find_figures_kinds_and_errors():
    assert [f.figure.value for f in find_figures("năm 2025 đạt 1.200 hồ sơ", kinds=("count",))] \
        == [2025, 1200]
    assert find_figures("không có số liệu") == []
    with pytest.raises(ParseError) as info:
        find_figures("tỷ lệ 12..5% hồ sơ", file="seed.txt", row=3)
    assert info.value.row == 3 and "empty digit group" in info.value.reason
    with pytest.raises(ParseError):
        find_figures(None)


# ----------------------------------------------------------------------------- series
def test_parse_series_collects_located_errors():
    raw = pd.Series(["97,6%", "97,6,1%", None, "0,31 %", "abc"], name="ty_le")
    values, errors = parse_series(raw, "percent", file="raw/x.csv", row_offset=1)
    assert values.dtype == "float64"
    assert values.iloc[0] == 0.976 and values.iloc[3] == 0.0031
    assert values.iloc[[1, 2, 4]].isna().all()
    assert [(e.row, e.column, e.file, e.value) for e in errors] == [
        (2, "ty_le", "raw/x.csv", "97,6,1%"),
        (5, "ty_le", "raw/x.csv", "abc"),
    ]


def test_parse_series_kinds_and_missing():
    ints, errs = parse_series(pd.Series(["1.626", "544.806"]), "number")
    assert ints.dtype == "Int64" and ints.tolist() == [1626, 544806] and not errs
    mixed, _ = parse_series(pd.Series(["1.626", "0,5"]), "number")
    assert mixed.dtype == "float64"
    ratios, _ = parse_series(pd.Series(["13/24"]), "ratio")
    assert ratios.iloc[0] == (13, 24)
    figs, _ = parse_series(pd.Series(["trên 60%"]), "figure")
    assert figs.iloc[0].comparison == ">"
    _, errs = parse_series(pd.Series([None, float("nan")]), "number", allow_missing=False,
                           column="n", row_offset=2)
    assert [e.row for e in errs] == [2, 3] and all(e.column == "n" for e in errs)
    with pytest.raises(ParseError, match="unknown kind"):
        parse_series(pd.Series(["1"]), "date")


# ----------------------------------------------------------------------------- formatting
@pytest.mark.parametrize(
    ("x", "locale", "decimals", "expected"),
    [
        (2522782, "vi", None, "2.522.782"),
        (0.976, "vi", None, "0,976"),
        (-1234.5, "vi", None, "-1.234,5"),
        (1234.5, "en", None, "1,234.5"),
        (97.64, "vi", 1, "97,6"),
        (97.65, "vi", 1, "97,7"),  # repr 97.65 -> half up
        (1000, "vi", 2, "1.000,00"),
        (Decimal("1E+3"), "vi", None, "1.000"),
        (999, "vi", None, "999"),
    ],
)
def test_format_number(x, locale, decimals, expected):
    assert format_number(x, locale, decimals) == expected


@pytest.mark.parametrize("x", [float("nan"), float("inf"), "12", None, True])
def test_format_number_rejects(x):
    with pytest.raises(DataError):
        format_number(x)


def test_format_percent():
    assert format_percent(0.976) == "97,6%"
    assert format_percent(0.0031) == "0,31%"
    assert format_percent(1) == "100%"
    assert format_percent(0.9187, "en") == "91.87%"


# ----------------------------------------------------------------------------- properties
finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@PROFILE
@given(st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from(["vi", "en"]))
def test_roundtrip_integers(n, locale):
    text = format_number(n, locale)
    assert parse_number(text, locale=locale) == n
    assert type(parse_number(text, locale=locale)) is int


@PROFILE
@given(finite_floats, st.sampled_from(["vi", "en"]))
def test_roundtrip_floats(x, locale):
    assert parse_number(format_number(x, locale), locale=locale) == x


@PROFILE
@given(st.decimals(allow_nan=False, allow_infinity=False, places=3,
                   min_value=-10**9, max_value=10**9))
def test_roundtrip_decimals_fixed_places(d):
    assert parse_number(format_number(d)) == pytest.approx(float(d), rel=0, abs=0)


@PROFILE
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([" ", "\u00a0", "\u2009"]))
def test_space_grouping_roundtrip(n, space):
    assert parse_number(format_number(n).replace(".", space)) == n


@PROFILE
@given(st.floats(min_value=-10, max_value=10, allow_nan=False), st.sampled_from(["vi", "en"]))
def test_roundtrip_percent(x, locale):
    assert parse_percent(format_percent(x, locale), locale=locale) == x


@PROFILE
@given(st.integers(min_value=0, max_value=1000).map(lambda k: k / 1000))
def test_percent_with_one_decimal_is_exact(share):
    text = format_percent(share, decimals=1)
    assert parse_percent(text) == float(Decimal(text[:-1].replace(",", ".")) / 100)


@PROFILE
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**9))
def test_roundtrip_ratio(num, den):
    assert parse_ratio(f"{format_number(num)}/{format_number(den)}") == (num, den)
    fig = parse_figure(f"{format_number(num)}/{format_number(den)}")
    assert fig.unit == "ratio" and fig.value == num / den


@PROFILE
@given(st.sampled_from(sorted({">=": "từ", ">": "trên", "<": "dưới", "<=": "tối đa"}.items())),
       st.integers(min_value=0, max_value=1000))
def test_figure_qualifier_roundtrip(pair, tenths):
    comparison, word = pair
    share = tenths / 1000
    fig = parse_figure(f"{word} {format_percent(share)}")
    assert fig.comparison == comparison and fig.value == share and fig.unit == "share"


_PARSE_FUNCS = [parse_number, parse_percent, parse_ratio, parse_figure, find_figures]
_ALPHABET = st.sampled_from(list("0123456789.,%/ -+\u00a0\u2212abtrênđạdưới") + ["phần trăm",
                            "trở lên", "từ ", "khoảng "])


@PROFILE
@given(st.text(), st.sampled_from(_PARSE_FUNCS), st.sampled_from(["vi", "en"]))
def test_arbitrary_text_only_raises_parse_error(text, func, locale):
    _parse_or_refuse(func, text, locale)


@PROFILE
@given(st.lists(_ALPHABET, max_size=12).map("".join), st.sampled_from(_PARSE_FUNCS),
       st.sampled_from(["vi", "en"]))
def test_number_like_text_only_raises_parse_error(text, func, locale):
    _parse_or_refuse(func, text, locale)


def _parse_or_refuse(func, text, locale):
    """``func(text)`` gives a well-formed result or a ParseError naming ``text``, nothing else."""
    try:
        result = func(text, locale=locale)
    except ParseError as err:
        assert err.reason and (err.value == text or func is find_figures)
        return
    _check_result(func, result)


def _check_result(func, result):
    if func is parse_number:
        assert isinstance(result, int) or math.isfinite(result)
    elif func is parse_percent:
        assert isinstance(result, float) and math.isfinite(result)
    elif func is parse_ratio:
        assert len(result) == 2 and result[1] != 0
    elif func is find_figures:
        assert all(f.figure.unit in ("share", "ratio") for f in result)
    else:
        assert result.comparison in COMPARISONS and result.unit in FIGURE_UNITS


# ----------------------------------------------------------------------------- scale words (issue 8)
@pytest.mark.parametrize(
    ("text", "locale", "value", "unit", "comparison", "approximate", "noun"),
    [
        ("hơn 2 triệu", "vi", 2_000_000, "count", ">", False, None),
        ("2,5 triệu hồ sơ", "vi", 2_500_000, "count", "==", False, "hồ sơ"),
        ("khoảng 1,2 tỷ đồng", "vi", 1_200_000_000, "count", "==", True, "đồng"),
        ("1,2 tỉ", "vi", 1_200_000_000, "count", "==", False, None),
        ("10 nghìn tỷ", "vi", 10 * 10**12, "count", "==", False, None),
        ("3 ngàn", "vi", 3000, "count", "==", False, None),
        ("3 nghìn hồ sơ trở lên", "vi", 3000, "count", ">=", False, "hồ sơ"),
        ("gần 2 trieu", "vi", 2_000_000, "count", "==", True, None),
        ("1,2345 nghìn", "vi", 1234.5, "number", "==", False, None),
        ("-2 triệu", "vi", -2_000_000, "number", "==", False, None),
        ("Hơn 2 Triệu", "vi", 2_000_000, "count", ">", False, None),
        ("hơn 2\u00a0triệu", "vi", 2_000_000, "count", ">", False, None),
        ("more than 2.5 million", "en", 2_500_000, "count", ">", False, None),
        ("about 3 billion dossiers", "en", 3_000_000_000, "count", "==", True, "dossiers"),
        ("1,234 thousand", "en", 1_234_000, "count", "==", False, None),
        ("2 trillion", "en", 2 * 10**12, "count", "==", False, None),
    ],
)
def test_scale_words_are_applied(text, locale, value, unit, comparison, approximate, noun):
    fig = parse_figure(text, locale)
    assert fig.value == value and type(fig.value) is type(value)
    assert (fig.unit, fig.comparison, fig.approximate, fig.noun) == (unit, comparison, approximate, noun)
    assert fig.scale in (1000, 10**6, 10**9, 10**12)


def test_ty_le_is_not_a_scale_word():
    fig = parse_figure("95 tỷ lệ")
    assert (fig.value, fig.scale, fig.noun) == (95, 1, "tỷ lệ")
    found = find_figures("năm 2024 tỷ lệ đạt 95%", kinds=("share", "count"))
    assert [f.figure.value for f in found] == [2024, 0.95]


def test_find_figures_applies_scale_words():
    found = find_figures("đã tiếp nhận hơn 2 triệu hồ sơ, đạt 95%", kinds=("count", "share"))
    assert [(f.figure.raw, f.figure.value) for f in found] == [("hơn 2 triệu", 2_000_000), ("đạt 95%", 0.95)]


_SCALES = st.sampled_from(sorted(__import__("cchc_research.parsing", fromlist=["SCALE_WORDS"]).SCALE_WORDS.items()))


@PROFILE
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99), _SCALES)
def test_scaled_decimals_are_exact(whole, hundredths, scale):
    word, power = scale
    text = f"{whole},{hundredths:02d} {word}"
    fig = parse_figure(text)
    expected = (Decimal(whole) + Decimal(hundredths) / 100) * 10**power
    assert fig.value == (int(expected) if expected == expected.to_integral_value() else float(expected))
    assert fig.scale == 10**power and fig.comparison == "=="


# ----------------------------------------------------------------------------- months and dates (issue 8)
@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("12/2024", "looks like a month (12/2024)"),
        ("03/2024", "looks like a month (03/2024)"),
        ("3/2024", "looks like a month"),
        ("15/03/2024", "looks like a date"),
        ("15/03/24", "looks like a date"),
        ("15/03", "zero-padded"),
        ("21/4", "day 21, month 4"),
    ],
)
def test_months_and_dates_are_not_ratios(text, reason_part):
    err = assert_refuses(parse_ratio, text, ParseError, reason_part, file="f.csv", row=4, column="ratio")
    assert "allow_date_like=True" in err.reason
    with pytest.raises(ParseError, match="looks like a"):
        parse_figure(text)


@pytest.mark.parametrize("text", ["15-03-2024", "15.03.2024", "2024-03-15", "03-2024", "3-2024"])
def test_dates_are_not_figures_or_ranges(text):
    with pytest.raises(ParseError, match="looks like a"):
        parse_figure(text)


def test_date_like_escape_hatch_and_true_ratios():
    assert parse_ratio("12/2024", allow_date_like=True) == (12, 2024)
    assert parse_ratio("1/12") == (1, 12) and parse_ratio("3/4") == (3, 4)
    assert parse_ratio("13/2024") == (13, 2024)  # 13 is no month
    assert parse_figure("443.915/454.821").unit == "ratio"


@PROFILE
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1900, max_value=2099),
       st.booleans(), st.sampled_from(["/", " / "]))
def test_every_month_year_is_refused(month, year, pad, sep):
    text = f"{month:02d}{sep}{year}" if pad else f"{month}{sep}{year}"
    with pytest.raises(ParseError, match="looks like a month"):
        parse_ratio(text)


@PROFILE
@given(st.dates(min_value=__import__("datetime").date(1990, 1, 1), max_value=__import__("datetime").date(2099, 12, 31)),
       st.sampled_from(["/", "-", "."]))
def test_every_full_date_is_refused(day, sep):
    text = f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"
    for func in (parse_ratio, parse_figure, parse_number):
        with pytest.raises(ParseError):
            func(text)


# ----------------------------------------------------------------------------- ranges (issue 8)
@pytest.mark.parametrize(
    ("text", "locale", "low", "high", "unit", "approximate", "noun"),
    [
        ("25 - 35%", "vi", 0.25, 0.35, "share", False, None),
        ("25–35 %", "vi", 0.25, 0.35, "share", False, None),
        ("25—35%", "vi", 0.25, 0.35, "share", False, None),
        ("từ 25 đến 35%", "vi", 0.25, 0.35, "share", False, None),
        ("từ 25% đến 35%", "vi", 0.25, 0.35, "share", False, None),
        ("25% - 35%", "vi", 0.25, 0.35, "share", False, None),
        ("khoảng 25-35%", "vi", 0.25, 0.35, "share", True, None),
        ("trong khoảng 92,5 – 97,6%", "vi", 0.925, 0.976, "share", False, None),
        ("đạt 25 tới 35% hồ sơ", "vi", 0.25, 0.35, "share", False, "hồ sơ"),
        ("3-5 ngày", "vi", 3, 5, "count", False, "ngày"),
        ("2-3 triệu", "vi", 2_000_000, 3_000_000, "count", False, None),
        ("1.200 - 1.500 hồ sơ", "vi", 1200, 1500, "count", False, "hồ sơ"),
        ("between 25 and 35%", "en", 0.25, 0.35, "share", False, None),
        ("from 2.5 to 3.5 million", "en", 2_500_000, 3_500_000, "count", False, None),
        ("-5 - 5%", "vi", -0.05, 0.05, "share", False, None),
    ],
)
def test_ranges_are_intervals(text, locale, low, high, unit, approximate, noun):
    fig = parse_figure(text, locale)
    assert fig.comparison == "between" and fig.value is None
    assert (fig.low, fig.high, fig.unit, fig.approximate, fig.noun) == (low, high, unit, approximate, noun)
    assert "between" in COMPARISONS


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("35 - 25%", "wrong order"),
        ("25% - 35", "lower bound only"),
        ("trên 25-35%", "cannot also be a bound"),
        ("25 - 35% trở lên", "cannot carry 'trở lên'"),
        ("2 triệu - 3", "scale word on the lower bound only"),
        ("25 - 35 - 45%", "more than one number"),
        ("25 and 35%", "more than one number"),
        ("03-2024", "looks like a month"),
    ],
)
def test_bad_ranges_are_refused(text, reason_part):
    assert_refuses(parse_figure, text, ParseError, reason_part, file="f.csv", row=7)


def test_find_figures_reads_ranges_whole():
    text = ("Tỷ lệ hồ sơ trực tuyến tăng từ 25 đến 35%, có nơi 40–45 %; "
            "từ 15/12/2023 đến 14/3/2024; ngày 15-03-2024 đạt 90%.")
    found = find_figures(text)
    got = [(f.figure.raw, f.figure.comparison, f.figure.value, f.figure.low, f.figure.high) for f in found]
    assert got == [("từ 25 đến 35%", "between", None, 0.25, 0.35),
                   ("40-45 %", "between", None, 0.40, 0.45),
                   ("đạt 90%", "==", 0.9, None, None)]
    norm = normalize_text(text)
    assert all(norm[f.start:f.end] == f.figure.raw for f in found)


@pytest.mark.parametrize("noise", ["\u200b", "\u00ad", "\u2060"])
def test_find_figures_sees_qualifiers_through_invisible_characters(noise):
    """A zero-width character inside 'trên' must not turn '> 60%' into '== 60%'."""
    found = find_figures(f"tỷ lệ đạt tr{noise}ên 60% và dư{noise}ới 5%")
    assert [(f.figure.comparison, f.figure.value) for f in found] == [(">", 0.6), ("<", 0.05)]
    found = find_figures(unicodedata.normalize("NFD", "tỷ lệ trên\u00a060%"))
    assert [(f.figure.comparison, f.figure.value) for f in found] == [(">", 0.6)]
    with pytest.raises(ParseError, match="wrong order"):
        find_figures("giảm 35 - 25%")


_DASHES = st.sampled_from(["-", " - ", "–", " – ", "—", "\u2212", " đến "])


@PROFILE
@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000), _DASHES,
       st.booleans(), st.booleans())
def test_range_roundtrip(a, b, sep, both_pct, lead):
    lo, hi = min(a, b), max(a, b)
    text = f"{'từ ' if lead else ''}{format_number(lo / 10)}{'%' if both_pct else ''}{sep}{format_number(hi / 10)}%"
    fig = parse_figure(text)
    assert (fig.comparison, fig.unit) == ("between", "share")
    assert fig.low == float(Decimal(lo) / 1000) and fig.high == float(Decimal(hi) / 1000)


@PROFILE
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6), _DASHES)
def test_reversed_ranges_always_refused(lo, gap, sep):
    with pytest.raises(ParseError, match="wrong order"):
        parse_figure(f"{lo + gap}{sep}{lo}")


# ----------------------------------------------------------------------------- text normalization in numbers
@pytest.mark.parametrize(
    ("text", "expected"),
    [("1\u200b234", 1234), ("\u20135", -5), ("\u22125", -5), ("1\u00a0234,5", 1234.5),
     (unicodedata.normalize("NFD", "hơn 2 triệu"), 2_000_000)],
)
def test_numbers_use_the_text_normalizer(text, expected):
    assert parse_figure(text).value == expected
