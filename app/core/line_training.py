"""Training the line model on labelled pages, and measuring it on pages it never saw.

``prepare_page`` runs in worker processes: it cleans a page with the base cleaner, aligns
that clean text to the raw text and turns every non-blank raw line into a feature row
with its label. ``held_out`` splits pages by a hash of (seed, id), so the same file and
seed always hold out the same pages. ``measure`` scores a model on held-out pages: line
accuracy, and character precision, recall and F1 exactly as ``thresher evaluate`` counts
them (its clean text is the kept lines), beside the base cleaner's own F1 on those pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.alignment import Segment, align
from app.core.canonical import canonicalize
from app.core.cleaners import Cleaner, CleanInput, ImportContext, get_cleaner
from app.core.evaluation import NO_CHARACTERS, CleanerScore, score_document
from app.core.leaderboard import PageToClean
from app.core.line_features import KEEP, Line, line_labels
from app.core.line_model import LineModel, PageExample, char_weight, page_example


@dataclass(frozen=True)
class PreparedPage:
    """A labelled page ready for training and measuring."""

    doc_id: str
    raw_text: str
    spam: tuple[tuple[int, int], ...]
    lines: tuple[Line, ...]
    example: PageExample
    base_score: CleanerScore


@dataclass(frozen=True)
class Measured:
    """A model on held-out pages."""

    pages: int
    lines: int
    line_accuracy: float
    score: CleanerScore
    base_score: CleanerScore


_worker: dict[str, tuple[Cleaner | None, ImportContext]] = {}


def set_base(base: str, context: ImportContext) -> None:
    """Build the base cleaner in this process (a pool initializer)."""
    _worker["job"] = (None if base == "none" else get_cleaner(base), context)


def prepare_page(page: PageToClean) -> PreparedPage:
    """Clean with the base cleaner, align, and label every line (see the module docstring)."""
    base, context = _worker["job"]
    raw = page.raw_text
    clean = raw
    if base is not None:
        clean = canonicalize(base.clean(CleanInput(raw, page.raw_html), context))
    segments = align(raw, clean) if base is not None else [Segment(0, len(raw), 0, len(raw))]
    lines, rows = page_example(raw, segments)
    labels = line_labels(lines, page.spam)
    ranges = tuple((start, end) for start, end, _label in page.spam)
    example = PageExample(rows, labels, [char_weight(line) for line in lines])
    base_score = score_document(raw, clean, segments, ranges)
    return PreparedPage(page.doc_id, raw, ranges, tuple(lines), example, base_score)


def is_held_out(doc_id: str, share: float, seed: int) -> bool:
    """True for the pages held out for measuring: a hash of (seed, id) below ``share``."""
    digest = hashlib.sha256(f"{seed}\x1f{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def kept_text(lines: Sequence[Line], labels: Sequence[str]) -> tuple[str, list[Segment]]:
    """The clean text of the lines labelled keep (stripped, one per line) and its alignment."""
    pieces: list[str] = []
    segments: list[Segment] = []
    at = 0
    for line, label in zip(lines, labels, strict=True):
        if label != KEEP:
            continue
        stripped = line.text.strip()
        offset = line.start + len(line.text) - len(line.text.lstrip())
        if pieces:
            at += 1  # the newline between kept lines
        segments.append(Segment(offset, offset + len(stripped), at, at + len(stripped)))
        pieces.append(stripped)
        at += len(stripped)
    return "\n".join(pieces), segments


def measure(model: LineModel, pages: Sequence[PreparedPage]) -> Measured:
    """Line accuracy and character scores of ``model`` on ``pages`` (see module docstring)."""
    right = total = 0
    score = base = NO_CHARACTERS
    for page in pages:
        predicted = model.predict(page.example.rows)
        right += sum(p == g for p, g in zip(predicted, page.example.labels, strict=True))
        total += len(predicted)
        clean, segments = kept_text(page.lines, predicted)
        score += score_document(page.raw_text, clean, segments, page.spam)
        base += page.base_score
    return Measured(len(pages), total, right / total if total else 0.0, score, base)
