"""Gold clean text: the raw text minus spam regions, tidied, with a map back to raw offsets."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.core.canonical import canonicalize
from app.core.gold_text import GoldClean, gold_clean_text, spam_free_ranges

# Canonical text: only "\n" newlines, NFC. The alphabet mixes Hangul (precomposed, and
# decomposed jamo that canonicalize composes), emoji with ZWJ and flags, tabs and spaces.
DECOMPOSED = unicodedata.normalize("NFD", "한국어 기사")
ALPHABET = st.sampled_from(
    ["a", "가", "힣", " ", "\t", "\n", "\n", "😀", "👩‍👩‍👧", "🇰🇷", "\u00a0", DECOMPOSED, "x"]
)
raw_texts = st.lists(ALPHABET, max_size=40).map(lambda parts: canonicalize("".join(parts)))


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    raw = draw(raw_texts)
    bound = st.integers(0, len(raw))
    pairs = draw(st.lists(st.tuples(bound, bound), max_size=5))
    return raw, [(min(a, b), max(a, b)) for a, b in pairs]


def tidy_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def covered(gold: GoldClean) -> set[int]:
    return {index for start, end, _raw in gold.pieces for index in range(start, end)}


@given(text_and_spans())
def test_every_piece_reproduces_its_raw_slice(case: tuple[str, list[tuple[int, int]]]) -> None:
    raw, spans = case
    gold = gold_clean_text(raw, spans)
    for gold_start, gold_end, raw_start in gold.pieces:
        assert gold_start < gold_end
        assert gold.text[gold_start:gold_end] == raw[raw_start : raw_start + gold_end - gold_start]


@given(text_and_spans())
def test_uncovered_characters_are_inserted_newlines(
    case: tuple[str, list[tuple[int, int]]],
) -> None:
    raw, spans = case
    gold = gold_clean_text(raw, spans)
    inside = covered(gold)
    assert all(gold.text[i] == "\n" for i in range(len(gold.text)) if i not in inside)
    ends = [(start, end) for start, end, _raw in gold.pieces]
    assert ends == sorted(ends)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))


@given(raw_texts)
def test_without_spans_blank_lines_go_and_lines_are_stripped(raw: str) -> None:
    assert gold_clean_text(raw, []).text == tidy_lines(raw)


def line_by_line(raw: str, spans: list[tuple[int, int]]) -> str:
    """The documented rule, spelled out slowly: each raw line's kept characters, stripped."""
    spam = {i for start, end in spans for i in range(start, end)}
    lines, start = [], 0
    for line in raw.split("\n"):
        kept = "".join(c for i, c in enumerate(line, start) if i not in spam).strip()
        if kept:
            lines.append(kept)
        start += len(line) + 1
    return "\n".join(lines)


@given(text_and_spans())
def test_text_follows_the_line_by_line_rule(case: tuple[str, list[tuple[int, int]]]) -> None:
    raw, spans = case
    assert gold_clean_text(raw, spans).text == line_by_line(raw, spans)


def test_a_spam_newline_alone_is_never_mapped() -> None:
    gold = gold_clean_text("가나\n다라", [(2, 3)])
    assert gold.text == "가나\n다라"
    assert gold.pieces == ((0, 2, 0), (3, 5, 3))


@given(text_and_spans())
def test_no_piece_overlaps_a_spam_range(case: tuple[str, list[tuple[int, int]]]) -> None:
    raw, spans = case
    gold = gold_clean_text(raw, spans)
    for gold_start, gold_end, raw_start in gold.pieces:
        raw_end = raw_start + gold_end - gold_start
        assert all(raw_end <= start or end <= raw_start for start, end in spans if start < end)


@given(text_and_spans())
def test_result_is_tidy_and_a_fixed_point(case: tuple[str, list[tuple[int, int]]]) -> None:
    raw, spans = case
    text = gold_clean_text(raw, spans).text
    assert not text.startswith("\n") and not text.endswith("\n")
    assert all(line and line == line.strip() for line in text.split("\n")) or text == ""
    again = gold_clean_text(text, [])
    assert again.text == text
    assert again.pieces == ((0, len(text), 0),) or text == ""


@given(text_and_spans())
def test_free_ranges_complement_the_spans(case: tuple[str, list[tuple[int, int]]]) -> None:
    raw, spans = case
    free = spam_free_ranges(len(raw), spans)
    spam = {i for start, end in spans for i in range(start, end)}
    kept = {i for start, end in free for i in range(start, end)}
    assert kept == set(range(len(raw))) - spam
    assert all(start < end for start, end in free)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(free))


def test_spam_inside_a_line_joins_its_two_sides() -> None:
    raw = "기사 본문 [광고] 계속 😀\n\n  무단전재 금지  \n끝"
    ad = raw.index("[광고]")
    footer = raw.index("무단전재")
    gold = gold_clean_text(raw, [(ad, ad + 4), (footer, footer + 8)])
    assert gold.text == "기사 본문  계속 😀\n끝"
    assert gold.pieces == ((0, 6, 0), (6, 11, ad + 4), (12, 13, len(raw) - 1))


def test_spam_across_lines_never_joins_two_raw_lines() -> None:
    raw = "첫 줄 끝\n광고 광고\n둘째 줄"
    start, end = raw.index("끝"), raw.index("둘째") + 2
    gold = gold_clean_text(raw, [(start, end)])
    assert gold.text == "첫 줄\n줄"
    assert gold.pieces == ((0, 3, 0), (4, 5, len(raw) - 1))


def test_kept_raw_newlines_extend_pieces() -> None:
    raw = canonicalize(f"{DECOMPOSED}\n👩‍👩‍👧 둘째\n")
    gold = gold_clean_text(raw, [])
    assert gold.text == raw.rstrip("\n")
    assert gold.pieces == ((0, len(gold.text), 0),)


def test_everything_spam_gives_empty_text() -> None:
    assert gold_clean_text("광고\n광고", [(0, 5)]) == GoldClean("", ())
    assert spam_free_ranges(5, [(3, 9), (-2, 1)]) == [(1, 3)]
