"""One crawled page through Thresher's own import steps, outside ``thresher import``.

The datatrove blocks and ``thresher sample`` hand a page here as the record the WARC
importer makes of it (``raw_html`` or ``raw_text``, ``url``, ``source_path``), and it goes
through the same ``read_page`` and ``finish_page`` as an import: same decoding to
canonical text, same HTML-to-text, same cleaner by name, same canonical clean text.
Nothing here reimplements a step; it only adds what the blocks and sampling measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.alignment import Segment, align
from app.core.canonical import canonicalize
from app.core.cleaners import Cleaner, CleanInput, ImportContext, get_cleaner
from app.core.document import PreparedDocument
from app.core.line_features import KEEP
from app.core.prepare import ImportOptions, RawPage, finish_page, read_page
from app.core.sources import RecordSource, Refusal

RAW_HTML, RAW_TEXT = "raw_html", "raw_text"


def page_record(
    text: str, doc_id: str, *, field: str = RAW_HTML, url: str | None = None, path: str = ""
) -> dict[str, Any]:
    """The record the WARC importer makes of a page (``field``: raw_html or raw_text)."""
    if field not in (RAW_HTML, RAW_TEXT):
        raise ValueError(f"a page's text is {RAW_HTML} or {RAW_TEXT}, not {field!r}")
    record: dict[str, Any] = {"id": doc_id, field: text}
    if url is not None:
        record["url"] = url
    if path:
        record["source_path"] = path
    return record


def raw_page(record: dict[str, Any], origin: str) -> RawPage | Refusal:
    """Decode a record to canonical raw text exactly as the importer does."""
    return read_page(RecordSource(record, origin))


def prepare(
    record: dict[str, Any], origin: str, options: ImportOptions, context: ImportContext
) -> PreparedDocument | Refusal:
    """The document ``thresher import`` would store for this record."""
    page = raw_page(record, origin)
    return page if isinstance(page, Refusal) else finish_page(page, options, context)


def context_of(repeated_lines: Iterable[str]) -> ImportContext:
    """An import context holding lines known to repeat across the crawl (for `lines`)."""
    return ImportContext(frozenset(repeated_lines))


# --- what sampling measures -------------------------------------------------------------


def cleaned(page: RawPage, cleaner: Cleaner, context: ImportContext) -> str:
    """A cleaner's canonical output for a page, as ``finish_page`` computes it."""
    return canonicalize(cleaner.clean(CleanInput(page.raw_text, page.raw_html), context))


def kept_ranges(raw: str, clean: str) -> list[tuple[int, int]]:
    """The raw ranges a clean text was traced to."""
    return [(s.raw_start, s.raw_end) for s in align(raw, clean)]


def character_f1(raw: str, first: str, second: str) -> float:
    """F1 between the raw characters two clean texts keep (whitespace not counted).

    1.0 when both keep the same characters (both empty included), 0.0 when they share none.
    """
    a, b = kept_ranges(raw, first), kept_ranges(raw, second)
    size_a, size_b = _visible(raw, a), _visible(raw, b)
    if size_a + size_b == 0:
        return 1.0
    both = _visible(raw, _intersect(a, b))
    return 2 * both / (size_a + size_b)


def _visible(raw: str, ranges: Iterable[tuple[int, int]]) -> int:
    return sum(len(raw[start:end]) - _spaces(raw[start:end]) for start, end in ranges)


def _spaces(text: str) -> int:
    return sum(1 for char in text if char.isspace())


def _intersect(
    first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Intersection of two sorted, disjoint range lists (segments are both)."""
    out, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            out.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return out


def cleaners_for(names: Iterable[str]) -> list[Cleaner]:
    """Cleaners by name through the registry (``learned:MODEL`` included)."""
    return [get_cleaner(name) for name in names]


# --- what the line model says about a page ----------------------------------------------


@dataclass(frozen=True)
class LineReport:
    """Share of a page's non-whitespace characters per class, and lines the model drops."""

    shares: dict[str, float]
    lines: int
    dropped: int

    def metadata(self) -> dict[str, Any]:
        """Flat fields for a datatrove document (every class always present)."""
        fields: dict[str, Any] = {f"line_share_{name}": v for name, v in self.shares.items()}
        fields["lines_total"] = self.lines
        fields["lines_dropped"] = self.dropped
        return fields


def line_report(model_name: str, page: RawPage, context: ImportContext) -> LineReport:
    """What the learned cleaner ``learned:MODEL`` says about each line of ``page``."""
    # Imported here: the line model needs numpy, which the other helpers never pay for.
    from app.core.cleaners.learned import LearnedCleaner  # noqa: PLC0415
    from app.core.line_model import classify_page  # noqa: PLC0415

    learned = get_cleaner(model_name)
    if not isinstance(learned, LearnedCleaner):
        raise ValueError(f"{model_name!r} is not a learned cleaner (learned:MODEL)")
    raw = page.raw_text
    segments = [Segment(0, len(raw), 0, len(raw))]  # a model on no base sees every line kept
    if learned.base is not None:
        segments = align(raw, cleaned(page, learned.base, context))
    decided = classify_page(learned.model, raw, segments)
    chars = dict.fromkeys(learned.model.classes, 0)
    for line, label in decided:
        chars[label] += len(line.text) - _spaces(line.text)
    total = sum(chars.values())
    shares = {name: (count / total if total else 0.0) for name, count in chars.items()}
    dropped = sum(1 for _, label in decided if label != KEEP)
    return LineReport(shares, len(decided), dropped)
