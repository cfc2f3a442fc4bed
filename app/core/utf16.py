"""The one place where code-point offsets and Qt's UTF-16 positions meet.

Stored offsets are Python code-point indexes; Qt counts UTF-16 code units, so every
character outside the Basic Multilingual Plane (emoji, flags, some CJK extensions) counts
twice in Qt. Canonical text has no ``\\r``, so lines and paragraphs agree on both sides.
A position Qt reports in the middle of a surrogate pair is rounded down to its character.

A pane may also show a very long stored line as several display lines (one 2 MB line
costs seconds to highlight and ~50 ms per repaint); ``DisplayMap`` adds those
display-only line breaks on top of the UTF-16 conversion.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from itertools import count, pairwise

# Characters a QTextDocument turns into a block break (U+2028 only breaks the line
# inside its block, so it does not end a block and is not listed).
BLOCK_SEPARATORS = "\n\r\u2029\ufdd0\ufdd1"
DISPLAY_LINE_LIMIT = 2_000
_SEPARATOR = re.compile(f"[{BLOCK_SEPARATORS}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ZWJ = "\u200d"
# How far back a hard break may move to avoid splitting one visible character.
_MAX_CLUSTER_STEP = 32


def astral_positions(text: str) -> list[int]:
    """Code-point indexes of the characters that take two UTF-16 units."""
    # Encoding is ~100x faster than a Python scan and settles the common all-BMP case.
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return []
    return [match.start() for match in _ASTRAL.finditer(text)]


class Utf16Map:
    """Converts positions in one text between code points and UTF-16 units.

    Built in one pass over the text; each conversion is a binary search over the
    astral characters only, so plain Korean text converts in constant time.
    """

    def __init__(self, text: str) -> None:
        astral = astral_positions(text)
        self._astral = astral
        # UTF-16 position of the k-th astral character: its code-point index plus k.
        self._astral_utf16 = [index + k for index, k in zip(astral, count(), strict=False)]
        self.length = len(text)
        self.utf16_length = len(text) + len(astral)

    def to_utf16(self, position: int) -> int:
        """The UTF-16 position of code-point ``position`` (0..len(text))."""
        return position + bisect_left(self._astral, position)

    def to_code_point(self, position: int) -> int:
        """The code-point index of UTF-16 ``position``, rounded down inside a pair."""
        before = bisect_left(self._astral_utf16, position)
        if before and self._astral_utf16[before - 1] + 1 == position:
            return self._astral[before - 1]
        return position - before

    def range_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        """A code-point range as a UTF-16 range."""
        return self.to_utf16(start), self.to_utf16(end)

    def range_to_code_points(self, start: int, end: int) -> tuple[int, int]:
        """A UTF-16 range as a code-point range; a half pair at the end takes its whole char."""
        first = self.to_code_point(start)
        last = self.to_code_point(end)
        if self.to_utf16(last) < end:
            last += 1
        return first, last


class DisplayMap:
    """Stored code points <-> UTF-16 positions of the text as a pane displays it.

    The displayed text is the stored text with a line break inserted wherever a stored
    line is longer than ``limit`` code points: after a space in the second half of the
    stretch if there is one, else at the limit (moved back so that no emoji, flag or
    combining sequence is split). Displayed positions count those inserted breaks and
    UTF-16 units; a displayed position on either side of an inserted break maps to the
    stored position where the break was inserted.

    Attributes:
        text: The displayed text (the stored text itself when nothing was broken).
        breaks: Stored code-point positions before which a break was inserted, ascending.
        length: Length of the stored text in code points.
        utf16_length: Length of the displayed text in UTF-16 units.
    """

    def __init__(self, text: str, limit: int = DISPLAY_LINE_LIMIT) -> None:
        if limit < 1:
            raise ValueError(f"display line limit must be positive, got {limit}")
        self._stored = Utf16Map(text)
        self.breaks = display_breaks(text, limit)
        # Displayed position of the k-th inserted break character.
        self._break_display = [self._stored.to_utf16(b) + k for k, b in enumerate(self.breaks)]
        self.text = _with_breaks(text, self.breaks)
        self.length = len(text)
        self.utf16_length = self._stored.utf16_length + len(self.breaks)

    def to_display(self, position: int) -> int:
        """The displayed UTF-16 position of stored code point ``position`` (0..length).

        A stored position where a break was inserted maps to just before the break.
        """
        return self._stored.to_utf16(position) + bisect_left(self.breaks, position)

    def to_stored(self, position: int) -> int:
        """The stored code point of displayed ``position``, rounded down inside a pair."""
        return self._stored.to_code_point(self._stored_utf16(position))

    def range_to_display(self, start: int, end: int) -> tuple[int, int]:
        """A stored code-point range as a displayed UTF-16 range."""
        return self.to_display(start), self.to_display(end)

    def range_to_stored(self, start: int, end: int) -> tuple[int, int]:
        """A displayed range as a stored range; a half pair at the end takes its whole char."""
        first = self.to_stored(start)
        end_utf16 = self._stored_utf16(end)
        last = self._stored.to_code_point(end_utf16)
        if self._stored.to_utf16(last) < end_utf16:
            last += 1
        return first, max(first, last)

    def _stored_utf16(self, position: int) -> int:
        """Displayed position -> UTF-16 position in the stored text (breaks taken out)."""
        position = min(max(position, 0), self.utf16_length)
        return position - bisect_left(self._break_display, position)


def display_breaks(text: str, limit: int = DISPLAY_LINE_LIMIT) -> list[int]:
    """Stored positions at which to break lines longer than ``limit`` for display."""
    breaks: list[int] = []
    for start, end in _long_lines(text, limit):
        position = start
        while end - position > limit:
            position = _cut_point(text, position, position + limit)
            breaks.append(position)
    return breaks


def _long_lines(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of each block-separated line longer than ``limit``."""
    if len(text) <= limit:
        return []
    # str.split is several times faster than a regex split; other separators are rare.
    if any(separator in text for separator in BLOCK_SEPARATORS[1:]):
        lines = _SEPARATOR.split(text)
    else:
        lines = text.split("\n")
    if max(map(len, lines)) <= limit:
        return []
    found = []
    start = 0
    for line in lines:
        if len(line) > limit:
            found.append((start, start + len(line)))
        start += len(line) + 1
    return found


