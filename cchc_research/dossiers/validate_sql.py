"""Out-of-core validation of large dossier exports in DuckDB (clean Parquet + rejects Parquet).

:func:`validate_to_parquet` is the out-of-core twin of :func:`~cchc_research.dossiers.io.read_export`:
the same front end (:mod:`~cchc_research.dossiers.frontend`) streams CSV/Excel records to
Parquet in a scratch directory (Parquet exports are read in place), and the same rules
(:mod:`~cchc_research.dossiers.rules`) run in DuckDB; the clean rows and rejects are copied
to Parquet, never loaded into pandas. One definition of the rules, so the two readers
cannot disagree (``tests/dossiers/test_dossiers_corpus.py`` runs both on the messy-export corpus).

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

import tempfile
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from cchc_research.dossiers.dates import DateWindow
from cchc_research.dossiers.frontend import EXCEL_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES, open_export
from cchc_research.dossiers.inputs import match_sources
from cchc_research.dossiers.io import ExportCounts
from cchc_research.dossiers.rules import check, clean_sql, counts_sql, register_sources, rejects_sql
from cchc_research.dossiers.schema import known_units
from cchc_research.dossiers.sqlutil import connect, quote_literal, run_query
from cchc_research.dossiers.workdays import DEFAULT_CALENDAR, WorkCalendar
from cchc_research.errors import SourceError

__all__ = ["validate_to_parquet", "export_paths"]

_SUFFIXES = TEXT_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES


def export_paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    """Expand a path, glob, folder (its export files) or list of them into export files.

    Raises
    ------
    SourceError
        Nothing matches.
    """
    files: list[str] = []
    for text, matched in match_sources(
        source, lambda folder: sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES),
        must_exist=False,
    ):
        if not matched:
            raise SourceError(text, "no export file matches", file=text)
        files.extend(matched)
    return files


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
    header_row: int | None = None,
    sheet_name: int | str = 0,
    date_window: DateWindow | None = None,
) -> ExportCounts:
    """Validate exports in DuckDB; write clean and rejects Parquet files.

    Parameters
    ----------
    source : path, glob, folder or list of paths
        Export files (CSV/TXT/TSV in any supported encoding and delimiter, Excel, Parquet).
    clean_path, rejects_path : path
        Output Parquet files: canonical columns then extra columns, in input order; rejects
        with file, row (1-based record below the header of its file), dossier_id, column,
        value, reason.
    mapping, units, holidays, header_row, sheet_name, date_window
        As in :func:`~cchc_research.dossiers.io.read_export` (applied to every file).
    threads, memory_limit, temp_directory : optional
        DuckDB resource settings; ``temp_directory`` also holds the scratch Parquet files.
    progress : bool
        Show DuckDB's progress of each stage on stderr.

    Returns
    -------
    ExportCounts

    Raises
    ------
    SourceError, EmptyExportError, EncodingError, SchemaError
        As :func:`~cchc_research.dossiers.io.read_export`, naming the file.
    """
    files = export_paths(source)
    sources = [open_export(f, mapping, header_row=header_row, sheet_name=sheet_name) for f in files]
    allowed = known_units() if units is None else [str(u) for u in units]
    con = connect(threads, memory_limit, temp_directory)
    con.execute("SET preserve_insertion_order = true")
    try:
        with tempfile.TemporaryDirectory(dir=temp_directory, prefix="cchc_validate_") as scratch:
            view, present, extras = register_sources(con, sources, spill_dir=scratch)
            rules = check(con, view, present, extras, units=allowed, calendar=holidays or DEFAULT_CALENDAR,
                          window=date_window, progress=progress)
            run_query(con, f"COPY ({clean_sql(extras)}) TO {quote_literal(str(clean_path))} (FORMAT parquet)",
                      progress=progress, description="write clean", fetch=False)
            con.execute(f"COPY ({rejects_sql(rules, present)}) TO {quote_literal(str(rejects_path))} (FORMAT parquet)")
            read, rejected = con.execute(counts_sql()).fetchone()
    finally:
        con.close()
    return ExportCounts(read=int(read), valid=int(read - rejected), rejected=int(rejected))
