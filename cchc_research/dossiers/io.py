"""Read a one-stop-shop dossier export (CSV, Excel, Parquet) into the canonical table.

:func:`read_export` maps Vietnamese headers and values, parses Vietnamese dates, derives
missing due dates from the statutory processing time, and splits the records into a clean
frame and a rejects table. Every record read is either valid or rejected:
``counts.read == counts.valid + counts.rejected`` always holds.

Reject rules (one rejects record per problem; a record with several problems appears
several times in the rejects table but is counted once in ``counts.rejected``):

==============================================  ==============================
reason                                          column
==============================================  ==============================
``missing dossier_id``                          dossier_id
``duplicate dossier_id``                        dossier_id (every copy after the
                                                first in file order; the first
                                                is kept if otherwise valid)
``unparseable date``                            received_at / due_at / completed_at
``missing received_at``                         received_at
``missing due_at and statutory_days``           due_at
``completed before received``                   completed_at (calendar dates)
``due before received``                         due_at (calendar dates)
``unknown unit``                                unit (not in ``units``; blank too)
``unknown channel``                             channel
``unknown online level``                        online_level
``unknown status``                              status
``completed without completed_at``              completed_at
``pending with completed_at``                   completed_at
``supplement requests not an integer``          supplement_requests
``negative supplement requests``                supplement_requests
``rating not an integer``                       satisfaction_rating
``rating outside 1-5``                          satisfaction_rating
``statutory days not a non-negative integer``   statutory_days
``delegated not yes/no``                        delegated
==============================================  ==============================

Blank ``supplement_requests`` means 0; blank ``online_level`` means ``"none"``; a
missing ``online_level`` column leaves it NA. ``row`` in the rejects table is the 1-based
data row (header excluded) of the file, for Excel the data row of the sheet.

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
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from pandera.errors import SchemaError as PanderaSchemaError
from pandera.errors import SchemaErrors as PanderaSchemaErrors

from cchc_research.dossiers.schema import (
    DOSSIER_COLUMNS,
    REJECT_COLUMNS,
    REQUIRED_COLUMNS,
    VALUE_ALIASES,
    canonical_header,
    dossier_schema,
    known_units,
    normalize_text,
)
from cchc_research.dossiers.workdays import DEFAULT_CALENDAR, WorkCalendar
from cchc_research.errors import SchemaError, SourceError

__all__ = ["ExportCounts", "DossierExport", "read_export", "read_raw", "parse_dates", "DATE_FORMATS"]

#: Date formats tried in order (day first, as written in Vietnam).
DATE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%H:%M:%S %d/%m/%Y",
    "%H:%M %d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)

_DATE_COLUMNS = ("received_at", "due_at", "completed_at")


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
        any extra columns of the export).
    rejects : DataFrame
        One record per problem: file, row, dossier_id, column, value, reason.
    counts : ExportCounts
    file : str
    """

    dossiers: pd.DataFrame
    rejects: pd.DataFrame
    counts: ExportCounts
    file: str


