"""Bad and unusual exports, each with its exact outcome, through BOTH readers.

Every case runs :func:`read_export` and :func:`validate_to_parquet` (``both``), checks that
they agree (counts, clean rows, rejects), and then asserts the right value or refusal.
The catalogue is ``docs/bad-inputs/exports.md``.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc_research.dossiers import DOSSIER_COLUMNS, DateWindow, aggregate, parse_date, read_export
from cchc_research.dossiers.cli import app
from cchc_research.dossiers.validate_sql import validate_to_parquet
from cchc_research.errors import (
    EmptyExportError,
    EncodingError,
    InvalidArgumentError,
    ParseError,
    SchemaError,
    SourceError,
    UnvalidatedInputError,
)

UNITS = {"760", "761"}
HEADER = ["Mã hồ sơ", "Đơn vị tiếp nhận", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả",
          "Trạng thái", "Số lần bổ sung"]
OK = ["A1", "760", "Trực tuyến", "15/03/2024 08:30", "20/03/2024", "19/03/2024 16:00", "Đã giải quyết", "0"]
runner = CliRunner()
_spec = importlib.util.spec_from_file_location(
    "make_export_corpus", Path(__file__).resolve().parents[2] / "tools" / "make_export_corpus.py"
)
CORPUS_TOOL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(CORPUS_TOOL)


def row(**changes: str) -> list[str]:
    out = list(OK)
    for key, value in changes.items():
        out[HEADER.index(key)] = value
    return out


def write(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8",
          prefix: str = "") -> Path:
    text = prefix + "\n".join(delimiter.join(r) for r in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def both(path: Path, tmp_path: Path, **kwargs):
    """read_export and validate_to_parquet on ``path``; assert they agree; return read_export's result."""
    mem = read_export(path, units=kwargs.pop("units", UNITS), **kwargs)
    counts = validate_to_parquet(path, tmp_path / "c.parquet", tmp_path / "r.parquet",
                                 units=UNITS if "units" not in kwargs else kwargs["units"], **kwargs)
    assert counts == mem.counts
    assert counts.read == counts.valid + counts.rejected
    clean = pd.read_parquet(tmp_path / "c.parquet")
    clean = clean.astype({**DOSSIER_COLUMNS, **{c: "string" for c in clean.columns if c not in DOSSIER_COLUMNS}})
    pd.testing.assert_frame_equal(clean, mem.dossiers)
    rejects = pd.read_parquet(tmp_path / "r.parquet").astype(mem.rejects.dtypes.to_dict())
    pd.testing.assert_frame_equal(rejects, mem.rejects)
    return mem


def reasons(res) -> list[tuple[int, str | None, str]]:
    return [(int(r), None if pd.isna(c) else c, why) for r, c, why in res.rejects[["row", "column", "reason"]].values]


def test_two_digit_year_refused_in_both(tmp_path):
    res = both(write(tmp_path / "y.csv", [HEADER, row(), row(**{"Mã hồ sơ": "A2", "Ngày tiếp nhận": "15/03/24"})]),
               tmp_path)
    assert reasons(res) == [(2, "received_at", "two-digit year")]
    assert res.counts.as_dict() == {"read": 2, "valid": 1, "rejected": 1}


def test_year_0001_rejected_per_row_not_the_file(tmp_path):
    rows = [HEADER, row(), row(**{"Mã hồ sơ": "A2", "Ngày trả kết quả": "01/01/0001"}),
            row(**{"Mã hồ sơ": "A3", "Ngày hẹn trả": "0001-01-01"})]
    res = both(write(tmp_path / "y.csv", rows), tmp_path)
    assert reasons(res) == [(2, "completed_at", "date outside plausible window"),
                            (3, "due_at", "date outside plausible window")]
    # the clean rows aggregate without OutOfBoundsDatetime
    assert int(aggregate(res.dossiers, freq="month")["received"].sum()) == 1


def test_plausibility_window_is_configurable(tmp_path):
    path = write(tmp_path / "w.csv", [HEADER, row()])
    res = both(path, tmp_path, date_window=DateWindow(date(2024, 3, 16), date(2030, 1, 1)))
    assert reasons(res) == [(1, "received_at", "date outside plausible window")]
    with pytest.raises(InvalidArgumentError, match="before start"):
        DateWindow(date(2024, 1, 1), date(2023, 1, 1))


def test_extra_fields_reject_one_row_without_shifting_others(tmp_path):
    rows = [HEADER, row(), row(**{"Mã hồ sơ": "A2"}) + ["x", "y"], row(**{"Mã hồ sơ": "A3"})[:5],
            row(**{"Mã hồ sơ": "A4", "Kênh nộp": "Trực tiếp"})]
    res = both(write(tmp_path / "r.csv", rows), tmp_path)
    assert reasons(res) == [(2, None, "wrong number of fields"), (3, None, "wrong number of fields")]
    assert res.rejects["value"].iloc[0].endswith(",x,y")
    d = res.dossiers.set_index("dossier_id")
    assert list(d.index) == ["A1", "A4"]
    assert d.loc["A4", "channel"] == "direct" and d.loc["A4", "received_at"] == pd.Timestamp("2024-03-15 08:30")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
