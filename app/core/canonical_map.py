"""Offsets through canonicalisation: where a position in a text lands in its canonical form.

Files made elsewhere (Windows line ends, macOS decomposed Hangul, stray controls) carry
spans counted in their own text. ``canonical_map`` follows the same steps as
``canonicalize`` and records, for every stretch it changed, the original and the
canonical range (a *unit*): a ``\\r\\n`` pair, a dropped control character, or a run that
NFC recomposed or reordered. Positions outside units shift by what the units before them
changed; a span boundary that falls *inside* a unit is widened to the whole unit, and the
map says so, so a caller can count it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# What the first two steps change: a line end with \r, or a C0 control but tab and newline.
_CHANGED = re.compile(r"\r\n?|[\x00-\x08\x0b-\x0c\x0e-\x1f]")
# Below U+0300 every character is a starter that never composes with what precedes it.
_FIRST_COMBINING = "\u0300"


@dataclass(frozen=True)
class MappedSpan:
    """A span's range in the canonical text; ``widened`` when a boundary moved out."""

    start: int
    end: int
    widened: bool


class _StepMap:
    """One step's changes: ``(old_start, old_end, new_start, new_end)`` units, in order."""

    def __init__(self, units: list[tuple[int, int, int, int]]) -> None:
        self._units = units
        self._starts = [unit[0] for unit in units]

    def position(self, position: int, *, as_end: bool) -> tuple[int, bool]:
        """Where ``position`` lands; inside a unit it moves to the unit's start or end."""
        index = bisect_right(self._starts, position) - 1
        if index < 0:
            return position, False
        old_start, old_end, new_start, new_end = self._units[index]
        if position == old_start:
            return new_start, False
        if position < old_end:
            return (new_end if as_end else new_start), True
        return position - old_end + new_end, False


class CanonicalMap:
    """The canonical form of a text and the way from its positions to canonical ones."""

    def __init__(self, text: str) -> None:
        stripped, first = _newlines_and_controls(text)
        self.text, second = _nfc(stripped)
        self._first = _StepMap(first)
        self._second = _StepMap(second)
        self.original = text

    @property
    def changed(self) -> bool:
        """True when canonicalisation changed the text."""
        return self.text != self.original

    def span(self, start: int, end: int) -> MappedSpan | None:
        """Map ``[start, end)``; None when it covers only characters canonicalisation drops."""
        first_start, widened_a = self._first.position(start, as_end=False)
        first_end, widened_b = self._first.position(end, as_end=True)
        if first_start >= first_end:
            return None
        new_start, widened_c = self._second.position(first_start, as_end=False)
        new_end, widened_d = self._second.position(first_end, as_end=True)
        return MappedSpan(new_start, new_end, widened_a or widened_b or widened_c or widened_d)


def canonical_map(text: str) -> CanonicalMap:
    """Canonicalise ``text`` and keep the map from its positions to canonical ones."""
    return CanonicalMap(text)


def _newlines_and_controls(text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """``\\r\\n``/``\\r`` to ``\\n``, C0 controls dropped; the units this changed."""
    pieces: list[str] = []
    units: list[tuple[int, int, int, int]] = []
    kept = 0  # characters of ``text`` consumed into ``pieces``
    length = 0  # length of the output so far
    for match in _CHANGED.finditer(text):
        start, end = match.span()
        pieces.append(text[kept:start])
        length += start - kept
        replacement = "\n" if match.group().startswith("\r") else ""
        units.append((start, end, length, length + len(replacement)))
        pieces.append(replacement)
        length += len(replacement)
        kept = end
    pieces.append(text[kept:])
    return "".join(pieces), units


def _nfc(text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """NFC ``text`` unit by unit; the units whose form changed."""
    if unicodedata.is_normalized("NFC", text):
        return text, []
    pieces: list[str] = []
    units: list[tuple[int, int, int, int]] = []
    position = 0
    for start, end in _nfc_units(text):
        piece = text[start:end]
        normal = unicodedata.normalize("NFC", piece)
        if normal != piece:
            units.append((start, end, position, position + len(normal)))
        pieces.append(normal)
        position += len(normal)
    result = "".join(pieces)
    if result != unicodedata.normalize("NFC", text):  # never seen; stay correct if it happens
        whole = unicodedata.normalize("NFC", text)
        return whole, [(0, len(text), 0, len(whole))]
    return result, units


def _nfc_units(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` where NFC of the parts joined equals NFC of the whole.

    A cut goes before a starter whose decomposition begins with a starter and which does
    not compose with the unit before it (Hangul vowel jamo, for one, join the syllable).
    """
    cuts = [0]
    for index in range(1, len(text)):
        char = text[index]
        if char < _FIRST_COMBINING or _safe_cut(text, cuts[-1], index):
            cuts.append(index)
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1) if cuts[i] < cuts[i + 1]]


def _safe_cut(text: str, unit_start: int, index: int) -> bool:
    char = text[index]
    if unicodedata.combining(char) or unicodedata.combining(unicodedata.normalize("NFD", char)[0]):
        return False
    before = text[unit_start:index]
    joined = unicodedata.normalize("NFC", before + char)
    return joined == unicodedata.normalize("NFC", before) + unicodedata.normalize("NFC", char)
