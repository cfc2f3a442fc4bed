"""Turn a source into a stored document: decode, canonicalise, clean, align.

Runs in worker processes, in two steps so that the cleaner can use what the whole import
knows (lines many pages repeat): ``read_page`` for every source first, then
``finish_page`` with the import's context. Both return a ``Refusal`` instead of raising
for anything wrong with the input, so one bad page never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.alignment import align, aligned_share
from app.core.canonical import canonicalize
from app.core.cleaners import CleanInput, ImportContext, get_cleaner
from app.core.decoding import UndecodableError, decode_bytes
from app.core.document import PreparedDocument
from app.core.html_text import html_to_text
from app.core.record_annotations import AnnotationError, record_annotations
from app.core.sources import MAX_PAGE_BYTES as _PAGE_LIMIT
from app.core.sources import FileSource, RecordSource, Refusal, Source, external_clean_path

MAX_PAGE_BYTES = _PAGE_LIMIT  # the same limit for page files and JSONL lines
TITLE_MAX_CHARS = 200
# trafilatura needs about 50 times a page's size in memory (and minutes) on pages this big;
# larger HTML pages are cleaned by `lines`, which keeps import memory near 10 times the
# page. Real articles are far smaller; the document's `cleaner` says which one ran.
TRAFILATURA_MAX_CHARS = 2_000_000


@dataclass(frozen=True)
class RawPage:
    """A source decoded to canonical raw text, before cleaning."""

    doc_id: str
    origin: str
    raw_text: str
    raw_html: str | None
    title: str | None
    url: str | None
    encoding: str | None
    source_path: str | None
    given_clean: str | None
    record: dict[str, Any] | None


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose for this import."""

    annotator: str
    cleaner: str | None = None  # None: trafilatura for HTML, lines for text
    now: str = ""


def read_page(source: Source) -> RawPage | Refusal:
    """Decode one source into canonical raw text, or say why it cannot be."""
    try:
        if isinstance(source, FileSource):
            return _read_file(source)
        return _read_record(source)
    except (UndecodableError, OSError, ValueError) as error:
        return Refusal(source.origin, _reason(error))


def finish_page(
    page: RawPage, options: ImportOptions, context: ImportContext
) -> PreparedDocument | Refusal:
    """Clean and align a page and attach the annotations its record carries."""
    try:
        cleaner, version, clean = _clean(page, options, context)
        segments = tuple(align(page.raw_text, clean))
        spans, facts, statuses = record_annotations(
            page.record or {}, page.raw_text, clean, options.annotator, options.now
        )
    except (AnnotationError, ValueError) as error:
        return Refusal(page.origin, _reason(error))
    return PreparedDocument(
        id=page.doc_id,
        origin=page.origin,
        raw_text=page.raw_text,
        clean_text=clean,
        cleaner=cleaner,
        cleaner_version=version,
        segments=segments,
        aligned_share=aligned_share(segments, len(clean)),
        url=page.url,
        # A page without a title is named by its article's first line, for the list.
        title=page.title or first_line_title(clean),
        raw_html=page.raw_html,
        source_path=page.source_path,
        source_encoding=page.encoding,
        spans=spans,
        facts=facts,
        statuses=statuses,
    )


def _read_file(source: FileSource) -> RawPage | Refusal:
    size = source.path.stat().st_size
    if size > MAX_PAGE_BYTES:
        return Refusal(source.origin, f"too large ({size} bytes; the limit is {MAX_PAGE_BYTES})")
    decoded = decode_bytes(source.path.read_bytes(), html=source.is_html)  # bytes freed now
    raw_html = decoded.text if source.is_html else None
    title = None
    raw_text = decoded.text
    if raw_html is not None:
        page = html_to_text(raw_html)
        raw_text, title = page.raw_text, page.title
    if not raw_text.strip():
        return Refusal(source.origin, "empty: no text in it")
    clean_path = external_clean_path(source.path)
    given_clean = None
    # A linked clean-text file is read only when it stays beside the page (folder rules).
    inside = clean_path.resolve().is_relative_to(source.path.parent.resolve())
    if clean_path.is_file() and inside:
        given_clean = decode_bytes(clean_path.read_bytes()).text
    return RawPage(
        source.doc_id,
        source.origin,
        raw_text,
        raw_html,
        title,
        None,
        decoded.encoding,
        str(source.path),
        given_clean,
        None,
    )


def _read_record(source: RecordSource) -> RawPage | Refusal:
    record = source.record
    raw_html = _text_field(record, "raw_html")
    raw_text = _text_field(record, "raw_text")
    title = _text_field(record, "title")
    if raw_html is not None:
        raw_html = canonicalize(raw_html)
        if raw_text is None:
            page = html_to_text(raw_html)
            raw_text, title = page.raw_text, title or page.title
    assert raw_text is not None  # the source reader refuses records with neither
    canonical = canonicalize(raw_text)
    if canonical != raw_text and (record.get("spans") or record.get("facts")):
        return Refusal(
            source.origin,
            "raw_text is not canonical (it has \\r, control characters or un-normalised "
            "Unicode), so its span offsets cannot be trusted",
        )
    if not canonical.strip():
        return Refusal(source.origin, "empty: no text in it")
    clean = _text_field(record, "clean_text")
    return RawPage(
        source.doc_id,
        source.origin,
        canonical,
        raw_html,
        title,
        _text_field(record, "url"),
        "utf-8",
        _text_field(record, "source_path"),
        None if clean is None else canonicalize(clean),
        record,
    )


def _clean(page: RawPage, options: ImportOptions, context: ImportContext) -> tuple[str, str, str]:
    """Return (cleaner name, cleaner version, clean text) for a page."""
    if page.given_clean is not None and (page.record is not None or options.cleaner == "external"):
        record = page.record or {}
        name = _text_field(record, "cleaner") or "external"
        version = _text_field(record, "cleaner_version") or ""
        return name, version, page.given_clean
    if options.cleaner == "external":
        raise ValueError(
            "cleaner 'external' needs clean text: a 'clean_text' field, or a file "
            f"{external_clean_path_name(page)} beside the page"
        )
    name = options.cleaner or ("trafilatura" if page.raw_html is not None else "lines")
    if name == "trafilatura" and len(page.raw_html or page.raw_text) > TRAFILATURA_MAX_CHARS:
        name = "lines"
    cleaner = get_cleaner(name)
    clean = cleaner.clean(CleanInput(page.raw_text, page.raw_html), context)
    return cleaner.name, cleaner.version, canonicalize(clean)


def first_line_title(text: str) -> str | None:
    """The first non-blank line of ``text``, cut to ``TITLE_MAX_CHARS``; None if blank."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), None)
    if line is None or len(line) <= TITLE_MAX_CHARS:
        return line
    return line[: TITLE_MAX_CHARS - 1] + "…"


def external_clean_path_name(page: RawPage) -> str:
    """The sibling clean-text file name the `external` cleaner expected for ``page``."""
    if page.source_path is None:
        return "<name>.clean.txt"
    return external_clean_path(Path(page.source_path)).name


def _text_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"field '{key}' must be a string, not {type(value).__name__}")
    return value


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return f"cannot read: {error.strerror or error}"
    return str(error)
