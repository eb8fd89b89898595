"""Message catalogs: every word a report shows, in Vietnamese and English, looked up by key.

One YAML file per study under ``cchc_research/reporting/messages/`` (``overview.yaml`` for
notebook 01, ``scorecard.yaml`` for 02, ``papi.yaml``, ``pci.yaml``, ``synth.yaml``,
``rollout.yaml``) plus ``common.yaml`` for words every study shares (column headers, units,
statuses, booleans, section headings). Each entry is ``key: {vi: ..., en: ...}``; a text may
hold ``str.format`` fields, filled by :func:`t` with numbers written in the report's locale
(:mod:`cchc_research.reporting.fmt`, Babel): ``{n}`` → ``1.827`` / ``1,827``, ``{x:.2f}`` →
``0,31`` / ``0.31``, ``{r:.1%}`` → ``97,6 %`` / ``97.6%``, ``{p:p}`` → a p-value.

Lookup order: the study's catalog, then ``common``, then the indicator catalog's names
(``name_vi`` / ``name_en`` of :mod:`cchc_research.catalog`). A key found nowhere raises
:class:`~cchc_research.errors.TranslationError` — a report never shows a raw key.

Rules checked by :func:`catalog_problems` (and by the tests): every entry has a non-empty
``vi`` and ``en`` text, no file repeats a key, and no study catalog redefines a ``common`` key.

Examples
--------
>>> t("on_time_rate", "vi")
'Tỷ lệ đúng hạn'
>>> t("heat_title", "en", study="overview")
'Reported values by indicator family and year (targets excluded)'
>>> msg = Messages("overview", "vi")
>>> msg("family")
'Nhóm chỉ tiêu'
"""

from __future__ import annotations

import functools
import math
import numbers
import string
from pathlib import Path
from typing import Any

import yaml

from cchc_research.catalog import load_catalog
from cchc_research.errors import InvalidArgumentError, TranslationError
from cchc_research.reporting import fmt as _fmt

__all__ = ["LANGS", "MESSAGES_DIR", "check_lang", "studies", "load_messages", "template", "t", "has", "Messages",
           "catalog_problems", "LocaleFormatter"]

LANGS = ("vi", "en")

#: Folder of the message catalogs (shipped with the package).
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"vi"`` or ``"en"``.

    Raises
    ------
    InvalidArgumentError
        For any other value (the message names the allowed ones).

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise InvalidArgumentError(f"lang must be one of {LANGS}, got {lang!r} (hint: pass -p lang vi or -p lang en)")
    return lang


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice (PyYAML keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise TranslationError(key, f"key defined twice (lines {seen[key] + 1} and "
                                   f"{key_node.start_mark.line + 1})", file=str(loader.name))
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def studies() -> list[str]:
    """Names of the message catalogs (``common`` first), from the YAML files present.

    Examples
    --------
    >>> studies()[0], "overview" in studies()
    ('common', True)
    """
    names = sorted(p.stem for p in MESSAGES_DIR.glob("*.yaml"))
    return ["common"] + [n for n in names if n != "common"]


@functools.cache
def load_messages(study: str = "common") -> dict[str, dict[str, str]]:
    """The catalog of ``study`` as ``{key: {"vi": ..., "en": ...}}``.

    Parameters
    ----------
    study : str
        File stem under :data:`MESSAGES_DIR`.

    Returns
    -------
    dict
        Read once per process (cached); do not mutate.

    Raises
    ------
    TranslationError
        Unknown study, invalid YAML, a key defined twice in the file, or an entry that is not a
        mapping of language to text.
    """
    path = MESSAGES_DIR / f"{study}.yaml"
    if not path.is_file():
        raise TranslationError(study, f"no message catalog (known: {', '.join(studies())})",
                               file=str(path))
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_UniqueKeyLoader) or {}  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise TranslationError(study, f"not valid YAML: {exc}", file=str(path)) from exc
    if not isinstance(data, dict):
        raise TranslationError(study, "catalog is not a mapping of key to texts", file=str(path))
    for key, entry in data.items():
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise TranslationError(key, "entry must map language codes to texts", file=str(path))
    return data


def catalog_problems() -> list[str]:
    """Every rule broken by the catalogs: missing or empty ``vi``/``en``, unknown languages, shadowed keys.

    Returns
    -------
    list of str
        Empty when the catalogs are complete.

    Examples
    --------
    >>> catalog_problems()
    []
    """
    problems = []
    common = load_messages("common")
    for study in studies():
        for key, entry in load_messages(study).items():
            for lang in LANGS:
                if not str(entry.get(lang, "")).strip():
                    problems.append(f"{study}.yaml: {key!r} has no {lang} text")
            extra = set(entry) - set(LANGS)
            if extra:
                problems.append(f"{study}.yaml: {key!r} has unknown language(s) {sorted(extra)}")
            if study != "common" and key in common:
                problems.append(f"{study}.yaml: {key!r} is already defined in common.yaml")
    return problems


