"""Reporting periods: months, quarters, half-years, years and date ranges, with Vietnamese labels.

A :class:`Period` is a closed date interval (``start`` and ``end`` inclusive) with a
frequency and a canonical label (``"2024"``, ``"2024-Q1"``, ``"2024-H1"``, ``"2024-03"``,
``"2023-12-15..2024-03-14"``). :func:`parse_period` reads canonical, Vietnamese
(``"quý I/2024"``, ``"6 tháng đầu năm 2019"``, ``"tháng 03 năm 2024"``,
``"từ 15/12/2023 đến 14/3/2024"``) and English labels. Vietnamese administrative reports
often close on the 14th: :func:`reporting_window` builds such windows (Q1 2024 =
15/12/2023-14/3/2024) and marks them with ``reporting_cutoff_day``. Year-to-date series
are turned into flows by :func:`ytd_to_flows`.

Periods are also *numbered* — the one integer numbering of the project, used by the dossier
engines, the simulated world and the estimators (:func:`period_index` from dates,
:func:`period_number` from canonical labels, :func:`period_frame` back to labels and bounds,
:func:`period_index_sql` in DuckDB): ``12 * year + month - 1`` for months,
``4 * year + quarter - 1``, ``2 * year + half - 1``, ``year``.

This package is a bottom layer: it imports nothing from :mod:`cchc_research` but
:mod:`cchc_research.errors`. The implementation lives in private modules (``_calendar``,
``_numbering``, ``_ytd``); import from the package.

Examples
--------
>>> p = parse_period("quý I/2024")
>>> p.label, p.start.isoformat(), p.end.isoformat(), p.label_vi
('2024-Q1', '2024-01-01', '2024-03-31', 'quý I/2024')
>>> parse_period("9 tháng đầu năm 2023").label
'2023-01-01..2023-09-30'
>>> w = reporting_window(2024, "quarter", 1)
>>> w.label_vi, w.reporting_cutoff_day, w.nominal
('từ 15/12/2023 đến 14/3/2024', 14, '2024-Q1')
>>> period_number(["2024-Q1"], "quarter").tolist(), Period.quarter(2024, 1).number
([8096], 8096)
"""

from __future__ import annotations

from cchc_research.periods._calendar import (
    FREQUENCIES,
    MONTHS_PER_PERIOD,
    Period,
    add_months,
    as_date,
    last_day,
    parse_period,
    period_from_range,
    reporting_window,
)
from cchc_research.periods._numbering import (
    FREQS,
    months_per_period,
    period_frame,
    period_index,
    period_of_month,
    period_index_sql,
    period_number,
)
from cchc_research.periods._ytd import ytd_to_flows

__all__ = ["FREQUENCIES", "FREQS", "MONTHS_PER_PERIOD", "Period", "parse_period",
           "reporting_window", "ytd_to_flows", "as_date", "add_months", "last_day",
           "period_from_range", "period_index", "period_number", "period_frame",
           "period_index_sql", "months_per_period", "period_of_month"]
