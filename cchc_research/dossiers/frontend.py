"""The one front end of dossier exports: decode, sniff, locate the header, yield text records.

Both readers (:func:`~cchc_research.dossiers.io.read_export`, in memory, and
:func:`~cchc_research.dossiers.validate_sql.validate_to_parquet`, streaming to Parquet)
get their records from :func:`open_export`; the checks are then one DuckDB query
(:mod:`~cchc_research.dossiers.rules`). So the two cannot disagree on what a file holds.

What the front end handles:

* **Encodings** (CSV/TXT): a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides; else
  UTF-16 without BOM when every other byte is NUL; else strict UTF-8; else the legacy
  code pages proposed by ``charset_normalizer`` among :data:`LEGACY_ENCODINGS`
  (Vietnamese Windows cp1258 first). Among the encodings that decode, the first whose
  text shows a header row wins. Text is put in Unicode NFC (cp1258 writes tone marks as
  combining characters). None fits → :class:`~cchc_research.errors.EncodingError`
  naming the encodings tried.
* **Delimiters**: comma, semicolon, tab or pipe, chosen by which one makes a header row
  appear (an Excel ``sep=;`` first line is obeyed).
* **Header row**: the row among the first :data:`MAX_HEADER_SCAN` that names the most
  canonical columns (title rows such as "UBND QUẬN 1", "BÁO CÁO ..." above it are skipped),
  or ``header_row`` (1-based row of the file or sheet) when given.
* **Excel**: merged cells take the value of their top-left cell (a unit written once for
  a block of rows, a title across the sheet); typed cells are turned into text by
  :func:`~cchc_research.dossiers.dates.to_text` (dates as ISO, whole numbers without
  ``.0``).
* **Ragged rows**: a record with fewer fields than the header, or with non-blank fields
  beyond it, is kept apart as one record flagged ``__ragged`` (its raw fields joined by
  the delimiter); other records are never shifted. Blank extra fields are dropped.
* **Blank records** (every field blank) are skipped; ``__row`` still counts them, so
  ``__row`` is the 1-based position below the header row.
* **Empty files** → :class:`~cchc_research.errors.EmptyExportError`.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "e.csv")
>>> with open(path, "w", encoding="utf-16") as fh:
...     _ = fh.write("UBND QUẬN 1\\nMã hồ sơ;Đơn vị;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;"
...                  "Ngày trả kết quả;Trạng thái\\nA1;760;Trực tuyến;15/03/2024;20/03/2024;;Đang xử lý\\n")
>>> src = open_export(path)
>>> src.encoding, src.delimiter, src.header_row
('utf-16', ';', 2)
>>> next(src.batches()).to_pydict()["dossier_id"]
['A1']
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import charset_normalizer
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cchc_research.dossiers.dates import to_text
from cchc_research.dossiers.schema import DOSSIER_COLUMNS, REQUIRED_COLUMNS, canonical_header
from cchc_research.errors import EmptyExportError, EncodingError, InvalidArgumentError, SchemaError, SourceError
from cchc_research.text import compose

__all__ = [
    "ExportSource", "open_export", "detect_encodings", "locate_header", "LEGACY_ENCODINGS",
    "DELIMITERS", "MAX_HEADER_SCAN", "TEXT_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES",
]

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Legacy single-byte code pages tried when a file is not UTF-8/UTF-16 (Vietnamese first).
LEGACY_ENCODINGS: tuple[str, ...] = ("cp1258", "cp1252", "cp1250")
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
#: How many rows from the top are searched for the header row.
MAX_HEADER_SCAN = 30
_SAMPLE_BYTES = 1 << 18
_BATCH_ROWS = 100_000
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _nfc(text: str) -> str:
    return compose(text)


def _cell(value: object) -> str | None:
    text = to_text(value)
    return None if text is None else _nfc(text)


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


def detect_encodings(sample: bytes) -> list[str]:
    """Candidate encodings of a text export, most likely first.

    Examples
    --------
    >>> detect_encodings("Mã hồ sơ".encode("utf-16"))
    ['utf-16']
    >>> detect_encodings("Mã hồ sơ".encode("utf-8"))[0]
    'utf-8'
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return [name]
    head = sample[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        odd_nuls = head[1::2].count(0)
        even_nuls = head[0::2].count(0)
        return ["utf-16-le" if odd_nuls >= even_nuls else "utf-16-be"]
    names = ["utf-8"]
    guesses = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS))
    for match in guesses:
        if match.encoding not in names:
            names.append(match.encoding)
    names += [e for e in LEGACY_ENCODINGS if e not in names]
    return names


