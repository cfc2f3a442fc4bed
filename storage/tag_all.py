"""Tag every hit of a find with one label, as one transaction, and take it back as one.

A find across the corpus (``storage.corpus_search``) lists hits; the label key in its
results tags them all (or the checked ones). Each hit becomes a raw-layer span by the
annotator, with two rules so that tagging all is what tagging each by hand would be:

- A hit that is a whole line (it equals its line's text without the surrounding
  whitespace) grows to the whole line, as the line key would select it. Learned
  suggestions then learn the line, and the span is the same on every page.
- A hit already covered by that annotator's spans of that label (one span, or touching
  spans of the label, or a span this same call writes) is left alone, so pressing the
  key twice writes nothing the second time.

Every document's spans are written in one transaction: a refusal or a failure on the
hundredth document leaves the first ninety-nine untouched. ``untag_all`` tombstones
exactly the rows written (one transaction, too); ``retag_all`` brings them back (redo).
New rows are stamped as ``storage.annotations`` stamps them; rewrites use
``next_version`` through ``set_spans_deleted``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.document import SpanRecord
from app.core.selection import line_range, trim
from storage.annotations import (
    AnnotationRefused,
    NewSpan,
    checked_spans,
    insert_spans,
    layer_texts,
    set_spans_deleted,
)
from storage.labelfile import LabelFile, utc_now
from storage.learned_rows import spans_joined

# (doc_id, start, end): a hit in a document's raw text, in code points.
HitRange = tuple[str, int, int]


@dataclass(frozen=True)
class WrittenSpan:
    """A span tag-all wrote, with its document (``SpanRecord`` has no document id)."""

    doc_id: str
    span: SpanRecord


@dataclass(frozen=True)
class TagAllResult:
    """What one tag-all did: the rows written, and how many hits were already covered."""

    label: str
    written: tuple[WrittenSpan, ...]
    covered: int  # hits left alone: that label already covered them

    @property
    def span_ids(self) -> list[str]:
        """The ids of the written rows, for undo and redo."""
        return [written.span.id for written in self.written]

    @property
    def documents(self) -> int:
        """Documents that got at least one new span."""
        return len({written.doc_id for written in self.written})


def tag_all(
    label_file: LabelFile, hits: Iterable[HitRange], label: str, annotator: str
) -> TagAllResult:
    """Write a ``label`` span by ``annotator`` for every hit not already covered.

    Raises:
        AnnotationRefused: a hit outside its document's text, an unknown document or
            label; nothing is written then.
        WriteFailed: the file could not be written (full disk); nothing is written.
    """
    by_document = _grouped(hits)
    now = utc_now()
    written: list[WrittenSpan] = []
    covered = 0
    with label_file.transaction() as db:
        if db.execute("SELECT 1 FROM labels WHERE name = ?", (label,)).fetchone() is None:
            raise AnnotationRefused(f"label {label!r} is not in this file's schema")
        for doc_id, ranges in by_document.items():
            records, skipped = _tag_document(
                db, doc_id, ranges, label=label, annotator=annotator, now=now
            )
            written += [WrittenSpan(doc_id, record) for record in records]
            covered += skipped
    return TagAllResult(label, tuple(written), covered)


def untag_all(label_file: LabelFile, result: TagAllResult) -> None:
    """Undo a tag-all: tombstone exactly the rows it wrote, in one transaction."""
    set_spans_deleted(label_file, result.span_ids, True)


def retag_all(label_file: LabelFile, result: TagAllResult) -> None:
    """Redo a tag-all that was undone: bring its rows back, in one transaction."""
    set_spans_deleted(label_file, result.span_ids, False)


def grown_to_line(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` grown to its whole lines when it is exactly their visible text;
    otherwise unchanged."""
    if not 0 <= start < end <= len(text):
        return start, end  # refused later, with the document named
    first, last = line_range(text, start, end)
    if trim(text, first, last) == (start, end):
        return first, last
    return start, end


def _grouped(hits: Iterable[HitRange]) -> dict[str, list[tuple[int, int]]]:
    """Hits per document, in the order documents first appear."""
    grouped: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, end in hits:
        grouped.setdefault(doc_id, []).append((start, end))
    return grouped


def _tag_document(
    db: sqlite3.Connection,
    doc_id: str,
    ranges: Sequence[tuple[int, int]],
    *,
    label: str,
    annotator: str,
    now: str,
) -> tuple[list[SpanRecord], int]:
    """Insert one document's new spans (inside the caller's transaction)."""
    texts = layer_texts(db, doc_id)
    raw = texts["raw"]
    cover = _existing_cover(db, doc_id, label, annotator)
    new: list[NewSpan] = []
    skipped = 0
    for start, end in sorted(grown_to_line(raw, start, end) for start, end in ranges):
        if _covered(cover, start, end):
            skipped += 1
            continue
        new.append(NewSpan("raw", start, end, label))
        cover.append((start, end))
    # A hit outside the text raises here, before anything of the document is written.
    records = checked_spans(new, texts, labels={label}, annotator=annotator, now=now)
    insert_spans(db, doc_id, records)
    return records, skipped


def _existing_cover(
    db: sqlite3.Connection, doc_id: str, label: str, annotator: str
) -> list[tuple[int, int]]:
    """The ranges the annotator's live raw spans of ``label`` cover, touching ones joined."""
    spans = db.execute(
        "SELECT label, start, end FROM spans WHERE doc_id = ? AND annotator = ? AND label = ?"
        " AND layer = 'raw' AND deleted = 0 ORDER BY start",
        (doc_id, annotator, label),
    ).fetchall()
    return [(start, end) for _, start, end in spans_joined(spans)]


def _covered(cover: list[tuple[int, int]], start: int, end: int) -> bool:
    # A hit inside two touching spans of which one was written just now is covered by
    # neither alone; joining again keeps the rule "covered by the label's spans" exact.
    joined = spans_joined([("", first, last) for first, last in sorted(cover)])
    return any(first <= start and end <= last for _, first, last in joined)
