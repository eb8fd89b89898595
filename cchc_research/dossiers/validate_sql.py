"""Out-of-core validation of large dossier exports in DuckDB (clean Parquet + rejects Parquet).

:func:`validate_to_parquet` applies the rules of :func:`~cchc_research.dossiers.io.read_export`
(same header and value vocabularies, date formats, reasons and duplicate policy) as one SQL
pipeline, so a 10-million-row export is never loaded into pandas. The two implementations
are tested to give the same clean records and rejects on the fixtures.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> from cchc_research.dossiers.validate_sql import validate_to_parquet
>>> tmp = tempfile.mkdtemp()
>>> pd.DataFrame({"Mã hồ sơ": ["A1", "A1"], "Đơn vị tiếp nhận": ["760", "760"],
...     "Kênh nộp": ["Trực tuyến", "Trực tiếp"], "Ngày tiếp nhận": ["15/03/2024 08:30"] * 2,
...     "Ngày hẹn trả": ["20/03/2024"] * 2, "Ngày trả kết quả": ["19/03/2024", ""],
...     "Trạng thái": ["Đã giải quyết", "Đang giải quyết"]}).to_csv(
...     os.path.join(tmp, "x.csv"), index=False)
>>> validate_to_parquet(os.path.join(tmp, "x.csv"), os.path.join(tmp, "clean.parquet"),
...                     os.path.join(tmp, "rejects.parquet"), units={"760"})
ExportCounts(read=2, valid=1, rejected=1)
>>> pd.read_parquet(os.path.join(tmp, "rejects.parquet"))["reason"].tolist()
['duplicate dossier_id']
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from cchc_research.dossiers.aggregate import _kind, expand_paths
from cchc_research.dossiers.engine_duckdb import _quote, connect, run_query
from cchc_research.dossiers.io import DATE_FORMATS, ExportCounts
from cchc_research.dossiers.schema import (
    DOSSIER_COLUMNS,
    REQUIRED_COLUMNS,
    VALUE_ALIASES,
    canonical_header,
    known_units,
)
from cchc_research.dossiers.workdays import DEFAULT_CALENDAR, WorkCalendar
from cchc_research.errors import SchemaError

__all__ = ["validate_to_parquet"]

_TEMPORAL = ("TIMESTAMP", "DATE")
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "U")


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _norm(expr: str) -> str:
    """SQL twin of :func:`~cchc_research.dossiers.schema.normalize_text`."""
    text = f"replace(replace(CAST({expr} AS VARCHAR), 'đ', 'd'), 'Đ', 'D')"
    return f"trim(regexp_replace(lower(strip_accents({text})), '[^0-9a-z]+', ' ', 'g'))"


def _coded(expr: str, column: str) -> str:
    whens = " ".join(
        f"WHEN {_quote(alias)} THEN {_quote(code)}" for alias, code in VALUE_ALIASES[column].items()
    )
    return f"(CASE coalesce({_norm(expr)}, '') {whens} END)"


def _blank_null(expr: str) -> str:
    return f"(CASE WHEN trim({expr}) = '' THEN NULL ELSE {expr} END)"


def _txt(expr: str) -> str:
    return f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"


def _map_columns(
    types: dict[str, str], mapping: Mapping[str, str] | None, file: str
) -> dict[str, str]:
    mapping = dict(mapping or {})
    for target in mapping.values():
        if target not in DOSSIER_COLUMNS:
            raise SchemaError(target, "mapping target is not a canonical dossier column", file=file)
    found: dict[str, str] = {}
    for col in types:
        if col.startswith("__"):
            continue
        target = mapping.get(col) or canonical_header(col)
        if target is None:
            continue
        if target in found:
            raise SchemaError(
                col, f"both {found[target]!r} and {col!r} map to {target!r}", file=file, column=target
            )
        found[target] = col
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if "due_at" in missing and "statutory_days" in found:
        missing.remove("due_at")
    if missing:
        raise SchemaError(None, f"missing required column {missing[0]!r}", file=file, column=missing[0])
    return found


def _int_parts(raw: str) -> tuple[str, str]:
    """(BIGINT value, bad flag) of an integer column given as text or number."""
    num = f"TRY_CAST({_txt(raw)} AS DOUBLE)"
    bad = f"({_txt(raw)} IS NOT NULL AND ({num} IS NULL OR {num} <> floor({num})))"
    return f"CAST(round({num}) AS BIGINT)", bad


def validate_to_parquet(
    source: str | Path | Sequence[str | Path],
    clean_path: str | Path,
    rejects_path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    units: Iterable[str] | None = None,
    holidays: WorkCalendar | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    progress: bool = False,
) -> ExportCounts:
    """Validate Parquet/CSV exports in DuckDB; write clean and rejects Parquet files.

    Parameters
    ----------
    source : path, glob or list of paths
        Parquet files or CSV files (UTF-8, header row).
    clean_path, rejects_path : path
        Output Parquet files: canonical columns then extra columns, in input order; rejects
        with file, row (1-based data row within its file), dossier_id, column, value, reason.
    mapping, units, holidays
        As in :func:`~cchc_research.dossiers.io.read_export`.
    threads, memory_limit, temp_directory : optional
        DuckDB resource settings.
    progress : bool
        Show DuckDB's progress of each stage on stderr.

    Returns
    -------
    ExportCounts

    Raises
    ------
    SchemaError
        Missing required column (naming file and column), ambiguous headers, no input.
    """
    files = expand_paths(source)
    cal = holidays or DEFAULT_CALENDAR
    allowed = sorted(set(known_units() if units is None else (str(u) for u in units)))
    con = connect(threads, memory_limit, temp_directory)
    con.execute("SET preserve_insertion_order = true")
    try:
        listing = "[" + ", ".join(_quote(f) for f in files) + "]"
        if _kind(files[0]) == "parquet":
            src = (
                f"SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __row FROM read_parquet({listing}, "
                "union_by_name = true, filename = '__file', file_row_number = true)"
            )
        else:
            con.execute(
                f"CREATE TEMP TABLE raw_csv AS SELECT * FROM read_csv({listing}, all_varchar = true, "
                "header = true, union_by_name = true, filename = '__file')"
            )
            src = "SELECT *, row_number() OVER (PARTITION BY __file ORDER BY rowid) AS __row FROM raw_csv"
        types = {r[0]: str(r[1]) for r in con.execute(f"DESCRIBE {src}").fetchall()}
        found = _map_columns(types, mapping, files[0])
        con.register("units_input", pd.DataFrame({"code": pd.Series(allowed, dtype=object)}))
        con.execute("CREATE TEMP TABLE units AS SELECT CAST(code AS VARCHAR) AS code FROM units_input")
        table = cal.table()
        con.register("cal_input", table)
        con.execute("CREATE TEMP TABLE cal AS SELECT CAST(date AS DATE) AS day, work_index FROM cal_input")
        con.execute(
            "CREATE TEMP TABLE wdays AS SELECT CAST(date AS DATE) AS day, work_index AS k "
            "FROM cal_input WHERE is_working"
        )
        file_case = " ".join(f"WHEN {_quote(f)} THEN {i}" for i, f in enumerate(files))
        query, rules = _checked_query(src, types, found, file_case, DATE_FORMATS)
        run_query(con, f"CREATE TEMP TABLE checked AS {query}", progress=progress,
                  description="validate", fetch=False)
        extras = [c for c in types if not c.startswith("__") and c not in found.values()]
        any_bad = " OR ".join(f"f{i}" for i in range(len(rules)))
        canon = ", ".join(f"{c}" for c in DOSSIER_COLUMNS)
        extra_sql = "".join(f", {_ident('x_' + c)} AS {_ident(c)}" for c in extras)
        run_query(
            con,
            f"COPY (SELECT {canon}{extra_sql} FROM checked WHERE NOT ({any_bad}) "
            f"ORDER BY __fidx, __row) TO {_quote(str(clean_path))} (FORMAT parquet)",
            progress=progress, description="write clean", fetch=False,
        )
        parts = [
            f"SELECT __fidx, __row, {i} AS __rule, __file AS \"file\", __row AS \"row\", "
            f"NULLIF(dossier_id, '') AS dossier_id, {_quote(col)} AS \"column\", "
            f"{_blank_null('r_' + col) if col in found else 'CAST(NULL AS VARCHAR)'} AS \"value\", "
            f"{_quote(reason)} AS reason FROM checked WHERE f{i}"
            for i, (col, reason) in enumerate(rules)
        ]
        con.execute(
            "COPY (SELECT \"file\", CAST(\"row\" AS BIGINT) AS \"row\", dossier_id, \"column\", \"value\", reason FROM ("
            + " UNION ALL ".join(parts)
            + f") ORDER BY __fidx, __row, __rule) TO {_quote(str(rejects_path))} (FORMAT parquet)"
        )
        read, rejected = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {any_bad}) FROM checked"
        ).fetchone()
    finally:
        con.close()
    return ExportCounts(read=int(read), valid=int(read - rejected), rejected=int(rejected))


def _checked_query(
    src: str, types: dict[str, str], found: dict[str, str], file_case: str, formats: Sequence[str]
) -> tuple[str, list[tuple[str, str]]]:
    """SELECT producing parsed canonical columns, raw text ``r_*``, extras ``x_*`` and flags."""
    q = {c: f"s.{_ident(raw)}" for c, raw in found.items()}
    kind = {c: types[raw] for c, raw in found.items()}
    fmt_list = "[" + ", ".join(_quote(f) for f in formats) + "]"
    sel: dict[str, str] = {}
    rules: list[tuple[str, str]] = []
    flags: list[str] = []

    def rule(cond: str, column: str, reason: str) -> None:
        flags.append(f"coalesce({cond}, false) AS f{len(rules)}")
        rules.append((column, reason))

    sel["dossier_id"] = f"coalesce(trim(CAST({q['dossier_id']} AS VARCHAR)), '')"
    for col in ("procedure_code", "field"):
        sel[col] = _txt(q[col]) if col in q else "CAST(NULL AS VARCHAR)"
    if kind["unit"].startswith(_NUMERIC):
        sel["unit"] = f"coalesce(CAST(CAST({q['unit']} AS BIGINT) AS VARCHAR), '')"
    else:
        sel["unit"] = f"coalesce(trim(CAST({q['unit']} AS VARCHAR)), '')"
    sel["channel"] = _coded(q["channel"], "channel")
    sel["online_level"] = _coded(q["online_level"], "online_level") if "online_level" in q else "CAST(NULL AS VARCHAR)"
    bad_date: dict[str, str] = {}
    for col in ("received_at", "due_at", "completed_at"):
        if col not in q:
            sel[col], bad_date[col] = "CAST(NULL AS TIMESTAMP)", "false"
        elif kind[col].startswith(_TEMPORAL) and "TIME ZONE" not in kind[col]:
            sel[col], bad_date[col] = f"CAST({q[col]} AS TIMESTAMP)", "false"
        else:
            sel[col] = f"try_strptime({_txt(q[col])}, {fmt_list})"
            bad_date[col] = f"({_txt(q[col])} IS NOT NULL AND {sel[col]} IS NULL)"
    sel["status"] = _coded(q["status"], "status")
    for col, reason in (("supplement_requests", "supplement requests not an integer"),
                        ("statutory_days", "statutory days not a non-negative integer")):
        if col in q:
            sel[col], bad = _int_parts(q[col])
            sel["bad_" + col] = bad
        else:
            sel[col] = "CAST(NULL AS BIGINT)"
            sel["bad_" + col] = "false"
    if "satisfaction_rating" in q:
        words = " ".join(
            f"WHEN {_quote(a)} THEN {_quote(v)}" for a, v in VALUE_ALIASES["satisfaction_rating"].items()
        )
        rating_txt = f"(CASE {_norm(q['satisfaction_rating'])} {words} ELSE {_txt(q['satisfaction_rating'])} END)"
        sel["satisfaction_rating"], sel["bad_rating"] = _int_parts(rating_txt)
    else:
        sel["satisfaction_rating"], sel["bad_rating"] = "CAST(NULL AS BIGINT)", "false"
    if "delegated" in q and kind["delegated"] == "BOOLEAN":
        sel["delegated"] = f"CAST({q['delegated']} AS VARCHAR)"
        sel["bad_delegated"] = "false"
    elif "delegated" in q:
        sel["delegated"] = _coded(q["delegated"], "delegated")
        sel["bad_delegated"] = f"({sel['delegated']} IS NULL)"
    else:
        sel["delegated"], sel["bad_delegated"] = "CAST(NULL AS VARCHAR)", "false"
    raw_cols = "".join(f", CAST({q[c]} AS VARCHAR) AS r_{c}" for c in q)
    blank = {c: (f"({_txt(q[c])} IS NULL)" if c in q else "true") for c in ("due_at", "completed_at", "received_at")}
    extras = "".join(
        f", s.{_ident(c)} AS {_ident('x_' + c)}" for c in types if not c.startswith("__") and c not in found.values()
    )
    stage1 = (
        "SELECT s.__file, s.__row, CASE s.__file " + file_case + " END AS __fidx, "
        + ", ".join(f"{expr} AS {name}" for name, expr in sel.items())
        + "".join(f", {b} AS bad_date_{c}" for c, b in bad_date.items())
        + "".join(f", {b} AS blank_{c}" for c, b in blank.items())
        + raw_cols + extras + f" FROM ({src}) AS s"
    )
    # stage 2: due date from statutory days, duplicates
    stage2 = (
        "SELECT t.* REPLACE (CASE WHEN t.due_at IS NULL AND NOT coalesce(t.bad_statutory_days, false) "
        "AND t.statutory_days >= 0 THEN CASE WHEN t.statutory_days = 0 "
        "THEN CAST(CAST(t.received_at AS DATE) AS TIMESTAMP) ELSE CAST(w0.day AS TIMESTAMP) END "
        "ELSE t.due_at END AS due_at), "
        "row_number() OVER (PARTITION BY t.dossier_id ORDER BY t.__fidx, t.__row) AS __dup "
        f"FROM ({stage1}) AS t LEFT JOIN cal c0 ON c0.day = CAST(t.received_at AS DATE) "
        "LEFT JOIN wdays w0 ON w0.k = c0.work_index + t.statutory_days"
    )
    rule("dossier_id = ''", "dossier_id", "missing dossier_id")
    rule("dossier_id <> '' AND __dup > 1", "dossier_id", "duplicate dossier_id")
    rule("unit NOT IN (SELECT code FROM units)", "unit", "unknown unit")
    rule("channel IS NULL", "channel", "unknown channel")
    if "online_level" in q:
        rule("online_level IS NULL", "online_level", "unknown online level")
    for col in ("received_at", "due_at", "completed_at"):
        rule(f"bad_date_{col}", col, "unparseable date")
    rule("blank_received_at", "received_at", "missing received_at")
    if "statutory_days" in q:
        rule("bad_statutory_days OR statutory_days < 0", "statutory_days",
             "statutory days not a non-negative integer")
    rule("blank_due_at AND due_at IS NULL", "due_at", "missing due_at and statutory_days")
    rule("CAST(completed_at AS DATE) < CAST(received_at AS DATE)", "completed_at", "completed before received")
    rule("CAST(due_at AS DATE) < CAST(received_at AS DATE)", "due_at", "due before received")
    rule("status IS NULL", "status", "unknown status")
    rule("status = 'completed' AND blank_completed_at", "completed_at", "completed without completed_at")
    rule("status = 'pending' AND NOT blank_completed_at", "completed_at", "pending with completed_at")
    if "supplement_requests" in q:
        rule("bad_supplement_requests", "supplement_requests", "supplement requests not an integer")
        rule("supplement_requests < 0", "supplement_requests", "negative supplement requests")
    if "satisfaction_rating" in q:
        rule("bad_rating", "satisfaction_rating", "rating not an integer")
        rule("satisfaction_rating < 1 OR satisfaction_rating > 5", "satisfaction_rating", "rating outside 1-5")
    if "delegated" in q:
        rule("bad_delegated", "delegated", "delegated not yes/no")
    final = (
        "SELECT * EXCLUDE (supplement_requests, delegated), "
        "coalesce(supplement_requests, 0) AS supplement_requests, "
        "CAST(delegated AS BOOLEAN) AS delegated, "
        + ", ".join(flags)
        + f" FROM ({stage2})"
    )
    return final, rules
