"""Shared helpers of the PAPI and PCI readers: cached sheet access, cell checks, row records.

Sheets are parsed once per process and cached by (path, size, modification time), so the
build and a test session parse each original file only once. ``.xlsx`` files are read with
python-calamine when it is installed (about ten times faster) and with openpyxl otherwise;
``.xls`` files with xlrd. Both paths give identical tables (tested). Sheet rows are tuples of
raw cell values (``None`` for empty cells), trailing empty cells trimmed. Province names are
resolved only through :func:`cchc_research.geo.resolve_province`.

Locations: in workbooks a value is located by ``source_file`` = ``"<path relative to
data/raw>#<sheet>"`` and ``raw_row`` = the **sheet row** (1-based, as Excel shows it); in CSV
files by the path and the 1-based data row (header excluded).

Examples
--------
>>> from cchc_research.sources._papi_pci_common import col_letter, norm_text, is_blank
>>> col_letter(0), col_letter(27)
('A', 'AB')
>>> norm_text("  Chi phí \\nthời gian ")
'chi phí thời gian'
>>> is_blank("  "), is_blank(0)
(True, False)
"""

from __future__ import annotations

import functools
import io
import math
import re
from pathlib import Path
import zipfile
from typing import Any

import yaml

from cchc_research import config
from cchc_research.catalog import range_flags
from cchc_research.errors import ParseError, SchemaError, SourceError, UnknownGeographyError
from cchc_research.geo import resolve_province
from cchc_research.sources.base import reject_row
from cchc_research.text import match_text

__all__ = [
    "col_letter",
    "norm_text",
    "is_blank",
    "to_number",
    "sheet_rows",
    "sheet_names",
    "catalog_entries",
    "check_range",
    "year_period",
    "indicator_record",
    "resolve_place",
    "rel_path",
    "reject_record",
    "raw_text",
]


def col_letter(idx: int) -> str:
    """Excel column letter of a 0-based column index."""
    out = ""
    n = idx + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def norm_text(value: Any) -> str:
    """Matching form of a cell: :func:`cchc_research.text.match_text` of its text (``""`` for None).

    NFC, look-alike ``Ð`` → ``Đ``, canonical tone placement, invisible characters removed,
    odd spaces and runs of whitespace → one space, dash variants → ``-``, lower case. Both
    sides of every header/label match go through it (the vocabularies of :mod:`papi` and
    :mod:`pci` are fixed points, tested).
    """
    if value is None:
        return ""
    return match_text(str(value))


def is_blank(value: Any) -> bool:
    """True for an empty cell: ``None``, an empty or whitespace-only string, or NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def raw_text(value: Any) -> str:
    """The cell exactly as stored, as text (repr of floats keeps every digit)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def to_number(value: Any, *, file: str, row: int, column: str) -> float:
    """Read a numeric cell; raise a located :class:`ParseError` for anything non-numeric."""
    if isinstance(value, bool):
        raise ParseError(value, "boolean where a number was expected", file=file, row=row, column=column)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            raise ParseError(value, "non-numeric value where a score was expected",
                             file=file, row=row, column=column) from None
    if math.isnan(number) or math.isinf(number):
        raise ParseError(value, "not a finite number", file=file, row=row, column=column)
    return number


def reject_record(source_id: str, err: Any) -> dict[str, Any]:
    """A rejects-table row whose ``value`` is written like ``raw_value`` (integral floats without ``.0``)."""
    rec = reject_row(source_id, err)
    if err.value is not None:
        rec["value"] = raw_text(err.value)
    return rec


def check_range(value: float, valid_range: list | None, *, raw: Any, file: str, row: int, column: str) -> None:
    """Refuse a value that is not a finite number (NaN/inf); the valid range itself is not enforced here.

    A value outside ``valid_range`` is kept and flagged ``outside_valid_range`` by
    :func:`indicator_record` (:func:`cchc_research.catalog.range_flags`): never dropped or clipped.
    """
    if not math.isfinite(value):
        raise SchemaError(raw, "not a finite number", file=file, row=row, column=column)


