"""Thresher at crawl scale: its extractor in a datatrove pipeline, and ``thresher sample``.

1. The same datatrove pipeline (Thresher's WARC reader -> extractor -> Parquet writer, local
   executor, 2 tasks) over 10,000 generated news pages, once with ``ThresherExtractor``
   (trafilatura through the import's own steps: HTML to text, clean, canonicalise, align)
   and once with datatrove's own ``Trafilatura`` extractor: pages per second and the ratio.
2. ``thresher sample -n 1000`` from 100,000 small records (and from 10,000, for the
   shape), in a child process: wall time and the child's own peak memory (``bench.peak_memory``).

Skips part 1, with a message, when datatrove (``thresher[scale]``) is not installed.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE_PAGES = 10_000
SAMPLE_RECORDS = (10_000, 100_000)
SAMPLE_N = 1000
TASKS = 2
HOSTS = 50
SMALL_PAGE = "<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"


def warc_record(
    uri: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    """One WARC/1.0 response record, written out by hand (fast for large crawls)."""
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{hashlib.md5(uri.encode()).hexdigest()}>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def write_warc(path: Path, records: Iterable[tuple[str, bytes]], *, compress: bool) -> None:
    """A WARC file of HTML responses; gzip per record when ``compress`` (as crawlers do)."""
    with path.open("wb") as stream:
        for uri, body in records:
            data = warc_record(uri, body)
            stream.write(gzip.compress(data, compresslevel=1) if compress else data)


def small_records(count: int, hosts: int = HOSTS) -> Iterable[tuple[str, bytes]]:
    """``count`` tiny pages spread over ``hosts`` hosts (site i holds every i-th page)."""
    for number in range(count):
        host = f"site{number % hosts:03d}.example.kr"
        text = f"기사 {number}번: 오늘 서울은 맑겠습니다."
        yield f"https://{host}/a/{number}", SMALL_PAGE.format(title=number, text=text).encode()


def news_records(count: int) -> Iterable[tuple[str, bytes]]:
    """``count`` realistic news pages (bench.pages) over ``HOSTS`` hosts."""
    from bench.pages import make_page, sample_lines  # noqa: PLC0415

    samples = sample_lines()
    for number in range(count):
        uri = f"https://news{number % HOSTS:02d}.example.kr/article/{number:06d}"
        yield uri, make_page(number, samples).encode("utf-8")


_PIPELINE = """
import sys, time
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.writers import ParquetWriter
from app.scale.blocks import ThresherExtractor, ThresherWarcReader
crawl, work, which, tasks = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
extractor = ThresherExtractor(timeout=60) if which == "thresher" else Trafilatura(timeout=60)
pipeline = [ThresherWarcReader(crawl), extractor, ParquetWriter(work + "/out")]
executor = LocalPipelineExecutor(pipeline, tasks=tasks, logging_dir=work + "/logs")
started = time.perf_counter()
executor.run()
print(f"seconds {time.perf_counter() - started:.3f}")
"""


def pipeline_seconds(crawl: Path, work: Path, which: str) -> float:
    """One pipeline run in a child process (its logs kept out of this report)."""
    argv = [sys.executable, "-c", _PIPELINE, str(crawl), str(work), which, str(TASKS)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("seconds "))
    return float(line.split()[1])


def bench_pipeline(root: Path) -> None:
    """Thresher's extractor against datatrove's Trafilatura in the same pipeline."""
    if importlib.util.find_spec("datatrove") is None:
        print("datatrove not installed (pip install 'thresher[scale]'): pipeline skipped")
        return
    crawl = root / "crawl"
    crawl.mkdir()
    half = PIPELINE_PAGES // TASKS
    pages = list(news_records(PIPELINE_PAGES))
    for task in range(TASKS):  # datatrove shards by file: one file per task
        part = pages[task * half : (task + 1) * half]
        write_warc(crawl / f"part{task}.warc.gz", part, compress=True)
    ours = PIPELINE_PAGES / pipeline_seconds(crawl, root / "ours", "thresher")
    theirs = PIPELINE_PAGES / pipeline_seconds(crawl, root / "theirs", "datatrove")
    print(f"datatrove pipeline, {PIPELINE_PAGES} pages, local executor, {TASKS} tasks:")
    print(f"  ThresherExtractor (trafilatura) {ours:8.1f} pages/s")
    print(f"  datatrove Trafilatura           {theirs:8.1f} pages/s")
    print(f"  ratio (Thresher / datatrove)    {ours / theirs:8.2f}")


_MEASURE = """
import sys, time
from app.cli import main
from bench.peak_memory import peak_rss_mb
started = time.perf_counter()
code = main(sys.argv[1:])
print(f"{time.perf_counter() - started:.3f} {peak_rss_mb():.1f}")
sys.exit(code)
"""


def sample_run(crawl: Path, into: Path, *extra: str) -> tuple[float, float]:
    """``thresher sample`` in a child process: (seconds, its own peak RSS in MiB)."""
    argv = [sys.executable, "-c", _MEASURE, "sample", str(crawl), "--into", str(into), *extra]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, peak = done.stdout.split()[-2:]
    return float(seconds), float(peak)


def bench_sample(root: Path) -> None:
    """``thresher sample`` time and peak memory from 10,000 and 100,000 records."""
    print(f"thresher sample -n {SAMPLE_N} --by host (child process, small pages):")
    for records in SAMPLE_RECORDS:
        crawl = root / f"crawl{records}.warc"
        write_warc(crawl, small_records(records), compress=False)
        seconds, peak = sample_run(
            crawl, root / f"s{records}.db", "-n", str(SAMPLE_N), "--by", "host"
        )
        rate = records / seconds
        print(
            f"  {records:7d} records: {seconds:6.1f} s ({rate:7.0f} records/s),"
            f" peak memory {peak:6.1f} MiB"
        )


def main() -> None:
    """Run both parts in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        bench_pipeline(root)
        bench_sample(root)


if __name__ == "__main__":
    main()
