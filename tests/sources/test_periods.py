"""Tests for cchc_research.periods: labels, parsing, reporting windows, YTD flows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np

from cchc_research.catalog import aggregations
from cchc_research.errors import AggregationError, ParseError, PeriodError, SchemaError
from cchc_research.periods import (
    FREQS,
    FREQUENCIES,
    Period,
    as_date,
    parse_period,
    period_frame,
    period_index,
    period_index_sql,
    period_number,
    reporting_window,
    ytd_to_flows,
)
from refusals import assert_refuses

settings.register_profile("cchc-periods", derandomize=True, max_examples=200, deadline=None)
PROFILE = settings.get_profile("cchc-periods")


# ----------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "freq", "start", "end"),
    [
        ("quý I/2024", "quarter", "2024-01-01", "2024-03-31"),
        ("quý 1 năm 2024", "quarter", "2024-01-01", "2024-03-31"),
        ("Quý IV/2023", "quarter", "2023-10-01", "2023-12-31"),
        ("QUÝ II - 2022", "quarter", "2022-04-01", "2022-06-30"),
        ("6 tháng đầu năm 2019", "half", "2019-01-01", "2019-06-30"),
        ("6 tháng cuối năm 2019", "half", "2019-07-01", "2019-12-31"),
        ("9 tháng đầu năm 2023", "range", "2023-01-01", "2023-09-30"),
        ("9 tháng năm 2023", "range", "2023-01-01", "2023-09-30"),
        ("3 tháng đầu năm 2023", "quarter", "2023-01-01", "2023-03-31"),
        ("3 tháng cuối năm 2023", "quarter", "2023-10-01", "2023-12-31"),
        ("năm 2023", "year", "2023-01-01", "2023-12-31"),
        ("cả năm 2023", "year", "2023-01-01", "2023-12-31"),
        ("tháng 3/2024", "month", "2024-03-01", "2024-03-31"),
        ("tháng 03 năm 2024", "month", "2024-03-01", "2024-03-31"),
        ("tháng 2/2024", "month", "2024-02-01", "2024-02-29"),
        ("từ 15/12/2023 đến 14/3/2024", "range", "2023-12-15", "2024-03-14"),
        ("Từ ngày 15/12/2023 đến ngày 14/03/2024.", "range", "2023-12-15", "2024-03-14"),
        ("2024-Q1", "quarter", "2024-01-01", "2024-03-31"),
        ("2024-H1", "half", "2024-01-01", "2024-06-30"),
        ("2024-03", "month", "2024-03-01", "2024-03-31"),
        ("2024", "year", "2024-01-01", "2024-12-31"),
        ("2024-01-01..2024-12-31", "range", "2024-01-01", "2024-12-31"),
        ("Q3 2024", "quarter", "2024-07-01", "2024-09-30"),
        ("H2 2019", "half", "2019-07-01", "2019-12-31"),
        ("March 2024", "month", "2024-03-01", "2024-03-31"),
        ("sep 2024", "month", "2024-09-01", "2024-09-30"),
        ("2023-12-15 to 2024-03-14", "range", "2023-12-15", "2024-03-14"),
        ("  quy\u0301 I/2024 ", "quarter", "2024-01-01", "2024-03-31"),  # NFD input
    ],
)
def test_parse_period(text, freq, start, end):
    p = parse_period(text)
    assert (p.freq, p.start.isoformat(), p.end.isoformat()) == (freq, start, end)


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("quý V/2024", "quarter 5 does not exist"),
        ("quý 0/2024", "quarter 0 does not exist"),
        ("2024-Q5", "quarter 5"),
        ("2024-H3", "half-year 3"),
        ("tháng 13/2024", "month 13 does not exist"),
        ("tháng 0/2024", "month 0"),
        ("2024-13", "month 13"),
        ("năm 20245", "4 digits"),
        ("năm 24", "4 digits"),
        ("1899", "outside 1900-2100"),
        ("từ 14/3/2024 đến 15/12/2023", "ends (2023-12-15) before it starts"),
        ("2024-03-14..2023-12-15", "before it starts"),
        ("31/2/2024 - 1/3/2024", "not a valid date"),
        ("2024-02-30..2024-03-01", "not an ISO date"),
        ("13 tháng đầu năm 2023", "not a part of a year"),
        ("Marc 2024", "unknown month name"),
        ("quý I", "not a recognised"),
        ("abc", "not a recognised"),
        ("năm ٢٠٢٤", "not a recognised"),  # non-ASCII digits are not read
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_parse_period_rejects(text, reason_part):
    assert isinstance(assert_refuses(parse_period, text, PeriodError, reason_part), ParseError)


@pytest.mark.parametrize("value", [None, 3.5, True, ["2024"]])
def test_parse_period_rejects_non_text(value):
    with pytest.raises(PeriodError):
        parse_period(value)


def test_parse_period_passthrough_and_int():
    q = Period.quarter(2024, 1)
    assert parse_period(q) is q
    assert parse_period(2024) == Period.year(2024)


# ----------------------------------------------------------------------------- Period
def test_labels():
    assert Period.quarter(2024, 1).label_vi == "quý I/2024"
    assert Period.quarter(2023, 4).label_en == "Q4 2023"
    assert Period.half(2019, 1).label_vi == "6 tháng đầu năm 2019"
    assert Period.month(2024, 3).label_vi == "tháng 3/2024"
    assert Period.month(2024, 3).label_en == "March 2024"
    assert Period.year(2023).label_vi == "năm 2023"
    assert Period.range("2023-01-01", "2023-09-30").label_vi == "9 tháng đầu năm 2023"
    assert Period.range("2023-12-15", "2024-03-14").label_vi == "từ 15/12/2023 đến 14/3/2024"
    assert str(Period.half(2024, 2)) == "2024-H2"


def test_constructor_validates():
    with pytest.raises(PeriodError, match="calendar quarter"):
        Period("quarter", date(2024, 2, 1), date(2024, 4, 30))
    with pytest.raises(PeriodError, match="unknown frequency"):
        Period("week", date(2024, 1, 1), date(2024, 1, 7))
    with pytest.raises(PeriodError, match="ends before"):
        Period.range("2024-02-01", "2024-01-01")
    with pytest.raises(PeriodError, match="reporting_cutoff_day"):
        Period.range("2024-01-01", "2024-02-01", reporting_cutoff_day=30)
    with pytest.raises(PeriodError):
        Period.of("week", 2024, 1)
    with pytest.raises(PeriodError):
        Period.of("year", 2024, 2)
    assert FREQUENCIES == ("month", "quarter", "half", "year", "range")


def test_contains_months_ordering_shift():
    q = Period.quarter(2024, 1)
    assert q.contains(date(2024, 1, 1)) and q.contains("2024-03-31")
    assert q.contains(pd.Timestamp("2024-02-29"))
    assert not q.contains("2024-04-01")
    with pytest.raises(PeriodError):
        q.contains("31/3/2024")
    window = reporting_window(2024, "quarter", 1)
    assert [m.label for m in window.months()] == ["2023-12", "2024-01", "2024-02", "2024-03"]
    assert Period.year(2024).days == 366
    items = [Period.year(2024), Period.month(2024, 1), Period.quarter(2023, 4),
             Period.quarter(2024, 1)]
    assert [p.label for p in sorted(items)] == ["2023-Q4", "2024-01", "2024-Q1", "2024"]
    assert Period.quarter(2024, 4).shift(1) == Period.quarter(2025, 1)
    assert Period.month(2024, 1).shift(-1) == Period.month(2023, 12)
    assert Period.half(2024, 1).shift(3) == Period.half(2025, 2)
    assert Period.year(2024).shift(-2) == Period.year(2022)
    with pytest.raises(PeriodError):
        window.shift(1)
    assert Period.quarter(2024, 2).index == 2 and Period.year(2024).index is None


def test_period_is_frozen_and_hashable():
    q = Period.quarter(2024, 1)
    with pytest.raises(AttributeError):
        q.freq = "year"  # type: ignore[misc]
    assert len({q, parse_period("quý I/2024"), parse_period("2024-Q1")}) == 1
    assert Period.range("2024-01-01", "2024-03-31") != q  # same dates, different freq


# ----------------------------------------------------------------------------- windows
def test_reporting_window():
    w = reporting_window(2024, "quarter", 1)
    assert (w.start, w.end) == (date(2023, 12, 15), date(2024, 3, 14))
    assert w.reporting_cutoff_day == 14 and w.nominal == "2024-Q1" and w.freq == "range"
    assert w.label == "2023-12-15..2024-03-14"
    assert reporting_window(2024, "month", 3).label == "2024-02-15..2024-03-14"
    assert reporting_window(2019, "half", 2).label == "2019-06-15..2019-12-14"
    assert reporting_window(2023, "year").label == "2022-12-15..2023-12-14"
    assert reporting_window(2024, "quarter", 2, cutoff_day=20).label == "2024-03-21..2024-06-20"
    parsed = parse_period("từ 15/12/2023 đến 14/3/2024")
    assert parsed == w and parsed.reporting_cutoff_day == 14 and parsed.nominal == "2024-Q1"
    assert parse_period("2024-01-01..2024-01-31").reporting_cutoff_day is None
    for bad in (0, 28, 14.0, True):
        with pytest.raises(PeriodError):
            reporting_window(2024, "quarter", 1, cutoff_day=bad)
    with pytest.raises(PeriodError):
        reporting_window(2024, "quarter", 5)


# ----------------------------------------------------------------------------- round trips
years = st.integers(min_value=1990, max_value=2090)
calendar_periods = st.one_of(
    years.map(Period.year),
    st.builds(Period.half, years, st.integers(1, 2)),
    st.builds(Period.quarter, years, st.integers(1, 4)),
    st.builds(Period.month, years, st.integers(1, 12)),
)
ranges = st.builds(
    lambda d, n: Period.range(d, date.fromordinal(d.toordinal() + n)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2089, 1, 1)),
    st.integers(min_value=0, max_value=800),
)
windows = st.builds(
    lambda y, f, i, c: reporting_window(y, f, None if f == "year" else
                                        min(i, {"month": 12, "quarter": 4, "half": 2}[f]), c),
    years, st.sampled_from(["month", "quarter", "half", "year"]), st.integers(1, 12),
    st.integers(1, 27),
)
any_period = st.one_of(calendar_periods, ranges, windows)


@PROFILE
@given(any_period, st.sampled_from(["label", "label_vi", "label_en"]))
def test_label_roundtrip(period, which):
    back = parse_period(getattr(period, which))
    assert back == period
    assert back.label == period.label
    if period.reporting_cutoff_day is not None:
        assert back.reporting_cutoff_day == period.reporting_cutoff_day
        assert back.nominal == period.nominal


@PROFILE
@given(calendar_periods)
def test_calendar_periods_tile_their_months(period):
    months = period.months()
    assert months[0].start == period.start and months[-1].end == period.end
    assert sum(m.days for m in months) == period.days
    assert period.shift(1).start.toordinal() == period.end.toordinal() + 1


@PROFILE
@given(st.text(max_size=30))
def test_arbitrary_text_only_raises_period_error(text):
    try:
        p = parse_period(text)
    except PeriodError:
        return
    assert p.freq in FREQUENCIES and p.start <= p.end


# ----------------------------------------------------------------------------- YTD flows
def test_ytd_to_flows_quarters():
    ytd = pd.DataFrame({
        "indicator": ["dossiers_received"] * 4,
        "geo_code": ["79"] * 4,
        "period": ["9 tháng đầu năm 2024", "quý I/2024", "6 tháng đầu năm 2024", "năm 2024"],
        "value": [420, 100, 250, 600],
    })
    out = ytd_to_flows(ytd, by=("indicator", "geo_code"), aggregation=aggregations())
    assert out.index.equals(ytd.index)  # same rows, same order
    assert out["period"].tolist() == ["2024-Q3", "2024-Q1", "2024-Q2", "2024-Q4"]
    assert out["value"].tolist() == [170, 100, 150, 180]
    assert out["ytd_value"].tolist() == [420, 100, 250, 600]
    assert out.groupby("geo_code")["value"].sum().iloc[0] == 600


def test_ytd_to_flows_groups_years_and_periods_objects():
    periods = [Period.range("2023-01-01", "2023-06-30"), Period.year(2023),
               Period.half(2024, 1), Period.year(2024)]
    frame = pd.DataFrame({"period": periods, "value": [5.0, 12.0, 7.0, 7.0], "unit": "count"})
    out = ytd_to_flows(frame)
    assert [p.label for p in out["period"]] == ["2023-H1", "2023-H2", "2024-H1", "2024-H2"]
    assert out["value"].tolist() == [5.0, 7.0, 7.0, 0.0]


def test_ytd_to_flows_reporting_windows():
    frame = pd.DataFrame({
        "period": [reporting_window(2024, "quarter", 1).label,
                   "2023-12-15..2024-06-14", "từ 15/12/2023 đến 14/9/2024"],
        "value": [10, 25, 45],
    })
    out = ytd_to_flows(frame, kind="count")
    assert out["period"].tolist() == ["2023-12-15..2024-03-14", "2024-03-15..2024-06-14",
                                      "2024-06-15..2024-09-14"]
    assert out["value"].tolist() == [10, 15, 20]


def test_ytd_to_flows_irregular_steps():
    frame = pd.DataFrame({"period": ["2024-H1", "9 tháng đầu năm 2024", "2024"],
                          "value": [6, 9, 12]})
    with pytest.raises(PeriodError, match="gap or irregular") as info:
        ytd_to_flows(frame, kind="count")
    assert info.value.row == 2 and info.value.column == "period"
    out = ytd_to_flows(frame, kind="count", allow_irregular=True)
    assert out["period"].tolist() == ["2024-H1", "2024-Q3", "2024-Q4"]
    assert out["value"].tolist() == [6, 3, 3]


@pytest.mark.parametrize(
    ("periods", "values", "reason_part", "row", "column"),
    [
        (["2024-Q1", "9 tháng đầu năm 2024"], [1, 2], "gap", 2, "period"),
        (["2024-Q1", "2024-H1"], [10, 8], "decreases from 10", 2, "value"),
        (["2024-Q1", "2024-H1"], [10, None], "missing cumulative value", 2, "value"),
        (["2024-Q1", "quý I/2024"], [1, 2], "duplicate period", 2, "period"),
        (["2024-Q1", "2024-Q2"], [1, 2], "start on different days", 1, "period"),
        (["2024-Q1", "quý V/2024"], [1, 2], "quarter 5", 2, "period"),
        (["2024-01-01..2024-02-10"], [1], "whole number of months", 1, "period"),
    ],
)
def test_ytd_to_flows_errors(periods, values, reason_part, row, column):
    frame = pd.DataFrame({"period": periods, "value": values})
    with pytest.raises(PeriodError) as info:
        ytd_to_flows(frame, kind="count")
    assert reason_part in info.value.reason
    assert (info.value.row, info.value.column) == (row, column)


def test_ytd_to_flows_refuses_rates():
    frame = pd.DataFrame({"period": ["2024-Q1", "2024-H1"], "value": [0.9, 0.95]})
    with pytest.raises(AggregationError, match="only counts"):
        ytd_to_flows(frame, kind="rate")
    with pytest.raises(AggregationError, match="cannot tell"):
        ytd_to_flows(frame)
    with pytest.raises(AggregationError, match="share"):
        ytd_to_flows(frame.assign(unit="share"))
    with pytest.raises(AggregationError, match="on_time_rate.*not additive"):
        ytd_to_flows(frame.assign(indicator="on_time_rate"), aggregation=aggregations())
    with pytest.raises(AggregationError, match="procedures_total.*not additive"):
        ytd_to_flows(frame.assign(indicator="procedures_total"), aggregation=aggregations())
    # periods sits below the catalog: without the aggregations it refuses to guess
    with pytest.raises(AggregationError, match=r"cannot tell.*dossiers_received.*aggregations\(\)"):
        ytd_to_flows(frame.assign(indicator="dossiers_received"))
    with pytest.raises(SchemaError, match="missing column"):
        ytd_to_flows(frame, value="count", kind="count")


# ----------------------------------------------------------------------------- numbering
@pytest.mark.parametrize(("label", "freq", "number"), [
    ("2024-03", "month", 12 * 2024 + 2),
    ("2019-12", "month", 12 * 2019 + 11),
    ("2024-Q1", "quarter", 4 * 2024),
    ("2019-Q4", "quarter", 4 * 2019 + 3),
    ("2024-H2", "half", 2 * 2024 + 1),
    ("2024", "year", 2024),
])
def test_period_number_hand_cases(label, freq, number):
    assert period_number([label], freq).tolist() == [number]
    assert parse_period(label).number == number
    assert period_frame([number], freq)["period"].tolist() == [label]
    start = parse_period(label).start
    assert period_index(pd.Series(pd.to_datetime([start.isoformat()])), freq).tolist() == [number]


@pytest.mark.parametrize("freq", FREQS)
def test_period_numbering_round_trips_and_is_consecutive(freq):
    first = period_number(["2018" + {"month": "-01", "quarter": "-Q1", "half": "-H1",
                                     "year": ""}[freq]], freq)[0]
    numbers = np.arange(first, first + 30)
    frame = period_frame(numbers, freq)
    assert period_number(frame["period"], freq).tolist() == numbers.tolist()
    assert period_index(frame["period_start"], freq).tolist() == numbers.tolist()
    assert period_index(frame["period_end"], freq).tolist() == numbers.tolist()
    # consecutive numbers are adjacent periods: each starts the day after the previous ends
    gaps = (frame["period_start"].iloc[1:].to_numpy() - frame["period_end"].iloc[:-1].to_numpy())
    assert (gaps == np.timedelta64(1, "D")).all()
    assert [parse_period(lab).number for lab in frame["period"]] == numbers.tolist()


def test_period_index_sql_matches_pandas_formula():
    assert period_index_sql("d", "month") == "(year(d) * 12 + (month(d) - 1) // 1)"
    assert period_index_sql("d", "half") == "(year(d) * 2 + (month(d) - 1) // 6)"


def test_period_index_missing_dates_stay_missing():
    out = period_index(pd.Series(pd.to_datetime(["2024-05-02", None])), "quarter")
    assert out.iloc[0] == 8097 and out.isna().tolist() == [False, True]


@pytest.mark.parametrize(("label", "freq"), [("2019-13", "month"), ("2019Q1", "quarter"),
                                             ("2019-Q5", "quarter"), ("2019-Q1", "month"),
                                             ("2019-H3", "half"), ("19", "year"), ("2019-01", "year")])
def test_period_number_rejects_non_canonical_labels(label, freq):
    with pytest.raises(PeriodError, match="not a canonical"):
        period_number([label], freq)


@pytest.mark.parametrize("freq", ["week", "range", None])
def test_period_numbering_rejects_unknown_freq(freq):
    for call in (lambda: period_number(["2019"], freq), lambda: period_frame([1], freq),
                 lambda: period_index(pd.Series(pd.to_datetime(["2024-01-01"])), freq),
                 lambda: period_index_sql("d", freq)):
        with pytest.raises(AggregationError, match="freq must be one of"):
            call()


def test_range_has_no_number():
    assert Period.range("2024-01-05", "2024-02-01").number is None


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-02-29", date(2024, 2, 29)), (pd.Timestamp("2024-03-01 10:00"), date(2024, 3, 1)),
    (date(2020, 1, 1), date(2020, 1, 1)),
])
def test_as_date(value, expected):
    assert as_date(value) == expected


@pytest.mark.parametrize("value", ["29/02/2024", 20240229, None])
def test_as_date_refuses(value):
    with pytest.raises(PeriodError):
        as_date(value)
