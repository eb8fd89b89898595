"""PAPI reader: provincial governance and public administration performance index, 2011–2024.

Two raw sources, both copied unchanged into ``data/raw`` (see their ``PROVENANCE.md``):

* ``papi_pci_vietnamdata/PAPI_2011-2016.xlsx`` — the original workbook (sheets ``2011_PAPI`` …
  ``2016_PAPI``): six dimensions, 22 sub-dimensions and the unweighted total (max 60).
  Columns are matched by their English header (row 1) through :data:`WORKBOOK_HEADERS`;
  an unknown or missing header is a :class:`~cchc_research.errors.SourceError`.
* ``papi_2017_2024/papi_province_dimensions_2017_2024.csv`` — dimension scores 2017–2024
  (D7 environmental governance and D8 e-governance from 2018), keyed by ``province_id``
  through ``province_lookup_63.csv``.

Rules. Blank cells are *not* values: they are listed in the extra table ``papi_missing_cells``
and produce no indicator row. A row with no value at all, a zero score (PAPI scores are at
least 1, so a zero marks a missing value — 2014 Bắc Giang/Đồng Tháp totals, 2024 Vĩnh Phúc/
Tiền Giang in the original files), the column-maximum row "Highest", an unknown province, a
duplicated province-year, a non-numeric or out-of-range score are rejected with a reason.
``papi_total`` rows carry ``total_6_dimensions`` (≤ 2017, max 60) or ``total_8_dimensions``
(≥ 2018, max 80) and ``not_comparable_across_2018``; a total that differs from the sum of its
dimensions by more than :data:`TOTAL_TOLERANCE` is flagged ``total_ne_sum_of_dimensions``.

Examples
--------
>>> from cchc_research.sources.papi import read_papi, papi_wide
>>> res = read_papi()
>>> res.check_accounting()
>>> sorted(res.indicators["period"].unique())[:2]
['2011', '2012']
>>> wide = papi_wide(res)
>>> int(wide.loc[wide["year"] == 2011].shape[0])
63
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

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
    rel_path,
    resolve_place,
    sheet_rows,
    to_number,
)
from cchc_research.sources.base import SourceResult, empty_indicators, empty_rejects, province_year_panel

__all__ = ["read_papi", "papi_wide", "wide_frame", "reader_result", "WORKBOOK_HEADERS", "CSV_COLUMNS", "DIMENSIONS", "TOTAL_TOLERANCE"]

WORKBOOK = "papi_pci_vietnamdata/PAPI_2011-2016.xlsx"
DIMENSIONS_CSV = "papi_2017_2024/papi_province_dimensions_2017_2024.csv"
LOOKUP_CSV = "papi_2017_2024/province_lookup_63.csv"
WORKBOOK_YEARS = range(2011, 2017)

#: Absolute tolerance of the check total == sum of dimensions.
TOTAL_TOLERANCE = 1e-4

#: Dimension codes in order (D1 … D8).
DIMENSIONS: list[str] = [
    "papi_d1_participation", "papi_d2_transparency", "papi_d3_vertical_accountability",
    "papi_d4_control_of_corruption", "papi_d5_public_admin_procedures",
    "papi_d6_public_service_delivery", "papi_d7_environmental_governance", "papi_d8_e_governance",
]

#: Layout spec of the workbook: English header (normalised) -> indicator code.
WORKBOOK_HEADERS: dict[str, str] = {
    "participation at local levels": "papi_d1_participation",
    "civic knowledge": "papi_d1_civic_knowledge",
    "opportunities for participation": "papi_d1_opportunities",
    "quality of elections": "papi_d1_elections",
    "voluntary contributions": "papi_d1_contributions",
    "transparency": "papi_d2_transparency",
    "poverty lists": "papi_d2_poverty_lists",
    "communal budget and expenditure": "papi_d2_budget",
    "land-use plans/price frames": "papi_d2_land_use",
    "vertical accountability": "papi_d3_vertical_accountability",
    "interactions with local authorities": "papi_d3_interactions",
    "responsive to citizen actions": "papi_d3_responsiveness",
    "people's inspection boards": "papi_d3_inspection_boards",
    "community investment boards": "papi_d3_investment_boards",
    "control of corruption": "papi_d4_control_of_corruption",
    "limits on public sector corruption": "papi_d4_public_sector",
    "limits on corruption in service delivery": "papi_d4_service_delivery",
    "equity in employment": "papi_d4_employment_equity",
    "willingness to fight corruption": "papi_d4_willingness",
    "public administrative procedures": "papi_d5_public_admin_procedures",
    "certification procedures": "papi_d5_certification",
    "construction permits": "papi_d5_construction_permits",
    "land-use rights procedures": "papi_d5_land_use_rights",
    "personal procedures": "papi_d5_personal_procedures",
    "public service delivery": "papi_d6_public_service_delivery",
    "public health": "papi_d6_health",
    "public primary education": "papi_d6_primary_education",
    "basic infrastructure": "papi_d6_infrastructure",
    "law and order": "papi_d6_law_and_order",
    "un-weighted2015papi": "papi_total",
}
#: Key columns of each sheet (row 1) and the codes every sheet must contain.
WORKBOOK_KEYS = ["tinhid", "tentinh_eng", "tentinh_vie"]
WORKBOOK_REQUIRED = DIMENSIONS[:6] + ["papi_total"]
MAXIMUM_ROW_ID = 999

#: Layout spec of the 2017–2024 CSV: column -> indicator code.
CSV_COLUMNS: dict[str, str] = {
    "D1_participation": "papi_d1_participation",
    "D2_transparency": "papi_d2_transparency",
    "D3_vertical_accountability": "papi_d3_vertical_accountability",
    "D4_control_of_corruption": "papi_d4_control_of_corruption",
    "D5_public_admin_procedures": "papi_d5_public_admin_procedures",
    "D6_public_service_delivery": "papi_d6_public_service_delivery",
    "D7_environmental_governance": "papi_d7_environmental_governance",
    "D8_e_governance": "papi_d8_e_governance",
    "total_papi": "papi_total",
}
CSV_KEYS = ["province_id", "year"]

#: Gaps documented in the source manifest: (year, GSO code) -> note.
KNOWN_GAPS: dict[tuple[int, str], str] = {
    (2014, "24"): "2014 Bắc Giang blank in the original workbook",
    (2014, "87"): "2014 Đồng Tháp blank in the original workbook",
    (2018, "22"): "2018 Quảng Ninh D2/D4 blank", (2018, "87"): "2018 Đồng Tháp D2/D4 blank",
    (2021, "24"): "2021 missing in source (COVID fieldwork), verified",
    (2021, "27"): "2021 missing in source (COVID fieldwork), verified",
    (2021, "22"): "2021 missing in source (COVID fieldwork), verified",
    (2022, "24"): "2022 partly missing", (2022, "27"): "2022 partly missing",
    (2023, "22"): "2023 missing", (2023, "74"): "2023 missing",
    (2024, "26"): "2024 missing (zeros in the original source)",
    (2024, "82"): "2024 missing (zeros in the original source)",
}

_RELIABILITY = {"workbook": "high", "csv": "medium-high"}
_ZERO_REASON = "zero score: PAPI scores are at least 1 (sub-dimensions > 0), so 0 marks a missing value, not zero"


class _Collector:
    """Accumulates indicator rows, rejects and missing cells for one read."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.rejects: list[dict[str, Any]] = []
        self.missing: list[dict[str, Any]] = []
        self.rows_read = 0

    def reject(self, source_id: str, err: DataError) -> None:
        self.rejects.append(reject_record(source_id, err))


