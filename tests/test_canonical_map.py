"""Offsets through canonicalisation: spans made on Windows or macOS text keep their place."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.canonical import canonicalize
from app.core.canonical_map import canonical_map

# Characters canonicalisation touches, and their neighbours: line ends, controls,
# combining marks (reordered and composed), Hangul jamo (composed into syllables).
_ALPHABET = st.sampled_from(
    [
        *"ab e가각\t\n\r\x00\x01\x1f",
        "\u0301",
        "\u0323",
        "\u0308",
        "\u1100",
        "\u1161",
        "\u11a8",
        "\u0f73",
        "\u212b",
        "😀",
    ]
)
_TEXTS = st.lists(_ALPHABET, max_size=30).map("".join)


def _nfd_is_subsequence(part: str, whole: str) -> bool:
    """True when the decomposed ``part`` appears, in order, inside the decomposed ``whole``."""
    remaining = iter(unicodedata.normalize("NFD", whole))
    return all(char in remaining for char in unicodedata.normalize("NFD", part))


@st.composite
def _text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(_TEXTS.filter(lambda t: len(t) >= 1))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@settings(max_examples=600)
@given(_text_and_span())
def test_mapped_span_covers_the_canonical_form_of_the_original_span_text(
    case: tuple[str, int, int],
) -> None:
    text, start, end = case
    mapping = canonical_map(text)
    assert mapping.text == canonicalize(text)
    mapped = mapping.span(start, end)
    original = canonicalize(text[start:end])
    if mapped is None:
        # Only characters canonicalisation drops (controls; a \r\n's lone \r half).
        assert original == ""
        return
    assert 0 <= mapped.start < mapped.end <= len(mapping.text)
    covered = mapping.text[mapped.start : mapped.end]
    assert _nfd_is_subsequence(original, covered)
    if not mapped.widened:
        assert covered == original


@given(_TEXTS)
def test_every_boundary_maps_in_order(text: str) -> None:
    mapping = canonical_map(text)
    ends = [mapping.span(0, end) for end in range(1, len(text) + 1)]
    positions = [span.end for span in ends if span is not None]
    assert positions == sorted(positions)


def test_windows_line_ends_shift_later_spans_back() -> None:
    text = "메뉴\r\n기사 본문\r\n무단전재 금지"
    mapping = canonical_map(text)
    start = text.index("무단전재")
    span = mapping.span(start, len(text))
    assert span is not None and not span.widened
    assert mapping.text[span.start : span.end] == "무단전재 금지"


def test_a_boundary_inside_a_crlf_pair_is_widened() -> None:
    mapping = canonical_map("ab\r\ncd")
    span = mapping.span(0, 3)  # ends between \r and \n
    assert span is not None and span.widened
    assert mapping.text[span.start : span.end] == "ab\n"


def test_decomposed_hangul_from_macos_is_recomposed_and_the_span_widened() -> None:
    text = "기사 " + unicodedata.normalize("NFD", "한글") + " 끝"
    mapping = canonical_map(text)
    inside = text.index("\u1112") + 1  # between the initial consonant and the vowel
    span = mapping.span(3, inside)
    assert span is not None and span.widened
    assert mapping.text[span.start : span.end] == "한"
    whole = mapping.span(3, 3 + len(unicodedata.normalize("NFD", "한글")))
    assert whole is not None and not whole.widened
    assert mapping.text[whole.start : whole.end] == "한글"


def test_a_span_of_only_a_dropped_control_maps_to_nothing() -> None:
    assert canonical_map("a\x00b").span(1, 2) is None
