"""How well a document's cleaner did against the labels: character precision, recall, F1.

The gold clean text (``app.core.gold_text``) is the raw text with one layer's spam regions
removed. A cleaner is scored on **raw-text character positions, whitespace excluded**, so
tidying, changed indentation and joined lines never count for or against it:

- *gold keeps*: raw positions of a non-whitespace character that no spam span of the
  layer covers. These are exactly the non-whitespace characters of the gold clean text.
- *cleaner keeps*: raw positions of a non-whitespace character that the raw side of an
  alignment segment covers, plus every non-whitespace character of the clean text that no
  segment covers (text the cleaner invented, or that could not be traced back to the raw
  text): those are kept by the cleaner and, having no raw position, never gold.
- ``tp`` = kept by both; ``fp`` = kept by the cleaner only; ``fn`` = kept by gold only.
  Precision = tp / (tp + fp), recall = tp / (tp + fn), F1 their harmonic mean.

Empty cases: when neither side keeps anything (an all-spam page the cleaner emptied),
precision, recall and F1 are all 1.0: the cleaner was right. Otherwise a ratio with a zero
denominator is 0.0 (a cleaner that kept nothing of an article has precision 0.0, not an
undefined one; a cleaner that kept text of an all-spam page has recall 0.0), so F1 is 0.0.

Whitespace is what ``str.isspace`` says (the rule ``str.strip`` uses in the gold text), so
NBSP and ideographic spaces are whitespace and a zero-width space is not. Counting runs on
slices with ``str.split`` (in C), interval by interval: a 2 MB page scores in milliseconds.
Overall figures are micro averages (tp, fp and fn summed over documents); ``macro_f1`` is
the mean of the documents' F1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

from app.core.alignment import Segment
from app.core.gold_text import spam_free_ranges

Range = tuple[int, int]

# Every character ``str.isspace`` accepts, which is what ``str.split`` drops.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class CleanerScore:
    """Character counts of one document (or the sum of many): kept by both, by one side."""

    tp: int
    fp: int
    fn: int

    @property
    def cleaner_keeps(self) -> int:
        """Non-whitespace characters the cleaner kept (traced or not)."""
        return self.tp + self.fp

    @property
    def gold_keeps(self) -> int:
        """Non-whitespace characters the gold clean text keeps."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """Share of what the cleaner kept that gold keeps too."""
        return _ratio(self.tp, self.cleaner_keeps, both_empty=self.gold_keeps == 0)

    @property
    def recall(self) -> float:
        """Share of what gold keeps that the cleaner kept too."""
        return _ratio(self.tp, self.gold_keeps, both_empty=self.cleaner_keeps == 0)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0.0 when both are 0."""
        precision, recall = self.precision, self.recall
        if precision + recall == 0:
            return 0.0
        return 2 * precision * recall / (precision + recall)

    def __add__(self, other: CleanerScore) -> CleanerScore:
        return CleanerScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


NO_CHARACTERS = CleanerScore(0, 0, 0)


def score_document(
    raw_text: str,
    clean_text: str,
    segments: Sequence[Segment],
    spam_spans: Iterable[tuple[int, int]],
) -> CleanerScore:
    """Score one document's clean text against the gold clean text of ``spam_spans``.

    Args:
        raw_text: The canonical raw text.
        clean_text: The cleaner's canonical clean text.
        segments: The stored alignment of ``clean_text`` to ``raw_text``.
        spam_spans: ``(start, end)`` of the layer's live raw-layer spam spans; they may
            overlap and are clipped to the raw text.

    Returns:
        The document's tp, fp and fn (rule in the module docstring).
    """
    gold = spam_free_ranges(len(raw_text), spam_spans)
    kept_raw = _clip(_union((s.raw_start, s.raw_end) for s in segments), len(raw_text))
    traced_clean = _clip(_union((s.clean_start, s.clean_end) for s in segments), len(clean_text))
    tp = _visible_in(raw_text, _intersection(kept_raw, gold))
    cleaner_keeps = _visible_in(raw_text, kept_raw)
    untraced = _visible(clean_text) - _visible_in(clean_text, traced_clean)
    return CleanerScore(
        tp=tp, fp=cleaner_keeps - tp + untraced, fn=_visible_in(raw_text, gold) - tp
    )


