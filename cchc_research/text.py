"""One normalizer for Vietnamese text: every name and vocabulary match goes through it.

Vietnamese text reaches the project in many byte-different spellings of the same words:

* **Unicode forms** — precomposed (NFC, ``"ộ"`` = 1 code point) or decomposed (NFD, as macOS
  file names and some Excel exports write it: ``"o"`` + circumflex + dot below), and
  combining marks typed in a non-canonical order (tone before the circumflex);
* **look-alike letters** — ``Ð``/``ð`` (U+00D0/U+00F0, Icelandic *eth*) and ``Ɖ``/``ɖ``
  (U+0189/U+0256, African D) instead of ``Đ``/``đ`` (U+0110/U+0111), common after
  copy-paste from PDFs or legacy (TCVN3/VNI) conversions;
* **tone-mark placement** — the old style puts the tone of an open ``oa``/``oe``/``uy``
  rhyme on the first vowel (``hòa``, ``khỏe``, ``thủy``), the "new" style on the second
  (``hoà``, ``khoẻ``, ``thuỷ``). Both are correct Vietnamese; the project's canonical form
  is the first (the placement used by the national list of administrative units and the
  GSO tables: "Khánh Hòa", "Thanh Hóa", "Thủy Nguyên");
* **invisible and odd spaces** — zero-width space/joiners, word joiner, BOM, soft hyphen
  (removed); no-break, thin, narrow, figure, ideographic spaces, tabs and newlines
  (one ASCII space);
* **dash and quote variants** — hyphen, non-breaking hyphen, figure dash, en dash, em
  dash, minus sign, small/full-width hyphen-minus (all ``-``); curly quotes and primes
  (``'`` and ``"``).

Two functions cover every use:

* :func:`normalize_text` — the canonical **display** form (NFC, case and diacritics kept);
* :func:`text_key` — a **matching** key: the display form, case-folded, punctuation turned
  into single spaces and (by default) diacritics removed (``đ`` → ``d``). Two spellings of
  the same words have the same key. Vocabulary lookups (province and district names,
  export header names, coded category values) compare keys, never raw strings.

:func:`strip_diacritics` removes diacritics but keeps case and punctuation;
:func:`match_text` is the lower-cased display form, for vocabularies whose entries carry
punctuation (workbook headers, period labels such as ``"quý I/2024"``); :func:`compose`
only composes (NFC) a cell value whose other characters must stay as written.

No other module of :mod:`cchc_research` imports :mod:`unicodedata` (a test checks it).

This module is a bottom layer: it imports nothing from :mod:`cchc_research` but
:mod:`cchc_research.errors`, so every layer may use it.

Examples
--------
>>> normalize_text("\\u00d0à Nẵng") == "Đà Nẵng"      # look-alike Ð (U+00D0)
True
>>> normalize_text("Khánh\\u00a0Hoà"), normalize_text("Bà Rịa \\u2013 Vũng Tàu")
('Khánh Hòa', 'Bà Rịa - Vũng Tàu')
>>> text_key("THỪA THIÊN–HUẾ"), text_key("Thừa Thiên - Huế"), text_key("thua thien hue")
('thua thien hue', 'thua thien hue', 'thua thien hue')
>>> text_key("Ngày  tiếp nhận\\u200b"), text_key("Ngày tiếp nhận", keep_diacritics=True)
('ngay tiep nhan', 'ngày tiếp nhận')
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Any

from cchc_research.errors import DataError

__all__ = [
    "normalize_text",
    "text_key",
    "strip_diacritics",
    "match_text",
    "compose",
    "LOOKALIKE_LETTERS",
    "INVISIBLE_CHARACTERS",
    "DASHES",
]

#: Letters that look like Đ/đ but are other code points, mapped to the Vietnamese letter.
LOOKALIKE_LETTERS: dict[str, str] = {
    "\u00d0": "\u0110",  # Ð LATIN CAPITAL LETTER ETH -> Đ
    "\u00f0": "\u0111",  # ð LATIN SMALL LETTER ETH -> đ
    "\u0189": "\u0110",  # Ɖ LATIN CAPITAL LETTER AFRICAN D -> Đ
    "\u0256": "\u0111",  # ɖ LATIN SMALL LETTER D WITH TAIL -> đ
}
#: Characters removed outright (they have no width and separate nothing visible).
INVISIBLE_CHARACTERS: frozenset[str] = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064"
)
#: Dash-like characters written as an ASCII hyphen-minus.
DASHES: frozenset[str] = frozenset(
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b"
)
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",
           "\u2032": "'", "\u00b4": "'", "`": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
           "\u00ab": '"', "\u00bb": '"'}
_TRANSLATE = str.maketrans(
    {**LOOKALIKE_LETTERS, **{c: None for c in INVISIBLE_CHARACTERS},
     **{c: "-" for c in DASHES}, **_QUOTES}
)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
# An open oa/oe/uy rhyme (no letter after it) with the tone on its second vowel; not after
# "q" ("quý": "qu" is a consonant). Applied to NFD text with marks in canonical order.
_RHYME = re.compile(
    r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])"
)
_MARKS = re.compile(r"[\u0300-\u036f]{2,}")
_NON_WORD = re.compile(r"[\W_]+")


#: C0/C1 control characters other than whitespace (NUL, BEL, DEL …): read as a space, like
#: the other odd spaces, so they neither survive in names nor glue words together.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
#: Lone UTF-16 surrogates: left by a wrong decoding (``errors="surrogateescape"``); no file
#: can be written with them, so they are refused.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        bad = _SURROGATE.search(value)
        if bad is not None:
            raise DataError(value, f"a lone surrogate U+{ord(bad.group()):04X} at position "
                            f"{bad.start()}: not text (decoded with the wrong encoding?)")
        return _CONTROLS.sub(" ", value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise DataError(value, "missing value: expected text")
    raise DataError(value, f"expected text, got {type(value).__name__}; convert it with str() first")


def _order_marks(run: re.Match[str]) -> str:
    """Vowel-quality marks (circumflex, breve, horn) before tone marks, so NFC can compose."""
    marks = run.group(0)
    return "".join(sorted(marks, key=lambda m: m in _TONES))


def normalize_text(value: str) -> str:
    """Canonical display form of Vietnamese text.

    Steps, in order: look-alike letters (Ð/ð, Ɖ/ɖ) → Đ/đ; invisible characters removed;
    dash variants → ``-``; curly quotes and primes → ``'``/``"``; canonical decomposition
    with combining marks re-ordered (vowel marks before the tone); the tone of an open
    ``oa``/``oe``/``uy`` rhyme moved to the first vowel (``hoà`` → ``hòa``, ``thuỷ`` →
    ``thủy``, ``khoẻ`` → ``khỏe``); NFC; every run of whitespace (no-break, thin, narrow,
    ideographic spaces, tabs, newlines, and control characters such as NUL) → one space;
    leading/trailing space stripped. A lone surrogate (wrong decoding) raises DataError.

    Case, diacritics and punctuation are kept. The function is idempotent.

    Parameters
    ----------
    value : str
        Any Vietnamese (or other) text.

    Returns
    -------
    str
        The normalized text (possibly empty).

    Raises
    ------
    DataError
        If ``value`` is not a string (``None``, NaN, a number...): convert deliberately.

    Notes
    -----
    Tone placement follows the orthography of the national list of administrative units
    (Decision 124/2004/QĐ-TTg tables as published by GSO), which writes "Hòa", "Thủy",
    "Khỏe"; the rule moves a tone only in the three open rhymes ``oa``, ``oe``, ``uy``
    (with a final consonant, e.g. "Hoàng", "Huỳnh", the tone is on the second vowel in both
    styles and nothing moves).

    Examples
    --------
    >>> normalize_text("Thanh Hoá"), normalize_text("thuỷ  lợi"), normalize_text("KHOẺ")
    ('Thanh Hóa', 'thủy lợi', 'KHỎE')
    >>> normalize_text("Hoàng Mai"), normalize_text("Quý"), normalize_text("Huế")
    ('Hoàng Mai', 'Quý', 'Huế')
    >>> import unicodedata
    >>> normalize_text(unicodedata.normalize("NFD", "Đồng Tháp")) == "Đồng Tháp"
    True
    >>> normalize_text("Ninh\\u2009Bình\\u200b")
    'Ninh Bình'
    >>> normalize_text(None)
    Traceback (most recent call last):
    ...
    cchc_research.errors.DataError: value None: missing value: expected text
    """
    text = _as_text(value).translate(_TRANSLATE)
    decomposed = _MARKS.sub(_order_marks, unicodedata.normalize("NFD", text))
    moved = _RHYME.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return " ".join(unicodedata.normalize("NFC", moved).split())


def strip_diacritics(value: str) -> str:
    """Remove Vietnamese diacritics (``đ`` → ``d``, ``Đ`` → ``D``), keeping case and punctuation.

    The text is first put in the display form of :func:`normalize_text`, so look-alike
    letters (``Ð``) and decomposed input give the same result.

    Parameters
    ----------
    value : str

    Returns
    -------
    str

    Raises
    ------
    DataError
        If ``value`` is not a string.

    Examples
    --------
    >>> strip_diacritics("Đắk Lắk"), strip_diacritics("\\u00d0à Nẵng")
    ('Dak Lak', 'Da Nang')
    """
    return _strip(normalize_text(value))


def _strip(display: str) -> str:
    decomposed = unicodedata.normalize("NFKD", display)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def text_key(value: str, *, keep_diacritics: bool = False) -> str:
    """Matching key of a name or vocabulary term: equal keys mean the same words.

    The display form (:func:`normalize_text`), case-folded, with every run of characters
    that are neither letters nor digits (punctuation, dashes, ``_``, ``/``) turned into one
    space, stripped; by default diacritics are removed too (``đ`` → ``d``), so an ASCII
    spelling ("Da Nang") matches.

    Parameters
    ----------
    value : str
        A name, header or category value in any spelling.
    keep_diacritics : bool, default False
        Keep the Vietnamese letters (canonical tone placement, lower case). Use it where
        words differing only by diacritics must stay apart ("đã" vs "da").

    Returns
    -------
    str
        Lower-case words separated by single spaces; empty when ``value`` has no letter
        or digit.

    Raises
    ------
    DataError
        If ``value`` is not a string.

    Examples
    --------
    >>> text_key("Tp. Hồ Chí Minh"), text_key("Kênh_nộp/hồ sơ"), text_key("\\u00d0ã giải quyết")
    ('tp ho chi minh', 'kenh nop ho so', 'da giai quyet')
    >>> text_key("KHÁNH HOÀ", keep_diacritics=True)
    'khánh hòa'
    """
    return _key(_as_text(value), bool(keep_diacritics))


@functools.lru_cache(maxsize=65536)
def _key(text: str, keep_diacritics: bool) -> str:
    """Cached body of :func:`text_key` (vocabularies repeat the same few strings)."""
    display = normalize_text(text)
    if keep_diacritics:
        # NFKC maps full-width letters/digits and ligatures; casefold after it, then re-NFC.
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", display).casefold())
    else:
        folded = _strip(display).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def match_text(value: str) -> str:
    """Lower-cased display form: :func:`normalize_text` followed by :meth:`str.lower`.

    The matching form for vocabularies whose entries keep diacritics and punctuation
    (PAPI/PCI workbook headers such as ``"chi phí thời gian"``, period labels such as
    ``"quý i/2024"`` or ``"giai đoạn 2020 - 2025"``): NFD input, look-alike ``Ð``, old or
    new tone placement, invisible and odd spaces, dash variants and upper case all give
    the same string. Unlike :func:`text_key`, punctuation (``/``, ``-``, ``.``, ``_``) is
    kept, because those vocabularies are read with patterns that rely on it.

    Parameters
    ----------
    value : str

    Returns
    -------
    str

    Raises
    ------
    DataError
        If ``value`` is not a string.

    Examples
    --------
    >>> match_text("QUÝ\u00a0I/2024"), match_text("Giai đoạn 2020 \u2013 2025")
    ('quý i/2024', 'giai đoạn 2020 - 2025')
    """
    return normalize_text(value).lower()


def compose(value: str) -> str:
    """Canonical composition (NFC) only: the cell value as written, in one Unicode form.

    For values that are stored rather than matched (free text of an export cell): spaces,
    dashes and tone placement stay as written; decomposed letters are composed so that
    equal text is equal bytes. Matching goes through :func:`text_key` or :func:`match_text`.

    Parameters
    ----------
    value : str

    Returns
    -------
    str

    Examples
    --------
    >>> compose("Ho\u0300a") == "Hòa", compose("a\u2013b") == "a\u2013b"
    (True, True)
    """
    return value if value.isascii() else unicodedata.normalize("NFC", value)