def test_encodings(tmp_path, encoding):
    rows = [HEADER, row(), row(**{"Mã hồ sơ": "A2", "Trạng thái": "Đang giải quyết", "Ngày trả kết quả": ""})]
    text = "\n".join("\t".join(r) for r in rows) + "\n"
    if encoding == "cp1258":
        data = CORPUS_TOOL.encode_cp1258(text)
    else:
        data = text.encode(encoding)
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    res = both(path, tmp_path)
    assert res.counts.as_dict() == {"read": 2, "valid": 2, "rejected": 0}
    assert res.dossiers["status"].tolist() == ["completed", "pending"]


def test_no_encoding_fits_names_the_encodings_tried(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\x81\x8d\x8f\x90\x9d" * 40)
    with pytest.raises(EncodingError) as info:
        read_export(path, units=UNITS)
    assert "utf-8" in str(info.value) and "cp1258" in str(info.value)
    with pytest.raises(EncodingError):
        validate_to_parquet(path, tmp_path / "c.parquet", tmp_path / "r.parquet", units=UNITS)


def test_bad_byte_after_the_sniffed_sample_is_a_clear_error(tmp_path):
    rows = [HEADER] + [row(**{"Mã hồ sơ": f"A{i}"}) for i in range(4000)]
    path = tmp_path / "late.csv"
    data = ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8") + "Đ,760\n".encode("cp1258")
    path.write_bytes(data)
    assert len(data) > 300_000
    with pytest.raises(EncodingError, match="not valid utf-8 after record"):
        read_export(path, units=UNITS)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_sniffed(tmp_path, delimiter):
    res = both(write(tmp_path / "d.csv", [HEADER, row()], delimiter=delimiter), tmp_path)
    assert res.counts.valid == 1


def test_title_rows_above_the_header_and_explicit_header_row(tmp_path):
    prefix = "UBND QUẬN 1\nBÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ, QUÝ I/2024\n\n"
    path = write(tmp_path / "t.csv", [HEADER, row()], prefix=prefix)
    res = both(path, tmp_path)
    assert res.counts.as_dict() == {"read": 1, "valid": 1, "rejected": 0}
    assert both(path, tmp_path, header_row=4).counts.valid == 1
    with pytest.raises(SchemaError, match="header row 1"):
        read_export(path, units=UNITS, header_row=1)
    with pytest.raises(InvalidArgumentError, match="header_row"):
        read_export(path, units=UNITS, header_row=99)


def test_excel_title_rows_merged_cells_serials(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.cell(1, 1, "UBND QUẬN 1")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.cell(2, 1, "BÁO CÁO")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    for c, name in enumerate(HEADER, start=1):
        sheet.cell(3, c, name)
    for r, values in enumerate([row(), row(**{"Mã hồ sơ": "A2"})], start=4):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value)
    sheet.cell(4, 4, 45366.5)          # Excel serial: 15/03/2024 12:00
    sheet.cell(4, 2, 760)              # numeric unit, merged down over row 5
    sheet.merge_cells(start_row=4, start_column=2, end_row=5, end_column=2)
    path = tmp_path / "x.xlsx"
    book.save(path)
    res = both(path, tmp_path)
    assert res.counts.as_dict() == {"read": 2, "valid": 2, "rejected": 0}
    assert res.dossiers["received_at"].tolist() == [pd.Timestamp("2024-03-15 12:00"),
                                                    pd.Timestamp("2024-03-15 08:30")]
    assert res.dossiers["unit"].tolist() == ["760", "760"]


def test_empty_files_are_named(tmp_path):
    for name, data in [("e.csv", b""), ("b.csv", b"\xef\xbb\xbf\r\n\r\n"), ("n.csv", b"\n ,,, \n")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(EmptyExportError, match="empty"):
            read_export(tmp_path / name, units=UNITS)
        with pytest.raises(EmptyExportError):
            validate_to_parquet(tmp_path / name, tmp_path / "c.parquet", tmp_path / "r.parquet", units=UNITS)
    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    with pytest.raises(EmptyExportError, match="empty"):
        read_export(tmp_path / "e.xlsx", units=UNITS)


def test_header_only_file_reads_zero_records(tmp_path):
    res = both(write(tmp_path / "h.csv", [HEADER]), tmp_path)
    assert res.counts.as_dict() == {"read": 0, "valid": 0, "rejected": 0}


@pytest.mark.parametrize(("value", "reason"), [
    ("inf", "supplement requests not an integer"), ("1.5", "supplement requests not an integer"),
    ("1e400", "supplement requests not an integer"), ("-1", "negative supplement requests"),
    ("NaN", "supplement requests not an integer"), ("99999999999999999999", "supplement requests not an integer"),
])
def test_count_columns_hold_integers(tmp_path, value, reason):
    res = both(write(tmp_path / "n.csv", [HEADER, row(**{"Số lần bổ sung": value})]), tmp_path)
    assert reasons(res) == [(1, "supplement_requests", reason)]


def test_whole_float_counts_accepted(tmp_path):
    res = both(write(tmp_path / "n.csv", [HEADER, row(**{"Số lần bổ sung": "3.0"})]), tmp_path)
    assert res.dossiers["supplement_requests"].tolist() == [3]


def test_excel_serial_in_text_date_column(tmp_path):
    res = both(write(tmp_path / "s.csv", [HEADER, row(**{"Ngày hẹn trả": "45371"})]), tmp_path)
    assert res.dossiers["due_at"].tolist() == [pd.Timestamp("2024-03-20")]


@pytest.mark.parametrize(("text", "expected"), [
    ("03/04/2024", "2024-04-03"), ("2024-04-03", "2024-04-03"), ("3.4.2024", "2024-04-03"),
    ("08:00 03/04/2024", "2024-04-03 08:00"), ("45385", "2024-04-03"),
])
def test_parse_date_day_first(text, expected):
    assert parse_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize(("text", "reason"), [
    ("2024-02-30", "unparseable date"), ("03/25/2024", "unparseable date"), ("15/03/24", "two-digit year"),
    ("15/03-2024", "unparseable date"), ("01/01/0001", "date outside plausible window"), ("", "blank date"),
])
def test_parse_date_refusals(text, reason):
    with pytest.raises(ParseError, match=reason):
        parse_date(text)


def _clean_parquet(tmp_path: Path) -> Path:
    res = read_export(write(tmp_path / "c.csv", [HEADER, row(), row(**{"Mã hồ sơ": "A2", "Ngày tiếp nhận": "02/04/2024",
                                                                         "Ngày hẹn trả": "05/04/2024",
                                                                         "Ngày trả kết quả": "04/04/2024"})]),
                      units=UNITS)
    path = tmp_path / "clean.parquet"
    res.dossiers.to_parquet(path, index=False)
    return path


def test_as_of_is_day_first_everywhere(tmp_path):
    clean = _clean_parquet(tmp_path)
    a = aggregate(clean, freq="month", as_of="03/04/2024")
    b = aggregate(clean, freq="month", as_of="2024-04-03")
    pd.testing.assert_frame_equal(a, b)
    assert a["period"].iloc[-1] == "2024-04"
    out = tmp_path / "p.csv"
    result = runner.invoke(app, ["aggregate", str(clean), str(out), "--as-of", "03/04/2024", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["period"].iloc[-1] == "2024-04"


def test_as_of_invalid_is_a_clear_error(tmp_path):
    clean = _clean_parquet(tmp_path)
    with pytest.raises(ParseError, match="unparseable date"):
        aggregate(clean, as_of="2024-02-30")
    result = runner.invoke(app, ["aggregate", str(clean), str(tmp_path / "o.csv"), "--as-of", "2024-02-30"],
                           env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "unparseable date" in result.output
    assert "Traceback" not in result.output


def test_cli_choices_are_validated(tmp_path):
    clean = _clean_parquet(tmp_path)
    result = runner.invoke(app, ["aggregate", str(clean), str(tmp_path / "o.csv"), "--freq", "week"])
    assert result.exit_code == 2 and "week" in result.output
    result = runner.invoke(app, ["aggregate", str(clean), str(tmp_path / "o.csv"), "--engine", "spark"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["validate", str(clean), "--header-row", "0"])
    assert result.exit_code == 2


def test_aggregate_refuses_unvalidated_inputs(tmp_path):
    raw = write(tmp_path / "raw.csv", [HEADER, row()])
    for engine in ("duckdb", "pandas"):
        with pytest.raises(UnvalidatedInputError, match="validate"):
            aggregate(raw, engine=engine)
    frame = pd.DataFrame({"dossier_id": ["a"], "unit": ["760"], "channel": ["online"], "status": ["pending"],
                          "received_at": ["15/03/2024"], "due_at": ["20/03/2024"], "completed_at": [None]})
    path = tmp_path / "canon.csv"
    frame.to_csv(path, index=False)
    for engine in ("duckdb", "pandas"):
        with pytest.raises(UnvalidatedInputError, match="non-ISO"):
            aggregate(path, engine=engine)
    with pytest.raises(UnvalidatedInputError):
        aggregate(frame, engine="pandas")


def test_validate_cli_header_row_and_engines_agree(tmp_path):
    path = write(tmp_path / "t.csv", [HEADER, row(), row(**{"Ngày tiếp nhận": "15/03/24"})], prefix="UBND QUẬN 1\n")
    outs = []
    for engine in ("duckdb", "pandas"):
        result = runner.invoke(app, ["validate", str(path), "--engine", engine, "--header-row", "2",
                                     "--units", "760", "--no-progress"])
        assert result.exit_code == 0, result.output
        outs.append(result.output)
    assert outs[0] == outs[1]
    assert "two-digit year: 1" in outs[0] and "duplicate dossier_id: 1" in outs[0]


def test_missing_file_unsupported_and_bad_sheet(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        read_export(tmp_path / "nope.csv")
    openpyxl.Workbook().save(tmp_path / "x.xlsx")
    with pytest.raises(SourceError, match="no such sheet"):
        read_export(tmp_path / "x.xlsx", sheet_name="Báo cáo")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="not a readable Excel"):
        read_export(tmp_path / "bad.xlsx")
