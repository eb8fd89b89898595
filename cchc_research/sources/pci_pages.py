"""PCI past 2016: VCCI's province profile pages (11 provinces, 2006–2022; Thanh Hóa to 2024).

Reads the stored page excerpts ``data/raw/pci_province_pages/<slug>_excerpt.txt`` (line 1 the
URL, line 2 a retrieval note, then the page text as stored; see that folder's PROVENANCE.md).
Each page prints a table "Rankings In The Provincial Competitiveness Index (1-63) <province>"
(Vietnamese page: "Xếp hạng trong Chỉ số năng lực cạnh tranh cấp tỉnh (1-63)"): a ``Year``/
``Năm`` header, then one row per sub-index, the PCI score and the rank, values separated by
spaces or by ``|`` (the May 2020 copy of Hà Nam). Row labels are matched through
:func:`cchc_research.text.text_key` (English and Vietnamese labels, "Business Support
Services" renamed "Business Support Policy" in 2021) to the catalog codes of
``resources/catalog/pci.yaml`` (``pci_rank`` for the rank). Values are read with
:func:`cchc_research.parsing.parse_number` (dot decimals).

What becomes of every table row (a raw row is one line of the file):

* a main-table row → one indicator value per year (unit from the catalog, reliability
  ``medium-high``, ``source_id`` ``pci_pages:<slug>``); ``N/A`` cells (not ranked, or Policy
  Bias outside the method 2009–2012) go to the side table ``pci_pages_missing_cells``;
* a row of the small repeat table ("PCI Sub-Index Scores (1-100)", the last two years) →
  rejected as a duplicate after checking it against the main table (the reason says whether
  it agrees);
* a row of any other table (e.g. "Comparing Scores" with other provinces), a row with an
  unknown label or the wrong number of values, and the last line of a copy that was cut off
  mid-row → rejected with the reason.

Where the pages overlap VCCI's data files (2006–2016, :mod:`cchc_research.sources.pci`) both
values are kept; :func:`cchc_research.sources.crosscheck.cross_source_conflicts` flags every
disagreement beyond rounding (``conflicts.parquet``) and prefers the data file (higher
reliability), so no value is silently chosen. These 11 provinces are **not** a panel of
Viet Nam: show the series, do not regress on them.

Examples
--------
>>> res = read_pci_pages()
>>> res.check_accounting()
>>> res.indicators["geo_name"].nunique(), res.indicators["period"].max()
(11, '2024')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cchc_research import config
from cchc_research.errors import DataError, ParseError, SchemaError, SourceError
from cchc_research.geo import match_key
from cchc_research.parsing import parse_number
from cchc_research.sources._papi_pci_common import catalog_entries, indicator_record, reject_record, resolve_place
from cchc_research.sources.base import SourceResult, empty_indicators, empty_rejects
from cchc_research.text import normalize_text, text_key

__all__ = ["read_pci_pages", "read_page", "PageRow", "PAGES_DIR", "ROW_LABELS", "SOURCE_FAMILY", "RELIABILITY"]

#: Folder under ``data/raw``.
PAGES_DIR = "pci_province_pages"
#: ``source_id`` prefix (the family compared with the data files' ``pci_<year>``).
SOURCE_FAMILY = "pci_pages"
#: Reliability of the page values (publisher's own site; no second source after 2016).
RELIABILITY = "medium-high"
#: Row label (as :func:`~cchc_research.text.text_key`) → catalog code.
ROW_LABELS: dict[str, str] = {
    "entry costs": "pci_entry_costs", "gia nhap thi truong": "pci_entry_costs",
    "access to land": "pci_land_access", "tiep can dat dai": "pci_land_access",
    "transparency": "pci_transparency", "tinh minh bach": "pci_transparency",
    "time costs": "pci_time_costs", "chi phi thoi gian": "pci_time_costs",
    "informal charges": "pci_informal_charges", "chi phi khong chinh thuc": "pci_informal_charges",
    "policy bias": "pci_policy_bias", "canh tranh binh dang": "pci_policy_bias",
    "proactivity": "pci_proactivity", "tinh nang dong": "pci_proactivity",
    "business support policy": "pci_business_support", "business support services": "pci_business_support",
    "chinh sach ho tro doanh nghiep": "pci_business_support",
    "labor policy": "pci_labor_training", "dao tao lao dong": "pci_labor_training",
    "law order": "pci_legal_institutions", "thiet che phap ly": "pci_legal_institutions",
    "pci scores": "pci_weighted", "pci": "pci_weighted",
    "ranking": "pci_rank", "xep hang": "pci_rank",
}
_MAIN = re.compile(r"^(?:rankings in the provincial competitiveness index|xep hang trong chi so nang luc "
                   r"canh tranh cap tinh) 1 63 (?P<name>.+)$")
_REPEAT = re.compile(r"^pci sub index scores 1 100\b")
_YEARS = re.compile(r"^(?:Year|Năm)\s*\|?\s*((?:(?:19|20)\d\d\s*\|?\s*)+)$")
_CELL = re.compile(r"^(?:[\d.,+\-]+|N/A)$")  # a value cell, well-formed or not
_NOTE = re.compile(r"^(?:luu y|note|nguon|source)\b")  # "Lưu ý: N/A là …" printed under a table
_MISSING_COLUMNS = ["source_file", "row", "column", "year", "geo_code", "indicator", "reason"]


@dataclass(frozen=True)
class PageRow:
    """One table row of a page as read, before it becomes values or a reject.

    Attributes
    ----------
    line : int
        1-based line number in the excerpt file (the ``raw_row``).
    table : {"main", "repeat", "other"}
    label : str
        The row label as printed.
    cells : tuple of str
        Value cells as printed (``"N/A"`` kept), in the order of ``years``.
    years : tuple of int
        The table's years, in printed order.
    text : str
        The line exactly as stored (cells and label are read from its
        :func:`~cchc_research.text.normalize_text` form).
    truncated : bool
        This is the last non-empty line of the file: the stored copy ends here and may be cut
        off inside it ("Policy Bias 4.94 ", "Business Support Policy 5.81 4").
    """

    line: int
    table: str
    label: str
    cells: tuple[str, ...]
    years: tuple[int, ...]
    text: str
    truncated: bool


def _split_row(text: str) -> tuple[str, list[str]]:
    """(label, value cells) of a table line; space- or ``|``-separated."""
    if "|" in text:
        parts = [p.strip() for p in text.split("|")]
        while parts and not parts[-1]:
            parts.pop()
        return (parts[0] if parts else ""), parts[1:]
    tokens = text.split()
    i = 0
    while i < len(tokens) and not re.search(r"\d", tokens[i]) and tokens[i] != "N/A":
        i += 1
    return " ".join(tokens[:i]), tokens[i:]


def read_page(path: Path | str) -> tuple[str, str, list[PageRow]]:
    """Split one excerpt into its tables and rows.

    Parameters
    ----------
    path : Path or str
        A ``<slug>_excerpt.txt`` file.

    Returns
    -------
    (url, province name as printed, rows)

    Raises
    ------
    SourceError
        No URL on line 1, or no main table (heading and ``Year`` row) in the page.

    Examples
    --------
    >>> url, name, rows = read_page(config.RAW_DIR / PAGES_DIR / "phu-tho_excerpt.txt")
    >>> name, rows[0].label, rows[0].years[:3], rows[0].cells[:3]
    ('Phu Tho', 'Entry Costs', (2022, 2021, 2020), ('6.95', '7.37', '8.12'))
    """
    path = Path(path)
    file = f"{PAGES_DIR}/{path.name}"
    raw = path.read_text(encoding="utf-8")
    stored = raw.split("\n")
    lines = [normalize_text(line) for line in stored]  # NFC, Ð, odd and invisible spaces, dashes
    if not lines[0].startswith("URL: "):
        raise SourceError(lines[0][:80], "line 1 must be 'URL: <page address>'", file=file, row=1)
    last = max((k for k, line in enumerate(lines) if line.strip()), default=-1)  # where the copy ends
    rows: list[PageRow] = []
    name = None
    heading = ""
    i = 2
    while i < len(lines):
        text = lines[i]
        years = _YEARS.match(text.strip())
        if years is None:
            if text.strip():
                heading = text.strip()
            i += 1
            continue
        key = text_key(heading)
        table = "main" if _MAIN.match(key) else "repeat" if _REPEAT.match(key) else "other"
        if table == "main" and name is None:
            name = re.sub(r"^.*\(1-63\)\s*", "", normalize_text(heading))
        year_list = tuple(int(y) for y in re.findall(r"\d{4}", years.group(1)))
        i += 1
        while i < len(lines):
            text = lines[i]
            label, cells = _split_row(text.strip())
            is_last = i == last
            note = _NOTE.match(text_key(text))
            row_like = text_key(label) in ROW_LABELS or (cells and all(_CELL.match(c) for c in cells))
            if not text.strip() or note or _YEARS.match(text.strip()) or not (row_like or is_last):
                break
            rows.append(PageRow(i + 1, table, label, tuple(cells), year_list, stored[i], is_last))
            i += 1
        heading = ""
    if name is None:
        raise SourceError(path.name, "no 'Rankings In The Provincial Competitiveness Index (1-63)' table "
                          "followed by a Year row", file=file)
    return lines[0][len("URL: "):].strip(), name, rows


def _reject(out: dict[str, Any], source_id: str, err: DataError) -> None:
    out["rejects"].append(reject_record(source_id, err))


def _read_one(path: Path, out: dict[str, Any]) -> None:
    slug = path.name.removesuffix("_excerpt.txt")
    file = f"{PAGES_DIR}/{path.name}"
    source_id = f"{SOURCE_FAMILY}:{slug}"
    _url, name, rows = read_page(path)
    place = resolve_place(name, vintage=2008, file=file, row=None, column="province")
    if match_key(place.name_vi) != slug.replace("-", ""):
        raise SourceError(name, f"page of {place.name_vi} stored under slug {slug!r}", file=file)
    entries = catalog_entries("pci.yaml")
    main: dict[tuple[str, int], str] = {}
    for r in rows:
        out["read"] += 1
        loc = {"file": file, "row": r.line, "column": "label"}
        if r.truncated:
            _reject(out, source_id, SchemaError(r.text, "the stored copy ends in this line (last line of the "
                                                "file): it may be cut off, its values are not used", **loc))
            continue
        code = ROW_LABELS.get(text_key(r.label))
        if r.table == "other":
            _reject(out, source_id, SchemaError(r.text, "row of a table that is not read (only the "
                                                "province's own ranking table is)", **loc))
            continue
        if code is None:
            _reject(out, source_id, SchemaError(r.label, f"unknown row label; expected one of "
                                                f"{sorted(set(ROW_LABELS))}", **loc))
            continue
        if len(r.cells) != len(r.years):
            _reject(out, source_id, SchemaError(r.text, f"{len(r.cells)} values for {len(r.years)} years", **loc))
            continue
        if r.table == "repeat":
            differ = [f"{y}: {c} vs {main.get((code, y))}" for y, c in zip(r.years, r.cells) if main.get((code, y)) != c]
            reason = ("repeat of the main table's last two years, not stored twice: "
                      + ("agrees with the main table" if not differ else "DISAGREES with the main table (" +
                         "; ".join(differ) + ")"))
            _reject(out, source_id, SchemaError(r.text, reason, **loc))
            continue
        for year, cell in zip(r.years, r.cells):
            column = str(year)
            main[(code, year)] = cell
            if cell == "N/A":
                out["missing"].append({"source_file": file, "row": r.line, "column": column, "year": year,
                                       "geo_code": place.geo_code, "indicator": code,
                                       "reason": "N/A on the page: not ranked, or the sub-index was not part of "
                                                 "the method that year"})
                continue
            try:
                value = parse_number(cell, "en", file=file, row=r.line, column=column)
            except ParseError as err:
                _reject(out, source_id, err)
                continue
            rec = indicator_record(code=code, entry=entries[code], place=place, year=year, value=float(value),
                                   raw=cell, source_id=source_id, source_file=file, raw_row=r.line,
                                   reliability=RELIABILITY)
            rec["quote"] = r.text.strip()
            out["rows"].append(rec)


def read_pci_pages(raw_dir: Path | str | None = None) -> SourceResult:
    """Read every ``<slug>_excerpt.txt`` of ``data/raw/pci_province_pages`` (see the module docstring).

    Parameters
    ----------
    raw_dir : Path or str, optional
        The raw-data folder (default :data:`cchc_research.config.RAW_DIR`).

    Returns
    -------
    SourceResult
        ``source_id`` ``"pci_pages"``; ``rows_read`` counts table rows (one per line);
        ``extra_tables["pci_pages_missing_cells"]`` lists the ``N/A`` cells with a reason.

    Raises
    ------
    SourceError
        The folder holds no excerpt, a page has no URL line or no ranking table, or a page's
        province does not match its file name.
    UnknownGeographyError
        A page's province name matches no province.
    """
    folder = Path(raw_dir or config.RAW_DIR) / PAGES_DIR
    paths = sorted(folder.glob("*_excerpt.txt"))
    if not paths:
        raise SourceError(str(folder), "no *_excerpt.txt page in the folder", file=str(folder))
    out: dict[str, Any] = {"rows": [], "rejects": [], "missing": [], "read": 0}
    for path in paths:
        _read_one(path, out)
    indicators = pd.DataFrame(out["rows"]) if out["rows"] else empty_indicators()
    rejects = pd.DataFrame(out["rejects"]) if out["rejects"] else empty_rejects()
    missing = pd.DataFrame(out["missing"], columns=_MISSING_COLUMNS).astype(
        {"source_file": "string", "row": "int64", "column": "string", "year": "int64", "geo_code": "string",
         "indicator": "string", "reason": "string"})
    return SourceResult(SOURCE_FAMILY, indicators, rejects, rows_read=out["read"],
                        extra_tables={"pci_pages_missing_cells": missing})
