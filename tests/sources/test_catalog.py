"""Tests for cchc_research.catalog and the shipped catalog files."""

from __future__ import annotations

import textwrap
import unicodedata
from datetime import date

import pytest

from cchc_research.catalog import (
    AGGREGATIONS,
    CATALOG_DIR,
    FAMILIES,
    POLARITIES,
    UNITS,
    CatalogError,
    DefinitionEra,
    Indicator,
    UnknownIndicatorError,
    catalog_frame,
    get_indicator,
    load_catalog,
    validate_value,
)
from cchc_research.errors import CCHCError, PeriodError, SchemaError
from cchc_research.periods import Period, parse_period

CORE_CODES = """online_procedures_level3 online_procedures_level4 online_procedures_level34
online_procedures_full online_procedures_partial online_procedure_share online_dossier_share
full_online_dossier_share dossiers_received dossiers_resolved dossiers_resolved_on_time
dossiers_resolved_late dossiers_overdue_pending on_time_rate late_rate satisfaction_rate
dissatisfaction_rate procedures_delegated procedures_authorized electronic_documents_share
digitized_records_share par_index sipas index_766 procedures_total processing_days""".split()

VALID_ENTRY = """
- code: {code}
  name_vi: Tỷ lệ thử nghiệm
  name_en: Test rate
  family: dossiers
  unit: share
  polarity: higher_better
  valid_range: [0, 1]
  aggregation: weighted_mean
  weight: dossiers_resolved
  eras:
    - from: 2018-01-01
      to: null
      rule: test rule
      legal_basis: null
      comparable_with_previous: true
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- shipped files
def test_core_defines_every_contract_code():
    cat = load_catalog()
    missing = [c for c in CORE_CODES if c not in cat]
    assert missing == []
    assert all(cat[c].source_file == "core.yaml" for c in CORE_CODES)


def test_all_files_are_loaded_and_valid():
    cat = load_catalog()
    files = {ind.source_file for ind in cat.values()}
    assert files == {p.name for p in CATALOG_DIR.glob("*.yaml")}
    for ind in cat.values():
        assert isinstance(ind, Indicator)
        assert ind.family in FAMILIES and ind.unit in UNITS
        assert ind.polarity in POLARITIES and ind.aggregation in AGGREGATIONS
        assert ind.eras and all(isinstance(e, DefinitionEra) for e in ind.eras)


def test_vietnamese_names_are_nfc_and_accented():
    for code in CORE_CODES:
        ind = get_indicator(code)
        assert unicodedata.normalize("NFC", ind.name_vi) == ind.name_vi
        assert any(ord(ch) > 127 for ch in ind.name_vi), code
    assert get_indicator("on_time_rate").name_vi == "Tỷ lệ hồ sơ giải quyết đúng hạn"
    assert "toàn trình" in get_indicator("online_procedures_full").name_vi
    assert "một phần" in get_indicator("online_procedures_partial").name_vi
    assert "mức độ 3, 4" in get_indicator("online_procedures_level34").name_vi


def test_complements_and_weights():
    cat = load_catalog()
    assert cat["on_time_rate"].complement_of == "late_rate"
    assert cat["late_rate"].complement_of == "on_time_rate"
    assert cat["satisfaction_rate"].complement_of == "dissatisfaction_rate"
    for ind in cat.values():
        if ind.aggregation == "weighted_mean":
            assert ind.weight, ind.code
        if ind.unit == "share":
            lo, hi = ind.valid_range
            assert 0 <= lo <= hi <= 1
    # weights in core.yaml are themselves catalog indicators that can be summed
    for code in CORE_CODES:
        w = cat[code].weight
        if w is not None:
            assert cat[w].aggregation == "sum" or cat[w].code == "procedures_total"


def test_online_service_eras_and_decree_42():
    share = get_indicator("online_procedure_share")
    old, new = share.era_for(date(2022, 7, 31)), share.era_for(date(2022, 8, 1))
    assert "43/2011/NĐ-CP" in old.legal_basis and "42/2022/NĐ-CP" in new.legal_basis
    assert new.comparable_with_previous is False
    assert not share.comparable("2021-12-31", "2023-01-01")
    assert share.comparable("2019-01-01", "2021-01-01")
    level4 = get_indicator("online_procedures_level4")
    with pytest.raises(PeriodError, match="no definition era"):
        level4.era_for("2023-01-01")
    with pytest.raises(PeriodError, match="straddles"):
        share.era_for(parse_period("2022"))
    assert share.era_for(parse_period("2022-H1")) is old


def test_on_time_rate_legal_basis():
    ind = get_indicator("on_time_rate")
    era = ind.era_for(Period.year(2023))
    assert "61/2018/NĐ-CP" in era.legal_basis and "01/2018/TT-VPCP" in era.legal_basis
    assert get_indicator("par_index").eras[0].start == date(2012, 1, 1)
    assert get_indicator("sipas").eras[0].start.year == 2017
    assert get_indicator("index_766").unit == "index"
    assert get_indicator("index_766").valid_range == (0.0, 100.0)


def test_unknown_code_suggests_close_matches():
    with pytest.raises(UnknownIndicatorError) as info:
        get_indicator("on_time_rat")
    err = info.value
    assert isinstance(err, CCHCError) and err.value == "on_time_rat"
    assert "on_time_rate" in err.suggestions and "did you mean" in str(err)
    with pytest.raises(UnknownIndicatorError) as info:
        get_indicator("zzzz")
    assert info.value.suggestions == []


def test_validate_value():
    assert validate_value("on_time_rate", 0.976)
    assert validate_value("on_time_rate", 0) and validate_value("on_time_rate", 1)
    assert not validate_value("on_time_rate", 1.0001)
    assert not validate_value("on_time_rate", float("nan"))
    assert not validate_value("on_time_rate", "abc")
    assert validate_value("dossiers_received", 10**9)
    assert not validate_value("dossiers_received", -1)
    with pytest.raises(SchemaError) as info:
        validate_value("late_rate", -0.1, raise_error=True, file="x.csv", row=3, column="v")
    assert (info.value.file, info.value.row, info.value.column) == ("x.csv", 3, "v")
    with pytest.raises(UnknownIndicatorError):
        validate_value("nope", 1)


def test_catalog_frame():
    frame = catalog_frame()
    assert len(frame) == len(load_catalog())
    assert frame["code"].is_unique
    assert list(frame.columns[:4]) == ["code", "name_vi", "name_en", "family"]
    row = frame.set_index("code").loc["on_time_rate"]
    assert row["weight"] == "dossiers_resolved" and row["valid_max"] == 1.0
    assert catalog_frame().equals(frame)  # deterministic


def test_load_catalog_returns_a_copy():
    cat = load_catalog()
    cat.pop("on_time_rate")
    assert "on_time_rate" in load_catalog()


# ----------------------------------------------------------------------------- broken files
def test_valid_tmp_file_loads(tmp_path):
    path = write(tmp_path, "a.yaml", VALID_ENTRY.format(code="test_rate")
                 + VALID_ENTRY.format(code="dossiers_resolved").replace(
                     "unit: share", "unit: count").replace("aggregation: weighted_mean",
                                                             "aggregation: sum"))
    cat = load_catalog(paths=[path])
    assert set(cat) == {"test_rate", "dossiers_resolved"}
    assert cat["test_rate"].eras[0].end is None


@pytest.mark.parametrize(
    ("mutate", "column", "reason_part"),
    [
        (lambda t: t.replace("  family: dossiers\n", ""), "family", "missing required key"),
        (lambda t: t.replace("family: dossiers", "family: dossier"), "family", "must be one of"),
        (lambda t: t.replace("unit: share", "unit: percent"), "unit", "must be one of"),
        (lambda t: t.replace("polarity: higher_better", "polarity: up"), "polarity",
         "must be one of"),
        (lambda t: t.replace("  weight: dossiers_resolved\n", ""), "weight",
         "needs a 'weight'"),
        (lambda t: t.replace("valid_range: [0, 1]", "valid_range: [1, 0]"), "valid_range",
         "min exceeds max"),
        (lambda t: t.replace("valid_range: [0, 1]", "valid_range: [0, 100]"), "valid_range",
         "inside [0, 1]"),
        (lambda t: t.replace("valid_range: [0, 1]", "valid_range: 1"), "valid_range",
         "[min, max]"),
        (lambda t: t.replace("code: test_rate", "code: Test-Rate"), "code", "snake_case"),
        (lambda t: t.replace("  weight: dossiers_resolved\n",
                             "  weight: dossiers_resolved\n  colour: red\n"), "colour",
         "unknown key"),
        (lambda t: t.replace("rule: test rule", "rule: ''"), "eras", "rule must be"),
        (lambda t: t.replace("from: 2018-01-01", "from: 2018-13-01"), "eras", "must be a date"),
        (lambda t: t.replace("to: null", "to: 2017-01-01"), "eras", "ends before it starts"),
        (lambda t: t.replace("comparable_with_previous: true", "comparable_with_previous: 1"),
         "eras", "true/false"),
        (lambda t: t.replace("      legal_basis: null\n", "      legal_basis: null\n"
                             "      since: 2018\n"), "eras", "unknown"),
        (lambda t: t.replace("  eras:\n", "  eras: []\n  x_old_eras:\n"), "eras",
         "non-empty list"),
    ],
)
def test_broken_entry_names_file_entry_and_key(tmp_path, mutate, column, reason_part):
    path = write(tmp_path, "broken.yaml", mutate(VALID_ENTRY.format(code="test_rate")))
    with pytest.raises(CatalogError) as info:
        load_catalog(paths=[path])
    err = info.value
    assert isinstance(err, SchemaError)
    assert err.file == "broken.yaml" and err.row == 1 and err.column == column
    assert reason_part in err.reason
    assert str(err).startswith("broken.yaml, row 1")


def test_overlapping_eras(tmp_path):
    text = VALID_ENTRY.format(code="test_rate").replace("weight: dossiers_resolved\n",
                                                        "weight: w\n") + textwrap.indent(
        "- from: 2019-01-01\n  to: null\n  rule: later\n", "    ")
    path = write(tmp_path, "overlap.yaml", text)
    with pytest.raises(CatalogError, match="overlaps"):
        load_catalog(paths=[path])
    ordered = text.replace("      to: null\n      rule: test rule", "      to: 2018-12-31\n"
                           "      rule: test rule")
    assert len(load_catalog(paths=[write(tmp_path, "ok.yaml", ordered)])["test_rate"].eras) == 2


def test_duplicate_codes_across_files(tmp_path):
    a = write(tmp_path, "a.yaml", VALID_ENTRY.format(code="test_rate"))
    b = write(tmp_path, "b.yaml", VALID_ENTRY.format(code="other") + VALID_ENTRY.format(
        code="test_rate"))
    with pytest.raises(CatalogError) as info:
        load_catalog(paths=[a, b])
    err = info.value
    assert (err.file, err.row, err.column, err.value) == ("b.yaml", 2, "code", "test_rate")
    assert "a.yaml" in err.reason


def test_asymmetric_complement_and_unknown_parent(tmp_path):
    base = VALID_ENTRY.format(code="rate_a").replace("  eras:", "  complement_of: rate_b\n  eras:")
    other = VALID_ENTRY.format(code="rate_b")
    path = write(tmp_path, "c.yaml", base + other)
    with pytest.raises(CatalogError, match="not symmetric"):
        load_catalog(paths=[path])
    path = write(tmp_path, "d.yaml", base)
    with pytest.raises(CatalogError, match="unknown code"):
        load_catalog(paths=[path])
    path = write(tmp_path, "e.yaml", VALID_ENTRY.format(code="rate_c").replace(
        "  eras:", "  parent: nothing_here\n  eras:"))
    with pytest.raises(CatalogError, match="parent") as info:
        load_catalog(paths=[path])
    assert info.value.column == "parent"


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [("a: [1, 2", "invalid YAML"), ("code: x\n", "YAML list"), ("- just a string\n", "mapping")],
)
def test_malformed_files(tmp_path, text, reason_part):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(CatalogError, match=reason_part) as info:
        load_catalog(paths=[path])
    assert info.value.file == "bad.yaml"


def test_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(paths=[tmp_path / "absent.yaml"])


def test_empty_file_is_empty_catalog(tmp_path):
    assert load_catalog(paths=[write(tmp_path, "empty.yaml", "# nothing yet\n")]) == {}


def test_ranks_and_seed_fact_codes():
    cat = load_catalog()
    ranks = [ind for ind in cat.values() if ind.unit == "rank"]
    assert {"par_index_rank", "online_services_rank"} <= {ind.code for ind in ranks}
    for ind in ranks:
        assert ind.polarity == "lower_better" and ind.valid_range[0] == 1.0
        assert ind.aggregation == "not_aggregable"
    assert validate_value("par_index_rank", 1) and not validate_value("par_index_rank", 0)
    # the level-3/4 target of Decision 1191 keeps its definition break at Decree 42/2022
    target = get_indicator("online_procedures_with_dossiers_share")
    assert not target.comparable("2021-06-30", "2025-12-31")


def test_aggregations_map_every_code_to_its_aggregation():
    from cchc_research.catalog import aggregations

    agg = aggregations()
    cat = load_catalog()
    assert set(agg) == set(cat)
    assert all(agg[c] == cat[c].aggregation and agg[c] in AGGREGATIONS for c in cat)
    assert agg["dossiers_received"] == "sum" and agg["on_time_rate"] == "weighted_mean"
