"""Readers: Vietnamese headers/values/dates, every reject kind, schema errors, formats.

``tests/dossiers/fixtures/export_vi.csv`` is a hand-made export with Vietnamese headers:
rows 1-4 and 17 are valid, each other row carries exactly one defect (its "Ghi chú" column
says which). ``export_vi.xlsx`` / ``export_vi.parquet`` hold the same records
(``make_fixtures.py``; the Excel copy stores dates as date cells).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc_research.dossiers import DOSSIER_COLUMNS, dossier_schema, read_export
from cchc_research.dossiers.io import parse_dates
from cchc_research.dossiers.validate_sql import validate_to_parquet
from cchc_research.errors import SchemaError, SourceError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
UNITS = {"760", "761", "769"}

#: data row -> (column, reason) expected in the rejects table of export_vi.*
EXPECTED_REJECTS = {
    5: ("received_at", "unparseable date"),
    6: ("completed_at", "completed before received"),
    7: ("due_at", "due before received"),
    8: ("dossier_id", "duplicate dossier_id"),
    9: ("unit", "unknown unit"),
    10: ("channel", "unknown channel"),
    11: ("status", "unknown status"),
    12: ("completed_at", "completed without completed_at"),
    13: ("supplement_requests", "negative supplement requests"),
    14: ("satisfaction_rating", "rating outside 1-5"),
    15: ("dossier_id", "missing dossier_id"),
    16: ("due_at", "unparseable date"),
    18: ("online_level", "unknown online level"),
    19: ("completed_at", "pending with completed_at"),
    20: ("satisfaction_rating", "rating not an integer"),
}


@pytest.fixture(scope="module", params=["csv", "xlsx", "parquet"])
def export(request):
    return read_export(FIXTURES / f"export_vi.{request.param}", units=UNITS)


def test_counts_add_up(export):
    assert export.counts.as_dict() == {"read": 20, "valid": 5, "rejected": 15}
    assert export.counts["read"] == export.counts["valid"] + export.counts["rejected"]
    assert len(export.dossiers) == export.counts.valid
    assert export.rejects["row"].nunique() == export.counts.rejected


@pytest.mark.parametrize("row", sorted(EXPECTED_REJECTS))
def test_each_malformed_kind_is_rejected_with_reason(export, row):
    got = export.rejects[export.rejects["row"] == row]
    assert list(zip(got["column"], got["reason"])) == [EXPECTED_REJECTS[row]]
    assert (got["file"] == export.file).all()


def test_reject_values_are_the_raw_values():
    res = read_export(FIXTURES / "export_vi.csv", units=UNITS)
    by_row = res.rejects.set_index("row")
    assert by_row.loc[5, "value"] == "32/03/2024"
    assert by_row.loc[9, "value"] == "999"
    assert by_row.loc[10, "value"] == "Fax"
    assert by_row.loc[8, "dossier_id"] == "HS001"
    assert pd.isna(by_row.loc[15, "dossier_id"])
    assert pd.isna(by_row.loc[12, "value"])


def test_duplicates_keep_first_occurrence():
    res = read_export(FIXTURES / "export_vi.csv", units=UNITS)
    first = res.dossiers.set_index("dossier_id").loc["HS001"]
    assert first["channel"] == "online"  # row 1 kept, row 8 (direct) rejected


def test_vietnamese_values_and_dates_mapped(export):
    d = export.dossiers.set_index("dossier_id")
    assert d.loc["HS001", "channel"] == "online" and d.loc["HS001", "online_level"] == "full"
    assert d.loc["HS001", "status"] == "completed"
    assert d.loc["HS001", "received_at"] == pd.Timestamp("2024-03-15 08:30")
    assert d.loc["HS001", "completed_at"] == pd.Timestamp("2024-03-19 16:00")
    assert d.loc["HS002", "channel"] == "direct" and d.loc["HS002", "online_level"] == "none"
    assert d.loc["HS002", "status"] == "pending" and pd.isna(d.loc["HS002", "completed_at"])
    assert d.loc["HS003", "channel"] == "postal" and d.loc["HS003", "online_level"] == "partial"
    assert d.loc["HS003", "status"] == "returned"
    assert d.loc["HS004", "status"] == "withdrawn"
    # lower-case values, time-first date, ISO due date, worded rating
    assert d.loc["HS017", "channel"] == "online" and d.loc["HS017", "online_level"] == "partial"
    assert d.loc["HS017", "received_at"] == pd.Timestamp("2024-03-15 08:30")
    assert d.loc["HS017", "due_at"] == pd.Timestamp("2024-03-18")
    assert d.loc["HS017", "satisfaction_rating"] == 4


def test_clean_frame_is_typed_and_passes_schema(export):
    frame = export.dossiers
    assert list(frame.columns[: len(DOSSIER_COLUMNS)]) == list(DOSSIER_COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items() if c in DOSSIER_COLUMNS} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in DOSSIER_COLUMNS.items()
    }
    assert "Ghi chú" in frame.columns  # extra column passed through
    dossier_schema(UNITS).validate(frame)


def test_formats_agree():
    frames = [read_export(FIXTURES / f"export_vi.{ext}", units=UNITS) for ext in ("csv", "xlsx", "parquet")]
    base = frames[0]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(
            base.dossiers[list(DOSSIER_COLUMNS)], other.dossiers[list(DOSSIER_COLUMNS)]
        )
        pd.testing.assert_frame_equal(
            base.rejects[["row", "column", "reason"]], other.rejects[["row", "column", "reason"]]
        )


def test_missing_required_column_names_file_and_column(tmp_path):
    raw = pd.read_csv(FIXTURES / "export_vi.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "no_received.csv"
    raw.drop(columns=["Ngày tiếp nhận"]).to_csv(path, index=False)
    with pytest.raises(SchemaError) as info:
        read_export(path, units=UNITS)
    assert info.value.column == "received_at"
    assert info.value.file == str(path)
    assert "no_received.csv" in str(info.value) and "received_at" in str(info.value)


def test_ambiguous_headers_raise(tmp_path):
    raw = pd.read_csv(FIXTURES / "export_vi.csv", dtype=str, keep_default_na=False)
    raw["Ngày hoàn thành"] = raw["Ngày trả kết quả"]
    path = tmp_path / "twice.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(SchemaError, match="completed_at"):
        read_export(path, units=UNITS)


def test_mapping_for_unknown_headers(tmp_path):
    raw = pd.read_csv(FIXTURES / "export_vi.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "custom.csv"
    raw.rename(columns={"Mã hồ sơ": "Số HS nội bộ"}).to_csv(path, index=False)
    with pytest.raises(SchemaError, match="dossier_id"):
        read_export(path, units=UNITS)
    res = read_export(path, mapping={"Số HS nội bộ": "dossier_id"}, units=UNITS)
    assert res.counts.valid == 5
    with pytest.raises(SchemaError, match="not a canonical"):
        read_export(path, mapping={"Số HS nội bộ": "so_hs"}, units=UNITS)


def test_missing_file_and_bad_format(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        read_export(tmp_path / "nope.csv", units=UNITS)
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(SourceError, match="unsupported"):
        read_export(tmp_path / "x.json", units=UNITS)


def test_due_date_derived_from_statutory_days_across_tet(tmp_path):
    frame = pd.DataFrame(
        {
            "Mã hồ sơ": ["T1", "T2", "T3"],
            "Đơn vị tiếp nhận": ["760"] * 3,
            "Kênh nộp": ["Trực tiếp"] * 3,
            "Ngày tiếp nhận": ["06/02/2024 09:00", "07/02/2024 15:00", "01/03/2024"],
            "Ngày trả kết quả": ["", "", ""],
            "Trạng thái": ["Đang giải quyết"] * 3,
            "Thời hạn giải quyết": ["3", "0", "x"],
        }
    )
    path = tmp_path / "statutory.csv"
    frame.to_csv(path, index=False)
    res = read_export(path, units={"760"})
    due = res.dossiers.set_index("dossier_id")["due_at"]
    assert due["T1"] == pd.Timestamp("2024-02-16")  # 7/2, 15/2, 16/2 (Tết 8-14/2 off)
    assert due["T2"] == pd.Timestamp("2024-02-07")  # 0 days: the day of receipt
    assert res.counts.as_dict() == {"read": 3, "valid": 2, "rejected": 1}
    assert res.rejects[["row", "reason"]].values.tolist() == [
        [3, "statutory days not a non-negative integer"],
        [3, "missing due_at and statutory_days"],
    ]


def test_parse_dates_formats():
    parsed, bad = parse_dates(pd.Series(["15/03/2024", "15/03/2024 08:30", "15/03/2024 08:30:15",
                                         "5/3/2024", "2024-03-15T08:30:00", "15-03-2024", "", "2024/15/03"]))
    assert [str(x) for x in parsed] == [
        "2024-03-15 00:00:00", "2024-03-15 08:30:00", "2024-03-15 08:30:15", "2024-03-05 00:00:00",
        "2024-03-15 08:30:00", "2024-03-15 00:00:00", "NaT", "NaT",
    ]
    assert bad.tolist() == [False] * 7 + [True]


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_duckdb_validation_matches_pandas_reader(tmp_path, ext):
    source = FIXTURES / f"export_vi.{ext}"
    ref = read_export(source, units=UNITS)
    counts = validate_to_parquet(source, tmp_path / "clean.parquet", tmp_path / "rejects.parquet", units=UNITS)
    assert counts == ref.counts
    rejects = pd.read_parquet(tmp_path / "rejects.parquet")
    cols = ["row", "dossier_id", "column", "value", "reason"]
    pd.testing.assert_frame_equal(rejects[cols].astype(str), ref.rejects[cols].astype(str))
    clean = pd.read_parquet(tmp_path / "clean.parquet")
    assert list(clean.columns) == list(ref.dossiers.columns)
    clean = clean[list(DOSSIER_COLUMNS)].astype(DOSSIER_COLUMNS)
    pd.testing.assert_frame_equal(clean, ref.dossiers[list(DOSSIER_COLUMNS)])


def test_duckdb_validation_missing_column(tmp_path):
    raw = pd.read_csv(FIXTURES / "export_vi.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "no_status.parquet"
    raw.drop(columns=["Trạng thái"]).to_parquet(path, index=False)
    with pytest.raises(SchemaError) as info:
        validate_to_parquet(path, tmp_path / "c.parquet", tmp_path / "r.parquet", units=UNITS)
    assert info.value.column == "status"


def test_duckdb_validation_statutory_days_and_duplicates_across_chunks(tmp_path):
    frame = pd.DataFrame(
        {
            "dossier_id": ["A", "B", "A"],
            "unit": ["760", "760", "760"],
            "channel": ["direct"] * 3,
            "received_at": pd.to_datetime(["2024-02-06 09:00", "2024-02-07 00:00", "2024-03-01 00:00"]),
            "completed_at": pd.Series([pd.NaT] * 3, dtype="datetime64[ns]"),
            "status": ["pending"] * 3,
            "statutory_days": [3, 0, 2],
        }
    )
    frame.iloc[:2].to_parquet(tmp_path / "part_000.parquet", index=False)
    frame.iloc[2:].to_parquet(tmp_path / "part_001.parquet", index=False)
    counts = validate_to_parquet(
        str(tmp_path / "part_*.parquet"), tmp_path / "c.parquet", tmp_path / "r.parquet", units={"760"}
    )
    assert counts.as_dict() == {"read": 3, "valid": 2, "rejected": 1}
    clean = pd.read_parquet(tmp_path / "c.parquet")
    assert clean["due_at"].astype(str).tolist() == ["2024-02-16", "2024-02-07"]
    rejects = pd.read_parquet(tmp_path / "r.parquet")
    assert rejects[["file", "row", "reason"]].values.tolist() == [
        [str(tmp_path / "part_001.parquet"), 1, "duplicate dossier_id"]
    ]


def test_default_units_come_from_the_geography_layer():
    import cchc_research.geo  # noqa: F401 - the geography layer provides the default unit codes
    res = read_export(FIXTURES / "export_vi.csv")
    assert res.counts.as_dict() == {"read": 20, "valid": 5, "rejected": 15}
    assert res.rejects.set_index("row").loc[9, "reason"] == "unknown unit"
