"""What a document pane paints, and how each kind of mark looks.

A ``Mark`` is a range of the pane's stored text, in code points. ``MarkIndex``
(``widgets.mark_index``) finds the marks over any range, so a pane asks only for the lines
it shows.
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

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
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
