"""Read a one-stop-shop dossier export (CSV, Excel, Parquet) into the canonical table.

:func:`read_export` maps Vietnamese headers and values, parses Vietnamese dates, derives
missing due dates from the statutory processing time, and splits the records into a clean
frame and a rejects table. Every record read is either valid or rejected:
``counts.read == counts.valid + counts.rejected`` always holds.

It is the in-memory twin of :func:`~cchc_research.dossiers.validate_sql.validate_to_parquet`
and shares everything with it: the front end (:mod:`~cchc_research.dossiers.frontend`:
encodings, delimiters, title rows above the header, merged Excel cells, ragged rows) and
the rules (:mod:`~cchc_research.dossiers.rules`, one DuckDB query; dates by
:mod:`~cchc_research.dossiers.dates`). Only the destination differs (pandas here,
Parquet there), so the two cannot disagree.

Reject rules (one rejects record per problem; a record with several problems appears
several times in the rejects table but is counted once in ``counts.rejected``): see the
table in :mod:`~cchc_research.dossiers.rules`.

Blank ``supplement_requests`` means 0; blank ``online_level`` means ``"none"``; a
missing ``online_level`` column leaves it NA. ``row`` in the rejects table is the 1-based
record below the header row (title rows and the header excluded; blank records skipped
but counted), for Excel the row of the sheet below the header row.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> from cchc_research.dossiers.io import read_export
>>> raw = pd.DataFrame({"Mã hồ sơ": ["A1", "A2"], "Đơn vị tiếp nhận": ["760", "999"],
...     "Kênh nộp": ["Trực tuyến", "Trực tiếp"], "Ngày tiếp nhận": ["15/03/2024 08:30"] * 2,
...     "Ngày hẹn trả": ["20/03/2024"] * 2, "Ngày trả kết quả": ["19/03/2024", ""],
...     "Trạng thái": ["Đã giải quyết", "Đang giải quyết"]})
>>> path = os.path.join(tempfile.mkdtemp(), "export.csv")
>>> raw.to_csv(path, index=False)
>>> res = read_export(path, units={"760"})
>>> res.counts
ExportCounts(read=2, valid=1, rejected=1)
>>> res.rejects[["row", "column", "value", "reason"]].to_dict("records")
[{'row': 2, 'column': 'unit', 'value': '999', 'reason': 'unknown unit'}]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd
from pandera.errors import SchemaError as PanderaSchemaError
from pandera.errors import SchemaErrors as PanderaSchemaErrors

from cchc_research.dossiers.dates import DateWindow, parse_dates
from cchc_research.dossiers.frontend import open_export
from cchc_research.dossiers.rules import check, clean_sql, counts_sql, register_sources, rejects_sql
from cchc_research.dossiers.schema import DOSSIER_COLUMNS, REJECT_COLUMNS, dossier_schema, known_units
from cchc_research.dossiers.sqlutil import connect
from cchc_research.dossiers.workdays import DEFAULT_CALENDAR, WorkCalendar
from cchc_research.errors import SchemaError

__all__ = ["ExportCounts", "DossierExport", "read_export", "read_raw", "parse_dates"]


@dataclass(frozen=True)
class ExportCounts:
    """Record accounting of one export: ``read == valid + rejected``."""

    read: int
    valid: int
    rejected: int

    def __getitem__(self, key: str) -> int:
        return getattr(self, key)

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return {"read": self.read, "valid": self.valid, "rejected": self.rejected}


@dataclass
class DossierExport:
    """What :func:`read_export` returns.

    Attributes
    ----------
    dossiers : DataFrame
        Clean canonical frame (:data:`~cchc_research.dossiers.schema.DOSSIER_COLUMNS`, then
        any extra columns of the export, as text).
    rejects : DataFrame
        One record per problem: file, row, dossier_id, column, value, reason.
    counts : ExportCounts
    file : str
    """

    dossiers: pd.DataFrame
    rejects: pd.DataFrame
    counts: ExportCounts
    file: str


def read_raw(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    sheet_name: int | str = 0,
    header_row: int | None = None,
) -> pd.DataFrame:
    """The records of an export as the front end reads them (text; canonical names where known).

    Columns: ``__row`` (1-based record below the header), ``__ragged`` (the raw record when
    its number of fields is wrong), then one text column per header cell. Parquet files are
    returned as stored.

    Raises
    ------
    SourceError, EncodingError, EmptyExportError, SchemaError
        As :func:`~cchc_research.dossiers.frontend.open_export`.
    """
    src = open_export(path, mapping, header_row=header_row, sheet_name=sheet_name)
    if src.kind == "parquet":
        return pd.read_parquet(path)
    return src.table().to_pandas()


def read_export(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    units: Iterable[str] | None = None,
    holidays: WorkCalendar | None = None,
    sheet_name: int | str = 0,
    header_row: int | None = None,
    date_window: DateWindow | None = None,
) -> DossierExport:
    """Read, map and validate a one-stop-shop dossier export.

    Parameters
    ----------
    path : str or Path
        A .csv/.txt/.tsv (UTF-8 with or without BOM, UTF-16, cp1258...; comma, semicolon,
        tab or pipe), .xlsx/.xls or .parquet file; title rows above the header are skipped.
    mapping : dict, optional
        Export header → canonical column, for headers the built-in Vietnamese vocabulary
        (:data:`~cchc_research.dossiers.schema.HEADER_ALIASES`) does not know.
    units : iterable of str, optional
        Allowed unit codes; default: the codes of the geography layer
        (:func:`~cchc_research.dossiers.schema.known_units`).
    holidays : WorkCalendar, optional
        Working-day calendar used to derive ``due_at`` from ``statutory_days`` when the
        due date is missing; default :data:`~cchc_research.dossiers.workdays.DEFAULT_CALENDAR`.
    sheet_name : int or str
        Excel sheet.
    header_row : int, optional
        1-based row of the header in the file or sheet (found automatically when None).
    date_window : DateWindow, optional
        Plausible dates (default 1990-01-01 to one year after today).

    Returns
    -------
    DossierExport
        ``.dossiers``, ``.rejects``, ``.counts`` (read / valid / rejected).

    Raises
    ------
    SourceError
        Missing file, unsupported format, unreadable workbook or sheet.
    EmptyExportError
        The file holds nothing.
    EncodingError
        A text file in none of the encodings tried.
    SchemaError
        A required column is missing (names the file and column), two headers map to the
        same column, or the clean frame fails the pandera schema.
    """
    file = str(path)
    src = open_export(path, mapping, header_row=header_row, sheet_name=sheet_name)
    allowed = frozenset(known_units() if units is None else (str(u) for u in units))
    con = connect()
    con.execute("SET preserve_insertion_order = true")
    try:
        view, present, extras = register_sources(con, [src])
        rules = check(con, view, present, extras, units=allowed, calendar=holidays or DEFAULT_CALENDAR,
                      window=date_window)
        clean = con.execute(clean_sql(extras)).df()
        rejects = con.execute(rejects_sql(rules, present)).df()
        read, rejected = con.execute(counts_sql()).fetchone()
    finally:
        con.close()
    good = clean.astype(DOSSIER_COLUMNS)
    for col in extras:
        good[col] = clean[col].astype("string")
    rejects = rejects.astype(REJECT_COLUMNS)
    try:
        dossier_schema(allowed).validate(good, lazy=True)
    except (PanderaSchemaErrors, PanderaSchemaError) as exc:  # pragma: no cover - defensive
        raise SchemaError(None, f"clean dossier frame failed its schema: {exc}", file=file) from exc
    counts = ExportCounts(read=int(read), valid=int(read - rejected), rejected=int(rejected))
    return DossierExport(dossiers=good, rejects=rejects, counts=counts, file=file)
