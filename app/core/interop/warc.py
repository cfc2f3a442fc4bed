"""WARC crawls (Common Crawl, Heritrix, ``wget --warc-file``, Browsertrix) as documents.

Read with warcio, one record at a time from a plain or per-record-gzipped file, so memory
stays flat however many records the file holds. Every ``response`` record with status 2xx
and an HTML or plain-text payload becomes a document; warcio undoes chunked transfer
encoding and gzip/deflate/brotli content encoding; the charset comes from the HTTP
``Content-Type`` header first, then the page's ``<meta>``. Everything else is a note
counted by reason. A document's id is the target URI without its scheme.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from app.core.decoding import UndecodableError, decode_bytes
from app.core.interop.common import Item, Note
from app.core.prepare import MAX_PAGE_BYTES
from app.core.sources import RecordSource, Refusal

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)


def is_warc(path: Path) -> bool:
    """True for ``.warc`` and ``.warc.gz`` files."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def warc_id(uri: str) -> str:
    """A stable, readable id: the target URI without ``http://``/``https://`` or ``<>``."""
    uri = uri.strip().removeprefix("<").removesuffix(">")
    for scheme in ("https://", "http://"):
        if uri.lower().startswith(scheme):
            return uri[len(scheme) :]
    return uri


def read_warc(path: Path, *, decode: bool = True) -> Iterator[Item]:
    """Each usable response of ``path`` as a record source; notes for what is skipped.

    With ``decode`` false the payloads are not decoded (counting only).
    """
    try:
        stream = path.open("rb")
    except OSError as error:
        yield Refusal(str(path), f"cannot read: {error.strerror}")
        return
    with stream:
        try:
            for record in ArchiveIterator(stream):
                if record.format != "warc":  # warcio reads anything else as an old ARC file
                    yield Refusal(str(path), "not a readable WARC file (no WARC/1.x header)")
                    return
                yield _item(path, record, decode)
        except ArchiveLoadFailed as error:
            yield Refusal(str(path), f"not a readable WARC file ({_first_line(error)})")


def _item(path: Path, record: Any, decode: bool) -> Item:
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    origin = f"{path} ({uri or record.rec_type})"
    skipped = skip_reason(record)
    if skipped is not None:
        return Note(origin, skipped)
    if not uri:
        return Refusal(origin, "response has no WARC-Target-URI to name it by")
    if not decode:
        return RecordSource({"id": warc_id(uri)}, origin)
    content_type = record.http_headers.get_header("Content-Type") or ""
    html = _media(content_type) != "text/plain"
    return _document(path, record, uri, origin, content_type, html=html)


def skip_reason(record: Any) -> str | None:
    """Why a record is not a document (counted by this reason), or None if it is one."""
    if record.rec_type != "response":
        return f"WARC records skipped: not a response ({record.rec_type})"
    if record.http_headers is None:
        return "WARC responses skipped: not HTTP"
    status = record.http_headers.get_statuscode() or "?"
    if not status.startswith("2"):
        return f"WARC responses skipped: HTTP status {status}"
    media = _media(record.http_headers.get_header("Content-Type") or "")
    if media and media not in HTML_TYPES + TEXT_TYPES:
        return f"WARC responses skipped: not text ({media})"
    return None


# What undoing a body's encodings can raise: each layer has its own error type.
_PAYLOAD_ERRORS = (zlib.error, brotli.error, ChunkedDataException, ValueError, OSError, EOFError)


def _media(content_type: str) -> str:
    return content_type.split(";", maxsplit=1)[0].strip().lower()


def _document(
    path: Path, record: Any, uri: str, origin: str, content_type: str, *, html: bool
) -> Item:
    try:
        data = _payload(record)
    except _PAYLOAD_ERRORS as error:
        return Refusal(origin, f"cannot undo its encoding ({_first_line(error)})")
    if len(data) > MAX_PAGE_BYTES:
        return Refusal(origin, f"too large (over {MAX_PAGE_BYTES} bytes)")
    try:
        decoded = decode_bytes(data, declared=content_type or None, html=html)
    except UndecodableError as error:
        return Refusal(origin, str(error))
    field = "raw_html" if html else "raw_text"
    document = {"id": warc_id(uri), field: decoded.text, "url": uri, "source_path": str(path)}
    return RecordSource(document, origin)


def _payload(record: Any) -> bytes:
    """The HTTP body with its transfer and content encodings undone (up to the limit + 1)."""
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding != "br":
        return bytes(record.content_stream().read(MAX_PAGE_BYTES + 1))
    # warcio's own brotli hook needs the retired brotlipy API; undo br here instead.
    stream = record.raw_stream
    if (record.http_headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
        stream = ChunkedDataReader(stream, decomp_type=None)
    return bytes(
        brotli.Decompressor().process(stream.read(), output_buffer_limit=MAX_PAGE_BYTES + 1)
    )


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
