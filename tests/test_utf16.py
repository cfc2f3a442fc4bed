"""Code points to Qt's UTF-16 positions and back, with astral characters everywhere."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.utf16 import Utf16Map

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