def _header_map(
    cells: Sequence[str | None], mapping: Mapping[str, str], file: str, strict: bool
) -> dict[str, int]:
    found: dict[str, int] = {}
    for pos, cell in enumerate(cells):
        if _blank(cell):
            continue
        name = str(cell).strip()
        target = mapping.get(name) or mapping.get(str(cell)) or canonical_header(name)
        if target is None:
            continue
        if target in found:
            if strict:
                raise SchemaError(
                    name, f"both {cells[found[target]]!r} and {name!r} map to {target!r}",
                    file=file, column=target,
                )
            continue
        found[target] = pos
    return found


def _missing(found: Mapping[str, int]) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if "due_at" in missing and "statutory_days" in found:
        missing.remove("due_at")
    return missing


def locate_header(
    rows: Sequence[Sequence[str | None]],
    mapping: Mapping[str, str] | None = None,
    *,
    file: str = "",
    header_row: int | None = None,
) -> tuple[int, dict[str, int]]:
    """The 0-based index of the header row and its canonical column → position map.

    Raises
    ------
    SchemaError
        Unknown mapping target, two headers mapping to one column, or a required column
        missing (in the given ``header_row`` or in the best row found).
    """
    mapping = dict(mapping or {})
    for target in mapping.values():
        if target not in DOSSIER_COLUMNS:
            raise SchemaError(target, "mapping target is not a canonical dossier column", file=file)
    if header_row is not None:
        if header_row < 1 or header_row > len(rows):
            raise InvalidArgumentError(
                f"header_row must be between 1 and {len(rows)} (the rows read from {file}), not {header_row!r}"
            )
        index = header_row - 1
    else:
        scores = [len(_header_map(r, mapping, file, strict=False)) for r in rows[:MAX_HEADER_SCAN]]
        index = max(range(len(scores)), key=lambda i: (scores[i], -i)) if scores else 0
    found = _header_map(rows[index], mapping, file, strict=True) if rows else {}
    missing = _missing(found)
    if missing:
        where = f"header row {index + 1}" if found or header_row is not None else f"the first {MAX_HEADER_SCAN} rows"
        raise SchemaError(
            None,
            f"missing required column {missing[0]!r} (searched {where}; pass header_row= / "
            "--header-row for an unusual layout, or mapping= for unknown header names)",
            file=file, column=missing[0],
        )
    return index, found


