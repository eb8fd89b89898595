"""Write the corpus of messy dossier exports under ``tests/dossiers/fixtures/corpus/``.

Seeded and deterministic: run ``python tools/make_export_corpus.py`` from any folder and the
same files come out (the committed files are these). Every file is a variant of the same
kind of one-stop-shop export (Vietnamese headers and values, day-first dates) with one kind
of mess: encodings (UTF-8 with/without BOM, UTF-16 LE/BE with/without BOM, cp1258),
delimiters (comma, semicolon, tab, pipe, ``sep=`` line), title rows above the header,
merged Excel cells, ragged rows, blank and footer rows, two-digit years, 0001-01-01
placeholders, Excel serials, garbage in count columns, impossible and month-first dates,
duplicates, unknown codes, statutory days instead of due dates, quoted delimiters and
newlines, typed Parquet with NaN and inf.

``MANIFEST.csv`` lists each file with what is messy about it and ``records``: the number
of non-blank data records it holds, which both readers must report as ``read``
(``tests/dossiers/test_dossiers_corpus.py``). Units used: 760, 761, 769.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from cchc_research.simulate.export import make_xlsx_deterministic

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "dossiers" / "fixtures" / "corpus"
SEED = 20240415
UNITS = ("760", "761", "769")
HEADER = [
    "STT", "Mã hồ sơ", "Mã TTHC", "Lĩnh vực", "Đơn vị tiếp nhận", "Kênh nộp", "Mức độ DVC",
    "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái", "Số lần bổ sung",
    "Mức độ hài lòng", "Ghi chú",
]
COL = {name: i for i, name in enumerate(HEADER)}
TITLE = [["ỦY BAN NHÂN DÂN QUẬN 1"], ["BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"], [],
         ["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"], ["Từ ngày 01/01/2023 đến ngày 30/06/2024"], []]
FOOTER = [[], ["Tổng cộng: hồ sơ"], ["Người lập biểu", "", "", "", "", "", "", "", "", "", "Thủ trưởng đơn vị"]]


def base_records(rng: np.random.Generator, n: int = 24, prefix: str = "HS") -> list[list[str]]:
    """``n`` clean records as text (the columns of :data:`HEADER`)."""
    fields = ["Đất đai", "Hộ tịch", "Xây dựng", "Đăng ký kinh doanh"]
    channels = ["Trực tuyến", "Trực tiếp", "Bưu chính công ích"]
    levels = ["Toàn trình", "Một phần", ""]
    statuses = ["Đã giải quyết", "Đã giải quyết", "Đang giải quyết", "Trả lại hồ sơ", "Rút hồ sơ"]
    ratings = ["5", "4", "Hài lòng", "", "3"]
    start = datetime(2023, 1, 2, 7, 30)
    rows = []
    for i in range(n):
        recv = start + timedelta(days=int(rng.integers(0, 540)), minutes=int(rng.integers(0, 9 * 60)))
        due = recv.date() + timedelta(days=int(rng.integers(3, 16)))
        status = statuses[int(rng.integers(0, len(statuses)))]
        done = ""
        if status in ("Đã giải quyết", "Trả lại hồ sơ"):
            comp = recv + timedelta(days=int(rng.integers(0, 20)), hours=int(rng.integers(0, 6)))
            done = comp.strftime("%d/%m/%Y %H:%M")
        rows.append([
            str(i + 1), f"{prefix}{i + 1:05d}", f"1.00{int(rng.integers(1000, 9999))}",
            fields[int(rng.integers(0, 4))], UNITS[int(rng.integers(0, 3))],
            channels[int(rng.integers(0, 3))], levels[int(rng.integers(0, 3))],
            recv.strftime("%d/%m/%Y %H:%M"), due.strftime("%d/%m/%Y"), done, status,
            str(int(rng.integers(0, 3))), ratings[int(rng.integers(0, len(ratings)))], "",
        ])
    return rows


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 writes Vietnamese: base letters (â, ơ, ư...) + combining tone marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], list(parts[1:])
        for k in [None] + list(range(len(marks))):
            letter = base if k is None else unicodedata.normalize("NFC", base + marks[k])
            rest = marks if k is None else marks[:k] + marks[k + 1:]
            try:
                out += letter.encode("cp1258") + "".join(rest).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "not encodable")
    return bytes(out)


def to_csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def set_cells(rows: list[list[str]], row: int, **values: str) -> None:
    for name, value in values.items():
        rows[row][COL[name]] = value


def text_files(rng: np.random.Generator) -> list[tuple[str, bytes, int, str]]:
    """(file name, bytes, records, note) of the text exports."""
    out: list[tuple[str, bytes, int, str]] = []

    def add(name: str, text: str, records: int, note: str, encoding: str = "utf-8") -> None:
        data = encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
        out.append((name, data, records, note))

    r = base_records(rng)
    add("01_utf8_comma.csv", to_csv([HEADER] + r), len(r), "clean UTF-8, comma")
    add("02_utf8_bom.csv", to_csv([HEADER] + base_records(rng)), 24, "UTF-8 with BOM", "utf-8-sig")
    add("03_utf16le_bom_tab.txt", to_csv([HEADER] + base_records(rng), "\t", "\r\n"), 24,
        "Excel 'Unicode text': UTF-16 LE with BOM, tab", "utf-16")
    add("04_utf16be_bom.csv", to_csv([HEADER] + base_records(rng)), 24, "UTF-16 BE with BOM")
    out[-1] = (out[-1][0], "\ufeff".encode("utf-16-be") + to_csv([HEADER] + base_records(rng)).encode("utf-16-be"),
               24, out[-1][3])
    add("05_utf16le_nobom.csv", to_csv([HEADER] + base_records(rng), ";"), 24, "UTF-16 LE without BOM, semicolon",
        "utf-16-le")
    add("06_cp1258_comma.csv", to_csv([HEADER] + base_records(rng)), 24, "Windows Vietnamese cp1258", "cp1258")
    add("07_cp1258_semicolon_titles.csv", to_csv(TITLE + [HEADER] + base_records(rng), ";", "\r\n"), 24,
        "cp1258, semicolon, title rows, CRLF", "cp1258")
    add("08_semicolon.csv", to_csv([HEADER] + base_records(rng), ";"), 24, "semicolon")
    add("09_tab.tsv", to_csv([HEADER] + base_records(rng), "\t"), 24, "tab-separated")
    add("10_pipe.txt", to_csv([HEADER] + base_records(rng), "|"), 24, "pipe-separated")
    add("11_sep_line.csv", "sep=;\n" + to_csv([HEADER] + base_records(rng), ";"), 24, "Excel 'sep=;' first line")
    add("12_title_rows.csv", to_csv(TITLE + [HEADER] + base_records(rng)), 24,
        "title rows (UBND, BÁO CÁO, period) above the header")
    r = base_records(rng)
    r[3] = r[3] + ["x", "y"]
    r[10] = r[10][:6]
    add("13_ragged.csv", to_csv([HEADER] + r), 24, "one row with two extra fields, one with too few")
    r = base_records(rng)
    add("14_trailing_empty_fields.csv", to_csv([HEADER + ["", ""]] + [row + ["", ""] for row in r]), 24,
        "trailing empty fields on every line (allowed)")
    r = base_records(rng)
    text = to_csv([HEADER] + r[:8]) + "\n\n" + to_csv(r[8:16]) + ",,,,,,,,,,,,,\n" + to_csv(r[16:])
    add("15_blank_lines.csv", text, 24, "blank lines and an all-empty record inside")
    r = base_records(rng)
    set_cells(r, 2, **{"Ngày tiếp nhận": "15/03/24"})
    set_cells(r, 5, **{"Ngày hẹn trả": "20/3/24"})
    set_cells(r, 7, **{"Ngày tiếp nhận": "15/03/0024"})
    add("16_two_digit_years.csv", to_csv([HEADER] + r), 24, "two-digit years (refused), year 0024")
    r = base_records(rng)
    set_cells(r, 1, **{"Ngày trả kết quả": "01/01/0001", "Trạng thái": "Đã giải quyết"})
    set_cells(r, 4, **{"Ngày hẹn trả": "0001-01-01"})
    set_cells(r, 9, **{"Ngày tiếp nhận": "31/12/9999"})
    add("17_placeholder_dates.csv", to_csv([HEADER] + r), 24, "0001-01-01 and 9999 placeholders")
    r = base_records(rng)
    for k in (0, 3, 6):
        day = datetime.strptime(r[k][COL["Ngày tiếp nhận"]], "%d/%m/%Y %H:%M")
        serial = (day - datetime(1899, 12, 30)).total_seconds() / 86400
        r[k][COL["Ngày tiếp nhận"]] = f"{serial:.6f}".rstrip("0").rstrip(".")
    set_cells(r, 8, **{"Ngày hẹn trả": "45000"})
    set_cells(r, 9, **{"Ngày hẹn trả": "12"})
    add("18_excel_serials.csv", to_csv([HEADER] + r), 24, "Excel date serials as text in date columns")
    r = base_records(rng)
    for k, v in zip(range(1, 9), ["inf", "1.5", "-1", "1e400", "3.0", "-", "NaN", "2 lần"]):
        set_cells(r, k, **{"Số lần bổ sung": v})
    add("19_count_garbage.csv", to_csv([HEADER] + r), 24, "inf, 1.5, -1, 1e400, 3.0, -, NaN in a count")
    r = base_records(rng)
    for k, v in zip(range(0, 7), ["Rất hài lòng", "Không hài lòng", "6", "0", "4.5", "rất không hài lòng", "inf"]):
        set_cells(r, k, **{"Mức độ hài lòng": v})
    add("20_ratings.csv", to_csv([HEADER] + r), 24, "worded, out-of-range and fractional ratings")
    r = base_records(rng)
    for k in range(0, 24, 2):
        d = datetime.strptime(r[k][COL["Ngày tiếp nhận"]], "%d/%m/%Y %H:%M")
        r[k][COL["Ngày tiếp nhận"]] = d.strftime("%Y-%m-%dT%H:%M:%S")
    add("21_iso_dates.csv", to_csv([HEADER] + r), 24, "ISO dates with T")
    r = base_records(rng)
    for k in range(0, 24, 3):
        d = datetime.strptime(r[k][COL["Ngày tiếp nhận"]], "%d/%m/%Y %H:%M")
        r[k][COL["Ngày tiếp nhận"]] = d.strftime("%H:%M %d/%m/%Y")
    add("22_time_first.csv", to_csv([HEADER] + r), 24, "time before the date")
    r = base_records(rng)
    for k in range(24):
        r[k][COL["Ngày hẹn trả"]] = r[k][COL["Ngày hẹn trả"]].replace("/", ".")
    set_cells(r, 4, **{"Ngày hẹn trả": "15/03-2024"})
    add("23_dotted_and_mixed_separators.csv", to_csv([HEADER] + r), 24, "dd.mm.yyyy; one mixed separator")
    r = base_records(rng)
    set_cells(r, 0, **{"Ngày hẹn trả": "30/02/2024"})
    set_cells(r, 1, **{"Ngày hẹn trả": "31/04/2024"})
    set_cells(r, 2, **{"Ngày tiếp nhận": "03/25/2024"})
    set_cells(r, 3, **{"Ngày tiếp nhận": "2024/15/03"})
    set_cells(r, 4, **{"Ngày tiếp nhận": "15/03/2024 25:00"})
    set_cells(r, 5, **{"Ngày tiếp nhận": "hôm qua"})
    add("24_impossible_dates.csv", to_csv([HEADER] + r), 24, "30/02, 31/04, month-first, hour 25, words")
    r = base_records(rng)
    r[5][COL["Mã hồ sơ"]] = r[2][COL["Mã hồ sơ"]]
    r[9][COL["Mã hồ sơ"]] = r[2][COL["Mã hồ sơ"]]
    r[11][COL["Mã hồ sơ"]] = "  "
    add("25_duplicates.csv", to_csv([HEADER] + r), 24, "duplicate and blank dossier ids")
    r = base_records(rng)
    set_cells(r, 0, **{"Đơn vị tiếp nhận": "999"})
    set_cells(r, 1, **{"Kênh nộp": "Fax"})
    set_cells(r, 2, **{"Trạng thái": "Đang chờ"})
    set_cells(r, 3, **{"Mức độ DVC": "Mức độ 9"})
    set_cells(r, 4, **{"Đơn vị tiếp nhận": ""})
    add("26_unknown_codes.csv", to_csv([HEADER] + r), 24, "unknown unit, channel, status, level")
    r = base_records(rng)
    head = [h if h != "Ngày hẹn trả" else "Thời hạn giải quyết" for h in HEADER]
    for k in range(24):
        r[k][COL["Ngày hẹn trả"]] = ["5", "0", "10", "x", "-2", "3.0", "inf", ""][k % 8]
    add("27_statutory_days.csv", to_csv([head] + r), 24, "statutory days (working days) instead of due dates")
    r = base_records(rng)
    add("28_crlf.csv", to_csv([HEADER] + r, ",", "\r\n"), 24, "CRLF line ends")
    r = base_records(rng)
    r[2][COL["Ghi chú"]] = "Bổ sung giấy tờ, lần 2"
    r[6][COL["Ghi chú"]] = "Dòng 1\nDòng 2; còn thiếu"
    r[7][COL["Lĩnh vực"]] = 'Đất đai "sổ hồng"'
    add("29_quoted_fields.csv", to_csv([HEADER] + r), 24, "quoted delimiter, newline and quotes in fields")
    r = base_records(rng)
    eng = ["STT", "dossier_id", "procedure_code", "field", "unit", "channel", "online_level", "received_at",
           "due_at", "completed_at", "status", "supplement_requests", "satisfaction_rating", "note"]
    add("30_english_headers.csv", to_csv([eng] + r), 24, "canonical English headers")
    r = base_records(rng)
    add("31_footer_rows.csv", to_csv(TITLE + [HEADER] + r) + to_csv(FOOTER), 26,
        "title rows and footer rows (total, signatures): footers are rejected records")
    r = base_records(rng)
    set_cells(r, 0, **{"Trạng thái": "Ðã giải quyết"})
    set_cells(r, 1, **{"Kênh nộp": "TRỰC TUYẾN"})
    set_cells(r, 2, **{"Kênh nộp": "  truc tuyen  "})
    set_cells(r, 3, **{"Trạng thái": "Đã giải quyết"})
    add("32_value_variants.csv", to_csv([HEADER] + r), 24, "upper case, unaccented, padded, look-alike Ð")
    r = base_records(rng)
    nfd = to_csv([HEADER] + r)
    add("33_nfd_text.csv", unicodedata.normalize("NFD", nfd), 24, "decomposed Unicode (NFD) text")
    r = base_records(rng)
    for k in range(24):
        if r[k][COL["Ngày trả kết quả"]]:
            d = datetime.strptime(r[k][COL["Ngày trả kết quả"]], "%d/%m/%Y %H:%M")
            r[k][COL["Ngày trả kết quả"]] = d.strftime("%d/%m/%Y %H:%M:%S")
    set_cells(r, 1, **{"Ngày trả kết quả": "01/01/2022", "Trạng thái": "Đã giải quyết"})
    set_cells(r, 2, **{"Ngày hẹn trả": "01/01/2022"})
    set_cells(r, 3, **{"Ngày trả kết quả": "", "Trạng thái": "Đã giải quyết"})
    set_cells(r, 4, **{"Ngày trả kết quả": "05/05/2024", "Trạng thái": "Đang giải quyết"})
    add("34_date_order_and_status.csv", to_csv([HEADER] + r), 24,
        "completed/due before received, completed without date, pending with date")
    rng_big = np.random.default_rng(SEED + 1)
    r = base_records(rng_big, n=400, prefix="BG")
    junk = ["", "??", "32/13/2024", "15/03/24", "inf", "-1", "N/A", "0001-01-01"]
    cols = ["Ngày tiếp nhận", "Ngày hẹn trả", "Số lần bổ sung", "Đơn vị tiếp nhận", "Kênh nộp", "Mức độ hài lòng"]
    for k in rng_big.choice(400, size=40, replace=False):
        r[int(k)][COL[cols[int(rng_big.integers(0, len(cols)))]]] = junk[int(rng_big.integers(0, len(junk)))]
    add("35_garbage_10pct.csv", to_csv([HEADER] + r), 400, "400 rows, 10 % random garbage")
    r = base_records(rng)
    r[0][COL["Mã hồ sơ"]] = ""
    r[0] = [""] * len(HEADER)
    r[0][COL["Ghi chú"]] = "chỉ có ghi chú"
    add("36_only_note.csv", to_csv([HEADER] + r), 24, "a record with only a note")
    r = base_records(rng)
    head = list(HEADER)
    head[COL["Ghi chú"]] = "STT"
    add("37_duplicate_extra_headers.csv", to_csv([head] + r), 24, "two extra columns with the same header")
    return out


def _excel_value(value: str, date_cells: bool) -> object:
    if date_cells:
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, fmt)
            except ValueError:
                pass
    if value.isdigit() and not value.startswith("0"):
        return int(value)
    return value if value != "" else None


def write_xlsx(path: Path, rows: list[list[str]], *, titles: bool, merge: bool, date_cells: bool,
               serials: bool = False, overflow: bool = False) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    top = 1
    if titles:
        sheet.cell(1, 1, "UBND QUẬN 3")
        sheet.cell(2, 1, "BÁO CÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ")
        sheet.cell(3, 1, "Kỳ báo cáo: 6 tháng đầu năm 2024")
        if merge:
            for r in (1, 2, 3):
                sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADER))
        top = 5
    for c, name in enumerate(HEADER, start=1):
        sheet.cell(top, c, name)
    for i, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell_value = _excel_value(value, date_cells and HEADER[c - 1].startswith("Ngày"))
            if serials and HEADER[c - 1] == "Ngày tiếp nhận" and isinstance(cell_value, datetime):
                cell_value = (cell_value - datetime(1899, 12, 30)).total_seconds() / 86400
            sheet.cell(i, c, cell_value)
    if merge:
        # the unit written once for a block of rows (merged down), as district reports do
        unit_col = COL["Đơn vị tiếp nhận"] + 1
        first = top + 1
        for k in range(1, 5):
            rows[k][COL["Đơn vị tiếp nhận"]] = rows[0][COL["Đơn vị tiếp nhận"]]
        sheet.cell(first, unit_col, _excel_value(rows[0][COL["Đơn vị tiếp nhận"]], False))
        sheet.merge_cells(start_row=first, start_column=unit_col, end_row=first + 4, end_column=unit_col)
    if overflow:
        sheet.cell(top + 3, len(HEADER) + 2, "ô lạc")
    book.save(path)
    make_xlsx_deterministic(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    rng = np.random.default_rng(SEED)
    manifest = []
    for name, data, records, note in text_files(rng):
        (OUT / name).write_bytes(data)
        manifest.append((name, records, note))
    xl = [
        ("40_xlsx_plain.xlsx", dict(titles=False, merge=False, date_cells=False), "text cells"),
        ("41_xlsx_date_cells.xlsx", dict(titles=False, merge=False, date_cells=True), "date cells, numeric units"),
        ("42_xlsx_titles_merged.xlsx", dict(titles=True, merge=True, date_cells=True),
         "merged title rows, unit merged down a block of rows"),
        ("43_xlsx_serials.xlsx", dict(titles=True, merge=False, date_cells=True, serials=True),
         "receipt dates as unformatted Excel serial numbers"),
        ("44_xlsx_overflow.xlsx", dict(titles=False, merge=False, date_cells=True, overflow=True),
         "a value right of the last header (ragged)"),
    ]
    for name, opts, note in xl:
        write_xlsx(OUT / name, base_records(rng), **opts)
        manifest.append((name, 24, note))
    r = base_records(rng)
    frame = pd.DataFrame(r, columns=HEADER)
    typed = frame.copy()
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả"):
        typed[col] = pd.to_datetime(frame[col], format="mixed", dayfirst=True).astype("datetime64[us]")
    typed["Số lần bổ sung"] = pd.to_numeric(frame["Số lần bổ sung"]).astype("float64")
    typed.loc[3, "Số lần bổ sung"] = np.inf
    typed.loc[4, "Số lần bổ sung"] = np.nan
    typed.loc[5, "Số lần bổ sung"] = 1.5
    typed["Đơn vị tiếp nhận"] = pd.to_numeric(frame["Đơn vị tiếp nhận"]).astype("float64")
    typed.to_parquet(OUT / "45_parquet_typed.parquet", index=False)
    manifest.append(("45_parquet_typed.parquet", 24, "typed Parquet: timestamps, float units, NaN/inf/1.5 counts"))
    frame.to_parquet(OUT / "46_parquet_text.parquet", index=False)
    manifest.append(("46_parquet_text.parquet", 24, "Parquet of text columns"))
    pd.DataFrame(manifest, columns=["file", "records", "note"]).to_csv(OUT / "MANIFEST.csv", index=False,
                                                                         lineterminator="\n")
    print(f"{len(manifest)} files in {OUT}")


if __name__ == "__main__":
    main()
