"""PCI reader: VCCI Provincial Competitiveness Index 2005–2016 from the original VCCI files.

Reads ``data/raw/papi_pci_vietnamdata/PCI_2005.xls`` … ``PCI_2016.xlsx`` (never the
package-cleaned CSV, whose 2013 is broken) following the layout spec in
:mod:`cchc_research.sources.pci_layouts`:

* the summary sheet of each year → sub-indices (unit ``score``, 1–10) and the weighted
  (and, where published, unweighted) PCI (unit ``index``, 0–100) for 42 provinces (2005),
  64 (2006–2008, with Hà Tây) or 63 (2009–2016);
* for 2012–2016 the sheets "Tính minh bạch" and "Chi phí thời gian" → the transparency and
  time-cost indicators (shares as fractions, medians as counts, website and access scores).

Every non-empty sheet row at or below the first data row is read: province rows become
indicator values; summary-statistic rows (Min/Max/Median), rank rows, repeated headers and
the one-province look-up widget VCCI places below the table (a duplicated province-year) are
rejected with a reason, as are unknown provinces and non-numeric or out-of-range values.
A sheet whose layout differs from the spec — missing sheet, unexpected header, or a stale
copy of another year (the English ``Summary`` sheet of 2014–2016) — raises
:class:`~cchc_research.errors.SourceError` naming file, sheet, expected and found.

Examples
--------
>>> from cchc_research.sources.pci import read_pci, pci_wide
>>> res = read_pci(years=[2005, 2016])
>>> res.check_accounting()
>>> res.indicators.groupby("period")["geo_code"].nunique().to_dict()
{'2005': 42, '2016': 63}
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from cchc_research import config
from cchc_research.errors import DataError, SchemaError, SourceError
from cchc_research.sources._papi_pci_common import (
    catalog_entries,
    check_range,
    col_letter,
    indicator_record,
    is_blank,
    norm_text,
    reject_record,
    resolve_place,
    sheet_rows,
    to_number,
)
from cchc_research.sources.base import SourceResult
from cchc_research.sources.papi import reader_result, wide_frame
from cchc_research.sources.pci_layouts import (
    HEADER_LABELS,
    INDICATOR_LAYOUTS,
    RANK_LABELS,
    STALE_SHEETS,
    STAT_LABELS,
    SUMMARY_LAYOUTS,
)

__all__ = ["read_pci", "pci_wide", "PCI_DIR", "YEARS"]

PCI_DIR = "papi_pci_vietnamdata"
YEARS = tuple(sorted(SUMMARY_LAYOUTS))
_RELIABILITY = "high"
_YEAR_IN_HEADER = re.compile(r"pci\s*(\d{4})")


class _Sheet:
    """One sheet being read: location labels, rejects and the rows seen."""

    def __init__(self, raw_dir: Path, year: int, layout: dict[str, Any], out: dict[str, Any],
                 preload: tuple[str, ...] = ()) -> None:
        self.year = year
        self.layout = layout
        self.path = raw_dir / PCI_DIR / layout["file"]
        self.file = f"{PCI_DIR}/{layout['file']}#{layout['sheet']}"
        self.source_id = f"pci_{year}:{layout['sheet']}"
        self.out = out
        if (layout["file"], layout["sheet"]) in STALE_SHEETS:
            raise SourceError(layout["sheet"], "stale sheet refused: " + STALE_SHEETS[(layout["file"], layout["sheet"])],
                              file=f"{PCI_DIR}/{layout['file']}")
        self.rows = sheet_rows(self.path, layout["sheet"], file_label=f"{PCI_DIR}/{layout['file']}",
                               preload=preload)
        self.seen: dict[tuple[str, str], int] = {}

    def reject(self, err: DataError) -> None:
        self.out["rejects"].append(reject_record(self.source_id, err))

    def cell(self, row: list[Any], idx: int) -> Any:
        return row[idx] if idx < len(row) else None

    def header_text(self, rows: Iterable[int], idx: int) -> str:
        parts = [norm_text(self.cell(self.rows[r - 1], idx)) for r in rows if r - 1 < len(self.rows)]
        return " ".join(p for p in parts if p)

    def check_not_stale(self, header_rows: Iterable[int]) -> None:
        for r in header_rows:
            for idx, value in enumerate(self.rows[r - 1] if r - 1 < len(self.rows) else []):
                m = _YEAR_IN_HEADER.search(norm_text(value))
                if m and int(m.group(1)) != self.year:
                    raise SourceError(value, f"stale sheet refused: header says 'PCI {m.group(1)}' in the PCI "
                                      f"{self.year} file", file=self.file, row=r, column=col_letter(idx))

    def candidate_rows(self):
        """Yield ``(sheet_row, values)`` of candidate province rows from the first data row on.

        Empty rows are skipped; every other row is counted as read, and non-province rows
        (ranks, column maxima, repeated headers …) are rejected here with their reason.
        """
        for r in range(self.layout["first_data_row"], len(self.rows) + 1):
            row = self.rows[r - 1]
            if all(is_blank(v) for v in row):
                continue
            self.out["rows_read"] += 1
            reason = self.row_kind(row)
            if reason:
                label = next((v for v in row if isinstance(v, str) and v.strip()), None)
                self.reject(SchemaError(label, reason, file=self.file, row=r,
                                        column=col_letter(self.layout["label_col"])))
                continue
            yield r, row

    def row_kind(self, row: list[Any]) -> str | None:
        """Reason for rejecting a whole non-province row, or None for a candidate province row."""
        label = norm_text(self.cell(row, self.layout["label_col"]))
        texts = {norm_text(v) for v in row if isinstance(v, str)}
        if label in HEADER_LABELS:
            return "repeated header row, not a province"
        stat = sorted(texts & STAT_LABELS)
        if stat:
            return f"summary-statistic row ({stat[0]}), not a province"
        if texts & RANK_LABELS:
            return "rank row (positions, not scores), not a province"
        return None

    def place(self, name: Any, r: int, idx: int, code: str | None) -> Any:
        """Resolve a province cell and check it is new for ``code`` (None = whole row); raise DataError."""
        column = f"{col_letter(idx)}"
        if is_blank(name):
            raise SchemaError(name, "value without a province name", file=self.file, row=r, column=column)
        place = resolve_place(name, vintage=self.layout["vintage"], file=self.file, row=r, column=column)
        key = (code or "*", place.geo_code)
        if key in self.seen:
            raise SchemaError(name, f"duplicated province-year (first at sheet row {self.seen[key]})",
                              file=self.file, row=r, column=column)
        self.seen[key] = r
        return place

    def value(self, code: str, raw: Any, r: int, idx: int, header: str) -> float:
        column = f"{col_letter(idx)} ({header})"
        value = to_number(raw, file=self.file, row=r, column=column)
        check_range(value, catalog_entries("pci.yaml")[code]["valid_range"], raw=raw, file=self.file, row=r,
                    column=column)
        return value

    def emit(self, code: str, place: Any, value: float, raw: Any, r: int) -> None:
        self.out["rows"].append(indicator_record(
            code=code, entry=catalog_entries("pci.yaml")[code], place=place, year=self.year, value=value,
            raw=raw, source_id=self.source_id, source_file=self.file, raw_row=r, reliability=_RELIABILITY))


def _read_summary(raw_dir: Path, year: int, layout: dict[str, Any], out: dict[str, Any],
                  preload: tuple[str, ...] = ()) -> None:
    sh = _Sheet(raw_dir, year, layout, out, preload)
    sh.check_not_stale(layout["header_rows"])
    headers: dict[int, str] = {}
    for idx, (code, expected) in layout["columns"].items():
        found = sh.header_text(layout["header_rows"], idx)
        if expected not in found:
            raise SourceError(found, f"expected header containing {expected!r} for {code}, found {found!r}",
                              file=sh.file, row=layout["header_rows"][-1], column=col_letter(idx))
        headers[idx] = found
    for r, row in sh.candidate_rows():
        row_place = None
        if layout["kind"] == "aligned":
            try:
                row_place = sh.place(sh.cell(row, layout["province_col"]), r, layout["province_col"], None)
            except DataError as err:
                sh.reject(err)
                continue
        for idx, (code, _expected) in layout["columns"].items():
            raw = sh.cell(row, idx)
            name = sh.cell(row, idx - 1) if layout["kind"] == "paired" else None
            if is_blank(raw) and layout["kind"] == "aligned":
                out["missing"].append({"source_file": sh.file, "row": r, "column": f"{col_letter(idx)} ({code})",
                                       "year": year, "geo_code": row_place.geo_code, "indicator": code})
                continue
            if is_blank(raw) and is_blank(name):
                continue
            try:
                place = row_place if row_place is not None else sh.place(name, r, idx - 1, code)
                if is_blank(raw):
                    raise SchemaError(raw, "blank score for a listed province", file=sh.file, row=r,
                                      column=f"{col_letter(idx)} ({headers[idx]})")
                value = sh.value(code, raw, r, idx, headers[idx])
            except DataError as err:
                sh.reject(err)
                continue
            sh.emit(code, place, value, raw, r)


def _read_indicators(raw_dir: Path, year: int, layout: dict[str, Any], out: dict[str, Any]) -> None:
    sh = _Sheet(raw_dir, year, layout, out)
    code_row = layout["code_row"]
    found = [norm_text(v) for v in (sh.rows[code_row - 1] if code_row - 1 < len(sh.rows) else [])]
    positions: dict[str, int] = {}
    for idx, name in enumerate(found):
        if not name or idx == layout["province_col"]:
            continue
        if name not in layout["vars"]:
            raise SourceError(name, f"unexpected variable code; expected {sorted(layout['vars'])}",
                              file=sh.file, row=code_row, column=col_letter(idx))
        positions[name] = idx
    missing = [v for v in layout["vars"] if v not in positions]
    if missing:
        raise SourceError(missing, f"missing variable code(s) {missing} in row {code_row}; found "
                          f"{[f for f in found if f]}", file=sh.file, row=code_row)
    for r, row in sh.candidate_rows():
        try:
            place = sh.place(sh.cell(row, layout["province_col"]), r, layout["province_col"], None)
        except DataError as err:
            sh.reject(err)
            continue
        for var, code in layout["vars"].items():
            if code is None:
                continue
            idx = positions[var]
            raw = sh.cell(row, idx)
            if is_blank(raw):
                out["missing"].append({"source_file": sh.file, "row": r, "column": f"{col_letter(idx)} ({var})",
                                       "year": year, "geo_code": place.geo_code, "indicator": code})
                continue
            try:
                value = sh.value(code, raw, r, idx, var)
            except DataError as err:
                sh.reject(err)
                continue
            sh.emit(code, place, value, raw, r)


def read_pci(raw_dir: Path | None = None, *, years: Iterable[int] | None = None,
             summary_layouts: dict[int, dict[str, Any]] | None = None,
             indicator_layouts: dict[int, list[dict[str, Any]]] | None = None) -> SourceResult:
    """Read the original VCCI PCI files into the long indicator table.

    Parameters
    ----------
    raw_dir : pathlib.Path, optional
        Folder holding ``papi_pci_vietnamdata/``; defaults to :data:`cchc_research.config.RAW_DIR`.
    years : iterable of int, optional
        Years to read (default: 2005–2016).
    summary_layouts, indicator_layouts : dict, optional
        Override the layout spec of :mod:`cchc_research.sources.pci_layouts` (same shape).

    Returns
    -------
    SourceResult
        ``source_id="pci"``; ``rows_read`` = non-empty sheet rows at or below each sheet's
        first data row; ``extra_tables["pci_missing_cells"]`` lists blank indicator cells.

    Raises
    ------
    SourceError
        Missing file or sheet, a header or variable code that differs from the spec, or a
        stale sheet (e.g. the English ``Summary`` sheet of 2014–2016).

    Examples
    --------
    >>> res = read_pci(years=[2013])
    >>> sorted(res.indicators["indicator"].unique())[:3]
    ['pci_budget_docs_detailed', 'pci_budget_docs_published', 'pci_business_support']
    >>> from cchc_research.sources.pci_layouts import SUMMARY_LAYOUTS
    >>> bad = {2014: dict(SUMMARY_LAYOUTS[2014], sheet="Summary")}
    >>> read_pci(years=[2014], summary_layouts=bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cchc_research.errors.SourceError: papi_pci_vietnamdata/PCI_2014.xlsx: value 'Summary': stale sheet refused: ...
    """
    raw_dir = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    summaries = copy.deepcopy(SUMMARY_LAYOUTS)
    summaries.update(summary_layouts or {})
    indicator_sheets = copy.deepcopy(INDICATOR_LAYOUTS)
    indicator_sheets.update(indicator_layouts or {})
    out: dict[str, Any] = {"rows": [], "rejects": [], "missing": [], "rows_read": 0}
    for year in sorted(years if years is not None else YEARS):
        if year not in summaries:
            raise SourceError(year, f"no PCI layout for this year; known years {sorted(summaries)}")
        same_file = tuple(lay["sheet"] for lay in indicator_sheets.get(year, [])
                          if lay["file"] == summaries[year]["file"])
        _read_summary(raw_dir, year, summaries[year], out, same_file)
        for layout in indicator_sheets.get(year, []):
            _read_indicators(raw_dir, year, layout, out)
    return reader_result("pci", out["rows"], out["rejects"], out["rows_read"], out["missing"],
                         ["source_file", "row", "column", "year", "geo_code", "indicator"])


def pci_wide(result: SourceResult | pd.DataFrame | None = None) -> pd.DataFrame:
    """The PCI indicators as :func:`~cchc_research.sources.papi.papi_wide` gives the PAPI ones.

    Parameters
    ----------
    result : SourceResult or DataFrame, optional
        As in :func:`~cchc_research.sources.papi.papi_wide`, for :func:`read_pci`.

    Returns
    -------
    pandas.DataFrame
        One row per province-year (Hà Tây appears for 2006–2008 under its own code); the
        columns of :func:`~cchc_research.sources.papi.wide_frame`.

    Examples
    --------
    >>> wide = pci_wide(read_pci(years=[2009]))
    >>> wide.shape[0], "pci_weighted" in wide.columns
    (63, True)
    """
    return wide_frame(result if result is not None else read_pci())
