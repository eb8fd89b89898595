"""User-facing labels in Vietnamese or English — a thin front to the message catalogs.

Transitional: the words live in the message catalogs of
:mod:`cchc_research.reporting.i18n` (``cchc_research/reporting/messages/*.yaml``); this module
keeps the older calls (``label``, ``indicator_label``, ``translate``, ``check_lang``) working
for analysis modules that have not moved their presentation to :mod:`cchc_research.reporting`
yet. New code calls :func:`cchc_research.reporting.i18n.t` (or ``Messages``) directly.

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

from cchc_research.catalog import get_indicator
from cchc_research.errors import InvalidArgumentError
from cchc_research.reporting.i18n import LANGS, check_lang, load_messages, t

__all__ = ["LANGS", "label", "indicator_label", "check_lang", "translate", "SIMULATED"]

#: The word for simulated data, in both languages (from ``common.yaml``, key ``simulated_word``).
SIMULATED = {lang: load_messages("common")["simulated_word"][lang] for lang in LANGS}

#: The ``common`` catalog as ``{key: (vi, en)}`` (read-only view kept for older callers and tests).
_LABELS: dict[str, tuple[str, str]] = {k: (v["vi"], v["en"]) for k, v in load_messages("common").items()}


def label(key: str, lang: str = "vi") -> str:
    """The label of ``key`` in ``lang``: the ``common`` catalog, then the indicator names.

    Raises
    ------
    TranslationError
        Unknown key.
    """
    return t(key, lang)


def translate(table: dict[str, tuple[str, str]], key: str, lang: str = "vi", *, fallback: bool = True,
              **fmt) -> str:
    """Look ``key`` up in a module's own ``{key: (vi, en)}`` table, then (optionally) in the catalogs.

    Kept for the analysis modules whose notebooks have not moved to
    :mod:`cchc_research.reporting` yet; their tables are mirrored in the per-study message
    catalogs, which new code uses instead.

    Parameters
    ----------
    table : dict of str to (str, str)
        Vietnamese and English wording by key; entries may hold ``str.format`` fields.
    key : str
    lang : {"vi", "en"}
    fallback : bool
        Fall back to the ``common`` catalog (and the indicator names) for keys not in
        ``table``; otherwise an unknown key raises :class:`~cchc_research.errors.InvalidArgumentError`.
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
        raise InvalidArgumentError(f"no label {key!r} in this table")
    return t(key, lang, **fmt)


def indicator_label(code: str, lang: str = "vi") -> str:
    """The catalog name of an indicator code in ``lang``."""
    check_lang(lang)
    ind = get_indicator(code)
    return ind.name_vi if lang == "vi" else ind.name_en
