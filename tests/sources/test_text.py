"""Tests of cchc_research.text: the one Vietnamese normalizer behind every name/vocabulary match.

Confusable forms covered: decomposed (NFD) and mis-ordered combining marks, look-alike
letters (Ð/ð U+00D0/U+00F0, Ɖ/ɖ), old vs new tone placement (hòa/hoà, thủy/thuỷ,
khỏe/khoẻ), invisible characters (zero-width space/joiners, word joiner, BOM, soft
hyphen), odd spaces (NBSP, thin, narrow NBSP, ideographic, tabs), dash and quote variants,
upper case, and no diacritics.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_research.errors import DataError
from cchc_research.text import (
    DASHES,
    INVISIBLE_CHARACTERS,
    LOOKALIKE_LETTERS,
    normalize_text,
    strip_diacritics,
    text_key,
)

from confusable_forms import lookalike_d, new_style_tones

def odd_spaces(text: str) -> str:
    """NBSP between words, a zero-width space and a soft hyphen inside, a thin space at the end."""
    spaced = text.replace(" ", "\u00a0")
    return spaced[:1] + "\u200b" + spaced[1:2] + "\u00ad" + spaced[2:] + "\u2009"


#: Confusable forms of one canonical spelling; each must normalize back to it.
CONFUSABLE_FORMS = {
    "nfd": lambda s: unicodedata.normalize("NFD", s),
    "lookalike_d": lookalike_d,
    "african_d": lambda s: s.replace("Đ", "\u0189").replace("đ", "\u0256"),
    "new_style_tones": new_style_tones,
    "invisible_and_odd_spaces": odd_spaces,
    "all_at_once": lambda s: unicodedata.normalize("NFD", odd_spaces(lookalike_d(new_style_tones(s)))),
}

WORDS = ["Khánh Hòa", "Thanh Hóa", "Hòa Bình", "Thủy Nguyên", "khỏe", "Ủy ban nhân dân", "Đà Nẵng",
         "Đắk Lắk", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Hồ sơ đã giải quyết đúng hạn",
         "Thúy", "Quý", "Huỳnh", "Hoàng Mai", "Nguyễn", "Tuyên Quang", "Trễ hạn", "Ngày hẹn trả"]


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("form", sorted(CONFUSABLE_FORMS))
def test_every_confusable_form_normalizes_to_the_canonical_spelling(word, form):
    variant = CONFUSABLE_FORMS[form](word)
    assert normalize_text(variant) == word
    assert text_key(variant) == text_key(word)
    assert text_key(variant, keep_diacritics=True) == text_key(word, keep_diacritics=True)
    assert text_key(variant.upper()) == text_key(word)
    assert text_key(strip_diacritics(word)) == text_key(word)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Khánh Hoà", "Khánh Hòa"), ("Thanh Hoá", "Thanh Hóa"), ("thuỷ", "thủy"), ("Thuý", "Thúy"),
        ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"), ("HOÀ BÌNH", "HÒA BÌNH"), ("hoạ", "họa"),
        # nothing moves: final consonant / glide, "qu" is a consonant, "uê" carries its hat
        ("Hoàng", "Hoàng"), ("hoài", "hoài"), ("Huỳnh", "Huỳnh"), ("quý", "quý"), ("Huế", "Huế"),
        ("thuở", "thuở"), ("Quảng", "Quảng"),
        # tone typed before the circumflex (legacy keyboards): re-ordered then composed
        ("e\u0301\u0302", "ế"), ("Lo\u0303\u0302i", "Lỗi"),
    ],
)
def test_tone_placement_and_mark_order(raw, expected):
    assert normalize_text(raw) == expected
    assert unicodedata.is_normalized("NFC", normalize_text(raw))


@pytest.mark.parametrize("dash", sorted(DASHES))
def test_dash_variants_become_hyphen(dash):
    assert normalize_text(f"Bà Rịa {dash} Vũng Tàu") == "Bà Rịa - Vũng Tàu"
    assert text_key(f"Bà Rịa{dash}Vũng Tàu") == "ba ria vung tau"


@pytest.mark.parametrize("char", sorted(INVISIBLE_CHARACTERS))
def test_invisible_characters_are_removed(char):
    assert normalize_text(f"Ninh{char} Bình{char}") == "Ninh Bình"
    assert normalize_text(f"Đồ{char}ng Nai") == "Đồng Nai"


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "\u2007", "\u3000", "\t", "\n", "\r\n", "  "])
def test_odd_spaces_become_one_space(space):
    assert normalize_text(f" Hải{space}Phòng{space}") == "Hải Phòng"


@pytest.mark.parametrize(("odd", "letter"), sorted(LOOKALIKE_LETTERS.items()))
def test_lookalike_letters(odd, letter):
    assert normalize_text(f"{odd}à") == f"{letter}à"
    assert text_key(f"{odd}à") == "da"
    assert strip_diacritics(f"{odd}ồng") in ("Dong", "dong")


def test_quotes_and_fullwidth():
    assert normalize_text("“Một cửa” ’ok’") == "\"Một cửa\" 'ok'"
    assert text_key("ＨＯ ＳＯ") == "ho so"  # full-width letters (NFKD)
    assert text_key("ＨＯ ＳＯ", keep_diacritics=True) == "ho so"


def test_keys_keep_words_apart_and_drop_punctuation():
    assert text_key("Kênh_nộp/hồ sơ") == "kenh nop ho so"
    assert text_key("  --  ") == ""
    assert text_key("Đã giải quyết") == text_key("da giai quyet")
    assert text_key("Đã", keep_diacritics=True) != text_key("da", keep_diacritics=True)


@pytest.mark.parametrize("bad", [None, float("nan"), 12, 1.5, b"Ha Noi", ["Hà Nội"]])
def test_non_text_is_refused(bad):
    for func in (normalize_text, text_key, strip_diacritics):
        with pytest.raises(DataError, match="text"):
            func(bad)


DETERMINISTIC = settings(derandomize=True, max_examples=200, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])
_VI_LETTERS = st.sampled_from(list("aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐbcdghklmnpqrstvx "
                                   "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"))
_NOISE = st.sampled_from(["\u00a0", "\u200b", "\u2009", "\u00ad", "\ufeff", "\u2013", "\u00d0", "\u00f0"])


@DETERMINISTIC
@given(st.text(alphabet=st.one_of(_VI_LETTERS, _NOISE), max_size=40))
def test_normalize_is_idempotent_and_nfc(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert not set(once) & (INVISIBLE_CHARACTERS | set(LOOKALIKE_LETTERS) | DASHES)
    assert "  " not in once and once == once.strip()
    assert text_key(once) == text_key(text)
    assert text_key(text_key(text)) == text_key(text)


@DETERMINISTIC
@given(st.text(alphabet=_VI_LETTERS, max_size=40))
def test_forms_of_random_vietnamese_text_share_a_key(text):
    for form in CONFUSABLE_FORMS.values():
        assert text_key(form(text)) == text_key(text)
        assert normalize_text(form(text)) == normalize_text(text)
    assert text_key(text).isascii()
