"""Normalisation of Vietnamese place names and codes for matching.

Two operations are provided:

* :func:`normalize_vietnamese` puts a name into a canonical *display* form: Unicode NFC,
  single spaces, and the tone mark of the final ``oa``/``oe``/``uy`` rhyme on the first
  vowel ("Khánh Hoà" → "Khánh Hòa", "Thuỷ" → "Thủy"), the placement used by the national
  list of administrative units.
* :func:`match_key` turns any spelling into a compact ASCII key used to look names up
  ("Tp. Hồ Chí Minh" → "hochiminh"): diacritics removed (đ → d), lower case, punctuation
  dropped and administrative prefixes such as "tỉnh", "thành phố", "TP" removed.

Examples
--------
>>> normalize_vietnamese("Khánh  Hoà")
'Khánh Hòa'
>>> match_key("Tp. Hồ Chí Minh"), match_key("Thành phố Hà Nội"), match_key("tỉnh Bà Rịa - Vũng Tàu")
('hochiminh', 'hanoi', 'bariavungtau')
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata

__all__ = ["normalize_vietnamese", "strip_diacritics", "match_key", "normalize_code"]

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
# rhymes where the modern (national-list) spelling puts the tone on the first vowel
_RHYME = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])")
_PREFIXES = (
    "thanh pho truc thuoc trung uong",
    "thanh pho",
    "tinh",
    "tp",
    "t p",
    "city of",
    "province of",
)
_SUFFIXES = ("city", "province", "municipality")


def normalize_vietnamese(text: str) -> str:
    """Return ``text`` in NFC with modern tone-mark placement and single spaces.

    Parameters
    ----------
    text : str
        A Vietnamese name in any Unicode normal form.

    Returns
    -------
    str
        The canonical display form.

    Examples
    --------
    >>> normalize_vietnamese("Thanh Hoá") == "Thanh Hóa"
    True
    >>> normalize_vietnamese("Hoàng Mai")  # tone on 'a' before a final consonant stays
    'Hoàng Mai'
    >>> normalize_vietnamese("Quý")  # 'qu' is a consonant: unchanged
    'Quý'
    """
    decomposed = unicodedata.normalize("NFD", str(text))
    moved = _RHYME.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return " ".join(unicodedata.normalize("NFC", moved).split())


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (``đ`` → ``d``), keeping case.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> strip_diacritics("Đắk Lắk")
    'Dak Lak'
    """
    decomposed = unicodedata.normalize("NFD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def match_key(text: str) -> str:
    """Compact ASCII key of a place name, used for alias matching.

    Lower-cases, strips diacritics, treats punctuation as spaces, removes one leading
    administrative prefix ("tỉnh", "thành phố", "TP", "T.P.") and one trailing "city" or
    "province", then drops all spaces.

    Parameters
    ----------
    text : str
        A name in any spelling.

    Returns
    -------
    str
        The key; empty when ``text`` holds no letters or digits.

    Examples
    --------
    >>> match_key("Ho Chi Minh City")
    'hochiminh'
    >>> match_key("TP HCM"), match_key("TPHCM"), match_key("Thừa Thiên - Huế")
    ('hcm', 'tphcm', 'thuathienhue')
    """
    ascii_text = strip_diacritics(normalize_vietnamese(text)).lower()
    words = re.sub(r"[^0-9a-z]+", " ", ascii_text).split()
    spaced = " ".join(words)
    for prefix in _PREFIXES:
        if spaced.startswith(prefix + " "):
            spaced = spaced[len(prefix) + 1 :]
            break
    for suffix in _SUFFIXES:
        if spaced.endswith(" " + suffix):
            spaced = spaced[: -len(suffix) - 1]
            break
    return spaced.replace(" ", "")


def normalize_code(value: object, width: int) -> str | None:
    """Return ``value`` as a zero-padded code string if it looks like a code, else ``None``.

    Integers (Python or NumPy), integral floats and digit strings are accepted; a
    string longer than ``width`` is accepted only if its extra leading characters are
    zeros ("079" → "79" for width 2).

    Parameters
    ----------
    value : object
        Candidate code.
    width : int
        Number of digits of the code system (2 for provinces, 3 for districts).

    Returns
    -------
    str or None

    Examples
    --------
    >>> normalize_code(1, 2), normalize_code("01", 2), normalize_code(" 79 ", 2), normalize_code(79.0, 2)
    ('01', '01', '79', '79')
    >>> normalize_code("Hà Nội", 2) is None, normalize_code(True, 2) is None, normalize_code(100, 2) is None
    (True, True, True)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        if not math.isfinite(float(value)) or not float(value).is_integer():
            return None
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        return None
    if number < 0 or len(str(number)) > width:
        return None
    return f"{number:0{width}d}"
