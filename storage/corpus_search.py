"""Find a literal or a regular expression in every document's raw text.

``find`` is what ``thresher find`` prints and what the window lists. Candidates come from
the trigram index (``storage.text_index``) when the pattern holds a literal of three or
more characters; otherwise, and for documents the index lacks, the texts are scanned.
The index folds case and only narrows: every hit is found in ``raw_text`` itself, so its
range is exact, in code points (a Hangul syllable, an emoji or a flag's two regional
indicators count as Python counts them).
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from app.core.regex_fragments import required_fragments
from storage.labelfile import read_snapshot
from storage.text_index import has_text_index, match_expression, unindexed_count

# Characters of the line shown on each side of a hit.
CONTEXT_CHARS = 60
# progress(documents read, documents to read) while texts are read.
Progress = Callable[[int, int], None]
# Progress is reported every this many documents.
PROGRESS_EVERY = 500


class PatternError(ValueError):
    """The pattern cannot be searched for (empty, or not a valid regular expression)."""


@dataclass(frozen=True)
class FindHit:
    """One match: ``raw_text[start:end] == text`` of document ``doc_id``, on line ``line``."""

    doc_id: str
    line: int  # from 1: the line the match starts on
    start: int
    end: int
    text: str
    context: str  # the line(s) around the match, clipped to CONTEXT_CHARS each side
    context_start: int  # where ``context`` starts in the raw text

    def as_json(self) -> dict[str, Any]:
        """The hit as ``thresher find --json`` prints it."""
        return {
            "doc_id": self.doc_id,
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "context": self.context,
            "context_start": self.context_start,
        }


@dataclass(frozen=True)
class FindResult:
    """Every hit up to the limit, and the totals over the whole file (or over what was read
    when ``complete`` is False: a search asked to stop at the limit)."""

    pattern: str
    regex: bool
    hits: tuple[FindHit, ...]
    documents: int  # documents with at least one hit
    total_hits: int  # all hits, also those past the limit
    used_index: bool  # the trigram index chose the candidates
    read: int  # documents whose text was read
    complete: bool = True  # every candidate was read, so the totals are the file's

    @property
    def truncated(self) -> bool:
        """True when more hits exist (or may exist) than are listed."""
        return len(self.hits) < self.total_hits or not self.complete

    def as_json(self) -> dict[str, Any]:
        """The result as ``thresher find --json`` prints it."""
        return {
            "pattern": self.pattern,
            "regex": self.regex,
            "documents": self.documents,
            "hits": self.total_hits,
            "listed": len(self.hits),
            "truncated": self.truncated,
            "complete": self.complete,
            "used_index": self.used_index,
            "results": [hit.as_json() for hit in self.hits],
        }


@dataclass
class _Tally:
    limit: int | None
    hits: list[FindHit]
    documents: int = 0
    total: int = 0
    read: int = 0

    @property
    def full(self) -> bool:
        return self.limit is not None and len(self.hits) >= self.limit


Matcher = Callable[[str], Iterator[tuple[int, int]]]


def find(
    db: sqlite3.Connection,
    pattern: str,
    *,
    regex: bool = False,
    limit: int | None = None,
    count_all: bool = True,
    progress: Progress | None = None,
) -> FindResult:
    """Every match of ``pattern`` in the raw texts, in import order, then text order.

    Literal matches do not overlap (as an editor's find); a regular expression runs with
    ``re.MULTILINE`` (``^``/``$`` match at each line) and empty matches are left out.
    ``limit`` caps the hits listed. With ``count_all`` the totals are the whole file's
    (every candidate text is read: seconds for a literal on every page of a large file);
    without, the search stops once ``limit`` hits are listed (a first page of results).

    Raises:
        PatternError: the pattern is empty or not a valid regular expression.
    """
    if not pattern:
        raise PatternError("the pattern is empty")
    if limit is not None and limit < 0:
        raise PatternError(f"the limit must be 0 or more, not {limit}")
    matcher, fragments = _literal(pattern) if not regex else _regex(pattern)
    # The longest required literal is looked for first: most texts fail it at once.
    must_hold = max(fragments, key=len) if fragments else None
    expression = match_expression(fragments) if has_text_index(db) else None
    tally = _Tally(limit, [])
    complete = True
    with read_snapshot(db):
        total, rows = _candidates(db, expression)
        for number, (doc_id, text) in enumerate(rows, start=1):
            if progress is not None and (number % PROGRESS_EVERY == 0 or number == total):
                progress(number, total)
            if not count_all and tally.full:
                complete = False
                break
            tally.read += 1
            if must_hold is None or must_hold in text:
                _collect(tally, doc_id, text, matcher)
    return FindResult(
        pattern,
        regex,
        tuple(tally.hits),
        tally.documents,
        tally.total,
        expression is not None,
        tally.read,
        complete,
    )


def _literal(pattern: str) -> tuple[Matcher, list[str]]:
    def matches(text: str) -> Iterator[tuple[int, int]]:
        position = text.find(pattern)
        while position >= 0:
            yield position, position + len(pattern)
            position = text.find(pattern, position + len(pattern))

    return matches, [pattern]


def _regex(pattern: str) -> tuple[Matcher, list[str]]:
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except (re.error, OverflowError, RecursionError) as error:
        raise PatternError(f"{pattern!r} is not a valid regular expression ({error})") from error

    def matches(text: str) -> Iterator[tuple[int, int]]:
        for match in compiled.finditer(text):
            if match.end() > match.start():
                yield match.start(), match.end()

    return matches, required_fragments(compiled)


def _collect(tally: _Tally, doc_id: str, text: str, matcher: Matcher) -> None:
    line, counted_to, found = 1, 0, 0
    for start, end in matcher(text):
        found += 1
        if tally.limit is not None and len(tally.hits) >= tally.limit:
            continue  # still counted; the ranges past the limit are not kept
        line += text.count("\n", counted_to, start)
        counted_to = start
        context_start, context_end = _context(text, start, end)
        tally.hits.append(
            FindHit(
                doc_id,
                line,
                start,
                end,
                text[start:end],
                text[context_start:context_end],
                context_start,
            )
        )
    if found:
        tally.documents += 1
        tally.total += found


def _context(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines the match touches, clipped to ``CONTEXT_CHARS`` on each side of it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return max(line_start, start - CONTEXT_CHARS), min(max(line_end, end), end + CONTEXT_CHARS)


def _candidates(
    db: sqlite3.Connection, expression: str | None
) -> tuple[int, Iterator[tuple[str, str]]]:
    """How many documents to read, and their (id, raw text) in import order: the index's
    candidates and every document it lacks, or without an expression all documents."""
    if expression is None:
        (total,) = db.execute("SELECT count(*) FROM documents").fetchone()
        rows = db.execute("SELECT id, raw_text FROM documents ORDER BY rowid")
        return int(total), ((str(doc_id), str(text)) for doc_id, text in rows)
    (found,) = db.execute(
        "SELECT count(*) FROM text_index WHERE text_index MATCH ?", (expression,)
    ).fetchone()
    missing = unindexed_count(db)
    return int(found) + missing, _indexed_rows(db, expression, missing)


def _indexed_rows(
    db: sqlite3.Connection, expression: str, missing: int
) -> Iterator[tuple[str, str]]:
    # text_index_documents.id follows import order; ordering by it avoids sorting texts.
    found = db.execute(
        "SELECT d.rowid, d.id, d.raw_text FROM text_index_documents t"
        " JOIN documents d ON d.id = t.doc_id WHERE t.id IN"
        " (SELECT rowid FROM text_index WHERE text_index MATCH ?) ORDER BY t.id",
        (expression,),
    )
    streams: list[Iterator[tuple[int, str, str]]] = [found]
    if missing:
        streams.append(
            db.execute(
                "SELECT d.rowid, d.id, d.raw_text FROM documents d WHERE d.id NOT IN"
                " (SELECT doc_id FROM text_index_documents) ORDER BY d.rowid"
            )
        )
    for _, doc_id, text in heapq.merge(*streams, key=lambda row: row[0]):
        yield str(doc_id), str(text)