def read_raw(path: str | Path, *, sheet_name: int | str = 0) -> pd.DataFrame:
    """Read an export file as is (strings for CSV, cell values for Excel, typed Parquet).

    Raises
    ------
    SourceError
        The file is missing or its suffix is not .csv, .txt, .xlsx, .xlsm, .xls or .parquet.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(str(path), "file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        engine = "xlrd" if suffix == ".xls" else "openpyxl"
        return pd.read_excel(path, sheet_name=sheet_name, dtype=object, engine=engine)
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    raise SourceError(suffix, "unsupported export format (csv, xlsx, xls, parquet)", file=str(path))


def _map_headers(frame: pd.DataFrame, mapping: Mapping[str, str] | None, file: str) -> pd.DataFrame:
    mapping = dict(mapping or {})
    for target in mapping.values():
        if target not in DOSSIER_COLUMNS:
            raise SchemaError(target, "mapping target is not a canonical dossier column", file=file)
    rename: dict[str, str] = {}
    seen: dict[str, str] = {}
    for col in frame.columns:
        target = mapping.get(col) or canonical_header(col)
        if target is None:
            continue
        if target in seen:
            raise SchemaError(
                col, f"both {seen[target]!r} and {col!r} map to {target!r}", file=file, column=target
            )
        seen[target] = str(col)
        rename[col] = target
    out = frame.rename(columns=rename)
    missing = [c for c in REQUIRED_COLUMNS if c not in out.columns]
    if "due_at" in missing and "statutory_days" in out.columns:
        missing.remove("due_at")
    if missing:
        raise SchemaError(None, f"missing required column {missing[0]!r}", file=file, column=missing[0])
    return out


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype("string").str.strip().fillna("").eq("")


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse Vietnamese-style dates.

    Parameters
    ----------
    series : Series
        Strings such as ``"15/03/2024"``, ``"15/03/2024 08:30"``, ISO dates, or datetimes.

    Returns
    -------
    parsed : Series of datetime64[ns]
        NaT where blank or unparseable.
    bad : Series of bool
        True where the value is present but could not be parsed.

    Examples
    --------
    >>> import pandas as pd
    >>> parsed, bad = parse_dates(pd.Series(["15/03/2024 08:30", "2024-03-16", "", "31/02/2024"]))
    >>> [str(x) for x in parsed]
    ['2024-03-15 08:30:00', '2024-03-16 00:00:00', 'NaT', 'NaT']
    >>> bad.tolist()
    [False, False, False, True]
    """
    series = pd.Series(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series.dt.tz_localize(None) if series.dt.tz is not None else series
        return parsed.astype("datetime64[ns]"), pd.Series(False, index=series.index)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    blank = _blank(series)
    is_dt = series.map(lambda v: isinstance(v, (datetime, date, pd.Timestamp)) and not pd.isna(v))
    is_dt = is_dt.astype(bool)
    if is_dt.any():
        out[is_dt] = pd.to_datetime(series[is_dt].map(pd.Timestamp)).astype("datetime64[ns]")
    todo = ~blank & ~is_dt
    text = series[todo].astype(str).str.strip()
    for fmt in DATE_FORMATS:
        if text.empty:
            break
        got = pd.to_datetime(text, format=fmt, errors="coerce")
        ok = got.notna()
        out[ok[ok].index] = got[ok].astype("datetime64[ns]")
        text = text[~ok]
    bad = pd.Series(False, index=series.index)
    bad[text.index] = True
    return out, bad


def _parse_int(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Integers from strings/floats; returns (Int64 values, bad mask); blanks are NA."""
    blank = _blank(series)
    num = pd.to_numeric(series.where(~blank).astype("string").str.strip(), errors="coerce")
    bad = ~blank & (num.isna() | (num.notna() & (num.fillna(0) % 1 != 0)))
    values = num.where(~bad).astype("Float64").round().astype("Int64")
    return values, bad


def _coded(series: pd.Series, column: str) -> pd.Series:
    table = VALUE_ALIASES[column]
    return series.map(lambda v: table.get(normalize_text("" if pd.isna(v) else v))).astype("string")


def _unit_codes(series: pd.Series) -> pd.Series:
    def clean(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    return series.map(clean).astype("string")


def read_export(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    units: Iterable[str] | None = None,
    holidays: WorkCalendar | None = None,
    sheet_name: int | str = 0,
) -> DossierExport:
    """Read, map and validate a one-stop-shop dossier export.

    Parameters
    ----------
    path : str or Path
        A .csv (UTF-8), .xlsx/.xls or .parquet file.
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

    Returns
    -------
    DossierExport
        ``.dossiers``, ``.rejects``, ``.counts`` (read / valid / rejected).

    Raises
    ------
    SourceError
        Missing file or unsupported format.
    SchemaError
        A required column is missing (names the file and column), two headers map to the
        same column, or the clean frame fails the pandera schema.
    """
    file = str(path)
    raw = read_raw(path, sheet_name=sheet_name)
    frame = _map_headers(raw, mapping, file)
    cal = holidays or DEFAULT_CALENDAR
    allowed = frozenset(known_units() if units is None else (str(u) for u in units))
    n = len(frame)
    frame = frame.reset_index(drop=True)
    problems: list[tuple[pd.Series, str, str]] = []  # (mask, column, reason)

    def add(mask: pd.Series, column: str, reason: str) -> None:
        problems.append((mask.fillna(False).astype(bool), column, reason))

    clean = pd.DataFrame(index=frame.index)
    ids = frame["dossier_id"].map(lambda v: "" if pd.isna(v) else str(v).strip()).astype("string")
    add(ids.eq(""), "dossier_id", "missing dossier_id")
    add(ids.ne("") & ids.duplicated(keep="first"), "dossier_id", "duplicate dossier_id")
    clean["dossier_id"] = ids
    for col in ("procedure_code", "field"):
        if col in frame.columns:
            vals = frame[col].map(lambda v: pd.NA if pd.isna(v) or str(v).strip() == "" else str(v).strip())
            clean[col] = vals.astype("string")
        else:
            clean[col] = pd.Series(pd.NA, index=frame.index, dtype="string")
    clean["unit"] = _unit_codes(frame["unit"])
    add(~clean["unit"].isin(allowed), "unit", "unknown unit")
    clean["channel"] = _coded(frame["channel"], "channel")
    add(clean["channel"].isna(), "channel", "unknown channel")
    if "online_level" in frame.columns:
        clean["online_level"] = _coded(frame["online_level"], "online_level")
        add(clean["online_level"].isna(), "online_level", "unknown online level")
    else:
        clean["online_level"] = pd.Series(pd.NA, index=frame.index, dtype="string")

    for col in _DATE_COLUMNS:
        if col in frame.columns:
            parsed, bad = parse_dates(frame[col])
            add(bad, col, "unparseable date")
        else:
            parsed = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        clean[col] = parsed
    add(_blank(frame["received_at"]), "received_at", "missing received_at")

    if "statutory_days" in frame.columns:
        stat, bad = _parse_int(frame["statutory_days"])
        bad = bad | (stat.fillna(0) < 0)
        add(bad, "statutory_days", "statutory days not a non-negative integer")
        stat = stat.where(~bad)
        derive = clean["due_at"].isna() & stat.notna() & clean["received_at"].notna()
        if derive.any():
            base = cal.work_index(clean.loc[derive, "received_at"])
            due = cal.working_date(base + stat[derive].to_numpy(dtype="float64"))
            due = due.where(stat[derive].to_numpy() > 0, clean.loc[derive, "received_at"].dt.normalize().to_numpy())
            clean.loc[derive, "due_at"] = due.to_numpy()
        clean["statutory_days"] = stat
    else:
        clean["statutory_days"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    due_raw_blank = _blank(frame["due_at"]) if "due_at" in frame.columns else pd.Series(True, index=frame.index)
    add(due_raw_blank & clean["due_at"].isna(), "due_at", "missing due_at and statutory_days")

    recv_day = clean["received_at"].dt.normalize()
    add(clean["completed_at"].dt.normalize() < recv_day, "completed_at", "completed before received")
    add(clean["due_at"].dt.normalize() < recv_day, "due_at", "due before received")

    clean["status"] = _coded(frame["status"], "status")
    add(clean["status"].isna(), "status", "unknown status")
    completed_blank = _blank(frame["completed_at"])
    add(clean["status"].eq("completed") & completed_blank, "completed_at", "completed without completed_at")
    add(clean["status"].eq("pending") & ~completed_blank, "completed_at", "pending with completed_at")

    if "supplement_requests" in frame.columns:
        sup, bad = _parse_int(frame["supplement_requests"])
        add(bad, "supplement_requests", "supplement requests not an integer")
        add(sup < 0, "supplement_requests", "negative supplement requests")
        clean["supplement_requests"] = sup.fillna(0)
    else:
        clean["supplement_requests"] = pd.Series(0, index=frame.index, dtype="Int64")

    if "satisfaction_rating" in frame.columns:
        words = frame["satisfaction_rating"].map(
            lambda v: VALUE_ALIASES["satisfaction_rating"].get(normalize_text(v), v) if isinstance(v, str) else v
        )
        rating, bad = _parse_int(words)
        add(bad, "satisfaction_rating", "rating not an integer")
        add((rating < 1) | (rating > 5), "satisfaction_rating", "rating outside 1-5")
        clean["satisfaction_rating"] = rating
    else:
        clean["satisfaction_rating"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")

    if "delegated" in frame.columns:
        deleg = frame["delegated"].map(
            lambda v: v if isinstance(v, (bool, np.bool_)) else VALUE_ALIASES["delegated"].get(
                normalize_text("" if pd.isna(v) else v)
            )
        )
        add(deleg.isna(), "delegated", "delegated not yes/no")
        clean["delegated"] = deleg.map({"true": True, "false": False, True: True, False: False}).astype("boolean")
    else:
        clean["delegated"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")

    rejects = _rejects_table(problems, frame, ids, file)
    bad_rows = np.zeros(n, dtype=bool)
    for mask, _, _ in problems:
        bad_rows |= mask.to_numpy()
    extra = [c for c in frame.columns if c not in DOSSIER_COLUMNS]
    good = clean.loc[~bad_rows].copy()
    good = good[list(DOSSIER_COLUMNS)].astype(
        {**DOSSIER_COLUMNS, "supplement_requests": "int64"}
    )
    for col in extra:
        good[col] = frame.loc[~bad_rows, col]
    good = good.reset_index(drop=True)
    try:
        dossier_schema(allowed).validate(good, lazy=True)
    except (PanderaSchemaErrors, PanderaSchemaError) as exc:  # pragma: no cover - defensive
        raise SchemaError(None, f"clean dossier frame failed its schema: {exc}", file=file) from exc
    counts = ExportCounts(read=n, valid=int(len(good)), rejected=int(bad_rows.sum()))
    return DossierExport(dossiers=good, rejects=rejects, counts=counts, file=file)


def _rejects_table(
    problems: list[tuple[pd.Series, str, str]], frame: pd.DataFrame, ids: pd.Series, file: str
) -> pd.DataFrame:
    parts = []
    for order, (mask, column, reason) in enumerate(problems):
        if not mask.any():
            continue
        idx = mask[mask].index
        raw = frame[column].loc[idx] if column in frame.columns else pd.Series(pd.NA, index=idx)
        parts.append(
            pd.DataFrame(
                {
                    "file": file,
                    "row": idx.to_numpy() + 1,
                    "dossier_id": ids.loc[idx].to_numpy(),
                    "column": column,
                    "value": [None if pd.isna(v) or str(v).strip() == "" else str(v) for v in raw],
                    "reason": reason,
                    "_order": order,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in REJECT_COLUMNS.items()})
    out = pd.concat(parts, ignore_index=True).sort_values(["row", "_order"], kind="stable")
    out["dossier_id"] = out["dossier_id"].replace("", pd.NA)
    return out.drop(columns="_order").reset_index(drop=True).astype(REJECT_COLUMNS)