def _total_flags(year: int, dims: dict[str, float], total: float) -> list[str]:
    flags = ["total_6_dimensions" if year <= 2017 else "total_8_dimensions", "not_comparable_across_2018"]
    expected = DIMENSIONS[:6] if year <= 2017 else DIMENSIONS
    if all(c in dims for c in expected) and abs(sum(dims[c] for c in expected) - total) > TOTAL_TOLERANCE:
        flags.append("total_ne_sum_of_dimensions")
    return flags


def _emit_row(col: _Collector, *, values: dict[str, tuple[float, Any, str]], place: Any, year: int,
              source_id: str, source_file: str, raw_row: int, reliability: str) -> None:
    entries = catalog_entries("papi.yaml")
    dims = {c: v for c, (v, _, _) in values.items() if c in DIMENSIONS}
    for code, (value, raw, _column) in values.items():
        flags = _total_flags(year, dims, value) if code == "papi_total" else None
        col.rows.append(indicator_record(
            code=code, entry=entries[code], place=place, year=year, value=value, raw=raw,
            source_id=source_id, source_file=source_file, raw_row=raw_row, reliability=reliability,
            flags=flags))


def _read_cells(col: _Collector, cells: list[tuple[str, str, Any]], *, source_id: str, file: str, row: int,
                year: int, geo_code: str | None) -> tuple[dict[str, tuple[float, Any, str]], bool]:
    """Validate ``(code, column label, raw)`` cells; return good values and whether any cell was rejected."""
    entries = catalog_entries("papi.yaml")
    values: dict[str, tuple[float, Any, str]] = {}
    bad = False
    blank_codes = [code for code, _, raw in cells if is_blank(raw)]
    all_blank_but_zero_total = all(
        is_blank(raw) or (code == "papi_total" and raw in (0, "0", 0.0)) for code, _, raw in cells)
    for code, column, raw in cells:
        if is_blank(raw):
            col.missing.append({"source_file": file, "row": row, "column": column, "year": year,
                                "geo_code": geo_code, "indicator": code,
                                "note": KNOWN_GAPS.get((year, geo_code or ""), "blank in source")})
            continue
        try:
            value = to_number(raw, file=file, row=row, column=column)
            if value == 0:
                reason = _ZERO_REASON
                if all_blank_but_zero_total and blank_codes:
                    reason = "total 0 with every dimension blank: missing in source, not zero"
                raise SchemaError(raw, reason, file=file, row=row, column=column)
            check_range(value, entries[code]["valid_range"], raw=raw, file=file, row=row, column=column)
        except DataError as err:
            col.reject(source_id, err)
            bad = True
            continue
        values[code] = (value, raw, column)
    return values, bad


