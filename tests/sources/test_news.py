"""News figures: parsing against value_numeric, geography, periods, conflicts, malformed inputs."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from cchc_research import config
from cchc_research.errors import PeriodError, SchemaError, SourceError
from cchc_research.sources.news import FILES, NEWS_DIR, news_period, read_news_figures

HEADLINE, ONLINE = FILES


@pytest.fixture(scope="module")
def res():
    return read_news_figures()


def _row(res, file, row):
    ind = res.indicators
    hit = ind[(ind["source_file"] == f"news_figures/{file}") & (ind["raw_row"] == row)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_raw_copies_are_unchanged():
    shared = config.SHARED_DATA_DIR / "news_figures"
    if not shared.exists():
        pytest.skip("shared data not checked out beside the project")
    for name in FILES:
        assert (NEWS_DIR / name).read_bytes() == (shared / name).read_bytes()


def test_accounting_and_known_rejects(res):
    res.check_accounting()
    assert res.rows_read == 46 + 30
    rej = res.rejects.set_index(["file", "row"])
    assert rej.loc[(f"news_figures/{HEADLINE}", 23), "reason"] == "no value published (rank only)"
    assert rej.loc[(f"news_figures/{HEADLINE}", 24), "column"] == "value_as_published"
    launch = rej.loc[(f"news_figures/{ONLINE}", 30)]
    assert (launch["column"], launch["value"]) == ("period", "launch period (2022?)")
    assert res.rows_rejected == 3


def test_values_parsed_from_the_published_text(res):
    qn = _row(res, HEADLINE, 1)                       # "92,18%"
    assert (qn["indicator"], qn["geo_code"], qn["period"], qn["value"]) == ("par_index", "22", "2023", 0.9218)
    hp_vgp = _row(res, HEADLINE, 2)                   # "91.87 percent"
    assert hp_vgp["value"] == pytest.approx(0.9187)
    papi = _row(res, HEADLINE, 36)                    # "40,62/80 điểm"
    assert (papi["indicator"], papi["value"], papi["unit"]) == ("papi_total", 40.62, "index")
    pts = _row(res, HEADLINE, 18)                     # "90.1 points" (PAR, unit percent)
    assert pts["value"] == pytest.approx(0.901) and "points_read_as_percent" in pts["flags"]
    ha_nam = _row(res, ONLINE, 1)
    assert (ha_nam["numerator"], ha_nam["denominator"], ha_nam["period"]) == (115665, 168746, "2024")
    assert ha_nam["indicator"] == "full_online_dossier_share"


def test_geography_levels(res):
    ind = res.indicators
    assert set(ind.loc[ind["geo_level"] == "region", "geo_code"]) == {f"R{i}" for i in range(1, 7)}
    assert {"VN", "VN_PROVINCES", "VN_MINISTRIES"} <= set(ind.loc[ind["geo_level"] == "country", "geo_code"])
    assert set(ind.loc[ind["geo_level"] == "agency", "geo_code"]) == {"BCT"}
    hcm = _row(res, ONLINE, 6)                        # "Hồ Chí Minh", "<10%"
    assert (hcm["geo_code"], hcm["comparison"], hcm["value"]) == ("79", "<", 0.1)
    qt = _row(res, ONLINE, 29)                        # Quảng Trị (merged), July 2025
    assert "vintage_2025" in qt["flags"] and "not_comparable_63_provinces" in qt["flags"]
    assert qt["period"] == "2025-07-25..2025-07-25"


def test_reliability_mapping(res):
    low = _row(res, HEADLINE, 37)                     # "low-medium" in the file
    assert low["reliability"] == "low" and "reliability_as_published=low-medium" in low["flags"]
    assert "data_year_uncertain" in low["flags"]


def test_hai_phong_par_2023_conflict(res):
    vgp, dnhn = _row(res, HEADLINE, 2), _row(res, HEADLINE, 3)
    assert "conflict" in vgp["flags"] and "preferred" in vgp["flags"]
    assert "conflict" in dnhn["flags"] and "preferred" not in dnhn["flags"]
    c = res.extra_tables["conflicts"]
    assert len(c) == 1
    row = c.iloc[0]
    assert (row["indicator"], row["geo_code"], row["period"]) == ("par_index", "31", "2023")
    assert row["chosen"] == vgp["source_id"] and row["chosen_value"] == pytest.approx(0.9187)
    assert "reliability" in row["rule"]


def test_news_period_forms():
    assert news_period("2024-01-01..2024-12-31")[0].label == "2024"
    assert news_period("2023-04-end") [0].label == "2023-04"
    p, flags = news_period("as_of_2024-01-22 (week 3/2024)")
    assert p.label == "2024-01-22..2024-01-22" and flags == ["snapshot", "weekly_snapshot"]
    with pytest.raises(PeriodError):
        news_period("sometime in 2022")
    with pytest.raises(PeriodError):
        news_period("2022-13-01..2022-14-early")


# ---------------------------------------------------------------- malformed inputs

def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "news"
    d.mkdir()
    for name in FILES:
        shutil.copy(NEWS_DIR / name, d / name)
    return d


def _edit(path: Path, row: int, **changes) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    rows[row - 1].update(changes)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize(
    ("file", "row", "changes", "column", "value", "reason"),
    [
        (HEADLINE, 1, {"value_numeric": "92.81"}, "value_numeric", "92.81", "disagrees"),
        (HEADLINE, 1, {"value_as_published": "92,1,8%"}, "value_as_published", "92,1,8%", ""),
        (HEADLINE, 1, {"geo_name_vi": "Tỉnh Atlantis"}, "geo_name_vi", "Tỉnh Atlantis", ""),
        (HEADLINE, 1, {"data_year": "20233"}, "data_year", "20233", "4 digits"),
        (HEADLINE, 1, {"reliability": "trustworthy"}, "reliability", "trustworthy", "reliability must be"),
        (HEADLINE, 1, {"indicator": "GDP"}, "indicator", "GDP", "not mapped"),
        (HEADLINE, 8, {"geo_name_vi": "Vùng Atlantis"}, "geo_name_vi", "Vùng Atlantis", "region"),
        (HEADLINE, 1, {"value_as_published": "25 - 35%", "value_numeric": ""}, "value_as_published",
         "25 - 35%", "is not one value"),
        (HEADLINE, 36, {"value_as_published": "40,62/60 điểm"}, "value_as_published", "40,62/60 điểm",
         "does not match the unit"),
        (ONLINE, 1, {"numerator": "200000"}, "numerator", "200000", "numerator greater"),
        (ONLINE, 1, {"period": "2024-02-30..2024-12-31"}, "period", "2024-02-30..2024-12-31", ""),
        (ONLINE, 1, {"value_numeric": ""}, "value_numeric", "68,54%", "empty"),
        (ONLINE, 15, {"geo_name_vi": "Bộ Atlantis"}, "geo_name_vi", "Bộ Atlantis", "unknown ministry"),
        (ONLINE, 1, {"geo_level": "galaxy"}, "geo_level", "galaxy", "unknown geo_level"),
    ],
)
def test_malformed_rows_become_located_rejects(tmp_path, file, row, changes, column, value, reason):
    d = _copy(tmp_path)
    _edit(d / file, row, **changes)
    res = read_news_figures(d)
    res.check_accounting()
    rej = res.rejects[(res.rejects["file"] == f"news_figures/{file}") & (res.rejects["row"] == row)]
    assert len(rej) == 1
    assert rej.iloc[0]["column"] == column and reason in rej.iloc[0]["reason"]
    assert rej.iloc[0]["value"] == value
    assert res.rows_rejected == 4


def test_missing_column_is_a_schema_error(tmp_path):
    d = _copy(tmp_path)
    path = d / HEADLINE
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    i = header.index("value_numeric")
    rows = list(csv.reader(text))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    with pytest.raises(SchemaError) as exc:
        read_news_figures(d)
    assert exc.value.column == "value_numeric" and exc.value.file == f"news_figures/{HEADLINE}"


def test_missing_file_is_a_source_error(tmp_path):
    d = _copy(tmp_path)
    (d / ONLINE).unlink()
    with pytest.raises(SourceError, match="not found"):
        read_news_figures(d)


def test_out_of_range_value_is_kept_and_flagged(tmp_path):
    """Issue 8: a percentage above 100 is kept as published with the flag outside_valid_range."""
    d = _copy(tmp_path)
    _edit(d / HEADLINE, 1, value_as_published="192,18%", value_numeric="192.18")
    res = read_news_figures(d)
    res.check_accounting()
    ind = res.indicators
    row = ind[(ind["source_file"] == f"news_figures/{HEADLINE}") & (ind["raw_row"] == 1)]
    assert len(row) == 1 and row.iloc[0]["value"] == pytest.approx(1.9218)
    assert "outside_valid_range" in row.iloc[0]["flags"].split(";")
