"""The DuckDB engine of :func:`cchc_research.dossiers.aggregate.aggregate` (out of core).

The input (a DataFrame, or Parquet/CSV files read by DuckDB directly, only the needed
columns) is scanned once. Each dossier's dates are cast to DATE once and looked up in a
small calendar table (:func:`register_calendar`, built from
:meth:`~cchc_research.dossiers.workdays.WorkCalendar.table`, the table the pandas engine
looks dates up in) that carries both the working-day index and the period index, so one
join per date gives both; the overdue period of the due date is read off the receipt
date's calendar row. Two hash aggregations over that one stream then count dossiers per
group × receipt period × completion period × overdue period × class (status, channel,
online level, satisfied, on time), about 130,000 rows for 10M dossiers, and completed
dossiers per group × completion period × working days taken (kept apart because they
would multiply the first table's groups by ~8 and push its hash table out of cache). Every
output column is a filtered sum over these tables: counts by period of receipt, by period of
completion and by overdue period (a window sum turns overdue starts and ends into the
overdue-pending stock), and the exact median of the integer working-day counts from their
histogram (cumulative counts), which equals ``quantile_cont(wd, 0.5)`` and the pandas
median. No Python runs per row.
"""

from __future__ import annotations

from typing import Sequence

import duckdb
import pandas as pd

from cchc_research.dossiers.inputs import (
    expand_paths,
    file_kind,
    require_aggregate_columns,
    require_validated_sql,
    source_label,
)
from cchc_research.periods import period_frame, period_index, period_index_sql
from cchc_research.dossiers.sqlutil import connect, quote_literal, run_query
from cchc_research.dossiers.workdays import WorkCalendar

__all__ = [
    "aggregate_counts_duckdb", "connect", "source_sql", "build_query", "register_calendar",
    "run_query",
]


def source_sql(con: duckdb.DuckDBPyConnection, source: object) -> str:
    """A FROM-clause expression for ``source`` (registering a DataFrame if needed)."""
    if isinstance(source, pd.DataFrame):
        con.register("dossiers_input", source)
        return "dossiers_input"
    files = expand_paths(source)  # type: ignore[arg-type]
    listing = "[" + ", ".join(quote_literal(f) for f in files) + "]"
    if file_kind(files[0]) == "parquet":
        return f"read_parquet({listing}, union_by_name = true)"
    # text columns: no date-format sniffing (it may read 03/04/2024 month first);
    # require_validated_sql then accepts only ISO timestamps
    return f"read_csv({listing}, union_by_name = true, header = true, all_varchar = true)"


def _date(col: str, types: dict[str, str] | None = None) -> str:
    """DATE expression for a timestamp column (plain CAST when already temporal)."""
    name = col.split(".")[-1]
    kind = (types or {}).get(name, "")
    if kind.startswith(("TIMESTAMP", "DATE")) and "TIME ZONE" not in kind:
        return f"CAST({col} AS DATE)"
    return f"CAST(TRY_CAST({col} AS TIMESTAMP) AS DATE)"