def _read_workbook(col: _Collector, raw_dir: Path) -> None:
    path = raw_dir / WORKBOOK
    for year in WORKBOOK_YEARS:
        sheet = f"{year}_PAPI"
        file = f"{rel_path(path, raw_dir)}#{sheet}"
        rows = sheet_rows(path, sheet, file_label=rel_path(path, raw_dir))
        if len(rows) < 3:
            raise SourceError(len(rows), "sheet has no data rows below its two header rows", file=file)
        header = rows[0]
        for i, key in enumerate(WORKBOOK_KEYS):
            found = header[i] if i < len(header) else None
            if norm_text(found) != key:
                raise SourceError(found, f"expected key header {key!r}, found {found!r}",
                                  file=file, row=1, column=col_letter(i))
        colmap: dict[int, str] = {}
        for i in range(len(WORKBOOK_KEYS), len(header)):
            if is_blank(header[i]):
                continue
            code = WORKBOOK_HEADERS.get(norm_text(header[i]))
            if code is None:
                raise SourceError(header[i], f"unknown header; expected one of {sorted(WORKBOOK_HEADERS)}",
                                  file=file, row=1, column=col_letter(i))
            if code in colmap.values():
                raise SourceError(header[i], f"header maps to {code!r} twice", file=file, row=1, column=col_letter(i))
            colmap[i] = code
        missing = [c for c in WORKBOOK_REQUIRED if c not in colmap.values()]
        if missing:
            raise SourceError(missing, f"missing columns; expected headers for {missing}, found "
                              f"{[h for h in header[3:] if not is_blank(h)]}", file=file, row=1)
        seen: dict[str, int] = {}
        source_id = f"papi_2011_2016:{sheet}"
        for r, cells in enumerate(rows[2:], start=3):
            if all(is_blank(v) for v in cells):
                continue
            col.rows_read += 1
            cells = list(cells) + [None] * (len(header) - len(cells))
            if cells[0] in (MAXIMUM_ROW_ID, str(MAXIMUM_ROW_ID)) or norm_text(cells[1]) == "highest":
                col.reject(source_id, SourceError(cells[1], "column-maximum row, not a province",
                                                  file=file, row=r, column="B (tentinh_eng)"))
                continue
            try:
                place = resolve_place(cells[2], vintage=2008, file=file, row=r, column="C (tentinh_vie)")
            except DataError as err:
                col.reject(source_id, err)
                continue
            if place.geo_code in seen:
                col.reject(source_id, SchemaError(cells[2], f"duplicated province-year (first at sheet row "
                                                  f"{seen[place.geo_code]})", file=file, row=r,
                                                  column="C (tentinh_vie)"))
                continue
            seen[place.geo_code] = r
            spec = [(code, f"{col_letter(i)} ({header[i]})", cells[i]) for i, code in colmap.items()]
            values, bad = _read_cells(col, spec, source_id=source_id, file=file, row=r, year=year,
                                      geo_code=place.geo_code)
            if not values and not bad:
                col.reject(source_id, SchemaError(None, "no scores: every cell blank (missing in source)",
                                                  file=file, row=r, column="D:AF"))
                continue
            _emit_row(col, values=values, place=place, year=year, source_id=source_id, source_file=file,
                      raw_row=r, reliability=_RELIABILITY["workbook"])


