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
from typing import Any

PAGE_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIX = ".jsonl"
# Clean text for the `external` cleaner sits beside its page: page.txt + page.clean.txt.
EXTERNAL_CLEAN_SUFFIX = ".clean.txt"


@dataclass(frozen=True)
class Refusal:
    """An input that was not imported: where it came from and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


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
        elif path.suffix.lower() == JSONL_SUFFIX:
            yield from iter_jsonl(path)
        elif path.suffix.lower() in PAGE_SUFFIXES and not _is_external_clean(path):
            yield FileSource(path.stem, path)
        else:
            yield Refusal(str(path), "not a .txt, .html, .htm or .jsonl file")


def count_sources(paths: Sequence[Path]) -> int:
    """How many documents ``paths`` hold, cheaply (for a progress bar)."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for _ in _page_files(path))
        elif path.suffix.lower() == JSONL_SUFFIX and path.is_file():
            with path.open("rb") as stream:
                total += sum(1 for line in stream if line.strip())
        else:
            total += 1
    return total


def _folder(root: Path) -> Iterator[Source | Refusal]:
    for path in _page_files(root):
        relative = path.relative_to(root).with_suffix("")
        yield FileSource(relative.as_posix(), path)


def _page_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in PAGE_SUFFIXES and not _is_external_clean(path):
            yield path


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
        for number, line in enumerate(stream, start=1):
            origin = f"{path}:{number}"
            if line.strip():
                yield _record(line, origin)


def _record(line: bytes, origin: str) -> RecordSource | Refusal:
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Refusal(origin, "line is not UTF-8")
    except json.JSONDecodeError as error:
        return Refusal(origin, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(record, dict):
        return Refusal(origin, "a record must be a JSON object")
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        return Refusal(origin, "record has no 'id' (a non-empty string)")
    has_raw = isinstance(record.get("raw_text"), str) or isinstance(record.get("raw_html"), str)
    if not has_raw:
        return Refusal(origin, f"record {record['id']!r} has neither 'raw_text' nor 'raw_html'")
    return RecordSource(record, origin)
