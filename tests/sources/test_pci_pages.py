"""Tests of cchc_research.sources.pci_pages: VCCI's province pages (PCI past 2016), issue 11 item 5.

The reader parses the stored excerpts itself; the derived CSV shipped beside them is used here
only as a check. Every disagreement with VCCI's data files (sources.pci) must reach the
cross-source conflicts table: the 35 value disagreements listed in
``validation_vs_official_files.md`` (the 2 rank disagreements listed there cannot be compared,
because the data-file reader stores no rank).
"""

from __future__ import annotations

import re
import shutil
import unicodedata

import pandas as pd
import pytest

from cchc_research import config
from cchc_research.build import READERS
from cchc_research.errors import SourceError, UnknownGeographyError
from cchc_research.geo import resolve_province
from cchc_research.sources.crosscheck import cross_source_conflicts
from cchc_research.sources.pci import read_pci
from cchc_research.sources.pci_pages import (
    PAGES_DIR,
    RELIABILITY,
    ROW_LABELS,
    read_page,
    read_pci_pages,
)
from cchc_research.text import text_key

PAGES = config.RAW_DIR / PAGES_DIR


@pytest.fixture(scope="module")
def pages():
    res = read_pci_pages()
    res.check_accounting()
    return res


def test_registered_in_the_build():
    assert "pci_pages" in [r.source_id for r in READERS]


def test_parse_agrees_with_the_derived_csv(pages):
    """Every cell of the derived long CSV (2,232 rows, 47 N/A) equals the reader's own parse."""
    csv = pd.read_csv(PAGES / "pci_province_pages_2006_2022_long.csv", dtype=str, keep_default_na=False)
    assert len(csv) == 2232
    csv["indicator"] = csv["variable"].map(lambda v: ROW_LABELS[text_key(v)])
    csv["geo_code"] = csv["province_vi"].map(lambda n: resolve_province(n).geo_code)
    ind = pages.indicators.set_index(["geo_code", "period", "indicator"])
    missing = pages.extra_tables["pci_pages_missing_cells"]
    missing_keys = set(zip(missing["geo_code"], missing["year"].astype(str), missing["indicator"]))
    na = csv["value_as_published"] == "N/A"
    assert na.sum() == 47 == len(missing)
    assert set(zip(csv.loc[na, "geo_code"], csv.loc[na, "year"], csv.loc[na, "indicator"])) == missing_keys
    got = csv[~na]
    assert len(got) == len(pages.indicators) == 2185
    rows = ind.loc[list(zip(got["geo_code"], got["year"], got["indicator"]))]
    assert rows["raw_value"].tolist() == got["value_as_published"].tolist()
    assert rows["value"].tolist() == got["value_numeric"].astype(float).tolist()


def test_values_carry_source_and_reliability(pages):
    ind = pages.indicators
    assert set(ind["reliability"]) == {RELIABILITY}
    assert ind["source_id"].str.fullmatch(r"pci_pages:[a-z\-]+").all()
    assert ind["source_file"].str.fullmatch(r"pci_province_pages/[a-z\-]+_excerpt\.txt").all()
    assert ind["quote"].notna().all() and ind["raw_row"].ge(3).all()
    late = ind[ind["period"].astype(int) > 2016]
    assert late.groupby("geo_name")["period"].max().to_dict() == {
        "Bình Phước": "2022", "Hà Nam": "2019", "Hải Phòng": "2022", "Lâm Đồng": "2022", "Ninh Bình": "2023",
        "Ninh Thuận": "2022", "Phú Thọ": "2022", "Quảng Trị": "2022", "Thanh Hóa": "2024", "Vĩnh Phúc": "2021",
        "Đồng Nai": "2022"}
    pt = ind[(ind["geo_name"] == "Phú Thọ") & (ind["period"] == "2022")].set_index("indicator")["value"]
    assert pt["pci_weighted"] == 66.30 and pt["pci_rank"] == 24 and pt["pci_entry_costs"] == 6.95


def test_every_table_row_is_processed_or_rejected_with_a_reason(pages):
    n_rows = sum(len(read_page(p)[2]) for p in sorted(PAGES.glob("*_excerpt.txt")))
    assert pages.rows_read == n_rows == 198
    assert pages.rows_processed == 132  # 12 rows x 11 main tables
    assert pages.rejects["reason"].str.len().gt(10).all()
    cut = pages.rejects[pages.rejects["reason"].str.contains("stored copy ends")]
    assert set(cut["value"]) >= {"Policy Bias 4.94 ", "Business Support Policy 5.81 4", "Entry Cos", "Bac"}
    repeats = pages.rejects[pages.rejects["reason"].str.contains("repeat of the main table")]
    assert len(repeats) == 57 and repeats["reason"].str.contains("agrees with the main table").all()  # 114 cells


def _known_disagreements() -> tuple[set[tuple[str, str, str]], int]:
    """(indicator, geo_code, year) of the value mismatches listed in validation_vs_official_files.md."""
    text = (PAGES / "validation_vs_official_files.md").read_text(encoding="utf-8")
    section = text.split("## mismatches", 1)[1]
    pattern = re.compile(r"^(\d{4}) (.+?) (Entry Costs|Access to land|Transparency|Time Costs|Informal Charges|"
                         r"Policy Bias|Proactivity|Business Support Policy|Labor Policy|Law & Order|PCI Scores|"
                         r"Ranking): page", re.M)
    found = pattern.findall(section)
    ranks = sum(1 for _, _, v in found if v == "Ranking")
    values = {(ROW_LABELS[text_key(v)], resolve_province(p).geo_code, y) for y, p, v in found if v != "Ranking"}
    return values, ranks