def _read_lookup(raw_dir: Path) -> dict[str, str]:
    path = raw_dir / LOOKUP_CSV
    if not path.is_file():
        raise SourceError(str(path), "source file not found", file=LOOKUP_CSV)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"province_id", "province_vi"}
        if not need <= set(reader.fieldnames or []):
            raise SourceError(reader.fieldnames, f"missing columns {sorted(need)}", file=LOOKUP_CSV, row=0)
        return {row["province_id"].strip(): row["province_vi"].strip() for row in reader}


def _read_csv(col: _Collector, raw_dir: Path) -> None:
    path = raw_dir / DIMENSIONS_CSV
    file = rel_path(path, raw_dir)
    if not path.is_file():
        raise SourceError(str(path), "source file not found", file=file)
    lookup = _read_lookup(raw_dir)
    seen: dict[tuple[int, str], int] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        keys = [norm_text(h) for h in header]  # BOM, NBSP, zero-width, NFD, case: as the clean name
        for need in CSV_KEYS + list(CSV_COLUMNS):
            if norm_text(need) not in keys:
                raise SourceError(need, f"missing column; expected {CSV_KEYS + list(CSV_COLUMNS)}, found {header}",
                                  file=file, row=0, column=need)
        idx = {name: keys.index(norm_text(name)) for name in CSV_KEYS + list(CSV_COLUMNS)}
        for r, cells in enumerate(reader, start=1):
            if all(is_blank(v) for v in cells):
                continue
            col.rows_read += 1
            cells = cells + [""] * (len(header) - len(cells))
            pid, year_raw = cells[idx["province_id"]].strip(), cells[idx["year"]].strip()
            try:
                year = int(to_number(year_raw, file=file, row=r, column="year"))
                if not 2017 <= year <= 2030:
                    raise SchemaError(year_raw, "year outside 2017–2030", file=file, row=r, column="year")
                if pid not in lookup:
                    raise SchemaError(pid, "province_id not in province_lookup_63.csv", file=file, row=r,
                                      column="province_id")
                place = resolve_place(lookup[pid], vintage=2008, file=file, row=r, column="province_id")
            except DataError as err:
                col.reject("papi_2017_2024", err)
                continue
            if (year, place.geo_code) in seen:
                col.reject("papi_2017_2024", SchemaError(
                    pid, f"duplicated province-year (first at data row {seen[(year, place.geo_code)]})",
                    file=file, row=r, column="province_id"))
                continue
            seen[(year, place.geo_code)] = r
            spec = [(code, name, cells[idx[name]]) for name, code in CSV_COLUMNS.items()
                    if year >= 2018 or code not in DIMENSIONS[6:]]
            values, bad = _read_cells(col, spec, source_id="papi_2017_2024", file=file, row=r, year=year,
                                      geo_code=place.geo_code)
            if not values and not bad:
                note = KNOWN_GAPS.get((year, place.geo_code), "not in the source manifest's list of known gaps")
                col.reject("papi_2017_2024", SchemaError(
                    None, f"no scores: every dimension blank, missing in source ({note})",
                    file=file, row=r, column="D1_participation:total_papi"))
                continue
            _emit_row(col, values=values, place=place, year=year, source_id="papi_2017_2024", source_file=file,
                      raw_row=r, reliability=_RELIABILITY["csv"])


