"""Reading the whole lines an annotator (or gold) tagged, for learned suggestions.

Only documents the annotator has raw-layer spans on are read, found through the spans
(small rows) rather than by scanning the documents (whose rows carry the texts). Within
a document, spans of one label are joined first, so a menu tagged as three touching
spans still teaches each of its lines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from app.core.learned_lines import LineMemory, TaggedLine, site_of


def whole_line_tags(
    db: sqlite3.Connection, annotator: str, *, site: str | None = None
) -> list[TaggedLine]:
    """Every whole line ``annotator`` tagged on the raw layer, in import order.

    ``site`` (as ``app.core.learned_lines.site_of`` gives it) keeps only that site's
    documents, so the window reads one site when it opens a page.
    """
    tagged: list[TaggedLine] = []
    for doc_id, url in _tagged_documents(db, annotator):
        if site is not None and site_of(doc_id, url) != site:
            continue
        row = db.execute("SELECT raw_text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        spans = db.execute(
            "SELECT label, start, end FROM spans WHERE doc_id = ? AND annotator = ?"
            " AND deleted = 0 AND layer = 'raw' ORDER BY label, start",
            (doc_id, annotator),
        ).fetchall()
        text = str(row[0])
        for label, start, end in spans_joined(spans):
            tagged += [
                TaggedLine(doc_id, url, text[first:last], label)
                for first, last in lines_within(text, start, end)
            ]
    return tagged


def line_memory(db: sqlite3.Connection, annotator: str, *, site: str | None = None) -> LineMemory:
    """The annotator's whole-line tags (of one site, or all) ready to suggest from."""
    return LineMemory(whole_line_tags(db, annotator, site=site))


def _tagged_documents(db: sqlite3.Connection, annotator: str) -> list[tuple[str, str | None]]:
    doc_ids = db.execute(
        "SELECT DISTINCT doc_id FROM spans WHERE annotator = ? AND deleted = 0 AND layer = 'raw'",
        (annotator,),
    ).fetchall()
    # One lookup by key each: a scan of ``documents`` would read every text's first pages.
    found = []
    for (doc_id,) in doc_ids:
        row = db.execute("SELECT rowid, url FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is not None:
            found.append((int(row[0]), str(doc_id), row[1]))
    return [(doc_id, url) for _, doc_id, url in sorted(found)]


def spans_joined(spans: list[tuple[str, int, int]]) -> Iterator[tuple[str, int, int]]:
    """Spans sorted by (label, start) joined where one label's spans touch or overlap."""
    current: tuple[str, int, int] | None = None
    for label, start, end in spans:
        if current is not None and current[0] == label and start <= current[2]:
            current = (label, current[1], max(current[2], end))
            continue
        if current is not None:
            yield current
        current = (label, start, end)
    if current is not None:
        yield current


def lines_within(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The lines whose visible text lies wholly inside ``[start, end)`` (line ranges,
    without the newline)."""
    first = text.rfind("\n", 0, start) + 1
    while first < end:
        newline = text.find("\n", first)
        last = len(text) if newline < 0 else newline
        line = text[first:last]
        visible_start = first + len(line) - len(line.lstrip())
        visible_end = first + len(line.rstrip())
        if visible_start < visible_end and start <= visible_start and visible_end <= end:
            yield first, last
        if newline < 0:
            return
        first = newline + 1