def total(scores: Iterable[CleanerScore]) -> CleanerScore:
    """The micro-average counts: tp, fp and fn summed."""
    summed = NO_CHARACTERS
    for score in scores:
        summed += score
    return summed


def macro_f1(scores: Sequence[CleanerScore]) -> float | None:
    """The mean F1 of the documents, each counting once; None for no documents."""
    if not scores:
        return None
    return sum(score.f1 for score in scores) / len(scores)


def _ratio(part: int, whole: int, *, both_empty: bool) -> float:
    if whole:
        return part / whole
    return 1.0 if both_empty else 0.0


def _visible(text: str) -> int:
    """Non-whitespace characters of ``text``: ``str.split`` drops exactly the whitespace."""
    return sum(map(len, text.split()))


def _visible_in(text: str, ranges: Iterable[Range]) -> int:
    """Non-whitespace characters of ``text`` inside ``ranges`` (which do not overlap).

    By counting each whitespace character the text has, in place: slicing and splitting
    every range made scoring a 2 MB page take 100 ms on the window's thread.
    """
    pairs = list(ranges)
    starts, ends = [start for start, _ in pairs], [end for _, end in pairs]
    length = len(text)
    visible = sum(max(0, min(end, length) - min(start, length)) for start, end in pairs)
    for space in (char for char in WHITESPACE if char in text):
        visible -= sum(map(text.count, repeat(space), starts, ends))
    return visible


def _union(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, disjoint, non-empty ranges covering what ``ranges`` cover."""
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _clip(ranges: list[Range], length: int) -> list[Range]:
    """``ranges`` cut to ``[0, length)``: a stale alignment must not count text twice."""
    clipped = [(max(start, 0), min(end, length)) for start, end in ranges]
    return [(start, end) for start, end in clipped if start < end]


def _intersection(first: list[Range], second: list[Range]) -> list[Range]:
    """What two sorted, disjoint range lists both cover: one merge-like walk."""
    common: list[Range] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            common.append((start, end))
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return common


@dataclass(frozen=True)
class ScoredDocument:
    """One document's score, with what a report names it by."""

    doc_id: str
    cleaner: str
    score: CleanerScore


def worst_first(documents: Iterable[ScoredDocument]) -> list[ScoredDocument]:
    """Lowest F1 first; among equal F1, more wrong characters first, then input order."""
    return sorted(documents, key=lambda doc: (doc.score.f1, -(doc.score.fp + doc.score.fn)))


def by_cleaner(documents: Iterable[ScoredDocument]) -> dict[str, list[CleanerScore]]:
    """The documents' scores grouped by cleaner name, names sorted."""
    groups: dict[str, list[CleanerScore]] = {}
    for doc in documents:
        groups.setdefault(doc.cleaner, []).append(doc.score)
    return dict(sorted(groups.items()))


def kept_by_label(
    raw_text: str, segments: Sequence[Segment], spam: Iterable[tuple[int, int, str]]
) -> dict[str, tuple[int, int]]:
    """Per spam label: (non-whitespace characters the cleaner kept, all of that label's).

    A label's characters are the union of its spans (clipped to the raw text); what the
    cleaner kept of them is what leaks through it into the clean text.
    """
    kept_raw = _clip(_union((s.raw_start, s.raw_end) for s in segments), len(raw_text))
    by_label: dict[str, list[Range]] = {}
    for start, end, label in spam:
        by_label.setdefault(label, []).append((start, end))
    result = {}
    for label, ranges in sorted(by_label.items()):
        covered = _clip(_union(ranges), len(raw_text))
        kept = _visible_in(raw_text, _intersection(covered, kept_raw))
        result[label] = (kept, _visible_in(raw_text, covered))
    return result
