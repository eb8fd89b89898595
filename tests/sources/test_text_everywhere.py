"""Every name and vocabulary match goes through :mod:`cchc_research.text` (issue 8, item 4).

For each match point — period labels (:func:`cchc_research.periods.parse_period`), relative
periods of text facts (``anchor_period``), PAPI/PCI workbook headers and row labels
(``_papi_pci_common.norm_text``), dossier export headers and coded values
(:func:`cchc_research.dossiers.read_export`), the delegation and rollout calendar headers,
province and HCMC district names — the confusable forms of a clean label give the same
result as the clean label: decomposed (NFD), look-alike ``Ð``/``ð``, new-style tone
placement, NBSP/zero-width/odd spaces, dash variants (en dash, em dash, minus), upper case.
A last test keeps the rule: no module under ``cchc_research/`` but ``text.py`` imports
:mod:`unicodedata`.
"""

from __future__ import annotations

import ast
import csv
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc_research import config, geo
from cchc_research.analysis.delegation import read_delegation_calendar
from cchc_research.analysis.own_data import read_rollout_calendar
from cchc_research.dossiers import read_export
from cchc_research.errors import PeriodError
from cchc_research.periods import parse_period
from cchc_research.sources import papi, pci_layouts
from cchc_research.sources._papi_pci_common import norm_text
from cchc_research.sources._textfacts import anchor_period
from cchc_research.text import match_text, text_key
from confusable_forms import lookalike_d, new_style_tones

PACKAGE = Path(__file__).resolve().parents[2] / "cchc_research"
def odd_spaces(text: str) -> str:
    """NBSP between words, a zero-width space after the first character, a narrow NBSP at the end."""
    spaced = text.replace(" ", "\u00a0")
    return spaced[:1] + "\u200b" + spaced[1:] + "\u202f"


#: Confusable forms of a clean label; each must be read exactly as the clean label.
FORMS = {
    "nfd": lambda s: unicodedata.normalize("NFD", s),
    "lookalike_d": lookalike_d,
    "new_style_tones": new_style_tones,
    "nbsp_zero_width": odd_spaces,
    "en_dash": lambda s: s.replace("-", "\u2013"),
    "em_dash": lambda s: s.replace("-", "\u2014"),
    "minus_sign": lambda s: s.replace("-", "\u2212"),
    "upper": str.upper,
    "all_at_once": lambda s: unicodedata.normalize(
        "NFD", odd_spaces(new_style_tones(s).upper().replace("Đ", "\u00d0").replace("-", "\u2013"))),
}

#: Every label form the periods module documents (module and parse_period docstrings), and more.
PERIOD_LABELS = [
    "2024", "năm 2023", "cả năm 2023", "2024-Q1", "2024-H1", "2024-03", "quý I/2024", "Quý IV/2023",
    "quý 1 năm 2024", "quý II - 2024", "Q1 2024", "H2/2023", "tháng 03 năm 2024", "tháng 3/2024",
    "6 tháng đầu năm 2019", "9 tháng đầu năm 2023", "6 tháng cuối năm 2019", "6 tháng năm 2019",
    "từ 15/12/2023 đến 14/3/2024", "từ ngày 15/12/2023 đến ngày 14/3/2024", "15/12/2023 - 14/3/2024",
    "March 2024", "2024-01-01..2024-12-31", "2024-01-01 to 2024-06-30",
]


@pytest.mark.parametrize("label", PERIOD_LABELS)
def test_parse_period_reads_every_confusable_form_like_the_clean_label(label):
    clean = parse_period(label)
    for name, form in FORMS.items():
        assert parse_period(form(label)) == clean, (name, form(label))
        assert parse_period(form(label)).label == clean.label, name


def test_parse_period_still_refuses_what_it_refused():
    with pytest.raises(PeriodError, match="quarter 5"):
        parse_period("QUÝ\u00a0V\u2013 2024")
    with pytest.raises(PeriodError, match="empty"):
        parse_period("\u200b\u00a0")
    with pytest.raises(PeriodError, match="surrogate"):
        parse_period("quý I/2024\udc80")


