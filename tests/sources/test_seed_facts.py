"""Seed-facts table and reader: transcription checks on the real files, malformed inputs."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cchc_research import config
from cchc_research.catalog import load_catalog
from cchc_research.errors import PeriodError, SchemaError, SourceError
from cchc_research.sources.consistency import check_ratio_vs_percent
from cchc_research.sources.seed_facts import (
    COLUMNS,
    DEFAULT_PATH,
    SEEDS_DIR,
    anchor_period,
    load_seed_facts_table,
    locate_geography,
    parse_value,
    read_seed_facts,
)

RAW = load_seed_facts_table()


@pytest.fixture(scope="module")
def result():
    return read_seed_facts()


# ---------------------------------------------------------------- the transcription itself

def test_table_shape_and_ids():
    assert len(RAW) == 94
    assert list(RAW.columns) == list(COLUMNS)
    assert RAW["fact_id"].is_unique
    assert RAW["document"].nunique() == 5
    assert set(RAW["value_kind"]) <= {"number", "percent", "ratio", "figure", "rank"}


def test_raw_seed_documents_are_unchanged_copies():
    shared = config.SHARED_SEEDS_DIR
    if not shared.exists():
        pytest.skip("shared seeds not checked out beside the project")
    for doc in sorted(SEEDS_DIR.glob("*.txt")):
        assert doc.read_bytes() == (shared / doc.name).read_bytes()


def test_every_quote_is_verbatim_and_contains_the_figure():
    for rec in RAW.to_dict("records"):
        text = (SEEDS_DIR / rec["document"]).read_text(encoding="utf-8")
        assert rec["quote"] in text, rec["fact_id"]
        assert " ".join(rec["raw_value"].split()) in " ".join(rec["quote"].split()), rec["fact_id"]


def test_publication_dates():
    dates = RAW.drop_duplicates("document").set_index("document")["publication_date"].to_dict()
    assert dates == {
        "000_0b7cbf5687fcde4f.txt": "2019-04-13", "001_005370807ef9399e.txt": "2023-04-21",
        "002_4f003d30f3d91ebb.txt": "2024-04-28", "003_16745faaf258da31.txt": "2021-04-07",
        "004_60518862783d2460.txt": "2019-07-18",
    }
    inferred = RAW[RAW["document"].isin(["001_005370807ef9399e.txt", "004_60518862783d2460.txt"])]
    assert inferred["note"].str.contains("publication date: not printed").all()


def test_csv_has_no_parsed_numeric_column():
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert not [c for c in header if re.search(r"value$|numeric|parsed", c) and c != "raw_value"]


# ---------------------------------------------------------------- the reader on the real file

def test_accounting_and_only_catalog_rejects(result):
    result.check_accounting()
    assert result.rows_read == 94
    # the only admissible rejects are indicator codes the catalog does not (yet) define
    assert set(result.rejects["column"]) <= {"indicator"}
    in_catalog = RAW["indicator"].isin(list(load_catalog()))
    assert result.rows_processed == int(in_catalog.sum()) >= 30
    assert result.rows_rejected == int((~in_catalog).sum())
    assert (result.indicators["source_file"] == "seed_facts/seed_facts.csv").all()
    assert result.indicators["quote"].notna().all()


def test_443915_of_454821_is_the_on_time_rate(result):
    row = result.indicators.query("raw_value == '443.915/454.821'").iloc[0]
    assert (row["indicator"], row["geo_code"], row["period"]) == ("on_time_rate", "79", "2024-Q1")
    assert (row["numerator"], row["denominator"]) == (443915, 454821)
    assert row["value"] == pytest.approx(443915 / 454821)
    assert row["reliability"] == "medium-high"
    pct = result.indicators.query("raw_value == '97,6%'").iloc[0]
    assert pct["value"] == 0.976 and pct["source_id"] == "seed_facts:002-16"


def test_stated_percentages_against_ratios_on_real_rows():
    """97,6% matches 443.915/454.821; 18,2% does not match 454.821/2.522.782 (18,03%)."""
    rows = RAW.set_index("fact_id").loc[["002-15", "002-16", "002-17", "002-18"]]
    recs = []
    for fid, r in rows.iterrows():
        v = parse_value(r["raw_value"], r["value_kind"])
        recs.append({"indicator": r["indicator"], "geo_code": "79", "period": "2024-Q1", "comparison": "==",
                     "value": v.value, "numerator": v.numerator, "denominator": v.denominator,
                     "raw_value": r["raw_value"], "source_id": fid, "source_file": "seed_facts.csv",
                     "quote": r["quote"]})
    checks = check_ratio_vs_percent(pd.DataFrame(recs)).set_index("rows")
    assert checks.loc["002-15;002-16", "status"] == "ok"
    assert checks.loc["002-17;002-18", "status"] == "mismatch"
    assert checks.loc["002-17;002-18", "expected"] == pytest.approx(0.18029, abs=1e-5)


def test_relative_periods_are_anchored_to_publication(result):
    ind = result.indicators.set_index("source_id")
    raw = RAW.set_index("fact_id").loc["002-09"]
    assert raw["period_raw"] == "đến ngày 14/3"
    period, flags = anchor_period(raw["period_raw"], date.fromisoformat(raw["publication_date"]))
    assert period.label == "2024-03-14..2024-03-14" and "as_of" in flags
    assert ind.loc["seed_facts:002-12", "period"] == "2024-04-28..2024-04-28"   # "tính đến nay"
    assert ind.loc["seed_facts:002-15", "period"] == "2024-Q1"                  # "quý I"
    assert "year_from_publication" in ind.loc["seed_facts:002-15", "flags"]
    assert ind.loc["seed_facts:004-11", "period"] == "2019-H1"


def test_geography(result):
    ind = result.indicators
    assert set(ind.loc[ind["source_id"].str.startswith("seed_facts:001"), "geo_code"]) == {"01"}
    assert set(ind.loc[~ind["source_id"].str.startswith("seed_facts:001"), "geo_code"]) == {"79"}
    late = ind[ind["source_id"] == "seed_facts:004-15"].iloc[0]       # "dưới 0,1%", Sở TN&MT
    assert (late["indicator"], late["geo_code"], late["comparison"], late["value"]) == ("late_rate", "79", "<", 0.001)
    assert "agency=Sở Tài nguyên và Môi trường" in late["flags"] and late["period"] == "2019-H2"


def test_targets_never_carry_the_fact_comparison(result):
    ind = result.indicators
    targets = ind[ind["flags"].fillna("").str.contains(r"(?:^|;)target(?:;|$)")]
    assert len(targets) > 20
    assert (targets["comparison"] != "==").all()
    sat = targets[targets["indicator"] == "satisfaction_rate"]
    assert sorted(set(zip(sat["comparison"], sat["value"], sat["period"]))) == [(">=", 0.95, "2025")]
    assert (targets["reliability"] == "high").all() or set(targets["reliability"]) == {"high", "medium-high"}


def test_qualified_figures_keep_their_comparison(result):
    ind = result.indicators.set_index("source_id")
    assert ind.loc["seed_facts:004-09", "value"] == pytest.approx(0.0031)       # "0,31 %"
    assert ind.loc["seed_facts:004-11", "value"] == pytest.approx(0.1767)       # "17,67%"
    assert ind.loc["seed_facts:004-11", "indicator"] == "dissatisfaction_rate"


def test_documents_filter_counts_only_selected_rows():
    res = read_seed_facts(documents={"000_0b7cbf5687fcde4f.txt"})
    assert res.rows_read == 3
    res.check_accounting()


def test_anchor_period_rules():
    pub = date(2024, 4, 28)
    assert anchor_period("", pub)[0].label == "2024-04-28..2024-04-28"
    assert anchor_period("năm nay", pub)[0].label == "2024"
    assert anchor_period("6 tháng đầu năm", date(2019, 7, 18))[0].label == "2019-H1"
    with pytest.raises(PeriodError, match="after publication"):
        anchor_period("quý IV", pub)
    with pytest.raises(PeriodError):
        anchor_period("quý V/2024", pub, file="f.csv", row=3, column="period_raw")


def test_locate_geography_levels():
    assert locate_geography("Cả nước", "country", date(2024, 1, 1)).code == "VN"
    assert locate_geography("Quận 1", "district", date(2019, 1, 1)).code == "760"
    with pytest.raises(SchemaError):
        locate_geography("TP.HCM", "planet", date(2024, 1, 1))


# ---------------------------------------------------------------- malformed inputs

DOC = "900_test.txt"
TEXT = ("Trong quý I/2024, Thành phố có 443.915/454.821 hồ sơ đúng hạn, đạt 97,6,1% và 120%; "
        "xếp thứ 64/63 tỉnh thành; có 454.821/443.915 hồ sơ; mức độ hài lòng đạt 95% trở lên.")
GOOD = {
    "fact_id": "900-01", "document": DOC, "doc_title": "test", "publication_date": "2024-04-28",
    "geo_name_raw": "TP.HCM", "geo_level": "province", "agency_raw": "", "period_raw": "quý I/2024",
    "indicator": "on_time_rate", "raw_value": "443.915/454.821", "value_kind": "ratio", "role": "fact",
    "base_fact_id": "", "scope": "", "flags": "", "quote": TEXT, "note": "",
}


def _write(tmp_path: Path, rows: list[dict], columns=COLUMNS) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / DOC).write_text(TEXT, encoding="utf-8")
    path = tmp_path / "seed_facts.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def _bad(tmp_path, **changes):
    rows = [GOOD, {**GOOD, "fact_id": "900-02", **changes}]
    path = _write(tmp_path, rows)
    res = read_seed_facts(path, seeds_dir=tmp_path / "seeds")
    res.check_accounting()
    assert res.rows_read == 2 and res.rows_processed == 1 and res.rows_rejected == 1
    rej = res.rejects.iloc[0]
    assert rej["file"] == str(path) and rej["row"] == 2
    return rej


@pytest.mark.parametrize(
    ("changes", "column", "value", "reason"),
    [
        ({"raw_value": "97,6,1%", "value_kind": "percent", "indicator": "on_time_rate"}, "raw_value", "97,6,1%", ""),
        ({"geo_name_raw": "Tỉnh Atlantis"}, "geo_name_raw", "Tỉnh Atlantis", ""),
        ({"period_raw": "quý V/2024"}, "period_raw", "quý V/2024", "quarter 5"),
        ({"period_raw": "quý IV"}, "period_raw", "quý IV", "after publication"),
        ({"raw_value": "454.821/443.915"}, "raw_value", "454.821/443.915", "numerator greater"),
        ({"fact_id": "900-01"}, "fact_id", "900-01", "duplicate fact_id"),
        ({"quote": "Một câu không có trong văn bản 443.915/454.821."}, "quote", None, "verbatim"),
        ({"document": "999_missing.txt", "fact_id": "999-01"}, "document", "999_missing.txt", "not found"),
        ({"publication_date": "2024-13-45"}, "publication_date", "2024-13-45", "ISO date"),
        ({"value_kind": "guess"}, "value_kind", "guess", "value_kind"),
        ({"fact_id": "A-1"}, "fact_id", "A-1", "fact_id must look like"),
        ({"indicator": "not_a_code"}, "indicator", "not_a_code", "not in the catalog"),
        ({"raw_value": "64/63", "value_kind": "rank", "indicator": "on_time_rate"}, "raw_value", "64/63", "rank"),
        ({"raw_value": "443.915/454.821", "value_kind": "ratio", "indicator": "dossiers_resolved"},
         "raw_value", None, "catalog unit"),
        ({"role": "trajectory_step", "base_fact_id": "900-77", "flags": "step_up"}, "base_fact_id", "900-77",
         "no earlier target"),
        ({"raw_value": "97,6%", "value_kind": "percent"}, "raw_value", "97,6%", "does not occur in the quote"),
        ({"geo_level": "planet"}, "geo_level", "planet", "geo_level"),
        ({"role": "wish"}, "role", "wish", "role must be"),
        ({"raw_value": ""}, "raw_value", "", "empty"),
    ],
)
def test_malformed_rows_become_located_rejects(tmp_path, changes, column, value, reason):
    rej = _bad(tmp_path, **changes)
    assert rej["column"] == column
    if value is not None:
        assert rej["value"] == value
    assert reason in rej["reason"]


def test_missing_column_is_a_schema_error(tmp_path):
    path = _write(tmp_path, [GOOD], columns=[c for c in COLUMNS if c != "quote"])
    with pytest.raises(SchemaError) as exc:
        read_seed_facts(path, seeds_dir=tmp_path / "seeds")
    assert exc.value.column == "quote" and exc.value.file == str(path)


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        read_seed_facts(tmp_path / "nope.csv")


def test_target_without_qualifier_uses_polarity(tmp_path):
    row = {**GOOD, "role": "target", "raw_value": "95% trở lên", "value_kind": "figure",
           "indicator": "satisfaction_rate", "period_raw": "năm 2025"}
    path = _write(tmp_path, [row, {**row, "fact_id": "900-02", "raw_value": "443.915/454.821",
                                   "value_kind": "ratio", "indicator": "on_time_rate"}])
    res = read_seed_facts(path, seeds_dir=tmp_path / "seeds")
    ind = res.indicators.set_index("source_id")
    assert ind.loc["seed_facts:900-01", "comparison"] == ">="
    assert ind.loc["seed_facts:900-02", "comparison"] == ">="
    assert "comparison_from_polarity" in ind.loc["seed_facts:900-02", "flags"]


def test_out_of_range_value_is_kept_and_flagged(tmp_path):
    """Issue 8: 120% is kept as published (1.2) with the flag outside_valid_range, never clipped."""
    path = _write(tmp_path, [GOOD, {**GOOD, "fact_id": "900-02", "raw_value": "120%", "value_kind": "percent"}])
    res = read_seed_facts(path, seeds_dir=tmp_path / "seeds")
    res.check_accounting()
    assert res.rows_rejected == 0
    ind = res.indicators
    row = ind[ind["raw_row"] == 2]
    assert len(row) == 1 and row.iloc[0]["value"] == pytest.approx(1.2)
    assert "outside_valid_range" in row.iloc[0]["flags"].split(";")


def test_a_range_is_not_one_value():
    """Issue 8: parse_figure reads "25 - 35%" as an interval; a single-value fact refuses it clearly."""
    from cchc_research.sources.seed_facts import parse_value

    with pytest.raises(SchemaError, match="a range .* is not one value") as exc:
        parse_value("25 - 35%", "figure", file="f.csv", row=3, column="raw_value")
    assert (exc.value.file, exc.value.row, exc.value.column) == ("f.csv", 3, "raw_value")