def _cut_point(text: str, low: int, high: int) -> int:
    """Where to break the stretch ``text[low:high]``: after a late space, else near ``high``."""
    space = text.rfind(" ", low + (high - low) // 2, high)
    if space >= 0:
        return space + 1
    cut = high
    while cut > max(low + 1, high - _MAX_CLUSTER_STEP) and _inside_cluster(text, low, cut):
        cut -= 1
    return cut if not _inside_cluster(text, low, cut) else high


def _inside_cluster(text: str, low: int, cut: int) -> bool:
    """Whether a break before ``text[cut]`` would split one visible character."""
    char, before = text[cut], text[cut - 1]
    code = ord(char)
    return (
        _ZWJ in (char, before)
        or unicodedata.combining(char) > 0
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        or _inside_flag(text, low, cut)
    )


def _inside_flag(text: str, low: int, cut: int) -> bool:
    """Whether ``cut`` falls between the two regional indicators of one flag."""
    if not (_is_regional(text[cut]) and _is_regional(text[cut - 1])):
        return False
    run = 1
    while cut - run > low and _is_regional(text[cut - run - 1]):
        run += 1
    # Flags pair up from the start of a run (``low`` is a break, so a flag boundary).
    return run % 2 == 1


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _with_breaks(text: str, breaks: list[int]) -> str:
    """``text`` with a newline inserted before each position in ``breaks``."""
    if not breaks:
        return text
    bounds = [0, *breaks, len(text)]
    return "\n".join(text[start:end] for start, end in pairwise(bounds))
