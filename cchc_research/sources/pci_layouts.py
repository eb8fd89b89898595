"""Layout spec of the original VCCI PCI files, 2005–2016, kept as data.

Two kinds of sheets are read:

``SUMMARY_LAYOUTS[year]`` — the summary sheet with the sub-indices and the PCI:

* ``file``, ``sheet``; ``header_rows`` (1-based sheet rows whose text, joined, is matched
  against each column's expected header); ``first_data_row``.
* ``kind``: ``"aligned"`` — one province column (``province_col``) for the whole row;
  ``"paired"`` — each value column ``c`` has its own province column ``c - 1`` (VCCI sorts each
  sub-index separately in the 2008 and 2010–2016 summaries).
* ``columns``: 0-based column index → ``[indicator code, expected header text]``; the expected
  text must occur in the normalised header (lower case, whitespace collapsed).
* ``vintage``: geography vintage for names (2004 = 64 provinces incl. Hà Tây; 2008 = 63).
* ``n_provinces``: provinces the year covers (42, 64 or 63).

``INDICATOR_LAYOUTS[year]`` — the per-sub-index sheets "Tính minh bạch" and "Chi phí thời
gian" (2012–2016), whose row 3 holds VCCI variable codes: ``vars`` maps variable code →
indicator code (``None`` = the sub-index itself, read from the summary instead and only used
for cross-checks).

A layout that does not match the file raises ``SourceError(file#sheet, row, column,
expected vs found)``. The English ``Summary`` sheet of the 2014–2016 files is a stale copy of
2013; :data:`STALE_SHEETS` names it so the reader refuses it.

Examples
--------
>>> from cchc_research.sources.pci_layouts import SUMMARY_LAYOUTS, INDICATOR_LAYOUTS
>>> SUMMARY_LAYOUTS[2014]["sheet"], SUMMARY_LAYOUTS[2006]["n_provinces"]
('Summary_VN', 64)
>>> sorted(INDICATOR_LAYOUTS)
[2012, 2013, 2014, 2015, 2016]
"""

from __future__ import annotations

from typing import Any

__all__ = ["SUMMARY_LAYOUTS", "INDICATOR_LAYOUTS", "STALE_SHEETS", "STAT_LABELS", "RANK_LABELS", "HEADER_LABELS"]

_ENTRY = "gia nhập thị trường"
_LAND = "tiếp cận đất đai"
_TRANSP = "tính minh bạch"
_TIME = "thời gian"
_INFORMAL = "chi phí không chính thức"
_PROACT = "tính năng động"
_LABOR = "đào tạo lao động"
_LEGAL = "thiết chế pháp lý"


def _paired(year: int, file: str, sheet: str, *, bias: bool, unweighted: bool, weighted_header: str,
            support: str = "hỗ trợ doanh nghiệp") -> dict[str, Any]:
    codes = [("pci_entry_costs", _ENTRY), ("pci_land_access", _LAND), ("pci_transparency", _TRANSP),
             ("pci_time_costs", _TIME), ("pci_informal_charges", _INFORMAL)]
    if bias:
        codes.append(("pci_policy_bias", "cạnh tranh bình đẳng"))
    codes += [("pci_proactivity", _PROACT), ("pci_business_support", support), ("pci_labor_training", _LABOR),
              ("pci_legal_institutions", _LEGAL)]
    if unweighted:
        codes.append(("pci_unweighted", "chưa có trọng số"))
    codes.append(("pci_weighted", weighted_header))
    return {"file": file, "sheet": sheet, "header_rows": [1], "first_data_row": 2, "kind": "paired",
            "label_col": 1, "vintage": 2008, "n_provinces": 63,
            "columns": {2 + 2 * i: [c, h] for i, (c, h) in enumerate(codes)}}


