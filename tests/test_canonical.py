"""Canonical text: newlines, control characters and NFC, applied idempotently."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.core.canonical import canonicalize, is_canonical

# Pieces that tend to break offset handling: astral emoji, a flag, a ZWJ family, decomposed
# Hangul jamo (NFC composes them to one syllable), combining marks, CR/LF and controls.
TRICKY = [
    "😀",
    "🇰🇷",
    "👨\u200d👩\u200d👧",
    "\u1112\u1161\u11ab",
    "e\u0301",
    "\u0301",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\u2028",
    "\xa0",
    "한국어",
]
texts = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(TRICKY)), max_size=30).map("".join)
ALLOWED_CONTROLS = {"\t", "\n"}


@given(texts)
def test_canonicalize_is_idempotent(text: str) -> None:
    once = canonicalize(text)
    assert canonicalize(once) == once
    assert is_canonical(once)


@given(texts)
def test_canonical_text_has_no_cr_no_c0_controls_and_is_nfc(text: str) -> None:
    result = canonicalize(text)
    assert "\r" not in result
    assert all(ord(ch) >= 0x20 or ch in ALLOWED_CONTROLS for ch in result)
    assert unicodedata.is_normalized("NFC", result)


@given(texts)
def test_canonicalize_keeps_everything_else(text: str) -> None:
    # Only CR handling and C0 removal may change the text, then NFC.
    expected = "".join(
        ch
        for ch in text.replace("\r\n", "\n").replace("\r", "\n")
        if ord(ch) >= 0x20 or ch in "\t\n"
    )
    assert canonicalize(text) == unicodedata.normalize("NFC", expected)


def test_decomposed_hangul_jamo_compose_to_one_syllable() -> None:
    assert canonicalize("\u1112\u1161\u11ab\u1100\u1173\u11af") == "한글"
    assert len(canonicalize("\u1112\u1161\u11ab")) == 1


def test_crlf_and_lone_cr_become_lf() -> None:
    assert canonicalize("a\r\nb\rc\n\rd") == "a\nb\nc\n\nd"


def test_nul_and_controls_are_dropped_but_tab_and_newline_stay() -> None:
    assert canonicalize("a\x00b\x01\x1fc\td\ne\x0b\x0c") == "ab" + "c\td\ne"


def test_dropping_a_control_lets_a_combining_mark_compose() -> None:
    assert canonicalize("e\x00\u0301") == "\xe9"


def test_emoji_flags_and_zwj_sequences_are_untouched() -> None:
    text = "가족 👨\u200d👩\u200d👧 국기 🇰🇷 웃음 😀"
    assert canonicalize(text) == text
    assert is_canonical(text)


def test_is_canonical_rejects_each_kind_of_non_canonical_text() -> None:
    assert not is_canonical("a\r\nb")
    assert not is_canonical("a\x00b")
    assert not is_canonical("\u1112\u1161\u11ab")
    assert is_canonical("")