def test_known_disagreements_are_all_cross_source_conflicts(pages):
    """The 37 published disagreements: 35 values reach conflicts (exactly those), 2 ranks have no second source."""
    known, ranks = _known_disagreements()
    assert (len(known), ranks) == (35, 2)
    official = read_pci(years=[2006, 2009, 2010, 2011, 2013])
    both = pd.concat([official.indicators, pages.indicators], ignore_index=True)
    flagged, table = cross_source_conflicts(both)
    mine = table[table["sources"].str.contains("pci_pages:")]
    assert set(zip(mine["indicator"], mine["geo_code"], mine["period"])) == known
    assert mine["chosen"].str.startswith("pci_20").all()  # the data file (reliability high) is preferred
    assert mine["values"].str.count(";").eq(1).all()      # both values kept, none silently dropped
    pages_rows = flagged[flagged["source_id"].str.startswith("pci_pages:")]
    conflicted = pages_rows[pages_rows["flags"].fillna("").str.contains("conflict")]
    assert len(conflicted) == 35 and not conflicted["flags"].str.contains("preferred").any()
    lam_dong_2010 = mine[(mine["geo_code"] == resolve_province("Lâm Đồng").geo_code) & (mine["period"] == "2010")]
    assert len(lam_dong_2010) == 10  # the whole column (rank aside)


# ---------------------------------------------------------------- bad and unusual pages (tmp copies)
def _copy(tmp_path, slug="phu-tho", edit=None, name=None):
    folder = tmp_path / PAGES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / (name or f"{slug}_excerpt.txt")
    shutil.copy(PAGES / f"{slug}_excerpt.txt", dest)
    if edit is not None:
        dest.write_text(edit(dest.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def _rejects(res):
    res.check_accounting()
    return res.rejects


@pytest.mark.parametrize(
    ("old", "new", "value", "reason"),
    [
        ("Transparency 6.05", "Transparancy 6.05", "Transparancy", "unknown row label"),
        ("Time Costs 7.08 7.70", "Time Costs 7.70", None, "16 values for 17 years"),
        ("Labor Policy 6.53", "Labor Policy 6,53", "6,53", "exactly 3 digits"),
        ("Law & Order 7.51", "Law & Order 7.5x", "7.5x", "unexpected character 'x'"),
        ("Proactivity 7.26", "Proactivity 7.26.1", "7.26.1", "more than one decimal separator"),
    ],
)
def test_bad_rows_become_located_rejects(tmp_path, old, new, value, reason):
    raw = _copy(tmp_path, edit=lambda t: t.replace(old, new, 1))
    rej = _rejects(read_pci_pages(raw))
    hit = rej[rej["reason"].str.contains(reason, regex=False)]
    assert len(hit) == 1 and hit.iloc[0]["file"] == f"{PAGES_DIR}/phu-tho_excerpt.txt"
    if value is not None:
        assert value in hit.iloc[0]["value"]


@pytest.mark.parametrize(
    "transform",
    [lambda t: unicodedata.normalize("NFD", t),
     lambda t: t.replace(" ", "\u00a0"),
     lambda t: t.replace("Đ", "\u00d0").replace("đ", "\u00f0")],
    ids=["nfd", "nbsp", "lookalike-eth"],
)
def test_vietnamese_page_in_confusable_forms(tmp_path, transform):
    """The Vietnamese page (Ninh Bình) reads the same whatever the Unicode form of its labels."""
    raw = _copy(tmp_path, slug="ninh-binh", edit=transform)
    base = read_pci_pages(_copy(tmp_path / "base", slug="ninh-binh"))
    res = read_pci_pages(raw)
    res.check_accounting()
    assert res.indicators["value"].tolist() == base.indicators["value"].tolist()
    assert len(res.indicators) == len(base.indicators) > 200


def test_whole_file_problems_raise_source_errors(tmp_path):
    with pytest.raises(SourceError, match="no \\*_excerpt.txt page"):
        read_pci_pages(tmp_path)
    raw = _copy(tmp_path / "a", edit=lambda t: t.split("\n", 1)[1])
    with pytest.raises(SourceError, match="line 1 must be 'URL"):
        read_pci_pages(raw)
    raw = _copy(tmp_path / "b", edit=lambda t: t.replace("Year 2022", "Years 2022", 1))
    with pytest.raises(SourceError, match="no 'Rankings In"):
        read_pci_pages(raw)
    raw = _copy(tmp_path / "c", name="ha-nam_excerpt.txt")
    with pytest.raises(SourceError, match="stored under slug 'ha-nam'"):
        read_pci_pages(raw)
    raw = _copy(tmp_path / "d", edit=lambda t: t.replace("(1-63) Phu Tho", "(1-63) Atlantis"))
    with pytest.raises(UnknownGeographyError):
        read_pci_pages(raw)