SUMMARY_LAYOUTS: dict[int, dict[str, Any]] = {
    2005: {"file": "PCI_2005.xls", "sheet": "Bảng tóm tắt chỉ số", "header_rows": [1, 2], "first_data_row": 3,
           "kind": "aligned", "province_col": 0, "label_col": 0, "vintage": 2004, "n_provinces": 42,
           "columns": {5: ["pci_entry_costs", _ENTRY], 6: ["pci_land_access", _LAND],
                       7: ["pci_transparency", _TRANSP], 8: ["pci_time_costs", _TIME],
                       9: ["pci_informal_charges", _INFORMAL],
                       10: ["pci_implementation", "thực hiện chính sách của trung ương"],
                       11: ["pci_policy_bias", "ưu đãi đối với doanh nghiệp nhà nước"],
                       12: ["pci_proactivity", _PROACT],
                       13: ["pci_business_support", "chính sách phát triển khu vực kinh tế tư nhân"],
                       14: ["pci_weighted", "chỉ số pci có trọng số"]}},
    2006: {"file": "PCI_2006.xls", "sheet": "PCI Tóm tắt", "header_rows": [2], "first_data_row": 3,
           "kind": "aligned", "province_col": 1, "label_col": 1, "vintage": 2004, "n_provinces": 64,
           "columns": {2: ["pci_entry_costs", _ENTRY], 3: ["pci_land_access", _LAND],
                       4: ["pci_transparency", _TRANSP], 5: ["pci_time_costs", _TIME],
                       6: ["pci_informal_charges", _INFORMAL], 7: ["pci_policy_bias", "ưu đãi đối với dnnn"],
                       8: ["pci_proactivity", _PROACT],
                       9: ["pci_business_support", "chính sách phát triển khu vực kinh tế tư nhân"],
                       10: ["pci_labor_training", _LABOR], 11: ["pci_legal_institutions", _LEGAL],
                       12: ["pci_weighted", "pci 2006 (đã có trọng số)"]}},
    2007: {"file": "PCI_2007.xls", "sheet": "Tóm tắt các chỉ số PCI ", "header_rows": [1], "first_data_row": 2,
           "kind": "aligned", "province_col": 0, "label_col": 0, "vintage": 2004, "n_provinces": 64,
           "columns": {4: ["pci_entry_costs", _ENTRY], 5: ["pci_land_access", _LAND],
                       6: ["pci_transparency", _TRANSP], 7: ["pci_time_costs", _TIME],
                       8: ["pci_informal_charges", _INFORMAL], 9: ["pci_policy_bias", "ưu đãi đối với dnnn"],
                       10: ["pci_proactivity", _PROACT],
                       11: ["pci_business_support", "chính sách phát triển khu vực kinh tế tư nhân"],
                       12: ["pci_labor_training", _LABOR], 13: ["pci_legal_institutions", _LEGAL],
                       14: ["pci_unweighted", "pci 2007 chưa có trọng số"],
                       15: ["pci_weighted", "pci 2007 đã có trọng số"]}},
    2008: {"file": "PCI_2008.xls", "sheet": "Tổng hợp", "header_rows": [1], "first_data_row": 3,
           "kind": "paired", "label_col": 1, "vintage": 2004, "n_provinces": 64,
           "columns": {2: ["pci_entry_costs", _ENTRY], 4: ["pci_land_access", _LAND],
                       6: ["pci_transparency", _TRANSP], 8: ["pci_time_costs", _TIME],
                       10: ["pci_informal_charges", _INFORMAL], 12: ["pci_policy_bias", "ưu đãi đối với dnnn"],
                       14: ["pci_proactivity", _PROACT],
                       16: ["pci_business_support", "chính sách phát triển khu vực kttn"],
                       18: ["pci_labor_training", _LABOR], 20: ["pci_legal_institutions", _LEGAL],
                       22: ["pci_unweighted", "chỉ số pci chưa có trọng số"],
                       24: ["pci_weighted", "chỉ số pci cuối cùng"]}},
    2009: {"file": "PCI_2009.xls", "sheet": "Tong Hop", "header_rows": [2, 3], "first_data_row": 4,
           "kind": "aligned", "province_col": 2, "label_col": 2, "vintage": 2008, "n_provinces": 63,
           "columns": {3: ["pci_entry_costs", _ENTRY], 4: ["pci_land_access", _LAND],
                       5: ["pci_transparency", _TRANSP], 6: ["pci_time_costs", _TIME],
                       7: ["pci_informal_charges", _INFORMAL], 8: ["pci_proactivity", _PROACT],
                       9: ["pci_business_support", "dịch vụ hỗ trợ dn"], 10: ["pci_labor_training", _LABOR],
                       11: ["pci_legal_institutions", _LEGAL], 12: ["pci_weighted", "pci 2009 có trọng số"]}},
    2010: _paired(2010, "PCI_2010.xls", "Tong hop", bias=False, unweighted=True, weighted_header="pci 2010"),
    2011: _paired(2011, "PCI_2011.xls", "Tong hop", bias=False, unweighted=False, weighted_header="pci 2011"),
    2012: _paired(2012, "PCI_2012.xlsx", "Tong hop", bias=False, unweighted=False, weighted_header="pci 2012"),
    2013: _paired(2013, "PCI_2013.xlsx", "Summary_VN", bias=True, unweighted=False, weighted_header="pci 2013"),
    2014: _paired(2014, "PCI_2014.xlsx", "Summary_VN", bias=True, unweighted=False, weighted_header="pci 2014"),
    2015: _paired(2015, "PCI_2015.xlsx", "Summary_VN", bias=True, unweighted=False, weighted_header="pci 2015"),
    2016: _paired(2016, "PCI_2016.xlsx", "Summary_VN", bias=True, unweighted=False, weighted_header="pci 2016"),
}

