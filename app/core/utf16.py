"""The one place where code-point offsets and Qt's UTF-16 positions meet.

Stored offsets are Python code-point indexes; Qt counts UTF-16 code units, so every
character outside the Basic Multilingual Plane (emoji, flags, some CJK extensions) counts
twice in Qt. Canonical text has no ``\\r``, so lines and paragraphs agree on both sides.
A position Qt reports in the middle of a surrogate pair is rounded down to its character.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import count


class Utf16Map:
    """Converts positions in one text between code points and UTF-16 units.

    Built in one pass over the text; each conversion is a binary search over the
    astral characters only, so plain Korean text converts in constant time.
    """

    def __init__(self, text: str) -> None:
        astral = [i for i, char in enumerate(text) if ord(char) > 0xFFFF]
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
