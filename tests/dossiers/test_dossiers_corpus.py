"""Both readers on the corpus of messy exports: identical counts, clean rows and rejects.

``tests/dossiers/fixtures/corpus/`` is written by ``tools/make_export_corpus.py`` (seeded);
``MANIFEST.csv`` gives the number of data records in each file. For every file,
:func:`read_export` (in memory) and :func:`validate_to_parquet` (out of core) must report
the same counts, the same clean rows (canonical and extra columns) and the same rejects
(same rows, columns, values, reasons), read must equal the file's record count, and
read = valid + rejected (nothing lost).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_research.dossiers import DOSSIER_COLUMNS, read_export, validate_to_parquet

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
MANIFEST = pd.read_csv(CORPUS / "MANIFEST.csv", dtype={"file": str, "records": int, "note": str})
UNITS = {"760", "761", "769"}
TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_export_corpus.py"


def test_corpus_has_at_least_40_files():
    assert len(MANIFEST) >= 40
    assert sorted(MANIFEST["file"]) == sorted(p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.csv")


@pytest.mark.parametrize("name", MANIFEST["file"].tolist())
def test_engines_agree_on_every_corpus_file(name, tmp_path):
    path = CORPUS / name
    expected_records = int(MANIFEST.set_index("file").loc[name, "records"])
    mem = read_export(path, units=UNITS)
    counts = validate_to_parquet(path, tmp_path / "clean.parquet", tmp_path / "rejects.parquet", units=UNITS)
    assert counts == mem.counts
    assert counts.read == expected_records
    assert counts.read == counts.valid + counts.rejected
    assert mem.rejects["row"].nunique() == counts.rejected
    clean = pd.read_parquet(tmp_path / "clean.parquet")
    assert list(clean.columns) == list(mem.dossiers.columns)
    typed = clean.astype({**DOSSIER_COLUMNS, **{c: "string" for c in clean.columns if c not in DOSSIER_COLUMNS}})
    pd.testing.assert_frame_equal(typed, mem.dossiers)
    rejects = pd.read_parquet(tmp_path / "rejects.parquet")
    pd.testing.assert_frame_equal(rejects.astype(mem.rejects.dtypes.to_dict()), mem.rejects)


@pytest.mark.slow
def test_engines_agree_on_100k_rows_with_1pct_garbage(tmp_path):
    """The case of the issue (99,083 vs 99,060 valid rows before): now identical, nothing lost."""
    spec = importlib.util.spec_from_file_location("make_export_corpus", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    rng = np.random.default_rng(20240415)
    rows = tool.base_records(rng, n=100_000, prefix="BIG")
    junk = ["", "??", "32/13/2024", "15/03/24", "inf", "-1", "1.5", "0001-01-01", "03/25/2024", "x"]
    columns = ["Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Số lần bổ sung", "Đơn vị tiếp nhận",
               "Kênh nộp", "Trạng thái", "Mức độ hài lòng"]
    for k in rng.choice(len(rows), size=1_000, replace=False):
        rows[int(k)][tool.COL[columns[int(rng.integers(0, len(columns)))]]] = junk[int(rng.integers(0, len(junk)))]
    path = tmp_path / "big.csv"
    path.write_text(tool.to_csv([tool.HEADER] + rows), encoding="utf-8")
    mem = read_export(path, units=UNITS)
    counts = validate_to_parquet(path, tmp_path / "c.parquet", tmp_path / "r.parquet", units=UNITS)
    assert counts == mem.counts and counts.read == 100_000
    assert counts.read == counts.valid + counts.rejected and 0 < counts.rejected <= 1_000
    rejects = pd.read_parquet(tmp_path / "r.parquet").astype(mem.rejects.dtypes.to_dict())
    pd.testing.assert_frame_equal(rejects, mem.rejects)
    clean = pd.read_parquet(tmp_path / "c.parquet")
    typed = clean.astype({**DOSSIER_COLUMNS, **{c: "string" for c in clean.columns if c not in DOSSIER_COLUMNS}})
    pd.testing.assert_frame_equal(typed, mem.dossiers)
