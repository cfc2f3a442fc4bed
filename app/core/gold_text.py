"""Gold clean text: a document's raw text with one layer's spam regions taken out.

ARCHITECTURE ("What gold means"): the gold clean text is the raw text minus the gold
layer's spam regions; it depends on no cleaner. This module computes it from a canonical
raw text and raw-layer spam ranges, and keeps a map from every piece of the result back
to raw offsets, so a trainer can score a cleaner character by character.

The tidying rule, applied one raw line at a time (a raw line is the text between two
``"\\n"``; spans are code-point offsets, end exclusive):

1. Take the characters of the raw line that no spam range covers, in order. Text on both
   sides of a spam region inside one line is joined directly (``"a [ad] b"`` with
   ``"[ad]"`` removed keeps both spaces: ``"a  b"``); a spam region that runs across line
   ends never joins text from two raw lines, so every gold line comes from one raw line.
2. Strip leading and trailing whitespace (``str.strip``) from what is kept.
3. Drop the line when nothing is left.
4. Join the remaining lines with a single ``"\\n"``; there is no leading or trailing
   newline, and no empty line.

Whitespace inside a line is left alone. The result is a fixed point: tidying it again with
no spam ranges returns the same text.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass

Piece = tuple[int, int, int]


@dataclass(frozen=True)
class GoldClean:
    """The gold clean text and the map of its pieces back to the raw text.

    Each piece ``(gold_start, gold_end, raw_start)`` says
    ``text[gold_start:gold_end] == raw_text[raw_start:raw_start + gold_end - gold_start]``.
    Pieces are sorted, never overlap, and are as long as possible; a character of ``text``
    covered by no piece is a ``"\\n"`` the tidying inserted between two lines.
    """

    text: str
    pieces: tuple[Piece, ...]


def spam_free_ranges(raw_length: int, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[0, raw_length)`` that no span covers: sorted, non-empty, disjoint.

    Spans are clipped to ``[0, raw_length)``; empty or inverted spans cover nothing.
    """
    free: list[tuple[int, int]] = []
    cursor = 0
    for start, end in sorted(spans):
        if cursor < end and start < end and start < raw_length:
            if start > cursor:
                free.append((cursor, start))
            cursor = end
    if cursor < raw_length:
        free.append((cursor, raw_length))
    return free


def gold_clean_text(raw_text: str, spam_spans: Iterable[tuple[int, int]]) -> GoldClean:
    """Remove ``spam_spans`` from ``raw_text`` and tidy whitespace (rule in the module doc).

    The kept ranges are joined into one stream, with a ``"\\n"`` where a removed range held
    a line end; tidying that stream (every whitespace run holding a line end becomes one
    ``"\\n"``, the ends are stripped) gives the same text as tidying line by line, with
    the regular expression doing the per-line work.
    """
    stream, chunks = _kept_stream(raw_text, spam_free_ranges(len(raw_text), spam_spans))
    begin = len(stream) - len(stream.lstrip())
    body = stream[begin : len(stream.rstrip())]
    removed = _removed_runs(body)
    starts = [0, *(end for _start, end in removed)]
    ends = [*(start for start, _end in removed), len(body)]
    kept = [(start, end) for start, end in zip(starts, ends, strict=True) if start < end]
    text = "\n".join(body[start:end] for start, end in kept)
    return GoldClean(text, _pieces([(begin + a, begin + b) for a, b in kept], chunks))


# A line end followed by whitespace (further blank lines, the next line's indent).
_LINE_END_AND_SPACE = re.compile(r"\n\s+")


def _removed_runs(body: str) -> list[tuple[int, int]]:
    """Whitespace runs holding a line end, other than a lone ``"\\n"``: each becomes one.

    The pattern starts with a literal newline, which the regex engine finds fast. Run on
    the text it finds each run's part from its first line end on; run on the reversed
    text, its part up to its last line end (the trailing spaces of the line before). The
    two parts of a run overlap, so merging them gives the runs.
    """
    length = len(body)
    forward = [match.span() for match in _LINE_END_AND_SPACE.finditer(body)]
    backward = [
        (length - end, length - start)
        for start, end in map(re.Match.span, _LINE_END_AND_SPACE.finditer(body[::-1]))
    ]
    if not backward:
        return forward
    backward.reverse()
    runs: list[tuple[int, int]] = []
    for start, end in heapq.merge(forward, backward):
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(end, runs[-1][1]))
        else:
            runs.append((start, end))
    return runs


# (stream start, raw start) of each kept range; a raw start of -1 marks an inserted "\n".
_Chunk = tuple[int, int]


def _kept_stream(raw_text: str, free: list[tuple[int, int]]) -> tuple[str, list[_Chunk]]:
    parts: list[str] = []
    chunks: list[_Chunk] = []
    length = previous_end = 0
    for start, end in free:
        if length and raw_text.find("\n", previous_end, start) >= 0:
            parts.append("\n")
            chunks.append((length, -1))
            length += 1
        parts.append(raw_text[start:end])
        chunks.append((length, start))
        length += end - start
        previous_end = end
    chunks.append((length, -1))  # sentinel: where the stream ends
    return "".join(parts), chunks


def _pieces(segments: list[tuple[int, int]], chunks: list[_Chunk]) -> tuple[Piece, ...]:
    """Map each kept stream segment to raw offsets, chunk by chunk, merging where contiguous."""
    pieces: list[Piece] = []
    gold = 0
    index = 0
    for start, end in segments:
        while chunks[index + 1][0] <= start:
            index += 1
        position = start
        while position < end:
            chunk_start, raw_start = chunks[index]
            stop = min(end, chunks[index + 1][0])
            if raw_start >= 0:
                _add_piece(
                    pieces,
                    gold + position - start,
                    gold + stop - start,
                    raw_start + position - chunk_start,
                )
            position = stop
            if stop == chunks[index + 1][0]:
                index += 1
        gold += end - start + 1
    return tuple(pieces)


def _add_piece(pieces: list[Piece], gold_start: int, gold_end: int, raw_start: int) -> None:
    if pieces:
        last_start, last_end, last_raw = pieces[-1]
        if last_end == gold_start and last_raw + last_end - last_start == raw_start:
            pieces[-1] = (last_start, gold_end, last_raw)
            return
    pieces.append((gold_start, gold_end, raw_start))
