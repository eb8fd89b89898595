"""``cchc simulate export``: the simulated world as district exports, read back exactly."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc_research.dossiers import DOSSIER_COLUMNS, read_export, validate_to_parquet
from cchc_research.simulate import simulate_dossiers
from cchc_research.simulate.cli import app
from cchc_research.simulate.export import FIELD_NAMES, rollout_calendar, simulate_export
from cchc_research.simulate.world import DISTRICTS


def _expected(rows: int, seed: int) -> pd.DataFrame:
    truth = simulate_dossiers(rows, seed).dossiers[list(DOSSIER_COLUMNS)].copy()
    truth["field"] = truth["field"].map(FIELD_NAMES).astype("string")
    return truth.sort_values("dossier_id", ignore_index=True)


@pytest.mark.slow
def test_export_reads_back_exactly_with_read_export(tmp_path):
    files = simulate_export(tmp_path, rows=1500, seed=11, split="year")
    exports = files[:-1]
    assert {p.suffix for p in exports} == {".xlsx", ".csv"}
    assert all("simulated" in p.name for p in files)
    parts = [read_export(p) for p in exports]
    assert sum(p.counts.rejected for p in parts) == 0
    got = pd.concat([p.dossiers[list(DOSSIER_COLUMNS)] for p in parts], ignore_index=True)
    got = got.sort_values("dossier_id", ignore_index=True)
    pd.testing.assert_frame_equal(got, _expected(1500, 11))


def test_export_by_district_validates_in_one_run_and_is_deterministic(tmp_path):
    files = simulate_export(tmp_path / "a", rows=600, seed=4)
    again = simulate_export(tmp_path / "b", rows=600, seed=4)
    csvs = [p for p in files if p.suffix == ".csv"]
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in files] == [
        hashlib.sha256((tmp_path / "b" / p.name).read_bytes()).hexdigest() for p in files]
    assert len(again) == len(files)
    head = (tmp_path / "a" / csvs[0].name).read_text(encoding="utf-8-sig").splitlines()[:5]
    assert head[0].startswith("UBND ") and "BÁO CÁO" in head[3]
    exports = [str(p) for p in files if p.name != "simulated_rollout_calendar.csv"]
    counts = validate_to_parquet(exports, tmp_path / "c.parquet", tmp_path / "r.parquet")
    assert counts.as_dict() == {"read": 600, "valid": 600, "rejected": 0}
    clean = pd.read_parquet(tmp_path / "c.parquet")[list(DOSSIER_COLUMNS)].astype(DOSSIER_COLUMNS)
    pd.testing.assert_frame_equal(clean.sort_values("dossier_id", ignore_index=True), _expected(600, 4))


def test_rollout_calendar_and_cli(tmp_path):
    cal = rollout_calendar()
    assert list(cal.columns) == ["unit", "online_start"] and len(cal) == len(DISTRICTS)
    assert cal.set_index("unit").loc["760", "online_start"] == "2019-01-01"
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--rows", "200", "--seed", "2", "--split", "year"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "simulated_rollout_calendar.csv", dtype=str).equals(cal)
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--split", "week"])
    assert result.exit_code == 2
