"""WARC crawls come in: responses become documents, everything else is counted by reason.

The WARC files are written with warcio's own writer (gzip per record, as crawlers write
them), so the reader is tested on what the reference library produces.
"""

from __future__ import annotations

import gzip
import io
import sqlite3
import tracemalloc
from pathlib import Path

import brotli
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from app.cli import main
from app.core.interop.warc import read_warc, warc_id
from app.core.sources import RecordSource

UTF8_PAGE = (
    "<html><head><title>경제 뉴스</title></head>"
    "<body><p>정부는 GPU 3만 장을 확보한다.</p></body></html>"
)
EUCKR_PAGE = (
    '<html><head><meta charset="windows-1252"><title>날씨</title></head>'
    "<body><p>오늘 서울은 맑고 따뜻하겠습니다.</p></body></html>"
)
SJIS_PAGE = "<html><body><p>東京の天気は晴れです。</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data)


def _response(
    writer: WARCWriter, uri: str, status: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
    )
    writer.write_record(record)


def write_crawl(path: Path) -> None:
    """Three charsets (gzipped and chunked; brotli), a redirect, a 404, an image, a request."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        get = b"GET /a/1 HTTP/1.1\r\n\r\n"
        request = writer.create_warc_record(
            "https://news.example.kr/a/1", "request", payload=io.BytesIO(get), length=len(get)
        )
        writer.write_record(request)
        _response(
            writer,
            "https://news.example.kr/a/1",
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ],
            _chunked(gzip.compress(UTF8_PAGE.encode("utf-8"))),
        )
        _response(
            writer,
            "http://weather.example.kr/today?city=seoul",
            "200 OK",
            [("Content-Type", "text/html; charset=euc-kr")],
            EUCKR_PAGE.encode("euc-kr"),
        )
        _response(
            writer,
            "https://jp.example.jp/tenki",
            "200 OK",
            [("Content-Type", "text/html; charset=shift_jis"), ("Content-Encoding", "br")],
            brotli.compress(SJIS_PAGE.encode("shift_jis")),
        )
        _response(
            writer,
            "https://news.example.kr/old",
            "301 Moved Permanently",
            [("Location", "https://news.example.kr/a/1"), ("Content-Type", "text/html")],
            b"<html>moved</html>",
        )
        _response(
            writer, "https://news.example.kr/gone", "404 Not Found",
            [("Content-Type", "text/html")], b"<html>not found</html>",
        )  # fmt: skip
        _response(
            writer,
            "https://news.example.kr/logo.png",
            "200 OK",
            [("Content-Type", "image/png")],
            PNG,
        )


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def documents(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT id, url, raw_text FROM documents").fetchall()
    return {doc_id: (url, text) for doc_id, url, text in rows}


def test_a_gzipped_crawl_imports_its_text_responses_and_counts_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    write_crawl(crawl)
    db = tmp_path / "crawl.db"
    code, _, err = run(capsys, "import", crawl, "--into", db)
    assert code == 0, err
    docs = documents(db)
    assert set(docs) == {
        "news.example.kr/a/1",
        "weather.example.kr/today?city=seoul",
        "jp.example.jp/tenki",
    }
    assert docs["news.example.kr/a/1"][0] == "https://news.example.kr/a/1"
    assert "정부는 GPU 3만 장을 확보한다." in docs["news.example.kr/a/1"][1]
    # The header's euc-kr wins over the page's <meta charset="windows-1252">.
    assert "오늘 서울은 맑고 따뜻하겠습니다." in docs["weather.example.kr/today?city=seoul"][1]
    assert "東京の天気は晴れです。" in docs["jp.example.jp/tenki"][1]
    assert "3 documents added" in err
    for line in (
        "1  WARC records skipped: not a response (warcinfo)",
        "1  WARC records skipped: not a response (request)",
        "1  WARC responses skipped: HTTP status 301",
        "1  WARC responses skipped: HTTP status 404",
        "1  WARC responses skipped: not text (image/png)",
    ):
        assert line in err


def test_warc_files_inside_folders_are_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "crawls" / "2024"
    folder.mkdir(parents=True)
    write_crawl(folder / "part-00001.warc.gz")
    db = tmp_path / "f.db"
    code, _, err = run(capsys, "import", tmp_path / "crawls", "--into", db)
    assert code == 0, err
    assert len(documents(db)) == 3


def test_importing_the_same_crawl_again_adds_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    write_crawl(crawl)
    db = tmp_path / "crawl.db"
    assert run(capsys, "import", crawl, "--into", db)[0] == 0
    code, _, err = run(capsys, "import", crawl, "--into", db)
    assert code == 0, err
    assert "0 documents added, 3 already there" in err


def test_ids_are_the_target_uri_without_its_scheme() -> None:
    assert warc_id("https://news.example.kr/a?id=1") == "news.example.kr/a?id=1"
    assert warc_id("<http://example.kr/>") == "example.kr/"
    assert warc_id("ftp://example.kr/x") == "ftp://example.kr/x"


def test_a_file_that_is_not_a_warc_is_refused_by_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "broken.warc"
    bad.write_bytes(b"this is not a WARC file\r\n\r\n")
    code, _, err = run(capsys, "import", bad, "--into", tmp_path / "b.db")
    assert code == 1
    assert f"refused {bad}: not a readable WARC file" in err


def _peak_while_reading(path: Path) -> int:
    tracemalloc.start()
    try:
        for item in read_warc(path):
            assert isinstance(item, RecordSource)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _uniform_crawl(path: Path, records: int) -> None:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number in range(records):
            _response(
                writer,
                f"https://news.example.kr/a/{number}",
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8")],
                UTF8_PAGE.encode("utf-8") * 20,
            )


def test_memory_stays_flat_in_the_number_of_records(tmp_path: Path) -> None:
    small, large = tmp_path / "small.warc.gz", tmp_path / "large.warc.gz"
    _uniform_crawl(small, 40)
    _uniform_crawl(large, 400)
    _peak_while_reading(small)  # warm imports and caches
    assert _peak_while_reading(large) < 2 * _peak_while_reading(small)