def register_calendar(con: duckdb.DuckDBPyConnection, cal: WorkCalendar, freq: str) -> None:
    """Create the temporary calendar tables the aggregation query joins.

    ``cal`` has one row per day of the calendar: ``day`` (DATE), ``work_index``, the period
    index ``p`` of ``day`` for ``freq``, the first day ``ps`` of that period and the last
    days ``pe0``, ``pe1``, ``pe2`` of that period and of the next two. ``wdays`` maps the
    ``work_index`` ``k`` of each working day to its ``day`` (due dates from statutory days).

    Parameters
    ----------
    con : DuckDBPyConnection
    cal : WorkCalendar
    freq : {"month", "quarter", "half", "year"}

    Examples
    --------
    >>> from cchc_research.dossiers.workdays import DEFAULT_CALENDAR
    >>> con = connect()
    >>> register_calendar(con, DEFAULT_CALENDAR, "quarter")
    >>> con.execute("SELECT p, ps, pe0, pe1 FROM cal WHERE day = DATE '2024-02-14'").fetchone()
    (8096, datetime.date(2024, 1, 1), datetime.date(2024, 3, 31), datetime.date(2024, 6, 30))
    >>> con.close()
    """
    table = cal.table()
    table["p"] = period_index(table["date"], freq).astype("int64")
    bounds = period_frame(range(int(table["p"].min()), int(table["p"].max()) + 3), freq)
    bounds = bounds.set_index("period_idx")
    table["ps"] = table["p"].map(bounds["period_start"])
    for k in range(3):
        table[f"pe{k}"] = (table["p"] + k).map(bounds["period_end"])
    con.register("cal_input", table)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cal AS "
        "SELECT CAST(date AS DATE) AS day, work_index, p, CAST(ps AS DATE) AS ps, "
        "CAST(pe0 AS DATE) AS pe0, CAST(pe1 AS DATE) AS pe1, CAST(pe2 AS DATE) AS pe2 "
        "FROM cal_input"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE wdays AS "
        "SELECT CAST(date AS DATE) AS day, work_index AS k FROM cal_input WHERE is_working"
    )
    con.unregister("cal_input")


