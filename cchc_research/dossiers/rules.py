"""The export rules, defined once as one DuckDB query run by both readers.

The front end (:mod:`~cchc_research.dossiers.frontend`) turns every export into text
records with canonical column names; :func:`check` runs the checks below on them in
DuckDB and leaves a table ``checked`` (parsed canonical columns, raw text ``r_*``, extra
columns ``x_*``, one boolean flag ``f<k>`` per rule). :func:`clean_sql`, :func:`rejects_sql`
and :func:`counts_sql` read it. :func:`~cchc_research.dossiers.io.read_export` fetches the
result into pandas, :func:`~cchc_research.dossiers.validate_sql.validate_to_parquet` copies
it to Parquet: the same rows, the same reasons.

Coded values (channel, online level, status, delegated, worded ratings) are looked up by
:func:`~cchc_research.dossiers.schema.canonical_value` (Python, on the *distinct* values
only), so there is one text normalizer. Dates go through the macros of
:mod:`~cchc_research.dossiers.dates`. Integers (``supplement_requests``,
``satisfaction_rating``, ``statutory_days``) must be written as whole numbers: ``3`` or
``3.0``; ``inf``, ``1.5``, ``1e400``, ``-`` are refused (and negative values where
stated).

The rules, in the order their rejects are listed for one row:

=================================================  =====================================
reason                                             column
=================================================  =====================================
``wrong number of fields``                         (none; value = the raw record; no
                                                   other rule is applied to the row)
``missing dossier_id``                             dossier_id
``duplicate dossier_id``                           dossier_id (every copy after the first
                                                   in file order, across files)
``unknown unit``                                   unit (not in ``units``; blank too)
``unknown channel``                                channel
``unknown online level``                           online_level
``unparseable date`` / ``two-digit year`` /        received_at, due_at, completed_at
``date outside plausible window``
``missing received_at``                            received_at
``statutory days not a non-negative integer``      statutory_days
``missing due_at and statutory_days``              due_at
``completed before received``                      completed_at (calendar dates)
``due before received``                            due_at (calendar dates)
``unknown status``                                 status
``completed without completed_at``                 completed_at
``pending with completed_at``                      completed_at
``supplement requests not an integer``             supplement_requests
``negative supplement requests``                   supplement_requests
``rating not an integer``                          satisfaction_rating
``rating outside 1-5``                             satisfaction_rating
``delegated not yes/no``                           delegated
=================================================  =====================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from cchc_research.dossiers.frontend import ExportSource
from cchc_research.dossiers.dates import DATE_REASONS, DateWindow, register_date_macros
from cchc_research.dossiers.schema import DOSSIER_COLUMNS, VALUE_ALIASES, canonical_value, normalize_text
from cchc_research.dossiers.sqlutil import quote_ident, quote_literal, run_query
from cchc_research.dossiers.workdays import WorkCalendar

__all__ = ["register_sources", "check", "clean_sql", "rejects_sql", "counts_sql", "CODED_COLUMNS", "INT_PATTERN"]

#: Columns whose values are codes looked up in the vocabulary.
CODED_COLUMNS: tuple[str, ...] = ("channel", "online_level", "status", "delegated")
#: A whole number as text (optionally ``.0``), at most 18 digits.
INT_PATTERN = r"^[+-]?\d{1,18}(\.0*)?$"
_DATES = ("received_at", "due_at", "completed_at")
_SQL_TYPES = {
    "string": "VARCHAR", "datetime64[ns]": "TIMESTAMP", "int64": "BIGINT", "Int64": "BIGINT",
    "boolean": "BOOLEAN",
}


def _text_expr(col: str, kind: str) -> str:
    """Text of a typed Parquet column, as :func:`~cchc_research.dossiers.dates.to_text` writes cells."""
    c = quote_ident(col)
    if kind in ("FLOAT", "DOUBLE"):
        return (
            f"CASE WHEN isnan({c}) THEN NULL WHEN isinf({c}) THEN CAST({c} AS VARCHAR) "
            f"WHEN {c} = trunc({c}) AND abs({c}) < 1e15 THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) "
            f"ELSE CAST({c} AS VARCHAR) END"
        )
    return f"CAST({c} AS VARCHAR)"


def register_sources(
    con: duckdb.DuckDBPyConnection, sources: Sequence[ExportSource], spill_dir: str | Path | None = None
) -> tuple[str, list[str], list[str]]:
    """Create the view ``export_src`` over the front end's records of every source.

    CSV/Excel records are registered as Arrow tables, or written to Parquet files in
    ``spill_dir`` (out of core) when given; Parquet exports are read by DuckDB directly,
    each column cast to text the way the front end writes cells.

    Returns
    -------
    (view name, canonical columns present, extra columns)
    """
    selects = []
    present: list[str] = []
    extras: list[str] = []
    for i, src in enumerate(sources):
        head = f"SELECT {quote_literal(src.file)} AS __file, {i} AS __fidx, "
        if src.kind == "parquet":
            rel = f"read_parquet({quote_literal(src.file)}, file_row_number = true)"
            types = {r[0]: str(r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()}
            originals = [n for n in types if not n.startswith("__") and n != "file_row_number"]
            cols = ", ".join(
                f"{_text_expr(o, types[o])} AS {quote_ident(n)}" for o, n in zip(originals, src.names)
            )
            selects.append(head + f"file_row_number + 1 AS __row, CAST(NULL AS VARCHAR) AS __ragged, {cols} FROM {rel}")
        else:
            if spill_dir is not None:
                path = Path(spill_dir) / f"export_{i:05d}.parquet"
                with pq.ParquetWriter(path, src.schema()) as writer:
                    for batch in src.batches():
                        writer.write_batch(batch)
                rel = f"read_parquet({quote_literal(str(path))})"
            else:
                con.register(f"export_{i}", src.table())
                rel = f"export_{i}"
            cols = ", ".join(quote_ident(n) for n in src.names)
            selects.append(head + f"__row, __ragged, {cols} FROM {rel}")
        for name in src.names:
            if name in DOSSIER_COLUMNS:
                if name not in present:
                    present.append(name)
            elif name not in extras:
                extras.append(name)
    con.execute("CREATE OR REPLACE TEMP VIEW export_src AS " + " UNION ALL BY NAME ".join(selects))
    return "export_src", present, extras


def _txt(col: str) -> str:
    return f"nullif(trim(s.{quote_ident(col)}), '')"


def _register_codes(con: duckdb.DuckDBPyConnection, src: str, present: Iterable[str]) -> list[str]:
    """Lookup tables ``codes_<col>(raw, code)`` for the distinct values of coded columns."""
    made = []
    for col in [c for c in CODED_COLUMNS if c in present] + (
        ["satisfaction_rating"] if "satisfaction_rating" in present else []
    ):
        raw = [r[0] for r in con.execute(
            f"SELECT DISTINCT coalesce(trim({quote_ident(col)}), '') FROM {src}"
        ).fetchall()]
        if col == "satisfaction_rating":
            table = VALUE_ALIASES[col]
            codes = [table.get(normalize_text(v), v) for v in raw]
        else:
            codes = [canonical_value(col, v) for v in raw]
        con.register(f"codes_{col}_input", pd.DataFrame({"raw": pd.Series(raw, dtype=object),
                                                         "code": pd.Series(codes, dtype=object)}))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE codes_{col} AS SELECT CAST(raw AS VARCHAR) AS raw, "
            f"CAST(code AS VARCHAR) AS code FROM codes_{col}_input"
        )
        con.unregister(f"codes_{col}_input")
        made.append(col)
    return made


def _int(expr: str) -> tuple[str, str]:
    """(BIGINT value or NULL, bad flag) of a text expression."""
    ok = f"regexp_full_match({expr}, {quote_literal(INT_PATTERN)})"
    value = f"CASE WHEN {ok} THEN CAST(regexp_replace({expr}, '\\.0*$', '') AS BIGINT) END"
    return value, f"({expr} IS NOT NULL AND NOT {ok})"


def check(
    con: duckdb.DuckDBPyConnection,
    src: str,
    present: Sequence[str],
    extras: Sequence[str],
    *,
    units: Iterable[str],
    calendar: WorkCalendar,
    window: DateWindow | None = None,
    progress: bool = False,
) -> list[tuple[str | None, str]]:
    """Run the rules on ``src``; create the temp table ``checked``; return the rules.

    Parameters
    ----------
    con : DuckDBPyConnection
    src : str
        FROM-clause expression with text columns ``__file``, ``__fidx``, ``__row``,
        ``__ragged``, the canonical columns in ``present`` and the ``extras``.
    present : sequence of str
        Canonical columns the export has.
    extras : sequence of str
        Other columns, passed through.
    units : iterable of str
        Allowed unit codes.
    calendar : WorkCalendar
        For due dates derived from ``statutory_days``.
    window : DateWindow, optional
        Plausible dates.
    progress : bool

    Returns
    -------
    list of (column, reason)
        Rule ``k`` is flag ``f<k>`` of ``checked``.
    """
    register_date_macros(con, window)
    con.register("units_input", pd.DataFrame({"code": pd.Series(sorted(set(map(str, units))), dtype=object)}))
    con.execute("CREATE OR REPLACE TEMP TABLE units AS SELECT CAST(code AS VARCHAR) AS code FROM units_input")
    con.unregister("units_input")
    table = calendar.table()
    con.register("cal_input", table)
    con.execute("CREATE OR REPLACE TEMP TABLE cal AS SELECT CAST(date AS DATE) AS day, work_index FROM cal_input")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE wdays AS SELECT CAST(date AS DATE) AS day, work_index AS k "
        "FROM cal_input WHERE is_working"
    )
    con.unregister("cal_input")
    present = [c for c in DOSSIER_COLUMNS if c in present]
    coded = _register_codes(con, src, present)
    joins = "".join(
        f" LEFT JOIN codes_{c} AS k_{c} ON k_{c}.raw = coalesce(trim(s.{quote_ident(c)}), '')" for c in coded
    )
    sel: dict[str, str] = {}
    sel["dossier_id"] = "coalesce(trim(s.dossier_id), '')"
    for col in ("procedure_code", "field"):
        sel[col] = _txt(col) if col in present else "CAST(NULL AS VARCHAR)"
    sel["unit"] = "coalesce(trim(s.unit), '')"
    for col in ("channel", "online_level", "status", "delegated"):
        sel[col] = f"k_{col}.code" if col in present else "CAST(NULL AS VARCHAR)"
    for col in _DATES:
        sel["t_" + col] = _txt(col) if col in present else "CAST(NULL AS VARCHAR)"
    for col in ("supplement_requests", "statutory_days"):
        sel["t_" + col] = _txt(col) if col in present else "CAST(NULL AS VARCHAR)"
    sel["t_satisfaction_rating"] = (
        "nullif(k_satisfaction_rating.code, '')" if "satisfaction_rating" in present else "CAST(NULL AS VARCHAR)"
    )
    raw = "".join(f", s.{quote_ident(c)} AS {quote_ident('r_' + c)}" for c in present)
    ext = "".join(f", s.{quote_ident(c)} AS {quote_ident('x_' + c)}" for c in extras)
    stage1 = (
        "SELECT s.__file, s.__fidx, s.__row, s.__ragged, "
        + ", ".join(f"{e} AS {quote_ident(n)}" for n, e in sel.items())
        + raw + ext + f" FROM {src} AS s{joins}"
    )
    sup, bad_sup = _int("t_supplement_requests")
    stat, bad_stat = _int("t_statutory_days")
    rating, bad_rating = _int("t_satisfaction_rating")
    stage2 = (
        "SELECT *, " + ", ".join(f"cchc_date_parts(t_{c}) AS p_{c}" for c in _DATES)
        + f", {sup} AS supplement_requests, {bad_sup} AS bad_supplement_requests"
        + f", {stat} AS statutory_days, {bad_stat} AS bad_statutory_days"
        + f", {rating} AS satisfaction_rating, {bad_rating} AS bad_satisfaction_rating"
        + f" FROM ({stage1})"
    )
    stage2b = "SELECT *, " + ", ".join(f"cchc_date_day(p_{c}) AS day_{c}" for c in _DATES) + f" FROM ({stage2})"
    stage3 = (
        "SELECT * EXCLUDE (" + ", ".join(f"p_{c}, day_{c}" for c in _DATES) + "), "
        + ", ".join(
            f"cchc_date_ts(p_{c}, day_{c}) AS d_{c}, cchc_date_reason(t_{c}, p_{c}, day_{c}) AS why_{c}"
            for c in _DATES
        )
        + f" FROM ({stage2b})"
    )
    stage4 = (
        "SELECT t.* EXCLUDE (d_received_at, d_due_at, d_completed_at), d_received_at AS received_at, "
        "d_completed_at AS completed_at, CASE WHEN t.t_due_at IS NULL AND NOT t.bad_statutory_days "
        "AND t.statutory_days >= 0 AND t.d_received_at IS NOT NULL THEN CASE WHEN t.statutory_days = 0 "
        "THEN CAST(CAST(t.d_received_at AS DATE) AS TIMESTAMP) ELSE CAST(w0.day AS TIMESTAMP) END "
        "ELSE t.d_due_at END AS due_at, "
        "row_number() OVER (PARTITION BY t.dossier_id, t.__ragged IS NOT NULL ORDER BY t.__fidx, t.__row) AS __dup "
        f"FROM ({stage3}) AS t LEFT JOIN cal c0 ON c0.day = CAST(t.d_received_at AS DATE) "
        "LEFT JOIN wdays w0 ON w0.k = c0.work_index + t.statutory_days"
    )
    rules: list[tuple[str | None, str]] = []
    flags: list[str] = []

    def rule(cond: str, column: str | None, reason: str) -> None:
        if column is None:
            flags.append(f"coalesce({cond}, false) AS f{len(rules)}")
        else:
            flags.append(f"(__ragged IS NULL AND coalesce({cond}, false)) AS f{len(rules)}")
        rules.append((column, reason))

    rule("__ragged IS NOT NULL", None, "wrong number of fields")
    rule("dossier_id = ''", "dossier_id", "missing dossier_id")
    rule("dossier_id <> '' AND __dup > 1", "dossier_id", "duplicate dossier_id")
    rule("unit NOT IN (SELECT code FROM units)", "unit", "unknown unit")
    rule("channel IS NULL", "channel", "unknown channel")
    if "online_level" in present:
        rule("online_level IS NULL", "online_level", "unknown online level")
    for col in _DATES:
        if col in present:
            for reason in DATE_REASONS:
                rule(f"why_{col} = {quote_literal(reason)}", col, reason)
    rule("t_received_at IS NULL", "received_at", "missing received_at")
    if "statutory_days" in present:
        rule("bad_statutory_days OR statutory_days < 0", "statutory_days",
             "statutory days not a non-negative integer")
    rule("t_due_at IS NULL AND due_at IS NULL", "due_at", "missing due_at and statutory_days")
    rule("CAST(completed_at AS DATE) < CAST(received_at AS DATE)", "completed_at", "completed before received")
    rule("CAST(due_at AS DATE) < CAST(received_at AS DATE)", "due_at", "due before received")
    rule("status IS NULL", "status", "unknown status")
    rule("status = 'completed' AND t_completed_at IS NULL", "completed_at", "completed without completed_at")
    rule("status = 'pending' AND t_completed_at IS NOT NULL", "completed_at", "pending with completed_at")
    if "supplement_requests" in present:
        rule("bad_supplement_requests", "supplement_requests", "supplement requests not an integer")
        rule("supplement_requests < 0", "supplement_requests", "negative supplement requests")
    if "satisfaction_rating" in present:
        rule("bad_satisfaction_rating", "satisfaction_rating", "rating not an integer")
        rule("satisfaction_rating < 1 OR satisfaction_rating > 5", "satisfaction_rating", "rating outside 1-5")
    if "delegated" in present:
        rule("delegated IS NULL", "delegated", "delegated not yes/no")
    any_bad = " OR ".join(f"f{i}" for i in range(len(rules)))
    final = (
        f"SELECT *, ({any_bad}) AS __bad FROM (SELECT *, " + ", ".join(flags) + f" FROM ({stage4}))"
    )
    run_query(con, f"CREATE OR REPLACE TEMP TABLE checked AS {final}", progress=progress,
              description="validate", fetch=False)
    return rules


def clean_sql(extras: Sequence[str]) -> str:
    """SELECT of the valid rows of ``checked``: canonical columns (typed), then extras."""
    cols = []
    for col, dtype in DOSSIER_COLUMNS.items():
        if col == "supplement_requests":
            expr = "coalesce(supplement_requests, 0)"
        elif col == "delegated":
            expr = "CAST(delegated AS BOOLEAN)"
        else:
            expr = col
        cols.append(f"CAST({expr} AS {_SQL_TYPES[dtype]}) AS {col}")
    cols += [f"{quote_ident('x_' + c)} AS {quote_ident(c)}" for c in extras]
    return f"SELECT {', '.join(cols)} FROM checked WHERE NOT __bad ORDER BY __fidx, __row"


def rejects_sql(rules: Sequence[tuple[str | None, str]], present: Sequence[str]) -> str:
    """SELECT of the rejects (file, row, dossier_id, column, value, reason), in file/row/rule order."""
    parts = []
    for i, (col, reason) in enumerate(rules):
        if col is None:
            value = "__ragged"
        elif col in present:
            value = f"nullif(trim({quote_ident('r_' + col)}), '')"
        else:
            value = "CAST(NULL AS VARCHAR)"
        parts.append(
            f"SELECT __fidx, __row, {i} AS __rule, __file AS file, CAST(__row AS BIGINT) AS row, "
            f"nullif(dossier_id, '') AS dossier_id, CAST({quote_literal(col) if col else 'NULL'} AS VARCHAR) "
            f"AS \"column\", CAST({value} AS VARCHAR) AS value, {quote_literal(reason)} AS reason "
            f"FROM checked WHERE f{i}"
        )
    return (
        "SELECT file, row, dossier_id, \"column\", value, reason FROM ("
        + " UNION ALL ".join(parts) + ") ORDER BY __fidx, __row, __rule"
    )


def counts_sql() -> str:
    """SELECT of ``(read, rejected)`` over ``checked``."""
    return "SELECT count(*), count(*) FILTER (WHERE __bad) FROM checked"
