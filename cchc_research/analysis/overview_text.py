"""Wording of notebook ``01_data_overview`` (figure titles, axis labels, captions) in Vietnamese and English.

Re-exported by :mod:`cchc_research.analysis.overview` as ``overview.text``.

Examples
--------
>>> text("provinces", "vi")
'Số tỉnh có số liệu'
"""

from __future__ import annotations

__all__ = ["text"]

_TEXT = {  # key: (vi, en) — figure wording of notebook 01
    "heat_title": ("Số giá trị báo cáo theo nhóm chỉ tiêu và năm (không tính mục tiêu)",
                   "Reported values by indicator family and year (targets excluded)"),
    "prov_title": ("PAPI: tỉnh thiếu số liệu theo năm (ô tô màu = thiếu)",
                   "PAPI: provinces without a score, by year (filled cell = missing)"),
    "family": ("Nhóm chỉ tiêu", "Indicator family"),
    "provinces": ("Số tỉnh có số liệu", "Provinces with a value"),
    "caption_heat": ("Nguồn: data/processed/indicators.parquet (cchc build; nguồn gốc: data/raw/MANIFEST.yaml). "
                     "Năm = năm kết thúc kỳ số liệu.",
                     "Source: data/processed/indicators.parquet (cchc build; provenance: data/raw/MANIFEST.yaml). "
                     "Year = year in which the period ends."),
    "caption_prov": ("Nguồn: PAPI (CECODES, VFF-CRT, RTA, UNDP), tổng điểm PAPI; thiếu trong nguồn, không phải 0.",
                     "Source: PAPI (CECODES, VFF-CRT, RTA, UNDP), PAPI total; missing in the source, not zero."),
}


def text(key: str, lang: str = "vi") -> str:
    """Notebook-01 wording in ``lang`` (falls back to :func:`cchc_research.labels.label`).

    Parameters
    ----------
    key : str
        A figure key of this module (``heat_title``, ``prov_title``, ``family``, ``provinces``,
        ``caption_heat``, ``caption_prov``) or any key of :mod:`cchc_research.labels`.
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
    >>> text("family", "en")
    'Indicator family'
    """
    from cchc_research.labels import translate

    return translate(_TEXT, key, lang)