def _xls_rows(sh: Any) -> tuple[tuple[Any, ...], ...]:
    import xlrd

    rows = []
    for i in range(sh.nrows):
        cells = []
        for c in sh.row(i):
            if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                cells.append(None)
            elif c.ctype == xlrd.XL_CELL_ERROR:
                cells.append(f"#ERROR{c.value}")
            else:
                cells.append(c.value)
        rows.append(tuple(_trim(cells)))
    return tuple(rows)


def _read_sheets(path_str: str, wanted: tuple[str, ...]) -> tuple[list[str], dict[str, Any]]:
    """Open a workbook once; return its sheet names and the rows of the ``wanted`` sheets present."""
    path = Path(path_str)
    out: dict[str, Any] = {}
    try:
        if path.suffix.lower() == ".xls":
            import xlrd

            book = xlrd.open_workbook(path_str, on_demand=True)
            names = list(book.sheet_names())
            for name in wanted:
                if name in names:
                    out[name] = _xls_rows(book.sheet_by_name(name))
            book.release_resources()
            return names, out
        fast = _read_xlsx_calamine(path_str, wanted)
        if fast is not None:
            return fast
        import warnings

        import openpyxl

        with warnings.catch_warnings():
            # openpyxl warns about unsupported Excel extensions (data validation) it drops; harmless here.
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(path_str, read_only=True, data_only=True, keep_links=False)
            try:
                names = list(book.sheetnames)
                for name in wanted:
                    if name in names:
                        out[name] = tuple(tuple(_trim(list(r)))
                                          for r in book[name].iter_rows(values_only=True, max_col=64))
            finally:
                book.close()
        return names, out
    except Exception as exc:  # noqa: BLE001 - any reader failure means the file is unusable
        raise SourceError(path.name, f"cannot read workbook: {exc}", file=path_str) from exc


def _calamine_rows(sheet: Any) -> tuple[tuple[Any, ...], ...]:
    rows = sheet.to_python(skip_empty_area=False)
    return tuple(tuple(_trim([None if v == "" else v for v in r[:64]])) for r in rows)


_DIMENSION = re.compile(rb"<dimension [^>]*/>")


def _without_dimension_tags(path_str: str) -> io.BytesIO:
    """An in-memory copy of an .xlsx without its ``<dimension>`` tags (never written to disk).

    Some VCCI files declare row-only dimensions (``ref="1:69"``), which calamine refuses; the tag is
    an optional hint, so dropping it changes no cell.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(path_str) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = _DIMENSION.sub(b"", data, count=1)
            dst.writestr(info, data)
    buf.seek(0)
    return buf


def _read_xlsx_calamine(path_str: str, wanted: tuple[str, ...]) -> tuple[list[str], dict[str, Any]] | None:
    """Fast path with python-calamine when installed; None to fall back to openpyxl."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:
        return None
    try:
        book = CalamineWorkbook.from_path(path_str)
        names = list(book.sheet_names)
        out: dict[str, Any] = {}
        patched = None
        for name in wanted:
            if name not in names:
                continue
            try:
                out[name] = _calamine_rows(book.get_sheet_by_name(name))
            except CalamineError:
                if patched is None:
                    patched = CalamineWorkbook.from_filelike(_without_dimension_tags(path_str))
                out[name] = _calamine_rows(patched.get_sheet_by_name(name))
        return names, out
    except Exception:  # noqa: BLE001 - anything calamine cannot do, openpyxl is asked to do
        return None


#: Parsed sheets per (path, size, mtime): {"names": [...], "sheets": {name: rows}}; bounded FIFO.
_CACHE: dict[tuple[str, int, int], dict[str, Any]] = {}
_CACHE_MAX = 32


def _trim(cells: list[Any]) -> list[Any]:
    while cells and is_blank(cells[-1]):
        cells.pop()
    return cells


