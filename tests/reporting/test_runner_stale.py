"""A failed rerun keeps the earlier good report, and run.json / index data say it is stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_research.reporting.config import RunSpec
from cchc_research.reporting.runner import index_data, run_reports

FIXTURE = Path(__file__).parent / "fixtures" / "fixture_report.ipynb"


def _spec(**params) -> RunSpec:
    return RunSpec(name="r", notebook=FIXTURE, parameters=params, title="Fixture r", timeout=120)


@pytest.mark.slow
def test_kept_report_is_marked_stale_and_failure_is_located(tmp_path):
    ok = run_reports([_spec()], reports_dir=tmp_path, progress=False)[0]
    good = json.loads((tmp_path / "r" / "run.json").read_text("utf-8"))
    assert ok.status == "ok" and good["stale"] is False and good["finished_at"]

    bad = run_reports([_spec(fail=True)], reports_dir=tmp_path, progress=False)[0]
    assert bad.status == "failed" and bad.published == "r.failed"
    # papermill's fields of the failing cell (cell 0 is markdown, 1 the parameters, 2 injected, 3 the code)
    assert bad.error_detail["ename"] == "RuntimeError" and bad.error_detail["evalue"] == "failing on purpose"
    assert isinstance(bad.error_detail["cell_index"], int) and bad.error_detail["exec_count"] >= 1
    failed = json.loads((tmp_path / "r.failed" / "run.json").read_text("utf-8"))
    assert failed["error_detail"] == bad.error_detail

    kept = json.loads((tmp_path / "r" / "run.json").read_text("utf-8"))
    assert kept["status"] == "ok" and kept["stale"] is True
    assert kept["kept_from"] == {"finished_at": good["finished_at"], "commit": good["git"]["commit"]}
    assert kept["failed_rerun"]["folder"] == "r.failed" and "failing on purpose" in kept["failed_rerun"]["error"]

    [row] = index_data(tmp_path, [_spec()])
    assert row["status"] == "failed" and row["shown"] == "r" and row["stale"] is True
    assert row["kept_from"]["finished_at"] == good["finished_at"] and row["failed"] == "r.failed"
    written = json.loads((tmp_path / "index.json").read_text("utf-8"))["runs"][0]
    assert {**written, "parameters": {}} == row  # index.json lists the run as last executed (fail=True)
    assert row["failed_rerun"] == {k: kept["failed_rerun"][k] for k in ("finished_at", "commit", "error", "folder")}

    again = run_reports([_spec()], reports_dir=tmp_path, progress=False)[0]
    assert again.status == "ok"
    [row] = index_data(tmp_path, [_spec()])
    assert row["status"] == "ok" and row["stale"] is False and row["kept_from"] is None and row["failed"] is None
