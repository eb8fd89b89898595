"""Inputs of the aggregation engines: file lists, file kinds, and the "validated" check.

:func:`~cchc_research.dossiers.aggregate.aggregate` reads *validated* dossiers (the clean
output of :func:`~cchc_research.dossiers.io.read_export` or
:func:`~cchc_research.dossiers.validate_sql.validate_to_parquet`): canonical column names
and real timestamps. A raw export (Vietnamese headers, day-first date strings) handed to it
is refused with :class:`~cchc_research.errors.UnvalidatedInputError` instead of being
silently misread (a ``TRY_CAST`` of ``"15/03/2024"`` is NULL, and the dossier would vanish).

Examples
--------
>>> file_kind("a/b.parquet"), file_kind("x.CSV")
('parquet', 'csv')
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Callable, Iterator, Sequence

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from cchc_research.dossiers.schema import canonical_header
from cchc_research.errors import EmptyExportError, SchemaError, SourceError, UnvalidatedInputError

__all__ = [
    "NA_KEY", "DATE_COLUMNS", "expand_paths", "match_sources", "file_kind", "require_validated_sql",
    "require_validated_frame", "require_aggregate_columns", "source_label",
]

#: Value standing for a missing ``by`` value inside the engines (restored to NA on output).
NA_KEY = "\x1f<missing>\x1f"

#: The timestamp columns of a validated dossier table.
DATE_COLUMNS: tuple[str, ...] = ("received_at", "due_at", "completed_at")

_HINT = (
    "aggregate reads validated dossiers: run `cchc dossiers validate IN --clean OUT.parquet` "
    "(or read_export) first"
)


def file_kind(path: str) -> str:
    """``"parquet"`` or ``"csv"`` from the file suffix.

    Raises
    ------
    SchemaError
        Any other suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise SchemaError(suffix, "aggregate reads Parquet or CSV (use read_export for Excel)", file=path)


def match_sources(
    source: str | Path | Sequence[str | Path],
    folder_files: Callable[[Path], list[str]],
    *,
    must_exist: bool,
) -> Iterator[tuple[str, list[str]]]:
    """Each path, glob or folder of ``source`` with the files it names (the one glob rule of both readers).

    Parameters
    ----------
    source : path, glob, folder or list of them
    folder_files : callable
        The files a folder stands for (each reader keeps its own suffixes), sorted.
    must_exist : bool
        A plain path that does not exist names no file (True) or itself (False, left to the reader).

    Yields
    ------
    tuple of (str, list of str)
        The item as text and its files: a glob's matches sorted, a folder's ``folder_files``, a
        plain path itself. The caller refuses an empty list with its own error.
    """
    items = [source] if isinstance(source, (str, Path)) else list(source)
    for item in items:
        text = str(item)
        if any(ch in text for ch in "*?["):
            yield text, sorted(glob.glob(text))
        elif Path(text).is_dir():
            yield text, folder_files(Path(text))
        else:
            yield text, [text] if not must_exist or Path(text).exists() else []


def expand_paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    """Expand a path, a glob or a list of them into a sorted list of existing files.

    Raises
    ------
    SchemaError
        Nothing matches, or the files mix formats other than Parquet and CSV.
    EmptyExportError
        A file is empty (0 bytes).
    SourceError
        A ``.parquet`` file is not readable Parquet (truncated, corrupt, another format).
    """
    files: list[str] = []
    for text, matched in match_sources(source, lambda folder: sorted(glob.glob(str(folder / "*.parquet"))),
                                       must_exist=True):
        if not matched:
            raise SchemaError(text, "no dossier file matches", file=text)
        files.extend(matched)
    kinds = {file_kind(f) for f in files}
    if len(kinds) != 1:
        raise SchemaError(sorted(kinds), "all inputs must be Parquet or all CSV", file=files[0])
    for f in files:
        if Path(f).stat().st_size == 0:
            raise EmptyExportError(f, f"empty file (0 bytes); {_HINT}", file=f)
        if file_kind(f) == "parquet":
            try:
                pq.read_schema(f)  # the footer only: a truncated or non-Parquet file fails here
            except Exception as exc:  # pyarrow.ArrowInvalid and OSError variants
                raise SourceError(f, f"not a readable Parquet file ({exc})", file=f) from exc
    return files


