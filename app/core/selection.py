"""Keys that grow a selection, so a 60-line menu is one selection and one key.

All offsets are code points into one text, ``[start, end)``. A line is its text without
the ``'\\n'`` that ends it; a blank line holds only whitespace.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from app.core.alignment import Segment


def line_range(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to the whole lines it touches, without the final newline.

    A selection ending just after a newline does not take the next line (it ends where
    that line begins), nor empty lines it ends with (so the result is the same when the
    key is pressed again); an empty selection gives the cursor's line.
    """
    _check(text, start, end)
    first = _line_start(text, start)
    last = _line_end(text, end - 1 if end > start else start)
    while last > first and text[last - 1] == "\n":
        last -= 1
    return first, last


def paragraph_range(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to the blocks between blank lines that it touches.

    The result starts and ends on whole lines and leaves out the newlines around it. If
    the selection starts (or ends) on a blank line, it does not grow past that side.
    """
    first, last = line_range(text, start, end)
    if not _is_blank(text, first, _line_end(text, first)):
        while first > 0:
            above = _line_start(text, first - 1)
            if _is_blank(text, above, first - 1):
                break
            first = above
    if not _is_blank(text, _line_start(text, last), last):
        while last < len(text):
            below = _line_end(text, last + 1)
            if _is_blank(text, last + 1, below):
                break
            last = below
    return first, last


def dropped_run_range(
    text: str, segments: Sequence[Segment], position: int
) -> tuple[int, int] | None:
    """The run of consecutive dropped lines around ``position``, trimmed of outer whitespace.

    A line is dropped when none of its non-whitespace characters is aligned (``segments``
    are the alignment of the clean text to ``text``). Blank lines inside the run belong to
    it, but they never start one: None when the cursor's line is blank or not dropped.
    """
    _check(text, position, position)
    first, last = line_range(text, position, position)
    if _is_blank(text, first, last) or _kept(text, segments, first, last):
        return None
    start, end = first, last
    while first > 0:  # upwards: blank lines join only when a dropped line is above them
        first = _line_start(text, first - 1)
        line = (first, _line_end(text, first))
        if not _is_blank(text, *line):
            if _kept(text, segments, *line):
                break
            start = first
    while last < len(text):
        last = _line_end(text, last + 1)
        line = (_line_start(text, last), last)
        if not _is_blank(text, *line):
            if _kept(text, segments, *line):
                break
            end = last
    return trim(text, start, end)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to leave out leading and trailing whitespace.

    A range of only whitespace becomes empty at ``start``.
    """
    _check(text, start, end)
    first = start
    while first < end and text[first].isspace():
        first += 1
    if first == end:
        return start, start
    while text[end - 1].isspace():
        end -= 1
    return first, end


def _check(text: str, start: int, end: int) -> None:
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"range [{start}, {end}) is not within a text of {len(text)}")


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _is_blank(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip()


def _kept(text: str, segments: Sequence[Segment], start: int, end: int) -> bool:
    """True when some non-whitespace character of ``text[start:end]`` is aligned."""
    index = max(0, bisect.bisect_right(segments, start, key=lambda s: s.raw_start) - 1)
    for position in range(index, len(segments)):  # a slice would copy the rest per line
        segment = segments[position]
        if segment.raw_start >= end:
            break
        low, high = max(start, segment.raw_start), min(end, segment.raw_end)
        if low < high and text[low:high].strip():
            return True
    return False
