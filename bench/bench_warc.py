"""WARC import throughput next to reading the same records with warcio alone.

A gzipped WARC (one gzip member per record, as crawlers write it) of realistic news pages,
each response preceded by its request record as in a real crawl. Both sides run in this
one process run: warcio reading every response payload (the floor of any WARC import),
and ``thresher import`` of the whole file (reading, decoding, HTML to text, trafilatura,
alignment, SQLite writes) on every core.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from bench.pages import make_page, sample_lines
from storage.labelfile import create_label_file

PAGES = 1000
ROUNDS = 2


def write_crawl(path: Path, count: int) -> None:
    """``count`` request/response pairs of HTML news pages, gzip per record."""
    samples = sample_lines()
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for index in range(count):
            uri = f"https://news.example.kr/article/{index:05d}"
            get = f"GET /article/{index:05d} HTTP/1.1\r\nHost: news.example.kr\r\n\r\n".encode()
            writer.write_record(
                writer.create_warc_record(uri, "request", payload=io.BytesIO(get), length=len(get))
            )
            body = make_page(index, samples).encode("utf-8")
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
            )
            writer.write_record(record)


def warcio_alone(path: Path) -> float:
    """Response records per second that warcio reads, payload included."""
    started = time.perf_counter()
    count = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                record.content_stream().read()
                count += 1
    assert count == PAGES
    return count / (time.perf_counter() - started)


def thresher_import(path: Path, database: Path) -> float:
    """Pages per second of a whole import of the WARC file on every core."""
    started = time.perf_counter()
    with create_label_file(database, owner="bench", schema=default_schema()) as label_file:
        report = import_sources(label_file, [path], ImportOptions(annotator="bench"))
    elapsed = time.perf_counter() - started
    assert report.counts.added == PAGES and not report.refusals, report.refusals[:3]
    return PAGES / elapsed


def main() -> None:
    """Print both rates."""
    with tempfile.TemporaryDirectory() as scratch:
        crawl = Path(scratch) / "crawl.warc.gz"
        write_crawl(crawl, PAGES)
        size = crawl.stat().st_size
        alone = ours = 0.0
        for round_ in range(ROUNDS):
            alone = max(alone, warcio_alone(crawl))
            ours = max(ours, thresher_import(crawl, Path(scratch) / f"warc{round_}.db"))
    print(
        f"warc: {PAGES} HTML responses in one .warc.gz ({size / 1e6:.1f} MB),"
        f" {os.cpu_count()} cores, best of {ROUNDS} rounds"
    )
    print(f"  warcio alone, read every payload:   {alone:8.1f} pages/s")
    print(f"  thresher import, all work included: {ours:8.1f} pages/s")


if __name__ == "__main__":
    main()
