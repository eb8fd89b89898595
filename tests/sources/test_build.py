"""`cchc build`: determinism, accounting, provenance, schema enforcement and the CLI."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc_research import config
from cchc_research.build import READERS, Reader, build
from cchc_research.errors import SchemaError, SourceError
from cchc_research.schemas import indicator_schema, validate_frame
from cchc_research.sources.base import SourceResult, empty_rejects
from cchc_research.sources.manifest import verify_raw


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    a = tmp_path_factory.mktemp("build_a")
    b = tmp_path_factory.mktemp("build_b")
    return build(out_dir=a), build(out_dir=b), a, b


def test_two_builds_are_byte_identical(two_builds):
    _, _, a, b = two_builds
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) >= 8
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_every_source_row_is_accounted_for(two_builds):
    report = two_builds[0]
    counts = report.counts
    assert set(counts["source_id"]) == {r.source_id for r in READERS}
    assert (counts["rows_read"] == counts["rows_processed"] + counts["rows_rejected"]).all()
    assert (counts["rows_read"] > 0).all()


def test_no_processed_value_without_a_source(two_builds):
    out = two_builds[2]
    ind = pd.read_parquet(out / "indicators.parquet")
    assert len(ind) > 20000
    for col in ("source_id", "source_file", "raw_row", "raw_value", "reliability"):
        assert ind[col].notna().all(), col
    listed = set(json.loads((out / "build_manifest.json").read_text("utf-8"))["inputs"])
    files = {f.split("#")[0] for f in ind["source_file"].unique()}
    assert files <= listed, files - listed
    assert not ind["simulated"].any()


def test_rejects_name_file_row_column_value_reason(two_builds):
    rej = pd.read_parquet(two_builds[2] / "rejects" / "rejects.parquet")
    assert len(rej) > 0
    for col in ("source_id", "file", "reason", "error"):
        assert rej[col].notna().all(), col
    assert rej["row"].notna().mean() > 0.95


def test_manifest_lists_inputs_and_outputs_with_sha256(two_builds):
    out = two_builds[2]
    manifest = json.loads((out / "build_manifest.json").read_text("utf-8"))
    assert len(manifest["inputs"]) >= 20
    assert all(len(sha) == 64 for sha in manifest["inputs"].values())
    for name, entry in manifest["outputs"].items():
        assert (out / entry["path"]).exists(), name
    for name in ("indicators", "province_year", "targets", "rejects", "data_dictionary"):
        assert name in manifest["outputs"]


def test_province_year_panel_is_unique_and_wide(two_builds):
    panel = pd.read_parquet(two_builds[2] / "province_year.parquet")
    assert not panel[["geo_code", "year"]].duplicated().any()
    assert {"papi_d5_public_admin_procedures", "papi_d8_e_governance", "pci_time_costs"} <= set(panel.columns)
    hcm = panel[(panel["geo_code"] == "79") & (panel["year"] == 2018)]
    assert len(hcm) == 1 and hcm["papi_d8_e_governance"].notna().all()


def test_tampered_raw_file_stops_the_build(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    target = raw / "news_figures" / "par_sipas_pci_papi_headline_figures.csv"
    target.write_bytes(target.read_bytes().replace(b"92,18", b"93,18", 1))
    with pytest.raises(SourceError, match="SHA-256 differs") as exc:
        verify_raw(raw)
    assert exc.value.file.endswith("par_sipas_pci_papi_headline_figures.csv")


def test_unrecorded_raw_file_stops_the_build(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    (raw / "news_figures" / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError, match="without provenance"):
        verify_raw(raw)


def test_missing_raw_file_stops_the_build(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    (raw / "papi_2017_2024" / "papi_province_dimensions_2017_2024.csv").unlink()
    with pytest.raises(SourceError, match="missing"):
        verify_raw(raw)


def _good_row(**over):
    row = {
        "indicator": "on_time_rate", "geo_code": "79", "geo_name": "Hồ Chí Minh", "geo_level": "province",
        "period": "2024-Q1", "period_start": pd.Timestamp("2024-01-01"), "period_end": pd.Timestamp("2024-03-31"),
        "value": 0.976, "unit": "share", "comparison": "==", "numerator": 443915.0, "denominator": 454821.0,
        "source_id": "test", "source_file": "seed_facts/seed_facts.csv", "raw_row": 1, "quote": None,
        "raw_value": "97,6%", "reliability": "medium-high", "flags": None, "simulated": False,
    }
    row.update(over)
    return row


def _frame(*rows):
    return SourceResult("test", pd.DataFrame(list(rows)), empty_rejects(), rows_read=len(rows)).indicators


@pytest.mark.parametrize(
    "override, column",
    [
        ({"value": 1.7}, None),                         # share above 1
        ({"indicator": "no_such_indicator"}, "indicator"),
        ({"geo_level": "planet"}, "geo_level"),
        ({"comparison": "=>"}, "comparison"),
        ({"numerator": 500000.0}, None),               # numerator > denominator
        ({"unit": "count"}, None),                     # unit differs from catalog
        ({"reliability": "great"}, "reliability"),
        ({"period_end": pd.Timestamp("2023-12-31")}, None),  # ends before it starts
    ],
)
def test_schema_violations_are_located(override, column):
    frame = _frame(_good_row(), _good_row(raw_row=2, **override))
    with pytest.raises(SchemaError) as exc:
        validate_frame(frame, indicator_schema(), file="indicators.parquet")
    err = exc.value
    assert err.file == "indicators.parquet"
    if column is not None:
        assert err.column == column and err.row == 2


def test_duplicate_keys_are_a_schema_violation():
    frame = _frame(_good_row(), _good_row())
    with pytest.raises(SchemaError):
        validate_frame(frame, indicator_schema(), file="indicators.parquet")


def test_cli_build_exits_non_zero_on_schema_violation(monkeypatch, tmp_path):
    import cchc_research.build as build_mod
    import cchc_research.cli as cli

    def bad_reader():
        rows = pd.DataFrame([_good_row(value=-3.0)])
        return SourceResult("bad", rows, empty_rejects(), rows_read=1)

    monkeypatch.setattr(build_mod, "READERS", (Reader("bad", "tests.sources.test_build:_unused"),))
    monkeypatch.setattr(Reader, "load", lambda self: bad_reader)
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path)
    result = CliRunner().invoke(cli.app, ["build"])
    assert result.exit_code == 1
    assert "SchemaError" in result.output and "value" in result.output


def test_cross_source_conflict_is_kept_flagged_and_resolved(two_builds):
    out = two_builds[2]
    conflicts = pd.read_parquet(out / "conflicts.parquet")
    qn = conflicts[(conflicts["indicator"] == "papi_total") & (conflicts["geo_code"] == "22")
                   & (conflicts["period"] == "2019")]
    assert len(qn) == 1 and qn["chosen"].iloc[0].startswith("papi_2017_2024")
    ind = pd.read_parquet(out / "indicators.parquet")
    rows = ind[(ind["indicator"] == "papi_total") & (ind["geo_code"] == "22") & (ind["period"] == "2019")]
    assert len(rows) == 2 and rows["flags"].str.contains("conflict").all()
    preferred = rows[rows["flags"].str.contains("preferred")]
    assert len(preferred) == 1 and abs(preferred["value"].iloc[0] - 46.66) < 0.01
    panel = pd.read_parquet(out / "province_year.parquet")
    value = panel.loc[(panel["geo_code"] == "22") & (panel["year"] == 2019), "papi_total"].iloc[0]
    assert value == pytest.approx(preferred["value"].iloc[0])
    # the within-source news conflict survives too
    assert ((conflicts["indicator"] == "par_index") & (conflicts["geo_code"] == "31")).any()
