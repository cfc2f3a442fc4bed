"""Alignment between raw and clean text: behaviour on real pages, and its invariants."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import alignment
from app.core.alignment import (
    Segment,
    align,
    aligned_share,
    clean_range_to_raw,
    clean_to_raw,
    dropped_raw_ranges,
    raw_coverage,
    raw_to_clean,
)
from app.core.canonical import canonicalize

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "resources" / "samples").glob("*.txt"))
TAG = re.compile(r"<[^>]*>")


# --- helpers ---------------------------------------------------------------------------


def realistic_clean(raw: str, seed: int = 1) -> tuple[str, list[tuple[int, int, str]]]:
    """What a cleaner makes of ``raw``: article lines only, tags gone, whitespace redone.

    Returns the clean text and, for each raw line kept, its clean range and raw text.
    """
    rng = random.Random(seed)
    lines = [" ".join(line.split()) for line in TAG.sub("\n", raw).split("\n")]
    clean, pieces = "", []
    for line in lines:
        if len(line.replace(" ", "")) < 25:  # menus, tickers, bylines: dropped
            continue
        if clean:
            clean += " " if rng.random() < 0.3 else "\n"  # some paragraphs joined
        pieces.append((len(clean), len(clean) + len(line), line))
        clean += line
    return clean, pieces


def check_alignment(segments: list[Segment], raw: str, clean: str) -> None:
    """Every invariant an alignment promises."""
    for s in segments:
        assert 0 <= s.raw_start < s.raw_end <= len(raw)
        assert 0 <= s.clean_start < s.clean_end <= len(clean)
        assert s.raw_end - s.raw_start == s.clean_end - s.clean_start
        assert raw[s.raw_start : s.raw_end] == clean[s.clean_start : s.clean_end]
    for a, b in pairwise(segments):
        assert a.raw_end <= b.raw_start and a.clean_end <= b.clean_start
        assert (a.raw_end, a.clean_end) != (b.raw_start, b.clean_start), "not merged"


def check_mappings(segments: list[Segment], raw: str, clean: str) -> None:
    """The lookups agree with a brute-force map built from the segments."""
    to_clean = {
        s.raw_start + k: s.clean_start + k for s in segments for k in range(s.raw_end - s.raw_start)
    }
    to_raw = {c: r for r, c in to_clean.items()}
    for p in range(-1, len(raw) + 2):
        q = raw_to_clean(segments, p)
        assert q == to_clean.get(p)
        if q is not None:
            assert clean_to_raw(segments, q) == p and raw[p] == clean[q]
    for q in range(-1, len(clean) + 2):
        assert clean_to_raw(segments, q) == to_raw.get(q)
    assert aligned_share(segments, len(clean)) == (len(to_raw) / len(clean) if clean else 1.0)
    assert raw_coverage(segments, len(raw)) == (len(to_clean) / len(raw) if raw else 1.0)
    dropped = dropped_raw_ranges(segments, len(raw))
    covered = sorted([(s.raw_start, s.raw_end) for s in segments] + dropped)
    assert [p for a, b in covered for p in range(a, b)] == list(range(len(raw)))
    assert all(a < b for a, b in dropped)
    assert all(a[1] < b[0] for a, b in pairwise(dropped)), "dropped ranges are maximal"


def expected_range(segments: list[Segment], start: int, end: int) -> tuple[int, int] | None:
    hits = [r for q in range(start, end) if (r := clean_to_raw(segments, q)) is not None]
    return (min(hits), max(hits) + 1) if hits else None


def words(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def forced_token_path(char_cells: int, token_cells: int = 400_000_000) -> Iterator[list[int]]:
    """Make boxes over ``char_cells`` take the line/word path; yield a call counter."""
    calls: list[int] = []
    real = alignment._token_anchors

    def spy(*args: object, **kwargs: object) -> list[tuple[int, int, int]]:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.multiple(
        alignment, _CHAR_CELLS=char_cells, _TOKEN_CELLS=token_cells, _token_anchors=spy
    ):
        yield calls


def big_page(size: int, separator: str) -> str:
    """About ``size`` characters of real page text, each copy varied so lines differ."""
    rng = random.Random(7)
    parts, total, copy = [], 0, 0
    while total < size:
        copy += 1
        lines = SAMPLES[copy % len(SAMPLES)].read_text("utf-8").split("\n")
        lines = [
            f"{x} ({copy}-{i})" if len(x) > 40 and rng.random() < 0.5 else x
            for i, x in enumerate(lines)
        ]
        parts.append(separator.join(lines) + separator)
        total += len(parts[-1])
    return "".join(parts)


# --- edge cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["a", "본문 😀", "x\n\ny", *[p.read_text("utf-8") for p in SAMPLES]]
)
def test_identical_texts_are_one_segment(text: str) -> None:
    assert align(text, text) == [Segment(0, len(text), 0, len(text))]


def test_empty_texts() -> None:
    assert align("본문", "") == []
    assert align("", "본문") == []
    assert align("", "") == []
    assert aligned_share([], 0) == 1.0
    assert raw_coverage([], 0) == 1.0
    assert dropped_raw_ranges([], 5) == [(0, 5)]
    assert dropped_raw_ranges([], 0) == []


def test_lookups_on_known_segments() -> None:
    segments = [Segment(2, 5, 0, 3), Segment(8, 10, 3, 5), Segment(12, 14, 6, 8)]
    assert [clean_to_raw(segments, q) for q in range(-1, 9)] == [
        None,
        2,
        3,
        4,
        8,
        9,
        None,
        12,
        13,
        None,
    ]
    assert [raw_to_clean(segments, p) for p in (0, 2, 4, 5, 8, 9, 10, 13, 14)] == [
        None,
        0,
        2,
        None,
        3,
        4,
        None,
        7,
        None,
    ]
    assert clean_range_to_raw(segments, 0, 3) == (2, 5)
    assert clean_range_to_raw(segments, 1, 4) == (3, 9)
    assert clean_range_to_raw(segments, 4, 7) == (9, 13)
    assert clean_range_to_raw(segments, 5, 6) is None
    assert clean_range_to_raw(segments, 5, 8) == (12, 14)
    assert clean_range_to_raw(segments, 2, 2) is None
    assert dropped_raw_ranges(segments, 16) == [(0, 2), (5, 8), (10, 12), (14, 16)]
    assert dropped_raw_ranges(segments, 14) == [(0, 2), (5, 8), (10, 12)]
    assert aligned_share(segments, 8) == 7 / 8
    assert raw_coverage(segments, 16) == 7 / 16


def test_nearest_lookups_move_dropped_positions_to_the_next_aligned_piece() -> None:
    segments = [Segment(2, 5, 0, 3), Segment(8, 10, 3, 5), Segment(12, 14, 6, 8)]
    # Raw 0-1 and 5-7 were dropped: the clean pane follows to the next piece.
    assert [alignment.raw_to_clean_nearest(segments, p) for p in (0, 3, 5, 7, 8, 15)] == [
        0,
        1,
        3,
        3,
        3,
        8,
    ]
    # Clean 5 has no raw counterpart: the raw pane follows to the next piece.
    assert [alignment.clean_to_raw_nearest(segments, q) for q in (0, 4, 5, 9)] == [2, 9, 12, 14]
    assert alignment.raw_to_clean_nearest([], 4) == 0
    assert alignment.clean_to_raw_nearest([], 4) == 0


def test_offsets_are_code_points_with_emoji_flags_and_zwj() -> None:
    head = "메뉴 홈 𝐀𝐁𝐂\n"
    article = "👨\u200d👩\u200d👧 가족 여행 🇰🇷 서울 😀👍🏽 café"
    raw, clean = head + article + "\n광고 🎰 카지노", article
    segments = align(raw, clean)
    assert segments == [Segment(len(head), len(head) + len(article), 0, len(article))]
    assert clean_to_raw(segments, clean.index("🇰🇷")) == raw.index("🇰🇷")
    assert clean_range_to_raw(segments, clean.index("😀"), len(clean)) == (
        raw.index("😀"),
        len(head) + len(article),
    )


def test_text_canonicalised_from_crlf_keeps_exact_offsets() -> None:
    raw = canonicalize("제목 😀\r\n첫 문단입니다.\r\n\r\n광고 배너\r\n둘째 문단입니다.\r\n")
    clean = canonicalize("첫 문단입니다.\r\n둘째 문단입니다.")
    segments = align(raw, clean)
    check_alignment(segments, raw, clean)
    assert aligned_share(segments, len(clean)) == 1.0
    assert clean_range_to_raw(segments, 0, clean.index("\n")) == (
        raw.index("첫"),
        raw.index("첫") + len("첫 문단입니다."),
    )
    assert dropped_raw_ranges(segments, len(raw))[0] == (0, raw.index("첫"))


# --- what the alignment should say on the cases cleaners produce ----------------------


def test_stray_short_match_in_boilerplate_is_dropped() -> None:
    raw = "첫 문단입니다.\n로그인 회원가입 고객센터 이용약관\n둘째 문단입니다."
    clean = "첫 문단입니다. 둘째 문단입니다."
    segments = align(raw, clean)
    # An LCS would match the joining space to a space inside the menu line.
    assert dropped_raw_ranges(segments, len(raw)) == [
        (len("첫 문단입니다."), raw.index("둘째")),
    ]


def test_small_substitutions_next_to_a_long_match_are_kept() -> None:
    raw = "메뉴\n산‧학‧연 협력을 강화한다.\n광고"
    clean = "산·학·연 협력을 강화한다."
    segments = align(raw, clean)
    assert clean_to_raw(segments, 0) == raw.index("산")
    assert clean_to_raw(segments, 2) == raw.index("학")
    assert aligned_share(segments, len(clean)) == (len(clean) - 2) / len(clean)


def test_repeated_words_stay_with_their_article() -> None:
    assert align("the cat the dog", "the dog") == [Segment(8, 15, 0, 7)]


def test_paragraph_start_repeated_in_boilerplate_stays_with_its_paragraph() -> None:
    raw = "첫 문단.\n유 장관은 기자간담회 참석\n메뉴\n유 장관은 23일 말했다.\n댓글"
    clean = "첫 문단.\n유 장관은 23일 말했다."
    start = raw.index("유 장관은 23일")
    assert align(raw, clean) == [
        Segment(0, 6, 0, 6),
        Segment(start, start + len(clean) - 6, 6, len(clean)),
    ]


def test_unrelated_text_aligns_almost_nothing() -> None:
    rng = random.Random(3)
    hangul = [chr(0xAC00 + i) for i in range(400)] + [" "] * 40 + ["\n"] * 5
    for path in SAMPLES:
        raw = path.read_text("utf-8")
        for alphabet in (hangul, list("abcdefghijklmnopqrstuvwxyz  \n")):
            clean = "".join(rng.choice(alphabet) for _ in range(3000))
            assert aligned_share(align(raw, clean), len(clean)) < 0.02


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("char_cells", [None, 2_000], ids=["chars", "lines-first"])
def test_sample_pages_align_with_a_realistic_clean_text(path: Path, char_cells: int | None) -> None:
    raw = path.read_text("utf-8")
    clean, pieces = realistic_clean(raw)
    if char_cells is None:
        segments = align(raw, clean)
    else:
        with forced_token_path(char_cells) as calls:
            segments = align(raw, clean)
        assert calls
    check_alignment(segments, raw, clean)
    assert aligned_share(segments, len(clean)) > 0.98
    assert raw_coverage(segments, len(raw)) < 0.97  # the menus really were dropped
    for start, end, text in pieces:  # each kept line points at its own text in raw
        raw_range = clean_range_to_raw(segments, start, end)
        assert raw_range is not None
        assert words(TAG.sub(" ", raw[raw_range[0] : raw_range[1]])) == text


def two_megabyte_case(kind: str) -> tuple[str, str]:
    """A 2 MB raw text and a clean text of it, as the token path meets them."""
    if kind == "article-twice":  # nothing unique: only an LCS of lines anchors it
        article = big_page(600_000, "\n")
        menu = "\n".join(f"메뉴 항목 {i % 50}" for i in range(20_000)) + "\n"
        return menu + article + menu + article + menu, realistic_clean(article)[0]
    raw = big_page(2_000_000, "  " if kind == "one-line" else "\n")
    clean, _ = realistic_clean(raw.replace("  ", "\n"))
    if kind == "reflowed":  # few lines left whole: a line LCS would anchor repeated ones
        rng = random.Random(1)
        clean = "".join(" " if c == "\n" and rng.random() < 0.95 else c for c in clean)
    return raw, clean


@pytest.mark.parametrize("kind", ["lines", "one-line", "reflowed", "article-twice"])
def test_two_megabyte_page_takes_the_token_path(kind: str) -> None:
    raw, clean = two_megabyte_case(kind)
    assert len(raw) * len(clean) > alignment._CHAR_CELLS
    with forced_token_path(alignment._CHAR_CELLS) as calls:
        segments = align(raw, clean)
    assert calls
    check_alignment(segments, raw, clean)
    assert aligned_share(segments, len(clean)) > 0.97


def test_box_too_large_with_nothing_to_anchor_is_left_unaligned() -> None:
    raw, clean = "ab" * 100, "ba" * 60  # one token each side, no common prefix or suffix
    assert aligned_share(align(raw, clean), len(clean)) > 0.9
    with forced_token_path(100):
        assert align(raw, clean) == []


# --- properties ------------------------------------------------------------------------

CHARS = st.sampled_from(
    [*"가나다라마 abc.,-\t", "  ", "😀", "👍🏽", "\u200d", "🇰🇷", "é", "\u00a0", "다."]
)
LINES = st.lists(st.lists(CHARS, max_size=12).map("".join), max_size=10)
PATHS = st.sampled_from([None, (16, 10**6), (64, 20)])  # chars; lines-first; unique tokens


@st.composite
def raw_and_clean(draw: st.DrawFn) -> tuple[str, str]:
    lines = draw(LINES)
    raw = "\n".join(lines)
    kind = draw(st.sampled_from(["derived", "substring", "reordered", "unrelated"]))
    if kind == "unrelated":
        return raw, "\n".join(draw(LINES))
    if kind == "reordered":  # out of order for the LCS and for unique-token anchors
        return raw, "\n".join(draw(st.permutations(lines)))
    if kind == "substring":
        start = draw(st.integers(0, len(raw)))
        return raw, raw[start : draw(st.integers(start, len(raw)))]
    pieces = []
    for line in lines:
        if draw(st.booleans()):
            pieces.append(words(line) if draw(st.booleans()) else line)
            pieces.append(draw(st.sampled_from(["\n", " ", "\n\n", ""])))
    clean = list("".join(pieces))
    for _ in range(draw(st.integers(0, 3))):  # a few edits a cleaner might make
        if clean:
            clean[draw(st.integers(0, len(clean) - 1))] = draw(st.sampled_from(["", "·", " "]))
    return raw, "".join(clean)


@settings(max_examples=300, deadline=None)
@given(raw_and_clean(), PATHS)
def test_alignment_invariants_hold(texts: tuple[str, str], path: tuple[int, int] | None) -> None:
    raw, clean = texts
    if path is None:
        segments = align(raw, clean)
    else:
        with forced_token_path(*path):
            segments = align(raw, clean)
    check_alignment(segments, raw, clean)
    check_mappings(segments, raw, clean)


@settings(max_examples=200, deadline=None)
@given(raw_and_clean(), st.data())
def test_clean_range_to_raw_matches_brute_force(
    texts: tuple[str, str], data: st.DataObject
) -> None:
    raw, clean = texts
    segments = align(raw, clean)
    start = data.draw(st.integers(-2, len(clean) + 2))
    end = data.draw(st.integers(-2, len(clean) + 2))
    assert clean_range_to_raw(segments, start, end) == expected_range(segments, start, end)
    if segments:  # a range inside one segment maps to the raw range with the same text
        s = data.draw(st.sampled_from(segments))
        a = data.draw(st.integers(s.clean_start, s.clean_end - 1))
        b = data.draw(st.integers(a + 1, s.clean_end))
        raw_range = clean_range_to_raw(segments, a, b)
        assert raw_range is not None
        assert raw[raw_range[0] : raw_range[1]] == clean[a:b]


@settings(max_examples=200, deadline=None)
@given(LINES, PATHS)
def test_text_aligned_to_itself_is_one_segment(
    lines: list[str], path: tuple[int, int] | None
) -> None:
    text = "\n".join(lines)
    expected = [Segment(0, len(text), 0, len(text))] if text else []
    if path is None:
        assert align(text, text) == expected
    else:
        with forced_token_path(*path):
            assert align(text, text) == expected
