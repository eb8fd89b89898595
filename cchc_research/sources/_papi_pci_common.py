"""Shared helpers of the PAPI and PCI readers: cached sheet access, cell checks, row records.

Workbooks are read once per process and cached by (path, size, modification time), so the
build and a test session parse each original file only once. Sheet rows are returned as
lists of raw cell values (``None`` for empty cells), trailing empty cells trimmed.

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
import math
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from cchc_research import config
from cchc_research.errors import ParseError, SchemaError, SourceError

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
    """NFC-normalised, lower-cased text with runs of whitespace collapsed (``""`` for None)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split()).lower()


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
        return repr(value)
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


def check_range(value: float, valid_range: list | None, *, raw: Any, file: str, row: int, column: str) -> None:
    """Raise a located :class:`SchemaError` when ``value`` lies outside ``valid_range``."""
    if not valid_range:
        return
    lo, hi = valid_range
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise SchemaError(raw, f"outside the valid range [{lo}, {hi}]", file=file, row=row, column=column)


@functools.lru_cache(maxsize=64)
def _load_workbook(path_str: str, size: int, mtime_ns: int) -> dict[str, list[list[Any]]]:
    """All sheets of a workbook as row lists (cached; the key changes when the file changes)."""
    path = Path(path_str)
    sheets: dict[str, list[list[Any]]] = {}
    try:
        if path.suffix.lower() == ".xls":
            import xlrd

            book = xlrd.open_workbook(path_str)
            for sh in book.sheets():
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
                    rows.append(_trim(cells))
                sheets[sh.name] = rows
        else:
            import warnings

            import openpyxl

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                book = openpyxl.load_workbook(path_str, read_only=True, data_only=True)
            try:
                for ws in book.worksheets:
                    sheets[ws.title] = [_trim(list(r)) for r in ws.iter_rows(values_only=True, max_col=64)]
            finally:
                book.close()
    except Exception as exc:  # noqa: BLE001 - any reader failure means the file is unusable
        raise SourceError(path.name, f"cannot read workbook: {exc}", file=path_str) from exc
    return sheets


def _trim(cells: list[Any]) -> list[Any]:
    while cells and is_blank(cells[-1]):
        cells.pop()
    return cells


def _workbook(path: Path) -> dict[str, list[list[Any]]]:
    if not path.is_file():
        raise SourceError(str(path), "source file not found", file=str(path))
    st = path.stat()
    return _load_workbook(str(path), st.st_size, st.st_mtime_ns)


def sheet_names(path: Path) -> list[str]:
    """Names of the sheets of a workbook, in order."""
    return list(_workbook(path))


def sheet_rows(path: Path, sheet: str, *, file_label: str) -> list[list[Any]]:
    """Rows of one sheet; :class:`SourceError` naming the file and the sheets found if it is missing."""
    book = _workbook(path)
    if sheet not in book:
        raise SourceError(sheet, f"sheet not found; sheets present: {list(book)}", file=file_label)
    return book[sheet]


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
    with path.open(encoding="utf-8") as fh:
        entries = yaml.safe_load(fh)
    return {e["code"]: e for e in entries}


def year_period(year: int) -> tuple[str, Any, Any]:
    """Canonical label, first and last day of a calendar year."""
    import pandas as pd

    return str(year), pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def indicator_record(*, code: str, entry: dict[str, Any], place: Any, year: int, value: float, raw: Any,
                     source_id: str, source_file: str, raw_row: int, reliability: str,
                     flags: list[str] | None = None) -> dict[str, Any]:
    """One row of the long indicator table."""
    period, start, end = year_period(year)
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
        "source_id": source_id,
        "source_file": source_file,
        "raw_row": raw_row,
        "raw_value": raw_text(raw),
        "reliability": reliability,
        "flags": ";".join(flags) if flags else None,
        "simulated": False,
    }


#: Spellings found in the VCCI/CECODES files that the geography aliases may not know.
SOURCE_SPELLINGS: dict[str, str] = {
    "tt- huế": "Thừa Thiên Huế",
    "tt-huế": "Thừa Thiên Huế",
    "tt.huế": "Thừa Thiên Huế",
    "tt-hue": "Thừa Thiên Huế",
    "tt huế": "Thừa Thiên Huế",
    "brvt": "Bà Rịa - Vũng Tàu",
    "br-vt": "Bà Rịa - Vũng Tàu",
    "tp.hcm": "Hồ Chí Minh",
    "hcmc": "Hồ Chí Minh",
    "tp.hồ chí minh": "Hồ Chí Minh",
    "đăk nông": "Đắk Nông",
    "đăk lăk": "Đắk Lắk",
    "đắc lắc": "Đắk Lắk",
    "đăk lắk": "Đắk Lắk",
}


def resolve_place(name: Any, *, vintage: int, file: str, row: int, column: str):
    """Resolve a province name as written in a source via :func:`cchc_research.geo.resolve_province`.

    Raises
    ------
    UnknownGeographyError
        Located at ``file``/``row``/``column`` when the name matches no province.
    """
    from cchc_research.errors import UnknownGeographyError
    from cchc_research.geo import resolve_province

    text = str(name).strip()
    try:
        return resolve_province(text, vintage=vintage)
    except UnknownGeographyError as exc:
        alias = SOURCE_SPELLINGS.get(norm_text(text))
        if alias is not None:
            return resolve_province(alias, vintage=vintage)
        raise exc.located(file=file, row=row, column=column) from None
