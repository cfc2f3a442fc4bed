"""Code points to Qt's UTF-16 positions and back, with astral characters everywhere."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.core.utf16 import BLOCK_SEPARATORS, DISPLAY_LINE_LIMIT, DisplayMap, Utf16Map

TRICKY = "가😀나 🇰🇷 👩‍👩‍👧 \u1112\u1161\u11ab 𠀀끝"

texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("😀🇰🇷👩‍👧𠀀가\n")),
    ),
    max_size=60,
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_known_positions() -> None:
    mapping = Utf16Map("a😀b")
    assert mapping.utf16_length == 4
    assert [mapping.to_utf16(i) for i in range(4)] == [0, 1, 3, 4]
    assert [mapping.to_code_point(i) for i in range(5)] == [0, 1, 1, 2, 3]


def test_flags_and_zwj_sequences() -> None:
    mapping = Utf16Map(TRICKY)
    start = TRICKY.index("👩")
    end = start + len("👩‍👩‍👧")
    u_start, u_end = mapping.range_to_utf16(start, end)
    assert TRICKY.encode("utf-16-le")[2 * u_start : 2 * u_end].decode("utf-16-le") == "👩‍👩‍👧"
    assert mapping.range_to_code_points(u_start, u_end) == (start, end)


@given(texts)
def test_every_code_point_maps_to_the_same_prefix_in_utf16(text: str) -> None:
    mapping = Utf16Map(text)
    assert mapping.utf16_length == utf16_len(text)
    for i in range(len(text) + 1):
        assert mapping.to_utf16(i) == utf16_len(text[:i])
        assert mapping.to_code_point(mapping.to_utf16(i)) == i


@given(texts, st.data())
def test_a_position_inside_a_pair_rounds_down(text: str, data: st.DataObject) -> None:
    mapping = Utf16Map(text)
    position = data.draw(st.integers(0, mapping.utf16_length))
    point = mapping.to_code_point(position)
    assert mapping.to_utf16(point) <= position < mapping.to_utf16(point) + 2 or (
        position == mapping.utf16_length and point == len(text)
    )


@given(texts, st.data())
def test_ranges_round_trip(text: str, data: st.DataObject) -> None:
    mapping = Utf16Map(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert mapping.range_to_code_points(*mapping.range_to_utf16(start, end)) == (start, end)


# -- the display map: UTF-16 plus display-only breaks in long lines --------------------------

FAMILY = "👩‍👩‍👧"
FLAG = "🇰🇷"
display_texts = st.lists(
    st.sampled_from(
        [
            "가",
            "나다",
            " ",
            "\n",
            "\u2028",
            "\u2029",
            "\u00a0",
            "😀",
            FLAG,
            FAMILY,
            "𠀀",
            "e\u0301",
            "a",
        ]
    ),
    max_size=40,
).map("".join)
limits = st.integers(1, 12)


def display_index(mapping: DisplayMap, position: int) -> int:
    """Code-point index in the displayed text of stored ``position``."""
    return position + sum(1 for cut in mapping.breaks if cut < position)


def without_breaks(mapping: DisplayMap, first: int, last: int) -> str:
    """Displayed code points ``[first, last)`` with the inserted breaks taken out."""
    inserted = {cut + k for k, cut in enumerate(mapping.breaks)}
    return "".join(mapping.text[i] for i in range(first, last) if i not in inserted)


def test_long_lines_break_after_a_late_space() -> None:
    mapping = DisplayMap("aaa bbb ccc", limit=5)
    assert mapping.text == "aaa \nbbb \nccc"
    assert mapping.breaks == [4, 8]
    assert [mapping.to_display(i) for i in (3, 4, 5, 11)] == [3, 4, 6, 13]
    # Either side of an inserted break is the stored position where it was inserted.
    assert mapping.to_stored(4) == mapping.to_stored(5) == 4


def test_a_line_within_the_limit_is_left_alone() -> None:
    text = "가" * DISPLAY_LINE_LIMIT + "\n" + "나" * DISPLAY_LINE_LIMIT
    mapping = DisplayMap(text)
    assert mapping.breaks == []
    assert mapping.text is text


@given(st.integers(1, 14))
def test_hard_breaks_never_split_an_emoji_sequence_or_a_flag(limit: int) -> None:
    for cluster in (FAMILY, FLAG, "👍🏽", "e\u0301"):
        text = cluster * 12
        mapping = DisplayMap(text, limit=limit)
        if limit >= len(cluster):
            assert all(cut % len(cluster) == 0 for cut in mapping.breaks), (cluster, limit)


@given(display_texts, limits)
def test_displayed_text_is_the_stored_text_with_short_lines(text: str, limit: int) -> None:
    mapping = DisplayMap(text, limit=limit)
    assert without_breaks(mapping, 0, len(mapping.text)) == text
    assert all(len(line) <= limit for line in re.split(f"[{BLOCK_SEPARATORS}]", mapping.text))
    assert mapping.utf16_length == utf16_len(mapping.text)


@given(display_texts, limits)
def test_every_stored_position_round_trips_through_the_display(text: str, limit: int) -> None:
    mapping = DisplayMap(text, limit=limit)
    for i in range(len(text) + 1):
        shown = mapping.to_display(i)
        assert shown == utf16_len(mapping.text[: display_index(mapping, i)])
        assert mapping.to_stored(shown) == i


@given(display_texts, limits, st.data())
def test_any_displayed_selection_maps_to_the_stored_text_it_shows(
    text: str, limit: int, data: st.DataObject
) -> None:
    mapping = DisplayMap(text, limit=limit)
    first = data.draw(st.integers(0, len(mapping.text)))
    last = data.draw(st.integers(first, len(mapping.text)))
    start, end = mapping.range_to_stored(
        utf16_len(mapping.text[:first]), utf16_len(mapping.text[:last])
    )
    assert text[start:end] == without_breaks(mapping, first, last)


@given(display_texts, limits, st.data())
def test_a_position_inside_a_pair_rounds_to_its_whole_character(
    text: str, limit: int, data: st.DataObject
) -> None:
    mapping = DisplayMap(text, limit=limit)
    position = data.draw(st.integers(0, mapping.utf16_length))
    point = mapping.to_stored(position)
    start, end = mapping.range_to_stored(position, position)
    assert start == point
    assert mapping.to_display(point) <= position
    assert end in (point, point + 1)


@given(display_texts, limits, st.data())
def test_stored_ranges_round_trip(text: str, limit: int, data: st.DataObject) -> None:
    mapping = DisplayMap(text, limit=limit)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert mapping.range_to_stored(*mapping.range_to_display(start, end)) == (start, end)


def test_a_very_long_line_with_emoji_maps_back_everywhere() -> None:
    words = ["서울시는", "😀", FLAG, FAMILY, "공공자전거", "𠀀", "3만", "대를"]
    text = "첫 줄\n" + " ".join(words[i % len(words)] for i in range(80_000)) + "\n끝"
    mapping = DisplayMap(text)
    assert len(mapping.breaks) >= len(text) // DISPLAY_LINE_LIMIT
    assert max(map(len, mapping.text.split("\n"))) <= DISPLAY_LINE_LIMIT
    assert mapping.utf16_length == utf16_len(mapping.text)
    for cut in mapping.breaks[:50] + mapping.breaks[-50:]:
        for position in (cut - 3, cut, cut + 2):
            assert mapping.to_stored(mapping.to_display(position)) == position
        start, end = mapping.range_to_display(cut - 5, cut + 5)
        assert mapping.range_to_stored(start, end) == (cut - 5, cut + 5)
        assert end - start > utf16_len(text[cut - 5 : cut + 5])  # the break lies inside
