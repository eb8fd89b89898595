"""Wording and formatting of the Decision 1191 scorecard (notebook 02 and its reports).

:func:`display_scorecard` turns the output of :func:`cchc_research.analysis.scorecard.scorecard`
into a table a reader can take in: shares as percentages in Vietnamese or English number style
(:func:`format_value`), signed gaps with their unit (:func:`format_gap`), headers and statuses in
the report language (:func:`text`), and the English scopes, notes and derivations of the
scorecard in Vietnamese (:func:`localize`). Everything here is presentation: no value is
computed or changed. The names are re-exported by :mod:`cchc_research.analysis.scorecard`.

Examples
--------
>>> format_value(0.976021, "share", "vi"), format_gap(-0.397866, "pp", "en")
('97,6%', '−0.4 pp')
>>> text("status", "en")
'Status'
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "text",
    "localize",
    "format_value",
    "format_gap",
    "display_scorecard",
]


_TEXT = {  # key: (vi, en) — column headers and words of the displayed scorecard
    "target_id": ("Mã mục tiêu", "Target id"),
    "scope": ("Phạm vi", "Scope"),
    "actual_period": ("Kỳ số liệu", "Period of actual"),
    "actual_source": ("Nguồn số liệu", "Source of actual"),
    "derivation": ("Cách tính", "Derivation"),
    "note": ("Ghi chú", "Note"),
    "not_compared": ("Số liệu khác định nghĩa (không so sánh)", "Other definitions (not compared)"),
    "benchmark": ("Mốc so sánh (mục tiêu của TP.HCM)", "Benchmark (HCMC target)"),
    "pp": ("điểm %", "pp"),
    "rank": ("bậc", "ranks"),
    "count": ("", ""),
    "index": ("điểm", "points"),
    "score": ("điểm", "points"),
    "fig_title": ("Mục tiêu Quyết định 1191/QĐ-UBND và số liệu thực hiện mới nhất — {city}",
                  "Decision 1191/QĐ-UBND targets and latest reported actuals — {city}"),
    "fig_benchmark": ("(mục tiêu của TP. Hồ Chí Minh dùng làm mốc so sánh)",
                      "(HCMC's targets used as a benchmark)"),
    "share_axis": ("Tỷ lệ (%)", "Share (%)"),
    "other_axis": ("Giá trị (thứ hạng / số lượng)", "Value (rank / count)"),
    "no_data_marker": ("chưa có số liệu", "no data"),
    "caption": ("Nguồn: mục tiêu — Quyết định 1191/QĐ-UBND (bảng targets); thực hiện — seed facts, "
                "news figures, PAPI (data/raw/MANIFEST.yaml). Chỉ so khớp cùng mã chỉ tiêu.",
                "Source: targets — Decision 1191/QĐ-UBND (targets table); actuals — seed facts, news "
                "figures, PAPI (data/raw/MANIFEST.yaml). Matched on indicator code only."),
}


_SCOPES_VI = {
    "each field": "từng lĩnh vực",
    "state administrative agencies, each field": "cơ quan hành chính nhà nước, từng lĩnh vực",
    "public service units: education, health": "đơn vị sự nghiệp công: giáo dục, y tế",
    "handling of administrative procedures": "giải quyết thủ tục hành chính",
    "petitions, complaints and denunciations": "xử lý đơn, giải quyết khiếu nại, tố cáo",
    "land and investment fields": "lĩnh vực đất đai và đầu tư",
    "land, investment, complaints and denunciations": "đất đai, đầu tư, khiếu nại, tố cáo",
    "land registration office branches": "chi nhánh Văn phòng đăng ký đất đai",
    "level 3/4 online public services": "dịch vụ công trực tuyến mức độ 3, 4",
    "departments and district-level people's committees": "sở, ngành, UBND TP Thủ Đức, quận, huyện",
}
_NOTES_VI = (  # (English pattern, Vietnamese replacement) for the notes and derivations
    (r"infeasible target \(a rate below 0%\)", "mục tiêu không khả thi (tỷ lệ dưới 0%)"),
    (r"no reported actual with this indicator code", "không có số liệu thực hiện cùng mã chỉ tiêu"),
    (r"actual predates Decision 1191 \(2021-04-07\)", "số liệu có trước Quyết định 1191 (07/4/2021)"),
    (r"target scope '(.*)' differs from the reported actuals \(city-wide, all fields\)",
     "phạm vi mục tiêu khác phạm vi số liệu thực hiện (toàn thành phố, mọi lĩnh vực)"),
    (r"^reported$", "số liệu báo cáo"),
    (r"^rank printed with ", "thứ hạng công bố kèm "),
)


def localize(value: str, lang: str = "vi") -> str:
    """Vietnamese wording of a scope, note or derivation written in English (unchanged for ``en``).

    Parameters
    ----------
    value : str
        A ``scope``, ``note`` or ``derivation`` cell of the scorecard.
    lang : {"vi", "en"}

    Returns
    -------
    str
        Known scopes are translated whole; notes and derivations phrase by phrase.

    Examples
    --------
    >>> localize("land and investment fields", "vi"), localize("each field", "en")
    ('lĩnh vực đất đai và đầu tư', 'each field')
    """
    if lang != "vi" or not value:
        return value
    if value in _SCOPES_VI:
        return _SCOPES_VI[value]
    for pattern, repl in _NOTES_VI:
        value = re.sub(pattern, repl, value)
    return value


def text(key: str, lang: str = "vi") -> str:
    """Scorecard wording in ``lang``, falling back to :func:`cchc_research.labels.label`.

    Parameters
    ----------
    key : str
        A header, unit or figure key of this module, or any key of :mod:`cchc_research.labels`.
    lang : {"vi", "en"}

    Returns
    -------
    str

    Raises
    ------
    CCHCError
        For an unsupported ``lang`` (from :func:`cchc_research.labels.check_lang`).

    Examples
    --------
    >>> text("benchmark", "en"), text("status", "vi")
    ('Benchmark (HCMC target)', 'Tình trạng')
    """
    from cchc_research.labels import translate

    return translate(_TEXT, key, lang)


def format_value(value: float, unit: str, lang: str = "vi", comparison: str | None = None) -> str:
    """A value as a reader expects it: shares as percentages, Vietnamese number style for ``vi``.

    Parameters
    ----------
    value : float
        Value in the stored unit (shares as fractions); NaN gives ``""``.
    unit : str
        Catalog unit.
    lang : {"vi", "en"}
    comparison : str, optional
        Prefix such as ``">="`` (written ``≥``); ``"=="`` is omitted.

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(0.976021, "share", "vi"), format_value(0.98, "share", "en", ">=")
    ('97,6%', '≥ 98.0%')
    >>> format_value(5, "rank", "vi", "<="), format_value(2522782, "count", "vi")
    ('≤ 5', '2.522.782')
    """
    from cchc_research.parsing import format_number

    if value is None or pd.isna(value):
        return ""
    symbols = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "==": "", None: ""}
    prefix = symbols.get(comparison, f"{comparison} ")
    if unit == "share":
        body = format_number(float(value) * 100, lang, decimals=1) + "%"
    elif unit in ("rank", "count") and float(value).is_integer():
        body = format_number(int(value), lang)
    else:
        body = format_number(float(value), lang, decimals=2)
    return prefix + body


def format_gap(gap: float, gap_unit: str, lang: str = "vi") -> str:
    """A signed gap with its unit (``"−0,4 điểm %"``); ``""`` for NaN.

    Parameters
    ----------
    gap : float
        Output of :func:`cchc_research.analysis.scorecard.signed_gap`.
    gap_unit : str
        ``"pp"`` (one decimal), ``"rank"`` / ``"count"`` (whole numbers) or another catalog unit
        (two decimals).
    lang : {"vi", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> format_gap(-0.397866, "pp", "vi"), format_gap(2.0, "rank", "en")
    ('−0,4 điểm %', '+2 ranks')
    """
    from cchc_research.parsing import format_number

    if gap is None or pd.isna(gap):
        return ""
    decimals = 0 if gap_unit in ("rank", "count") else (1 if gap_unit == "pp" else 2)
    sign = "−" if round(gap, decimals) < 0 else "+"
    body = format_number(abs(float(gap)), lang, decimals=decimals) if decimals else \
        format_number(int(round(abs(float(gap)))), lang)
    unit = text(gap_unit, lang) if gap_unit in _TEXT else gap_unit
    return f"{sign}{body} {unit}".strip()


def display_scorecard(card: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The scorecard with readable values and headers in ``lang`` (for notebooks and reports).

    Parameters
    ----------
    card : pandas.DataFrame
        Output of :func:`cchc_research.analysis.scorecard.scorecard`.
    lang : {"vi", "en"}

    Returns
    -------
    pandas.DataFrame
        String columns: target id, indicator name, scope, target, deadline, actual, period,
        source, derivation, gap, status, note.

    Examples
    --------
    >>> from cchc_research.analysis.scorecard import scorecard
    >>> shown = display_scorecard(scorecard("79"), "en")
    >>> shown.loc[shown["Target id"] == "003-07", ["Target", "Actual", "Gap", "Status"]].values.tolist()
    [['≥ 98.0%', '97.6%', '−0.4 pp', 'Not met']]
    """
    from cchc_research.catalog import load_catalog

    catalog = load_catalog()
    names = [getattr(catalog.get(c), "name_vi" if lang == "vi" else "name_en", c) for c in card["indicator"]]
    return pd.DataFrame({
        text("target_id", lang): card["target_id"].to_numpy(),
        text("indicator", lang): names,
        text("scope", lang): [localize(v, lang) for v in card["scope"].fillna("")],
        text("target", lang): [format_value(v, u, lang, c) for v, u, c in
                               zip(card["target"], card["unit"], card["comparison"])],
        text("deadline", lang): card["deadline"].astype(str).to_numpy(),
        text("actual", lang): [format_value(v, u, lang) for v, u in zip(card["actual"], card["unit"])],
        text("actual_period", lang): card["actual_period"].fillna("").to_numpy(),
        text("actual_source", lang): card["actual_source"].fillna("").to_numpy(),
        text("derivation", lang): [localize(v, lang) for v in card["derivation"].fillna("")],
        text("gap", lang): [format_gap(g, u, lang) for g, u in zip(card["gap"], card["gap_unit"])],
        text("status", lang): [text(s, lang) for s in card["status"]],
        text("note", lang): [localize(v, lang) for v in card["note"].fillna("")],
    })