def source_label(source: object) -> str | None:
    """The file (or "first file and N more") an aggregation reads, for error messages."""
    if isinstance(source, pd.DataFrame):
        return None
    items = [source] if isinstance(source, (str, Path)) else list(source)  # type: ignore[arg-type]
    return str(items[0]) + (f" (and {len(items) - 1} more)" if len(items) > 1 else "")


def require_aggregate_columns(columns: Sequence[str], by: Sequence[str], file: str | None = None) -> None:
    """Refuse a dossier table that lacks a column the aggregation needs (file and hint given).

    Needed: ``received_at``, ``completed_at``, ``status``, ``channel``, the ``by`` columns, and
    ``due_at`` or ``statutory_days``.

    Raises
    ------
    SchemaError
    """
    needed = ["received_at", "completed_at", "status", "channel", *by]
    if "due_at" not in columns and "statutory_days" not in columns:
        needed.append("due_at")
    missing = [c for c in needed if c not in columns]
    if missing:
        raise SchemaError(
            None,
            f"missing required column(s) {missing} (the table has {list(columns)[:12]}): not a "
            f"validated dossier table; {_HINT}",
            file=file, column=missing[0],
        )


def _raw_headers(columns: Sequence[str], file: str | None) -> None:
    raw = [c for c in columns if canonical_header(c) is not None and canonical_header(c) != c]
    if raw:
        raise UnvalidatedInputError(
            raw[:3], f"looks like a raw export (headers {raw[:3]!r}); {_HINT}", file=file
        )


def require_validated_sql(
    con: duckdb.DuckDBPyConnection, src: str, types: dict[str, str], file: str | None = None
) -> None:
    """Refuse a DuckDB source that is not a validated dossier table.

    A date column must be DATE/TIMESTAMP, or text holding only blanks and ISO timestamps
    (as a validated table written to CSV does).

    Raises
    ------
    UnvalidatedInputError
    """
    _raw_headers(list(types), file)
    for col in DATE_COLUMNS:
        kind = types.get(col)
        if kind is None or kind.startswith(("TIMESTAMP", "DATE")) and "TIME ZONE" not in kind:
            continue
        if kind != "VARCHAR" and not kind.startswith("TIMESTAMP"):
            if kind == '"NULL"' or kind == "NULL":
                continue
            raise UnvalidatedInputError(kind, f"column {col!r} has type {kind}; {_HINT}", file=file, column=col)
        bad = con.execute(
            f"SELECT any_value(x) FROM (SELECT CAST({col} AS VARCHAR) AS x FROM {src}) "
            "WHERE nullif(trim(x), '') IS NOT NULL AND NOT regexp_full_match(trim(x), "
            r"'\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?')"
        ).fetchall()[0][0]
        if bad is not None:
            raise UnvalidatedInputError(bad, f"column {col!r} holds non-ISO dates; {_HINT}", file=file, column=col)


def require_validated_frame(frame: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Refuse a DataFrame that is not a validated dossier table; return it with datetime columns.

    Raises
    ------
    UnvalidatedInputError
    """
    _raw_headers([str(c) for c in frame.columns], file)
    out = frame
    for col in DATE_COLUMNS:
        if col not in frame.columns or pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
            continue
        text = frame[col].astype("string").str.strip()
        present = text.notna() & text.ne("")
        iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?").fillna(False)
        bad = present & ~iso
        if bad.any():
            raise UnvalidatedInputError(
                str(text[bad].iloc[0]), f"column {col!r} holds non-ISO dates; {_HINT}", file=file, column=col
            )
        if out is frame:
            out = frame.copy()
        try:
            out[col] = pd.to_datetime(text.where(present), format="ISO8601").astype("datetime64[ns]")
        except (ValueError, OverflowError) as exc:  # e.g. year 0024: out of the ns range
            raise UnvalidatedInputError(None, f"column {col!r}: {exc}; {_HINT}", file=file, column=col) from exc
    return out