@pytest.mark.parametrize(("raw", "label", "flags"), [
    ("quý I", "2024-Q1", ["year_from_publication"]),
    ("tính đến nay", "2024-04-28..2024-04-28", ["as_of_publication"]),
    ("năm nay", "2024", ["year_from_publication"]),
    ("giai đoạn 2020 - 2025", "2020-01-01..2025-12-31", ["plan_period"]),
    ("đến ngày 14/3", "2024-03-14..2024-03-14", ["as_of", "year_from_publication"]),
    ("3 tháng đầu năm", "2024-Q1", ["year_from_publication"]),
])
def test_anchor_period_reads_every_confusable_form(raw, label, flags):
    published = date(2024, 4, 28)
    clean = anchor_period(raw, published)
    assert (clean[0].label, clean[1]) == (label, flags)
    for name, form in FORMS.items():
        assert anchor_period(form(raw), published) == clean, (name, form(raw))


def _workbook_vocabulary() -> list[str]:
    words = list(papi.WORKBOOK_HEADERS) + list(papi.WORKBOOK_KEYS)
    words += sorted(pci_layouts.HEADER_LABELS | pci_layouts.STAT_LABELS | pci_layouts.RANK_LABELS)
    layouts = list(pci_layouts.SUMMARY_LAYOUTS.values())
    layouts += [one for group in pci_layouts.INDICATOR_LAYOUTS.values() for one in group]
    for layout in layouts:
        words += [str(v[1]) for v in layout.get("columns", {}).values()]
        words += [str(v) for v in layout.get("vars", {})]
    return words


def test_workbook_vocabularies_are_fixed_points_of_the_matcher():
    """Both sides of a header/label match go through norm_text: the vocabulary side is already normal."""
    words = _workbook_vocabulary()
    assert len(words) > 50
    for word in words:
        assert norm_text(word) == word, word


@pytest.mark.parametrize("word", sorted(set(_workbook_vocabulary())))
def test_workbook_headers_match_in_every_confusable_form(word):
    for name, form in FORMS.items():
        assert norm_text(form(word)) == word, (name, form(word))
    if word in papi.WORKBOOK_HEADERS:
        assert papi.WORKBOOK_HEADERS.get(norm_text(odd_spaces(word.upper()))) == papi.WORKBOOK_HEADERS[word]


def _papi_copy(root: Path, header_form) -> Path:
    """A copy of the PAPI raw files with every row-1 workbook header and the CSV header rewritten.

    The workbook goes through an openpyxl round trip in both the clean and the confusable copy
    (saving drops cached formula values), so the two copies differ only by their headers.
    """
    raw = config.RAW_DIR
    for sub in ("papi_pci_vietnamdata", "papi_2017_2024"):
        (root / sub).mkdir(parents=True)
    book_path = root / "papi_pci_vietnamdata" / "PAPI_2011-2016.xlsx"
    shutil.copy(raw / "papi_pci_vietnamdata" / book_path.name, book_path)
    for name in ("papi_province_dimensions_2017_2024.csv", "province_lookup_63.csv"):
        shutil.copy(raw / "papi_2017_2024" / name, root / "papi_2017_2024" / name)
    book = openpyxl.load_workbook(book_path)
    for sheet in book.worksheets:
        for i, cell in enumerate(sheet[1]):
            if isinstance(cell.value, str):
                cell.value = header_form(i, cell.value)
    book.save(book_path)
    csv_path = root / "papi_2017_2024" / "papi_province_dimensions_2017_2024.csv"
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0] = [header_form(i, h) for i, h in enumerate(rows[0])]
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return root


@pytest.mark.slow
def test_papi_reader_reads_confusable_headers_like_the_clean_files(tmp_path):
    """End to end: workbook row-1 headers and the 2017-2024 CSV header in confusable forms (and a BOM)."""
    forms = [FORMS[k] for k in sorted(FORMS)]

    def confusable(i: int, text: str) -> str:
        return ("\ufeff" if i == 0 else "") + forms[i % len(forms)](text)

    clean = papi.read_papi(_papi_copy(tmp_path / "clean", lambda i, text: text))
    other = papi.read_papi(_papi_copy(tmp_path / "confusable", confusable))
    assert len(other.indicators) == len(clean.indicators) > 1000
    pd.testing.assert_frame_equal(other.indicators, clean.indicators)
    pd.testing.assert_frame_equal(other.rejects, clean.rejects)


def test_norm_text_keeps_its_behaviour_on_cells():
    assert norm_text(None) == ""
    assert norm_text(2016.0) == "2016.0"
    assert norm_text("  Chi phí \nthời gian ") == "chi phí thời gian"
    assert norm_text("People\u2019s Inspection Boards") == "people's inspection boards"
    assert norm_text("PCI\u00a02013") == "pci 2013"


