"""What a document pane paints, and how each kind of mark looks.

A ``Mark`` is a range of the pane's stored text, in code points. ``MarkIndex`` finds the
marks over any range by binary search, so a pane asks only for the lines it shows.
``segment_styles`` turns the marks over one line into runs of one look each, and
``char_format`` turns a look into the ``QTextCharFormat`` Qt draws.

How marks look:

- dropped: the mark's colour (grey) as foreground, nothing else;
- suggestion: a hatched tile (light tint of the label colour with diagonal lines in a
  stronger tint) behind dimmed text: visibly not a label yet;
- span: a solid tint of the label colour (40 % colour, 60 % white) so black Hangul
  stays readable; where spans overlap, the innermost's colour at a stronger 62 % and a
  2 px underline in the colour of the span around it;
- the selected span: bold, with a 3 px underline in a dark shade of its own colour;
- evidence of a fact: a 2 px underline in the mark's colour over whatever else is drawn;
  evidence of the selected fact (``emphasis``) is bold with a 3 px underline;
- number: a figure offered as fact evidence, a 1 px underline: a hint, not a label.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter
from typing import NamedTuple

from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QTextCharFormat

DROPPED = "dropped"
SUGGESTION = "suggestion"
SPAN = "span"
EVIDENCE = "evidence"
NUMBER = "number"
KINDS = (DROPPED, SUGGESTION, SPAN, EVIDENCE, NUMBER)

SPAN_TINT = 0.40
OVERLAP_TINT = 0.62
SELECTED_TINT = 0.50
HATCH_FILL_TINT = 0.14
HATCH_LINE_TINT = 0.38
SUGGESTION_TEXT = "#5a5a5a"
HATCH_TILE = 8
OVERLAP_UNDERLINE = 2
SELECTED_UNDERLINE = 3
EVIDENCE_UNDERLINE = 2
NUMBER_UNDERLINE = 1
# Marks up to this long are found by binary search on their start; longer ones are few
# (whole dropped runs) and checked one by one.
SHORT_MARK = 4_096
# From this many marks changed at once, ``MarkIndex.update`` rebuilds rather than inserts.
BULK_MARKS = 256


class Mark(NamedTuple):
    """A painted range of a pane's stored text (a named tuple: thousands per page open).

    Attributes:
        start: Code-point offset into the pane's stored text.
        end: End offset, exclusive.
        color: Colour as ``#rrggbb``.
        kind: One of ``KINDS``.
        key: The span, suggestion or fact id, if any.
        emphasis: Drawn stronger (the selected fact's evidence).
    """

    start: int
    end: int
    color: str
    kind: str
    key: str | None = None
    emphasis: bool = False


@dataclass(frozen=True)
class Style:
    """The look of a run of text: what ``char_format`` draws."""

    background: str | None = None
    hatched: bool = False
    foreground: str | None = None
    underline: str | None = None
    bold: bool = False
    underline_px: int = 0  # 0: the width follows from ``bold`` (see ``underline_width``)


class MarkIndex:
    """The marks of one pane, searchable by range in O(log n + found).

    Marks with a key can be taken out and put in one by one (``remove_keys``, ``add``), so
    an edit that touches one span changes one entry, not the whole index.
    """

    def __init__(self, marks: Iterable[Mark]) -> None:
        kept = [mark for mark in marks if mark.end > mark.start]
        short = [mark for mark in kept if mark.end - mark.start <= SHORT_MARK]
        self._short = sorted(short, key=attrgetter("start"))
        self._starts = [mark.start for mark in self._short]
        self._long = [mark for mark in kept if mark.end - mark.start > SHORT_MARK]
        # A key's mark, or its list of marks when it has several (a span cut in pieces on
        # the clean pane): most keys have one, and 11,000 one-item lists cost a third of
        # accepting every suggestion's repaint.
        self._by_key: dict[str, Mark | list[Mark]] = {}
        self._index_keys(kept)
        self._all: tuple[Mark, ...] | None = tuple(kept)

    @property
    def marks(self) -> tuple[Mark, ...]:
        """Every mark held."""
        if self._all is None:
            self._all = tuple(self._short) + tuple(self._long)
        return self._all

    def keyed(self, key: str) -> list[Mark]:
        """The marks with ``key``."""
        held = self._by_key.get(key)
        if held is None:
            return []
        return list(held) if isinstance(held, list) else [held]

    def _index_keys(self, marks: Iterable[Mark]) -> None:
        by_key, held_by = self._by_key, self._by_key.get
        for mark in marks:
            key = mark.key
            if key is None:
                continue
            held = held_by(key)
            if held is None:
                by_key[key] = mark
            elif isinstance(held, list):
                held.append(mark)
            else:
                by_key[key] = [held, mark]

    def update(self, remove: Iterable[str], add: Iterable[Mark]) -> tuple[list[Mark], list[Mark]]:
        """Take out every mark with a key in ``remove``, put ``add`` in; (removed, added).

        A few marks are moved one by one; many (all suggestions accepted) rebuild the
        index in one sort, cheaper than thousands of list insertions.
        """
        keys = set(remove)
        removed: list[Mark] = []
        take = self._by_key.pop
        for key in keys:
            held = take(key, None)
            if held is not None:
                if isinstance(held, list):
                    removed += held
                else:
                    removed.append(held)
        added = [mark for mark in add if mark.end > mark.start]
        if not removed and not added:
            return removed, added
        self._all = None
        self._index_keys(added)
        if len(removed) + len(added) > BULK_MARKS:
            kept = [mark for mark in self._short if mark.key not in keys]
            self._long = [mark for mark in self._long if mark.key not in keys]
            self._short = sorted(
                kept + [m for m in added if m.end - m.start <= SHORT_MARK], key=attrgetter("start")
            )
            self._starts = [mark.start for mark in self._short]
            self._long += [m for m in added if m.end - m.start > SHORT_MARK]
            return removed, added
        for mark in removed:
            self._take_out(mark)
        for mark in added:
            self._put_in(mark)
        return removed, added

    def _take_out(self, mark: Mark) -> None:
        if mark.end - mark.start > SHORT_MARK:
            self._long.remove(mark)
            return
        index = bisect_left(self._starts, mark.start)
        while self._short[index] is not mark:
            index += 1
        del self._short[index], self._starts[index]

    def _put_in(self, mark: Mark) -> None:
        if mark.end - mark.start > SHORT_MARK:
            self._long.append(mark)
            return
        index = bisect_right(self._starts, mark.start)
        self._short.insert(index, mark)
        self._starts.insert(index, mark.start)

    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks sharing at least one code point with ``[start, end)``."""
        if end <= start:
            return []
        # A short mark reaching past ``start`` begins after ``start - SHORT_MARK``.
        low = bisect_right(self._starts, start - SHORT_MARK)
        high = bisect_left(self._starts, end)
        found = [mark for mark in self._short[low:high] if mark.end > start]
        found += [mark for mark in self._long if mark.start < end and mark.end > start]
        return found


def segment_styles(
    marks: Sequence[Mark], start: int, end: int, selected: str | None
) -> list[tuple[int, int, Style]]:
    """Runs ``(start, end, style)`` of ``[start, end)`` that some mark covers.

    Adjacent runs with the same look are merged, so a line usually gives one run per mark.
    """
    opening: dict[int, list[Mark]] = {}
    closing: dict[int, list[Mark]] = {}
    for mark in marks:
        opening.setdefault(max(mark.start, start), []).append(mark)
        closing.setdefault(min(mark.end, end), []).append(mark)
    points = sorted(opening.keys() | closing.keys())
    active: dict[int, Mark] = {}
    runs: list[tuple[int, int, Style]] = []
    for here, following in pairwise(points):
        for mark in closing.get(here, ()):
            active.pop(id(mark), None)
        for mark in opening.get(here, ()):
            active[id(mark)] = mark
        style = resolve_style(list(active.values()), selected)
        if style is None:
            continue
        if runs and runs[-1][1] == here and runs[-1][2] == style:
            runs[-1] = (runs[-1][0], following, style)
        else:
            runs.append((here, following, style))
    return runs


def resolve_style(active: Sequence[Mark], selected: str | None) -> Style | None:
    """The look of text covered by ``active`` marks, or None when nothing shows."""
    if not active:
        return None
    base = _text_style(active, selected)
    evidence = [mark for mark in active if mark.kind == EVIDENCE]
    if evidence:
        strong = next((mark for mark in evidence if mark.emphasis), evidence[0])
        width = SELECTED_UNDERLINE if strong.emphasis else EVIDENCE_UNDERLINE
        return replace(
            base or Style(), underline=strong.color, bold=strong.emphasis, underline_px=width
        )
    numbers = [mark for mark in active if mark.kind == NUMBER]
    if numbers and (base is None or base.underline is None):
        return replace(base or Style(), underline=numbers[0].color, underline_px=NUMBER_UNDERLINE)
    return base


def _text_style(active: Sequence[Mark], selected: str | None) -> Style | None:
    """The look from dropped text, suggestions and spans (fact marks come on top)."""
    dropped = [mark for mark in active if mark.kind == DROPPED]
    suggestions = [mark for mark in active if mark.kind == SUGGESTION]
    spans = sorted(
        (mark for mark in active if mark.kind == SPAN), key=lambda m: m.start - m.end
    )  # outermost (longest) first, innermost last
    dimmed = dropped[0].color if dropped else None
    if spans:
        return _span_style(spans, selected, dimmed)
    if suggestions:
        # Darker than plain dropped text: the hatching behind it already dims it.
        shortest = min(suggestions, key=lambda m: m.end - m.start)
        return Style(background=shortest.color, hatched=True, foreground=SUGGESTION_TEXT)
    return Style(foreground=dimmed) if dimmed else None


def _span_style(spans: Sequence[Mark], selected: str | None, foreground: str | None) -> Style:
    """Innermost span's tint; an overlap darkens it and underlines in the outer colour."""
    inner = spans[-1]
    chosen = next((span for span in spans if selected is not None and span.key == selected), None)
    if chosen is not None:
        tint = max(SELECTED_TINT, OVERLAP_TINT if len(spans) > 1 else 0.0)
        underline = QColor(chosen.color).darker(170).name()
        return Style(blend(inner.color, tint), False, foreground, underline, bold=True)
    if len(spans) > 1:
        return Style(blend(inner.color, OVERLAP_TINT), False, foreground, spans[-2].color)
    return Style(blend(inner.color, SPAN_TINT), False, foreground)


def blend(color: str, share: float) -> str:
    """``color`` mixed with white, ``share`` of it colour: 0 is white, 1 the colour."""
    base = QColor(color)
    channels = (base.red(), base.green(), base.blue())
    mixed = [round(255 - (255 - channel) * share) for channel in channels]
    return QColor(*mixed).name()


def underline_width(style: Style) -> int:
    """Pixel height of the line the pane draws under a run: strong for the selection."""
    if style.underline is None:
        return 0
    if style.underline_px:
        return style.underline_px
    return SELECTED_UNDERLINE if style.bold else OVERLAP_UNDERLINE


@lru_cache(maxsize=256)
def char_format(style: Style) -> QTextCharFormat:
    """The character format that draws ``style`` (cached: there are few distinct looks)."""
    fmt = QTextCharFormat()
    if style.background is not None:
        if style.hatched:
            fmt.setBackground(hatch_brush(style.background))
        else:
            fmt.setBackground(QColor(style.background))
    if style.foreground is not None:
        fmt.setForeground(QColor(style.foreground))
    # ``underline`` is drawn by the pane (see ``underline_width``): Qt puts a font
    # underline below the background box, where the next line's background hides it.
    if style.bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    return fmt


@lru_cache(maxsize=64)
def hatch_brush(color: str) -> QBrush:
    """A tiled brush: a light tint of ``color`` crossed by diagonal lines of a stronger one."""
    tile = QImage(HATCH_TILE, HATCH_TILE, QImage.Format.Format_RGB32)
    tile.fill(QColor(blend(color, HATCH_FILL_TINT)))
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(blend(color, HATCH_LINE_TINT)), 1.5))
    # Two segments so the lines continue across tile edges.
    painter.drawLine(0, HATCH_TILE, HATCH_TILE, 0)
    painter.drawLine(-HATCH_TILE // 2, HATCH_TILE // 2, HATCH_TILE // 2, -HATCH_TILE // 2)
    painter.drawLine(HATCH_TILE // 2, HATCH_TILE * 3 // 2, HATCH_TILE * 3 // 2, HATCH_TILE // 2)
    painter.end()
    return QBrush(tile)