@dataclass
class ExportSource:
    """One export file as the front end sees it.

    Attributes
    ----------
    file : str
    kind : {"csv", "excel", "parquet"}
    names : list of str
        Output column name per position of the header: the canonical name for a recognized
        header, else the header text (deduplicated; ``column_<k>`` when blank).
    found : dict
        Canonical column → position.
    header_row : int
        1-based row (record) of the header in the file or sheet (0 for Parquet).
    encoding, delimiter : str or None
        For text files.
    """

    file: str
    kind: str
    names: list[str]
    found: dict[str, int]
    header_row: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: int | str = 0
    _records: object = field(default=None, repr=False)

    def schema(self) -> pa.Schema:
        """Arrow schema of :meth:`batches`: ``__row``, ``__ragged``, then every name (text)."""
        return pa.schema([("__row", pa.int64()), ("__ragged", pa.string())]
                         + [(n, pa.string()) for n in self.names])

    def batches(self, batch_rows: int = _BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Record batches of text cells (CSV/Excel), header and title rows excluded."""
        if self.kind == "parquet":
            raise SourceError(self.file, "Parquet exports are read by DuckDB directly", file=self.file)
        width = len(self.names)
        sep = self.delimiter or "\t"
        cols: list[list[str | None]] = [[] for _ in range(width + 2)]
        schema = self.schema()
        yielded = False
        for row_no, fields in self._records():  # type: ignore[misc]
            if all(_blank(f) for f in fields):
                continue
            ragged = None
            if len(fields) < width or any(not _blank(f) for f in fields[width:]):
                ragged = sep.join("" if f is None else f for f in fields)
            fields = list(fields[:width]) + [None] * (width - len(fields))
            cols[0].append(row_no)
            cols[1].append(ragged)
            for k in range(width):
                cols[k + 2].append(fields[k])
            if len(cols[0]) >= batch_rows:
                yield pa.RecordBatch.from_arrays([pa.array(c, t.type) for c, t in zip(cols, schema)], schema=schema)
                yielded = True
                cols = [[] for _ in range(width + 2)]
        if cols[0] or not yielded:
            yield pa.RecordBatch.from_arrays([pa.array(c, t.type) for c, t in zip(cols, schema)], schema=schema)

    def table(self) -> pa.Table:
        """All records as one Arrow table (:meth:`batches` concatenated)."""
        return pa.Table.from_batches(list(self.batches()), schema=self.schema())


def _names(header: Sequence[str | None], found: Mapping[str, int]) -> list[str]:
    width = max([i + 1 for i, c in enumerate(header) if not _blank(c)] + [p + 1 for p in found.values()])
    by_pos = {p: c for c, p in found.items()}
    names: list[str] = []
    used = set(DOSSIER_COLUMNS) | {"__row", "__ragged", "__file", "__fidx"}
    for k in range(width):
        if k in by_pos:
            names.append(by_pos[k])
            continue
        base = str(header[k]).strip() if k < len(header) and not _blank(header[k]) else f"column_{k + 1}"
        name, n = base, 1
        while name in used:
            name, n = f"{base}.{n}", n + 1
        used.add(name)
        names.append(name)
    return names


def _text_rows(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for fields in reader:
            rows.append([_nfc(f) for f in fields])
            if len(rows) >= MAX_HEADER_SCAN + 1:
                break
    except csv.Error:
        pass
    return rows


def _open_text(path: Path, mapping, header_row) -> ExportSource:
    file = str(path)
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE_BYTES)
    if sample.strip(b"\x00\r\n\t ,;|\xef\xbb\xbf\xff\xfe") == b"":
        raise EmptyExportError(file, "the file is empty (no records, no header)", file=file)
    tried: list[str] = []
    failures: list[tuple[int, SchemaError]] = []
    best: tuple[int, str, str, list[list[str]]] | None = None
    for enc in detect_encodings(sample):
        tried.append(enc)
        try:
            decoder = codecs.getincrementaldecoder(enc)(errors="strict")
            text = decoder.decode(sample, final=len(sample) < _SAMPLE_BYTES)
        except (UnicodeDecodeError, LookupError):
            continue
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise EmptyExportError(file, "the file is empty (no records, no header)", file=file)
        first_line = text.split("\n", 1)[0].strip()
        sep_hint = first_line[4:5] if first_line.lower().startswith("sep=") and len(first_line) == 5 else None
        for delim in ([sep_hint] if sep_hint else DELIMITERS):
            rows = _text_rows(text, delim)
            if sep_hint:
                rows = [[]] + rows[1:]
            score = max([len(_header_map(r, dict(mapping or {}), file, strict=False))
                         for r in rows[:MAX_HEADER_SCAN]] + [0])
            try:
                locate_header(rows, mapping, file=file, header_row=header_row)
            except SchemaError as exc:
                if "map to" in exc.reason or "mapping target" in exc.reason:
                    raise
                failures.append((score, exc))
                continue
            if best is None or score > best[0]:
                best = (score, enc, delim, rows)
        if best is not None:
            break
    if best is None:
        if failures:
            raise max(failures, key=lambda f: f[0])[1]
        raise EncodingError(
            file, f"no encoding fits; tried {', '.join(tried)} (save the export as UTF-8)", file=file
        )
    _, enc, delim, rows = best
    index, found = locate_header(rows, mapping, file=file, header_row=header_row)
    names = _names(rows[index], found)

    def records() -> Iterator[tuple[int, list[str]]]:
        with open(path, "rb") as raw:
            stream = io.TextIOWrapper(raw, encoding=enc, errors="strict", newline="")
            reader = csv.reader(stream, delimiter=delim)
            k = index
            try:
                for k, fields in enumerate(reader):
                    if k > index:
                        yield k - index, [_nfc(f) for f in fields]
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    file, f"not valid {enc} after record {k + 1 - index} of data ({exc.reason}); "
                    f"tried {', '.join(tried)}", file=file,
                ) from exc
            except csv.Error as exc:
                raise SourceError(file, f"unreadable CSV after data record {k + 1 - index}: {exc}", file=file) from exc

    return ExportSource(file, "csv", names, found, index + 1, enc, delim, _records=records)


def _excel_rows(path: Path, sheet_name: int | str) -> list[list[str | None]]:
    file = str(path)
    if path.suffix.lower() == ".xls":
        frame = pd.read_excel(path, sheet_name=sheet_name, header=None, dtype=object, engine="xlrd")
        return [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError variants
        raise SourceError(file, f"not a readable Excel workbook ({type(exc).__name__}: {exc})", file=file) from exc
    try:
        sheet = book.worksheets[sheet_name] if isinstance(sheet_name, int) else book[sheet_name]
    except (IndexError, KeyError) as exc:
        raise SourceError(sheet_name, f"no such sheet; sheets: {book.sheetnames}", file=file) from exc
    fill: dict[tuple[int, int], object] = {}
    for rng in sheet.merged_cells.ranges:
        value = sheet.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fill[(r, c)] = value
    rows = []
    for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        rows.append([_cell(fill.get((r, c), v)) for c, v in enumerate(row, start=1)])
    book.close()
    return rows


def _open_excel(path: Path, mapping, header_row, sheet_name) -> ExportSource:
    file = str(path)
    rows = _excel_rows(path, sheet_name)
    if all(all(_blank(c) for c in row) for row in rows):
        raise EmptyExportError(file, f"sheet {sheet_name!r} is empty", file=file)
    index, found = locate_header(rows, mapping, file=file, header_row=header_row)
    names = _names(rows[index], found)

    def records() -> Iterator[tuple[int, list[str | None]]]:
        for k in range(index + 1, len(rows)):
            fields = rows[k]
            while fields and _blank(fields[-1]):
                fields = fields[:-1]
            if len(fields) < len(names):
                fields = fields + [None] * (len(names) - len(fields))
            yield k - index, fields

    return ExportSource(file, "excel", names, found, index + 1, sheet_name=sheet_name, _records=records)


def _open_parquet(path: Path, mapping) -> ExportSource:
    file = str(path)
    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow.ArrowInvalid and OSError variants
        raise SourceError(file, f"not a readable Parquet file ({exc})", file=file) from exc
    header = [n for n in schema.names if not n.startswith("__")]
    _, found = locate_header([header], mapping, file=file, header_row=1)
    return ExportSource(file, "parquet", _names(header, found), found, 0)


def open_export(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    header_row: int | None = None,
    sheet_name: int | str = 0,
) -> ExportSource:
    """Open an export (CSV/TXT/TSV, Excel, Parquet): find its encoding, delimiter and header.

    Parameters
    ----------
    path : str or Path
    mapping : dict, optional
        Export header → canonical column for headers the vocabulary does not know.
    header_row : int, optional
        1-based row (record) of the header in the file or sheet; found automatically when None.
    sheet_name : int or str
        Excel sheet.

    Returns
    -------
    ExportSource

    Raises
    ------
    SourceError
        Missing file, unsupported suffix, unreadable workbook or sheet.
    EmptyExportError
        Nothing in the file.
    EncodingError
        No encoding fits (the message lists those tried).
    SchemaError
        Missing required column, ambiguous headers, bad ``mapping``.
    InvalidArgumentError
        ``header_row`` outside the rows read.
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise SourceError(file, "file not found", file=file)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _open_text(path, mapping, header_row)
    if suffix in EXCEL_SUFFIXES:
        if path.stat().st_size == 0:
            raise EmptyExportError(file, "the file is empty (0 bytes)", file=file)
        return _open_excel(path, mapping, header_row, sheet_name)
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(path, mapping)
    raise SourceError(suffix, "unsupported export format (csv, txt, tsv, xlsx, xls, parquet)", file=file)
