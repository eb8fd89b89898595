"""The ``cchc dossiers`` sub-app (``cchc_research.dossiers.cli.app``) via typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc_research.dossiers import aggregate, read_export
from cchc_research.dossiers.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()


@pytest.fixture(scope="module")
def clean_parquet(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "definitions.parquet"
    read_export(FIXTURES / "definitions.csv", units={"760", "761"}).dossiers.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_aggregate_to_parquet(clean_parquet, tmp_path, engine):
    out = tmp_path / "panel.parquet"
    result = runner.invoke(
        app, ["aggregate", str(clean_parquet), str(out), "--freq", "quarter", "--engine", engine, "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert "4 rows" in result.output
    got = pd.read_parquet(out)
    pd.testing.assert_frame_equal(got, aggregate(clean_parquet, freq="quarter"), check_dtype=False)


def test_aggregate_to_csv_with_by_and_as_of(clean_parquet, tmp_path):
    out = tmp_path / "panel.csv"
    result = runner.invoke(
        app,
        ["aggregate", str(clean_parquet), str(out), "--by", "unit,channel", "--as-of", "2024-04-02",
         "--no-progress"],
    )
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, dtype={"unit": str})
    assert {"unit", "channel", "period", "overdue_pending"} <= set(got.columns)
    assert got["period"].max() == "2024-04"
    first = got.iloc[0]
    assert (first["unit"], first["channel"], first["period"], first["period_start"]) == (
        "760", "direct", "2024-03", "2024-03-01"
    )


def test_aggregate_progress_bar_runs(clean_parquet, tmp_path):
    result = runner.invoke(app, ["aggregate", str(clean_parquet), str(tmp_path / "p.parquet"), "--progress"])
    assert result.exit_code == 0, result.output


def test_aggregate_bad_freq_and_output(clean_parquet, tmp_path):
    result = runner.invoke(app, ["aggregate", str(clean_parquet), str(tmp_path / "p.parquet"), "--freq", "week"],
                           env={"COLUMNS": "300"})
    assert result.exit_code == 2  # refused by the option parser (choices), before any work
    assert "freq" in result.output and "week" in result.output
    result = runner.invoke(app, ["aggregate", str(clean_parquet), str(tmp_path / "p.json"), "--no-progress"])
    assert result.exit_code != 0


@pytest.mark.parametrize(("ext", "engine"), [("csv", None), ("parquet", "duckdb"), ("xlsx", None), ("csv", "pandas")])
def test_validate_prints_counts_and_writes_rejects(tmp_path, ext, engine):
    rejects = tmp_path / "rejects.csv"
    clean = tmp_path / "clean.parquet"
    args = ["validate", str(FIXTURES / f"export_vi.{ext}"), "--rejects", str(rejects), "--clean", str(clean),
            "--units", "760,761,769", "--no-progress"]
    if engine:
        args += ["--engine", engine]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "read: 20" in result.output and "valid: 5" in result.output and "rejected: 15" in result.output
    assert "unparseable date: 2" in result.output
    assert len(pd.read_csv(rejects)) == 15
    assert len(pd.read_parquet(clean)) == 5


def test_validate_missing_column_exits_with_message(tmp_path):
    raw = pd.read_csv(FIXTURES / "export_vi.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "bad.csv"
    raw.drop(columns=["Kênh nộp"]).to_csv(path, index=False)
    result = runner.invoke(app, ["validate", str(path), "--units", "760", "--no-progress"])
    assert result.exit_code == 1
    assert "channel" in result.output and "bad.csv" in result.output
