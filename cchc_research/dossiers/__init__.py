"""Dossier-level data: one-stop-shop exports → unit × period panels with official definitions.

Modules
-------
schema
    Canonical columns (:data:`DOSSIER_COLUMNS`), Vietnamese header/value vocabularies, the
    pandera schema.
io
    :func:`read_export` (CSV, Excel, Parquet) → clean frame + rejects + counts.
validate_sql
    :func:`validate_to_parquet`: the same validation for large inputs, out of core
    (clean Parquet + rejects Parquet, never loaded into pandas).
frontend, rules, dates
    What both readers share: the front end (encodings, delimiters, header row below title
    rows, merged cells, ragged rows), the rules (one DuckDB query) and the one date parser.
inputs, sqlutil
    Input checks of the aggregation engines; DuckDB helpers.
workdays
    Working-day calendar with Vietnamese public holidays (incl. Tết) and make-up days.
aggregate
    :func:`aggregate` with a DuckDB (default, out of core) and a pandas engine.
cli
    ``cchc dossiers aggregate`` / ``cchc dossiers validate``.

Definitions
-----------
All dates below are *calendar dates* (the time of day is dropped before comparing).
Withdrawn dossiers (``status == "withdrawn"``) are counted in ``received`` and
``withdrawn`` only, and excluded from every rate and from ``overdue_pending``.

``received``
    Dossiers whose ``received_at`` falls in the period (all statuses). ``withdrawn`` is the
    subset later withdrawn.
``online_share``
    ``received_online / (received - withdrawn)``, where ``received_online`` counts
    non-withdrawn dossiers with ``channel == "online"`` received in the period.
    ``online_full_share`` and ``online_partial_share`` restrict the numerator to
    ``online_level == "full"`` (toàn trình) or ``"partial"`` (một phần).
``resolved``
    Dossiers with ``status == "completed"`` whose ``completed_at`` falls in the period.
``resolved_on_time``
    Resolved with ``date(completed_at) <= date(due_at)`` (so a dossier completed at 17:00 on
    its due date is on time); ``resolved_late = resolved - resolved_on_time``. A resolved
    dossier without a due date counts as late.
``on_time_rate``
    ``resolved_on_time / resolved`` (as in "443.915/454.821 hồ sơ … 97,6% đúng hạn").
``overdue_pending``
    A stock, counted at the period's cut-off ``C`` = the period's last day (or ``as_of``
    for the period containing it): dossiers that are completed or pending (not returned,
    not withdrawn), received by ``C``, with ``date(due_at) < C`` and not completed by ``C``.
``median_working_days``
    Median, over the dossiers resolved in the period (period of ``completed_at``), of the
    working days from receipt to completion: working days ``d`` with
    ``date(received_at) < d <= date(completed_at)`` (:mod:`.workdays`). With an even
    number of dossiers the two middle values are averaged (DuckDB ``quantile_cont(x, 0.5)``
    = pandas ``median``).
``satisfaction_rate``
    ``satisfied / rated`` over completed or returned dossiers with a rating, counted in the
    period of ``completed_at``; satisfied means ``satisfaction_rating >= 4`` (scale 1–5).
``as_of``
    A snapshot date: dossiers received after it are ignored, completions after it count as
    not yet completed, and the last period is cut at ``as_of``.
due date from the statutory time
    When ``due_at`` is missing and ``statutory_days`` (working days) is given, the due date is
    ``add_working_days(date(received_at), statutory_days)``: the ``n``-th working day after
    the day of receipt.

Every group (``by``) gets a row for each period from the period of its first receipt to
the last period of the data (or of ``as_of``), zeros where nothing happened, so the
overdue stock is visible in quiet months. Shares are NaN when their denominator is 0.

Examples
--------
>>> from cchc_research.dossiers import aggregate, read_export, add_working_days
>>> add_working_days("2024-02-07", 1)   # Tết Giáp Thìn: 8-14/2/2024 off
datetime.date(2024, 2, 15)
"""

from __future__ import annotations

from cchc_research.dossiers.aggregate import BY_COLUMNS, COUNT_COLUMNS, RATE_COLUMNS, aggregate
from cchc_research.dossiers.dates import DateWindow, parse_date, parse_dates
from cchc_research.dossiers.io import DossierExport, ExportCounts, read_export
from cchc_research.dossiers.schema import (
    CHANNELS,
    DOSSIER_COLUMNS,
    ONLINE_LEVELS,
    REQUIRED_COLUMNS,
    STATUSES,
    dossier_schema,
    empty_dossiers,
    known_units,
)
from cchc_research.dossiers.validate_sql import validate_to_parquet
from cchc_research.dossiers.workdays import (
    DEFAULT_CALENDAR,
    WorkCalendar,
    add_working_days,
    calendar_table,
    is_working_day,
    working_days_between,
)

__all__ = [
    "aggregate",
    "read_export",
    "validate_to_parquet",
    "parse_dates",
    "parse_date",
    "DateWindow",
    "DossierExport",
    "ExportCounts",
    "DOSSIER_COLUMNS",
    "REQUIRED_COLUMNS",
    "CHANNELS",
    "ONLINE_LEVELS",
    "STATUSES",
    "BY_COLUMNS",
    "COUNT_COLUMNS",
    "RATE_COLUMNS",
    "dossier_schema",
    "empty_dossiers",
    "known_units",
    "WorkCalendar",
    "DEFAULT_CALENDAR",
    "add_working_days",
    "working_days_between",
    "is_working_day",
    "calendar_table",
]
