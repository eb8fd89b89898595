"""Normalisation of Vietnamese place names and codes for matching.

The text rules themselves live in :mod:`cchc_research.text` (one normalizer for every
name and vocabulary match in the project); this module adds what is specific to place
names:

* :func:`normalize_vietnamese` is :func:`cchc_research.text.normalize_text`: the canonical
  *display* form (NFC, Ð → Đ, tone of the final ``oa``/``oe``/``uy`` rhyme on the first
  vowel — "Khánh Hoà" → "Khánh Hòa", invisible and odd spaces, dash variants);
* :func:`match_key` turns any spelling into a compact ASCII key used to look names up
  ("Tp. Hồ Chí Minh" → "hochiminh"): :func:`cchc_research.text.text_key` (diacritics
  removed, đ → d, lower case, punctuation dropped), then administrative prefixes such as
  "tỉnh", "thành phố", "TP" removed and spaces dropped.

Examples
--------
>>> normalize_vietnamese("Khánh  Hoà")
'Khánh Hòa'
>>> normalize_vietnamese("Thanh Hoá") == "Thanh Hóa"
True
>>> normalize_vietnamese("Hoàng Mai")  # tone on 'a' before a final consonant stays
'Hoàng Mai'
>>> normalize_vietnamese("Quý")  # 'qu' is a consonant: unchanged
'Quý'
>>> match_key("Tp. Hồ Chí Minh"), match_key("Thành phố Hà Nội"), match_key("tỉnh Bà Rịa - Vũng Tàu")
('hochiminh', 'hanoi', 'bariavungtau')
>>> match_key("\u00d0à Nẵng")  # look-alike Ð (U+00D0)
'danang'
"""

from __future__ import annotations

import math
import numbers

from cchc_research.text import normalize_text, strip_diacritics, text_key

__all__ = ["normalize_vietnamese", "strip_diacritics", "match_key", "normalize_code"]

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


#: The canonical display form of a place name: :func:`cchc_research.text.normalize_text` itself
#: (one normalizer for the project), under the name geo has always exported.
normalize_vietnamese = normalize_text


def match_key(text: str) -> str:
    """Compact ASCII key of a place name, used for alias matching.

    :func:`cchc_research.text.text_key` (lower case, no diacritics, punctuation as spaces,
    look-alike letters, tone placement, invisible characters and dashes unified), then one
    leading administrative prefix ("tỉnh", "thành phố", "TP", "T.P.") and one trailing
    "city" or "province" removed, then all spaces dropped.

    Parameters
    ----------
    text : str
        A name in any spelling.

    Returns
    -------
    str
        The key; empty when ``text`` holds no letters or digits.

    Raises
    ------
    DataError
        If ``text`` is not a string.

    Examples
    --------
    >>> match_key("Ho Chi Minh City")
    'hochiminh'
    >>> match_key("TP HCM"), match_key("TPHCM"), match_key("Thừa Thiên - Huế")
    ('hcm', 'tphcm', 'thuathienhue')
    """
    spaced = text_key(text)
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