def read_papi(raw_dir: Path | None = None) -> SourceResult:
    """Read PAPI 2011–2016 (original workbook) and 2017–2024 (dimension CSV) into the long table.

    Parameters
    ----------
    raw_dir : pathlib.Path, optional
        Folder holding ``papi_pci_vietnamdata/`` and ``papi_2017_2024/``; defaults to
        :data:`cchc_research.config.RAW_DIR`.

    Returns
    -------
    SourceResult
        ``source_id="papi"``; indicators in the catalog codes of ``papi.yaml`` (unit ``score``,
        ``papi_total`` unit ``index``); rejects with reasons; ``rows_read`` = non-empty data rows
        of the six sheets (63 provinces + the "Highest" row each) plus the CSV data rows;
        ``extra_tables["papi_missing_cells"]`` lists every blank cell.

    Raises
    ------
    SourceError
        A file or sheet is missing, or a header is unknown, misplaced or missing.

    Examples
    --------
    >>> res = read_papi()
    >>> res.rows_read
    888
    >>> sorted(res.rejects["reason"].str.split(":").str[0].unique())[:2]
    ['column-maximum row, not a province', 'no scores']
    """
    raw_dir = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    col = _Collector()
    _read_workbook(col, raw_dir)
    _read_csv(col, raw_dir)
    return reader_result("papi", col.rows, col.rejects, col.rows_read, col.missing,
                         ["source_file", "row", "column", "year", "geo_code", "indicator", "note"])


def reader_result(source: str, rows: list[dict], rejects: list[dict], rows_read: int,
                  missing: list, missing_columns: list[str]) -> SourceResult:
    """The :class:`~cchc_research.sources.base.SourceResult` of a workbook reader, its accounting checked.

    Parameters
    ----------
    source : str
        Source id (``"papi"``, ``"pci"``); the missing cells go to the extra table
        ``<source>_missing_cells``.
    rows, rejects : list of dict
        Indicator rows and reject records collected by the reader (empty lists give the
        empty tables of :mod:`cchc_research.sources.base`).
    rows_read : int
        Raw rows read.
    missing : list of tuple
        Cells left blank in the source, one tuple per cell in the order of ``missing_columns``.
    missing_columns : list of str

    Returns
    -------
    SourceResult

    Raises
    ------
    SchemaError
        The accounting does not balance (:meth:`SourceResult.check_accounting`).
    """
    indicators = pd.DataFrame(rows) if rows else empty_indicators()
    rejected = pd.DataFrame(rejects) if rejects else empty_rejects()
    result = SourceResult(source, indicators, rejected, rows_read=rows_read,
                          extra_tables={f"{source}_missing_cells":
                                        pd.DataFrame(missing, columns=missing_columns)})
    result.check_accounting()
    return result


def papi_wide(result: SourceResult | pd.DataFrame | None = None) -> pd.DataFrame:
    """Province × year wide frame (``geo_code``, ``geo_name``, ``year``, one column per code).

    Parameters
    ----------
    result : SourceResult or DataFrame, optional
        Output of :func:`read_papi` (or its ``indicators``); read afresh when omitted.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``geo_code`` and ``year``; indicator columns sorted by code, float64.

    Examples
    --------
    >>> wide = papi_wide()
    >>> "papi_d8_e_governance" in wide.columns
    True
    """
    return wide_frame(result if result is not None else read_papi())


def wide_frame(frame: SourceResult | pd.DataFrame) -> pd.DataFrame:
    """Pivot a long province-year indicator frame to one row per (geo_code, year).

    Parameters
    ----------
    frame : pandas.DataFrame or SourceResult
        Long indicator rows (:data:`~cchc_research.sources.base.INDICATOR_COLUMNS`) with
        calendar-year periods, or a reader's result (its ``indicators``); non-province rows
        are ignored.

    Returns
    -------
    pandas.DataFrame
        :func:`cchc_research.sources.base.province_year_panel` of ``frame``: ``geo_code``, ``geo_name``,
        ``year``, one float64 column per indicator code and ``source_ids``.

    Raises
    ------
    SchemaError
        Two values for the same indicator, province and year.

    Examples
    --------
    >>> from cchc_research.sources.base import empty_indicators
    >>> list(wide_frame(empty_indicators()).columns)
    ['geo_code', 'geo_name', 'year', 'source_ids']
    """
    if isinstance(frame, SourceResult):
        frame = frame.indicators
    data = frame.loc[frame["geo_level"] == "province",
                     ["geo_code", "geo_name", "period", "indicator", "value"]].copy()
    data["year"] = data["period"].astype(str).str[:4].astype("int64")
    dupes = data.duplicated(["geo_code", "year", "indicator"], keep=False)
    if dupes.any():
        first = data.loc[dupes].iloc[0]
        raise SchemaError(first["indicator"], f"several values for {first['geo_code']} {first['year']}",
                          column="indicator")
    return province_year_panel(frame)