#: Sheets known to be stale copies of another year's data: (file, sheet) -> explanation.
STALE_SHEETS: dict[tuple[str, str], str] = {
    (f"PCI_{y}.xlsx", "Summary"): f"the English 'Summary' sheet of the PCI {y} file is a stale copy of the "
                                  "PCI 2013 summary; use 'Summary_VN'"
    for y in (2014, 2015, 2016)
}

_TRANSPARENCY_VARS_2012 = {
    "sub3_transparency": None, "planning_avg": "pci_planning_docs_access", "legal_avg": "pci_legal_docs_access",
    "f2_new": "pci_f2_relationships_for_documents", "g94_new": "pci_g94_tax_negotiation",
    "f8_new": "pci_f8_predictability", "web_12": "pci_web_score_2012",
    "f5_1_new": "pci_f5_business_associations_role",
}
_TRANSPARENCY_VARS_2013 = {
    "sub3_transparency": None, "planning_avg": "pci_planning_docs_access", "legal_avg": "pci_legal_docs_access",
    "f2_new": "pci_f2_relationships_for_documents", "g94_new": "pci_g94_tax_negotiation",
    "f8_new": "pci_f8_predictability", "f5_1_new": "pci_f5_business_associations_role",
    "web_13_new": "pci_web_score", "f6": "pci_f6_website_access", "budget_content": "pci_budget_docs_detailed",
    "budget_publish": "pci_budget_docs_published",
}
_TRANSPARENCY_VARS_2014 = {k if k != "f8_new" else "f6_new": (v if k != "f8_new" else "pci_f6_predictability_central")
                           for k, v in _TRANSPARENCY_VARS_2013.items()}
_TIME_VARS_2012 = {
    "sub4_time": None, "g1_new": "pci_g1_time_on_regulations", "d1": "pci_d1_inspections_median",
    "d4": "pci_d4_tax_inspection_hours_median", "par1_capacity": "pci_par1_capacity",
    "par2_transcosts": "pci_par2_transcosts", "par3_paper": "pci_par3_paper", "par4_fees": "pci_par4_fees",
    "par6_nothing": "pci_par6_nothing",
}
_TIME_VARS_2014 = {
    "sub4_time": None, "g1_new": "pci_g1_time_on_regulations", "d1": "pci_d1_inspections_median",
    "d4": "pci_d4_tax_inspection_hours_median", "par1_capacity_new": "pci_par1_capacity_new",
    "par1_friendly_new": "pci_par1_friendly_new", "par2_transcosts_new": "pci_par2_transcosts_new",
    "par3_paper_new": "pci_par3_paper_new", "par4_fees_new": "pci_par4_fees_new",
    "par6_nothing_new": "pci_par6_nothing_new",
}
# 2013 names the time-cost share ``d6_new`` (same wording as ``g1_new`` from 2014) and the sub-index ``sub4_time_prov``.
_TIME_VARS_2013 = {("sub4_time_prov" if k == "sub4_time" else "d6_new" if k == "g1_new" else k): v
                   for k, v in _TIME_VARS_2014.items()}


def _ind(file: str, sheet: str, variables: dict[str, str | None]) -> dict[str, Any]:
    return {"file": file, "sheet": sheet, "code_row": 3, "first_data_row": 4, "province_col": 1, "label_col": 1,
            "vintage": 2008, "n_provinces": 63, "vars": variables}


INDICATOR_LAYOUTS: dict[int, list[dict[str, Any]]] = {
    2012: [_ind("PCI_2012.xlsx", "Tinh minh bach", _TRANSPARENCY_VARS_2012),
           _ind("PCI_2012.xlsx", "Chi phi thoi gian", _TIME_VARS_2012)],
    2013: [_ind("PCI_2013.xlsx", "Tính minh bạch", _TRANSPARENCY_VARS_2013),
           _ind("PCI_2013.xlsx", "Chi phí thời gian", _TIME_VARS_2013)],
    **{y: [_ind(f"PCI_{y}.xlsx", "Tính minh bạch", _TRANSPARENCY_VARS_2014),
           _ind(f"PCI_{y}.xlsx", "Chi phí thời gian", _TIME_VARS_2014)] for y in (2014, 2015, 2016)},
}

#: Row labels of non-province rows (normalised) and the reject reason they get.
# ("Trung bình" is not listed: it is also a PCI tier name that appears on province rows.)
STAT_LABELS = {"min", "max", "median", "trung vị"}
RANK_LABELS = {"thứ tự", "xếp hạng", "ranking"}
HEADER_LABELS = {"tỉnh", "province", "tỉnh, thành phố", "tỉnh/thành phố", "pci_id"}