EXPORT_COLUMNS = {
    "Mã hồ sơ": ["T1", "T2"],
    "Đơn vị tiếp nhận": ["760", "761"],
    "Kênh nộp": ["Trực tuyến", "Trực tiếp"],
    "Ngày tiếp nhận": ["15/03/2024 08:30", "18/03/2024"],
    "Ngày hẹn trả": ["20/03/2024", "25/03/2024"],
    "Ngày trả kết quả": ["19/03/2024 16:00", ""],
    "Trạng thái": ["Đã giải quyết", "Đang giải quyết"],
}


def _export(tmp_path: Path, name: str, header_form, value_form=lambda s: s) -> pd.DataFrame:
    frame = pd.DataFrame({header_form(k) if k == "Ngày tiếp nhận" else k: v for k, v in EXPORT_COLUMNS.items()})
    for col in ("Kênh nộp", "Trạng thái"):
        frame[col] = frame[col].map(value_form)
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    res = read_export(path, units={"760", "761"})
    assert res.rejects.empty, res.rejects.to_dict("records")
    return res.dossiers


@pytest.fixture(scope="module")
def clean_export(tmp_path_factory) -> pd.DataFrame:
    return _export(tmp_path_factory.mktemp("clean"), "clean", lambda s: s)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_read_export_matches_headers_and_values_in_every_confusable_form(tmp_path, form, clean_export):
    clean = clean_export
    other = _export(tmp_path, form, FORMS[form], FORMS[form])
    pd.testing.assert_frame_equal(other, clean)
    assert other["received_at"].iloc[0] == pd.Timestamp("2024-03-15 08:30")


def test_read_export_header_in_nfd_and_with_nbsp(tmp_path, clean_export):
    clean = clean_export
    nfd = _export(tmp_path, "nfd", lambda s: unicodedata.normalize("NFD", s))
    nbsp = _export(tmp_path, "nbsp", lambda s: s.replace(" ", "\u00a0"))
    pd.testing.assert_frame_equal(nfd, clean)
    pd.testing.assert_frame_equal(nbsp, clean)


@pytest.mark.parametrize("form", ["nfd", "nbsp_zero_width", "upper", "all_at_once"])
def test_calendar_headers_match_in_confusable_forms(tmp_path, form):
    f = FORMS[form]
    path = tmp_path / "delegation.csv"
    path.write_text(f"{f('procedure_code')},{f('delegation_start')},{f('unit')}\n1.004227,01/07/2022,760\n",
                    encoding="utf-8")
    cal = read_delegation_calendar(path)
    assert {"procedure_code", "delegation_start", "unit"} <= set(cal.columns)
    path = tmp_path / "rollout.csv"
    path.write_text(f"{f('unit')},{f('online_start')}\n760,2022-07-01\n", encoding="utf-8")
    roll = read_rollout_calendar(path)
    assert list(roll["unit"]) == ["760"]


def test_every_province_name_resolves_in_every_confusable_form():
    for vintage in (2008, 2025):
        for row in geo.provinces(vintage).itertuples():
            for name, form in FORMS.items():
                spelled = form(row.name_vi)
                assert geo.province_code(spelled, vintage=vintage) == row.geo_code, (name, spelled)


def test_every_hcmc_district_name_resolves_in_every_confusable_form():
    for year in (2020, 2021):
        for row in geo.hcmc_districts(year).itertuples():
            for name, form in FORMS.items():
                spelled = form(row.name_vi)
                assert geo.resolve_district(spelled, year).geo_code == row.geo_code, (name, spelled)


def test_match_text_and_text_key_agree_on_confusable_forms():
    for word in ["Ngày tiếp nhận", "Khánh Hòa", "giai đoạn 2020 - 2025", "Thủy lợi"]:
        for name, form in FORMS.items():
            assert match_text(form(word)) == match_text(word), name
            assert text_key(form(word)) == text_key(word), name


def test_only_text_py_imports_unicodedata():
    """The rule stays: a new Unicode normalization must be added to cchc_research/text.py."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "text.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "unicodedata" not in source:
            continue
        tree = ast.parse(source)
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "unicodedata" or n.startswith("unicodedata.") for n in names):
                offenders.append(str(path.relative_to(PACKAGE.parent)))
    assert offenders == [], f"use cchc_research.text instead of unicodedata in {offenders}"