def _key(path: Path) -> tuple[str, int, int]:
    if not path.is_file():
        raise SourceError(str(path), "source file not found", file=str(path))
    st = path.stat()
    return str(path), st.st_size, st.st_mtime_ns


def _entry(path: Path, wanted: tuple[str, ...]) -> dict[str, Any]:
    key = _key(path)
    entry = _CACHE.get(key)
    todo = tuple(w for w in wanted if entry is None or (w not in entry["sheets"] and w in entry["names"]))
    if entry is None or todo:
        names, sheets = _read_sheets(key[0], todo)
        if entry is None:
            while len(_CACHE) >= _CACHE_MAX:
                _CACHE.pop(next(iter(_CACHE)))
            entry = _CACHE[key] = {"names": names, "sheets": {}}
        entry["sheets"].update(sheets)
    return entry


def sheet_names(path: Path) -> list[str]:
    """Names of the sheets of a workbook, in order."""
    return list(_entry(path, ())["names"])


def sheet_rows(path: Path, sheet: str, *, file_label: str, preload: tuple[str, ...] = ()) -> tuple[tuple[Any, ...], ...]:
    """Rows of one sheet (cached); :class:`SourceError` naming the file and the sheets found if it is missing.

    ``preload`` names further sheets of the same workbook to parse in the same pass.
    """
    entry = _entry(path, (sheet, *preload))
    if sheet not in entry["sheets"]:
        raise SourceError(sheet, f"sheet not found; sheets present: {entry['names']}", file=file_label)
    return entry["sheets"][sheet]


def rel_path(path: Path, raw_dir: Path) -> str:
    """``path`` relative to ``raw_dir`` in POSIX form (the path itself if outside it)."""
    try:
        return path.resolve().relative_to(raw_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=8)
def catalog_entries(filename: str) -> dict[str, dict[str, Any]]:
    """Entries of one catalog YAML file (``resources/catalog/<filename>``) keyed by code."""
    path = config.RESOURCES_DIR / "catalog" / filename
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is present
    with path.open(encoding="utf-8") as fh:
        entries = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    return {e["code"]: e for e in entries}


@functools.lru_cache(maxsize=256)
def year_period(year: int) -> tuple[str, Any, Any]:
    """Canonical label, first and last day of a calendar year."""
    import pandas as pd

    return str(year), pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def indicator_record(*, code: str, entry: dict[str, Any], place: Any, year: int, value: float, raw: Any,
                     source_id: str, source_file: str, raw_row: int, reliability: str,
                     flags: list[str] | None = None) -> dict[str, Any]:
    """One row of the long indicator table (flagged ``outside_valid_range`` when it is)."""
    period, start, end = year_period(year)
    all_flags = [*(flags or []), *range_flags(value, entry.get("valid_range"))]
    return {
        "indicator": code,
        "geo_code": place.geo_code,
        "geo_name": place.name_vi,
        "geo_level": "province",
        "period": period,
        "period_start": start,
        "period_end": end,
        "value": value,
        "unit": entry["unit"],
        "comparison": "==",
        "numerator": math.nan,
        "denominator": math.nan,
        "source_id": source_id,
        "source_file": source_file,
        "raw_row": raw_row,
        "quote": None,
        "raw_value": raw_text(raw),
        "reliability": reliability,
        "flags": ";".join(all_flags) if all_flags else None,
        "simulated": False,
    }


def resolve_place(name: Any, *, vintage: int, file: str, row: int, column: str):
    """Resolve a province name as written in a source via :func:`cchc_research.geo.resolve_province`.

    Raises
    ------
    UnknownGeographyError
        Located at ``file``/``row``/``column`` when the name matches no province.
    """
    try:
        return _resolve_cached(str(name).strip(), vintage)
    except UnknownGeographyError as exc:
        raise exc.located(file=file, row=row, column=column) from None


@functools.lru_cache(maxsize=1024)
def _resolve_cached(text: str, vintage: int):
    """Resolve one spelling (cached: the same few hundred spellings recur in every file)."""
    return resolve_province(text, vintage=vintage)
