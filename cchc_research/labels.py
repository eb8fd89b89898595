"""User-facing labels in Vietnamese or English (identifiers stay English).

Examples
--------
>>> from cchc_research.labels import label, indicator_label
>>> label("on_time_rate", "vi")
'Tỷ lệ đúng hạn'
>>> label("source", "en")
'Source'
>>> indicator_label("papi_d5_public_admin_procedures", "en")
'Public administrative procedures'
"""

from __future__ import annotations

from cchc_research.errors import CCHCError

__all__ = ["LANGS", "label", "indicator_label", "check_lang", "translate", "SIMULATED"]

LANGS = ("vi", "en")

SIMULATED = {"vi": "MÔ PHỎNG", "en": "SIMULATED"}

_LABELS: dict[str, tuple[str, str]] = {
    # key: (vi, en)
    "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "late_rate": ("Tỷ lệ trễ hạn", "Late rate"),
    "satisfaction_rate": ("Tỷ lệ hài lòng", "Satisfaction rate"),
    "online_share": ("Tỷ lệ hồ sơ trực tuyến", "Online dossier share"),
    "source": ("Nguồn", "Source"),
    "year": ("Năm", "Year"),
    "period": ("Kỳ", "Period"),
    "province": ("Tỉnh/thành phố", "Province"),
    "district": ("Quận/huyện", "District"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "target": ("Mục tiêu", "Target"),
    "actual": ("Thực hiện", "Actual"),
    "gap": ("Chênh lệch", "Gap"),
    "deadline": ("Thời hạn", "Deadline"),
    "status": ("Tình trạng", "Status"),
    "met": ("Đạt", "Met"),
    "not_met": ("Chưa đạt", "Not met"),
    "no_data": ("Chưa có số liệu", "No data"),
    "estimate": ("Ước lượng", "Estimate"),
    "std_error": ("Sai số chuẩn", "Std. error"),
    "event_time": ("Thời gian tương đối (kỳ)", "Event time (periods)"),
    "true_effect": ("Tác động thật", "True effect"),
    "treated": ("Đơn vị được can thiệp", "Treated unit"),
    "synthetic": ("Đối chứng tổng hợp", "Synthetic control"),
    "gap_series": ("Chênh lệch thực tế − tổng hợp", "Actual − synthetic"),
    "placebo": ("Giả dược (tỉnh khác)", "Placebo (other provinces)"),
    "missing": ("Thiếu", "Missing"),
    "coverage": ("Độ phủ", "Coverage"),
    "values": ("Số giá trị", "Values"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"vi"`` or ``"en"``; raise :class:`CCHCError` otherwise."""
    if lang not in LANGS:
        raise CCHCError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def label(key: str, lang: str = "vi") -> str:
    """The label of ``key`` in ``lang``; falls back to the catalog's indicator names."""
    check_lang(lang)
    if key in _LABELS:
        vi, en = _LABELS[key]
        return vi if lang == "vi" else en
    return indicator_label(key, lang)


def translate(table: dict[str, tuple[str, str]], key: str, lang: str = "vi", *, fallback: bool = True,
              **fmt) -> str:
    """Look ``key`` up in a module's own ``{key: (vi, en)}`` table, then (optionally) in :func:`label`.

    Analysis modules keep their notebook-specific wording in such tables and expose a one-line
    ``text``/``label`` function built on this one.

    Parameters
    ----------
    table : dict of str to (str, str)
        Vietnamese and English wording by key; entries may hold ``str.format`` fields.
    key : str
    lang : {"vi", "en"}
    fallback : bool
        Fall back to the project-wide labels (and the catalog names) for keys not in ``table``;
        otherwise an unknown key raises :class:`CCHCError`.
    **fmt
        Values for the format fields of the entry.

    Examples
    --------
    >>> translate({"title": ("Tỷ lệ {x}", "Rate {x}")}, "title", "en", x="A")
    'Rate A'
    >>> translate({}, "source", "vi")
    'Nguồn'
    """
    check_lang(lang)
    if key in table:
        text = table[key][0 if lang == "vi" else 1]
        return text.format(**fmt) if fmt else text
    if not fallback:
        raise CCHCError(f"no label {key!r} in this table")
    return label(key, lang)


def indicator_label(code: str, lang: str = "vi") -> str:
    """The catalog name of an indicator code in ``lang``."""
    from cchc_research.catalog import get_indicator

    check_lang(lang)
    ind = get_indicator(code)
    return ind.name_vi if lang == "vi" else ind.name_en