def _lookup(key: str, lang: str, study: str) -> str | None:
    for name in ((study, "common") if study != "common" else ("common",)):
        entry = load_messages(name).get(key)
        if entry is not None:
            return entry[lang]
    return None


def _indicator_name(key: str, lang: str) -> str | None:
    ind = load_catalog().get(key)
    if ind is None:
        return None
    return ind.name_vi if lang == "vi" else ind.name_en


def has(key: str, study: str = "common") -> bool:
    """Whether :func:`t` knows ``key`` for ``study`` (catalogs or indicator names).

    Examples
    --------
    >>> has("status"), has("papi_total"), has("no_such_key")
    (True, True, False)
    """
    return _lookup(key, "en", study) is not None or _indicator_name(key, "en") is not None


class LocaleFormatter(string.Formatter):
    """``str.format`` with numbers, booleans and missing values written in the report's locale.

    Format specs understood for numbers: none (integers grouped, floats with up to three
    decimals), ``d`` (integer), ``.Nf`` (``N`` decimals), ``+.Nf`` (signed, with a true minus
    sign), ``.N%`` (a fraction as a percentage), ``p`` (a p-value, ``< 0,001`` below 0.001) and ``y``
    (a year, not grouped: ``{year:y}``).
    Booleans become Có/Không (Yes/No); ``None`` and NaN the missing marker. Every formatted
    number is appended to :attr:`numbers` (tests use it to trace the numbers of a text).

    Examples
    --------
    >>> LocaleFormatter("vi").format("{n} hồ sơ, {r:.1%}", n=2522782, r=0.18029)
    '2.522.782 hồ sơ, 18,0 %'
    """

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = check_lang(lang)
        self.numbers: list[str] = []

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, bool) or value is None or (isinstance(value, float) and math.isnan(value)):
            return _fmt.cell(value, self.lang)
        if isinstance(value, numbers.Number):
            out = _fmt.format_spec(value, format_spec, self.lang)
            self.numbers.append(out)
            return out
        return super().format_field(value, format_spec)


def template(key: str, lang: str, study: str = "common") -> str:
    """The unfilled text of ``key`` (``{…}`` fields left as they are).

    Raises
    ------
    TranslationError
        Unknown key.

    Examples
    --------
    >>> template("fit_line", "en")
    'TWFE slope = {b:.3f}'
    """
    check_lang(lang)
    text = _lookup(key, lang, study)
    if text is None:
        text = _indicator_name(key, lang)
    if text is None:
        raise TranslationError(key, f"no message in {study}.yaml, common.yaml or the indicator catalog "
                               f"(hint: add '{key}: {{vi: ..., en: ...}}' to {study}.yaml)",
                               file=str(MESSAGES_DIR / f"{study}.yaml"))
    return text


def t(key: str, lang: str, study: str = "common", **fields: Any) -> str:
    """The text of ``key`` in ``lang``, with ``fields`` filled in the locale of ``lang``.

    Parameters
    ----------
    key : str
        Message key; indicator codes of the catalog also work (their names).
    lang : {"vi", "en"}
    study : str
        Catalog searched first (then ``common``, then indicator names).
    **fields
        Values for the ``{…}`` fields of the text (see :class:`LocaleFormatter`).

    Returns
    -------
    str

    Raises
    ------
    TranslationError
        Unknown key, or a field the text needs is not given.
    InvalidArgumentError
        Unsupported ``lang``.

    Examples
    --------
    >>> t("fit_line", "vi", "papi", b=0.31234)
    'Hệ số TWFE = 0,312'
    >>> t("online_dossier_share", "vi")
    'Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận trực tuyến'
    """
    text = template(key, lang, study)
    if not fields and "{" not in text:
        return text
    try:
        return LocaleFormatter(lang).vformat(text, (), fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise TranslationError(key, f"cannot fill the text {text!r}: {exc!r}",
                               file=str(MESSAGES_DIR / f"{study}.yaml")) from exc


class Messages:
    """The messages of one study in one language: ``msg(key, **fields)`` is :func:`t`.

    Parameters
    ----------
    study : str
    lang : {"vi", "en"}

    Examples
    --------
    >>> Messages("scorecard", "en")("share_axis")
    'Share'
    """

    def __init__(self, study: str, lang: str) -> None:
        self.study = study
        self.lang = check_lang(lang)
        load_messages(study)

    def __call__(self, key: str, **fields: Any) -> str:
        return t(key, self.lang, self.study, **fields)

    def template(self, key: str) -> str:
        """The unfilled text of ``key``."""
        return template(key, self.lang, self.study)

    def has(self, key: str) -> bool:
        """Whether ``key`` resolves for this study."""
        return has(key, self.study)

    def __repr__(self) -> str:
        return f"Messages({self.study!r}, {self.lang!r})"