def build_query(
    columns: "Sequence[str] | dict[str, str]",
    src: str,
    freq: str,
    by: Sequence[str],
    as_of: pd.Timestamp | None,
) -> str:
    """The aggregation SQL for :func:`aggregate_counts_duckdb`.

    Parameters
    ----------
    columns : sequence of str or dict
        Input column names, or names mapped to DuckDB types (temporal columns are then
        cast without parsing).
    src : str
        FROM-clause expression of the input (:func:`source_sql`).
    freq : {"month", "quarter", "half", "year"}
    by : sequence of str
        Grouping columns.
    as_of : Timestamp or None
        Snapshot day.

    Returns
    -------
    str
        A query over ``src`` and the tables made by :func:`register_calendar`
        (``cal``: ``day``, ``work_index``, ``p``, ``ps``, ``pe0``, ``pe1``, ``pe2``;
        ``wdays``: ``day``, ``k``) returning the counts per group × ``period_idx``.

    Examples
    --------
    >>> sql = build_query(["unit", "received_at", "due_at", "completed_at", "status",
    ...                    "channel"], "t", "month", ["unit"], None)
    >>> sql.count("LEFT JOIN cal ")   # one calendar join per date looked up
    2
    """
    types = dict(columns) if isinstance(columns, dict) else {c: "" for c in columns}
    na = "chr(31) || '<missing>' || chr(31)"
    keys = list(by)
    raw_keys = "".join(f"s.{k} AS {k}, " for k in keys)
    key_list = "".join(f"{k}, " for k in keys)
    key_select = "".join(f"coalesce(CAST({k} AS VARCHAR), {na}) AS {k}, " for k in keys)
    level = "s.online_level" if "online_level" in columns else "CAST(NULL AS VARCHAR)"
    rating = (
        "CAST(s.satisfaction_rating AS DOUBLE)" if "satisfaction_rating" in columns
        else "CAST(NULL AS DOUBLE)"
    )
    joins = ""
    if "due_at" in columns:
        due = _date("s.due_at", types)
    else:
        # n = 0 keeps the receipt date even outside the calendar (as the pandas engine does)
        received = _date("s.received_at", types)
        due = f"CASE WHEN s.statutory_days = 0 THEN {received} ELSE w0.day END"
        joins = (
            f" LEFT JOIN cal c0 ON c0.day = {_date('s.received_at', types)}"
            " LEFT JOIN wdays w0 ON w0.k = c0.work_index + CAST(s.statutory_days AS BIGINT)"
        )
    base = (
        f"SELECT {raw_keys}{_date('s.received_at', types)} AS rd, {due} AS dd, "
        f"{_date('s.completed_at', types)} AS cd0, s.status AS status, "
        f"s.channel AS channel, {level} AS level, {rating} AS rating "
        f"FROM {src} AS s{joins}"
    )
    if as_of is not None:
        day = f"DATE {quote_literal(as_of.date().isoformat())}"
        cd = f"CASE WHEN cd0 <= {day} THEN cd0 END"
        where = f"WHERE rd <= {day}"
        due_key, due_ok = f", coalesce(b.dd < {day}, false) AS due_ok", " AND due_ok"
        horizon = str(int(period_index(pd.Series([as_of]), freq).iloc[0]))
    else:
        cd, where, due_key, due_ok = "cd0", "", "", ""
        horizon = (
            "(SELECT max(p) FROM (SELECT max(period_idx) AS p FROM recv "
            "UNION ALL SELECT max(period_idx) FROM res))"
        )
    # period indices come with the calendar join; dates outside the calendar fall back to
    # the arithmetic definition (periods.period_index_sql)
    rp = f"coalesce(c1.p, {period_index_sql('b.rd', freq)})"
    cp = f"coalesce(c2.p, {period_index_sql('b.cd', freq)})"
    # the overdue period (that of the day after the due date) from the receipt date's row:
    # its period or one of the next two; other cases (and dates outside the calendar) by
    # arithmetic. ``dd + 1 > pe0`` <=> ``dd >= pe0`` etc.
    op = (
        "CASE WHEN b.dd >= c1.ps - 1 AND b.dd < c1.pe2 "
        "THEN c1.p + CAST(b.dd >= c1.pe0 AS BIGINT) + CAST(b.dd >= c1.pe1 AS BIGINT) "
        f"ELSE {period_index_sql('b.dd + 1', freq)} END"
    )
    partition = f"PARTITION BY {', '.join(keys)} " if keys else ""
    using = ", ".join(keys + ["period_idx"])
    group = f"GROUP BY {key_list}period_idx"
    due_col = ", due_ok" if due_key else ""
    return f"""
WITH b AS (
    SELECT {key_list}rd, dd, {cd} AS cd, status, channel, level, rating
    FROM ({base}) {where}
), j AS (
    SELECT {key_list}{rp} AS rp, {cp} AS cp, {op} AS op, status, channel, level,
        rating >= 4 AS sat, b.cd <= b.dd AS ontime,
        c2.work_index - c1.work_index AS wd{due_key}
    FROM b
    LEFT JOIN cal c1 ON c1.day = b.rd
    LEFT JOIN cal c2 ON c2.day = b.cd
), g0 AS (
    -- the working days taken are counted apart (h0): without them the classes form ~8x
    -- fewer groups, and the per-row hash aggregation stays in cache
    SELECT {key_list}rp, cp, op, status, channel, level, sat, ontime{due_col}, count(*) AS n
    FROM j GROUP BY ALL
), h0 AS (
    SELECT {key_list}cp, wd, count(*) AS n
    FROM j
    WHERE CAST(status AS VARCHAR) = 'completed' AND cp IS NOT NULL AND wd IS NOT NULL
    GROUP BY ALL
), g AS (
    SELECT {key_select}rp, cp, op, CAST(status AS VARCHAR) AS status,
        CAST(channel AS VARCHAR) AS channel, CAST(level AS VARCHAR) AS level,
        sat, coalesce(ontime, false) AS ontime{due_col}, n
    FROM g0
), recv AS (
    SELECT {key_list}rp AS period_idx,
        sum(n) AS received,
        coalesce(sum(n) FILTER (WHERE status = 'withdrawn'), 0) AS withdrawn,
        coalesce(sum(n) FILTER (WHERE status <> 'withdrawn' AND channel = 'online'), 0)
            AS received_online,
        coalesce(sum(n) FILTER (WHERE status <> 'withdrawn' AND channel = 'online'
                                AND level = 'full'), 0) AS received_online_full,
        coalesce(sum(n) FILTER (WHERE status <> 'withdrawn' AND channel = 'online'
                                AND level = 'partial'), 0) AS received_online_partial
    FROM g {group}
), res AS (
    SELECT {key_list}cp AS period_idx,
        coalesce(sum(n) FILTER (WHERE status = 'completed'), 0) AS resolved,
        coalesce(sum(n) FILTER (WHERE status = 'completed' AND ontime), 0) AS resolved_on_time,
        coalesce(sum(n) FILTER (WHERE status IN ('completed', 'returned')
                                AND sat IS NOT NULL), 0) AS rated,
        coalesce(sum(n) FILTER (WHERE status IN ('completed', 'returned') AND sat), 0)
            AS satisfied,
        coalesce(sum(n) FILTER (WHERE status IN ('completed', 'pending') AND op < cp), 0)
            AS od_end
    FROM g WHERE cp IS NOT NULL {group}
), hist AS (
    SELECT {key_list}period_idx, wd, sum(n) AS n
    FROM (SELECT {key_select}cp AS period_idx, wd, n FROM h0)
    GROUP BY {key_list}period_idx, wd
), tot AS (
    SELECT {key_list}period_idx, sum(n) AS total FROM hist {group}
), cum AS (
    SELECT *, sum(n) OVER (PARTITION BY {key_list}period_idx ORDER BY wd
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto
    FROM hist JOIN tot USING ({using})
), med AS (
    -- exact median of integer day counts: mean of the values at positions
    -- (total + 1) // 2 and total // 2 + 1 of the sorted sample (= quantile_cont(wd, 0.5))
    SELECT {key_list}period_idx,
        (CAST(min(wd) FILTER (WHERE upto >= (total + 1) // 2) AS DOUBLE)
         + CAST(min(wd) FILTER (WHERE upto >= total // 2 + 1) AS DOUBLE)) / 2
            AS median_working_days
    FROM cum {group}
), ods AS (
    SELECT {key_list}op AS period_idx, sum(n) AS od_start
    FROM g
    WHERE status IN ('completed', 'pending') AND op IS NOT NULL
      AND (cp IS NULL OR op < cp){due_ok}
    {group}
), firsts AS (
    SELECT {key_list}min(period_idx) AS p0 FROM recv {'GROUP BY ' + ', '.join(keys) if keys else ''}
), grid AS (
    SELECT {key_list}unnest(range(p0, {horizon} + 1)) AS period_idx FROM firsts
)
SELECT {key_list}period_idx,
    received, withdrawn, received_online, received_online_full, received_online_partial,
    resolved, resolved_on_time, rated, satisfied, median_working_days,
    sum(coalesce(od_start, 0) - coalesce(od_end, 0)) OVER (
        {partition}ORDER BY period_idx ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS overdue_pending
FROM grid
LEFT JOIN recv USING ({using})
LEFT JOIN res USING ({using})
LEFT JOIN med USING ({using})
LEFT JOIN ods USING ({using})
ORDER BY {key_list}period_idx
"""


def aggregate_counts_duckdb(
    source: object,
    freq: str,
    by: Sequence[str],
    as_of: pd.Timestamp | None,
    cal: WorkCalendar,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Counts per group × period index (see :func:`~cchc_research.dossiers.aggregate.finalize`)."""
    own = con is None
    con = con or connect(threads, memory_limit, temp_directory)
    try:
        src = source_sql(con, source)
        described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
        columns = {row[0]: str(row[1]) for row in described}
        file = source_label(source)
        require_validated_sql(con, src, columns, file=file)
        require_aggregate_columns(list(columns), by, file=file)
        register_calendar(con, cal, freq)
        query = build_query(columns, src, freq, by, as_of)
        out = run_query(con, query, progress=progress, description="aggregate")
    finally:
        if own:
            con.close()
    return out
