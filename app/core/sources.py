"""What ``thresher import`` reads: files, folders and JSONL record files.

A source item names where a document comes from (for messages) and carries what a
worker needs to prepare it: a file path to read, or an already-parsed JSONL record.
Files are read in the worker, not here, so a folder of 100,000 pages never sits in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from app.core.source_files import document_id, name_problem, printable, walk_folder

PAGE_SUFFIXES = (".txt", ".html", ".htm")
# Read by app.core.interop: WARC crawls, Label Studio JSON, and JSONL of any known shape.
WARC_SUFFIXES = (".warc", ".warc.gz")
INTEROP_SUFFIXES = (".jsonl", ".json", *WARC_SUFFIXES)
INPUT_SUFFIXES = (*PAGE_SUFFIXES, *INTEROP_SUFFIXES)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIX = ".jsonl"
# What a folder is searched for (recursively).
FOLDER_RECORD_SUFFIXES = (JSONL_SUFFIX, *WARC_SUFFIXES)
FOLDER_SUFFIXES = (*PAGE_SUFFIXES, *FOLDER_RECORD_SUFFIXES)
# The largest page file or JSONL line imported: bigger ones are refused by name, unread.
MAX_PAGE_BYTES = 64 * 1024 * 1024
SKIP_PIECE_BYTES = 1024 * 1024
# Clean text for the `external` cleaner sits beside its page: page.txt + page.clean.txt.
EXTERNAL_CLEAN_SUFFIX = ".clean.txt"


@dataclass(frozen=True)
class Refusal:
    """An input that was not imported: where it came from and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        # Origins are file names and ids: never let one rewrite the terminal.
        return printable(f"{self.origin}: {self.reason}")


@dataclass(frozen=True)
class FileSource:
    """A page file to import."""

    doc_id: str
    path: Path

    @property
    def origin(self) -> str:
        """How messages name this input."""
        return str(self.path)

    @property
    def is_html(self) -> bool:
        """True for .html/.htm files."""
        return self.path.suffix.lower() in HTML_SUFFIXES


@dataclass(frozen=True)
class RecordSource:
    """One line of a JSONL file, decoded."""

    record: dict[str, Any]
    origin: str

    @property
    def doc_id(self) -> str:
        """The record's id (validated before this object exists)."""
        return str(self.record["id"])


Source = FileSource | RecordSource


def iter_sources(paths: Sequence[Path]) -> Iterator[Source | Refusal]:
    """Yield every document source under ``paths``, and a refusal for each unusable one."""
    for path in paths:
        if path.is_dir():
            yield from _folder(path)
        elif not path.exists():
            yield Refusal(str(path), "no such file or folder")
        elif _is_ground_truth(path):  # an article benchmark's truth: pages with gold
            yield from _ground_truth(path)
        elif _is_interop(path):
            yield from _interop(path)
        elif path.suffix.lower() in PAGE_SUFFIXES and not _is_external_clean(path):
            problem = name_problem(path.name)
            yield (
                Refusal(str(path), problem) if problem else FileSource(document_id(path.stem), path)
            )
        else:
            yield Refusal(str(path), f"not a {', '.join(INPUT_SUFFIXES)} file")


def count_sources(paths: Sequence[Path]) -> int:
    """How many documents ``paths`` hold, cheaply (for a progress bar)."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for _ in _page_files(path))
            total += sum(_interop_count(records) for records in _record_files(path))
        elif _is_ground_truth(path):
            total += _ground_truth_count(path)
        elif _is_interop(path) and path.is_file():
            total += _interop_count(path)
        else:
            total += 1
    return total


def _folder(root: Path) -> Iterator[Source | Refusal]:
    """A folder's pages, then its record files (JSONL, WARC); skipped files are named."""
    for path, problem in walk_folder(root, FOLDER_SUFFIXES):
        if problem:
            yield Refusal(str(path), problem)
        elif _is_page(path):
            yield FileSource(document_id(path.relative_to(root).with_suffix("").as_posix()), path)
    for records in _record_files(root):
        yield from _interop(records)


def _page_files(root: Path) -> Iterator[Path]:
    for path, problem in walk_folder(root, PAGE_SUFFIXES):
        if not problem and _is_page(path):
            yield path


def _record_files(root: Path) -> Iterator[Path]:
    """A folder's JSONL and WARC files (a .json file there is anybody's, not ours)."""
    for path, problem in walk_folder(root, FOLDER_RECORD_SUFFIXES):
        if not problem:
            yield path


def _is_page(path: Path) -> bool:
    return path.suffix.lower() in PAGE_SUFFIXES and not _is_external_clean(path)


def _is_external_clean(path: Path) -> bool:
    return path.name.lower().endswith(EXTERNAL_CLEAN_SUFFIX)


def external_clean_path(path: Path) -> Path:
    """Where the `external` cleaner looks for a page file's clean text."""
    return path.with_name(path.stem + EXTERNAL_CLEAN_SUFFIX)


def iter_jsonl(path: Path) -> Iterator[RecordSource | Refusal]:
    """Yield each line of a JSONL file as a record, or a refusal naming file and line."""
    try:
        stream = path.open("rb")
    except OSError as error:
        yield Refusal(str(path), f"cannot read: {error.strerror}")
        return
    with stream:
        for number, line in read_lines(stream, MAX_PAGE_BYTES):
            origin = f"{path}:{number}"
            if line is None:
                yield Refusal(origin, f"record too large (the limit is {MAX_PAGE_BYTES} bytes)")
            elif line.strip():
                yield _record(line, origin)


def read_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Each line of ``stream`` with its number from 1; None for a line over ``limit`` bytes.

    A longer line is skipped in pieces, never held whole: a 1 GB line costs no memory.
    """
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(SKIP_PIECE_BYTES)
        yield number, None


def parse_object(line: bytes, origin: str) -> dict[str, Any] | Refusal:
    """One JSON object from a line of bytes, or a refusal saying what is wrong."""
    try:
        value = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Refusal(origin, "line is not UTF-8")
    except json.JSONDecodeError as error:
        return Refusal(origin, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(value, dict):
        return Refusal(origin, "a record must be a JSON object")
    return value


def _record(line: bytes, origin: str) -> RecordSource | Refusal:
    record = parse_object(line, origin)
    if isinstance(record, Refusal):
        return record
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        return Refusal(origin, "record has no 'id' (a non-empty string)")
    has_raw = isinstance(record.get("raw_text"), str) or isinstance(record.get("raw_html"), str)
    if not has_raw:
        return Refusal(origin, f"record {record['id']!r} has neither 'raw_text' nor 'raw_html'")
    return RecordSource(record, origin)


def _is_interop(path: Path) -> bool:
    return path.name.lower().endswith(INTEROP_SUFFIXES)


def _interop(path: Path) -> Iterator[Source | Refusal]:
    # Imported here: the interop readers build their records on this module's classes.
    from app.core.interop.detect import read_file  # noqa: PLC0415

    yield from read_file(path)


def _interop_count(path: Path) -> int:
    from app.core.interop.detect import count_file  # noqa: PLC0415

    return count_file(path)


def _is_ground_truth(path: Path) -> bool:
    from app.core.benchmark_gold import is_ground_truth  # noqa: PLC0415 (builds on this module)

    return is_ground_truth(path)


def _ground_truth(path: Path) -> Iterator[Source | Refusal]:
    from app.core.benchmark_gold import benchmark_sources  # noqa: PLC0415

    yield from benchmark_sources(path)


def _ground_truth_count(path: Path) -> int:
    from app.core.benchmark_gold import entry_count  # noqa: PLC0415

    return entry_count(path)
