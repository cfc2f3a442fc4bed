"""Selection-growing keys: whole lines, paragraphs, dropped runs, trimming."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.alignment import Segment, align
from app.core.selection import dropped_run_range, line_range, paragraph_range, trim

TEXT = "first line\nsecond line\n\n  third block\nstill third\n \nlast"


def _at(text: str, needle: str) -> int:
    return text.index(needle)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, "first line"),  # empty selection: the cursor's line
        (3, 5, "first line"),
        (10, 10, "first line"),  # cursor at the end of the line, on its newline
        (11, 11, "second line"),
        (3, 14, "first line\nsecond line"),
        (3, 11, "first line"),  # ends where the next line begins: not that line
        (3, 24, "first line\nsecond line"),  # nor the empty lines it ends with
        (23, 23, ""),  # the empty line
        (len(TEXT), len(TEXT), "last"),  # cursor at the end of the text
        (len(TEXT) - 2, len(TEXT), "last"),  # no trailing newline
    ],
)
def test_line_range(start: int, end: int, expected: str) -> None:
    first, last = line_range(TEXT, start, end)
    assert TEXT[first:last] == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, "first line\nsecond line"),
        (14, 14, "first line\nsecond line"),
        (30, 30, "  third block\nstill third"),
        (3, 30, "first line\nsecond line\n\n  third block\nstill third"),
        (23, 23, ""),  # a blank line stays itself
        (len(TEXT), len(TEXT), "last"),
        (_at(TEXT, "\n \n") + 1, _at(TEXT, "\n \n") + 1, " "),  # a whitespace-only line
    ],
)
def test_paragraph_range(start: int, end: int, expected: str) -> None:
    first, last = paragraph_range(TEXT, start, end)
    assert TEXT[first:last] == expected


def test_paragraph_range_of_a_single_line_and_of_empty_text() -> None:
    assert paragraph_range("one line", 2, 2) == (0, 8)
    assert paragraph_range("", 0, 0) == (0, 0)
    assert line_range("", 0, 0) == (0, 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 10, (2, 7)),
        (0, 2, (0, 0)),  # only whitespace: empty
        (2, 7, (2, 7)),
        (5, 5, (5, 5)),
    ],
)
def test_trim(start: int, end: int, expected: tuple[int, int]) -> None:
    assert trim("  abc d \n\xa0x", start, end) == expected


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="not within"):
        line_range("abc", 2, 5)
    with pytest.raises(ValueError, match="not within"):
        trim("abc", 2, 1)


RAW = "메뉴 하나\n메뉴 둘\n\n  메뉴 셋  \n기사 본문입니다.\n광고\n댓글 0\n기사 끝입니다."
CLEAN = "기사 본문입니다.\n기사 끝입니다."


def _segments() -> list[Segment]:
    return align(RAW, CLEAN)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("메뉴 하나", "메뉴 하나\n메뉴 둘\n\n  메뉴 셋"),  # blank lines inside a run join it
        ("메뉴 셋", "메뉴 하나\n메뉴 둘\n\n  메뉴 셋"),
        ("광고", "광고\n댓글 0"),
        ("댓글", "광고\n댓글 0"),
        ("기사 본문", None),
        ("기사 끝", None),
    ],
)
def test_dropped_run_range(needle: str, expected: str | None) -> None:
    found = dropped_run_range(RAW, _segments(), RAW.index(needle) + 1)
    assert (None if found is None else RAW[found[0] : found[1]]) == expected


def test_dropped_run_range_on_a_blank_line_and_at_the_end() -> None:
    segments = _segments()
    assert dropped_run_range(RAW, segments, RAW.index("\n\n") + 1) is None
    assert dropped_run_range(RAW, segments, len(RAW)) is None  # the last line is kept
    raw = "기사 본문입니다.\n메뉴"
    found = dropped_run_range(raw, align(raw, "기사 본문입니다."), len(raw))
    assert found == (raw.index("메뉴"), len(raw))


def test_dropped_run_range_with_nothing_aligned_is_the_whole_text() -> None:
    raw = "\n  메뉴\n\n메뉴 둘 \n"
    assert dropped_run_range(raw, [], 3) == (3, len(raw) - 2)


def test_a_line_with_only_whitespace_aligned_counts_as_dropped() -> None:
    raw = "글 \n메뉴 \n글"
    segments = [Segment(0, 3, 0, 3), Segment(6, 10, 3, 7)]  # "글 \n", " \n글"
    assert dropped_run_range(raw, segments, 4) == (3, 5)
    assert dropped_run_range(raw, segments, 0) is None


# --- properties -----------------------------------------------------------------------

texts = st.text(alphabet=st.sampled_from("ab 가\n\t\xa0"), max_size=40)


@st.composite
def text_and_range(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(texts)
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text, start, end


def _within(text: str, result: tuple[int, int]) -> None:
    assert 0 <= result[0] <= result[1] <= len(text)


@settings(max_examples=300, deadline=None)
@given(text_and_range())
def test_line_and_paragraph_ranges_contain_the_selection(case: tuple[str, int, int]) -> None:
    text, start, end = case
    for grow in (line_range, paragraph_range):
        first, last = grow(text, start, end)
        _within(text, (first, last))
        assert grow(text, first, last) == (first, last)  # idempotent
        assert first == 0 or text[first - 1] == "\n"  # whole lines
        assert last == len(text) or text[last] == "\n"
        # Everything selected but final newlines lies inside the result.
        inner_end = start + len(text[start:end].rstrip("\n"))
        if text[start:end].strip():
            assert first <= start and inner_end <= last


@settings(max_examples=300, deadline=None)
@given(text_and_range())
def test_trim_is_a_sub_range_without_outer_whitespace(case: tuple[str, int, int]) -> None:
    text, start, end = case
    first, last = trim(text, start, end)
    assert start <= first <= last <= end
    assert text[first:last] == text[start:end].strip()
    assert trim(text, first, last) == (first, last)


@settings(max_examples=300, deadline=None)
@given(texts, texts, st.data())
def test_dropped_run_range_properties(raw: str, clean: str, data: st.DataObject) -> None:
    segments = align(raw, clean)
    position = data.draw(st.integers(0, len(raw)))
    found = dropped_run_range(raw, segments, position)
    if found is None:
        return
    first, last = found
    _within(raw, found)
    assert raw[first:last] == raw[first:last].strip() != ""
    line_start, line_end = line_range(raw, position, position)
    assert line_start <= last and first <= line_end  # the cursor's line is in the run
    # No non-whitespace character of the run is aligned.
    for segment in segments:
        low, high = max(first, segment.raw_start), min(last, segment.raw_end)
        assert low >= high or not raw[low:high].strip()
    assert dropped_run_range(raw, segments, first) == found  # idempotent from its start
