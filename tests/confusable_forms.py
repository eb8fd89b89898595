"""Confusable spellings of Vietnamese labels, shared by the text, geo and match-point tests.

Each function turns a clean label into a form a real file may carry; the tests check that the
project reads the form exactly as the clean label. Written independently of
:mod:`cchc_research.text` (the code under test), from the Unicode definitions of the marks.
Importable from any test file because ``tests/`` holds the root ``conftest.py`` (pytest's
default ``prepend`` import mode puts its folder on ``sys.path``).
"""

from __future__ import annotations

import re
import unicodedata

#: The five Vietnamese tone marks as combining characters (grave, acute, tilde, hook above, dot below).
TONE_MARKS = "[\u0300\u0301\u0303\u0309\u0323]"


def new_style_tones(text: str) -> str:
    """Move the tone of an open oa/oe/uy rhyme to the second vowel ("hòa" -> "hoà")."""
    nfd = unicodedata.normalize("NFD", text)
    moved = re.sub(rf"(?<![qQ])([oOuU])({TONE_MARKS})([aAeEyY])(?![\w\u0300-\u036f])",
                   lambda m: m.group(1) + m.group(3) + m.group(2), nfd)
    return unicodedata.normalize("NFC", moved)


def lookalike_d(text: str) -> str:
    """Đ/đ written as the look-alike Icelandic eth Ð/ð (U+00D0/U+00F0)."""
    return text.replace("Đ", "\u00d0").replace("đ", "\u00f0")
