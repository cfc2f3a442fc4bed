"""Scoring a cleaner against the gold clean text, on cases whose figures are worked by hand."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.alignment import Segment, align
from app.core.canonical import canonicalize
from app.core.evaluation import (
    WHITESPACE,
    CleanerScore,
    ScoredDocument,
    _visible_in,
    by_cleaner,
    macro_f1,
    score_document,
    total,
    worst_first,
)
from app.core.gold_text import gold_clean_text

MENU = "메뉴 홈 뉴스 스포츠"  # 8 visible characters
ARTICLE = "정부는 오늘 새 정책을 발표했다."  # 14 visible characters
SECOND = "전문가들은 효과를 지켜봐야 한다고 말했다."  # 19 visible characters
AD = "광고 카지노 바로가기"  # 9 visible characters


def line_span(raw: str, line: str) -> tuple[int, int]:
    start = raw.index(line)
    return start, start + len(line)


def whole(text: str) -> list[Segment]:
    """The alignment of a clean text that is the raw text itself."""
    return [Segment(0, len(text), 0, len(text))] if text else []


def kept(raw: str, clean: str) -> list[Segment]:
    """The alignment of ``clean`` when it is one exact piece of ``raw``."""
    start = raw.index(clean)
    return [Segment(start, start + len(clean), 0, len(clean))]


def test_a_cleaner_that_keeps_exactly_the_gold_text_is_perfect() -> None:
    raw = f"{MENU}\n{ARTICLE}\n{AD}"
    score = score_document(
        raw, ARTICLE, kept(raw, ARTICLE), [line_span(raw, MENU), line_span(raw, AD)]
    )
    assert score == CleanerScore(tp=14, fp=0, fn=0)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_a_kept_menu_line_costs_precision_by_its_visible_characters() -> None:
    raw = f"{MENU}\n{ARTICLE}"
    score = score_document(raw, raw, whole(raw), [line_span(raw, MENU)])
    assert score == CleanerScore(tp=14, fp=8, fn=0)
    assert score.precision == pytest.approx(14 / 22)
    assert score.recall == 1.0
    assert score.f1 == pytest.approx(2 * 14 / (2 * 14 + 8))


def test_a_dropped_article_paragraph_costs_recall() -> None:
    raw = f"{ARTICLE}\n{SECOND}"
    score = score_document(raw, ARTICLE, kept(raw, ARTICLE), [])
    assert score == CleanerScore(tp=14, fp=0, fn=19)
    assert (score.precision, score.recall) == (1.0, pytest.approx(14 / 33))
    assert score.f1 == pytest.approx(2 * 14 / (2 * 14 + 19))


def test_clean_text_traced_to_nothing_is_a_false_positive() -> None:
    raw = ARTICLE
    clean = f"{ARTICLE} [끝] 기자"  # the cleaner invented " [끝] 기자": 5 visible characters
    score = score_document(raw, clean, kept(raw, ARTICLE), [])
    assert score == CleanerScore(tp=14, fp=5, fn=0)
    assert score.precision == pytest.approx(14 / 19)


def test_whitespace_never_counts_for_or_against_the_cleaner() -> None:
    raw = f"  {ARTICLE}\t \n\n\u00a0{SECOND}   \n"
    # The cleaner joined the two lines with one space it made up, and trimmed the ends.
    clean = f"{ARTICLE} {SECOND}"
    segments = [*kept(raw, ARTICLE), Segment(*line_span(raw, SECOND), len(ARTICLE) + 1, len(clean))]
    # A gold span over blank lines only changes nothing either.
    blank = (raw.index("\n"), raw.index("\u00a0") + 1)
    for spans in ([], [blank]):
        assert score_document(raw, clean, segments, spans) == CleanerScore(tp=33, fp=0, fn=0)
    everything = score_document(raw, raw, whole(raw), [blank])
    assert everything == CleanerScore(tp=33, fp=0, fn=0)


def test_emoji_and_hangul_count_one_per_code_point() -> None:
    family = "👩\u200d👩\u200d👧"  # five code points; a zero-width joiner is not whitespace
    raw = f"좋아요 👍🏽 {family}\n광고🎰카지노 🇰🇷"
    spam = line_span(raw, "광고🎰카지노 🇰🇷")
    score = score_document(raw, raw, whole(raw), [spam])
    # 좋아요 = 3, 👍🏽 = 2, the family = 5; 광고 = 2, 🎰 = 1, 카지노 = 3, the flag = 2.
    assert score == CleanerScore(tp=10, fp=8, fn=0)


def test_overlapping_spans_and_a_span_past_the_end_count_each_character_once() -> None:
    raw = f"{MENU}\n{ARTICLE}"
    menu_start, menu_end = line_span(raw, MENU)
    spans = [(menu_start, menu_end - 2), (menu_start + 1, menu_end), (len(raw) - 1, len(raw) + 50)]
    score = score_document(raw, raw, whole(raw), spans)
    assert score == CleanerScore(tp=13, fp=9, fn=0)  # the menu and the final "."


def test_an_all_spam_page_the_cleaner_emptied_is_perfect() -> None:
    raw = AD
    score = score_document(raw, "", [], [(0, len(raw))])
    assert (score.tp, score.fp, score.fn) == (0, 0, 0)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_keeping_text_of_an_all_spam_page_scores_zero() -> None:
    raw = AD
    score = score_document(raw, raw, whole(raw), [(0, len(raw))])
    assert score == CleanerScore(tp=0, fp=9, fn=0)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_an_emptied_article_scores_zero() -> None:
    score = score_document(ARTICLE, "", [], [])
    assert score == CleanerScore(tp=0, fp=0, fn=14)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_micro_sums_characters_and_macro_averages_documents() -> None:
    perfect, half = CleanerScore(10, 0, 0), CleanerScore(1, 1, 0)
    summed = total([perfect, half])
    assert summed == CleanerScore(11, 1, 0)
    assert summed.precision == pytest.approx(11 / 12)
    assert macro_f1([perfect, half]) == pytest.approx((1.0 + 2 / 3) / 2)
    assert macro_f1([]) is None
    assert total([]) == CleanerScore(0, 0, 0)


def test_worst_documents_come_first_and_cleaners_are_grouped() -> None:
    docs = [
        ScoredDocument("a", "lines", CleanerScore(10, 0, 0)),
        ScoredDocument("b", "trafilatura", CleanerScore(1, 9, 0)),
        ScoredDocument("c", "lines", CleanerScore(5, 5, 0)),
        ScoredDocument("d", "lines", CleanerScore(50, 50, 0)),  # c's F1, more wrong characters
    ]
    assert [doc.doc_id for doc in worst_first(docs)] == ["b", "d", "c", "a"]
    groups = by_cleaner(docs)
    assert list(groups) == ["lines", "trafilatura"]
    assert total(groups["lines"]) == CleanerScore(65, 55, 0)


def test_a_two_megabyte_page_with_40000_segments_and_spans_scores_exactly() -> None:
    line = f"{ARTICLE} {SECOND}\n"
    raw = line * (2_000_000 // len(line))
    # The cleaner keeps every other line; gold drops every third: ~40,000 segments and spans.
    segments, spans, clean_at = [], [], 0
    for number in range(raw.count("\n")):
        start = number * len(line)
        if number % 2 == 0:
            segments.append(Segment(start, start + len(line), clean_at, clean_at + len(line)))
            clean_at += len(line)
        if number % 3 == 0:
            spans.append((start, start + len(line)))
    clean = line * len(segments)
    score = score_document(raw, clean, segments, spans)
    lines = raw.count("\n")
    both = len(range(0, lines, 2)) - len(range(0, lines, 6))
    assert score.tp == both * 33
    assert score.tp + score.fn == (lines - len(spans)) * 33


# Canonical text: "\n" newlines and NFC; Hangul, emoji with ZWJ and flags, NBSP and tabs.
ALPHABET = st.sampled_from(
    [
        "a",
        "가",
        "힣",
        " ",
        "\t",
        "\n",
        "\n",
        "😀",
        "👩\u200d👧",
        "🇰🇷",
        "\u00a0",
        "한국어 기사",
        "x.",
    ]
)
raw_texts = st.lists(ALPHABET, max_size=40).map(lambda parts: canonicalize("".join(parts)))


@st.composite
def cleaned_pages(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int]]]:
    """A raw text, a clean text made of some of its lines plus invented text, and spans."""
    raw = draw(raw_texts)
    lines = raw.split("\n")
    kept_lines = [line for line in lines if draw(st.booleans())]
    clean = canonicalize("\n".join(kept_lines) + draw(st.sampled_from(["", " 끝", "\n©"])))
    bound = st.integers(0, len(raw))
    pairs = draw(st.lists(st.tuples(bound, bound), max_size=5))
    return raw, clean, [(min(a, b), max(a, b)) for a, b in pairs]


def visible(text: str) -> int:
    return sum(not char.isspace() for char in text)


def by_hand(
    raw: str, clean: str, segments: list[Segment], spans: list[tuple[int, int]]
) -> CleanerScore:
    """The definition, one character at a time."""
    spam = {i for start, end in spans for i in range(start, end)}
    gold = {i for i, char in enumerate(raw) if not char.isspace() and i not in spam}
    ours = {i for s in segments for i in range(s.raw_start, s.raw_end) if not raw[i].isspace()}
    traced = {i for s in segments for i in range(s.clean_start, s.clean_end)}
    invented = sum(1 for i, char in enumerate(clean) if i not in traced and not char.isspace())
    return CleanerScore(len(ours & gold), len(ours - gold) + invented, len(gold - ours))


@given(raw_texts)
def test_the_raw_text_as_its_own_clean_text_with_no_spam_is_perfect(raw: str) -> None:
    score = score_document(raw, raw, align(raw, raw), [])
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.fp == score.fn == 0 and score.tp == visible(raw)


@given(cleaned_pages())
def test_gold_keeps_are_the_visible_characters_of_the_gold_clean_text(
    page: tuple[str, str, list[tuple[int, int]]],
) -> None:
    raw, clean, spans = page
    score = score_document(raw, clean, align(raw, clean), spans)
    assert score.tp + score.fn == visible(gold_clean_text(raw, spans).text)


@given(cleaned_pages())
def test_scores_match_the_definition_counted_character_by_character(
    page: tuple[str, str, list[tuple[int, int]]],
) -> None:
    raw, clean, spans = page
    segments = align(raw, clean)
    score = score_document(raw, clean, segments, spans)
    assert score == by_hand(raw, clean, segments, spans)
    assert 0.0 <= score.precision <= 1.0 and 0.0 <= score.recall <= 1.0


def test_whitespace_is_every_character_split_drops() -> None:
    every = (chr(code) for code in range(sys.maxunicode + 1))
    assert {char for char in every if char.isspace()} == set(WHITESPACE)


@given(st.text(alphabet=st.sampled_from(f"가a😀\u1100{WHITESPACE}")), st.data())
def test_visible_characters_in_ranges_match_splitting_each_range(
    text: str, data: st.DataObject
) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text) + 3), max_size=8)))
    ranges = list(zip(cuts[::2], cuts[1::2], strict=False))
    expected = sum(len("".join(text[start:end].split())) for start, end in ranges)
    assert _visible_in(text, ranges) == expected
